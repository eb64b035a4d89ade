import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/core/csv';
import {
  applyGroupThresholds,
  deterministicThresholds,
  fitGroupThresholds,
  ruleFromJson,
  ruleToJson,
  selectionProbability,
  type GroupThresholdRules,
  type ThresholdConstraint,
} from '../../src/core/mitigate';
import { groupColumn, intersectGroups } from '../../src/core/roles';
import type { CategoricalColumn, NumericColumn } from '../../src/core/table';

// The peer fixture: 2,000 scored rows, `sex` correlated with the score, `region` with 3 values.
const { table } = parseCsvText(readFileSync(new URL('../fixtures/peer/fairness.csv', import.meta.url), 'utf8'));
const num = (name: string): Float64Array => (table.columns.find((c) => c.name === name) as NumericColumn).values;
const labelsAll = Uint8Array.from(num('y_true'));
const scoresAll = Float64Array.from(num('score'));
const sex = groupColumn(table, { column: 'sex' });
const region = groupColumn(table, { column: 'region' });
const both = intersectGroups([sex, region]);

// fit on the even rows, check on the odd rows
interface Half { y: Uint8Array; s: Float64Array; g: Int32Array }
function half(col: CategoricalColumn, parity: 0 | 1): Half {
  const rows = Array.from({ length: table.nRows }, (_, i) => i).filter((i) => i % 2 === parity);
  return {
    y: Uint8Array.from(rows, (i) => labelsAll[i]),
    s: Float64Array.from(rows, (i) => scoresAll[i]),
    g: Int32Array.from(rows, (i) => col.codes[i]),
  };
}

/** Per group (expected) selection rate, TPR and FPR of 0..1 decisions `d`. */
function rates(h: Half, d: ArrayLike<number>, nGroups: number): { sel: number[]; tpr: number[]; fpr: number[] } {
  const acc = Array.from({ length: nGroups }, () => ({ n: 0, s: 0, p: 0, tp: 0, f: 0, fp: 0 }));
  for (let i = 0; i < h.y.length; i++) {
    const a = acc[h.g[i]];
    a.n++;
    a.s += d[i];
    if (h.y[i] === 1) {
      a.p++;
      a.tp += d[i];
    } else {
      a.f++;
      a.fp += d[i];
    }
  }
  return { sel: acc.map((a) => a.s / a.n), tpr: acc.map((a) => a.tp / a.p), fpr: acc.map((a) => a.fp / a.f) };
}
const spread = (v: number[]): number => Math.max(...v) - Math.min(...v);
function gap(c: ThresholdConstraint, r: { sel: number[]; tpr: number[]; fpr: number[] }): number {
  if (c === 'demographic-parity') return spread(r.sel);
  if (c === 'equal-opportunity') return spread(r.tpr);
  return Math.max(spread(r.tpr), spread(r.fpr));
}
const constraints: ThresholdConstraint[] = ['demographic-parity', 'equal-opportunity', 'equalized-odds'];

describe('fitGroupThresholds (ThresholdOptimizer)', () => {
  it('finds the hull optimum of a hand-made example', () => {
    // group 0 is separable at selection rate 1/2, group 1 at 1/4
    const scores = [0.9, 0.6, 0.4, 0.1, 0.8, 0.7, 0.3, 0.2];
    const labels = Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 0]);
    const groups = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    const r = fitGroupThresholds({ scores, labels, groupCodes: groups, nGroups: 2, constraint: 'demographic-parity' });
    // hulls: y0(x) = 0.5 + x up to 0.5, y1(x) = 0.75 + x up to 0.25, then 1.25 − x; the mean is
    // flat at 0.875 on [0.25, 0.5] and numpy-style argmax takes the smallest x
    expect(r.x).toBe(0.25);
    expect(r.objectiveValue).toBeCloseTo(0.875, 12);
    // group 0 at x = 1/4: half-way between "nobody" (t = +∞) and "score ≥ 0.6"
    expect(r.rules[0]).toEqual({ t0: Infinity, p0: 0.5, t1: 0.6, p1: 0.5, pIgnore: 0, predictionConstant: 0 });
    // group 1 at its vertex "score ≥ 0.8"
    const p1 = selectionProbability(r, [0.8, 0.79], Int32Array.from([1, 1]));
    expect(Array.from(p1)).toEqual([1, 0]);
    expect(r.fitted.groups.map((g) => g.selectionRate)).toEqual([0.25, 0.25]);
    expect(r.fitted.overall.accuracy).toBeCloseTo(0.875, 12);
  });

  for (const [name, col] of [['sex', sex], ['region', region], ['sex×region', both]] as const) {
    for (const c of constraints) {
      it(`${c} by ${name}: exact parity (in expectation) on the fitting rows, with and without topK`, () => {
        const fit = half(col, 0);
        const G = col.levels.length;
        for (const topK of [undefined, 200]) {
          const r = fitGroupThresholds({ scores: fit.s, labels: fit.y, groupCodes: fit.g, nGroups: G, constraint: c, ...(topK ? { topK } : {}) });
          const p = selectionProbability(r, fit.s, fit.g);
          const got = rates(fit, p, G);
          expect(gap(c, got)).toBeLessThan(1e-9);
          // the reported fitted rates are these
          r.fitted.groups.forEach((fg, g) => expect(fg.selectionRate).toBeCloseTo(got.sel[g], 12));
          if (c === 'equalized-odds') {
            got.tpr.forEach((t) => expect(t).toBeCloseTo(r.y!, 9));
            got.fpr.forEach((f) => expect(f).toBeCloseTo(r.x, 9));
          }
          if (topK) {
            expect(r.topKMet).toBe(true);
            expect(r.fitted.overall.expectedSelected).toBeLessThanOrEqual(topK + 1e-6);
            expect(p.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(topK + 1e-6);
          }
          for (const rule of r.rules) {
            expect(rule.p0 + rule.p1).toBeCloseTo(1, 12);
            expect(rule.pIgnore).toBeGreaterThanOrEqual(0);
            expect(rule.pIgnore).toBeLessThanOrEqual(1);
          }
        }
      });
    }
  }

  it('reaches parity on the held-out half (sex): DP ≤ 0.02, EO ≤ 0.02, equalized odds ≤ 0.04', () => {
    // Held-out parity is limited by sampling noise, not by the method: each sex has ~500
    // held-out rows, so a group's rate has a standard error of ~0.02 and the gap between two
    // of ~0.03 (across 30 random halves the median held-out DP gap is 0.026, the 90th
    // percentile 0.067). This split is fixed (even/odd rows), so the test is deterministic.
    const fit = half(sex, 0);
    const test = half(sex, 1);
    const limits: Record<ThresholdConstraint, number> = { 'demographic-parity': 0.02, 'equal-opportunity': 0.02, 'equalized-odds': 0.04 };
    for (const c of constraints) {
      const r = fitGroupThresholds({ scores: fit.s, labels: fit.y, groupCodes: fit.g, nGroups: 2, constraint: c });
      const expected = rates(test, selectionProbability(r, test.s, test.g), 2);
      const sampled = rates(test, applyGroupThresholds(r, test.s, test.g, { seed: 3 }), 2);
      const baseline = rates(test, Array.from(test.s, (s) => (s >= 0.5 ? 1 : 0)), 2);
      expect(gap(c, expected)).toBeLessThanOrEqual(limits[c]);
      expect(gap(c, sampled)).toBeLessThanOrEqual(limits[c]);
      expect(gap(c, baseline)).toBeGreaterThan(2 * limits[c]); // 0.33, 0.09, 0.10 at threshold 0.5
    }
  });

  it('respects topK: expected count ≤ K on the fitting rows; a capacity caps the decisions on new rows', () => {
    const fit = half(sex, 0);
    const test = half(sex, 1);
    for (const c of constraints) {
      const r = fitGroupThresholds({ scores: fit.s, labels: fit.y, groupCodes: fit.g, nGroups: 2, constraint: c, topK: 200 });
      expect(r.fitted.overall.expectedSelected).toBeLessThanOrEqual(200 + 1e-6);
      expect(r.fitted.overall.expectedSelected).toBeGreaterThan(195); // the capacity binds: more selections are better
      const d = applyGroupThresholds(r, test.s, test.g, { seed: 4, capacity: 200 });
      const count = d.reduce((a, b) => a + b, 0);
      expect(count).toBeLessThanOrEqual(200);
      const uncapped = applyGroupThresholds(r, test.s, test.g, { seed: 4 });
      expect(uncapped.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(count);
      // thinning only removes selections
      for (let i = 0; i < d.length; i++) expect(d[i]).toBeLessThanOrEqual(uncapped[i]);
    }
    // a capacity no operating point can meet: the fewest selections are taken and flagged
    const r0 = fitGroupThresholds({ scores: fit.s, labels: fit.y, groupCodes: fit.g, nGroups: 2, constraint: 'equalized-odds', topK: 0 });
    expect(r0.topKMet).toBe(r0.fitted.overall.expectedSelected <= 1e-9);
  });

  it('randomises reproducibly: same seed, same decisions; the mean matches the probabilities', () => {
    const fit = half(region, 0);
    const r = fitGroupThresholds({ scores: fit.s, labels: fit.y, groupCodes: fit.g, nGroups: 3, constraint: 'demographic-parity' });
    const a = applyGroupThresholds(r, scoresAll, region.codes, { seed: 11 });
    const b = applyGroupThresholds(r, scoresAll, region.codes, { seed: 11 });
    const c = applyGroupThresholds(r, scoresAll, region.codes, { seed: 12 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const p = selectionProbability(r, scoresAll, region.codes);
    let sa = 0;
    let sp = 0;
    for (let i = 0; i < p.length; i++) {
      sa += a[i];
      sp += p[i];
      if (p[i] === 0) expect(a[i]).toBe(0);
      if (p[i] === 1) expect(a[i]).toBe(1);
    }
    expect(Math.abs(sa - sp)).toBeLessThan(4 * Math.sqrt(p.length * 0.25));
  });

  it('gives rows without a group, and groups without positives, the pooled fallback rule', () => {
    const fit = half(sex, 0);
    const g = Int32Array.from(fit.g);
    for (let i = 0; i < g.length; i += 10) g[i] = -1;
    // group 2 exists but has no positives: equal opportunity is undefined there
    const g3 = Int32Array.from(g);
    let moved = 0;
    for (let i = 0; i < g3.length && moved < 20; i++) {
      if (fit.y[i] === 0 && g3[i] === 0) {
        g3[i] = 2;
        moved++;
      }
    }
    const r = fitGroupThresholds({ scores: fit.s, labels: fit.y, groupCodes: g3, nGroups: 4, constraint: 'equal-opportunity' });
    expect(r.fallbackGroups).toEqual([{ group: 2, reason: 'no-positives' }, { group: 3, reason: 'empty-group' }]);
    expect(r.rules[2]).toEqual(r.fallback);
    expect(r.rules[3]).toEqual(r.fallback);
    expect(r.notes.join(' ')).toMatch(/Group 2 has no positives/);
    const p = selectionProbability(r, [0.7], Int32Array.from([-1]));
    const q = selectionProbability({ rules: [r.fallback], fallback: r.fallback }, [0.7], Int32Array.from([0]));
    expect(p[0]).toBe(q[0]);
    // groups 0 and 1 still meet TPR parity exactly
    const pp = selectionProbability(r, fit.s, g3);
    const tpr = [0, 1].map((k) => {
      let s = 0;
      let n = 0;
      for (let i = 0; i < pp.length; i++) if (g3[i] === k && fit.y[i] === 1) {
        s += pp[i];
        n++;
      }
      return s / n;
    });
    expect(Math.abs(tpr[0] - tpr[1])).toBeLessThan(1e-9);
  });

  it('round-trips rules through JSON and gives deterministic stand-ins inside (0, 1)', () => {
    const fit = half(sex, 0);
    const r: GroupThresholdRules = fitGroupThresholds({ scores: fit.s, labels: fit.y, groupCodes: fit.g, nGroups: 2, constraint: 'equalized-odds' });
    for (const rule of [...r.rules, r.fallback]) {
      const back = ruleFromJson(JSON.parse(JSON.stringify(ruleToJson(rule))));
      expect(back).toEqual(rule);
    }
    expect(ruleFromJson(JSON.parse(JSON.stringify(ruleToJson({ t0: Infinity, p0: 0.5, t1: -Infinity, p1: 0.5, pIgnore: 0, predictionConstant: 0 }))))).toEqual(
      { t0: Infinity, p0: 0.5, t1: -Infinity, p1: 0.5, pIgnore: 0, predictionConstant: 0 },
    );
    expect(() => ruleFromJson({ t0: null, p0: 1, t1: 0.5, p1: 0, pIgnore: 0, predictionConstant: 0 }, 'rules.a')).toThrow(/rules\.a\.t0/);
    const t = deterministicThresholds(r, fit.s, fit.g);
    expect(t).toHaveLength(2);
    const p = selectionProbability(r, fit.s, fit.g);
    for (let k = 0; k < 2; k++) {
      expect(t[k]).toBeGreaterThan(0);
      expect(t[k]).toBeLessThan(1);
      let det = 0;
      let exp = 0;
      let n = 0;
      for (let i = 0; i < fit.s.length; i++) if (fit.g[i] === k) {
        det += fit.s[i] >= t[k] ? 1 : 0;
        exp += p[i];
        n++;
      }
      expect(Math.abs(det - exp)).toBeLessThanOrEqual(1); // nearest count (scores here have no ties)
      expect(n).toBeGreaterThan(0);
    }
  });

  it('rejects bad input', () => {
    const y = Uint8Array.from([1, 0]);
    expect(() => fitGroupThresholds({ scores: [0.5], labels: y, groupCodes: Int32Array.from([0, 0]), nGroups: 1, constraint: 'demographic-parity' })).toThrow(/scores/);
    expect(() => fitGroupThresholds({ scores: [0.5, NaN], labels: y, groupCodes: Int32Array.from([0, 0]), nGroups: 1, constraint: 'demographic-parity' })).toThrow(/finite/);
    expect(() => fitGroupThresholds({ scores: [0.5, 0.4], labels: Uint8Array.from([1, 1]), groupCodes: Int32Array.from([0, 0]), nGroups: 1, constraint: 'demographic-parity' })).toThrow(/both outcomes/);
  });
});
