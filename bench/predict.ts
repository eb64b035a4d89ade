/**
 * Prediction throughput of the bank demo model: encoding (manifest → Float32Array) and
 * batched tfjs wasm inference, on the 45,211 demo rows and on 1,000,000 rows (the demo rows
 * repeated). Prints rows/s; the raw model rate on pre-encoded input is the baseline.
 *   npx tsx bench/predict.ts
 */
import { readFileSync } from 'node:fs';
import { tf } from '../src/core/tf';
import '@tensorflow/tfjs-backend-wasm';
import { parseCsv } from '../src/core/csv';
import { encodeTable, validateManifest } from '../src/core/manifest';
import { createModelScorer, loadLayersModelFromFiles } from '../src/core/model';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
await tf.setBackend('wasm');
await tf.ready();

const dir = 'public/demo/bank/';
const { table } = parseCsv(new Uint8Array(readFileSync(dir + 'bank-full.csv')));
const manifest = validateManifest(JSON.parse(readFileSync(dir + 'model.manifest.json', 'utf8')));
const model = await loadLayersModelFromFiles([
  { name: 'model.json', data: new Uint8Array(readFileSync(dir + 'model.json')) },
  { name: 'model.weights.bin', data: new Uint8Array(readFileSync(dir + 'model.weights.bin')) },
]);
const scorer = createModelScorer(model, manifest);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function timeIt(f: () => Promise<unknown> | unknown, reps = 5): Promise<number> {
  await f(); // warm-up
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

const n = table.nRows;
const encMs = await timeIt(() => encodeTable(table, manifest));
const X = encodeTable(table, manifest);
const predMs = await timeIt(() => scorer.predict(X, n));
const bigRows = 1_000_000;
const width = X.length / n;
const big = new Float32Array(bigRows * width);
for (let r = 0; r < bigRows; r++) big.set(X.subarray((r % n) * width, ((r % n) + 1) * width), r * width);
const bigMs = await timeIt(() => scorer.predict(big, bigRows), 3);

console.log(`backend ${tf.getBackend()}, model ${model.layers.map((l) => l.name).join(' → ')}, width ${width}`);
console.log(`encode  ${n} rows: ${encMs.toFixed(1)} ms  (${((n / encMs) * 1000 / 1e6).toFixed(2)} M rows/s)`);
console.log(`predict ${n} rows: ${predMs.toFixed(1)} ms  (${((n / predMs) * 1000 / 1e6).toFixed(2)} M rows/s)`);
console.log(`predict ${bigRows} rows: ${bigMs.toFixed(0)} ms  (${((bigRows / bigMs) * 1000 / 1e6).toFixed(2)} M rows/s)`);
console.log(`encode + predict ${n} rows: ${((n / (encMs + predMs)) * 1000 / 1e6).toFixed(2)} M rows/s`);
scorer.dispose();
model.dispose();
