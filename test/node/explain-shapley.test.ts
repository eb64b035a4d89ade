import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../src/core/errors';
import type { Scorer } from '../../src/core/scorer';
import { createReferenceScorer, referenceForward } from '../../src/core/reference-mlp';
import {
  estimateCost,
  exactShapley,
  explain,
  permutationShap,
  permutationsForMaxEvals,
  singleInputPlayers,
  type ExplainScorer,
  type OutputSpace,
  type Player,
  type ShapleyResult,
} from '../../src/core/explain';

const peerDir = fileURLToPath(new URL('../fixtures/peer/', import.meta.url));
const readJson = (f: string): unknown => JSON.parse(readFileSync(peerDir + f, 'utf8')) as unknown;
const mlpJson = readJson('mlp.json');
const logisticJson = readJson('logistic.json');

function readMatrix(file: string): { X: Float32Array; n: number } {
  const lines = readFileSync(peerDir + file, 'utf8').trim().split(/\r?\n/);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return { X: Float32Array.from(rows.flat()), n: rows.length };
}
const explainRows = readMatrix('explain.csv');
const bgRows = readMatrix('background.csv');
const players8 = singleInputPlayers(8, ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);

interface FixtureSpace {
  base_value: number;
  f_x: number[];
  values: number[][];
}
interface ShapleyFixture {
  spaces: Record<'probability' | 'logit' | 'logit_of_expected_probability', FixtureSpace>;
}

/** reference scorer with the Float64 path (no float32 rounding of p) */
function float64Scorer(json: unknown): ExplainScorer {
  const s = createReferenceScorer(json);
  return { ...s, predictFloat64: async (X: Float32Array, n: number) => referenceForward(json, X, n, 8) };
}

/** counts batch sizes */
function spy(inner: Scorer): Scorer & { sizes: number[] } {
  const sizes: number[] = [];
  return { nFeatures: inner.nFeatures, sizes, predict: (X, n) => (sizes.push(n), inner.predict(X, n)), dispose: () => inner.dispose() };
}

/** closed-form scorer p = sigmoid(z(x)) over a row of `width` inputs */
function closedForm(width: number, z: (x: Float32Array, o: number) => number): ExplainScorer {
  const sig = (t: number): number => 1 / (1 + Math.exp(-t));
  return {
    nFeatures: width,
    predict: async (X, n) => {
      const out = new Float32Array(n);
      for (let r = 0; r < n; r++) out[r] = sig(z(X, r * width));
      return out;
    },
    predictFloat64: async (X, n) => {
      const out = new Float64Array(n);
      for (let r = 0; r < n; r++) out[r] = sig(z(X, r * width));
      return out;
    },
    dispose: () => {},
  };
}

const input = (scorer: ExplainScorer, players: Player[] = players8) => ({
  scorer,
  X: explainRows.X,
  nRows: explainRows.n,
  background: bgRows.X,
  nBackground: bgRows.n,
  players,
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function efficiencyError(r: ShapleyResult): number {
  let worst = 0;
  for (let i = 0; i < r.nRows; i++) {
    let s = 0;
    for (let j = 0; j < r.nPlayers; j++) s += r.values[i * r.nPlayers + j];
    worst = Math.max(worst, Math.abs(s - (r.predictions[i] - r.baseValue)));
  }
  return worst;
}

const SPACES: [OutputSpace, keyof ShapleyFixture['spaces']][] = [
  ['probability', 'probability'],
  ['logit', 'logit'],
  ['logit-of-expectation', 'logit_of_expected_probability'],
];

describe('exactShapley matches the peer fixtures', () => {
  for (const [model, json, file] of [
    ['logistic', logisticJson, 'shapley_logistic.out.json'],
    ['mlp', mlpJson, 'shapley_mlp.out.json'],
  ] as const) {
    for (const [space, key] of SPACES) {
      it(`${model}, ${space} space, to 1e-6`, async () => {
        const fx = (readJson(file) as ShapleyFixture).spaces[key];
        const r = await exactShapley(input(float64Scorer(json)), { output: space, logitClip: 1e-12 });
        expect(r.method).toBe('exact');
        expect(Math.abs(r.baseValue - fx.base_value)).toBeLessThan(1e-6);
        expect(maxAbsDiff(r.predictions, fx.f_x)).toBeLessThan(1e-6);
        expect(maxAbsDiff(r.values, fx.values.flat())).toBeLessThan(1e-6);
        expect(efficiencyError(r)).toBeLessThan(1e-9);
        expect(r.plannedEvaluations).toBe(20 * 256 * 50);
        expect(r.evaluations).toBeLessThanOrEqual(20 * 254 * 50 + 50 + 20);
      });
    }
  }

  it('a plain float32 Scorer matches in probability space too', async () => {
    const fx = (readJson('shapley_mlp.out.json') as ShapleyFixture).spaces.probability;
    const r = await exactShapley(input(createReferenceScorer(mlpJson)));
    expect(maxAbsDiff(r.values, fx.values.flat())).toBeLessThan(1e-6);
  });

  it('packs coalitions into big batches', async () => {
    const s = spy(createReferenceScorer(mlpJson));
    await exactShapley(input(s), { batchRows: 4096 });
    const body = s.sizes.slice(2, -1); // after the background and f(x) prelude, before the last
    expect(body.length).toBeGreaterThan(0);
    for (const n of body) expect(n).toBeGreaterThanOrEqual(4096 - 50);
  });
});

describe('permutationShap', () => {
  it('equals exact for the logistic model in logit space (additive)', async () => {
    const inp = input(float64Scorer(logisticJson));
    const exact = await exactShapley(inp, { output: 'logit', logitClip: 1e-12 });
    for (const P of [1, 3]) {
      const perm = await permutationShap(inp, { output: 'logit', logitClip: 1e-12, permutations: P, seed: 7 });
      expect(maxAbsDiff(perm.values, exact.values)).toBeLessThan(1e-9);
    }
  });

  it('is efficient on every row (1e-9) in all spaces, with a float32 scorer', async () => {
    for (const output of ['probability', 'logit', 'logit-of-expectation'] as const) {
      const r = await permutationShap(input(createReferenceScorer(mlpJson)), { output, permutations: 5, seed: 3 });
      expect(efficiencyError(r)).toBeLessThan(1e-9);
    }
  });

  it('is deterministic under a seed, independent of batch size and of splitting rows', async () => {
    const sc = createReferenceScorer(mlpJson);
    const a = await permutationShap(input(sc), { permutations: 6, seed: 11 });
    const b = await permutationShap(input(sc), { permutations: 6, seed: 11, batchRows: 1000 });
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    expect(Array.from(b.errors)).toEqual(Array.from(a.errors));
    const c = await permutationShap(input(sc), { permutations: 6, seed: 12 });
    expect(maxAbsDiff(c.values, a.values)).toBeGreaterThan(0);
    // rows 10..19 explained on their own (another worker) with rowIndexOffset 10
    const part = await permutationShap(
      { ...input(sc), X: explainRows.X.subarray(10 * 8), nRows: 10 },
      { permutations: 6, seed: 11, rowIndexOffset: 10 },
    );
    expect(Array.from(part.values)).toEqual(Array.from(a.values.subarray(10 * 8)));
  });

  it('error estimates shrink with more permutations and track the real error (MLP)', async () => {
    const sc = createReferenceScorer(mlpJson);
    const exact = await exactShapley(input(sc));
    const stats = async (P: number) => {
      const r = await permutationShap(input(sc), { permutations: P, seed: 5 });
      let se = 0;
      let err = 0;
      let maxErr = 0;
      for (let k = 0; k < r.values.length; k++) {
        se += r.errors[k];
        const e = Math.abs(r.values[k] - exact.values[k]);
        err += e;
        maxErr = Math.max(maxErr, e);
      }
      return { se: se / r.values.length, err: err / r.values.length, maxErr, evals: r.evaluations, planned: r.plannedEvaluations };
    };
    const s10 = await stats(10);
    const s40 = await stats(40);
    console.log(`MLP probability space, 20 rows, 50 background: P=10 mean |perm − exact| ${s10.err.toExponential(2)}, max ${s10.maxErr.toExponential(2)}, mean SE ${s10.se.toExponential(2)}, evaluations ${s10.evals} of ${s10.planned} planned; P=40 mean ${s40.err.toExponential(2)}, max ${s40.maxErr.toExponential(2)}, mean SE ${s40.se.toExponential(2)}`);
    expect(s40.se).toBeLessThan(s10.se * 0.7);
    expect(s40.err).toBeLessThan(s10.err);
    expect(s10.maxErr).toBeLessThan(0.1);
    // the SE is of the same order as the actual error
    expect(s10.err).toBeLessThan(3 * s10.se);
    expect(s10.evals).toBeLessThan(s10.planned);
  });

  it('P = 1 has no error estimate (NaN)', async () => {
    const r = await permutationShap(input(createReferenceScorer(mlpJson)), { permutations: 1 });
    expect(Number.isNaN(r.errors[0])).toBe(true);
  });

  it('packs many rows into batches of at least ~batchRows', async () => {
    const s = spy(createReferenceScorer(mlpJson));
    await permutationShap(input(s), { permutations: 10, batchRows: 4096 });
    const body = s.sizes.slice(2, -1);
    expect(body.length).toBeGreaterThan(3);
    for (const n of body) expect(n).toBeGreaterThan(4096 - 50);
  });

  it('reports progress and can be stopped', async () => {
    const calls: [number, number][] = [];
    await permutationShap(input(createReferenceScorer(mlpJson)), { permutations: 4, batchRows: 2000, onProgress: (d, t) => calls.push([d, t]) });
    expect(calls.length).toBeGreaterThan(1);
    expect(calls[calls.length - 1]).toEqual([80, 80]);
    for (let k = 1; k < calls.length; k++) expect(calls[k][0]).toBeGreaterThanOrEqual(calls[k - 1][0]);
    let n = 0;
    const err = await permutationShap(input(createReferenceScorer(mlpJson)), { permutations: 4, batchRows: 2000, shouldStop: () => ++n > 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('aborted');
  });
});

describe('Shapley axioms on closed-form models', () => {
  // z = x0 + x1 + 0.8·x0·x1 + 0.5·x2² − x3·x2 (+ nothing from x4): x0, x1 symmetric, x4 a dummy
  const z = (X: Float32Array, o: number): number => X[o] + X[o + 1] + 0.8 * X[o] * X[o + 1] + 0.5 * X[o + 2] * X[o + 2] - X[o + 3] * X[o + 2];
  const sc = closedForm(5, z);
  const players = singleInputPlayers(5);
  // background rows with b0 = b1, explained rows with x0 = x1
  const nb = 12;
  const bg = new Float32Array(nb * 5);
  for (let b = 0; b < nb; b++) {
    const t = Math.sin(b + 1);
    bg.set([t, t, Math.cos(b), 0.3 * b - 1, -b], b * 5);
  }
  const X = Float32Array.from([0.7, 0.7, -0.4, 1.2, 9, -1.1, -1.1, 0.9, -0.3, 5, 0.2, 0.2, 0.1, 0.1, 0]);
  const inp = { scorer: sc, X, nRows: 3, background: bg, nBackground: nb, players };

  it('symmetry: two interchangeable players get equal values', async () => {
    for (const output of ['probability', 'logit'] as const) {
      const e = await exactShapley(inp, { output });
      for (let i = 0; i < 3; i++) expect(Math.abs(e.values[i * 5] - e.values[i * 5 + 1])).toBeLessThan(1e-12);
    }
    // logit space has interactions of order ≤ 2 only, so permutation SHAP is exact and symmetric
    const e = await exactShapley(inp, { output: 'logit' });
    const p = await permutationShap(inp, { output: 'logit', permutations: 2, seed: 1 });
    expect(maxAbsDiff(p.values, e.values)).toBeLessThan(1e-9);
    for (let i = 0; i < 3; i++) expect(Math.abs(p.values[i * 5] - p.values[i * 5 + 1])).toBeLessThan(1e-9);
  });

  it('dummy: a column the model ignores gets exactly 0', async () => {
    const e = await exactShapley(inp);
    const p = await permutationShap(inp, { permutations: 7, seed: 2 });
    for (let i = 0; i < 3; i++) {
      expect(e.values[i * 5 + 4]).toBe(0);
      expect(p.values[i * 5 + 4]).toBe(0);
      expect(p.errors[i * 5 + 4]).toBe(0);
    }
  });

  it('delta masking: a column equal to every background row costs nothing and gets 0', async () => {
    const bg2 = bg.slice();
    for (let b = 0; b < nb; b++) bg2[b * 5 + 3] = 0.5;
    const X2 = X.slice();
    for (let i = 0; i < 3; i++) X2[i * 5 + 3] = 0.5;
    const s = spy(sc);
    const r = await permutationShap({ ...inp, X: X2, background: bg2, scorer: s }, { permutations: 4 });
    for (let i = 0; i < 3; i++) expect(r.values[i * 5 + 3]).toBe(0);
    // 4 varying players: (2·4 − 2) states per permutation, minus reused single-column states
    expect(r.evaluations).toBeLessThanOrEqual(nb + 3 + 3 * 4 * (2 * 4 - 2) * nb);
    expect(r.evaluations).toBe(s.sizes.reduce((a, b) => a + b, 0));
  });

  it('weights: a background row of weight 2 equals the row listed twice', async () => {
    const bgDup = new Float32Array((nb + 1) * 5);
    bgDup.set(bg);
    bgDup.set(bg.subarray(0, 5), nb * 5);
    const w = new Float64Array(nb).fill(1);
    w[0] = 2;
    const a = await exactShapley({ ...inp, background: bgDup, nBackground: nb + 1 });
    const b = await exactShapley({ ...inp, backgroundWeights: w });
    expect(maxAbsDiff(a.values, b.values)).toBeLessThan(1e-12);
    expect(Math.abs(a.baseValue - b.baseValue)).toBeLessThan(1e-12);
  });
});

describe('column blocks (one-hot players)', () => {
  // inputs: [num, c0, c1, c2, num]; the one-hot block (1..4) is one player
  const players: Player[] = [
    { name: 'age', start: 0, end: 1 },
    { name: 'job', start: 1, end: 4 },
    { name: 'score', start: 4, end: 5 },
  ];
  const coef = [0.3, -1, 0.5, 1.5, -0.7];
  const sc = closedForm(5, (X, o) => coef[0] * X[o] + coef[1] * X[o + 1] + coef[2] * X[o + 2] + coef[3] * X[o + 3] + X[o] * X[o + 3] + coef[4] * X[o + 4]);
  const row = (a: number, job: number, s: number): number[] => [a, job === 0 ? 1 : 0, job === 1 ? 1 : 0, job === 2 ? 1 : 0, s];
  const bg = Float32Array.from([row(0, 0, 1), row(1, 1, -1), row(-1, 2, 0), row(2, 0, 0.5), row(0.5, 1, 2)].flat());
  const X = Float32Array.from([row(1.5, 2, 0.3), row(-0.5, 0, 1)].flat());
  const inp = { scorer: sc, X, nRows: 2, background: bg, nBackground: 5, players };

  it('exact and permutation agree and are efficient over blocks', async () => {
    const e = await exactShapley(inp, { output: 'logit' });
    const p = await permutationShap(inp, { output: 'logit', permutations: 3 });
    expect(e.nPlayers).toBe(3);
    expect(efficiencyError(e)).toBeLessThan(1e-12);
    expect(maxAbsDiff(p.values, e.values)).toBeLessThan(1e-9); // pairwise interaction only
  });

  it('rejects players that do not partition the row', async () => {
    const bad = [players[0], { name: 'job', start: 1, end: 3 }, players[2]];
    await expect(exactShapley({ ...inp, players: bad })).rejects.toThrow(/belongs to no player/);
    const overlap = [players[0], { name: 'job', start: 0, end: 4 }, players[2]];
    await expect(permutationShap({ ...inp, players: overlap })).rejects.toThrow(/overlap/);
  });
});

describe('few players', () => {
  it('with 1 or 2 players one antithetic permutation is exact for any model (reused states)', async () => {
    const sc = closedForm(3, (X, o) => Math.sin(3 * X[o]) * X[o + 1] + X[o + 2] ** 3 - X[o] * X[o + 1] * X[o + 2]);
    const bg = Float32Array.from([0.1, 0.2, 0.3, -1, 0.5, 2, 0.7, 0.7, -0.2, 0.1, 0.2, 0.9]);
    const X = Float32Array.from([0.5, -0.5, 1, 0.1, 0.2, 0.3, -1, 0.5, 0.4]);
    for (const players of [
      [{ name: 'a', start: 0, end: 2 }, { name: 'b', start: 2, end: 3 }],
      [{ name: 'all', start: 0, end: 3 }],
    ]) {
      const inp = { scorer: sc, X, nRows: 3, background: bg, nBackground: 4, players };
      const e = await exactShapley(inp);
      const p = await permutationShap(inp, { permutations: 3, seed: 4 });
      expect(maxAbsDiff(p.values, e.values)).toBeLessThan(1e-12);
      expect(efficiencyError(p)).toBeLessThan(1e-12);
    }
  });
});

describe('cost and method choice', () => {
  it('estimateCost states the shap cost formula', () => {
    expect(estimateCost({ nRows: 200, nPlayers: 8, nBackground: 50, permutations: 29, method: 'permutation' }).plannedEvaluations).toBe(200 * 29 * 16 * 50);
    expect(estimateCost({ nRows: 20, nPlayers: 8, nBackground: 50 }).method).toBe('exact');
    expect(estimateCost({ nRows: 20, nPlayers: 11, nBackground: 50 }).method).toBe('permutation');
    expect(permutationsForMaxEvals(500, 8)).toBe(29);
    expect(() => permutationsForMaxEvals(500, 250)).toThrow(/too low/);
  });

  it('explain picks exact for ≤ 10 columns, permutation above', async () => {
    const r = await explain(input(createReferenceScorer(logisticJson)));
    expect(r.method).toBe('exact');
    const wide = closedForm(11, (X, o) => X[o] - X[o + 10]);
    const X = new Float32Array(11).fill(1);
    const bg = new Float32Array(22);
    const r2 = await explain({ scorer: wide, X, nRows: 1, background: bg, nBackground: 2, players: singleInputPlayers(11) }, { permutations: 2 });
    expect(r2.method).toBe('permutation');
    await expect(exactShapley({ scorer: closedForm(13, () => 0), X: new Float32Array(13), nRows: 1, background: new Float32Array(13), nBackground: 1, players: singleInputPlayers(13) })).rejects.toThrow(/limit is 12/);
  });
});
