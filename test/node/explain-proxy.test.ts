import { describe, expect, it } from 'vitest';
import { proxyStrength, type ProxyColumn } from '../../src/core/explain';
import { createRng } from '../../src/core/rng';

const n = 2000;
const rng = createRng(17);
const groups = new Int32Array(n);
const income = new Float64Array(n);
const noise = new Float64Array(n);
const asNumber = new Float64Array(n);
const zip = new Int32Array(n);
const colour = new Int32Array(n);
for (let i = 0; i < n; i++) {
  groups[i] = rng.next() < 0.35 ? 1 : 0;
  asNumber[i] = groups[i];
  income[i] = rng.next() + 0.4 * groups[i]; // a moderate proxy
  noise[i] = rng.next();
  zip[i] = groups[i] === 1 ? (rng.next() < 0.9 ? 0 : 1 + rng.int(4)) : 1 + rng.int(4); // a strong categorical proxy
  colour[i] = rng.int(3);
}

const columns: ProxyColumn[] = [
  { name: 'noise', kind: 'numeric', values: noise },
  { name: 'income', kind: 'numeric', values: income },
  { name: 'group-as-category', kind: 'categorical', codes: groups, nLevels: 2 },
  { name: 'group-as-number', kind: 'numeric', values: asNumber },
  { name: 'zip', kind: 'categorical', codes: zip, nLevels: 5 },
  { name: 'colour', kind: 'categorical', codes: colour, nLevels: 3 },
];

describe('proxyStrength', () => {
  const r = proxyStrength(columns, groups);
  const by = new Map(r.columns.map((c) => [c.name, c]));

  it('a column equal to the group gets NMI 1 and AUC 1', () => {
    for (const name of ['group-as-category', 'group-as-number']) {
      const c = by.get(name)!;
      expect(c.nmi).toBeCloseTo(1, 12);
      expect(c.groupInformation).toBeCloseTo(1, 12);
      expect(c.auc[0]).toBeCloseTo(1, 12);
      expect(c.auc[1]).toBeCloseTo(1, 12);
      expect(c.likelyProxy).toBe(true);
    }
    expect(r.columns[0].maxAuc).toBeCloseTo(1, 12);
  });

  it('flags real proxies, not noise, and ranks by strength', () => {
    expect(by.get('zip')!.likelyProxy).toBe(true);
    expect(by.get('zip')!.maxAuc).toBeGreaterThan(0.85);
    expect(by.get('income')!.likelyProxy).toBe(true);
    expect(by.get('noise')!.likelyProxy).toBe(false);
    expect(by.get('colour')!.likelyProxy).toBe(false);
    expect(by.get('noise')!.nmi).toBeLessThan(0.02);
    expect(by.get('noise')!.maxAuc).toBeLessThan(0.6);
    expect(r.columns.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    for (let k = 1; k < r.columns.length; k++) expect(r.columns[k].strength).toBeLessThanOrEqual(r.columns[k - 1].strength);
    expect(r.nGroups).toBe(2);
  });

  it('handles missing values and missing groups', () => {
    const v = Float64Array.from([1, 2, NaN, 4, 5, 6]);
    const g = Int32Array.from([0, 0, 1, 1, -1, 1]);
    const c = Int32Array.from([0, -1, 1, 1, 0, 1]);
    const res = proxyStrength([{ name: 'v', kind: 'numeric', values: v }, { name: 'c', kind: 'categorical', codes: c, nLevels: 2 }], g);
    for (const col of res.columns) {
      expect(Number.isFinite(col.nmi)).toBe(true);
      expect(col.maxAuc).toBeGreaterThanOrEqual(0.5);
    }
    expect(res.columns.find((x) => x.name === 'v')!.auc[0]).toBeCloseTo(1, 12); // 1,2 vs 4,6 (NaN and missing group left out)
  });
});
