/** Public API of the fairness metrics. */
export {
  CALIBRATION_BINS,
  RATE_KEYS,
  SCALAR_KEYS,
  computeGroupMetrics,
  confusionCounts,
  type CalibrationBin,
  type ConfusionCounts,
  type GroupMetrics,
  type MetricOptions,
  type Rate,
  type RateKey,
  type RateReason,
  type RowCounts,
  type ScalarKey,
  type ScoreSummary,
} from './confusion';
export { resolveCut, type DecisionRule } from './decision';
export {
  DEFAULT_MIN_GROUP_SIZE,
  FOUR_FIFTHS_CAVEAT,
  FOUR_FIFTHS_THRESHOLD,
  METRIC_LABELS,
  computeDisparities,
  type Aggregate,
  type Disparities,
  type Disparity,
  type DisparityInput,
  type DisparityReason,
  type ExclusionReason,
  type FourFifthsRule,
  type GroupExtreme,
  type GroupVsReference,
  type Interval,
  type MetricDisparity,
  type NamedDisparities,
  type Note,
  type NoteKind,
  type ReferenceComparison,
} from './disparities';
export {
  betweenGroupGeneralizedEntropyIndex,
  betweenGroupTheilIndex,
  generalizedEntropyIndex,
  rowCounts,
  theilIndex,
  type InequalityReason,
  type InequalityValue,
} from './inequality';
export {
  attributeFromColumns,
  computeMetricFrame,
  type AttributeInput,
  type AttributeResult,
  type BootstrapOptions,
  type GroupResult,
  type InequalityResult,
  type MetricFrame,
  type MetricFrameInput,
  type MetricFrameOptions,
  type RateIntervals,
} from './metric-frame';
export {
  createThresholdIndex,
  type RocCurve,
  type SweepSeries,
  type ThresholdEvaluation,
  type ThresholdIndex,
  type ThresholdSweep,
} from './threshold-index';
export { createAuditIndex, type AuditIndex, type AuditIndexOptions } from './audit-index';
export { argsortDesc } from './sort';
export { normalQuantile, wilsonInterval } from './wilson';
