/**
 * Scoring throughput by model format, one run: the ONNX fixtures (test/fixtures/onnx: a tree
 * ensemble on a 5-value row, a logistic regression on a 7-value row, the skl2onnx-shaped
 * pipeline with an input per column and a ZipMap output) through onnxruntime-web's wasm build
 * (one thread), and the TensorFlow.js graph fixture (test/fixtures/graph), against the
 * baseline: a TensorFlow.js Layers logistic regression (Dense(1, sigmoid)) on the same 7-value
 * row, on the tfjs wasm backend as the CLI sets it. Every model is opened through core's
 * openModel and scored through its Scorer on pre-encoded rows (encoding is bench/predict's);
 * rows/s is the median of 5 timed runs after a warm-up, and each rate is printed as a ratio
 * to the baseline's.
 *   npm run bench -- models      (or npx tsx bench/models.ts [rows])
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestWidth, validateManifest, type Manifest } from '../src/core/manifest';
import { createModelScorer } from '../src/core/model';
import { openModel, type ModelFile } from '../src/core/open-model';
import type { Scorer } from '../src/core/scorer';
import { tf } from '../src/core/tf';
import { createRng } from '../src/core/rng';
import { setupNodeBackend } from '../src/cli/backend';
import { loadOrtNode } from '../src/cli/load-model';

const N = Number(process.argv[2] ?? 200_000);
const ONNX = 'test/fixtures/onnx';
const GRAPH = 'test/fixtures/graph';

const manifestAt = (path: string): Manifest => validateManifest(JSON.parse(readFileSync(path, 'utf8')));
const file = (dir: string, name: string): ModelFile => ({ name, data: new Uint8Array(readFileSync(join(dir, name))) });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Rows per second of `scorer` on `X` (N rows): the median of 5 runs after a warm-up. */
async function rowsPerSecond(scorer: Scorer, X: Float32Array): Promise<number> {
  await scorer.predict(X, N);
  const ms: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    await scorer.predict(X, N);
    ms.push(performance.now() - t0);
  }
  return N / (median(ms) / 1000);
}

const rng = createRng(7);
/** N encoded rows of `width` values, uniform in [-1, 1) (standardised numbers, one-hot slots need not be 0/1 for timing). */
function uniformRows(width: number): Float32Array {
  const X = new Float32Array(N * width);
  for (let i = 0; i < X.length; i++) X[i] = rng.next() * 2 - 1;
  return X;
}

/** N rows for the pipeline: age 20–69, campaign 1–7, job as a category index (−1 = none) of its manifest's 7. */
function pipelineRows(): Float32Array {
  const X = new Float32Array(N * 3);
  for (let i = 0; i < N; i++) {
    X[i * 3] = 20 + Math.floor(rng.next() * 50);
    X[i * 3 + 1] = 1 + Math.floor(rng.next() * 7);
    X[i * 3 + 2] = Math.floor(rng.next() * 8) - 1;
  }
  return X;
}

console.log(`backend: ${JSON.stringify(await setupNodeBackend())}; ${N.toLocaleString('en-US')} rows per run`);

const rows: { label: string; width: number; rate: number }[] = [];

// the baseline: a tfjs Layers logistic regression on the logistic fixture's 7-value row
{
  const manifest = manifestAt(join(ONNX, 'logistic.manifest.json'));
  const width = manifestWidth(manifest);
  const layers = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [width], kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) })] });
  const scorer = createModelScorer(layers, manifest);
  rows.push({ label: 'tfjs Layers logistic (baseline)', width, rate: await rowsPerSecond(scorer, uniformRows(width)) });
  scorer.dispose();
  layers.dispose();
}

for (const name of ['logistic', 'trees', 'pipeline'] as const) {
  const manifest = manifestAt(join(ONNX, `${name}.manifest.json`));
  const opened = await openModel([file(ONNX, `${name}.onnx`)], manifest, { ort: loadOrtNode });
  const width = manifestWidth(manifest);
  rows.push({ label: `ONNX ${name}`, width, rate: await rowsPerSecond(opened.scorer, name === 'pipeline' ? pipelineRows() : uniformRows(width)) });
  opened.dispose();
}

{
  const manifest = manifestAt(join(GRAPH, 'model.manifest.json'));
  const opened = await openModel([file(GRAPH, 'model.json'), file(GRAPH, 'group1-shard1of1.bin')], manifest);
  const width = manifestWidth(manifest);
  rows.push({ label: 'tfjs graph (logistic)', width, rate: await rowsPerSecond(opened.scorer, uniformRows(width)) });
  opened.dispose();
}

const base = rows[0].rate;
console.log('model                              width        rows/s   × baseline');
for (const r of rows) {
  console.log(`${r.label.padEnd(34)} ${String(r.width).padStart(5)} ${Math.round(r.rate).toLocaleString('en-US').padStart(13)}   ${(r.rate / base).toFixed(2)}`);
}
