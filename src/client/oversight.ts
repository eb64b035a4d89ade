/**
 * Oversight for one model, as the page uses it: the review queue, the appeals and the decision
 * log kept in the browser (./store), and every step — a review, an override, an escalation, an
 * appeal opened, taken for review, decided — applied with core's rules (core/oversight) and
 * appended to the log in the same call, so the page cannot change a review or an appeal without
 * the log saying so. The page renders `snapshot()` and dispatches to the methods.
 */
import { pseudonymiseLog } from '../core/anonymise/log';
import {
  appealAgeDays,
  appealLogInput,
  reviewLogInput,
  appealStats,
  openAppeal,
  overrideLabels,
  reviewItem,
  toJsonLines,
  transitionAppeal,
  verifyLog,
  type Appeal,
  type AppealState,
  type LogEntry,
  type LogEntryInput,
  type ReviewItem,
  type VerifyResult,
} from '../core/oversight';
import { actorId, OversightStore } from './store';

export interface OversightSnapshot {
  items: ReviewItem[];
  appeals: Appeal[];
  log: LogEntry[];
}

export class OversightSession {
  private items: ReviewItem[] = [];
  private appeals: Appeal[] = [];
  private log: LogEntry[] = [];
  readonly actor: string;

  private constructor(
    private readonly store: OversightStore,
    readonly modelId: string,
    private readonly threshold: number,
    actor: string,
  ) {
    this.actor = actor;
  }

  /**
   * Open the store and load what is kept for this model. `dbName` and `storage` (where the
   * pseudonymous actor id is kept) default to the page's own; tests pass their own.
   */
  static async open(modelId: string, threshold: number, options: { dbName?: string; storage?: Pick<Storage, 'getItem' | 'setItem'> } = {}): Promise<OversightSession> {
    const store = await OversightStore.open(options.dbName);
    const s = new OversightSession(store, modelId, threshold, actorId(options.storage));
    [s.items, s.appeals, s.log] = await Promise.all([store.reviews(modelId), store.appeals(modelId), store.log()]);
    return s;
  }

  snapshot(): OversightSnapshot {
    return { items: [...this.items], appeals: [...this.appeals], log: [...this.log] };
  }

  close(): void {
    this.store.close();
  }

  /**
   * Append to the log, then read the whole log back: another tab (or a session on another
   * model) may have appended in between, and the copy shown, verified and exported must be the
   * stored chain, not this session's part of it.
   */
  private async record(input: LogEntryInput | null): Promise<void> {
    if (!input) return;
    await this.store.appendLog(input);
    this.log = await this.store.log();
  }

  /** Read the log again (after another tab may have written to it). */
  async refresh(): Promise<void> {
    this.log = await this.store.log();
  }

  private get context() {
    return { modelId: this.modelId, threshold: this.threshold, actor: this.actor };
  }

  /** Queue leads for review (leads already queued, or earlier in `items`, are skipped); returns how many were added. */
  async queue(items: readonly ReviewItem[]): Promise<number> {
    const known = new Set(this.items.map((i) => i.leadId));
    const fresh: ReviewItem[] = [];
    for (const it of items) {
      if (known.has(it.leadId)) continue;
      known.add(it.leadId);
      fresh.push(it);
    }
    for (const [i, it] of fresh.entries()) await this.store.putReview(this.modelId, it, this.items.length + i);
    this.items.push(...fresh);
    return fresh.length;
  }

  private item(leadId: string): ReviewItem {
    const it = this.items.find((i) => i.leadId === leadId);
    if (!it) throw new Error(`lead ${leadId} is not in the review queue`);
    return it;
  }

  /** A reviewer's decision: upheld when it agrees with the model, overridden (reason required) when not. */
  async decide(leadId: string, decision: 'call' | 'skip', reason: string | null): Promise<void> {
    const next = reviewItem(this.item(leadId), decision, reason);
    await this.store.putReview(this.modelId, next, this.items.findIndex((i) => i.leadId === leadId));
    this.items = this.items.map((i) => (i.leadId === leadId ? next : i));
    await this.record(reviewLogInput(next, this.context));
  }

  /** Hand a lead to someone with more authority; logged as an escalation (the item stays pending). */
  async escalate(leadId: string, reason: string): Promise<void> {
    const it = this.item(leadId);
    await this.record({ kind: 'escalation', leadId, modelId: this.modelId, score: it.score, threshold: this.threshold, decision: 'escalate', override: false, reason: reason.trim() || null, actor: this.actor });
  }

  /** The customer appeals a lead the model (or the reviewer) would not call. */
  async appeal(leadId: string, note: string, at: string = new Date().toISOString()): Promise<void> {
    const it = this.item(leadId);
    const a = openAppeal({ id: `appeal-${leadId}-${Date.parse(at).toString(36)}`, leadId, group: it.group, score: it.score, actor: this.actor, note, at });
    await this.store.putAppeal(this.modelId, a);
    this.appeals.push(a);
    await this.record(appealLogInput(a, this.context));
  }

  /** open → under review → upheld | overturned, each step by a person, with a note. */
  async stepAppeal(id: string, to: AppealState, note: string, at: string = new Date().toISOString()): Promise<void> {
    const a = this.appeals.find((x) => x.id === id);
    if (!a) throw new Error(`no appeal ${id}`);
    const next = transitionAppeal(a, to, { actor: this.actor, note, at });
    await this.store.putAppeal(this.modelId, next);
    this.appeals = this.appeals.map((x) => (x.id === id ? next : x));
    await this.record(appealLogInput(next, this.context));
  }

  stats(now: string = new Date().toISOString()) {
    return appealStats(this.appeals, now);
  }

  /** Days each appeal has been open (to its decision, or to `now`). */
  ages(now: string = new Date().toISOString()): Record<string, number> {
    return Object.fromEntries(this.appeals.map((a) => [a.id, appealAgeDays(a, now)]));
  }

  verify(): VerifyResult {
    return verifyLog(this.log);
  }

  /** The log as JSON Lines; `pseudonymous`: lead ids replaced by salted pseudonyms and the copy chained again (core/anonymise/log.ts). */
  exportJsonLines(options: { pseudonymous?: boolean } = {}): string {
    return toJsonLines(options.pseudonymous ? pseudonymiseLog(this.log) : this.log);
  }
}

/** The reviewed decisions kept for a model, as training labels (core/oversight overrideLabels: one per row, the last review wins). */
export async function reviewedLabels(modelId: string, dbName?: string): Promise<{ row: number; label: 0 | 1 }[]> {
  const store = await OversightStore.open(dbName);
  try {
    return overrideLabels(await store.reviews(modelId));
  } finally {
    store.close();
  }
}
