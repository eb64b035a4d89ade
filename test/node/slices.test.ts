import { describe, expect, it } from 'vitest';
import { findWorstSlices, sliceMembership, type SliceColumn } from '../../src/core/slices';
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
