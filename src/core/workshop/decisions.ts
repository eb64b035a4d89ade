/**
 * A participant's decisions: Call, Skip or Escalate on each planned lead, the circuit breaker
 * that asks for a reason, and the decision as the results file records it.
 *
 * - Follow: the decision equals the model's recommendation (an escalation follows nothing).
 * - Override: a Call or Skip that differs from the recommendation, in a condition that shows
 *   the score. In 'score-hidden' nothing is an override: there is no score to go against.
 * - A reason is asked for (`needsReason`) for every override, and, in 'circuit-breaker', also
 *   for following the recommendation on a low-confidence lead. An escalation hands the lead to
 *   someone else and needs no reason.
 */
import { WorkbenchError } from '../errors';
import { showsScore, type WorkshopCondition } from './config';
import type { PlanItem } from './plan';

export type WorkshopChoice = 'call' | 'skip' | 'escalate';
export const WORKSHOP_CHOICES: readonly WorkshopChoice[] = ['call', 'skip', 'escalate'];

/** The categories of a stated reason, in the order the page offers them. */
export const OVERRIDE_REASONS: readonly { id: string; label: string }[] = [
  { id: 'knows-the-customer', label: 'I know this customer or this kind of customer' },
  { id: 'data-looks-wrong', label: 'The data on the card looks wrong or incomplete' },
  { id: 'score-looks-wrong', label: 'The score does not fit what the card says' },
  { id: 'fairness-concern', label: 'The score may be unfair to this lead' },
  { id: 'gut-feeling', label: 'Gut feeling' },
  { id: 'other', label: 'Something else (say what)' },
];

export interface WorkshopReason {
  category: string;
  text: string;
}

export interface WorkshopDecision {
  leadId: string;
  condition: WorkshopCondition;
  group: string;
  modelScore: number;
  modelRecommendation: 'call' | 'skip';
  truth: 1 | 0 | null;
  decision: WorkshopChoice;
  /** a call/skip that differs from the recommendation in a condition that shows the score */
  override: boolean;
  reason: WorkshopReason | null;
  /** milliseconds from the card appearing to the decision */
  ms: number;
}

/** Whether a decision overrides the model: a call or skip against the recommendation, with the score shown. */
export function isOverride(condition: WorkshopCondition, recommendation: 'call' | 'skip', decision: WorkshopChoice): boolean {
  return showsScore(condition) && decision !== 'escalate' && decision !== recommendation;
}

/**
 * The circuit breaker: whether this decision on this item needs a stated reason. Overriding
 * always does where the score is shown; in 'circuit-breaker', following the recommendation on
 * a low-confidence lead does too.
 */
export function needsReason(item: PlanItem, decision: WorkshopChoice): boolean {
  if (isOverride(item.condition, item.modelRecommendation, decision)) return true;
  return item.condition === 'circuit-breaker' && item.lowConfidence && decision === item.modelRecommendation;
}

/** A reason as recorded: category trimmed, text trimmed; null when there is no category. */
function cleanReason(reason: WorkshopReason | null): WorkshopReason | null {
  if (reason === null) return null;
  const category = reason.category.trim();
  return category === '' ? null : { category, text: reason.text.trim() };
}

/**
 * The decision as the results file records it. Throws 'workshop-invalid' when the decision
 * needs a reason (see {@link needsReason}) and none is given (a reason needs a category; its
 * text may be empty), or when `decision` is not call, skip or escalate. `ms` is rounded to a
 * whole number of milliseconds (negative or non-finite → 0).
 */
export function decisionFor(item: PlanItem, decision: WorkshopChoice, reason: WorkshopReason | null, ms: number): WorkshopDecision {
  if (!WORKSHOP_CHOICES.includes(decision)) {
    throw new WorkbenchError('workshop-invalid', `a decision must be call, skip or escalate, not "${String(decision)}"`, 'Press Call, Skip or Escalate.');
  }
  const r = cleanReason(reason);
  if (r === null && needsReason(item, decision)) {
    throw new WorkbenchError('workshop-invalid', `lead ${item.lead.leadId}: this decision needs a stated reason`, 'Choose why you decided this way.');
  }
  return {
    leadId: item.lead.leadId,
    condition: item.condition,
    group: item.lead.group,
    modelScore: item.lead.modelScore,
    modelRecommendation: item.modelRecommendation,
    truth: item.lead.truth,
    decision,
    override: isOverride(item.condition, item.modelRecommendation, decision),
    reason: r,
    ms: Number.isFinite(ms) && ms > 0 ? Math.round(ms) : 0,
  };
}
