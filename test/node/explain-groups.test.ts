import { describe, expect, it } from 'vitest';
import {
  exactShapley,
  kmeansBackground,
  meanAbs,
  meanAbsByGroup,
  parityGapAttribution,
  permutationShap,
  sampleBackground,
  singleInputPlayers,
  stratifiedBackground,
  type ExplainScorer,
} from '../../src/core/explain';
import { createRng } from '../../src/core/rng';

const W = 4;
/** p = sigmoid(1.2·x0 − 0.8·x1 + 0.5·x0·x2 + 0.3·x3) */
const scorer: ExplainScorer = {
  nFeatures: W,
  predict: async (X, n) => {
    const out = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const o = r * W;
      out[r] = 1 / (1 + Math.exp(-(1.2 * X[o] - 0.8 * X[o + 1] + 0.5 * X[o] * X[o + 2] + 0.3 * X[o + 3])));
    }
    return out;
  },
  dispose: () => {},
};

/** n rows; x0 shifted by group (group 1 gets +1), group codes 0/1 with ~30 % in group 1 */
function data(n: number, seed: number): { X: Float32Array; groups: Int32Array } {
  const rng = createRng(seed);
  const X = new Float32Array(n * W);
  const groups = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    groups[i] = rng.next() < 0.3 ? 1 : 0;
    for (let c = 0; c < W; c++) X[i * W + c] = rng.next() * 2 - 1;
    X[i * W] += groups[i];
  }
  return { X, groups };
}

describe('group views', () => {
  it('parity-gap attribution sums exactly to the gap in mean prediction', async () => {
    const { X, groups } = data(60, 1);
    const bg = sampleBackground(X, 60, W, 15, 2);
    const players = singleInputPlayers(W);
    for (const output of ['probability', 'logit'] as const) {
      const inp = { scorer, X, nRows: 60, background: bg.X, nBackground: bg.nRows, players };
      for (const r of [await exactShapley(inp, { output }), await permutationShap(inp, { output, permutations: 4 })]) {
        const g = parityGapAttribution(r, groups, 1, 0);
        let s = 0;
        for (const v of g.perPlayer) s += v;
        expect(Math.abs(s - g.gap)).toBeLessThan(1e-9);
        expect(Math.abs(g.residual)).toBeLessThan(1e-9);
        expect(g.countA + g.countB).toBe(60);
        // x0 carries the group shift: it explains most of the (positive) gap
        expect(g.gap).toBeGreaterThan(0);
        expect(g.perPlayer[0]).toBeGreaterThan(0.5 * g.gap);
      }
    }
  });

  it('meanAbsByGroup and meanAbs', () => {
    const t = { values: Float64Array.from([1, -2, 3, 4, -5, 6]), nRows: 3, nPlayers: 2, predictions: new Float64Array(3) };
    const groups = Int32Array.from([0, 1, 0]);
    const g = meanAbsByGroup(t, groups);
    expect(g.map((e) => e.code)).toEqual([0, 1]);
    expect(Array.from(g[0].meanAbs)).toEqual([3, 4]);
    expect(Array.from(g[0].mean)).toEqual([-2, 2]);
    expect(Array.from(g[1].meanAbs)).toEqual([3, 4]);
    expect(g[1].count).toBe(1);
    expect(Array.from(meanAbs(t))).toEqual([3, 4]);
    expect(meanAbsByGroup(t, Int32Array.from([-1, -1, 2])).map((e) => e.code)).toEqual([2]);
  });
});

describe('background builders', () => {
  const { X, groups } = data(500, 3);

  it('sampleBackground: distinct rows, deterministic, all rows when size ≥ n', () => {
    const a = sampleBackground(X, 500, W, 40, 9);
    const b = sampleBackground(X, 500, W, 40, 9);
    expect(a.nRows).toBe(40);
    expect(Array.from(a.indices!)).toEqual(Array.from(b.indices!));
    expect(new Set(a.indices).size).toBe(40);
    const i = a.indices![5];
    expect(Array.from(a.X.subarray(5 * W, 6 * W))).toEqual(Array.from(X.subarray(i * W, (i + 1) * W)));
    expect(sampleBackground(X, 500, W, 900, 1).nRows).toBe(500);
  });

  it('kmeansBackground: weights sum to 1, snapped rows are data rows, weighted mean ≈ data mean', () => {
    for (const snap of ['nearest-row', 'none'] as const) {
      const k = kmeansBackground(X, 500, W, 12, 4, { snap });
      expect(k.nRows).toBeGreaterThan(1);
      expect(k.nRows).toBeLessThanOrEqual(12);
      let s = 0;
      for (const w of k.weights!) s += w;
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      if (snap === 'nearest-row') {
        const i = k.indices![0];
        expect(Array.from(k.X.subarray(0, W))).toEqual(Array.from(X.subarray(i * W, (i + 1) * W)));
      } else {
        // unsnapped centres with cluster weights reproduce the data mean (Lloyd fixed point)
        for (let c = 0; c < W; c++) {
          let m = 0;
          for (let i = 0; i < 500; i++) m += X[i * W + c];
          m /= 500;
          let mk = 0;
          for (let r = 0; r < k.nRows; r++) mk += k.weights![r] * k.X[r * W + c];
          expect(Math.abs(mk - m)).toBeLessThan(1e-5);
        }
      }
    }
    const a = kmeansBackground(X, 500, W, 8, 4);
    const b = kmeansBackground(X, 500, W, 8, 4);
    expect(Array.from(a.X)).toEqual(Array.from(b.X));
  });

  it('stratifiedBackground: proportional, ≥ 1 per group, weights restore population shares', () => {
    const codes = Int32Array.from(groups);
    codes[7] = 2; // a group of one row
    codes[8] = -1; // missing group
    const s = stratifiedBackground(X, 500, W, codes, 20, 5);
    expect(s.nRows).toBe(20);
    const byCode = new Map(s.groups.map((g) => [g.code, g]));
    expect(byCode.get(2)!.drawn).toBe(1);
    expect(byCode.get(-1)!.drawn).toBe(1);
    const share1 = byCode.get(1)!.rows / 500;
    expect(Math.abs(byCode.get(1)!.drawn - 20 * share1)).toBeLessThanOrEqual(2); // two slots went to the tiny strata
    // weighted share of each group in the sample = its population share
    for (const g of s.groups) {
      let w = 0;
      for (let r = 0; r < s.nRows; r++) {
        const c = codes[s.indices![r]] < 0 ? -1 : codes[s.indices![r]];
        if (c === g.code) w += s.weights![r];
      }
      expect(Math.abs(w - g.rows / 500)).toBeLessThan(1e-12);
    }
    // more groups than size: one per group
    const many = Int32Array.from({ length: 500 }, (_, i) => i % 30);
    expect(stratifiedBackground(X, 500, W, many, 10, 1).nRows).toBe(30);
  });
});
