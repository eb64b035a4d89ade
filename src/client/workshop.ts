/**
 * The workshop as the page runs it: the link the facilitator hands out, and a participant's
 * play through their plan — the card on screen, the decision with its reason where the
 * circuit breaker or an override asks for one (core/workshop rules), the time it took, and
 * the results file at the end. Decisions are kept in this browser's local storage as they are
 * made, so a reload resumes where the participant was; nothing is sent anywhere.
 */
import {
  decodeWorkshopConfig,
  decisionFor,
  encodeWorkshopConfig,
  needsReason,
  workshopResult,
  type ParticipantPlan,
  type PlanItem,
  type WorkshopChoice,
  type WorkshopConfig,
  type WorkshopDecision,
  type WorkshopReason,
  type WorkshopResult,
} from '../core/workshop';

/** The participant link: this page's address with `?workshop=<config>` (no data, config and seed only). */
export function workshopLink(config: WorkshopConfig, base: string): string {
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set('workshop', encodeWorkshopConfig(config));
  return url.href;
}

/** The workshop a page address carries: null when none; throws 'workshop-invalid' with a plain message when it is malformed. */
export function workshopFromUrl(search: string): WorkshopConfig | null {
  const v = new URLSearchParams(search).get('workshop');
  return v === null ? null : decodeWorkshopConfig(v);
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** A participant's way through their plan. */
export class WorkshopPlay {
  private decisions: WorkshopDecision[] = [];
  private shownAt: number | null = null;

  constructor(
    readonly plan: ParticipantPlan,
    private readonly storage: Store | null = typeof localStorage === 'undefined' ? null : localStorage,
  ) {
    const kept = this.load();
    // only decisions that match the plan, in its order, are taken back, each made again from
    // its plan item (so a corrupt kept value is dropped from there on, not trusted)
    for (const d of kept) {
      const item = plan.items[this.decisions.length];
      if (!item || typeof d !== 'object' || d === null || item.lead.leadId !== d.leadId || item.condition !== d.condition) break;
      try {
        this.decisions.push(decisionFor(item, d.decision as WorkshopChoice, d.reason ?? null, d.ms ?? 0));
      } catch {
        break;
      }
    }
  }

  private get key(): string {
    return `bias-workbench.workshop.${this.plan.workshopId}.${this.plan.seed}.${this.plan.participantId}`;
  }

  private load(): (Partial<WorkshopDecision> | null)[] {
    try {
      const raw = this.storage?.getItem(this.key);
      const parsed = raw ? (JSON.parse(raw) as unknown) : null;
      return Array.isArray(parsed) ? (parsed as (Partial<WorkshopDecision> | null)[]) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.decisions));
    } catch {
      // storage full or refused: the play goes on, only a reload would lose it
    }
  }

  /** The item on screen, or null when every lead is decided. */
  get current(): PlanItem | null {
    return this.plan.items[this.decisions.length] ?? null;
  }

  get done(): number {
    return this.decisions.length;
  }

  get total(): number {
    return this.plan.items.length;
  }

  /** The card appeared at `now` (milliseconds, performance.now()): the decision's time counts from here. */
  shown(now: number): void {
    this.shownAt = now;
  }

  /** Whether this choice on the current lead needs a stated reason (an override, or the circuit breaker). */
  needsReason(choice: WorkshopChoice): boolean {
    const item = this.current;
    return item ? needsReason(item, choice) : false;
  }

  /** Record the choice on the current lead; throws 'workshop-invalid' when a needed reason is missing. */
  decide(choice: WorkshopChoice, reason: WorkshopReason | null, now: number): WorkshopDecision {
    const item = this.current;
    if (!item) throw new Error('every lead is decided');
    const d = decisionFor(item, choice, reason, this.shownAt === null ? 0 : now - this.shownAt);
    this.decisions.push(d);
    this.shownAt = null;
    this.save();
    return d;
  }

  /** The results file (bias-workbench.workshop-result/1). */
  result(createdAt: string = new Date().toISOString()): WorkshopResult {
    return workshopResult(this.plan, this.decisions, createdAt);
  }

  /** Forget the kept decisions (start again). */
  reset(): void {
    this.decisions = [];
    this.shownAt = null;
    this.storage?.removeItem(this.key);
  }
}

/** The results file's name: workshop-<id>-<participant>.json (characters a file name cannot hold become "_"). */
export function resultFileName(result: WorkshopResult): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64);
  return `workshop-${safe(result.workshopId)}-${safe(result.participantId)}.json`;
}
