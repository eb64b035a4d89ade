import { describe, expect, it } from 'vitest';
import { reweigh } from '../../src/core/mitigate';
import { createRng } from '../../src/core/rng';

/** Weighted share of each class per group. */
function classShares(labels: Uint8Array, groups: Int32Array, weights: ArrayLike<number>, nGroups: number, nClasses: number): number[][] {
  const sums = Array.from({ length: nGroups }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < labels.length; i++) if (groups[i] >= 0) sums[groups[i]][labels[i]] += weights[i];
  return sums.map((row) => {
    const t = row.reduce((a, b) => a + b, 0);
    return row.map((x) => x / t);
  });
}

describe('reweigh (Kamiran–Calders)', () => {
  // g0: 3 positives, 1 negative; g1: 1 positive, 3 negatives; g2: 1 and 1; one row without a group (positive)
  const labels = Uint8Array.from([1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1]);
  const groups = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, -1]);

  it('gives W(g, y) = n_y · n_g / (n · n_{g,y}) on a hand-made table', () => {
    const r = reweigh(labels, groups, 3);
    // n = 11, n_1 = 6, n_0 = 5 (the row without a group counts in n and n_y, as in AIF360 classic)
    const expected = [
      [(5 * 4) / (11 * 1), (6 * 4) / (11 * 3)], // 20/11, 8/11
      [(5 * 4) / (11 * 3), (6 * 4) / (11 * 1)], // 20/33, 24/11
      [(5 * 2) / (11 * 1), (6 * 2) / (11 * 1)], // 10/11, 12/11
    ];
    for (let g = 0; g < 3; g++) for (let y = 0; y < 2; y++) expect(r.factors[g][y]).toBeCloseTo(expected[g][y], 12);
    expect(r.nClasses).toBe(2);
    expect(r.cellWeights).toEqual([[1, 3], [3, 1], [1, 1]]);
    expect(r.emptyCells).toEqual([]);
    for (let i = 0; i < labels.length; i++) {
      const want = groups[i] < 0 ? 1 : expected[groups[i]][labels[i]];
      expect(r.weights[i]).toBeCloseTo(want, 6); // Float32Array
    }
  });

  it('equalises the weighted base rate across groups (= the overall rate n_1 / n)', () => {
    const r = reweigh(labels, groups, 3);
    const shares = classShares(labels, groups, r.weights, 3, 2);
    for (const s of shares) expect(s[1]).toBeCloseTo(6 / 11, 6);
    // and each group keeps its total weight n_g · (Σ_y n_y) / n = n_g
    const tot = [0, 0, 0];
    for (let i = 0; i < labels.length; i++) if (groups[i] >= 0) tot[groups[i]] += r.weights[i];
    expect(tot[0]).toBeCloseTo(4, 5);
    expect(tot[1]).toBeCloseTo(4, 5);
    expect(tot[2]).toBeCloseTo(2, 5);
  });

  it('multiplies base weights and uses weighted counts; any number of classes', () => {
    const rng = createRng(3);
    const n = 500;
    const y = new Uint8Array(n);
    const g = new Int32Array(n);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      g[i] = rng.int(4);
      y[i] = rng.next() < 0.2 + 0.15 * g[i] ? (rng.next() < 0.5 ? 1 : 2) : 0;
      w[i] = 0.5 + rng.next();
    }
    const r = reweigh(y, g, 4, w);
    expect(r.nClasses).toBe(3);
    // brute force formula
    let total = 0;
    const ny = [0, 0, 0];
    const ng = [0, 0, 0, 0];
    const ngy = Array.from({ length: 4 }, () => [0, 0, 0]);
    for (let i = 0; i < n; i++) {
      total += w[i];
      ny[y[i]] += w[i];
      ng[g[i]] += w[i];
      ngy[g[i]][y[i]] += w[i];
    }
    for (let gg = 0; gg < 4; gg++) for (let c = 0; c < 3; c++) expect(r.factors[gg][c]).toBeCloseTo((ny[c] * ng[gg]) / (total * ngy[gg][c]), 10);
    for (let i = 0; i < n; i++) expect(r.weights[i]).toBeCloseTo(w[i] * r.factors[g[i]][y[i]]!, 5);
    const shares = classShares(y, g, r.weights, 4, 3);
    for (const s of shares) for (let c = 0; c < 3; c++) expect(s[c]).toBeCloseTo(ny[c] / total, 5);
  });

  it('skips empty cells (null factor, listed) and leaves rows without a group alone', () => {
    const y = Uint8Array.from([1, 1, 0, 0, 1, 0]);
    const g = Int32Array.from([0, 0, 1, 1, -1, -1]); // group 0 has no negatives, group 1 no positives
    const r = reweigh(y, g, 3); // group 2 is empty
    expect(r.factors[0][0]).toBeNull();
    expect(r.factors[1][1]).toBeNull();
    expect(r.factors[2]).toEqual([null, null]);
    expect(r.emptyCells).toEqual([[0, 0], [1, 1]]);
    expect(r.weights[4]).toBe(1);
    expect(r.weights[5]).toBe(1);
    // n = 6, n_1 = 3: W(0, 1) = 3 · 2 / (6 · 2) = 0.5
    expect(r.factors[0][1]).toBeCloseTo(0.5, 12);
  });

  it('rejects mismatched inputs', () => {
    expect(() => reweigh(labels, Int32Array.from([0]), 3)).toThrow(/groupCodes/);
    expect(() => reweigh(labels, groups, 2)).toThrow(/outside/);
  });
});
