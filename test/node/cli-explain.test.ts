/**
 * `bias-workbench explain` and `importance` end to end: efficiency on the bank demo, exact
 * Shapley values equal to a brute-force enumeration written here (own data, own model, own
 * encoding and forward pass), and permutation importance for a fairness score.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demo, makeTempDir, run, writeIn } from './cli-harness';
import { saveModelArtifacts } from '../../src/core/model';
import { setupTf, tf } from './tf-setup';

let dir: string;

afterEach(() => vi.restoreAllMocks());

const file = (name: string, content: string | Uint8Array): string => writeIn(dir, name, content);

interface ExplainJson {
  method: string;
  output: string;
  permutations: number;
  features: string[];
  baseValue: number;
  rows: { row: number; prediction: number; values: number[]; errors: (number | null)[] }[];
  evaluations: number;
  seconds: number;
}

interface ImportanceJson {
  score: string;
  baseline: number;
  features: { name: string; mean: number; std: number; repeats: number[] }[];
}

// ---------------------------------------------------------------------------------------
// A small model of our own: 6 columns (4 numeric, 2 categorical) → 9 inputs → 8 relu → 1.
// Column x4 gets zero weights: the model ignores it.

/** small deterministic generator (LCG), independent of the core's rng */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const FEATURES = [
  { column: 'x1', kind: 'numeric', mean: 1, std: 2 },
  { column: 'c1', kind: 'categorical', categories: ['a', 'b', 'c'] },
  { column: 'x2', kind: 'numeric' },
  { column: 'x4', kind: 'numeric', mean: 5, std: 3 },
  { column: 'c2', kind: 'categorical', categories: ['u', 'v'] },
  { column: 'x3', kind: 'numeric', mean: -1, std: 0.5 },
] as const;
const MANIFEST = {
  format: 'bias-workbench.manifest/1',
  name: 'test MLP',
  target: { column: 'y', positive: '1' },
  features: FEATURES,
  output: 'probability',
  threshold: 0.5,
};
const WIDTH = 9;
const HIDDEN = 8;
const IGNORED_INPUT = 5; // x4's one input

const rnd = lcg(20240611);
const W1 = Array.from({ length: WIDTH * HIDDEN }, (_, k) => (Math.floor(k / HIDDEN) === IGNORED_INPUT ? 0 : Math.fround((rnd() - 0.5) * 1.6)));
const B1 = Array.from({ length: HIDDEN }, () => Math.fround((rnd() - 0.5) * 0.4));
const W2 = Array.from({ length: HIDDEN }, () => Math.fround((rnd() - 0.5) * 1.8));
const B2 = [Math.fround(-0.2)];

type Row = { x1: number; c1: string; x2: number; x4: number; c2: string; x3: number; grp: number; y: number };

/** Our own encoding (manifest rules: standardise, one-hot, missing → 0 / all zeros), in float32. */
function encode(r: Row): number[] {
  const num = (v: number, mean = 0, std = 1) => (Number.isNaN(v) ? 0 : Math.fround((v - mean) / std));
  const oneHot = (v: string, cats: readonly string[]) => cats.map((c) => (c === v ? 1 : 0));
  return [num(r.x1, 1, 2), ...oneHot(r.c1, ['a', 'b', 'c']), num(r.x2), num(r.x4, 5, 3), ...oneHot(r.c2, ['u', 'v']), num(r.x3, -1, 0.5)];
}
/** the model's input blocks, one per column */
const BLOCKS: [number, number][] = [[0, 1], [1, 4], [4, 5], [5, 6], [6, 8], [8, 9]];

/** Our own forward pass in float64. */
function forward(x: number[]): number {
  let z = B2[0];
  for (let j = 0; j < HIDDEN; j++) {
    let h = B1[j];
    for (let i = 0; i < WIDTH; i++) h += x[i] * W1[i * HIDDEN + j];
    z += Math.max(0, h) * W2[j];
  }
  return 1 / (1 + Math.exp(-z));
}

function makeRows(n: number, seed: number): Row[] {
  const r = lcg(seed);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const row: Row = {
      x1: Math.round((r() * 8 - 3) * 100) / 100,
      c1: ['a', 'b', 'c', 'd'][Math.floor(r() * 4)], // 'd' is not in the manifest: all zeros
      x2: i % 17 === 3 ? NaN : Math.round((r() * 4 - 2) * 100) / 100,
      x4: Math.round(r() * 1000) / 100,
      c2: r() < 0.4 ? 'u' : 'v',
      x3: Math.round((r() * 2 - 2) * 100) / 100,
      grp: r() < 0.5 ? 0 : 1,
      y: 0,
    };
    row.y = r() < forward(encode(row)) ? 1 : 0;
    rows.push(row);
  }
  return rows;
}

function toCsv(rows: Row[]): string {
  const head = 'id,y,grp,x1,c1,x2,x4,c2,x3';
  return [head, ...rows.map((r, i) => [i, r.y, r.grp, r.x1, r.c1, Number.isNaN(r.x2) ? '' : r.x2, r.x4, r.c2, r.x3].join(','))].join('\n') + '\n';
}

/** Brute-force interventional Shapley values: all 2^6 coalitions, uniform background. */
function bruteForce(x: Row, background: Row[], space: 'probability' | 'logit'): { base: number; fx: number; phi: number[] } {
  const M = BLOCKS.length;
  const ex = encode(x);
  const eb = background.map(encode);
  const g = (p: number) => (space === 'logit' ? Math.log(p / (1 - p)) : p);
  const v = new Float64Array(1 << M);
  for (let S = 0; S < 1 << M; S++) {
    let s = 0;
    for (const b of eb) {
      const h = b.slice();
      for (let j = 0; j < M; j++) if (S & (1 << j)) for (let c = BLOCKS[j][0]; c < BLOCKS[j][1]; c++) h[c] = ex[c];
      s += g(forward(h));
    }
    v[S] = s / eb.length;
  }
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Array<number>(M).fill(0);
  for (let j = 0; j < M; j++) {
    for (let S = 0; S < 1 << M; S++) {
      if (S & (1 << j)) continue;
      let size = 0;
      for (let k = 0; k < M; k++) if (S & (1 << k)) size++;
      phi[j] += (fact(size) * fact(M - size - 1)) / fact(M) * (v[S | (1 << j)] - v[S]);
    }
  }
  return { base: v[0], fx: v[(1 << M) - 1], phi };
}

let modelPath: string;
let rows: Row[];
let bgRows: Row[];
let explainRows: Row[];
let bankHead: string;

beforeAll(async () => {
  dir = makeTempDir('bw-explain-');
  await setupTf();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: HIDDEN, activation: 'relu', inputShape: [WIDTH], name: 'hidden' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }),
    ],
  });
  model.setWeights([tf.tensor2d(W1, [WIDTH, HIDDEN]), tf.tensor1d(B1), tf.tensor2d(W2, [HIDDEN, 1]), tf.tensor1d(B2)]);
  const mdir = mkdtempSync(join(dir, 'model-'));
  for (const f of await saveModelArtifacts(model)) writeFileSync(join(mdir, f.name), f.data);
  writeFileSync(join(mdir, 'model.manifest.json'), JSON.stringify(MANIFEST, null, 2));
  model.dispose();
  modelPath = join(mdir, 'model.json');
  rows = makeRows(400, 7);
  bgRows = makeRows(12, 99);
  explainRows = makeRows(6, 1234);
  file('data.csv', toCsv(rows));
  file('bg.csv', toCsv(bgRows));
  file('rows.csv', toCsv(explainRows));
  bankHead = file('bank300.csv', readFileSync(join(demo, 'bank-full.csv'), 'utf8').split('\n').slice(0, 301).join('\n') + '\n');
});

describe('bias-workbench explain', () => {
  it('on the bank demo: baseValue + Σ values = prediction for every row, and predictions are the model scores', async () => {
    const r = await run(['explain', '--data', bankHead, '--model', join(demo, 'model.json'), '--rows', '25', '--background', '40', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/permutation Shapley values for 25 rows × 15 columns over 40 background rows, 10 permutations: 300,000 planned model evaluations/);
    const res = JSON.parse(r.out) as ExplainJson;
    expect(res.method).toBe('permutation');
    expect(res.permutations).toBe(10);
    const manifest = JSON.parse(readFileSync(join(demo, 'model.manifest.json'), 'utf8')) as { features: { column: string }[] };
    expect(res.features).toEqual(manifest.features.map((f) => f.column));
    expect(res.rows).toHaveLength(25);
    for (const row of res.rows) {
      const sum = row.values.reduce((a, b) => a + b, res.baseValue);
      expect(Math.abs(sum - row.prediction), `row ${row.row}`).toBeLessThan(1e-6);
      expect(row.values).toHaveLength(15);
      expect(row.errors.every((e) => e === null || e >= 0)).toBe(true);
    }
    expect(res.evaluations).toBeGreaterThan(0);
    // the prediction is the model's score of that row (score command, 7 significant digits)
    const scored = await run(['score', '--data', bankHead, '--model', join(demo, 'model.json')]);
    const scores = scored.out.trim().split('\n').slice(1, 26).map((l) => Number(l.split(';').at(-1)));
    res.rows.forEach((row, i) => expect(Math.abs(row.prediction - scores[i])).toBeLessThan(1e-6));

    const again = await run(['explain', '--data', bankHead, '--model', join(demo, 'model.json'), '--rows', '25', '--background', '40', '--seed', '3']);
    const b = JSON.parse(again.out) as ExplainJson;
    expect(b.rows).toEqual(res.rows);
  });

  it('--format csv: one line per row with the prediction and one column per feature', async () => {
    const out = join(dir, 'shap.csv');
    const r = await run(['explain', '--data', bankHead, '--model', join(demo, 'model.json'), '--rows', '5', '--background', '10', '--permutations', '2', '--format', 'csv', '--out', out]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('row,prediction,age,job,marital,education,default,balance,housing,loan,contact,day,month,campaign,pdays,previous,poutcome');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3', '4']);
    for (const l of lines.slice(1)) expect(l.split(',').every((c) => Number.isFinite(Number(c)))).toBe(true);
  });

  for (const output of ['probability', 'logit'] as const) {
    it(`--method exact equals a brute-force Shapley enumeration (${output}, own data and model)`, async () => {
      const r = await run(['explain', '--data', join(dir, 'data.csv'), '--model', modelPath, '--rows-from', join(dir, 'rows.csv'), '--background-from', join(dir, 'bg.csv'), '--method', 'exact', '--output', output]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(/exact Shapley values for 6 rows × 6 columns over 12 background rows: 4,608 planned/);
      const res = JSON.parse(r.out) as ExplainJson;
      expect(res.method).toBe('exact');
      expect(res.output).toBe(output);
      expect(res.features).toEqual(['x1', 'c1', 'x2', 'x4', 'c2', 'x3']);
      const tol = output === 'probability' ? 1e-6 : 1e-5;
      const first = bruteForce(explainRows[0], bgRows, output);
      expect(Math.abs(res.baseValue - first.base)).toBeLessThan(tol);
      explainRows.forEach((x, i) => {
        const bf = bruteForce(x, bgRows, output);
        const row = res.rows[i];
        expect(Math.abs(row.prediction - bf.fx), `row ${i} f(x)`).toBeLessThan(tol);
        row.values.forEach((v, j) => expect(Math.abs(v - bf.phi[j]), `row ${i} ${res.features[j]}: ${v} vs ${bf.phi[j]}`).toBeLessThan(tol));
        expect(row.values[3]).toBe(0); // x4: the model ignores it
        expect(Math.abs(row.values.reduce((a, b) => a + b, res.baseValue) - row.prediction)).toBeLessThan(1e-9);
        expect(row.errors.every((e) => e === 0)).toBe(true);
      });
      // the brute force is not trivially zero
      expect(Math.max(...res.rows.flatMap((r) => r.values.map(Math.abs)))).toBeGreaterThan(0.01);
    });
  }

  it('auto picks exact for 6 columns and samples a seeded background from --data', async () => {
    const r = await run(['explain', '--data', join(dir, 'data.csv'), '--model', modelPath, '--rows', '3', '--background', '20', '--seed', '5']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as ExplainJson & { background: { indices: number[] } };
    expect(res.method).toBe('exact');
    expect(res.rows.map((x) => x.row)).toEqual([0, 1, 2]);
    expect(res.background.indices).toHaveLength(20);
    const bg = res.background.indices.map((i) => rows[i]);
    const bf = bruteForce(rows[1], bg, 'probability');
    res.rows[1].values.forEach((v, j) => expect(Math.abs(v - bf.phi[j])).toBeLessThan(1e-6));
  });

  it('exits 1 for --method exact on more than 12 columns, 2 for bad flags', async () => {
    const r = await run(['explain', '--data', bankHead, '--model', join(demo, 'model.json'), '--method', 'exact']);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/limited to 12 columns/);
    for (const args of [
      ['--data', bankHead],
      ['--data', bankHead, '--model', 'm.json', '--rows', '0'],
      ['--data', bankHead, '--model', 'm.json', '--rows', '5', '--rows-from', 'x.csv'],
      ['--data', bankHead, '--model', 'm.json', '--method', 'kernel'],
      ['--data', bankHead, '--model', 'm.json', '--output', 'margin'],
      ['--data', bankHead, '--model', 'm.json', '--nsamples', '5'],
    ]) {
      const u = await run(['explain', ...args]);
      expect(u.code, args.join(' ')).toBe(2);
      expect(u.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('exits 1 with one line when --rows-from lacks a manifest column', async () => {
    const bad = file('bad-rows.csv', 'x1,c1,x2\n1,a,2\n');
    const r = await run(['explain', '--data', join(dir, 'data.csv'), '--model', modelPath, '--rows-from', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--rows-from .*x4/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('bias-workbench importance', () => {
  it('demographic parity: runs, sorted by mean, and the ignored column gets exactly 0', async () => {
    const r = await run(['importance', '--data', join(dir, 'data.csv'), '--model', modelPath, '--target', 'y', '--positive', '1', '--protected', 'grp', '--score', 'demographic-parity', '--repeats', '3', '--seed', '2']);
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out) as ImportanceJson;
    expect(res.score).toBe('demographic-parity');
    expect(res.baseline).toBeGreaterThanOrEqual(0);
    expect(res.features.map((f) => f.name).sort()).toEqual(['c1', 'c2', 'x1', 'x2', 'x3', 'x4']);
    for (let i = 1; i < res.features.length; i++) expect(res.features[i - 1].mean).toBeGreaterThanOrEqual(res.features[i].mean);
    const x4 = res.features.find((f) => f.name === 'x4')!;
    expect(x4.mean).toBe(0);
    expect(x4.std).toBe(0);
    expect(x4.repeats).toEqual([0, 0, 0]);
    expect(res.features.some((f) => f.name !== 'x4' && f.mean !== 0)).toBe(true);
  });

  it('accuracy (default) and auc: the ignored column gets 0, a used one loses performance', async () => {
    for (const score of ['accuracy', 'auc', 'logloss']) {
      const r = await run(['importance', '--data', join(dir, 'data.csv'), '--model', modelPath, '--target', 'y', '--positive', '1', ...(score === 'accuracy' ? [] : ['--score', score]), '--repeats', '2']);
      expect(r.code, r.err).toBe(0);
      const res = JSON.parse(r.out) as ImportanceJson;
      expect(res.score).toBe(score);
      expect(res.features.find((f) => f.name === 'x4')!.mean).toBe(0);
      expect(res.features[0].mean).toBeGreaterThan(0);
    }
  });

  it('runs on the bank demo with binned age and equalized odds', async () => {
    const r = await run(['importance', '--data', bankHead, '--model', join(demo, 'model.json'), '--target', 'y', '--positive', 'yes', '--protected', 'age', '--bins', 'age=40', '--score', 'equalized-odds', '--repeats', '2', '--threshold', '0.2']);
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out) as ImportanceJson & { protected: { groups: string[] } };
    expect(res.features).toHaveLength(15);
    expect(res.protected.groups).toEqual(['<40', '40+']);
  });

  it('fairness scores need --protected (exit 2); a one-class target exits 1', async () => {
    const r = await run(['importance', '--data', join(dir, 'data.csv'), '--model', modelPath, '--target', 'y', '--positive', '1', '--score', 'equalized-odds']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--protected/);
    const one = file('one.csv', toCsv(rows.slice(0, 20).map((x) => ({ ...x, y: 1 }))));
    const o = await run(['importance', '--data', one, '--model', modelPath, '--target', 'y', '--positive', '1']);
    expect(o.code).toBe(1);
    expect(o.err.trim().split('\n')).toHaveLength(1);
    expect(o.err).toMatch(/target column 'y'/);
  });
});
