/**
 * Workshop: train sales teams against automation bias, with no server.
 *
 * The facilitator sets a workshop up (./config: material, leads per participant, the share of
 * leads where the model is wrong, the conditions) and hands out a link that carries the setup
 * and its seed, never data. Each participant's page plans their leads from it (./plan), shows
 * each as a card in plain sales language (./card), asks Call, Skip or Escalate, with a reason
 * where the circuit breaker or an override asks for one (./decisions), and downloads a results
 * file (./result, `bias-workbench.workshop-result/1`). The debrief and the CLI's `workshop
 * summarize` summarise many results files (./summary) with Wilson intervals (./wilson).
 *
 * The facilitator's guide, the file format field by field and every measure's definition:
 * docs/workshop.md.
 */
export {
  CONDITION_LABELS,
  decodeWorkshopConfig,
  defaultWorkshopConfig,
  encodeWorkshopConfig,
  isWorkshopCondition,
  MAX_LEADS,
  MAX_TITLE_LENGTH,
  MIN_LEADS,
  showsScore,
  validateWorkshopConfig,
  WORKSHOP_CONDITIONS,
  WORKSHOP_FORMAT,
  WORKSHOP_RESULT_FORMAT,
  workshopIdFor,
  type WorkshopCondition,
  type WorkshopConfig,
} from './config';
export {
  CRM_HIDDEN_COLUMNS,
  crmDemoMaterial,
  LOW_CONFIDENCE_SHARE,
  lowConfidenceMargin,
  materialFromTable,
  recommendationFor,
  truthByIdFromTable,
  type Material,
  type MaterialFromTableOptions,
  type MaterialLead,
} from './material';
export { MAX_PARTICIPANT_ID_LENGTH, participantSeed, planParticipant, type ParticipantPlan, type PlanItem } from './plan';
export { cardReasons, leadCard, type CardReason } from './card';
export {
  decisionFor,
  isOverride,
  needsReason,
  OVERRIDE_REASONS,
  WORKSHOP_CHOICES,
  type WorkshopChoice,
  type WorkshopDecision,
  type WorkshopReason,
} from './decisions';
export { validateWorkshopResult, workshopResult, type WorkshopResult } from './result';
export {
  conditionLabel,
  summarizeWorkshop,
  WORKSHOP_DEFINITIONS,
  WORKSHOP_RATE_KEYS,
  WORKSHOP_REASON_TEXT,
  type ComparisonKey,
  type ConditionSummary,
  type GroupCallShare,
  type ShareCounts,
  type SummarizeOptions,
  type WorkshopRateKey,
  type WorkshopSummary,
} from './summary';
export { normalQuantile, wilsonInterval } from '../metrics/wilson';
export { parseWorkshopResult, WORKSHOP_SUMMARY_FORMAT, workshopSummaryDocument, type SummarizedFile, type WorkshopSummaryJson } from './document';
