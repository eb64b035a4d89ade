/**
 * AIF360's signed metrics and inequality indices, hand-computed on tiny tables.
 */
import { describe, expect, it } from 'vitest';
import {
  betweenGroupTheilIndex,
  computeDisparities,
  computeMetricFrame,
  createAuditIndex,
  FOUR_FIFTHS_CAVEAT,
  generalizedEntropyIndex,
  rowCounts,
  theilIndex,
  type AttributeInput,
} from '../../src/core/metrics';

function attr(levels: string[], groupOfRow: string[]): AttributeInput {
  return {
    columns: ['g'],
    codes: Int32Array.from(groupOfRow.map((g) => levels.indexOf(g))),
    levels,
    levelValues: levels.map((l) => [l]),
  };
}

/**
 * Privileged P (8 rows): y = 1 1 1 1 0 0 0 0, ŷ = 1 1 1 0 1 0 0 0 → TPR 3/4, FPR 1/4, SR 4/8
 * Unprivileged U (5 rows): y = 1 1 0 0 0,     ŷ = 1 0 1 1 0         → TPR 1/2, FPR 2/3, SR 3/5
 *
 * AIF360 average_odds_difference = ½[(FPR_U − FPR_P) + (TPR_U − TPR_P)]
 *   = ½[(2/3 − 1/4) + (1/2 − 3/4)] = ½[5/12 − 3/12] = 1/12
 * average_abs_odds_difference = ½[5/12 + 3/12] = 1/3
 * statistical_parity_difference = SR_U − SR_P = 3/5 − 1/2 = 1/10; disparate_impact = 6/5
 * fairlearn equalized_odds_difference(agg="mean") = (|ΔTPR| + |ΔFPR|)/2 = 1/3 (= AAOD for two groups)
 */
/** These hand-built tables have a few rows per group: every group with a row is compared. */
const EVERY_GROUP = { minGroupSize: 1 };

const aif = {
  labels: Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0]),
  predictions: Uint8Array.from([1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0]),
  scores: new Float64Array(13).fill(0.5),
  attributes: [attr(['P', 'U'], ['P', 'P', 'P', 'P', 'P', 'P', 'P', 'P', 'U', 'U', 'U', 'U', 'U'])],
};

describe('AIF360 signed metrics (group minus reference)', () => {
  it('average odds difference, its absolute version and the signed rate comparisons', () => {
    const f = computeMetricFrame(aif, { ...EVERY_GROUP, reference: 'P' });
    const a = f.attributes[0];
    expect(a.reference).toBe('P');
    expect(a.referenceSource).toBe('given');
    const n = a.disparities.named;
    expect(n.averageOddsDifference).toHaveLength(1);
    expect(n.averageOddsDifference[0].level).toBe('U');
    expect(n.averageOddsDifference[0].value.value).toBeCloseTo(1 / 12, 15);
    expect(n.averageAbsOddsDifference[0].value.value).toBeCloseTo(1 / 3, 15);
    expect(n.equalizedOddsDifference.mean.betweenGroups.value).toBeCloseTo(1 / 3, 15);
    expect(n.equalizedOddsDifference.worstCase.betweenGroups.value).toBeCloseTo(5 / 12, 15);
    const sr = a.disparities.perMetric.selectionRate.toReference;
    expect(sr.map((r) => r.level)).toEqual(['P', 'U']);
    expect(sr[0].difference.value).toBe(0);
    expect(sr[0].ratio.value).toBe(1);
    expect(sr[1].difference.value).toBeCloseTo(0.1, 15);
    expect(sr[1].ratio.value).toBeCloseTo(1.2, 15);
    const tpr = a.disparities.perMetric.truePositiveRate.toReference[1];
    expect(tpr.difference.value).toBeCloseTo(-0.25, 15); // signed: U is worse off
  });

  it('the default reference is the largest group by weight; the sign flips with it', () => {
    const weights = Float64Array.from([...new Array(8).fill(1), ...new Array(5).fill(2)]); // U weighs 10 > 8
    const f = computeMetricFrame({ ...aif, weights });
    expect(f.attributes[0].reference).toBe('U');
    expect(f.attributes[0].referenceSource).toBe('largest-weight');
    // weights are uniform within each group, so the rates are unchanged: AOD(P vs U) = −1/12
    expect(f.attributes[0].disparities.named.averageOddsDifference[0].value.value).toBeCloseTo(-1 / 12, 15);
  });

  it('an undefined rate on either side makes the average odds difference null with the reason', () => {
    const f = computeMetricFrame({
      labels: Uint8Array.from([1, 0, 0, 0]),
      predictions: Uint8Array.from([1, 0, 1, 0]),
      scores: new Float64Array(4).fill(0.5),
      attributes: [attr(['P', 'U'], ['P', 'P', 'U', 'U'])],
    }, { reference: 'P' });
    expect(f.attributes[0].disparities.named.averageOddsDifference[0].value).toEqual({ value: null, reason: 'no-positives' });
  });

  it('four-fifths rule uses the between-group selection-rate ratio and carries its caveat', () => {
    const f = computeMetricFrame(aif, EVERY_GROUP);
    const di = f.attributes[0].disparities.named.disparateImpact;
    expect(di.betweenGroups.value).toBeCloseTo(0.5 / 0.6, 15);
    expect(di.fourFifthsRule.pass).toBe(true);
    expect(di.fourFifthsRule.threshold).toBe(0.8);
    expect(di.fourFifthsRule.caveat).toBe(FOUR_FIFTHS_CAVEAT);
    expect(di.fourFifthsRule.caveat).toMatch(/not a legal or statistical test/);
    expect(di.fourFifthsRule.caveat).toMatch(/misapplied/);
  });

  it('ratio with a zero maximum is null with a reason', () => {
    const f = computeMetricFrame({
      labels: Uint8Array.from([1, 0, 1, 0]),
      predictions: Uint8Array.from([0, 0, 0, 0]),
      scores: new Float64Array(4).fill(0.5),
      attributes: [attr(['x', 'y'], ['x', 'x', 'y', 'y'])],
    }, EVERY_GROUP);
    const dp = f.attributes[0].disparities.named.demographicParityRatio;
    expect(dp.betweenGroups).toEqual({ value: null, reason: 'zero-max' });
    expect(f.attributes[0].disparities.named.disparateImpact.fourFifthsRule.pass).toBeNull();
    expect(f.attributes[0].disparities.named.demographicParityDifference.betweenGroups.value).toBe(0);
  });
});

describe('Theil index and generalized entropy index (AIF360)', () => {
  it('table 1: b has a zero', () => {
    // y = 1 1 0 0 1 0, ŷ = 1 0 1 0 1 0 → b = ŷ − y + 1 = 1 0 2 1 1 1, μ = 1
    // Theil = (1/6) Σ (b/μ) ln(b/μ) = (1/6)(2 ln 2) = ln(2)/3
    // GEI(2) = (1/6) Σ ((b/μ)² − 1) / 2 = (0 − 1 + 3 + 0 + 0 + 0)/6/2 = 1/6
    // GEI(3) = (1/6) Σ ((b/μ)³ − 1) / 6 = (−1 + 7)/6/6 = 1/6
    // GEI(0): a b of 0 makes ln(0) → AIF360 gives +∞ → null 'infinite'
    const rows = rowCounts(Uint8Array.from([1, 1, 0, 0, 1, 0]), Uint8Array.from([1, 0, 1, 0, 1, 0]));
    expect(theilIndex(rows).value).toBeCloseTo(Math.log(2) / 3, 15);
    expect(generalizedEntropyIndex(rows, 2).value).toBeCloseTo(1 / 6, 15);
    expect(generalizedEntropyIndex(rows, 3).value).toBeCloseTo(1 / 6, 15);
    expect(generalizedEntropyIndex(rows, 0)).toEqual({ value: null, reason: 'infinite' });
  });

  it("table 2: α = 0 keeps AIF360's extra 1/μ factor; between-group Theil", () => {
    // y = 0 0 1 1, ŷ = 1 0 1 1 → b = 2 1 1 1, μ = 5/4
    // Theil = (1/4)[(8/5) ln(8/5) + 3 · (4/5) ln(4/5)]
    // AIF360 α = 0: −mean(ln(b/μ)/μ) = −(1/4)(4/5)[ln(8/5) + 3 ln(4/5)]  (docstring: without 4/5)
    // GEI(2) = (1/4)[(64/25 − 1) + 3(16/25 − 1)]/2 = (1/4)(39/25 − 27/25)/2 = 12/200 = 0.06
    const labels = Uint8Array.from([0, 0, 1, 1]);
    const pred = Uint8Array.from([1, 0, 1, 1]);
    const rows = rowCounts(labels, pred);
    expect(theilIndex(rows).value).toBeCloseTo(0.25 * (1.6 * Math.log(1.6) + 3 * 0.8 * Math.log(0.8)), 15);
    const g0 = -0.25 * 0.8 * (Math.log(1.6) + 3 * Math.log(0.8));
    expect(generalizedEntropyIndex(rows, 0).value).toBeCloseTo(g0, 15);
    expect(generalizedEntropyIndex(rows, 2).value).toBeCloseTo(0.06, 15);
    // groups {0, 1} (b 2, 1 → 3/2) and {2, 3} (b 1, 1 → 1); μ = 5/4
    // between-group Theil = (1/4)[2 · (6/5) ln(6/5) + 2 · (4/5) ln(4/5)]
    const bg = 0.5 * (1.2 * Math.log(1.2) + 0.8 * Math.log(0.8));
    expect(betweenGroupTheilIndex([rowCounts(labels.subarray(0, 2), pred.subarray(0, 2)), rowCounts(labels.subarray(2), pred.subarray(2))]).value).toBeCloseTo(bg, 15);
    // the same through the frame: overall indices and the attribute's between-group index
    const f = computeMetricFrame(
      { labels, predictions: pred, scores: new Float64Array(4).fill(0.5), attributes: [attr(['a', 'b'], ['a', 'a', 'b', 'b'])] },
      { entropyAlphas: [0, 2] },
    );
    expect(f.inequality.theilIndex.value).toBeCloseTo(0.25 * (1.6 * Math.log(1.6) + 3 * 0.8 * Math.log(0.8)), 15);
    expect(f.inequality.generalizedEntropyIndex.map((g) => g.alpha)).toEqual([0, 2]);
    expect(f.inequality.generalizedEntropyIndex[0].value.value).toBeCloseTo(g0, 15);
    expect(f.attributes[0].disparities.named.betweenGroupTheilIndex.value).toBeCloseTo(bg, 15);
  });

  it('weights are ignored (as AIF360) and all-false-negative data has μ = 0', () => {
    const labels = Uint8Array.from([0, 0, 1, 1]);
    const predictions = Uint8Array.from([1, 0, 1, 1]);
    const base = { labels, predictions, scores: new Float64Array(4).fill(0.5), attributes: [] };
    const a = computeMetricFrame(base).inequality.theilIndex.value;
    const b = computeMetricFrame({ ...base, weights: Float64Array.from([5, 1, 0.1, 3]) }).inequality.theilIndex.value;
    expect(b).toBe(a);
    expect(theilIndex(rowCounts(Uint8Array.from([1, 1]), Uint8Array.from([0, 0])))).toEqual({ value: null, reason: 'zero-mean' });
  });
});

/**
 * Two groups of 60 leads (selection rates 1/2 and 2/5) and a one-lead group "T" that nobody
 * selects (selection rate 0), as a one-lead intersection in a real audit. Scores 0.9 for the
 * selected rows, 0.1 otherwise; outcomes alternate (T's one lead converted).
 */
function withTinyGroup(): { labels: Uint8Array; scores: Float64Array; attributes: AttributeInput[] } {
  const groupOfRow: string[] = [];
  const labels: number[] = [];
  const scores: number[] = [];
  const add = (g: string, rows: number, selected: number) => {
    for (let i = 0; i < rows; i++) {
      groupOfRow.push(g);
      labels.push(i % 2);
      scores.push(i < selected ? 0.9 : 0.1);
    }
  };
  add('A', 60, 30);
  add('B', 60, 24);
  groupOfRow.push('T');
  labels.push(1);
  scores.push(0.1);
  return { labels: Uint8Array.from(labels), scores: Float64Array.from(scores), attributes: [attr(['A', 'B', 'T'], groupOfRow)] };
}

describe('groups below the minimum size stay out of the headline disparities', () => {
  it('a one-lead group with the extreme rate does not set the demographic parity difference', () => {
    const f = computeMetricFrame(withTinyGroup());
    const a = f.attributes[0];
    const sr = a.disparities.perMetric.selectionRate;
    // T's own rate still shows, flagged small
    expect(a.groups.map((g) => [g.level, g.metrics.selectionRate.value, g.small])).toEqual([
      ['A', 0.5, false],
      ['B', 0.4, false],
      ['T', 0, true],
    ]);
    // over A and B only: 1/2 − 2/5 and (2/5)/(1/2); with T they would be 1/2 and 0
    const named = a.disparities.named;
    expect(named.demographicParityDifference.betweenGroups.value).toBeCloseTo(0.1, 15);
    expect(named.demographicParityRatio.betweenGroups.value).toBeCloseTo(0.8, 15);
    expect(named.disparateImpact.fourFifthsRule.pass).toBe(true);
    expect(sr.groupMin).toEqual({ value: 0.4, level: 'B' });
    expect(sr.groupMax).toEqual({ value: 0.5, level: 'A' });
    // to overall (overall SR = 54/121): also over A and B only (with T it would be 54/121)
    expect(named.demographicParityDifference.toOverall.value).toBeCloseTo(0.5 - 54 / 121, 15);
    expect(sr.excluded).toEqual([{ level: 'T', reason: 'small-group' }]);
    // T has no non-converters: its FPR is left out for that reason, not for its size
    expect(a.disparities.perMetric.falsePositiveRate.excluded).toEqual([{ level: 'T', reason: 'no-negatives' }]);
    // equal opportunity: TPR A 1/2 (15 of 30), B 2/5 (12 of 30); T's TPR 0 left out
    expect(named.equalOpportunityDifference.betweenGroups.value).toBeCloseTo(0.1, 15);
    // comparisons to the reference (A, the largest) keep every group
    expect(sr.toReference.map((r) => r.level)).toEqual(['A', 'B', 'T']);
    expect(sr.toReference[2].difference.value).toBe(-0.5);
    expect(named.averageOddsDifference.map((x) => x.level)).toEqual(['B', 'T']);
  });

  it('one note per attribute states the rule and names the small groups', () => {
    const a = computeMetricFrame(withTinyGroup()).attributes[0];
    const small = a.notes.filter((n) => n.kind === 'small-group');
    expect(small).toHaveLength(1);
    expect(small[0].groups).toEqual(['T']);
    expect(small[0].reason).toBe('small-group');
    expect(small[0].message).toMatch(/^Groups with fewer than 30 leads are left out of the headline disparities \(their rates are noisy\): "T" \(1 lead\)\./);
    // the rule follows minGroupSize
    const none = computeMetricFrame(withTinyGroup(), { minGroupSize: 1 }).attributes[0];
    expect(none.notes.filter((n) => n.kind === 'small-group')).toEqual([]);
    expect(none.disparities.named.demographicParityDifference.betweenGroups.value).toBe(0.5);
    expect(none.disparities.named.disparateImpact.betweenGroups.value).toBe(0);
  });

  it('fairlearn-compatible mode compares every group, as fairlearn does, and says so', () => {
    const a = computeMetricFrame(withTinyGroup(), { fairlearnCompatible: true }).attributes[0];
    expect(a.disparities.named.demographicParityDifference.betweenGroups.value).toBe(0.5);
    expect(a.disparities.named.demographicParityRatio.betweenGroups.value).toBe(0);
    expect(a.disparities.perMetric.selectionRate.excluded).toEqual([]);
    const small = a.notes.filter((n) => n.kind === 'small-group');
    expect(small.map((n) => n.groups)).toEqual([['T']]);
    expect(small[0].message).toMatch(/take part in the disparities, as in fairlearn/);
  });

  it('fewer than two large groups: between-group values null, per-group rates still shown', () => {
    const data = withTinyGroup();
    const one = computeMetricFrame(data, { minGroupSize: 61 }).attributes[0];
    expect(one.groups.map((g) => g.metrics.selectionRate.value)).toEqual([0.5, 0.4, 0]);
    const named = one.disparities.named;
    expect(named.demographicParityDifference.betweenGroups).toEqual({ value: null, reason: 'fewer-than-two-groups' });
    expect(named.disparateImpact.fourFifthsRule.pass).toBeNull();
    expect(named.demographicParityDifference.toOverall).toEqual({ value: null, reason: 'no-large-groups' });
    expect(one.disparities.perMetric.selectionRate.groupMin).toBeNull();
    expect(one.notes.find((n) => n.kind === 'small-group')?.groups).toEqual(['A', 'B', 'T']);
  });

  it('computeDisparities decides by groupSizes when given (the bootstrap keeps the point sample’s groups)', () => {
    const f = computeMetricFrame(withTinyGroup(), { minGroupSize: 1 });
    const a = f.attributes[0];
    const base = { levels: a.groups.map((g) => g.level), groups: a.groups.map((g) => g.metrics), overall: f.overall.metrics, reference: 0, minGroupSize: 30 };
    expect(computeDisparities(base).named.demographicParityDifference.betweenGroups.value).toBeCloseTo(0.1, 15);
    expect(computeDisparities({ ...base, groupSizes: [60, 60, 30] }).named.demographicParityDifference.betweenGroups.value).toBe(0.5);
  });

  it('bootstrap intervals follow the same rule', () => {
    const boot = { bootstrap: { resamples: 200, seed: 9 } };
    const dp = (minGroupSize: number) =>
      computeMetricFrame(withTinyGroup(), { ...boot, minGroupSize }).attributes[0].disparities.named.demographicParityDifference.betweenGroups;
    const without = dp(30);
    const withT = dp(1);
    // without T the resampled gap is about 0.1 ± 0.18; with T it is ~0.5 whenever T is drawn
    expect(without.interval!.upper!).toBeLessThan(0.4);
    expect(withT.interval!.upper!).toBeGreaterThan(0.45);
    expect(without.interval!.defined).toBe(200);
  });

  it('the audit index gives the same frame', () => {
    const data = withTinyGroup();
    for (const options of [{}, { fairlearnCompatible: true }, { minGroupSize: 61 }]) {
      for (const threshold of [0.05, 0.5, 0.95]) {
        const rule = { rule: 'threshold' as const, threshold };
        expect(createAuditIndex(data, options).frameAt(rule)).toEqual(computeMetricFrame(data, { ...options, decision: rule }));
      }
    }
  });
});
