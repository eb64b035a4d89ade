/**
 * The inputs and outputs of running a scenario: the context every scenario of a comparison
 * shares, the progress it reports, and the result (held-out metrics, reports of the
 * interventions that have one, notes, timings, exportable model and manifest).
 */
import type { Manifest } from '../manifest';
import type { Disparity, Interval, RateReason } from '../metrics';
import type { DatasetRoles, ProtectedAttribute } from '../roles';
import type { Scorer } from '../scorer';
import type { ColumnTable } from '../table';
import type { FairnessConstraint } from '../train-penalty';
import type { ConstraintAttempt } from './constraint';
import type { DegenerateSelection } from './degenerate';
import type { DecisionRule } from '../metrics/decision';
import type { FittedRates, ThresholdRuleJson } from './group-thresholds';
import type { ConstraintMethod, Intervention, ThresholdConstraintKind } from './scenario-spec';
import type { ScenarioSplit } from './scenario-split';

export type ScenarioBaseline =
  /** optimizer: how a logistic baseline is fitted — 'newton' (default: exact, see ./scenario-model) or 'adam' (epochs) */
  | { kind: 'trained'; trainKind: 'logistic' | 'mlp'; epochs?: number; batchSize?: number; learningRate?: number; hidden?: number[]; optimizer?: 'adam' | 'newton' }
  | { kind: 'imported'; scorer: Scorer; manifest: Manifest };

export interface ScenarioContext {
  table: ColumnTable;
  roles: DatasetRoles;
  split: ScenarioSplit;
  baseline: ScenarioBaseline;
  seed: number;
  /** the groups every metric and every intervention uses: one attribute or the intersection of several */
  protectedAttribute: ProtectedAttribute | ProtectedAttribute[];
  /** bootstrap resamples for the intervals; default 200, 0 = none */
  bootstrap?: number;
  /**
   * The rule that selects leads on the held-out rows (the audit's rule, so a scenario is judged
   * as the audit judges the model); default: the model's own threshold. Group thresholds decide
   * by group instead and ignore it.
   */
  decision?: DecisionRule;
  /** polled between training batches */
  shouldStop?: () => boolean;
}

export const defaultScenarioOptions = { bootstrap: 200, testFraction: 0.3 } as const;

export interface ScenarioProgress {
  stage: 'train' | 'score' | 'thresholds' | 'metrics' | 'export';
  message: string;
}

export interface MetricValue {
  value: number | null;
  reason?: RateReason;
  interval?: Interval;
}

export interface ScenarioMetrics {
  /** held-out rows */
  n: number;
  /** rows selected on the held-out split */
  selected: number;
  accuracy: MetricValue;
  balancedAccuracy: MetricValue;
  /** of the scores (group thresholds change decisions, not scores) */
  rocAuc: MetricValue;
  selectionRate: { level: string; count: number; value: number | null; reason?: RateReason; interval?: Interval }[];
  demographicParityDifference: Disparity;
  equalOpportunityDifference: Disparity;
  /** worst case: max(ΔTPR, ΔFPR) */
  equalizedOddsDifference: Disparity;
  /**
   * Set when the decisions select (nearly) nobody or everybody on the held-out rows: then the
   * parity gaps are small for no useful reason, and the scenario is no trade-off (see
   * ./degenerate). null otherwise.
   */
  degenerate: DegenerateSelection | null;
}

export interface ScenarioConstraintReport {
  constraint: FairnessConstraint;
  /** how it was enforced (see ./scenario-spec constraintMethod); absent in results saved before reductions existed: 'penalty' */
  method?: ConstraintMethod;
  bound: number | null;
  /** the penalty's λ; with reductions, the total of the multipliers paired with the mixture (Σ_k λ_k) */
  lambda: number;
  /** hard gap (threshold decisions) on the training rows, which chose λ */
  trainingGap: number | null;
  /** the same gap on the held-out rows (never used to choose λ) */
  heldOutGap: number | null;
  met: boolean;
  /** the penalty's training runs; with reductions, one entry for the whole run */
  attempts: ConstraintAttempt[];
  /** with reductions: the mixture and how it was found */
  reductions?: ReductionsReport;
}

/** What the reductions approach found (see ./reductions and ./reductions-model). */
export interface ReductionsReport {
  /** 'between-groups': every pair of groups' rates within the bound */
  parity: 'between-groups' | 'overall';
  /** the deterministic form exported */
  form: 'mixture' | 'mixture-threshold' | 'best-member';
  /** the decision threshold on the mixture's score, fitted on the training rows (the manifest's threshold) */
  threshold: number;
  /** weight of each logistic fit in the mixture (those with weight > 0), summing to 1 */
  weights: number[];
  /** fits kept by the oracle, iterations run, oracle calls (weighted fits) */
  members: number;
  iterations: number;
  oracleCalls: number;
  /** the duality gap reached and the stopping tolerance ν */
  gap: number;
  nu: number;
  /** the randomised mixture's expected error and largest constraint value on the training rows */
  randomisedError: number;
  randomisedMaxGamma: number;
}

/** relabel: what relabelling did to the training rows (see ./relabel). */
export interface RelabelReport {
  /** what the labels are (the intervention's name), e.g. "reviewed overrides"; null when unnamed */
  name: string | null;
  /** labels given */
  given: number;
  /** training rows that took the given label */
  applied: number;
  /** of those, rows whose label differs from the recorded one */
  changed: number;
  /** rows of the list in the held-out split, left out */
  heldOut: number;
  /** rows of the list with no target value (in neither part of the split), left out */
  noTarget: number;
}

export interface ScenarioThresholdReport {
  constraint: ThresholdConstraintKind;
  /** common operating point on the training rows */
  x: number;
  y: number | null;
  /** capacity on the held-out rows, and as fitted on the training rows (scaled by size) */
  topK: number | null;
  topKFit: number | null;
  topKMet: boolean;
  /** expected selection rate per group on the held-out rows (no randomisation) */
  expectedSelectionRate: (number | null)[];
  expectedSelected: number;
  fitted: { overall: FittedRates; groups: FittedRates[] };
}

export interface GroupThresholdRulesExport {
  column: string;
  columns: string[];
  cuts?: (number[] | null)[];
  levels: string[];
  constraint: ThresholdConstraintKind;
  /** P(select | score) = (1 − pIgnore)(p0[score ≥ t0] + p1[score ≥ t1]) + pIgnore·predictionConstant */
  rules: Record<string, ThresholdRuleJson>;
  /** for rows whose group is missing or was undefined when fitting */
  fallback: ThresholdRuleJson;
  note: string;
}

/** The exported manifest: `groupThresholds` holds deterministic stand-ins, the extension the exact rules. */
export type ScenarioManifest = Manifest & { 'x-groupThresholdRules'?: GroupThresholdRulesExport };

export interface ScenarioResult {
  name: string;
  interventions: Intervention[];
  group: { name: string; levels: string[] };
  metrics: ScenarioMetrics;
  constraint: ScenarioConstraintReport | null;
  groupThresholds: ScenarioThresholdReport | null;
  /** training rows the model saw (after resampling; 0 for an imported model) */
  trainRows: number;
  /** with a relabel intervention: how many given labels reached training rows, and how many were left out */
  relabel?: RelabelReport;
  notes: string[];
  timings: { trainMs: number; scoreMs: number; thresholdsMs: number; metricsMs: number; exportMs: number; totalMs: number };
  artifacts: { manifest: ScenarioManifest; files: { name: string; data: Uint8Array }[] | null };
}

export const GROUP_THRESHOLDS_NOTE =
  'Group thresholds use the protected attribute at decision time: each lead is scored with the rule of its group, so the group must be known when deciding, and people in different groups with the same score can be treated differently.';
