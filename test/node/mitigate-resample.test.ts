import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../src/core/errors';
import { planResample, resample } from '../../src/core/mitigate';
import { createRng } from '../../src/core/rng';

/** 3 groups with different base rates, plus some rows without a group. */
function data(n: number, seed: number): { y: Uint8Array; g: Int32Array } {
  const rng = createRng(seed);
  const y = new Uint8Array(n);
  const g = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    g[i] = rng.next() < 0.03 ? -1 : rng.int(3);
    y[i] = rng.next() < [0.1, 0.3, 0.6][Math.max(0, g[i])] ? 1 : 0;
  }
  return { y, g };
}

function cellCounts(idx: Uint32Array, y: Uint8Array, g: Int32Array): { cells: number[][]; missing: number } {
  const cells = [[0, 0], [0, 0], [0, 0]];
  let missing = 0;
  for (const r of idx) {
    if (g[r] < 0) missing++;
    else cells[g[r]][y[r]]++;
  }
  return { cells, missing };
}

function multiplicity(idx: Uint32Array, n: number): Uint32Array {
  const m = new Uint32Array(n);
  for (const r of idx) m[r]++;
  return m;
}

describe('resample', () => {
  const n = 3000;
  const { y, g } = data(n, 11);
  const before = cellCounts(Uint32Array.from({ length: n }, (_, i) => i), y, g);
  const all = before.cells.flat().reduce((a, b) => a + b, 0);
  const p = (before.cells[0][1] + before.cells[1][1] + before.cells[2][1]) / all;

  it('default oversample: every group gets the overall base rate, by growing its minority label', () => {
    const idx = resample(y, g, 3, { method: 'oversample', seed: 1 });
    const after = cellCounts(idx, y, g);
    expect(after.missing).toBe(before.missing);
    for (let k = 0; k < 3; k++) {
      const [b0, b1] = after.cells[k];
      const [a0, a1] = before.cells[k];
      // the majority label is untouched, the minority grows; rate = p up to rounding of one row
      if (a1 / (a0 + a1) < p) {
        expect(b0).toBe(a0);
        expect(b1).toBeGreaterThanOrEqual(a1);
        expect(Math.abs(b1 - (a0 * p) / (1 - p))).toBeLessThanOrEqual(0.5);
      } else {
        expect(b1).toBe(a1);
        expect(b0).toBeGreaterThanOrEqual(a0);
        expect(Math.abs(b0 - (a1 * (1 - p)) / p)).toBeLessThanOrEqual(0.5);
      }
      expect(Math.abs(b1 / (b0 + b1) - p)).toBeLessThan(1 / (b0 + b1));
    }
    // every original row is kept; extra copies are spread evenly (⌊b/a⌋ or ⌈b/a⌉ times)
    const m = multiplicity(idx, n);
    for (let k = 0; k < 3; k++) {
      for (let c = 0; c < 2; c++) {
        const ratio = after.cells[k][c] / before.cells[k][c];
        for (let i = 0; i < n; i++) {
          if (g[i] === k && y[i] === c) {
            expect(m[i]).toBeGreaterThanOrEqual(Math.max(1, Math.floor(ratio)));
            expect(m[i]).toBeLessThanOrEqual(Math.ceil(ratio));
          }
        }
      }
    }
    expect(Array.from(idx)).toEqual(Array.from(idx).sort((a, b) => a - b));
  });

  it('default undersample: every group gets the overall base rate, by shrinking its majority label', () => {
    const idx = resample(y, g, 3, { method: 'undersample', seed: 1 });
    const after = cellCounts(idx, y, g);
    const m = multiplicity(idx, n);
    expect(Math.max(...m)).toBe(1); // no row twice
    for (let k = 0; k < 3; k++) {
      const [b0, b1] = after.cells[k];
      const [a0, a1] = before.cells[k];
      if (a1 / (a0 + a1) < p) {
        expect(b1).toBe(a1);
        expect(Math.abs(b0 - (a1 * (1 - p)) / p)).toBeLessThanOrEqual(0.5);
      } else {
        expect(b0).toBe(a0);
        expect(Math.abs(b1 - (a0 * p) / (1 - p))).toBeLessThanOrEqual(0.5);
      }
      expect(Math.abs(b1 / (b0 + b1) - p)).toBeLessThan(1 / (b0 + b1));
    }
  });

  it('meets explicit proportions exactly up to rounding (both methods)', () => {
    const proportions = [[0.3, 0.1], [0.15, 0.15], [0.1, 0.2]];
    for (const method of ['oversample', 'undersample'] as const) {
      const idx = resample(y, g, 3, { method, proportions, seed: 5 });
      const after = cellCounts(idx, y, g);
      const N = after.cells.flat().reduce((a, b) => a + b, 0);
      const plan = planResample(y, g, 3, { method, proportions });
      expect(after.cells).toEqual(plan.after);
      for (let k = 0; k < 3; k++) {
        for (let c = 0; c < 2; c++) {
          // each cell is round(q · N*) for the exact N*, so its share is off by at most ~1 row
          expect(Math.abs(after.cells[k][c] / N - proportions[k][c])).toBeLessThanOrEqual(1.5 / N);
          if (method === 'oversample') expect(after.cells[k][c]).toBeGreaterThanOrEqual(before.cells[k][c]);
          else expect(after.cells[k][c]).toBeLessThanOrEqual(before.cells[k][c]);
        }
      }
      // one cell is the binding one: kept exactly as it was
      expect(after.cells.flat().some((b, i) => b === before.cells.flat()[i])).toBe(true);
    }
  });

  it('normalises proportions and lets undersampling drop a cell', () => {
    const idx = resample(y, g, 3, { method: 'undersample', proportions: [[2, 2], [2, 2], [0, 2]], seed: 2 });
    const after = cellCounts(idx, y, g);
    expect(after.cells[2][0]).toBe(0);
    expect(after.cells[0][0]).toBe(after.cells[0][1]);
  });

  it('is deterministic under the seed', () => {
    const a = resample(y, g, 3, { method: 'oversample', seed: 9 });
    const b = resample(y, g, 3, { method: 'oversample', seed: 9 });
    const c = resample(y, g, 3, { method: 'oversample', seed: 10 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(a.length).toBe(c.length);
  });

  it('says what cannot be done', () => {
    const yy = Uint8Array.from([1, 1, 0, 0, 0]);
    const gg = Int32Array.from([0, 0, 1, 1, 1]);
    // a share for a cell with no rows
    let err: unknown;
    try {
      resample(yy, gg, 2, { method: 'oversample', proportions: [[0.25, 0.25], [0.25, 0.25]], seed: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('roles-invalid');
    expect((err as WorkbenchError).message).toMatch(/proportions\[0\]\[0\]/);
    // oversampling never removes a cell
    expect(() => resample(y, g, 3, { method: 'oversample', proportions: [[0, 1], [1, 1], [1, 1]], seed: 1 })).toThrow(/never removes/);
    expect(() => resample(y, g, 3, { method: 'oversample', proportions: [[1, 1]], seed: 1 })).toThrow(/one row per group/);
    // default target: a group with no rows of its minority label is kept as it is
    const plan = planResample(yy, gg, 2, { method: 'oversample' });
    expect(plan.after).toEqual([[0, 2], [3, 0]]);
    expect(plan.notes.length).toBe(2);
  });
});
