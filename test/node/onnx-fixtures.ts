/**
 * Shared by the ONNX tests: the fixtures of test/fixtures/onnx (scripts/make-onnx-fixtures.ts),
 * onnxruntime-web loaded as the CLI loads it, and opening a model with a changed manifest.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsvText } from '../../src/core/csv';
import { validateManifest, type Manifest } from '../../src/core/manifest';
import type { OrtModule } from '../../src/core/onnx';
import { openModel, type OpenedModel } from '../../src/core/open-model';
import { loadOrtNode } from '../../src/cli/load-model';

export const onnxDir = resolve(import.meta.dirname, '../fixtures/onnx');
export type FixtureName = 'logistic' | 'pipeline' | 'trees';

export const table = parseCsvText(readFileSync(join(onnxDir, 'data.csv'), 'utf8')).table;

export function modelBytes(name: FixtureName): Uint8Array {
  return new Uint8Array(readFileSync(join(onnxDir, `${name}.onnx`)));
}

/** The fixture's manifest as JSON (to change before validating). */
export function manifestJson(name: FixtureName): Record<string, unknown> {
  return JSON.parse(readFileSync(join(onnxDir, `${name}.manifest.json`), 'utf8')) as Record<string, unknown>;
}

export function manifestOf(name: FixtureName, change: (j: Record<string, unknown>) => void = () => {}): Manifest {
  const j = manifestJson(name);
  change(j);
  return validateManifest(j);
}

export function reference(name: FixtureName): number[] {
  return (JSON.parse(readFileSync(join(onnxDir, `${name}.reference.json`), 'utf8')) as { scores: number[] }).scores;
}

export const ort: () => Promise<OrtModule> = loadOrtNode;

export function open(name: FixtureName, manifest: Manifest = manifestOf(name), bytes: Uint8Array = modelBytes(name)): Promise<OpenedModel> {
  return openModel([{ name: `${name}.onnx`, data: bytes }], manifest, { ort });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
