/** Builds the production app once for every end-to-end test file (each serves it on its own port). */
import { build } from 'vite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './harness';

export default async function setup(): Promise<() => void> {
  const outDir = mkdtempSync(join(tmpdir(), 'bw-e2e-dist-'));
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  process.env.BW_E2E_DIST = outDir;
  return () => rmSync(outDir, { recursive: true, force: true });
}
