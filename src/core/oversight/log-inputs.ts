/**
 * What the review queue and the appeals write to the decision log: one LogEntryInput per
 * reviewed item or appeal step, so the page and any other caller log them the same way.
 */
import type { Appeal } from './appeals';
import type { LogEntryInput, LogKind } from './log';
import type { ReviewItem } from './review';

/** The model and rule a logged event was decided under. */
export interface LogContext {
  /** modelFingerprint of the model files ('' when none) */
  modelId: string;
  threshold: number | null;
}

/**
 * A reviewed item as a log entry: kind 'review' when the model was upheld, 'override' when
 * it was overridden (override true, with the reviewer's reason). Pending items are not
 * logged: this returns null for them.
 */
export function reviewLogInput(item: ReviewItem, ctx: LogContext & { actor: string }): LogEntryInput | null {
  if (item.status === 'pending' || item.decision === null) return null;
  const override = item.status === 'overridden';
  return {
    kind: override ? 'override' : 'review',
    leadId: item.leadId,
    modelId: ctx.modelId,
    score: item.score,
    threshold: ctx.threshold,
    decision: item.decision,
    override,
    reason: item.reason,
    actor: ctx.actor,
  };
}

const APPEAL_KIND: Record<Appeal['state'], LogKind> = {
  open: 'appeal-opened',
  'under-review': 'appeal-review',
  upheld: 'appeal-decided',
  overturned: 'appeal-decided',
};

/**
 * An appeal's latest step as a log entry: kind appeal-opened, appeal-review or
 * appeal-decided; decision = the state reached ('open', 'under-review', 'upheld',
 * 'overturned'); reason = the step's note (null when empty); actor = who took the step;
 * override true when the appeal was overturned (the model's outcome was reversed).
 */
export function appealLogInput(appeal: Appeal, ctx: LogContext): LogEntryInput {
  const step = appeal.history[appeal.history.length - 1];
  return {
    kind: APPEAL_KIND[appeal.state],
    leadId: appeal.leadId,
    modelId: ctx.modelId,
    score: appeal.score,
    threshold: ctx.threshold,
    decision: appeal.state,
    override: appeal.state === 'overturned',
    reason: step && step.note !== '' ? step.note : null,
    actor: step ? step.actor : 'unknown',
  };
}
