import { describe, expect, it } from 'vitest';
import { profileColumn, profileTable, quantileSorted } from '../../src/core/profile';
import { parseCsvText } from '../../src/core/csv';
import type { CategoricalColumn, NumericColumn } from '../../src/core/table';

const numeric = (values: number[]): NumericColumn => ({ type: 'numeric', name: 'x', values: new Float64Array(values) });

describe('numeric profile', () => {
  it('counts, moments and quantiles of a hand-made column', () => {
    const p = profileColumn(numeric([4, 1, NaN, 3, 2, NaN]));
    expect(p).toMatchObject({ name: 'x', type: 'numeric', count: 4, missing: 2, distinct: 4 });
    expect(p.numeric!.min).toBe(1);
    expect(p.numeric!.max).toBe(4);
    expect(p.numeric!.mean).toBe(2.5);
    expect(p.numeric!.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(p.numeric!.quantiles).toEqual({ p25: 1.75, p50: 2.5, p75: 3.25 });
    // integers spanning 4 values: one bin per integer
    expect(p.histogram).toEqual({ labels: ['1', '2', '3', '4'], counts: [1, 1, 1, 1] });
    expect(p.top).toEqual([
      { value: '1', count: 1 },
      { value: '2', count: 1 },
      { value: '3', count: 1 },
      { value: '4', count: 1 },
    ]);
  });

  it('p05 and p95 from 20 values on; numpy-style interpolation', () => {
    const v = Array.from({ length: 21 }, (_, i) => i * 10); // 0..200
    const p = profileColumn(numeric(v));
    expect(p.numeric!.quantiles).toEqual({ p05: 10, p25: 50, p50: 100, p75: 150, p95: 190 });
    expect(quantileSorted(new Float64Array([1, 2]), 0.5)).toBe(1.5);
    expect(quantileSorted(new Float64Array([7]), 0.95)).toBe(7);
  });

  it('20 equal-width bins for real-valued data; the max lands in the last bin', () => {
    const v = Array.from({ length: 101 }, (_, i) => i / 100); // 0..1
    const p = profileColumn(numeric(v));
    expect(p.histogram.labels.length).toBe(20);
    expect(p.histogram.labels[0]).toBe('0–0.05');
    expect(p.histogram.labels[19]).toBe('0.95–1');
    expect(p.histogram.counts.reduce((a, b) => a + b, 0)).toBe(101);
    expect(p.histogram.counts[19]).toBe(6); // 0.95..1.00
    expect(p.top).toBeUndefined();
  });

  it('integer-width bins for wide integer data', () => {
    const v = Array.from({ length: 78 }, (_, i) => 18 + i); // 18..95
    const p = profileColumn(numeric(v));
    expect(p.histogram.labels[0]).toBe('18–21');
    expect(p.histogram.labels.length).toBe(20);
    expect(p.histogram.labels[19]).toBe('94–97');
    expect(p.histogram.counts.reduce((a, b) => a + b, 0)).toBe(78);
  });

  it('constant and all-missing columns', () => {
    const c = profileColumn(numeric([5, 5, 5]));
    expect(c.numeric).toMatchObject({ min: 5, max: 5, mean: 5, std: 0 });
    expect(c.histogram).toEqual({ labels: ['5'], counts: [3] });
    const m = profileColumn(numeric([NaN, NaN]));
    expect(m).toMatchObject({ count: 0, missing: 2, distinct: 0 });
    expect(m.numeric).toBeUndefined();
  });
});

describe('categorical profile', () => {
  it('counts, top values by count, histogram in level order', () => {
    const col: CategoricalColumn = { type: 'categorical', name: 'c', codes: new Int32Array([0, 1, 1, 2, -1, 1, 2, 0, 2, 2]), levels: ['a', 'b', 'c', 'd'] };
    const p = profileColumn(col);
    expect(p).toMatchObject({ count: 9, missing: 1, distinct: 3 });
    expect(p.top).toEqual([
      { value: 'c', count: 4 },
      { value: 'b', count: 3 },
      { value: 'a', count: 2 },
    ]);
    expect(p.histogram).toEqual({ labels: ['a', 'b', 'c', 'd'], counts: [2, 3, 4, 0] });
    expect(p.numeric).toBeUndefined();
  });

  it('many levels: top 10, and 11 bars plus other', () => {
    const levels = Array.from({ length: 15 }, (_, i) => `l${i}`);
    const codes: number[] = [];
    levels.forEach((_, i) => {
      for (let k = 0; k <= i; k++) codes.push(i); // level i occurs i + 1 times
    });
    const p = profileColumn({ type: 'categorical', name: 'c', codes: new Int32Array(codes), levels });
    expect(p.top!.length).toBe(10);
    expect(p.top![0]).toEqual({ value: 'l14', count: 15 });
    expect(p.histogram.labels.length).toBe(12);
    expect(p.histogram.labels[11]).toBe('other');
    expect(p.histogram.counts[11]).toBe(1 + 2 + 3 + 4);
    expect(p.histogram.counts.reduce((a, b) => a + b, 0)).toBe(codes.length);
  });
});

describe('profileTable', () => {
  it('profiles every column in order', () => {
    const r = parseCsvText('a,b,c\n1,x,yes\n2,y,no\n,x,\n');
    const ps = profileTable(r.table);
    expect(ps.map((p) => [p.name, p.type, p.count, p.missing, p.distinct])).toEqual([
      ['a', 'numeric', 2, 1, 2],
      ['b', 'categorical', 3, 0, 2],
      ['c', 'boolean', 2, 1, 2],
    ]);
  });
});
