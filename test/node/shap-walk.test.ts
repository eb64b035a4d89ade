/**
 * Permutation SHAP's walk against a plain one. The walk in src/core/explain/shapley.ts skips
 * model rows (blocks equal to a background row's, states equal to x or to b, single-on and
 * single-off states met again), packs rows in runs and takes whole steps at once for rows with
 * no block equal to a background row's. None of that may change a single bit: here the same
 * permutations are walked the plain way (every masked row built column by column and scored),
 * with a model that is a deterministic function of its input row, and the values, errors and
 * predictions must be equal (===), for rows with and without equal blocks, one-input and
 * wide block players, every output space, both samplers and batch sizes down to B rows.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import {
  logitClipped,
  mixSeed,
  permutationShap,
  permutationSource,
  DEFAULT_LOGIT_CLIP,
  type ExplainScorer,
  type OutputSpace,
  type PermutationSampling,
  type Player,
} from '../../src/core/explain';

/** A nonlinear model with interactions of order 3, one row at a time (so equal rows score equally). */
function rowScore(X: Float32Array, o: number, width: number): number {
  let z = -0.2;
  for (let c = 0; c < width; c++) z += (0.3 + 0.1 * (c % 5)) * X[o + c] * (c % 2 ? 1 : -1);
  for (let c = 0; c + 2 < width; c++) z += 0.25 * X[o + c] * X[o + c + 1] * X[o + c + 2];
  return 1 / (1 + Math.exp(-z));
}

function rowModel(width: number, poison?: (X: Float32Array, o: number) => boolean): ExplainScorer {
  const f64 = (X: Float32Array, n: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = poison?.(X, i * width) ? NaN : rowScore(X, i * width, width);
    return out;
  };
  return {
    nFeatures: width,
    predict: async (X, n) => Float32Array.from(f64(X, n)),
    predictFloat64: async (X, n) => f64(X, n),
    dispose: () => undefined,
  };
}

interface Case {
  X: Float32Array;
  N: number;
  bg: Float32Array;
  B: number;
  w: Float64Array;
  width: number;
  players: Player[];
}

/**
 * Rows to explain: even rows share some blocks with some background rows (the general walk),
 * odd rows share none (the whole-step walk).
 */
function makeCase(players: Player[], width: number, N: number, B: number, seed: number): Case {
  const rng = createRng(seed);
  const bg = new Float32Array(B * width).map(() => Math.round((rng.next() * 4 - 2) * 8) / 8);
  const X = new Float32Array(N * width).map(() => 0.5 + rng.next() * 1.5);
  for (let i = 0; i < N; i += 2) {
    for (const p of players) {
      if (rng.next() < 0.5) continue;
      const b = Math.floor(rng.next() * B);
      for (let c = p.start; c < p.end; c++) X[i * width + c] = bg[b * width + c];
    }
  }
  const w = Float64Array.from({ length: B }, (_, b) => 1 + (b % 3));
  return { X, N, bg, B, w, width, players };
}

/** The plain walk: every masked row of every step built and scored; shapley.ts's sums in its order. */
function plainWalk(k: Case, output: OutputSpace, P: number, seed: number, sampling: PermutationSampling) {
  const { X, N, bg, B, width, players } = k;
  const M = players.length;
  let ws = 0;
  for (const v of k.w) ws += v;
  const w = Float64Array.from(k.w, (v) => v / ws);
  const g = (p: number): number => (output === 'logit' ? logitClipped(p, DEFAULT_LOGIT_CLIP) : p);
  const value = (outs: Float64Array): number => {
    let s = 0;
    for (let b = 0; b < B; b++) s += w[b] * outs[b];
    return output === 'logit-of-expectation' ? logitClipped(s, DEFAULT_LOGIT_CLIP) : s;
  };
  const outs = new Float64Array(B);
  for (let b = 0; b < B; b++) outs[b] = g(rowScore(bg, b * width, width));
  const baseValue = value(outs);
  const values = new Float64Array(N * M);
  const errors = new Float64Array(N * M);
  const predictions = new Float64Array(N);
  const row = new Float32Array(width);
  const on = new Uint8Array(M);
  const perm = new Int32Array(M);
  for (let i = 0; i < N; i++) {
    const fx = rowScore(X, i * width, width);
    predictions[i] = output === 'probability' ? fx : logitClipped(fx, DEFAULT_LOGIT_CLIP);
    const src = permutationSource(sampling, M, createRng(mixSeed(seed, i)));
    const sum = new Float64Array(M);
    const mean = new Float64Array(M);
    const m2 = new Float64Array(M);
    for (let p = 0; p < P; p++) {
      src.next(perm);
      on.fill(0);
      const contrib = new Float64Array(M);
      let vPrev = baseValue;
      for (let t = 1; t <= 2 * M; t++) {
        const j = perm[(t - 1) % M];
        on[j] = t <= M ? 1 : 0;
        for (let b = 0; b < B; b++) {
          players.forEach((pl, q) => {
            for (let c = pl.start; c < pl.end; c++) row[c] = on[q] ? X[i * width + c] : bg[b * width + c];
          });
          outs[b] = g(rowScore(row, 0, width));
        }
        const v = value(outs);
        contrib[j] += t <= M ? v - vPrev : vPrev - v;
        vPrev = v;
      }
      for (let j = 0; j < M; j++) {
        sum[j] += contrib[j];
        const c = contrib[j] / 2;
        const d = c - mean[j];
        mean[j] += d / (p + 1);
        m2[j] += d * (c - mean[j]);
      }
    }
    for (let j = 0; j < M; j++) {
      values[i * M + j] = sum[j] / (2 * P);
      errors[i * M + j] = P > 1 ? Math.sqrt(m2[j] / (P - 1) / P) : NaN;
    }
  }
  return { values, errors, predictions, baseValue };
}

const singles: Player[] = Array.from({ length: 6 }, (_, c) => ({ name: `x${c}`, start: c, end: c + 1 }));
// 24 inputs (runs of rows are copied with copyWithin), blocks of 1 to 7 inputs
const blocks: Player[] = [
  { name: 'a', start: 0, end: 1 },
  { name: 'b', start: 1, end: 8 },
  { name: 'c', start: 8, end: 10 },
  { name: 'd', start: 10, end: 17 },
  { name: 'e', start: 17, end: 18 },
  { name: 'f', start: 18, end: 24 },
];

describe('permutation SHAP walk = the plain walk, bit for bit', () => {
  for (const [label, players, width] of [['one-input players, 6 inputs', singles, 6], ['block players, 24 inputs', blocks, 24]] as const) {
    for (const output of ['probability', 'logit', 'logit-of-expectation'] as const) {
      it(`${label}, ${output}`, async () => {
        const k = makeCase(players as Player[], width, 8, 7, 5);
        for (const sampling of ['orthogonal', 'antithetic'] as const) {
          const ref = plainWalk(k, output, 4, 3, sampling);
          // step by step, and read from a coalition table (the default for ≤ 12 players)
          for (const [batchRows, coalitionTable] of [[7, false], [50, false], [undefined, false], [7, true], [50, true], [undefined, true]] as const) {
            const r = await permutationShap(
              { scorer: rowModel(width), X: k.X, nRows: k.N, background: k.bg, nBackground: k.B, backgroundWeights: k.w, players: players as Player[] },
              { output, permutations: 4, seed: 3, sampling, batchRows, coalitionTable },
            );
            expect(r.baseValue).toBe(ref.baseValue);
            expect(Array.from(r.predictions)).toEqual(Array.from(ref.predictions));
            expect(Array.from(r.values)).toEqual(Array.from(ref.values));
            expect(Array.from(r.errors)).toEqual(Array.from(ref.errors));
            // skipping happened: fewer model rows than shap's count
            expect(r.evaluations).toBeLessThan(r.plannedEvaluations);
          }
        }
      });
    }
  }

  it('the coalition table evaluates each (row, coalition) once: fewer model rows than the walk, same values', async () => {
    const k = makeCase(singles, 6, 6, 9, 11);
    const args = { scorer: rowModel(6), X: k.X, nRows: k.N, background: k.bg, nBackground: k.B, players: singles };
    const walk = await permutationShap(args, { permutations: 20, seed: 2, coalitionTable: false });
    const table = await permutationShap(args, { permutations: 20, seed: 2 });
    expect(Array.from(table.values)).toEqual(Array.from(walk.values));
    // 6 players have 62 coalitions besides ∅ and everything; 20 walks visit 200 states per row
    expect(table.evaluations).toBeLessThanOrEqual(k.B + k.N + k.N * 62 * k.B);
    expect(table.evaluations).toBeLessThan(0.6 * walk.evaluations);
  });

  it('a non-finite output for a masked row is refused, in rows with and without equal blocks', async () => {
    for (const shared of [false, true]) {
      const k = makeCase(singles, 6, 1, 4, 9);
      if (!shared) for (let c = 0; c < 6; c++) k.X[c] = 0.75 + c; // no block equal to a background row's
      else k.X[0] = k.bg[0];
      // NaN only for a mixed row: x's column 5 with a background row's column 4
      const poison = (R: Float32Array, o: number): boolean => R[o + 5] === k.X[5] && R[o + 4] !== k.X[4];
      for (const coalitionTable of [false, true]) {
        const run = permutationShap(
          { scorer: rowModel(6, poison), X: k.X, nRows: 1, background: k.bg, nBackground: k.B, players: singles },
          { permutations: 3, seed: 1, coalitionTable },
        );
        await expect(run).rejects.toThrow(/returned NaN for a masked row/);
      }
    }
  });

  it('scores the background and explained rows at the head of the first batch, not in calls of their own', async () => {
    const k = makeCase(singles, 6, 4, 7, 2);
    const sizes: number[] = [];
    const m = rowModel(6);
    const spied: ExplainScorer = { ...m, predictFloat64: (X, n) => (sizes.push(n), m.predictFloat64!(X, n)) };
    const args = { scorer: spied, X: k.X, nRows: k.N, background: k.bg, nBackground: k.B, players: singles };
    const r = await permutationShap(args, { permutations: 3, seed: 1 });
    expect(sizes).toEqual([r.evaluations]); // one call: 7 + 4 prelude rows and every masked row
    expect(r.batches).toBe(1);
    // where the prelude and a step do not fit in one batch, it is scored apart, to the same values
    sizes.length = 0;
    const apart = await permutationShap(args, { permutations: 3, seed: 1, batchRows: 7 });
    expect(sizes.slice(0, 2)).toEqual([7, 4]);
    expect(Array.from(apart.values)).toEqual(Array.from(r.values));
    expect(apart.evaluations).toBe(r.evaluations);
  });

  it('a non-finite score of an explained row is refused as before (model-invalid, its row number)', async () => {
    const k = makeCase(singles, 6, 3, 4, 4);
    for (let c = 0; c < 6; c++) k.X[6 + c] = 1 + c; // row 1
    const poison = (R: Float32Array, o: number): boolean => R[o] === 1 && R[o + 5] === 6;
    for (const coalitionTable of [false, true]) {
      const run = permutationShap({ scorer: rowModel(6, poison), X: k.X, nRows: 3, background: k.bg, nBackground: k.B, players: singles }, { permutations: 2, coalitionTable });
      await expect(run).rejects.toMatchObject({ code: 'model-invalid', message: 'the model returned NaN for row 1' });
    }
  });
});
