/**
 * Disparities between the groups of one attribute, computed from the groups' metrics only.
 *
 * Per scalar metric m (fairlearn `MetricFrame` semantics, over the groups where m is defined):
 * - between groups: difference = max_g m_g − min_g m_g; ratio = min_g m_g / max_g m_g
 *   (max = 0 → null 'zero-max'; fairlearn gives NaN);
 * - to overall: difference = max_g |m_g − m_overall|; ratio = min_g min(m_g/m_o, m_o/m_g)
 *   (fairlearn's `ratio(method="to_overall")` with `ratio_sub_one`; a group with m_g = m_o = 0 is
 *   skipped as 0/0, a group with m_g > 0 = m_o counts as 0, as fairlearn's 1/∞);
 * - to reference (AIF360-style, signed): difference = m_g − m_ref; ratio = m_g / m_ref.
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
  | 'group-undefined';

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
  /** groups left out because the metric is undefined for them */
  excluded: { level: string; reason: RateReason }[];
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

/** A visible note: which group, which metric, why. */
export interface Note {
  kind: NoteKind;
  group?: string;
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

function metricDisparity(input: DisparityInput, key: ScalarKey): MetricDisparity {
  const { levels, groups, reference } = input;
  const fl = input.fairlearnCompatible === true;
  const overall = scalar(input.overall, key);
  const excluded: { level: string; reason: RateReason }[] = [];
  let min = Infinity;
  let max = -Infinity;
  let minLevel = '';
  let maxLevel = '';
  let nDefined = 0;
  let diffToOverall = -Infinity;
  let ratioToOverall = Infinity;
  const mo = overall.value;
  for (let g = 0; g < groups.length; g++) {
    const r = scalar(groups[g], key);
    if (r.value === null) {
      excluded.push({ level: levels[g], reason: r.reason ?? 'empty-group' });
      continue;
    }
    const v = r.value;
    nDefined++;
    if (v < min) {
      min = v;
      minLevel = levels[g];
    }
    if (v > max) {
      max = v;
      maxLevel = levels[g];
    }
    if (mo !== null) {
      const d = Math.abs(v - mo);
      if (d > diffToOverall) diffToOverall = d;
      let rg: number;
      if (mo === 0) rg = v === 0 ? NaN : 0;
      else if (v === 0) rg = 0;
      else rg = Math.min(v / mo, mo / v);
      if (!Number.isNaN(rg) && rg < ratioToOverall) ratioToOverall = rg;
    }
  }
  let differenceBetweenGroups: Disparity;
  let ratioBetweenGroups: Disparity;
  if (nDefined === 0) {
    differenceBetweenGroups = nul('no-defined-groups');
    ratioBetweenGroups = nul('no-defined-groups');
  } else if (nDefined === 1 && !fl) {
    differenceBetweenGroups = nul('fewer-than-two-groups');
    ratioBetweenGroups = nul('fewer-than-two-groups');
  } else {
    differenceBetweenGroups = { value: max - min };
    ratioBetweenGroups = max === 0 ? nul('zero-max') : { value: min / max };
  }
  let differenceToOverall: Disparity;
  let ratioToOverallD: Disparity;
  if (mo === null) {
    differenceToOverall = nul('overall-undefined');
    ratioToOverallD = nul('overall-undefined');
  } else if (nDefined === 0) {
    differenceToOverall = nul('no-defined-groups');
    ratioToOverallD = nul('no-defined-groups');
  } else {
    differenceToOverall = { value: diffToOverall };
    ratioToOverallD = ratioToOverall === Infinity ? nul('overall-zero') : { value: ratioToOverall };
  }
  const toReference: ReferenceComparison[] = [];
  const ref = reference === null ? null : scalar(groups[reference], key);
  for (let g = 0; g < groups.length; g++) {
    const v = scalar(groups[g], key).value;
    let difference: Disparity;
    let ratio: Disparity;
    if (ref === null) {
      difference = ratio = nul('no-reference');
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
    toReference.push({ level: levels[g], difference, ratio });
  }
  return {
    metric: key,
    overall,
    groupMin: nDefined > 0 ? { value: min, level: minLevel } : null,
    groupMax: nDefined > 0 ? { value: max, level: maxLevel } : null,
    differenceBetweenGroups,
    ratioBetweenGroups,
    differenceToOverall,
    ratioToOverall: ratioToOverallD,
    toReference,
    excluded,
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

function buildNotes(input: DisparityInput): Note[] {
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
  return notes;
}

/** All disparities of one attribute. */
export function computeDisparities(input: DisparityInput): Disparities {
  const perMetric = {} as Record<ScalarKey, MetricDisparity>;
  for (const key of SCALAR_KEYS) perMetric[key] = metricDisparity(input, key);
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
  return { perMetric, named, notes: input.withNotes === false ? [] : buildNotes(input) };
}
