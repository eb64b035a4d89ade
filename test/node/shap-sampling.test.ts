/**
 * Permutation samplers of permutation SHAP (src/core/explain/permutations.ts): the orthogonal
 * bases they are built from, that each permutation is still uniform, and the estimator's error
 * against exact Shapley values at equal model evaluations, which is what chose the default.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReferenceScorer, referenceForward } from '../../src/core/reference-mlp';
import { createRng } from '../../src/core/rng';
import {
  DEFAULT_SAMPLING,
  exactShapley,
  permutationShap,
  permutationSource,
  randomSumZeroBasis,
  singleInputPlayers,
  type ExplainScorer,
  type PermutationSampling,
} from '../../src/core/explain';

const peerDir = fileURLToPath(new URL('../fixtures/peer/', import.meta.url));
const mlpJson = JSON.parse(readFileSync(peerDir + 'mlp.json', 'utf8')) as unknown;
function readMatrix(file: string): { X: Float32Array; n: number } {
  const lines = readFileSync(peerDir + file, 'utf8').trim().split(/\r?\n/);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return { X: Float32Array.from(rows.flat()), n: rows.length };
}
const explainRows = readMatrix('explain.csv');
const bgRows = readMatrix('background.csv');
const scorer: ExplainScorer = { ...createReferenceScorer(mlpJson), predictFloat64: async (X: Float32Array, n: number) => referenceForward(mlpJson, X, n, 8) };
const input = { scorer, X: explainRows.X, nRows: explainRows.n, background: bgRows.X, nBackground: bgRows.n, players: singleInputPlayers(8) };

describe('orthogonal permutations', () => {
  it('come from orthonormal bases of the plane Σ v = 0', () => {
    const M = 6;
    const out = new Float64Array((M - 1) * M);
    randomSumZeroBasis(out, M, createRng(3));
    for (let a = 0; a < M - 1; a++) {
      let sum = 0;
      for (let j = 0; j < M; j++) sum += out[a * M + j];
      expect(Math.abs(sum)).toBeLessThan(1e-12);
      for (let b = 0; b < M - 1; b++) {
        let dot = 0;
        for (let j = 0; j < M; j++) dot += out[a * M + j] * out[b * M + j];
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('are permutations, each player equally often in each place (unbiased)', () => {
    const M = 5;
    const src = permutationSource('orthogonal', M, createRng(11));
    const counts = new Int32Array(M * M);
    const perm = new Int32Array(M);
    const draws = 20000;
    for (let k = 0; k < draws; k++) {
      src.next(perm);
      expect([...perm].sort()).toEqual([0, 1, 2, 3, 4]);
      for (let pos = 0; pos < M; pos++) counts[pos * M + perm[pos]]++;
    }
    // each cell expects draws / M = 4000; its binomial sd is ≈ 57, so 4 sd is 230
    for (const c of counts) expect(Math.abs(c - draws / M)).toBeLessThan(230);
  });

  it('a block of M − 1 holds no permutation twice (the directions are spread)', () => {
    const M = 8;
    const src = permutationSource('orthogonal', M, createRng(5));
    const perm = new Int32Array(M);
    for (let block = 0; block < 20; block++) {
      const seen = new Set<string>();
      for (let k = 0; k < M - 1; k++) {
        src.next(perm);
        const key = perm.join(',');
        const rev = [...perm].reverse().join(',');
        expect(seen.has(key) || seen.has(rev)).toBe(false);
        seen.add(key);
      }
    }
  });
});

describe('permutation SHAP error against exact values at equal model evaluations (peer MLP, 20 rows)', () => {
  async function meanAbsError(sampling: PermutationSampling, P: number, coalitionTable = true): Promise<{ err: number; evaluations: number }> {
    const exact = await exactShapley(input);
    let err = 0;
    let evaluations = 0;
    const seeds = [1, 2, 3, 4];
    for (const seed of seeds) {
      const r = await permutationShap(input, { permutations: P, seed, sampling, coalitionTable });
      expect(r.sampling).toBe(sampling);
      let s = 0;
      for (let k = 0; k < r.values.length; k++) s += Math.abs(r.values[k] - exact.values[k]);
      err += s / r.values.length / seeds.length;
      evaluations += r.evaluations / seeds.length;
    }
    return { err, evaluations };
  }

  it('orthogonal (the default) is below antithetic at the same walk budget, and both are below a fixed bound', async () => {
    expect(DEFAULT_SAMPLING).toBe('orthogonal');
    const P = 14;
    // step by step (no coalition table), both samplers evaluate the same number of model rows
    const anti = await meanAbsError('antithetic', P, false);
    const orth = await meanAbsError('orthogonal', P, false);
    console.log(`peer MLP, probability, 20 rows × 50 background, P = ${P}, 4 seeds: mean |perm − exact| antithetic ${anti.err.toExponential(3)} (${anti.evaluations} model rows), orthogonal ${orth.err.toExponential(3)} (${orth.evaluations} model rows)`);
    // equal budget: the walks differ only in which permutations they take
    expect(Math.abs(orth.evaluations - anti.evaluations) / anti.evaluations).toBeLessThan(0.02);
    expect(orth.err).toBeLessThan(0.9 * anti.err);
    expect(orth.err).toBeLessThan(6e-3);
    expect(anti.err).toBeLessThan(8e-3);
  });

  it('is deterministic under a seed and independent of splitting rows, for both samplers', async () => {
    for (const sampling of ['antithetic', 'orthogonal'] as const) {
      const a = await permutationShap(input, { permutations: 9, seed: 4, sampling });
      const b = await permutationShap(input, { permutations: 9, seed: 4, sampling, batchRows: 700 });
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
      const part = await permutationShap({ ...input, X: explainRows.X.subarray(7 * 8), nRows: 13 }, { permutations: 9, seed: 4, sampling, rowIndexOffset: 7 });
      expect(Array.from(part.values)).toEqual(Array.from(a.values.subarray(7 * 8)));
      // efficiency: Σ values = f(x) − E f(b), whatever the permutations
      for (let i = 0; i < a.nRows; i++) {
        let s = a.baseValue;
        for (let j = 0; j < 8; j++) s += a.values[i * 8 + j];
        expect(Math.abs(s - a.predictions[i])).toBeLessThan(1e-9);
      }
    }
    const anti = await permutationShap(input, { permutations: 9, seed: 4, sampling: 'antithetic' });
    const orth = await permutationShap(input, { permutations: 9, seed: 4, sampling: 'orthogonal' });
    expect(Array.from(orth.values)).not.toEqual(Array.from(anti.values));
  });

  it('progress carries the model rows evaluated so far; the result says how long the model itself took', async () => {
    const seen: number[] = [];
    const r = await permutationShap(input, { permutations: 4, batchRows: 2000, onProgress: (_d, _t, rows) => seen.push(rows ?? -1) });
    expect(seen.length).toBeGreaterThan(2);
    for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThan(seen[k - 1]);
    expect(seen[seen.length - 1]).toBe(r.evaluations);
    expect(r.modelSeconds).toBeGreaterThan(0);
    const e = await exactShapley({ ...input, nRows: 2 }, { onProgress: (_d, _t, rows) => seen.push(rows ?? -1) });
    expect(seen[seen.length - 1]).toBe(e.evaluations);
  });

  it('rows of 16 inputs or more (copied into the batch by copyWithin) are the rows the walk means', async () => {
    // 24 inputs in 6 column blocks; z has pairwise interactions only, so in logit space one
    // permutation walk is exact: any wrongly copied row would show as a difference from exact
    const width = 24;
    const blocks = [[0, 3], [3, 7], [7, 8], [8, 15], [15, 20], [20, 24]];
    const players = blocks.map(([start, end], k) => ({ name: `c${k}`, start, end }));
    const z = (X: Float32Array, o: number): number => {
      let s = 0;
      for (let c = 0; c < width; c++) s += (((c * 7) % 5) - 2) * 0.15 * X[o + c];
      return s + 0.4 * X[o + 1] * X[o + 9] - 0.3 * X[o + 16] * X[o + 22];
    };
    const sig = (t: number): number => 1 / (1 + Math.exp(-t));
    const wide: ExplainScorer = {
      nFeatures: width,
      predict: async (X, n) => Float32Array.from({ length: n }, (_, r) => sig(z(X, r * width))),
      predictFloat64: async (X, n) => Float64Array.from({ length: n }, (_, r) => sig(z(X, r * width))),
      dispose: () => {},
    };
    const rng = createRng(8);
    const rand = (n: number) => Float32Array.from({ length: n * width }, () => rng.next() * 2 - 1);
    const inp = { scorer: wide, X: rand(5), nRows: 5, background: rand(9), nBackground: 9, players };
    const exact = await exactShapley(inp, { output: 'logit', logitClip: 1e-12 });
    for (const sampling of ['antithetic', 'orthogonal'] as const) {
      const perm = await permutationShap(inp, { output: 'logit', logitClip: 1e-12, permutations: 2, seed: 3, sampling, batchRows: 40 });
      for (let k = 0; k < exact.values.length; k++) expect(Math.abs(perm.values[k] - exact.values[k])).toBeLessThan(1e-9);
    }
  });

  it('batches as small as the background give the same values, even when whole walks need no model row', async () => {
    // X and the background are one row but for f3 (background rows 0..4) and f5 (X rows 0..2): most
    // toggles evaluate nothing, so a batch fills up with steps before it fills up with rows
    const B = 12;
    const base = explainRows.X.subarray(0, 8);
    const bg = new Float32Array(B * 8);
    for (let b = 0; b < B; b++) bg.set(base, b * 8);
    for (let b = 0; b < 5; b++) bg[b * 8 + 3] = b - 2;
    const X = new Float32Array(4 * 8);
    for (let i = 0; i < 4; i++) X.set(base, i * 8);
    for (let i = 0; i < 3; i++) X[i * 8 + 5] = i + 0.5;
    const inp = { scorer, X, nRows: 4, background: bg, nBackground: B, players: singleInputPlayers(8) };
    const big = await permutationShap(inp, { permutations: 6, seed: 2 });
    const small = await permutationShap(inp, { permutations: 6, seed: 2, batchRows: B });
    expect(Array.from(small.values)).toEqual(Array.from(big.values));
    expect(small.evaluations).toBe(big.evaluations);
    // row 3 differs from the background only in f3 (rows 0..4): every other column gets exactly 0
    for (let j = 0; j < 8; j++) if (j !== 3) expect(big.values[3 * 8 + j]).toBe(0);
    const exact = await exactShapley(inp);
    for (let k = 0; k < exact.values.length; k++) expect(Math.abs(big.values[k] - exact.values[k])).toBeLessThan(1e-12);
  });

  it('refuses an unknown sampler before any model call', async () => {
    let calls = 0;
    const counting: ExplainScorer = { ...scorer, predict: (X, n) => (calls++, scorer.predict(X, n)), predictFloat64: undefined };
    await expect(permutationShap({ ...input, scorer: counting }, { sampling: 'sobol' as PermutationSampling })).rejects.toThrow(/unknown permutation sampling/);
    expect(calls).toBe(0);
  });
});
