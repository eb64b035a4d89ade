/**
 * Weighted confusion counts and every per-group metric derived from them.
 *
 * Conventions (all modes):
 * - positive = label 1, selected = decision 1; every count except `n` is weighted by the
 *   sample weight (weight 1 when no weights are given), exactly like fairlearn's
 *   `sample_weight` and AIF360's `instance_weights`;
 * - a rate whose denominator is 0 is **undefined**: `{ value: null, reason }`. fairlearn
 *   (through sklearn's `confusion_matrix(normalize="true")` + `nan_to_num`, and
 *   `precision_score(zero_division=0)`) silently reports 0 instead; AIF360's classic API
 *   gives NaN for TPR/FPR/TNR/FNR and 0 for PPV/NPV/FDR/FOR/ACC. A 0 that means "undefined"
 *   is indistinguishable from a real 0 and drags differences and ratios, so by default we
 *   say so. `fairlearnCompatible: true` reproduces fairlearn's zeros for people who must
 *   match a notebook.
 * - "no positives" means the group's positive **weight** is 0 (it may still hold positive
 *   rows of weight 0); "empty-group" means no rows or a weight sum of 0.
 */

export type RateReason =
  | 'no-positives'
  | 'no-negatives'
  | 'no-predicted-positives'
  | 'no-predicted-negatives'
  | 'empty-group'
  | 'one-class';

/**
 * A metric value that may be undefined; `reason` says why when `value` is null. In
 * fairlearn-compatible mode an undefined rate is reported as fairlearn does (0, or sklearn's
 * value for balanced accuracy) and keeps its `reason`: a non-null value with a reason is a
 * substituted value, not a measured one.
 */
export interface Rate {
  value: number | null;
  reason?: RateReason;
}

/** Weighted confusion counts of one group (or of everyone). */
export interface ConfusionCounts {
  /** weighted true positives: label 1, selected */
  tp: number;
  /** weighted false positives: label 0, selected */
  fp: number;
  /** weighted true negatives: label 0, not selected */
  tn: number;
  /** weighted false negatives: label 1, not selected */
  fn: number;
  /** row count (unweighted) */
  n: number;
  /** weight sum */
  w: number;
  /** weighted positives = tp + fn */
  pos: number;
  /** weighted negatives = fp + tn */
  neg: number;
}

/** Unweighted confusion counts (rows), used by AIF360's row-level entropy indices. */
export interface RowCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Number of reliability bins: equal width on [0, 1], bin = min(9, floor(10·score)). */
export const CALIBRATION_BINS = 10;

/** Sums over a group's scores, accumulated in the same pass as its confusion counts. */
export interface ScoreSummary {
  /** Σ w·s */
  sumScore: number;
  /** Σ w·(s − y)² */
  sumSquaredError: number;
  /**
   * Unnormalised weighted ROC area: Σ over distinct thresholds (descending) of
   * (FP_k − FP_{k−1})·(TP_k + TP_{k−1})/2; AUC = area / (pos · neg).
   */
  aucArea: number;
  /** CALIBRATION_BINS × [rows, Σw, Σw·s, Σw·y] */
  bins: Float64Array;
}

export interface CalibrationBin {
  /** inclusive lower edge */
  lower: number;
  /** upper edge (exclusive, except the last bin which includes 1) */
  upper: number;
  count: number;
  weightSum: number;
  /** weighted mean score in the bin; null when the bin has no weight */
  meanScore: number | null;
  /** weighted share of positives in the bin; null when the bin has no weight */
  observedRate: number | null;
}

export interface MetricOptions {
  /** reproduce fairlearn's silent zeros (see module comment); default false */
  fairlearnCompatible?: boolean;
}

/**
 * Every metric of one group. Keys follow fairlearn's names in camelCase.
 * `count` and `weightSum` are always defined; everything else is a `Rate`.
 */
export interface GroupMetrics {
  /** rows in the group (unweighted), as fairlearn's `count` */
  count: number;
  /** Σ w over the group (fairlearn's weighted size) */
  weightSum: number;
  /** pos / w — share of actual positives (AIF360 `base_rate`); undefined only for an empty group */
  baseRate: Rate;
  /** (tp + fp) / w — fairlearn `selection_rate`; undefined only for an empty group */
  selectionRate: Rate;
  /** tp / pos (recall). No positives → null 'no-positives' (fairlearn: 0) */
  truePositiveRate: Rate;
  /** fp / neg. No negatives → null 'no-negatives' (fairlearn: 0) */
  falsePositiveRate: Rate;
  /** fn / pos = 1 − TPR. No positives → null 'no-positives' (fairlearn: 0, so TPR + FNR = 0 there) */
  falseNegativeRate: Rate;
  /** tn / neg = 1 − FPR. No negatives → null 'no-negatives' (fairlearn: 0) */
  trueNegativeRate: Rate;
  /** PPV = tp / (tp + fp). Nothing selected → null 'no-predicted-positives' (sklearn zero_division=0: 0) */
  precision: Rate;
  /** NPV = tn / (tn + fn). Nothing rejected → null 'no-predicted-negatives' (compatible mode: 0, as AIF360) */
  negativePredictiveValue: Rate;
  /** FDR = fp / (tp + fp) = 1 − PPV. Nothing selected → null (compatible mode: 0, as AIF360) */
  falseDiscoveryRate: Rate;
  /** FOR = fn / (tn + fn) = 1 − NPV. Nothing rejected → null (compatible mode: 0, as AIF360) */
  falseOmissionRate: Rate;
  /** (tp + tn) / w */
  accuracy: Rate;
  /**
   * (TPR + TNR) / 2. One class present → null 'one-class'. Compatible mode follows sklearn's
   * `balanced_accuracy_score`: the mean of the recalls that exist (so the defined one alone).
   */
  balancedAccuracy: Rate;
  /**
   * Weighted ROC AUC as sklearn `roc_auc_score(sample_weight=w)`: trapezoid over the distinct
   * score thresholds, tied scores form one step (counted ½). One class → null 'one-class' in both
   * modes (sklearn raises, fairlearn reports NaN).
   */
  rocAuc: Rate;
  /** Σ w (s − y)² / w (sklearn `brier_score_loss`) */
  brierScore: Rate;
  /** Σ w s / w */
  meanScore: Rate;
  /**
   * Expected calibration error over the 10 equal-width bins:
   * Σ_bins (w_bin / w) · |observed rate_bin − mean score_bin| (bins without weight skipped).
   */
  expectedCalibrationError: Rate;
  /** the reliability diagram behind `expectedCalibrationError` */
  calibration: CalibrationBin[];
}

/** The `Rate`-valued metric keys, in display order. */
export const RATE_KEYS = [
  'baseRate',
  'selectionRate',
  'truePositiveRate',
  'falsePositiveRate',
  'falseNegativeRate',
  'trueNegativeRate',
  'precision',
  'negativePredictiveValue',
  'falseDiscoveryRate',
  'falseOmissionRate',
  'accuracy',
  'balancedAccuracy',
  'rocAuc',
  'brierScore',
  'meanScore',
  'expectedCalibrationError',
] as const;

export type RateKey = (typeof RATE_KEYS)[number];

/** Scalar metrics compared across groups: the two sizes plus every rate. */
export const SCALAR_KEYS = ['count', 'weightSum', ...RATE_KEYS] as const;
export type ScalarKey = (typeof SCALAR_KEYS)[number];

export function defined(value: number): Rate {
  return { value };
}

export function undefinedRate(reason: RateReason): Rate {
  return { value: null, reason };
}

/**
 * num / den; den = 0 → null with `reason`, or — when `zeroInstead` (fairlearn's behaviour) —
 * 0 that still carries its `reason`, so a substituted zero stays recognisable downstream.
 */
function ratio(num: number, den: number, reason: RateReason, zeroInstead: boolean): Rate {
  if (den > 0) return { value: num / den };
  return zeroInstead ? { value: 0, reason } : { value: null, reason };
}

/** Confusion counts of one set of rows in one pass (no groups); for small jobs and tests. */
export function confusionCounts(
  labels: Uint8Array,
  decisions: Uint8Array,
  weights?: Float64Array | Float32Array | null,
): ConfusionCounts {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  let w = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const wi = weights ? weights[i] : 1;
    w += wi;
    if (labels[i] === 1) {
      if (decisions[i] === 1) tp += wi;
      else fn += wi;
    } else if (decisions[i] === 1) fp += wi;
    else tn += wi;
  }
  return { tp, fp, tn, fn, n, w, pos: tp + fn, neg: fp + tn };
}

/**
 * All metrics of one group from its confusion counts and score sums.
 * Every rate derives from the counts; nothing here touches rows.
 */
export function computeGroupMetrics(
  c: ConfusionCounts,
  scores: ScoreSummary,
  options: MetricOptions = {},
): GroupMetrics {
  const fl = options.fairlearnCompatible === true;
  const empty = !(c.w > 0);
  const calibration = calibrationBins(scores);
  if (empty) {
    const e = undefinedRate('empty-group');
    return {
      count: c.n,
      weightSum: c.w,
      baseRate: { ...e },
      selectionRate: { ...e },
      truePositiveRate: { ...e },
      falsePositiveRate: { ...e },
      falseNegativeRate: { ...e },
      trueNegativeRate: { ...e },
      precision: { ...e },
      negativePredictiveValue: { ...e },
      falseDiscoveryRate: { ...e },
      falseOmissionRate: { ...e },
      accuracy: { ...e },
      balancedAccuracy: { ...e },
      rocAuc: { ...e },
      brierScore: { ...e },
      meanScore: { ...e },
      expectedCalibrationError: { ...e },
      calibration,
    };
  }
  const predPos = c.tp + c.fp;
  const predNeg = c.tn + c.fn;
  const tpr = ratio(c.tp, c.pos, 'no-positives', fl);
  const tnr = ratio(c.tn, c.neg, 'no-negatives', fl);
  let balancedAccuracy: Rate;
  if (c.pos > 0 && c.neg > 0) {
    balancedAccuracy = { value: ((c.tp / c.pos) + (c.tn / c.neg)) / 2 };
  } else if (fl) {
    // sklearn balanced_accuracy_score drops the NaN recall of the absent class
    balancedAccuracy = { value: c.pos > 0 ? c.tp / c.pos : c.tn / c.neg, reason: 'one-class' };
  } else {
    balancedAccuracy = undefinedRate('one-class');
  }
  const rocAuc: Rate =
    c.pos > 0 && c.neg > 0 ? { value: scores.aucArea / (c.pos * c.neg) } : undefinedRate('one-class');
  let ece = 0;
  for (const b of calibration) {
    if (b.weightSum > 0) ece += (b.weightSum / c.w) * Math.abs((b.observedRate as number) - (b.meanScore as number));
  }
  return {
    count: c.n,
    weightSum: c.w,
    baseRate: { value: c.pos / c.w },
    selectionRate: { value: predPos / c.w },
    truePositiveRate: tpr,
    falsePositiveRate: ratio(c.fp, c.neg, 'no-negatives', fl),
    falseNegativeRate: ratio(c.fn, c.pos, 'no-positives', fl),
    trueNegativeRate: tnr,
    precision: ratio(c.tp, predPos, 'no-predicted-positives', fl),
    negativePredictiveValue: ratio(c.tn, predNeg, 'no-predicted-negatives', fl),
    falseDiscoveryRate: ratio(c.fp, predPos, 'no-predicted-positives', fl),
    falseOmissionRate: ratio(c.fn, predNeg, 'no-predicted-negatives', fl),
    accuracy: { value: (c.tp + c.tn) / c.w },
    balancedAccuracy,
    rocAuc,
    brierScore: { value: scores.sumSquaredError / c.w },
    meanScore: { value: scores.sumScore / c.w },
    expectedCalibrationError: { value: ece },
    calibration,
  };
}

function calibrationBins(scores: ScoreSummary): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    const n = scores.bins[4 * b];
    const w = scores.bins[4 * b + 1];
    out.push({
      lower: b / CALIBRATION_BINS,
      upper: (b + 1) / CALIBRATION_BINS,
      count: n,
      weightSum: w,
      meanScore: w > 0 ? scores.bins[4 * b + 2] / w : null,
      observedRate: w > 0 ? scores.bins[4 * b + 3] / w : null,
    });
  }
  return out;
}

/** The reliability bin of a score: min(9, floor(10·s)), scores below 0 in bin 0. */
export function calibrationBin(s: number): number {
  const b = Math.floor(s * CALIBRATION_BINS);
  return b < 0 ? 0 : b >= CALIBRATION_BINS ? CALIBRATION_BINS - 1 : b;
}
