/**
 * Writes the TensorFlow.js graph model fixture in test/fixtures/graph/:
 *   model.json            a graph model as `tensorflowjs_converter --input_format tf_saved_model`
 *                         lays it out (format 'graph-model', a signature, weightsManifest), the
 *                         graph written by hand: Placeholder → MatMul → BiasAdd → Sigmoid → Identity
 *   group1-shard1of1.bin  the weights (kernel [5, 1] then bias [1], float32 little-endian)
 *   model.manifest.json   two numeric features and a three-way categorical (width 5)
 *   data.csv              30 rows: each value the script draws, a missing value and an unlisted category among them
 *   reference.json        P(positive) per row of data.csv, computed here in float64 from the
 *                         encoded rows (core's encodeTable) and the float32 weights
 *
 *   npx tsx scripts/make-graph-fixture.ts [--out DIR]
 *
 * Deterministic: a fixed seed, no dates. The reference does not run tfjs, so a test comparing
 * the loaded graph's scores with it checks the converter's loading and the scorer, not itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../src/core/csv';
import { encodeTable, manifestWidth, MANIFEST_FORMAT, validateManifest } from '../src/core/manifest';
import { createRng } from '../src/core/rng';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'test/fixtures/graph');
const SHARD = 'group1-shard1of1.bin';

const manifest = validateManifest({
  format: MANIFEST_FORMAT,
  name: 'graph fixture: logistic regression as a TF graph',
  target: { column: 'converted', positive: 'yes' },
  features: [
    { column: 'pages', kind: 'numeric', mean: 6, std: 3 },
    { column: 'days', kind: 'numeric', mean: 20, std: 10 },
    { column: 'channel', kind: 'categorical', categories: ['web', 'phone', 'referral'] },
  ],
  output: 'probability',
  threshold: 0.5,
  protected: [{ column: 'region' }],
});
const width = manifestWidth(manifest);

/** The weights, rounded to float32 once: the model stores these and the reference uses them. */
const kernel = Float32Array.from([0.8, -0.45, 0.3, -0.6, 1.1]);
const bias = Float32Array.from([-0.25]);

function dims(...sizes: number[]) {
  return { dim: sizes.map((s) => ({ size: String(s) })) };
}

const float = { type: 'DT_FLOAT' };
const modelJson = {
  format: 'graph-model',
  generatedBy: '2.16.1',
  convertedBy: 'TensorFlow.js Converter v4.22.0',
  signature: {
    inputs: { x: { name: 'serving_default_x:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, width) } },
    outputs: { output_0: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, 1) } },
  },
  modelTopology: {
    node: [
      { name: 'serving_default_x', op: 'Placeholder', attr: { dtype: float, shape: { shape: dims(-1, width) } } },
      { name: 'dense/kernel', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(width, 1) } } } },
      { name: 'dense/bias', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(1) } } } },
      { name: 'dense/MatMul', op: 'MatMul', input: ['serving_default_x', 'dense/kernel'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'dense/BiasAdd', op: 'BiasAdd', input: ['dense/MatMul', 'dense/bias'], attr: { T: float, data_format: { s: Buffer.from('NHWC').toString('base64') } } },
      { name: 'dense/Sigmoid', op: 'Sigmoid', input: ['dense/BiasAdd'], attr: { T: float } },
      { name: 'Identity', op: 'Identity', input: ['dense/Sigmoid'], attr: { T: float } },
    ],
    library: {},
    versions: { producer: 1645 },
  },
  weightsManifest: [{
    paths: [SHARD],
    weights: [
      { name: 'dense/kernel', shape: [width, 1], dtype: 'float32' },
      { name: 'dense/bias', shape: [1], dtype: 'float32' },
    ],
  }],
};

/** 30 rows of raw data; row 3 has no `pages`, row 7 an unlisted channel, row 11 no channel. */
function makeCsv(): string {
  const rng = createRng(11);
  const rand = (): number => rng.next();
  const channels = ['web', 'phone', 'referral'];
  const lines = ['pages,days,channel,region,converted'];
  for (let i = 0; i < 30; i++) {
    const pages = i === 3 ? '' : String(Math.round(rand() * 14));
    const days = (rand() * 45).toFixed(1);
    const channel = i === 7 ? 'fax' : i === 11 ? '' : channels[Math.floor(rand() * 3)];
    const region = rand() < 0.5 ? 'north' : 'south';
    const converted = rand() < 0.4 ? 'yes' : 'no';
    lines.push([pages, days, channel, region, converted].join(','));
  }
  return lines.join('\n') + '\n';
}

/** P(positive) = sigmoid(x · kernel + bias) in float64, x the float32 encoded row. */
function referenceScores(X: Float32Array, n: number): number[] {
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    let z = bias[0];
    for (let j = 0; j < width; j++) z += X[i * width + j] * kernel[j];
    scores.push(1 / (1 + Math.exp(-z)));
  }
  return scores;
}

const csv = makeCsv();
const { table } = parseCsv(new TextEncoder().encode(csv));
const scores = referenceScores(encodeTable(table, manifest), table.nRows);

const weights = new Uint8Array(4 * (width + 1));
new Float32Array(weights.buffer).set([...kernel, ...bias]);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'model.json'), JSON.stringify(modelJson, null, 1) + '\n');
writeFileSync(join(outDir, SHARD), weights);
writeFileSync(join(outDir, 'model.manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
writeFileSync(join(outDir, 'data.csv'), csv);
writeFileSync(join(outDir, 'reference.json'), JSON.stringify({ what: 'P(positive) per row of data.csv, float64', scores }, null, 1) + '\n');
console.log(`wrote ${outDir}: ${table.nRows} rows, scores ${Math.min(...scores).toFixed(4)}…${Math.max(...scores).toFixed(4)}`);
