import { describe, expect, it } from 'vitest';
import { neutralise } from '../../src/core/mitigate';
import { createRng } from '../../src/core/rng';

// rows of width 5: [num, onehot a, onehot b, onehot c, num]
function rows(n: number, seed: number, offset: number): Float32Array {
  const rng = createRng(seed);
  const X = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) {
    X[i * 5] = offset + i;
    X[i * 5 + 1 + rng.int(3)] = 1;
    X[i * 5 + 4] = -(offset + i);
  }
  return X;
}

describe('neutralise', () => {
  const X = rows(200, 1, 0);
  const bg = { X: rows(7, 2, 1000), nRows: 7 };
  const slices = [{ start: 1, end: 4, column: 'cat' }, { start: 4, end: 5, column: 'b' }];

  it('replaces the blocks with one background row per row and leaves the rest', () => {
    const r = neutralise({ X, nRows: 200, width: 5 }, { blocks: slices, background: bg, seed: 3 });
    expect(r.X).not.toBe(X);
    expect(X[9]).toBe(-1); // the input is untouched
    for (let i = 0; i < 200; i++) {
      expect(r.X[i * 5]).toBe(i); // not neutralised
      // the last column comes from background row k; the one-hot block from the same row k
      const k = -r.X[i * 5 + 4] - 1000;
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      expect(Array.from(r.X.subarray(i * 5 + 1, i * 5 + 4))).toEqual(Array.from(bg.X.subarray(k * 5 + 1, k * 5 + 4)));
      const hot = r.X[i * 5 + 1] + r.X[i * 5 + 2] + r.X[i * 5 + 3];
      expect(hot).toBe(1); // a one-hot block stays one-hot
    }
    expect(r.meta).toMatchObject({ method: 'neutralise', retrained: false, columns: ['cat', 'b'], backgroundRows: 7, seed: 3 });
    expect(r.meta.note).toMatch(/not retrained/);
  });

  it('draws every background row, deterministically under the seed', () => {
    const a = neutralise({ X, nRows: 200, width: 5 }, { blocks: slices, background: bg, seed: 3 });
    const b = neutralise({ X, nRows: 200, width: 5 }, { blocks: slices, background: bg, seed: 3 });
    const c = neutralise({ X, nRows: 200, width: 5 }, { blocks: slices, background: bg, seed: 4 });
    expect(Array.from(a.X)).toEqual(Array.from(b.X));
    expect(Array.from(a.X)).not.toEqual(Array.from(c.X));
    const used = new Set<number>();
    for (let i = 0; i < 200; i++) used.add(-a.X[i * 5 + 4] - 1000);
    expect(used.size).toBe(7);
  });

  it('with no blocks returns a copy; rejects blocks outside the row', () => {
    const r = neutralise({ X, nRows: 200, width: 5 }, { blocks: [], background: bg, seed: 3 });
    expect(Array.from(r.X)).toEqual(Array.from(X));
    expect(() => neutralise({ X, nRows: 200, width: 5 }, { blocks: [{ start: 4, end: 6 }], background: bg, seed: 1 })).toThrow(/not inside/);
    expect(() => neutralise({ X, nRows: 200, width: 5 }, { blocks: slices, background: { X: new Float32Array(0), nRows: 0 }, seed: 1 })).toThrow(/background/);
  });
});
