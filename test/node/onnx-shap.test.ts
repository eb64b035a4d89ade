/**
 * Exact Shapley values on the ONNX tree ensemble (test/fixtures/onnx/trees.onnx: four
 * numeric columns and one 'label' column, contact, a player of width 1) equal a brute-force
 * enumeration written here:
 *
 *   v(S) = (1/B) Σ_b f(x_S, b_rest)      φ_j = Σ_{S ∌ j} |S|! (M − |S| − 1)! / M! · (v(S ∪ {j}) − v(S))
 *
 * over all 2^M coalitions, each hybrid row scored by the same ONNX scorer.
 *
 * Tolerance 1e-9: both sides read the same float32 model outputs for the same hybrid rows
 * (ORT is deterministic on one thread); they differ only in the order of float64 sums of
 * 2^5 · 8 terms of size ≤ 1, whose rounding is ~1e-15. A wrong weight or a wrong coalition
 * moves a value by ≥ 1e-4 here (the trees' leaves are 0.05–0.9 apart), far above it.
 */
import { describe, expect, it } from 'vitest';
import { exactShapley, playersFromSlices } from '../../src/core/explain';
import { encodeTable, featureSlices, manifestWidth } from '../../src/core/manifest';
import { manifestOf, open, table } from './onnx-fixtures';

describe('exact SHAP on an ONNX tree ensemble', () => {
  it('equals brute-force enumeration over all coalitions (1e-9), and sums to f(x) − E f(b)', async () => {
    const manifest = manifestOf('trees');
    const opened = await open('trees', manifest);
    const scorer = opened.scorer;
    const width = manifestWidth(manifest);
    const players = playersFromSlices(featureSlices(manifest));
    const M = players.length;
    expect(M).toBe(5);
    expect(players.map((p) => p.end - p.start)).toEqual([1, 1, 1, 1, 1]);

    const all = encodeTable(table, manifest);
    const N = 6;
    const B = 8;
    const rows = [0, 3, 5, 7, 11, 20]; // row 3: missing age; 5, 7: missing/unlisted job; 11: missing contact
    const X = new Float32Array(N * width);
    rows.forEach((r, i) => X.set(all.subarray(r * width, (r + 1) * width), i * width));
    const bg = all.slice(24 * width, (24 + B) * width);

    const res = await exactShapley({ scorer, X, nRows: N, background: bg, nBackground: B, players }, { output: 'probability' });

    const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
    for (let i = 0; i < N; i++) {
      // every hybrid row of row i: coalition S (bit j = player j from x) × background row b
      const hybrids = new Float32Array((1 << M) * B * width);
      for (let S = 0; S < 1 << M; S++) {
        for (let b = 0; b < B; b++) {
          const o = (S * B + b) * width;
          for (let j = 0; j < M; j++) hybrids[o + j] = S & (1 << j) ? X[i * width + j] : bg[b * width + j];
        }
      }
      const f = await scorer.predict(hybrids, (1 << M) * B);
      const v = new Float64Array(1 << M);
      for (let S = 0; S < 1 << M; S++) {
        let s = 0;
        for (let b = 0; b < B; b++) s += f[S * B + b];
        v[S] = s / B;
      }
      let total = 0;
      for (let j = 0; j < M; j++) {
        let phi = 0;
        for (let S = 0; S < 1 << M; S++) {
          if (S & (1 << j)) continue;
          let size = 0;
          for (let k = 0; k < M; k++) if (S & (1 << k)) size++;
          phi += ((fact(size) * fact(M - size - 1)) / fact(M)) * (v[S | (1 << j)] - v[S]);
        }
        expect(Math.abs(res.values[i * M + j] - phi)).toBeLessThan(1e-9);
        total += res.values[i * M + j];
      }
      // efficiency: the values add up to f(x) − v(∅)
      expect(Math.abs(res.baseValue - v[0])).toBeLessThan(1e-9);
      expect(Math.abs(res.predictions[i] - v[(1 << M) - 1])).toBeLessThan(1e-9);
      expect(Math.abs(res.baseValue + total - res.predictions[i])).toBeLessThan(1e-9);
    }
    // the label column (contact) matters for some row: a zero everywhere would hide a broken player
    expect(Array.from({ length: N }, (_, i) => Math.abs(res.values[i * M + 4])).some((x) => x > 1e-3)).toBe(true);
    opened.dispose();
  });
});
