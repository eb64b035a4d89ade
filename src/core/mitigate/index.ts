/**
 * Public API of mitigation: reweighing, resampling, group thresholds (post-processing),
 * the fairness penalty in training (in-processing), neutralising columns, and what-if
 * scenarios that combine them on one shared held-out split. See docs/mitigations.md.
 */
export { reweigh, type ReweighResult } from './reweigh';
export { planResample, resample, type ResampleOptions, type ResamplePlan } from './resample';
export {
  applyGroupThresholds,
  defaultGroupThresholdOptions,
  deterministicThresholds,
  fitGroupThresholds,
  ruleFromJson,
  ruleToJson,
  selectionProbability,
  type FallbackReason,
  type FittedRates,
  type GroupThresholdOptions,
  type GroupThresholdRules,
  type ThresholdConstraint,
  type ThresholdObjective,
  type ThresholdRule,
  type ThresholdRuleJson,
} from './group-thresholds';
export { neutralise, NEUTRALISE_NOTE, type ColumnBlock, type NeutraliseInput, type NeutraliseOptions, type NeutraliseResult } from './neutralise';
export {
  checkFairnessPenalty,
  defaultFairnessPenalty,
  FAIRNESS_CONSTRAINTS,
  fillPenaltyMatrix,
  penaltyColumns,
  type FairnessConstraint,
  type FairnessPenalty,
  type PenaltyBatch,
} from '../train-penalty';
export {
  defaultConstraintOptions,
  hardGap,
  trainWithConstraint,
  type ConstrainedTrainResult,
  type ConstraintAttempt,
  type ConstraintOptions,
  type HardGap,
  type HardGapOptions,
} from './constraint';
export { DEGENERATE_MAX_SELECTION_RATE, DEGENERATE_MIN_SELECTION_RATE, degenerateSelection, type DegenerateSelection } from './degenerate';
export { paretoFrontier, type ParetoInput } from './pareto';
export { constraintMethod, describeIntervention, INTERVENTION_KINDS, validateScenarios, type ConstraintMethod, type Intervention, type RelabelRow, type Scenario, type ThresholdConstraintKind } from './scenario-spec';
export {
  buildMoment,
  costSensitiveProblem,
  defaultReductionsOptions,
  exponentiatedGradient,
  gammaOf,
  signedWeights,
  type Member,
  type Moment,
  type ParityData,
  type ParityForm,
  type ReductionsOptions,
  type ReductionsResult,
  type WeightedLearner,
} from './reductions';
export {
  bestMember,
  DETERMINISTIC_FORMS,
  fitThreshold,
  logisticLayersModel,
  logisticLearner,
  mixtureLayersModel,
  mixtureScores,
  mixtureSelectionProbability,
  type DeterministicForm,
  type LogisticMember,
} from './reductions-model';
export { relabelContext, relabelNote } from './relabel';
export { createSplit, protectedGroups, type ScenarioSplit } from './scenario-split';
export {
  defaultScenarioOptions,
  GROUP_THRESHOLDS_NOTE,
  type GroupThresholdRulesExport,
  type MetricValue,
  type ScenarioBaseline,
  type ReductionsReport,
  type ScenarioConstraintReport,
  type ScenarioContext,
  type ScenarioManifest,
  type ScenarioMetrics,
  type RelabelReport,
  type ScenarioProgress,
  type ScenarioResult,
  type ScenarioThresholdReport,
} from './scenario-result';
export { runScenario } from './scenarios';
export { compareScenarios, type MetricDelta, type ScenarioComparison } from './compare';
export {
  baselineIndex,
  COMPARE_METRIC_KEYS,
  compareScenariosJson,
  differences,
  flattenMetrics,
  scenarioJson,
  type CompareMetricKey,
  type CompareReport,
  type CompareScenarioJson,
  type CompareScenariosJson,
  type ScenarioOutcome,
} from './compare-json';
