/**
 * The review queue: a person looks at a sample of the model's scored leads, with the score
 * and its reasons, and upholds or overrides the model's recommendation.
 *
 * Which leads (the rule, deterministic under the seed): of the leads with a score that are
 * not excluded (already reviewed), the queue takes k = min(size, eligible) leads —
 * - ⌈k/2⌉ nearest the threshold (smallest |score − threshold|, ties to the lower row): the
 *   uncertain ones, where a human is most likely to know better than the model;
 * - ⌊k/2⌋ drawn uniformly at random, without replacement, from the other eligible leads:
 *   so the review also sees confident decisions, and override rates are not only about the
 *   borderline;
 * and shuffles the two halves together with the seed, so a reviewer cannot tell which half a
 * lead came from (each item still says it, in `sample`, for the analysis).
 *
 * A lead's recommendation is 'call' when score ≥ threshold, else 'skip' (the audit's rule).
 */
import { WorkbenchError } from '../errors';
import { createRng, shuffleInPlace } from '../rng';
import type { Rng } from '../rng';

export interface ReviewReason {
  column: string;
  /** the column's contribution to the score (e.g. its SHAP value) */
  contribution: number;
}

export interface ReviewItem {
  leadId: string;
  /** the lead's row in the scored table */
  row: number;
  group: string;
  score: number;
  recommendation: 'call' | 'skip';
  reasons: ReviewReason[];
  status: 'pending' | 'upheld' | 'overridden';
  decision: 'call' | 'skip' | null;
  reason: string | null;
  /** which half of the sample the lead came from (see the module comment) */
  sample: 'near-threshold' | 'random';
}

export interface ReviewQueueInput {
  leadIds: readonly string[];
  scores: ArrayLike<number>;
  groups: readonly string[];
  threshold: number;
  /** leads wanted in the queue (fewer when fewer are eligible) */
  size: number;
  seed: number;
  /** the reasons shown for a row (e.g. its top SHAP contributions); none when absent */
  reasons?: (row: number) => ReviewReason[];
  /** rows that may not be queued (already reviewed) */
  exclude?: ArrayLike<number>;
}

const HINT = 'See docs/oversight.md for the review queue.';

function invalid(message: string): WorkbenchError {
  return new WorkbenchError('review-invalid', message, HINT);
}

/** Stage 1: the rows that may be queued — a finite score, not excluded. */
function eligibleRows(input: ReviewQueueInput): number[] {
  const n = input.leadIds.length;
  const excluded = new Uint8Array(n);
  if (input.exclude) for (let i = 0; i < input.exclude.length; i++) if (input.exclude[i] >= 0 && input.exclude[i] < n) excluded[input.exclude[i]] = 1;
  const rows: number[] = [];
  for (let r = 0; r < n; r++) if (!excluded[r] && Number.isFinite(input.scores[r])) rows.push(r);
  return rows;
}

/** Stage 2: the `count` rows nearest the threshold (ties to the lower row). */
function nearestRows(rows: readonly number[], scores: ArrayLike<number>, threshold: number, count: number): number[] {
  const dist = (r: number): number => Math.abs(scores[r] - threshold);
  return [...rows].sort((a, b) => dist(a) - dist(b) || a - b).slice(0, count);
}

/** Stage 3: `count` rows drawn without replacement (partial Fisher–Yates). */
function randomRows(rows: readonly number[], count: number, rng: Rng): number[] {
  const a = [...rows];
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(a.length - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.slice(0, count);
}

/**
 * A seeded sample of leads for review (the rule is in the module comment), pending. Throws
 * 'review-invalid' when the lists differ in length or the threshold or size is malformed.
 */
export function reviewQueue(input: ReviewQueueInput): ReviewItem[] {
  const n = input.leadIds.length;
  if (input.scores.length !== n || input.groups.length !== n) {
    throw invalid(`the review queue needs one score and one group per lead: ${n} leads, ${input.scores.length} scores, ${input.groups.length} groups`);
  }
  if (!Number.isFinite(input.threshold)) throw invalid(`the threshold must be a finite number, not ${String(input.threshold)}`);
  if (!Number.isSafeInteger(input.size) || input.size < 0) throw invalid(`the queue size must be a whole number ≥ 0, not ${String(input.size)}`);
  const eligible = eligibleRows(input);
  const k = Math.min(input.size, eligible.length);
  const nNear = Math.ceil(k / 2);
  const near = nearestRows(eligible, input.scores, input.threshold, nNear);
  const taken = new Set(near);
  const rng = createRng(input.seed);
  const random = randomRows(eligible.filter((r) => !taken.has(r)), k - nNear, rng);
  const order = Uint32Array.from([...near, ...random]);
  shuffleInPlace(order, rng);
  return Array.from(order, (row) => {
    const score = input.scores[row];
    return {
      leadId: input.leadIds[row],
      row,
      group: input.groups[row],
      score,
      recommendation: score >= input.threshold ? 'call' : 'skip',
      reasons: input.reasons ? input.reasons(row) : [],
      status: 'pending',
      decision: null,
      reason: null,
      sample: taken.has(row) ? 'near-threshold' : 'random',
    };
  });
}

/**
 * The item reviewed: `upheld` when the decision equals the recommendation, else `overridden`,
 * which needs a reason (a non-blank string; 'review-invalid' otherwise). The reason is kept
 * trimmed (null when blank). Returns a new object; reviewing a reviewed item again replaces
 * its decision.
 */
export function reviewItem(item: ReviewItem, decision: 'call' | 'skip', reason: string | null): ReviewItem {
  if (decision !== 'call' && decision !== 'skip') throw invalid(`a review decides "call" or "skip", not ${JSON.stringify(decision)}`);
  const text = typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : null;
  const upheld = decision === item.recommendation;
  if (!upheld && text === null) {
    throw new WorkbenchError('review-invalid', `overriding the model on lead ${item.leadId} needs a reason`, `Say why "${decision}" is right where the model says "${item.recommendation}".`);
  }
  return { ...item, status: upheld ? 'upheld' : 'overridden', decision, reason: text };
}

/**
 * The reviewed decisions as training labels (call → 1, skip → 0), upheld and overridden
 * alike, one per row (the last review of a row wins), in row order. Pending items give none.
 */
export function overrideLabels(items: readonly ReviewItem[]): { row: number; label: 0 | 1 }[] {
  const byRow = new Map<number, 0 | 1>();
  for (const it of items) {
    if (it.status === 'pending' || it.decision === null) continue;
    byRow.set(it.row, it.decision === 'call' ? 1 : 0);
  }
  return [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([row, label]) => ({ row, label }));
}
