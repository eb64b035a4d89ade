/**
 * Disparities between the groups of one attribute, computed from the groups' metrics only.
 *
 * Per scalar metric m (fairlearn `MetricFrame` semantics, over the groups where m is defined
 * and that have at least `minGroupSize` rows — see "Small groups" below):
 * - between groups: difference = max_g m_g − min_g m_g; ratio = min_g m_g / max_g m_g
 *   (max = 0 → null 'zero-max'; fairlearn gives NaN);
 * - to overall: difference = max_g |m_g − m_overall|; ratio = min_g min(m_g/m_o, m_o/m_g)
 *   (fairlearn's `ratio(method="to_overall")` with `ratio_sub_one`; a group with m_g = m_o = 0 is
 *   skipped as 0/0, a group with m_g > 0 = m_o counts as 0, as fairlearn's 1/∞);
 * - to reference (AIF360-style, signed): difference = m_g − m_ref; ratio = m_g / m_ref, for
 *   every group whatever its size.
 *
 * Small groups: a group with fewer than `minGroupSize` rows (default 30) is left out of the
 * between-group and to-overall aggregates and of groupMin/groupMax — so of every named
 * aggregate and the four-fifths rule — and listed in the metric's `excluded` with reason
 * 'small-group'; one note per attribute names them. A one-lead group has a selection rate of
 * 0 or 1, and as a min or max it would set the headline gap by itself. The to-overall
 * aggregates follow the same rule, because they too are a max/min over groups that a single
 * noisy group decides. Kept for every group: the per-group rates, the signed comparisons to the
 * reference group (`toReference`, average odds differences — each is shown next to its own
 * group, flagged small), and the between-group entropy indices (a decomposition of the whole
 * population's inequality in which each group weighs by its size, so a tiny group cannot
 * dominate it). With fewer than two large groups the between-group values are null
 * 'fewer-than-two-groups'; with none, the to-overall values are null 'no-large-groups'. In
 * `fairlearnCompatible` mode every group takes part, as in fairlearn.
 *
 * Undefined values (null) are left out and listed in `excluded` and in `notes` (which group,
 * which metric, why). fairlearn instead compares the silent zeros it substitutes; in
 * `fairlearnCompatible` mode those zeros take part exactly as in fairlearn, and a note says
 * which values were substituted. With fewer than two defined groups the between-group values
 * are null 'fewer-than-two-groups' (fairlearn/pandas: difference 0, ratio 1 — which we give in
 * compatible mode).
 *
 * Named disparities (each `{ betweenGroups, toOverall }`, as fairlearn's `method`):
 * - demographicParityDifference / Ratio: selection rate difference / ratio
 *   (fairlearn `demographic_parity_difference/ratio`);
 * - disparateImpact: = demographic parity ratio (AIF360's name; AIF360 divides unprivileged by
 *   privileged — that signed version is `perMetric.selectionRate.toReference[g].ratio`), with the
 *   four-fifths rule check on the between-group ratio;
 * - equalOpportunityDifference / Ratio: TPR difference / ratio (fairlearn ≥ 0.11);
 * - equalizedOddsDifference / Ratio: `worstCase` = max(ΔTPR, ΔFPR) / min(rTPR, rFPR), `mean` =
 *   (ΔTPR + ΔFPR)/2 / (rTPR + rFPR)/2 — fairlearn's `agg="worst_case"|"mean"`; null when either
 *   component is null;
 * - averageOddsDifference (AIF360 `average_odds_difference`, signed): per non-reference group g,
 *   ½[(FPR_g − FPR_ref) + (TPR_g − TPR_ref)] (unprivileged minus privileged = group minus
 *   reference); averageAbsOddsDifference: ½[|FPR_g − FPR_ref| + |TPR_g − TPR_ref|];
 * - predictiveParityDifference / Ratio: precision (PPV) max − min / min/max;
 * - aucGap: ROC AUC max − min; calibrationGap: expected calibration error max − min;
 * - betweenGroupTheilIndex / betweenGroupGeneralizedEntropyIndex: AIF360's between-all-groups
 *   indices (see inequality.ts).
 */
import {
  SCALAR_KEYS,
  type GroupMetrics,
  type Rate,
  type RateReason,
  type RowCounts,
  type ScalarKey,
} from './confusion';
import {
  betweenGroupGeneralizedEntropyIndex,
  betweenGroupTheilIndex,
  type InequalityValue,
} from './inequality';
import { labelOf, reasonText } from '../definitions';

export type DisparityReason =
  | 'no-defined-groups'
  | 'fewer-than-two-groups'
  | 'zero-max'
  | 'overall-undefined'
  | 'overall-zero'
  | 'no-reference'
  | 'reference-undefined'
  | 'reference-zero'
  | 'group-undefined'
  | 'no-large-groups';

/** Why a group is left out of a metric's between-group and to-overall aggregates. */
export type ExclusionReason = RateReason | 'small-group';

/** Groups with fewer rows are left out of the headline aggregates unless the caller says otherwise. */
export const DEFAULT_MIN_GROUP_SIZE = 30;

/** A percentile bootstrap interval; null bounds when no resample had the value defined. */
export interface Interval {
  lower: number | null;
  upper: number | null;
  /** coverage, e.g. 0.95 */
  level: number;
  /** resamples in which the value was defined (the interval is over those) */
  defined: number;
  resamples: number;
}

export interface Disparity {
  value: number | null;
  reason?: DisparityReason | RateReason;
  interval?: Interval;
}

export interface GroupExtreme {
  value: number;
  /** the first group (in level order) attaining it */
  level: string;
}

export interface ReferenceComparison {
  level: string;
  /** m_g − m_ref (signed) */
  difference: Disparity;
  /** m_g / m_ref */
  ratio: Disparity;
}

export interface MetricDisparity {
  metric: ScalarKey;
  overall: Rate;
  groupMin: GroupExtreme | null;
  groupMax: GroupExtreme | null;
  differenceBetweenGroups: Disparity;
  ratioBetweenGroups: Disparity;
  differenceToOverall: Disparity;
  ratioToOverall: Disparity;
  /** one entry per group, reference included (difference 0, ratio 1) */
  toReference: ReferenceComparison[];
  /**
   * groups left out of the between-group and to-overall aggregates (and of groupMin/groupMax):
   * the metric is undefined for them (its reason), or they have fewer rows than the minimum
   * group size ('small-group')
   */
  excluded: { level: string; reason: ExclusionReason }[];
}

export interface Aggregate {
  betweenGroups: Disparity;
  toOverall: Disparity;
}

export interface FourFifthsRule {
  /** disparate impact (between groups) ≥ threshold; null when the ratio is undefined */
  pass: boolean | null;
  threshold: number;
  caveat: string;
}

export interface GroupVsReference {
  level: string;
  value: Disparity;
}

export interface NamedDisparities {
  demographicParityDifference: Aggregate;
  demographicParityRatio: Aggregate;
  disparateImpact: Aggregate & { fourFifthsRule: FourFifthsRule };
  equalOpportunityDifference: Aggregate;
  equalOpportunityRatio: Aggregate;
  equalizedOddsDifference: { worstCase: Aggregate; mean: Aggregate };
  equalizedOddsRatio: { worstCase: Aggregate; mean: Aggregate };
  /** AIF360, signed, per non-reference group */
  averageOddsDifference: GroupVsReference[];
  averageAbsOddsDifference: GroupVsReference[];
  predictiveParityDifference: Aggregate;
  predictiveParityRatio: Aggregate;
  aucGap: Aggregate;
  calibrationGap: Aggregate;
  betweenGroupTheilIndex: InequalityValue & { interval?: Interval };
  betweenGroupGeneralizedEntropyIndex: { alpha: number; value: InequalityValue & { interval?: Interval } }[];
}

export type NoteKind = 'excluded' | 'zero-substituted' | 'empty-group' | 'small-group' | 'reference';

/** A visible note: which group (or groups), which metric, why. */
export interface Note {
  kind: NoteKind;
  group?: string;
  /** the groups a note names when it is about several (the one small-group note per attribute) */
  groups?: string[];
  metric?: string;
  reason?: string;
  message: string;
}

export interface Disparities {
  perMetric: Record<ScalarKey, MetricDisparity>;
  named: NamedDisparities;
  notes: Note[];
}

export interface DisparityInput {
  levels: string[];
  groups: GroupMetrics[];
  overall: GroupMetrics;
  /** index into `levels`, null when there is no usable reference */
  reference: number | null;
  fairlearnCompatible?: boolean;
  /** unweighted row counts per group, for the between-group entropy indices */
  groupRows?: RowCounts[];
  /** α values for the between-group generalized entropy index (default [2]) */
  entropyAlphas?: number[];
  /**
   * groups with fewer rows are left out of the between-group and to-overall aggregates
   * (default 30); ignored when `fairlearnCompatible` (fairlearn compares every group)
   */
  minGroupSize?: number;
  /**
   * the row count of each group that decides whether it is large enough (default: each group's
   * `count`); the bootstrap passes the original sample's counts so that every resample compares
   * the same groups as the point estimate
   */
  groupSizes?: number[];
  /** skip building notes (the bootstrap does not need them) */
  withNotes?: boolean;
}

export const FOUR_FIFTHS_THRESHOLD = 0.8;

export const FOUR_FIFTHS_CAVEAT =
  'The four-fifths (80%) rule is a US employment-screening rule of thumb from the 1978 Uniform ' +
  'Guidelines, not a legal or statistical test: passing it does not show a model is fair and failing ' +
  'it does not prove discrimination. It ignores sample size and uncertainty and is often misapplied ' +
  'outside hiring (see the fairlearn documentation on disparate impact).';

/** Labels of the compared metrics, from the one metric table (definitions.ts). */
export const METRIC_LABELS = Object.fromEntries(SCALAR_KEYS.map((k) => [k, labelOf(k)])) as Record<ScalarKey, string>;

function scalar(m: GroupMetrics, key: ScalarKey): Rate {
  if (key === 'count') return { value: m.count };
  if (key === 'weightSum') return { value: m.weightSum };
  return m[key];
}

const nul = (reason: DisparityReason | RateReason): Disparity => ({ value: null, reason });

/** Which groups take part in the aggregates of one attribute, and why the others do not. */
interface Membership {
  /** per group: counted in the between-group and to-overall aggregates (size-wise) */
  large: boolean[];
  minGroupSize: number;
}

function membershipOf(input: DisparityInput): Membership {
  const minGroupSize = input.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const fl = input.fairlearnCompatible === true;
  const large = input.groups.map((m, g) => fl || (input.groupSizes?.[g] ?? m.count) >= minGroupSize);
  return { large, minGroupSize };
}

/** The extremes among the compared groups (first in level order on ties), and how many there are. */
interface Extremes {
  min: GroupExtreme | null;
  max: GroupExtreme | null;
  /** groups whose value is defined (any size) */
  nDefined: number;
  /** groups whose value is defined and that are large enough */
  nCompared: number;
  /** max_g |m_g − m_o| over the compared groups (−∞ when none or the overall is undefined) */
  diffToOverall: number;
  /** min_g min(m_g/m_o, m_o/m_g) over the compared groups (+∞ when none counts) */
  ratioToOverall: number;
  excluded: MetricDisparity['excluded'];
}

function scanGroups(input: DisparityInput, key: ScalarKey, member: Membership, mo: number | null): Extremes {
  const { levels, groups } = input;
  const out: Extremes = { min: null, max: null, nDefined: 0, nCompared: 0, diffToOverall: -Infinity, ratioToOverall: Infinity, excluded: [] };
  for (let g = 0; g < groups.length; g++) {
    const r = scalar(groups[g], key);
    if (r.value === null) {
      out.excluded.push({ level: levels[g], reason: r.reason ?? 'empty-group' });
      continue;
    }
    out.nDefined++;
    if (!member.large[g]) {
      out.excluded.push({ level: levels[g], reason: 'small-group' });
      continue;
    }
    const v = r.value;
    out.nCompared++;
    if (out.min === null || v < out.min.value) out.min = { value: v, level: levels[g] };
    if (out.max === null || v > out.max.value) out.max = { value: v, level: levels[g] };
    if (mo !== null) {
      out.diffToOverall = Math.max(out.diffToOverall, Math.abs(v - mo));
      // fairlearn's ratio_sub_one: 0/0 is skipped, a 0 on one side counts as 0
      const rg = mo === 0 ? (v === 0 ? NaN : 0) : v === 0 ? 0 : Math.min(v / mo, mo / v);
      if (!Number.isNaN(rg) && rg < out.ratioToOverall) out.ratioToOverall = rg;
    }
  }
  return out;
}

function betweenGroups(x: Extremes, fl: boolean): { difference: Disparity; ratio: Disparity } {
  if (x.nDefined === 0) return { difference: nul('no-defined-groups'), ratio: nul('no-defined-groups') };
  if (x.min === null || x.max === null || (x.nCompared === 1 && !fl)) {
    return { difference: nul('fewer-than-two-groups'), ratio: nul('fewer-than-two-groups') };
  }
  return {
    difference: { value: x.max.value - x.min.value },
    ratio: x.max.value === 0 ? nul('zero-max') : { value: x.min.value / x.max.value },
  };
}

function toOverall(x: Extremes, mo: number | null): { difference: Disparity; ratio: Disparity } {
  if (mo === null) return { difference: nul('overall-undefined'), ratio: nul('overall-undefined') };
  if (x.nDefined === 0) return { difference: nul('no-defined-groups'), ratio: nul('no-defined-groups') };
  if (x.nCompared === 0) return { difference: nul('no-large-groups'), ratio: nul('no-large-groups') };
  return {
    difference: { value: x.diffToOverall },
    ratio: x.ratioToOverall === Infinity ? nul('overall-zero') : { value: x.ratioToOverall },
  };
}

/** Signed comparison of every group (whatever its size) with the reference group. */
function toReferenceOf(input: DisparityInput, key: ScalarKey): ReferenceComparison[] {
  const { levels, groups, reference } = input;
  const ref = reference === null ? null : scalar(groups[reference], key);
  return groups.map((m, g) => {
    const v = scalar(m, key).value;
    let difference: Disparity;
    let ratio: Disparity;
    if (ref === null) {
      difference = nul('no-reference');
      ratio = nul('no-reference');
    } else if (ref.value === null) {
      difference = nul('reference-undefined');
      ratio = nul('reference-undefined');
    } else if (v === null) {
      difference = nul('group-undefined');
      ratio = nul('group-undefined');
    } else {
      difference = { value: v - ref.value };
      ratio = ref.value === 0 ? nul('reference-zero') : { value: v / ref.value };
    }
    return { level: levels[g], difference, ratio };
  });
}

function metricDisparity(input: DisparityInput, key: ScalarKey, member: Membership): MetricDisparity {
  const overall = scalar(input.overall, key);
  const x = scanGroups(input, key, member, overall.value);
  const between = betweenGroups(x, input.fairlearnCompatible === true);
  const toO = toOverall(x, overall.value);
  return {
    metric: key,
    overall,
    groupMin: x.min,
    groupMax: x.max,
    differenceBetweenGroups: between.difference,
    ratioBetweenGroups: between.ratio,
    differenceToOverall: toO.difference,
    ratioToOverall: toO.ratio,
    toReference: toReferenceOf(input, key),
    excluded: x.excluded,
  };
}

function agg(d: MetricDisparity, kind: 'difference' | 'ratio'): Aggregate {
  return kind === 'difference'
    ? { betweenGroups: { ...d.differenceBetweenGroups }, toOverall: { ...d.differenceToOverall } }
    : { betweenGroups: { ...d.ratioBetweenGroups }, toOverall: { ...d.ratioToOverall } };
}

/** Combine two disparities; null (with the first null's reason) when either is null. */
function combine(a: Disparity, b: Disparity, f: (x: number, y: number) => number): Disparity {
  if (a.value === null) return { value: null, reason: a.reason };
  if (b.value === null) return { value: null, reason: b.reason };
  return { value: f(a.value, b.value) };
}

function combineAgg(a: Aggregate, b: Aggregate, f: (x: number, y: number) => number): Aggregate {
  return { betweenGroups: combine(a.betweenGroups, b.betweenGroups, f), toOverall: combine(a.toOverall, b.toOverall, f) };
}

function averageOdds(input: DisparityInput, abs: boolean): GroupVsReference[] {
  const out: GroupVsReference[] = [];
  const { groups, levels, reference } = input;
  if (reference === null) return out;
  const ref = groups[reference];
  for (let g = 0; g < groups.length; g++) {
    if (g === reference) continue;
    const m = groups[g];
    let value: Disparity;
    const rt = ref.truePositiveRate.value;
    const rf = ref.falsePositiveRate.value;
    const gt = m.truePositiveRate.value;
    const gf = m.falsePositiveRate.value;
    if (rt === null) value = nul(ref.truePositiveRate.reason ?? 'reference-undefined');
    else if (rf === null) value = nul(ref.falsePositiveRate.reason ?? 'reference-undefined');
    else if (gt === null) value = nul(m.truePositiveRate.reason ?? 'group-undefined');
    else if (gf === null) value = nul(m.falsePositiveRate.reason ?? 'group-undefined');
    else {
      const dF = gf - rf;
      const dT = gt - rt;
      value = { value: abs ? (Math.abs(dF) + Math.abs(dT)) / 2 : (dF + dT) / 2 };
    }
    out.push({ level: levels[g], value });
  }
  return out;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One note per attribute for the groups with rows but fewer than the minimum size: in the
 * default mode they are left out of the aggregates; in fairlearn-compatible mode they take
 * part, as in fairlearn, and the note says their rates are noisy.
 */
function smallGroupNote(input: DisparityInput, member: Membership): Note | null {
  const named: string[] = [];
  const parts: string[] = [];
  input.groups.forEach((m, g) => {
    const size = input.groupSizes?.[g] ?? m.count;
    if (size > 0 && size < member.minGroupSize) {
      named.push(input.levels[g]);
      parts.push(`"${input.levels[g]}" (${plural(size, 'lead', 'leads')})`);
    }
  });
  if (named.length === 0) return null;
  const min = member.minGroupSize;
  const message =
    input.fairlearnCompatible === true
      ? `Groups with fewer than ${min} leads take part in the disparities, as in fairlearn, though their rates are noisy: ${parts.join(', ')}.`
      : `Groups with fewer than ${min} leads are left out of the headline disparities (their rates are noisy): ${parts.join(', ')}. ` +
        'Their own rates, their comparisons to the reference group and the between-group entropy indices still include them.';
  return { kind: 'small-group', groups: named, reason: 'small-group', message };
}

function buildNotes(input: DisparityInput, member: Membership): Note[] {
  const notes: Note[] = [];
  const fl = input.fairlearnCompatible === true;
  for (let g = 0; g < input.groups.length; g++) {
    const m = input.groups[g];
    const level = input.levels[g];
    if (!(m.weightSum > 0)) {
      notes.push({
        kind: 'empty-group',
        group: level,
        reason: 'empty-group',
        message: `Group "${level}" is left out of every comparison: ${reasonText('empty-group')}.`,
      });
      continue;
    }
    for (const key of SCALAR_KEYS) {
      const r = scalar(m, key);
      if (!r.reason) continue;
      const label = METRIC_LABELS[key];
      if (r.value === null) {
        notes.push({
          kind: 'excluded',
          group: level,
          metric: key,
          reason: r.reason,
          message: `Group "${level}" is left out of the ${label} comparison: ${reasonText(r.reason)}.`,
        });
      } else if (fl) {
        notes.push({
          kind: 'zero-substituted',
          group: level,
          metric: key,
          reason: r.reason,
          message:
            `Group "${level}": ${label} is shown as ${r.value} as fairlearn does, but it is undefined ` +
            `(${reasonText(r.reason)}); this value takes part in differences and ratios.`,
        });
      }
    }
  }
  const small = smallGroupNote(input, member);
  if (small) notes.push(small);
  return notes;
}

/** All disparities of one attribute. */
export function computeDisparities(input: DisparityInput): Disparities {
  const member = membershipOf(input);
  const perMetric = {} as Record<ScalarKey, MetricDisparity>;
  for (const key of SCALAR_KEYS) perMetric[key] = metricDisparity(input, key, member);
  const sr = perMetric.selectionRate;
  const tpr = perMetric.truePositiveRate;
  const fpr = perMetric.falsePositiveRate;
  const dpRatio = agg(sr, 'ratio');
  const di = dpRatio.betweenGroups.value;
  const eoDiffT = agg(tpr, 'difference');
  const eoDiffF = agg(fpr, 'difference');
  const eoRatioT = agg(tpr, 'ratio');
  const eoRatioF = agg(fpr, 'ratio');
  const rows = input.groupRows;
  const alphas = input.entropyAlphas ?? [2];
  const named: NamedDisparities = {
    demographicParityDifference: agg(sr, 'difference'),
    demographicParityRatio: dpRatio,
    disparateImpact: {
      ...agg(sr, 'ratio'),
      fourFifthsRule: {
        pass: di === null ? null : di >= FOUR_FIFTHS_THRESHOLD,
        threshold: FOUR_FIFTHS_THRESHOLD,
        caveat: FOUR_FIFTHS_CAVEAT,
      },
    },
    equalOpportunityDifference: agg(tpr, 'difference'),
    equalOpportunityRatio: agg(tpr, 'ratio'),
    equalizedOddsDifference: {
      worstCase: combineAgg(eoDiffT, eoDiffF, Math.max),
      mean: combineAgg(eoDiffT, eoDiffF, (a, b) => (a + b) / 2),
    },
    equalizedOddsRatio: {
      worstCase: combineAgg(eoRatioT, eoRatioF, Math.min),
      mean: combineAgg(eoRatioT, eoRatioF, (a, b) => (a + b) / 2),
    },
    averageOddsDifference: averageOdds(input, false),
    averageAbsOddsDifference: averageOdds(input, true),
    predictiveParityDifference: agg(perMetric.precision, 'difference'),
    predictiveParityRatio: agg(perMetric.precision, 'ratio'),
    aucGap: agg(perMetric.rocAuc, 'difference'),
    calibrationGap: agg(perMetric.expectedCalibrationError, 'difference'),
    betweenGroupTheilIndex: rows ? betweenGroupTheilIndex(rows) : { value: null, reason: 'empty' },
    betweenGroupGeneralizedEntropyIndex: alphas.map((alpha) => ({
      alpha,
      value: rows ? betweenGroupGeneralizedEntropyIndex(rows, alpha) : { value: null, reason: 'empty' },
    })),
  };
  return { perMetric, named, notes: input.withNotes === false ? [] : buildNotes(input, member) };
}
