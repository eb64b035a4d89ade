/**
 * Writes the ONNX fixtures in test/fixtures/onnx/, each graph built here with onnx-proto:
 *
 *   data.csv               40 bank-like rows shared by the three models (a missing age, a missing
 *                          and an unlisted job, a missing contact among them)
 *   logistic.onnx          one float input [N, 7] that takes the manifest's encoded row
 *                          (age, balance standardised; marital, housing one-hot) →
 *                          MatMul → Add → Sigmoid → 'probability' [N, 1]
 *   pipeline.onnx          the skl2onnx shape: inputs age (float [N,1]), campaign (int64 [N,1]),
 *                          job (string [N,1]) → Scaler / Cast / OneHotEncoder+Flatten → Concat →
 *                          TreeEnsembleClassifier (binary, LOGISTIC, classes 'no'/'yes') →
 *                          'label' and a ZipMap 'output_probability' (no probability tensor among
 *                          the graph outputs, as skl2onnx writes by default)
 *   trees.onnx             one float input [N, 5] (four numeric columns and a 'label' column,
 *                          contact, fed as its index) → TreeEnsembleRegressor → Sigmoid →
 *                          'probability' [N, 1]; small enough (5 columns) for exact SHAP
 *   <name>.manifest.json   the manifest of each model
 *   <name>.reference.json  P(positive) per row of data.csv, computed here in float64 by
 *                          evaluating the weights or trees directly (never by ONNX Runtime)
 *
 *   npx tsx scripts/make-onnx-fixtures.ts [--out DIR]
 *
 * Deterministic: a fixed seed, no dates. The float-input models' references start from core's
 * encodeTable (the row the model receives); the pipeline's from the raw CSV values. Tree
 * thresholds are compared as the float32 values the model stores, and the script refuses to
 * write a fixture where a row falls within 1e-4 of a threshold (float32 and float64 arithmetic
 * could then take different branches).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pkg from 'onnx-proto';
import { parseCsvText } from '../src/core/csv';
import { encodeTable, manifestWidth, MANIFEST_FORMAT, validateManifest, type Manifest } from '../src/core/manifest';
import { createRng } from '../src/core/rng';

const { onnx } = pkg;
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'test/fixtures/onnx');
const MARGIN = 1e-4;

// ── data ──────────────────────────────────────────────────────────────────────────────────

const JOBS = ['admin.', 'blue-collar', 'management', 'technician', 'services', 'retired', 'student'];
const MARITAL = ['divorced', 'married', 'single'];
const CONTACT = ['cellular', 'telephone', 'unknown'];

function makeCsv(): string {
  const rng = createRng(20261202);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const lines = ['age,job,marital,housing,balance,campaign,day,contact,y'];
  for (let r = 0; r < 40; r++) {
    const age = r === 3 ? '' : String(22 + rng.int(50));
    const job = r === 5 ? '' : r === 7 ? 'student' : pick(JOBS.slice(0, 6));
    const contact = r === 11 ? '' : pick(CONTACT);
    const balance = String(Math.round(-800 + rng.next() * 7000));
    const campaign = String(1 + rng.int(8));
    const day = String(1 + rng.int(30));
    const y = rng.next() < 0.35 ? 'yes' : 'no';
    lines.push([age, job, pick(MARITAL), pick(['no', 'yes']), balance, campaign, day, contact, y].join(','));
  }
  return lines.join('\n') + '\n';
}

// ── ONNX building blocks ──────────────────────────────────────────────────────────────────

const FLOAT = 1;
const STRING = 8;
const INT64 = 7;
type Attr = { name: string; f?: number; i?: number; s?: string; floats?: number[]; ints?: number[]; strings?: string[] };

function attr(a: Attr): pkg.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (a.floats) return { name: a.name, type: T.FLOATS, floats: a.floats };
  if (a.ints) return { name: a.name, type: T.INTS, ints: a.ints };
  if (a.strings) return { name: a.name, type: T.STRINGS, strings: a.strings.map((s) => Buffer.from(s, 'utf8')) };
  if (a.s !== undefined) return { name: a.name, type: T.STRING, s: Buffer.from(a.s, 'utf8') };
  if (a.f !== undefined) return { name: a.name, type: T.FLOAT, f: a.f };
  return { name: a.name, type: T.INT, i: a.i };
}

function node(opType: string, inputs: string[], outputs: string[], attrs: Attr[] = [], domain = ''): pkg.onnx.INodeProto {
  return { opType, input: inputs, output: outputs, attribute: attrs.map(attr), domain, name: `${opType}_${outputs[0]}` };
}

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): pkg.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

function zipMapInfo(name: string): pkg.onnx.IValueInfoProto {
  return { name, type: { sequenceType: { elemType: { mapType: { keyType: STRING, valueType: { tensorType: { elemType: FLOAT } } } } } } };
}

function floatTensor(name: string, dims: number[], values: number[]): pkg.onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, floatData: values };
}

function model(graph: pkg.onnx.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'bias-workbench make-onnx-fixtures',
      producerVersion: '1',
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
      graph,
    }),
  ).finish();
}

// ── trees: written nested, flattened into ONNX attributes, evaluated here in float64 ─────

type Tree = { f: number; t: number; l: Tree; r: Tree } | { w: number };

/** Node attributes of a tree ensemble (BRANCH_LEQ: x ≤ t goes to the true/left child). */
function flatten(trees: Tree[]) {
  const n = { treeids: [] as number[], nodeids: [] as number[], featureids: [] as number[], values: [] as number[], modes: [] as string[], trueids: [] as number[], falseids: [] as number[] };
  const leaves = { treeids: [] as number[], nodeids: [] as number[], weights: [] as number[] };
  trees.forEach((tree, ti) => {
    let next = 0;
    const visit = (t: Tree): number => {
      const id = next++;
      const at = n.treeids.length;
      n.treeids.push(ti);
      n.nodeids.push(id);
      if ('w' in t) {
        n.featureids.push(0);
        n.values.push(0);
        n.modes.push('LEAF');
        n.trueids.push(0);
        n.falseids.push(0);
        leaves.treeids.push(ti);
        leaves.nodeids.push(id);
        leaves.weights.push(t.w);
        return id;
      }
      n.featureids.push(t.f);
      n.values.push(t.t);
      n.modes.push('BRANCH_LEQ');
      n.trueids.push(0);
      n.falseids.push(0);
      n.trueids[at] = visit(t.l);
      n.falseids[at] = visit(t.r);
      return id;
    };
    visit(tree);
  });
  return { n, leaves };
}

/** Σ leaf weights for one row; thresholds compared as the float32 the model stores. */
function treeSum(trees: Tree[], x: ArrayLike<number>, margins: number[]): number {
  let s = 0;
  for (const tree of trees) {
    let t = tree;
    while (!('w' in t)) {
      const thr = Math.fround(t.t);
      margins.push(Math.abs(x[t.f] - thr));
      t = x[t.f] <= thr ? t.l : t.r;
    }
    s += Math.fround(t.w);
  }
  return s;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function checkMargins(what: string, margins: number[]): void {
  const m = Math.min(...margins);
  if (m < MARGIN) throw new Error(`${what}: a row lies ${m} from a threshold (< ${MARGIN}); change the data or the thresholds`);
}

// ── (i) logistic regression on the encoded row ────────────────────────────────────────────

function logistic(table: ReturnType<typeof parseCsvText>['table']) {
  const manifest = validateManifest({
    format: MANIFEST_FORMAT,
    name: 'ONNX fixture: logistic regression on the encoded row',
    target: { column: 'y', positive: 'yes' },
    features: [
      { column: 'age', kind: 'numeric', mean: 41, std: 10.5 },
      { column: 'balance', kind: 'numeric', mean: 1300, std: 3000 },
      { column: 'marital', kind: 'categorical', categories: MARITAL },
      { column: 'housing', kind: 'categorical', categories: ['no', 'yes'] },
    ],
    output: 'probability',
    threshold: 0.5,
    protected: [{ column: 'age', cuts: [30, 50] }, { column: 'marital' }],
    model: { format: 'onnx' },
  });
  const width = manifestWidth(manifest);
  const W = [0.42, 0.31, -0.12, 0.08, 0.27, 0.35, -0.4].map(Math.fround);
  const b = Math.fround(-0.9);
  const bytes = model({
    name: 'logistic',
    node: [node('MatMul', ['float_input', 'W'], ['z0']), node('Add', ['z0', 'B'], ['z']), node('Sigmoid', ['z'], ['probability'])],
    initializer: [floatTensor('W', [width, 1], W), floatTensor('B', [1], [b])],
    input: [tensorInfo('float_input', FLOAT, ['N', width])],
    output: [tensorInfo('probability', FLOAT, ['N', 1])],
  });
  const X = encodeTable(table, manifest);
  const scores = Array.from({ length: table.nRows }, (_, i) => {
    let z = b;
    for (let j = 0; j < width; j++) z += X[i * width + j] * W[j];
    return sigmoid(z);
  });
  return { bytes, manifest, scores };
}

// ── (ii) skl2onnx-shaped pipeline with a ZipMap ───────────────────────────────────────────

const PIPE_JOBS = ['admin.', 'blue-collar', 'management', 'technician', 'retired'];
const PIPE_TREES: Tree[] = [
  // features: 0 scaled age ((age − 40) · 0.1), 1 campaign, 2–6 job one-hot (PIPE_JOBS)
  { f: 0, t: 0.55, l: { f: 1, t: 2.5, l: { w: 0.35 }, r: { w: -0.2 } }, r: { f: 6, t: 0.5, l: { w: 0.1 }, r: { w: 0.8 } } },
  { f: 4, t: 0.5, l: { f: 0, t: -1.05, l: { w: 0.25 }, r: { w: -0.3 } }, r: { w: 0.6 } },
  { f: 1, t: 4.5, l: { f: 3, t: 0.5, l: { w: 0.05 }, r: { w: -0.45 } }, r: { w: -0.5 } },
];
const PIPE_BASE = -0.3;

function pipeline(rows: Record<string, string>[]) {
  const manifest = validateManifest({
    format: MANIFEST_FORMAT,
    name: 'ONNX fixture: a scikit-learn pipeline as skl2onnx exports it (an input per column, ZipMap output)',
    target: { column: 'y', positive: 'yes' },
    features: [
      { column: 'age', kind: 'numeric' },
      { column: 'campaign', kind: 'numeric' },
      { column: 'job', kind: 'label', categories: [...PIPE_JOBS, 'services', 'unknown'] },
    ],
    output: 'probability',
    threshold: 0.5,
    protected: [{ column: 'age', cuts: [30, 50] }],
    model: {
      format: 'onnx',
      inputs: [
        { name: 'age', column: 'age' },
        { name: 'campaign', column: 'campaign', type: 'int64' },
        { name: 'job', column: 'job', type: 'string' },
      ],
      outputName: 'output_probability',
    },
  });
  const { n, leaves } = flatten(PIPE_TREES);
  const bytes = model({
    name: 'pipeline',
    node: [
      node('Scaler', ['age'], ['age_scaled'], [{ name: 'offset', floats: [40] }, { name: 'scale', floats: [0.1] }], 'ai.onnx.ml'),
      node('Cast', ['campaign'], ['campaign_float'], [{ name: 'to', i: FLOAT }]),
      node('OneHotEncoder', ['job'], ['job_onehot3'], [{ name: 'cats_strings', strings: PIPE_JOBS }, { name: 'zeros', i: 1 }], 'ai.onnx.ml'),
      node('Flatten', ['job_onehot3'], ['job_onehot'], [{ name: 'axis', i: 1 }]),
      node('Concat', ['age_scaled', 'campaign_float', 'job_onehot'], ['features'], [{ name: 'axis', i: 1 }]),
      node('TreeEnsembleClassifier', ['features'], ['label', 'probabilities'], [
        { name: 'nodes_treeids', ints: n.treeids },
        { name: 'nodes_nodeids', ints: n.nodeids },
        { name: 'nodes_featureids', ints: n.featureids },
        { name: 'nodes_values', floats: n.values },
        { name: 'nodes_modes', strings: n.modes },
        { name: 'nodes_truenodeids', ints: n.trueids },
        { name: 'nodes_falsenodeids', ints: n.falseids },
        { name: 'class_treeids', ints: leaves.treeids },
        { name: 'class_nodeids', ints: leaves.nodeids },
        { name: 'class_ids', ints: leaves.treeids.map(() => 0) },
        { name: 'class_weights', floats: leaves.weights },
        { name: 'classlabels_strings', strings: ['no', 'yes'] },
        { name: 'base_values', floats: [PIPE_BASE] },
        { name: 'post_transform', s: 'LOGISTIC' },
      ], 'ai.onnx.ml'),
      node('ZipMap', ['probabilities'], ['output_probability'], [{ name: 'classlabels_strings', strings: ['no', 'yes'] }], 'ai.onnx.ml'),
    ],
    input: [tensorInfo('age', FLOAT, ['N', 1]), tensorInfo('campaign', INT64, ['N', 1]), tensorInfo('job', STRING, ['N', 1])],
    output: [tensorInfo('label', STRING, ['N']), zipMapInfo('output_probability')],
  });
  // the reference reads the raw CSV: a missing age reaches the model as the manifest's mean (0)
  const margins: number[] = [];
  const scores = rows.map((r) => {
    const age = r.age === '' ? 0 : Number(r.age);
    const x = [Math.fround(Math.fround(age - 40) * Math.fround(0.1)), Number(r.campaign), ...PIPE_JOBS.map((j) => (r.job === j ? 1 : 0))];
    return sigmoid(Math.fround(PIPE_BASE) + treeSum(PIPE_TREES, x, margins));
  });
  checkMargins('pipeline', margins);
  return { bytes, manifest, scores };
}

// ── (iii) tree ensemble regressor + sigmoid on the encoded row ────────────────────────────

const TREES: Tree[] = [
  // encoded: 0 age, 1 balance, 2 campaign, 3 day (standardised), 4 contact index (−1 missing)
  { f: 0, t: 0.3, l: { f: 4, t: 0.5, l: { w: 0.4 }, r: { f: 1, t: -0.15, l: { w: -0.6 }, r: { w: 0.2 } } }, r: { f: 2, t: 0.05, l: { w: 0.7 }, r: { w: -0.1 } } },
  { f: 1, t: 0.45, l: { f: 3, t: -0.2, l: { w: -0.25 }, r: { w: 0.15 } }, r: { f: 0, t: -0.6, l: { w: 0.9 }, r: { w: 0.3 } } },
  { f: 4, t: 1.5, l: { f: 2, t: -0.4, l: { w: 0.2 }, r: { w: -0.35 } }, r: { f: 3, t: 0.6, l: { w: -0.5 }, r: { w: 0.1 } } },
  { f: 3, t: 0.15, l: { w: 0.12 }, r: { f: 0, t: 1.1, l: { w: -0.2 }, r: { w: 0.45 } } },
];
const TREES_BASE = -0.25;

function trees(table: ReturnType<typeof parseCsvText>['table']) {
  const manifest = validateManifest({
    format: MANIFEST_FORMAT,
    name: 'ONNX fixture: a small tree ensemble (TreeEnsembleRegressor + sigmoid) on the encoded row',
    target: { column: 'y', positive: 'yes' },
    features: [
      { column: 'age', kind: 'numeric', mean: 41, std: 10.5 },
      { column: 'balance', kind: 'numeric', mean: 1300, std: 3000 },
      { column: 'campaign', kind: 'numeric', mean: 4, std: 2 },
      { column: 'day', kind: 'numeric', mean: 15, std: 8 },
      { column: 'contact', kind: 'label', categories: CONTACT },
    ],
    output: 'probability',
    threshold: 0.5,
    protected: [{ column: 'age', cuts: [30, 50] }],
    model: { format: 'onnx' },
  });
  const width = manifestWidth(manifest);
  const { n, leaves } = flatten(TREES);
  const bytes = model({
    name: 'trees',
    node: [
      node('TreeEnsembleRegressor', ['float_input'], ['variable'], [
        { name: 'n_targets', i: 1 },
        { name: 'nodes_treeids', ints: n.treeids },
        { name: 'nodes_nodeids', ints: n.nodeids },
        { name: 'nodes_featureids', ints: n.featureids },
        { name: 'nodes_values', floats: n.values },
        { name: 'nodes_modes', strings: n.modes },
        { name: 'nodes_truenodeids', ints: n.trueids },
        { name: 'nodes_falsenodeids', ints: n.falseids },
        { name: 'target_treeids', ints: leaves.treeids },
        { name: 'target_nodeids', ints: leaves.nodeids },
        { name: 'target_ids', ints: leaves.treeids.map(() => 0) },
        { name: 'target_weights', floats: leaves.weights },
        { name: 'base_values', floats: [TREES_BASE] },
        { name: 'aggregate_function', s: 'SUM' },
        { name: 'post_transform', s: 'NONE' },
      ], 'ai.onnx.ml'),
      node('Sigmoid', ['variable'], ['probability']),
    ],
    input: [tensorInfo('float_input', FLOAT, ['N', width])],
    output: [tensorInfo('probability', FLOAT, ['N', 1])],
  });
  const X = encodeTable(table, manifest);
  const margins: number[] = [];
  const scores = Array.from({ length: table.nRows }, (_, i) => sigmoid(Math.fround(TREES_BASE) + treeSum(TREES, X.subarray(i * width, (i + 1) * width), margins)));
  checkMargins('trees', margins);
  return { bytes, manifest, scores };
}

// ── write ─────────────────────────────────────────────────────────────────────────────────

function manifestJson(m: Manifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}

function main(): void {
  mkdirSync(outDir, { recursive: true });
  const csv = makeCsv();
  const parsed = parseCsvText(csv);
  const header = csv.split('\n')[0].split(',');
  const rows = csv.trim().split('\n').slice(1).map((line) => Object.fromEntries(line.split(',').map((v, j) => [header[j], v])));
  writeFileSync(join(outDir, 'data.csv'), csv);
  const models = { logistic: logistic(parsed.table), pipeline: pipeline(rows), trees: trees(parsed.table) };
  for (const [name, m] of Object.entries(models)) {
    writeFileSync(join(outDir, `${name}.onnx`), m.bytes);
    writeFileSync(join(outDir, `${name}.manifest.json`), manifestJson(m.manifest));
    writeFileSync(join(outDir, `${name}.reference.json`), JSON.stringify({ what: `P(positive) per row of data.csv for ${name}.onnx, float64, computed by scripts/make-onnx-fixtures.ts`, scores: m.scores }, null, 1) + '\n');
    process.stdout.write(`${name}.onnx ${m.bytes.length} B, ${m.scores.length} reference scores\n`);
  }
}

main();
