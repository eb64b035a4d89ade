/**
 * The SHAP bench's workload, written to a folder so the CLI can be timed as a whole process:
 * the 8-column peer MLP (test/fixtures/peer/mlp.json, 8-32-16-1) saved as a TensorFlow.js
 * Layers model with its manifest, the peer JSON itself (peer-model.json, which
 * bench/shap_permutation.py evaluates in numpy as the peer did), `nRows` rows to explain (the
 * 20 rows of explain.csv cycled, plus seeded N(0, 0.05²) noise so no two are equal) and the 50
 * rows of background.csv.
 * Values are written as float32 numbers, so the CSV the CLI reads and the matrix a bench
 * holds in memory are the same inputs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_FORMAT } from '../src/core/manifest';
import { saveModelArtifacts } from '../src/core/model';
import { peerModelToLayersModel } from '../src/core/reference-mlp';
import { createRng } from '../src/core/rng';

export const WIDTH = 8;
export const FEATURES = Array.from({ length: WIDTH }, (_, i) => `f${i}`);
const peerDir = fileURLToPath(new URL('../test/fixtures/peer/', import.meta.url));

export function peerJson(name: 'mlp.json' | 'logistic.json'): unknown {
  return JSON.parse(readFileSync(peerDir + name, 'utf8')) as unknown;
}

export function readPeerMatrix(file: string): { X: Float32Array; n: number } {
  const lines = readFileSync(peerDir + file, 'utf8').trim().split(/\r?\n/);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return { X: Float32Array.from(rows.flat()), n: rows.length };
}

/** nRows float32 rows: explain.csv cycled with N(0, 0.05²) noise from seed 2024. */
export function explainedRows(nRows: number): Float32Array {
  const base = readPeerMatrix('explain.csv');
  const rng = createRng(2024);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const X = new Float32Array(nRows * WIDTH);
  for (let i = 0; i < nRows; i++) {
    for (let c = 0; c < WIDTH; c++) X[i * WIDTH + c] = base.X[(i % base.n) * WIDTH + c] + 0.05 * gauss();
  }
  return X;
}

function csvOf(X: Float32Array, n: number): string {
  const lines = [FEATURES.join(',')];
  for (let i = 0; i < n; i++) lines.push(Array.from(X.subarray(i * WIDTH, (i + 1) * WIDTH), String).join(','));
  return lines.join('\n') + '\n';
}

export interface ShapWorkload {
  dir: string;
  model: string;
  manifest: string;
  /** the peer model JSON (test/fixtures/peer format), as shap's side of the bench reads it */
  peerModel: string;
  rows: string;
  background: string;
  X: Float32Array;
  nRows: number;
  bg: Float32Array;
  nBackground: number;
}

/** Writes the model, manifest and both CSV files under `dir`; returns their paths and matrices. */
export async function writeShapWorkload(dir: string, nRows: number, model: 'mlp.json' | 'logistic.json' = 'mlp.json'): Promise<ShapWorkload> {
  mkdirSync(dir, { recursive: true });
  const layers = peerModelToLayersModel(peerJson(model));
  for (const f of await saveModelArtifacts(layers)) writeFileSync(join(dir, f.name), f.data);
  layers.dispose();
  const manifest = {
    format: MANIFEST_FORMAT,
    name: `peer ${model}`,
    target: { column: 'y', positive: '1' },
    features: FEATURES.map((column) => ({ column, kind: 'numeric' })),
    output: 'probability',
  };
  writeFileSync(join(dir, 'model.manifest.json'), JSON.stringify(manifest, null, 1));
  writeFileSync(join(dir, 'peer-model.json'), JSON.stringify(peerJson(model)));
  const X = explainedRows(nRows);
  const bg = readPeerMatrix('background.csv');
  writeFileSync(join(dir, 'rows.csv'), csvOf(X, nRows));
  writeFileSync(join(dir, 'background.csv'), csvOf(bg.X, bg.n));
  return {
    dir, model: join(dir, 'model.json'), manifest: join(dir, 'model.manifest.json'), peerModel: join(dir, 'peer-model.json'), rows: join(dir, 'rows.csv'),
    background: join(dir, 'background.csv'), X, nRows, bg: bg.X, nBackground: bg.n,
  };
}
