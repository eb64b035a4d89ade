import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from '../../src/cli/read-csv';
import { findWorstSlices, numericBins, sliceMembership, tieAwareBreaks, type SliceColumn, type SlicePredicate } from '../../src/core/slices';
import { createRng } from '../../src/core/rng';

/** 4,000 rows; the model selects almost everyone in (region = north and tier = gold) and few elsewhere. */
function synthetic() {
  const n = 4000;
  const rng = createRng(5);
  const region = new Int32Array(n);
  const tier = new Int32Array(n);
  const income = new Float64Array(n);
  const labels = new Uint8Array(n);
  const decisions = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    region[i] = rng.int(4);
    tier[i] = rng.int(3);
    income[i] = rng.next() * 100;
    labels[i] = rng.next() < 0.3 ? 1 : 0;
    const hot = region[i] === 0 && tier[i] === 2;
    decisions[i] = rng.next() < (hot ? 0.9 : 0.1) ? 1 : 0;
  }
  const columns: SliceColumn[] = [
    { name: 'region', kind: 'categorical', codes: region, levels: ['north', 'south', 'east', 'west'] },
    { name: 'tier', kind: 'categorical', codes: tier, levels: ['bronze', 'silver', 'gold'] },
    { name: 'income', kind: 'numeric', values: income },
  ];
  return { n, columns, labels, decisions, region, tier };
}

describe('worst-slice search', () => {
  it('finds the planted slice first, with counts equal to a direct count', () => {
    const d = synthetic();
    const r = findWorstSlices(d.labels, d.decisions, d.columns, { metric: 'selectionRate' });
    const top = r.slices[0];
    expect(top.predicates.map((p) => p.label).sort()).toEqual(['region = north', 'tier = gold']);
    let count = 0;
    let selected = 0;
    for (let i = 0; i < d.n; i++) {
      if (d.region[i] === 0 && d.tier[i] === 2) {
        count++;
        selected += d.decisions[i];
      }
    }
    expect(top.count).toBe(count);
    expect(top.rate).toBeCloseTo(selected / count, 12);
    expect(top.z).toBeGreaterThan(10);
    // the membership used to audit the slice has exactly those rows
    const m = sliceMembership(d.columns, top.predicates, d.n);
    expect(m.reduce((a, b) => a + b, 0)).toBe(count);
  });

  it('respects the minimum support and is deterministic', () => {
    const d = synthetic();
    const a = findWorstSlices(d.labels, d.decisions, d.columns, { metric: 'truePositiveRate', minSupport: 200 });
    const b = findWorstSlices(d.labels, d.decisions, d.columns, { metric: 'truePositiveRate', minSupport: 200 });
    expect(a).toEqual(b);
    for (const s of a.slices) expect(s.support).toBeGreaterThanOrEqual(200);
  });

  it('reports nothing where no slice differs', () => {
    const d = synthetic();
    const flat = new Uint8Array(d.n); // nobody selected: every selection rate is 0
    const r = findWorstSlices(d.labels, flat, d.columns);
    expect(r.slices).toEqual([]);
  });
});

/** The row set of each slice, as a string of 0/1, to tell whether two slices hold the same rows. */
function rowSets(columns: SliceColumn[], slices: { predicates: SlicePredicate[] }[], n: number): string[] {
  return slices.map((s) => sliceMembership(columns, s.predicates, n).join(''));
}

describe('numeric bins with tied values', () => {
  const bins = (values: number[], b: number) => numericBins('x', Float64Array.from(values), b);

  it('an edge inside a run of ties moves to the run’s nearer end; edges that meet merge', () => {
    expect(tieAwareBreaks(Float64Array.from([1, 1, 1, 1, 1, 1, 2, 3]), 4)).toEqual([6]);
    // at equal distance the upper end wins; a run that ends at the last value can only go down
    expect(tieAwareBreaks(Float64Array.from([1, 2, 2, 2, 2, 2, 2, 2, 2, 3]), 2)).toEqual([9]);
    expect(tieAwareBreaks(Float64Array.from([1, 1, 2, 2, 2, 2, 2, 2, 2, 2]), 2)).toEqual([2]);
    expect(tieAwareBreaks(Float64Array.from([5, 5, 5, 5]), 4)).toEqual([]);
    expect(tieAwareBreaks(Float64Array.from(Array.from({ length: 100 }, (_, i) => i)), 4)).toEqual([25, 50, 75]);
  });

  it('a value that holds most rows is a bin of its own, never "x ≥ min"', () => {
    const b = bins([1, 1, 1, 1, 1, 1, 2, 3], 4);
    expect(b.map((p) => p.label)).toEqual(['x = 1', 'x ≥ 2']);
    expect(b.map((p) => [p.lo, p.hi])).toEqual([[-Infinity, 2], [2, Infinity]]);
    expect(bins([5, 5, 5, NaN], 4).map((p) => p.label)).toEqual(['x = 5']);
    expect(bins(Array.from({ length: 100 }, (_, i) => i), 4).map((p) => p.label)).toEqual(['x < 25', 'x in [25, 50)', 'x in [50, 75)', 'x ≥ 75']);
  });
});

describe('worst slices say each thing once', () => {
  /**
   * 400 rows: "code" is a numeric copy of "tier" (0 = silver, 1 = gold), "country" has one
   * level every row has, "constant" is 5 everywhere, "pdays" is −1 for 80 % of rows and 1..40
   * otherwise. The model selects gold leads (with a little noise).
   */
  function table() {
    const n = 400;
    const rng = createRng(21);
    const tier = new Int32Array(n);
    const code = new Float64Array(n);
    const country = new Int32Array(n);
    const constant = new Float64Array(n).fill(5);
    const pdays = new Float64Array(n);
    const labels = new Uint8Array(n);
    const decisions = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      tier[i] = i % 2;
      code[i] = tier[i];
      pdays[i] = i % 5 === 0 ? 1 + rng.int(40) : -1;
      labels[i] = rng.next() < 0.3 ? 1 : 0;
      decisions[i] = rng.next() < (tier[i] === 1 ? 0.8 : 0.1) ? 1 : 0;
    }
    const columns: SliceColumn[] = [
      { name: 'tier', kind: 'categorical', codes: tier, levels: ['silver', 'gold'] },
      { name: 'code', kind: 'numeric', values: code },
      { name: 'country', kind: 'categorical', codes: country, levels: ['NL'] },
      { name: 'constant', kind: 'numeric', values: constant },
      { name: 'pdays', kind: 'numeric', values: pdays },
    ];
    return { n, columns, labels, decisions };
  }

  it('drops rules that hold for every row and merges slices with the same rows', () => {
    const d = table();
    const r = findWorstSlices(d.labels, d.decisions, d.columns, { minSupport: 20, top: 50 });
    const labels = r.slices.flatMap((s) => s.predicates.map((p) => p.label));
    expect(labels.some((l) => l.startsWith('country') || l.startsWith('constant'))).toBe(false);
    expect(labels).not.toContain('pdays ≥ -1');
    // "tier = gold" and "code = 1" are the same rows: one slice, the other name listed
    const gold = r.slices.find((s) => s.description === 'code = 1' || s.description === 'tier = gold');
    expect(gold?.description).toBe('code = 1'); // fewer characters
    expect(gold?.equivalent).toEqual(['tier = gold']);
    expect(r.slices.filter((s) => s.description === 'tier = gold')).toEqual([]);
    // no two slices of the list hold the same rows
    const sets = rowSets(d.columns, r.slices, d.n);
    expect(r.slices.length).toBeGreaterThan(3);
    expect(new Set(sets).size).toBe(sets.length);
    // a conjunction that only adds a rule true on all of its rows is not listed as another name
    for (const s of r.slices) for (const e of s.equivalent) expect(e.startsWith(`${s.description} and `)).toBe(false);
  });
});

describe('worst slices on the bank demo', () => {
  it('pdays bins split at the −1 run; the list never repeats rows under two names', async () => {
    const { table } = await readCsvFile(fileURLToPath(new URL('../../public/demo/bank/bank-full.csv', import.meta.url)));
    const n = table.nRows;
    const y = table.columns.find((c) => c.name === 'y');
    if (!y || y.type === 'numeric') throw new Error('bank y');
    const labels = Uint8Array.from(y.codes, (c) => (y.levels[c] === 'yes' ? 1 : 0));
    const columns: SliceColumn[] = table.columns
      .filter((c) => c.name !== 'y')
      .map((c) => (c.type === 'numeric' ? { name: c.name, kind: 'numeric', values: c.values } : { name: c.name, kind: 'categorical', codes: c.codes, levels: c.levels }));
    const num = (name: string) => (columns.find((c) => c.name === name) as { values: Float64Array }).values;
    const poutcome = columns.find((c) => c.name === 'poutcome') as { codes: Int32Array; levels: string[] };
    // a simple synthetic score: earlier contact, age 60+, a past success, and a row-order wobble
    const decisions = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const s =
        0.15 * (num('pdays')[i] > -1 ? 1 : 0) + 0.2 * (num('age')[i] >= 60 ? 1 : 0) + 0.3 * (poutcome.levels[poutcome.codes[i]] === 'success' ? 1 : 0) + (i % 7) / 20;
      decisions[i] = s >= 0.3 ? 1 : 0;
    }
    const r = findWorstSlices(labels, decisions, columns, { top: 25 });
    const all = r.slices.flatMap((s) => s.predicates.map((p) => p.label));
    expect(all).not.toContain('pdays ≥ -1');
    expect(all).not.toContain('previous ≥ 0');
    const sets = rowSets(columns, r.slices, n);
    expect(sets).toHaveLength(25);
    expect(new Set(sets).size).toBe(25);
    expect(r.slices[0].description).toBe('poutcome = success');
    // pdays is −1 for 36,954 of 45,211 leads: every quartile edge used to land on −1, giving
    // "pdays < -1" (no row) and "pdays ≥ -1" (every row)
    expect(numericBins('pdays', num('pdays'), 4).map((p) => p.label)).toEqual(['pdays = -1', 'pdays ≥ 1']);
    // pdays = −1 exactly when previous = 0: one slice with two names
    const never = findWorstSlices(labels, Uint8Array.from(num('pdays'), (v) => (v > -1 ? 1 : 0)), columns, { top: 5 });
    const minus1 = never.slices.find((s) => s.description === 'pdays = -1');
    expect(minus1?.equivalent).toEqual(['previous = 0']);
    expect(never.slices.some((s) => s.description === 'previous = 0')).toBe(false);
  });
});
