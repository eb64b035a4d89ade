/**
 * Shared by the CLI tests: run `main` in process with standard output and error captured,
 * the checkout's paths, and temp folders to write input files into.
 * Pair `run` with `afterEach(() => vi.restoreAllMocks())` so a failing run leaves no spy behind.
 */
import { vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';

/** The repository root. */
export const root = resolve(import.meta.dirname, '../..');
/** The bank demo: bank-full.csv, model.json, model.manifest.json, model.weights.bin. */
export const demo = join(root, 'public/demo/bank');

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI with these arguments; returns its exit status and what it wrote. */
export async function run(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, out, err };
}

/** A fresh folder under the system temp folder. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `content` to `dir/name`; returns the path. */
export function writeIn(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
