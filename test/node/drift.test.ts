/**
 * Drift numbers against Evidently's definitions: every column of the UCI Bank Marketing rows
 * split by time (first 27,000 rows = reference, the other 18,211 = current) equals
 * test/fixtures/drift/bank-time-split.ref.json, written by scripts/drift_reference.py with the
 * numpy/scipy calls Evidently's stattests make; the values Evidently's own tests assert; and
 * scipy's ks_2samp and chi2.sf on cases that reach each of their branches.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from '../../src/cli/read-csv';
import { categoricalDrift, numericDrift, tableDrift, type ColumnDrift } from '../../src/core/monitor/drift';
import { fillZeroShares, linspace, quantileSorted, sturgesEdges } from '../../src/core/monitor/binning';
import { kolmogorovSurvival, ksTwoSample, roundHalfEven } from '../../src/core/monitor/ks';
import { chiSquareSurvival, gammaQ } from '../../src/core/monitor/special';
import type { ColumnTable, NumericColumn } from '../../src/core/table';

interface RefColumn {
  column: string;
  kind: 'numeric' | 'categorical';
  reference: { rows: number; missing: number };
  current: { rows: number; missing: number };
  bins: number;
  psi: number;
  jensenShannon: number;
  wasserstein?: number;
  ksPValue?: number;
  psiDeciles?: number;
  chiSquarePValue?: number;
  unseen?: { value: string; count: number }[];
}
interface KsCase {
  column?: string;
  reference?: [number, number];
  current?: [number, number];
  grid?: [number, number, number, number];
  statistic: number;
  pValue: number;
}
interface Fixture {
  split: number;
  rows: number;
  columns: RefColumn[];
  ksCases: KsCase[];
  chi2Cases: { x: number; df: number; sf: number }[];
  evidentlyCases: { name: string; reference: number[]; current: number[]; psi?: number; chiSquarePValue?: number; evidently: number }[];
}

const FIXTURE = JSON.parse(readFileSync('test/fixtures/drift/bank-time-split.ref.json', 'utf8')) as Fixture;

/** |a − b| ≤ tol · max(|b|, 1e-300) — relative, with exact zeros compared exactly. */
function expectRel(a: number | null | undefined, b: number, tol: number, what: string): void {
  expect(a, what).not.toBeNull();
  if (b === 0) expect(a, what).toBe(0);
  else expect(Math.abs((a as number) - b) / Math.abs(b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(tol);
}

const range = (a: number, b: number) => Uint32Array.from({ length: b - a }, (_, i) => a + i);

let bank: ColumnTable | null = null;
async function loadBank(): Promise<ColumnTable> {
  bank ??= (await readCsvFile('public/demo/bank/bank-full.csv')).table;
  return bank;
}

describe('drift on the bank data split by time equals Evidently’s definitions', () => {
  it('every column, every measure (1e-9; KS p-values 1e-10)', async () => {
    const table = await loadBank();
    expect(table.nRows).toBe(FIXTURE.rows);
    const req = { reference: table, current: table, referenceRows: range(0, FIXTURE.split), currentRows: range(FIXTURE.split, table.nRows) };
    const drift = tableDrift(req);
    const deciles = tableDrift({ ...req, options: { bins: 'deciles' } });
    let compared = 0;
    for (const ref of FIXTURE.columns) {
      const got = drift.columns.find((c) => c.column === ref.column) as ColumnDrift;
      expect(got, ref.column).toBeDefined();
      expect(got.kind, ref.column).toBe(ref.kind);
      expect(got.rows).toEqual({ reference: ref.reference.rows, current: ref.current.rows });
      expect(got.missing).toEqual({ reference: ref.reference.missing, current: ref.current.missing });
      expect(got.bins, `${ref.column} bins`).toBe(ref.bins);
      expectRel(got.psi, ref.psi, 1e-9, `${ref.column} psi`);
      expectRel(got.jensenShannon, ref.jensenShannon, 1e-9, `${ref.column} js`);
      compared += 2;
      if (ref.kind === 'numeric') {
        expectRel(got.wasserstein, ref.wasserstein!, 1e-9, `${ref.column} wasserstein`);
        expectRel(got.ksPValue, ref.ksPValue!, 1e-10, `${ref.column} ks`);
        const d = deciles.columns.find((c) => c.column === ref.column)!;
        expect(d.binning).toBe('quantiles');
        expectRel(d.psi, ref.psiDeciles!, 1e-9, `${ref.column} psi deciles`);
        expect(d.jensenShannon).toBe(got.jensenShannon);
        compared += 3;
      } else {
        expectRel(got.chiSquarePValue, ref.chiSquarePValue!, 1e-9, `${ref.column} chi-square`);
        expect(got.unseen, ref.column).toEqual(ref.unseen!.slice().sort((a, b) => b.count - a.count));
        compared += 2;
      }
    }
    expect(compared).toBe(7 * 5 + 10 * 4);
    expect(drift.skipped).toEqual([]);
  });

  it('KS p-values equal scipy ks_2samp on every branch of mode auto', async () => {
    const table = await loadBank();
    let compared = 0;
    const methods = new Set<string>();
    for (const k of FIXTURE.ksCases) {
      let a: Float64Array;
      let b: Float64Array;
      if (k.grid) {
        const [n1, n2, off, scale] = k.grid;
        a = Float64Array.from({ length: n1 }, (_, i) => i / n1);
        b = Float64Array.from({ length: n2 }, (_, j) => ((j + off) / n2) * scale);
      } else {
        const col = table.columns.find((c) => c.name === k.column) as NumericColumn;
        a = col.values.slice(k.reference![0], k.reference![1]);
        b = col.values.slice(k.current![0], k.current![1]);
      }
      const r = ksTwoSample(a.sort(), b.sort());
      methods.add(r.method);
      const what = JSON.stringify(k.grid ?? [k.column, k.reference, k.current]);
      expectRel(r.statistic, k.statistic, 1e-12, `${what} D`);
      expectRel(r.pValue, k.pValue, 1e-10, `${what} p`);
      compared++;
    }
    expect(compared).toBe(FIXTURE.ksCases.length);
    expect([...methods].sort()).toEqual(['asymptotic', 'exact']);
  });

  it('the chi-square survival function equals scipy chi2.sf', () => {
    for (const c of FIXTURE.chi2Cases) expectRel(chiSquareSurvival(c.x, c.df), c.sf, 1e-10, `chi2.sf(${c.x}, ${c.df})`);
    expect(FIXTURE.chi2Cases.length).toBeGreaterThan(50);
  });
});

describe('values asserted by Evidently’s own tests', () => {
  for (const c of FIXTURE.evidentlyCases) {
    it(c.name, () => {
      if (c.chiSquarePValue !== undefined) {
        const levels = [...new Set([...c.reference, ...c.current])].map(String);
        const count = (xs: number[]) => Float64Array.from(levels, (l) => xs.filter((x) => String(x) === l).length);
        const d = categoricalDrift('col', { levels, reference: count(c.reference), current: count(c.current), missing: { reference: 0, current: 0 } });
        expect(d.chiSquarePValue).toBeCloseTo(c.evidently, 5);
        expectRel(d.chiSquarePValue, c.chiSquarePValue, 1e-12, c.name);
      } else {
        const d = numericDrift('col', c.reference, c.current);
        expect(d.binning).toBe('values');
        expect(Math.abs(d.psi! - c.evidently)).toBeLessThan(0.01);
        expectRel(d.psi, c.psi!, 1e-12, c.name);
      }
    });
  }

  it('categorical values with missing ones: missing dropped, identical samples give p = 1 (test_cat_feature_with_nans)', () => {
    const d = categoricalDrift('c', { levels: ['a', 'b'], reference: Float64Array.of(10, 10), current: Float64Array.of(10, 10), missing: { reference: 10, current: 10 } });
    expect(d.chiSquarePValue).toBeCloseTo(1, 12);
    expect(d.missing).toEqual({ reference: 10, current: 10 });
    expect(d.rows).toEqual({ reference: 30, current: 30 });
    expect(d.psi).toBe(0);
  });
});

describe('pieces', () => {
  it('zero shares: 0.0001, or the smallest share / 1e6 when that is ≤ 0.0001', () => {
    expect([...fillZeroShares(Float64Array.of(0, 0.5, 0.5))]).toEqual([0.0001, 0.5, 0.5]);
    expect([...fillZeroShares(Float64Array.of(0, 0.00005, 0.99995))]).toEqual([0.00005 / 1e6, 0.00005, 0.99995]);
  });

  it('Sturges edges as numpy (45,211 values over 18..95: 17 bins; integers keep width ≥ 1)', () => {
    const e = sturgesEdges(18, 95, 45211, true);
    expect(e.length).toBe(18);
    expect(e[0]).toBe(18);
    expect(e[17]).toBe(95);
    expect(sturgesEdges(0, 3, 45211, true).length - 1).toBe(3);
    expect(sturgesEdges(0, 3, 45211, false).length - 1).toBe(17);
    expect([...linspace(0, 1, 5)]).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('numpy quantile (linear) and round half to even', () => {
    const s = Float64Array.of(1, 2, 3, 4);
    expect(quantileSorted(s, 0.5)).toBe(2.5);
    expect(quantileSorted(s, 0.1)).toBeCloseTo(1.3, 14);
    expect([roundHalfEven(0.5), roundHalfEven(1.5), roundHalfEven(2.5), roundHalfEven(2.4)]).toEqual([0, 2, 2, 2]);
  });

  it('incomplete gamma: Q(1, x) = e^(−x), Q(a, 0) = 1', () => {
    for (const x of [0.1, 1, 5, 30]) expectRel(gammaQ(1, x), Math.exp(-x), 1e-13, `Q(1, ${x})`);
    expect(gammaQ(3, 0)).toBe(1);
  });

  it('Kolmogorov survival at its ends', () => {
    expect(kolmogorovSurvival(100, 0)).toBe(1);
    expect(kolmogorovSurvival(100, 1)).toBe(0);
    expect(kolmogorovSurvival(1000, 0.0004)).toBe(1);
    expect(kolmogorovSurvival(1000, 0.9995)).toBeCloseTo(2 * 0.0005 ** 1000, 300);
  });

  it('a side with no values gives null measures with the reason', () => {
    const d = numericDrift('x', Float64Array.of(NaN, NaN), Float64Array.of(1, 2));
    expect(d.psi).toBeNull();
    expect(d.undefined?.psi).toBe('no-reference-values');
    expect(d.missing.reference).toBe(2);
  });

  it('unseen categories are listed with counts, and make the chi-square p-value 0', () => {
    const d = categoricalDrift('town', { levels: ['a', 'b', 'c'], reference: Float64Array.of(5, 5, 0), current: Float64Array.of(3, 3, 4), missing: { reference: 0, current: 1 } });
    expect(d.unseen).toEqual([{ value: 'c', count: 4 }]);
    expect(d.chiSquarePValue).toBe(0);
    expect(d.missing.current).toBe(1);
  });
});
