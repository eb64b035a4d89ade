/**
 * The right to appeal: a lead the model turned away ("not called", "non-viable") can be
 * appealed, and a person reviews it. An appeal moves
 *
 *   open → under-review → upheld | overturned
 *
 * and no other way: `upheld` keeps the original decision, `overturned` reverses it; both are
 * final. Each step records who took it, when and a note. An appeal's age is the time from
 * opening to its decision (to `now` while it is undecided).
 *
 * The report per group answers "are appeals from one group overturned more often?": the
 * overturn rate among decided appeals with a 95 % Wilson interval, and the difference
 * between the largest and the smallest group rate.
 */
import { WorkbenchError } from '../errors';
import { wilsonInterval as wilson } from '../metrics/wilson';

export type AppealState = 'open' | 'under-review' | 'upheld' | 'overturned';

export interface AppealStep {
  state: AppealState;
  at: string;
  actor: string;
  note: string;
}

export interface Appeal {
  id: string;
  leadId: string;
  /** the lead's group under the audited attribute */
  group: string;
  /** the model's score for the lead when it was appealed */
  score: number;
  openedAt: string;
  state: AppealState;
  /** every step, the opening one first */
  history: AppealStep[];
}

/** The states each state may move to. */
const NEXT: Record<AppealState, readonly AppealState[]> = {
  open: ['under-review'],
  'under-review': ['upheld', 'overturned'],
  upheld: [],
  overturned: [],
};

const STATES = Object.keys(NEXT) as AppealState[];
const HINT = 'An appeal moves open → under-review → upheld or overturned; see docs/oversight.md.';
const DAY_MS = 86_400_000;

function timeOf(at: unknown, what: string): number {
  const t = typeof at === 'string' && at !== '' ? Date.parse(at) : NaN;
  if (!Number.isFinite(t)) throw new WorkbenchError('appeal-invalid', `${what} must be an ISO 8601 time, not ${JSON.stringify(at)}`, HINT);
  return t;
}

function checkStep(step: { actor: string; note: string; at: string }, what: string): void {
  timeOf(step.at, `${what}: at`);
  if (typeof step.actor !== 'string' || step.actor === '') throw new WorkbenchError('appeal-invalid', `${what}: actor must be a non-empty string`, HINT);
  if (typeof step.note !== 'string') throw new WorkbenchError('appeal-invalid', `${what}: note must be a string`, HINT);
}

/** A new appeal in state `open`, its history holding the opening step. Throws 'appeal-invalid' for a malformed field. */
export function openAppeal(input: { id: string; leadId: string; group: string; score: number; actor: string; note: string; at: string }): Appeal {
  const what = `appeal ${JSON.stringify(input.id)}`;
  if (typeof input.id !== 'string' || input.id === '') throw new WorkbenchError('appeal-invalid', 'an appeal needs an id (a non-empty string)', HINT);
  if (typeof input.leadId !== 'string' || input.leadId === '') throw new WorkbenchError('appeal-invalid', `${what}: leadId must be a non-empty string`, HINT);
  if (typeof input.group !== 'string') throw new WorkbenchError('appeal-invalid', `${what}: group must be a string`, HINT);
  if (typeof input.score !== 'number' || !Number.isFinite(input.score)) throw new WorkbenchError('appeal-invalid', `${what}: score must be a finite number`, HINT);
  checkStep(input, what);
  return {
    id: input.id,
    leadId: input.leadId,
    group: input.group,
    score: input.score,
    openedAt: input.at,
    state: 'open',
    history: [{ state: 'open', at: input.at, actor: input.actor, note: input.note }],
  };
}

/**
 * The appeal moved to `to`, with the step appended to a copy of its history (the appeal given
 * is not changed). Throws 'appeal-invalid' for a move the states do not allow (from a final
 * state, skipping review, going back), an unknown state, or a step dated before the last one.
 */
export function transitionAppeal(appeal: Appeal, to: AppealState, step: { actor: string; note: string; at: string }): Appeal {
  const what = `appeal ${JSON.stringify(appeal.id)}`;
  if (!STATES.includes(to)) throw new WorkbenchError('appeal-invalid', `${what}: "${String(to)}" is not an appeal state (${STATES.join(', ')})`, HINT);
  const allowed = NEXT[appeal.state];
  if (!allowed.includes(to)) {
    const why = allowed.length === 0 ? `it is already ${appeal.state}, which is final` : `from ${appeal.state} it can only move to ${allowed.join(' or ')}`;
    throw new WorkbenchError('appeal-invalid', `${what} cannot move to ${to}: ${why}`, HINT);
  }
  checkStep(step, what);
  const last = appeal.history[appeal.history.length - 1];
  if (last && timeOf(step.at, `${what}: at`) < timeOf(last.at, `${what}: the last step's at`)) {
    throw new WorkbenchError('appeal-invalid', `${what}: the step at ${step.at} comes before the last one (${last.at})`, 'Date each step at or after the one before it.');
  }
  return { ...appeal, state: to, history: [...appeal.history, { state: to, at: step.at, actor: step.actor, note: step.note }] };
}

/** Whether an appeal has been decided (upheld or overturned). */
export function isDecided(appeal: Appeal): boolean {
  return appeal.state === 'upheld' || appeal.state === 'overturned';
}

/**
 * Days (fractional, ≥ 0) from opening to the decision for a decided appeal, to `now` for an
 * open or under-review one. Throws 'appeal-invalid' when a time cannot be read.
 */
export function appealAgeDays(appeal: Appeal, now: string): number {
  const what = `appeal ${JSON.stringify(appeal.id)}`;
  const start = timeOf(appeal.openedAt, `${what}: openedAt`);
  const decided = isDecided(appeal) ? appeal.history.find((s) => s.state === appeal.state) : undefined;
  const end = decided ? timeOf(decided.at, `${what}: the decision's at`) : timeOf(now, 'now');
  return Math.max(0, (end - start) / DAY_MS);
}

export interface AppealGroupStats {
  group: string;
  /** appeals from the group, in any state */
  appeals: number;
  /** upheld or overturned */
  decided: number;
  overturned: number;
  /** overturned / decided; null when none is decided */
  overturnRate: number | null;
  /** 95 % Wilson score interval of the overturn rate; null when none is decided */
  interval: [number, number] | null;
  /** median of appealAgeDays over the group's appeals; null when it has none */
  medianAgeDays: number | null;
}

/**
 * An overturn rate's interval: the Wilson score interval at 95 % (core/metrics/wilson), which
 * stays inside [0, 1] and is not zero-width at 0 or 1 — it matters for the handful of appeals a
 * group may have. null for n = 0.
 */
export function wilsonInterval(k: number, n: number): [number, number] | null {
  return wilson(k, n, 0.95);
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function groupStats(group: string, appeals: readonly Appeal[], now: string): AppealGroupStats {
  let decided = 0;
  let overturned = 0;
  for (const a of appeals) {
    if (isDecided(a)) decided++;
    if (a.state === 'overturned') overturned++;
  }
  return {
    group,
    appeals: appeals.length,
    decided,
    overturned,
    overturnRate: decided > 0 ? overturned / decided : null,
    interval: wilsonInterval(overturned, decided),
    medianAgeDays: median(appeals.map((a) => appealAgeDays(a, now))),
  };
}

/**
 * Appeals by group (groups in name order) and overall, and the overturn-rate difference:
 * the largest minus the smallest defined group rate (null when fewer than two groups have a
 * decided appeal). The overall row is named "overall".
 */
export function appealStats(appeals: readonly Appeal[], now: string): { groups: AppealGroupStats[]; overall: AppealGroupStats; overturnRateDifference: number | null } {
  const byGroup = new Map<string, Appeal[]>();
  for (const a of appeals) {
    let list = byGroup.get(a.group);
    if (!list) byGroup.set(a.group, (list = []));
    list.push(a);
  }
  const names = [...byGroup.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const groups = names.map((g) => groupStats(g, byGroup.get(g)!, now));
  const rates = groups.map((g) => g.overturnRate).filter((r): r is number => r !== null);
  return {
    groups,
    overall: groupStats('overall', appeals, now),
    overturnRateDifference: rates.length >= 2 ? Math.max(...rates) - Math.min(...rates) : null,
  };
}
