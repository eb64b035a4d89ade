/**
 * Per-group metrics: the undefined-vs-fairlearn-zero case, edge cases, AUC ties, calibration,
 * input validation and the first-audit view.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { WorkbenchError } from '../../src/core/errors';
import type { CategoricalColumn } from '../../src/core/table';
import {
  argsortDesc,
  attributeFromColumns,
  computeMetricFrame,
  type AttributeInput,
} from '../../src/core/metrics';

function attr(levels: string[], groupOfRow: string[], name = 'g'): AttributeInput {
  return {
    columns: [name],
    codes: Int32Array.from(groupOfRow.map((g) => levels.indexOf(g))),
    levels,
    levelValues: levels.map((l) => [l]),
  };
}

/**
 * Group A: y = 1 1 0 0, ŷ = 1 0 1 0 → TPR 1/2, FPR 1/2, precision 1/2, NPV 1/2.
 * Group B: y = 0 0 0,   ŷ = 1 0 0   → no positives: TPR, FNR undefined (fairlearn 0);
 *                                      FPR 1/3, precision 0/1 = 0 (a real 0), NPV 1.
 * Group C: y = 1 1,     ŷ = 1 0     → no negatives: FPR, TNR undefined (fairlearn 0);
 *                                      TPR 1/2, precision 1, NPV 0/1 = 0.
 * Overall: pos 4, neg 5, TP 2, FP 2 → TPR 1/2, FPR 2/5.
 */
/** The hand-built tables here have a few rows per group: every group with a row is compared. */
const EVERY_GROUP = { minGroupSize: 1 };

const zeroCase = {
  labels: Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 1, 1]),
  predictions: Uint8Array.from([1, 0, 1, 0, 1, 0, 0, 1, 0]),
  scores: Float64Array.from([0.9, 0.4, 0.8, 0.2, 0.7, 0.3, 0.1, 0.6, 0.45]),
  attributes: [attr(['A', 'B', 'C'], ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'C', 'C'])],
};

describe('undefined rates: null + reason by default, fairlearn zeros on request', () => {
  it('default mode gives null with a reason exactly where fairlearn gives a silent 0', () => {
    const f = computeMetricFrame(zeroCase, EVERY_GROUP);
    const [A, B, C] = f.attributes[0].groups;
    expect(A.undefinedReasons).toEqual({});
    expect(B.metrics.truePositiveRate).toEqual({ value: null, reason: 'no-positives' });
    expect(B.metrics.falseNegativeRate).toEqual({ value: null, reason: 'no-positives' });
    expect(B.metrics.precision).toEqual({ value: 0 }); // 0 of 1 selected is a real 0
    expect(C.metrics.falsePositiveRate).toEqual({ value: null, reason: 'no-negatives' });
    expect(C.metrics.trueNegativeRate).toEqual({ value: null, reason: 'no-negatives' });
    expect(C.metrics.negativePredictiveValue).toEqual({ value: 0 });
    expect(B.metrics.rocAuc).toEqual({ value: null, reason: 'one-class' });
    expect(B.metrics.balancedAccuracy).toEqual({ value: null, reason: 'one-class' });
    expect(B.undefinedReasons).toEqual({
      truePositiveRate: 'no-positives',
      falseNegativeRate: 'no-positives',
      balancedAccuracy: 'one-class',
      rocAuc: 'one-class',
    });
    const pm = f.attributes[0].disparities.perMetric;
    // TPR over A (1/2) and C (1/2); B left out
    expect(pm.truePositiveRate.differenceBetweenGroups.value).toBe(0);
    expect(pm.truePositiveRate.ratioBetweenGroups.value).toBe(1);
    expect(pm.truePositiveRate.excluded).toEqual([{ level: 'B', reason: 'no-positives' }]);
    // FPR over A (1/2) and B (1/3); C left out
    expect(pm.falsePositiveRate.differenceBetweenGroups.value).toBeCloseTo(1 / 6, 15);
    expect(pm.falsePositiveRate.ratioBetweenGroups.value).toBeCloseTo(2 / 3, 15);
    const named = f.attributes[0].disparities.named;
    expect(named.equalizedOddsDifference.worstCase.betweenGroups.value).toBeCloseTo(1 / 6, 15);
    expect(named.equalizedOddsRatio.worstCase.betweenGroups.value).toBeCloseTo(2 / 3, 15);
    expect(named.equalOpportunityDifference.toOverall.value).toBe(0);
    const notes = f.attributes[0].notes.filter((n) => n.kind === 'excluded');
    expect(notes.map((n) => `${n.group}:${n.metric}:${n.reason}`)).toEqual([
      'B:truePositiveRate:no-positives',
      'B:falseNegativeRate:no-positives',
      'B:balancedAccuracy:one-class',
      'B:rocAuc:one-class',
      'C:falsePositiveRate:no-negatives',
      'C:trueNegativeRate:no-negatives',
      'C:balancedAccuracy:one-class',
      'C:rocAuc:one-class',
    ]);
    expect(notes[0].message).toContain('no lead in this group converted');
  });

  it('fairlearnCompatible reproduces fairlearn: zeros take part in differences and ratios', () => {
    const f = computeMetricFrame(zeroCase, { fairlearnCompatible: true });
    const [, B, C] = f.attributes[0].groups;
    expect(B.metrics.truePositiveRate.value).toBe(0);
    expect(B.metrics.falseNegativeRate.value).toBe(0); // TPR + FNR = 0, as fairlearn
    expect(C.metrics.falsePositiveRate.value).toBe(0);
    expect(C.metrics.trueNegativeRate.value).toBe(0);
    // sklearn balanced_accuracy_score: mean of the recalls that exist
    expect(B.metrics.balancedAccuracy.value).toBeCloseTo(2 / 3, 15);
    expect(C.metrics.balancedAccuracy.value).toBe(0.5);
    expect(B.metrics.rocAuc.value).toBeNull(); // fairlearn: NaN (sklearn raises) in both modes
    const pm = f.attributes[0].disparities.perMetric;
    // fairlearn: TPR max − min = 1/2 − 0, min/max = 0
    expect(pm.truePositiveRate.differenceBetweenGroups.value).toBe(0.5);
    expect(pm.truePositiveRate.ratioBetweenGroups.value).toBe(0);
    expect(pm.truePositiveRate.differenceToOverall.value).toBe(0.5);
    expect(pm.truePositiveRate.ratioToOverall.value).toBe(0);
    expect(pm.falsePositiveRate.differenceBetweenGroups.value).toBe(0.5);
    const named = f.attributes[0].disparities.named;
    expect(named.equalizedOddsDifference.worstCase.betweenGroups.value).toBe(0.5);
    expect(named.equalizedOddsRatio.worstCase.betweenGroups.value).toBe(0);
    expect(named.equalizedOddsDifference.mean.betweenGroups.value).toBe(0.5);
    const subs = f.attributes[0].notes.filter((n) => n.kind === 'zero-substituted');
    expect(subs.map((n) => `${n.group}:${n.metric}`)).toContain('B:truePositiveRate');
    expect(subs.map((n) => `${n.group}:${n.metric}`)).toContain('C:falsePositiveRate');
  });

  it('precision of a group with nothing selected: null by default, 0 (zero_division=0) in compatible mode', () => {
    const input = {
      labels: Uint8Array.from([1, 0, 1, 0]),
      predictions: Uint8Array.from([1, 0, 0, 0]),
      scores: Float64Array.from([0.9, 0.1, 0.2, 0.3]),
      attributes: [attr(['x', 'y'], ['x', 'x', 'y', 'y'])],
    };
    const y = computeMetricFrame(input).attributes[0].groups[1].metrics;
    expect(y.precision).toEqual({ value: null, reason: 'no-predicted-positives' });
    expect(y.falseDiscoveryRate).toEqual({ value: null, reason: 'no-predicted-positives' });
    expect(y.selectionRate).toEqual({ value: 0 });
    const yf = computeMetricFrame(input, { fairlearnCompatible: true }).attributes[0].groups[1].metrics;
    expect(yf.precision).toEqual({ value: 0, reason: 'no-predicted-positives' });
  });
});

describe('edge cases', () => {
  it('one-class group: AUC, balanced accuracy and the absent class rates are undefined', () => {
    const f = computeMetricFrame({
      labels: Uint8Array.from([1, 1, 1, 0, 1]),
      scores: Float64Array.from([0.9, 0.2, 0.7, 0.4, 0.6]),
      attributes: [attr(['pos-only', 'mixed'], ['pos-only', 'pos-only', 'pos-only', 'mixed', 'mixed'])],
    }, EVERY_GROUP);
    const g = f.attributes[0].groups[0].metrics;
    expect(g.rocAuc).toEqual({ value: null, reason: 'one-class' });
    expect(g.balancedAccuracy).toEqual({ value: null, reason: 'one-class' });
    expect(g.falsePositiveRate.reason).toBe('no-negatives');
    expect(g.truePositiveRate.value).toBeCloseTo(2 / 3, 15);
    expect(f.attributes[0].disparities.perMetric.rocAuc.differenceBetweenGroups).toEqual({
      value: null,
      reason: 'fewer-than-two-groups',
    });
  });

  it('empty intersection is kept with null metrics and left out of every comparison', () => {
    const a: CategoricalColumn = { type: 'categorical', name: 'a', codes: Int32Array.from([0, 0, 1, 1, -1]), levels: ['p', 'q'] };
    const b: CategoricalColumn = { type: 'categorical', name: 'b', codes: Int32Array.from([0, 1, 0, 0, 1]), levels: ['u', 'v'] };
    const inter = attributeFromColumns([a, b]);
    expect(inter.levels).toEqual(['p|u', 'p|v', 'q|u', 'q|v']);
    expect(Array.from(inter.codes)).toEqual([0, 1, 2, 2, -1]);
    const f = computeMetricFrame({
      labels: Uint8Array.from([1, 0, 1, 0, 1]),
      scores: Float64Array.from([0.9, 0.2, 0.7, 0.4, 0.6]),
      attributes: [inter],
    }, EVERY_GROUP);
    const at = f.attributes[0];
    expect(at.missingRows).toBe(1);
    const empty = at.groups[3];
    expect(empty.level).toBe('q|v');
    expect(empty.values).toEqual({ a: 'q', b: 'v' });
    expect(empty.count).toBe(0);
    expect(empty.small).toBe(true);
    expect(empty.metrics.selectionRate).toEqual({ value: null, reason: 'empty-group' });
    expect(empty.metrics.rocAuc).toEqual({ value: null, reason: 'empty-group' });
    expect(at.disparities.perMetric.selectionRate.excluded).toEqual([{ level: 'q|v', reason: 'empty-group' }]);
    expect(at.notes.filter((n) => n.kind === 'empty-group').map((n) => n.group)).toEqual(['q|v']);
    // the missing row still counts overall
    expect(f.overall.metrics.count).toBe(5);
    // selection rates p|u 1, p|v 0, q|u 1/2 → diff 1, ratio 0 (defined groups only)
    expect(at.disparities.perMetric.selectionRate.differenceBetweenGroups.value).toBe(1);
  });

  it('all-positive predictions: NPV/FOR undefined, precision = base rate', () => {
    const labels = Uint8Array.from([1, 0, 1, 1, 0]);
    const f = computeMetricFrame(
      { labels, scores: Float64Array.from([0.9, 0.2, 0.7, 0.4, 0.6]), attributes: [] },
      { decision: { rule: 'threshold', threshold: 0 } },
    );
    const m = f.overall.metrics;
    expect(f.decision.selected).toBe(5);
    expect(m.selectionRate.value).toBe(1);
    expect(m.precision.value).toBeCloseTo(0.6, 15);
    expect(m.truePositiveRate.value).toBe(1);
    expect(m.falsePositiveRate.value).toBe(1);
    expect(m.negativePredictiveValue).toEqual({ value: null, reason: 'no-predicted-negatives' });
    expect(m.falseOmissionRate).toEqual({ value: null, reason: 'no-predicted-negatives' });
  });

  it('weights of zero: rates ignore those rows (count keeps them); an all-zero group is empty', () => {
    const labels = Uint8Array.from([1, 0, 1, 0, 1, 0, 1]);
    const scores = Float64Array.from([0.9, 0.8, 0.3, 0.2, 0.7, 0.6, 0.1]);
    const groups = ['a', 'a', 'a', 'a', 'b', 'b', 'b'];
    const weights = Float64Array.from([1, 2, 0, 1, 0, 0, 0]);
    const f = computeMetricFrame({ labels, scores, weights, attributes: [attr(['a', 'b'], groups)] });
    const keep = [0, 1, 3];
    const g = computeMetricFrame({
      labels: Uint8Array.from(keep.map((i) => labels[i])),
      scores: Float64Array.from(keep.map((i) => scores[i])),
      weights: Float64Array.from(keep.map((i) => weights[i])),
      attributes: [attr(['a', 'b'], keep.map((i) => groups[i]))],
    });
    const a1 = f.attributes[0].groups[0].metrics;
    const a2 = g.attributes[0].groups[0].metrics;
    for (const k of ['selectionRate', 'truePositiveRate', 'falsePositiveRate', 'precision', 'accuracy', 'rocAuc', 'brierScore'] as const) {
      expect(a1[k].value, k).toBeCloseTo(a2[k].value as number, 14);
    }
    expect(a1.count).toBe(4);
    const b = f.attributes[0].groups[1];
    expect(b.count).toBe(3);
    expect(b.weightSum).toBe(0);
    expect(b.metrics.selectionRate).toEqual({ value: null, reason: 'empty-group' });
    expect(f.attributes[0].reference).toBe('a');
  });

  it('top-k ties at the cut are broken by row index', () => {
    const scores = Float64Array.from([0.1, 0.5, 0.9, 0.5, 0.5]);
    const labels = Uint8Array.from([0, 1, 1, 0, 1]);
    // descending order with ties by row: 2, 1, 3, 4, 0 → k = 2 selects rows 2 and 1
    expect(Array.from(argsortDesc(scores))).toEqual([2, 1, 3, 4, 0]);
    const f2 = computeMetricFrame({ labels, scores, attributes: [] }, { decision: { rule: 'top-k', k: 2 } });
    expect(f2.decision.selected).toBe(2);
    expect(f2.decision.cutScore).toBe(0.5);
    expect(f2.overall.metrics.truePositiveRate.value).toBeCloseTo(2 / 3, 15); // rows 2, 1 are positives
    const f3 = computeMetricFrame({ labels, scores, attributes: [] }, { decision: { rule: 'top-k', k: 3 } });
    expect(f3.overall.metrics.falsePositiveRate.value).toBe(0.5); // row 3 (negative) joins
    // top-percent: round(40/100 · 5) = 2 → same as k = 2
    const fp = computeMetricFrame({ labels, scores, attributes: [] }, { decision: { rule: 'top-percent', percent: 40 } });
    expect(fp.overall.metrics).toEqual(f2.overall.metrics);
    // threshold 0.5 takes every tied row
    const ft = computeMetricFrame({ labels, scores, attributes: [] }, { decision: { rule: 'threshold', threshold: 0.5 } });
    expect(ft.decision.selected).toBe(4);
  });

  it('small groups are flagged (count < minGroupSize)', () => {
    const f = computeMetricFrame(zeroCase, { minGroupSize: 3 });
    expect(f.attributes[0].groups.map((g) => g.small)).toEqual([false, false, true]);
    const small = f.attributes[0].notes.filter((n) => n.kind === 'small-group');
    expect(small.map((n) => n.groups)).toEqual([['C']]);
  });
});

describe('ROC AUC and calibration', () => {
  it('weighted AUC equals the weighted Mann–Whitney statistic with ties counted ½', () => {
    const rng = createRng(7);
    const n = 400;
    const labels = new Uint8Array(n);
    const scores = new Float64Array(n);
    const weights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rng.next() < 0.4 ? 1 : 0;
      scores[i] = Math.round((rng.next() * 0.6 + labels[i] * 0.3) * 20) / 20; // many ties
      weights[i] = rng.next() < 0.1 ? 0 : 0.5 + rng.next();
    }
    let num = 0;
    let P = 0;
    let N = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] === 1) P += weights[i];
      else N += weights[i];
      if (labels[i] !== 1) continue;
      for (let j = 0; j < n; j++) {
        if (labels[j] !== 0) continue;
        const s = scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        num += weights[i] * weights[j] * s;
      }
    }
    const f = computeMetricFrame({ labels, scores, weights, attributes: [] });
    expect(f.overall.metrics.rocAuc.value).toBeCloseTo(num / (P * N), 12);
  });

  it('reliability bins and ECE by hand', () => {
    // bin 1 [0.1, 0.2): scores 0.1, 0.15 (y 0, 1) → mean 0.125, observed 0.5
    // bin 9 [0.9, 1]:   scores 0.9, 1.0 (y 1, 1)   → mean 0.95,  observed 1
    // ECE = 2/4 · |0.5 − 0.125| + 2/4 · |1 − 0.95| = 0.1875 + 0.025 = 0.2125
    const f = computeMetricFrame({
      labels: Uint8Array.from([0, 1, 1, 1]),
      scores: Float64Array.from([0.1, 0.15, 0.9, 1.0]),
      attributes: [],
    });
    const m = f.overall.metrics;
    expect(m.calibration).toHaveLength(10);
    expect(m.calibration[1]).toMatchObject({ count: 2, weightSum: 2, observedRate: 0.5 });
    expect(m.calibration[1].meanScore).toBeCloseTo(0.125, 15);
    expect(m.calibration[9].meanScore).toBeCloseTo(0.95, 15);
    expect(m.calibration[0]).toMatchObject({ count: 0, meanScore: null, observedRate: null });
    expect(m.expectedCalibrationError.value).toBeCloseTo(0.2125, 15);
    // Brier: (0.1² + 0.85² + 0.1² + 0²) / 4
    expect(m.brierScore.value).toBeCloseTo((0.01 + 0.7225 + 0.01) / 4, 15);
    expect(m.meanScore.value).toBeCloseTo(0.5375, 15);
  });
});

describe('input validation', () => {
  it('rejects NaN scores, non-binary outcomes and negative weights with a problem code', () => {
    const base = { labels: Uint8Array.from([0, 1]), scores: Float64Array.from([0.1, 0.9]), attributes: [] };
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return (e as WorkbenchError).code;
      }
      return 'none';
    };
    expect(code(() => computeMetricFrame({ ...base, scores: Float64Array.from([NaN, 0.9]) }))).toBe('model-invalid');
    expect(code(() => computeMetricFrame({ ...base, labels: Uint8Array.from([0, 2]) }))).toBe('roles-invalid');
    expect(code(() => computeMetricFrame({ ...base, weights: Float64Array.from([1, -1]) }))).toBe('roles-invalid');
  });
});

