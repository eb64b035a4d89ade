/**
 * The debrief: many participants' results files summarised per condition, with the
 * automation-bias measure (how often people follow the model when it is wrong, against when it
 * is right) and human + model against the model alone and the human alone. The page's debrief
 * and the CLI's `workshop summarize` both call `summarizeWorkshop`, so their numbers are the same.
 *
 * Definitions (per condition, over the decisions made in it; each one also in
 * WORKSHOP_DEFINITIONS below):
 * - accuracy = correct / (call and skip decisions with a known truth); a call is correct when
 *   truth is 1, a skip when truth is 0. Escalations are left out.
 * - the model is wrong on a decision when its recommendation disagrees with the truth (call ↔ 1,
 *   skip ↔ 0); follow = the decision equals the recommendation (an escalation never follows);
 *   followRateWhenModelWrong = follows / decisions with a known truth where the model is wrong;
 *   followRateWhenModelRight = the same where it is right.
 * - overrideRate = decisions with `override` true / all decisions; undefined in 'score-hidden',
 *   where no score is shown and so nothing can be overridden.
 * - escalationRate = escalations / all decisions.
 * - humanDemographicParityDifference = max_g − min_g of the share of "call" among group g's
 *   decisions (escalations count in the denominator), over the groups with decisions.
 * - comparison: humanPlusModel = accuracy of the decisions made with the score shown (every
 *   condition but 'score-hidden'); modelAlone = accuracy of the model's own recommendations on
 *   exactly those decisions' leads; humanAlone = accuracy in 'score-hidden'.
 * A value whose denominator is 0 (or, for the parity difference, with fewer than two groups) is
 * null with the reason in `undefinedReasons`, never 0. Every rate has a Wilson score interval
 * (./wilson) at `intervalLevel` (default 0.95), absent where the rate is undefined.
 *
 * Results of the same participant of the same workshop given twice are counted once (the first
 * is kept) with a warning; results from different workshops are pooled, with a warning.
 */
import type { Definition } from '../definitions';
import { WorkbenchError } from '../errors';
import { CONDITION_LABELS, showsScore, WORKSHOP_CONDITIONS, type WorkshopCondition } from './config';
import type { WorkshopDecision } from './decisions';
import type { WorkshopResult } from './result';
import { wilsonInterval } from '../metrics/wilson';

/** The rates that carry an interval, in the order the debrief shows them. */
export const WORKSHOP_RATE_KEYS = ['accuracy', 'followRateWhenModelWrong', 'followRateWhenModelRight', 'overrideRate', 'escalationRate'] as const;
export type WorkshopRateKey = (typeof WORKSHOP_RATE_KEYS)[number];
export type ComparisonKey = 'humanPlusModel' | 'modelAlone' | 'humanAlone';

/** A share's two counts. */
export interface ShareCounts {
  numerator: number;
  denominator: number;
}

export interface GroupCallShare {
  group: string;
  decisions: number;
  calls: number;
  share: number;
}

export interface ConditionSummary {
  condition: WorkshopCondition;
  decisions: number;
  accuracy: number | null;
  followRateWhenModelWrong: number | null;
  followRateWhenModelRight: number | null;
  overrideRate: number | null;
  escalationRate: number | null;
  humanDemographicParityDifference: number | null;
  intervals: Partial<Record<WorkshopRateKey, [number, number]>>;
  /** why a value is null, in words that complete "undefined (…)" */
  undefinedReasons: Partial<Record<string, string>>;
  /** participants with at least one decision in the condition */
  participants: number;
  /** the numerator and denominator of every rate */
  counts: Record<WorkshopRateKey, ShareCounts>;
  /** the share of "call" per group (the parity difference's inputs), groups in alphabetical order */
  callShareByGroup: GroupCallShare[];
}

export interface WorkshopSummary {
  participants: number;
  decisions: number;
  workshopIds: string[];
  conditions: ConditionSummary[];
  /** accuracy: human decisions where the score was shown / the model's own recommendations on the same leads / human decisions in 'score-hidden' */
  comparison: { humanPlusModel: number | null; modelAlone: number | null; humanAlone: number | null };
  warnings: string[];
  /** the level of every interval */
  intervalLevel: number;
  comparisonCounts: Record<ComparisonKey, ShareCounts>;
  comparisonIntervals: Partial<Record<ComparisonKey, [number, number]>>;
  comparisonReasons: Partial<Record<ComparisonKey, string>>;
}

export interface SummarizeOptions {
  /** two-sided level of the Wilson intervals, in (0, 1); default 0.95 */
  intervalLevel?: number;
}

/** The debrief's measures: label, formula, a sentence for the room, unit (core/definitions' conventions). */
export const WORKSHOP_DEFINITIONS: Record<WorkshopRateKey | ComparisonKey | 'humanDemographicParityDifference' | 'decisions', Definition> = {
  decisions: { label: 'decisions', formula: 'number of decisions made in the condition', plain: 'How many leads were decided in this condition.', unit: 'count' },
  accuracy: {
    label: 'accuracy',
    formula: 'correct / (call and skip decisions with a known outcome); call correct when truth = 1, skip when truth = 0',
    plain: 'Of the calls and skips on leads whose outcome we know, the share that were right.',
    convention: 'escalations are left out',
    unit: 'percent',
  },
  followRateWhenModelWrong: {
    label: 'followed the model when it was wrong',
    formula: 'decisions equal to the recommendation / decisions with a known outcome where the recommendation disagrees with it',
    plain: 'When the model was wrong, how often people did what it said. High = automation bias.',
    convention: 'an escalation does not follow',
    unit: 'percent',
  },
  followRateWhenModelRight: {
    label: 'followed the model when it was right',
    formula: 'decisions equal to the recommendation / decisions with a known outcome where the recommendation agrees with it',
    plain: 'When the model was right, how often people did what it said.',
    convention: 'an escalation does not follow',
    unit: 'percent',
  },
  overrideRate: {
    label: 'override rate',
    formula: 'decisions with override = true / all decisions',
    plain: 'How often people called or skipped against the recommendation they were shown.',
    convention: "undefined in 'score hidden' (no score to override)",
    unit: 'percent',
  },
  escalationRate: { label: 'escalation rate', formula: 'escalations / all decisions', plain: 'How often people handed the lead to someone else to decide.', unit: 'percent' },
  humanDemographicParityDifference: {
    label: "demographic parity difference of people's calls",
    formula: 'max_g − min_g of (calls / decisions) in group g',
    plain: 'The largest gap between groups in how often people chose to call (0 = every group called alike).',
    convention: 'escalations count in the denominator; undefined with fewer than two groups',
    unit: 'points',
  },
  humanPlusModel: {
    label: 'human + model',
    formula: 'accuracy of the decisions made with the score shown (every condition but score hidden)',
    plain: 'How often people were right when they saw the score.',
    unit: 'percent',
  },
  modelAlone: {
    label: 'model alone',
    formula: "accuracy of the model's recommendations on the same leads as human + model",
    plain: 'How often the model was right on those same leads.',
    unit: 'percent',
  },
  humanAlone: { label: 'human alone', formula: "accuracy in 'score hidden'", plain: 'How often people were right without seeing the score.', unit: 'percent' },
};

/** Why a value is undefined, worded to complete "undefined (…)". */
export const WORKSHOP_REASON_TEXT = {
  noKnownCallOrSkip: 'no call or skip on a lead with a known outcome',
  modelNeverWrong: 'the model was not wrong on any lead with a known outcome',
  modelNeverRight: 'the model was not right on any lead with a known outcome',
  scoreHidden: 'the score is not shown in this condition, so nothing can be overridden',
  noDecisions: 'no decisions',
  fewerThanTwoGroups: 'fewer than two groups have decisions',
  noShownScore: 'no call or skip with the score shown on a lead with a known outcome',
  noHiddenScore: 'no call or skip with the score hidden on a lead with a known outcome',
} as const;

// ---------------------------------------------------------------------------------------
// stages

/** Stage 1: one result per participant of a workshop (the first), with warnings for the rest. */
function distinctResults(results: readonly WorkshopResult[], warnings: string[]): WorkshopResult[] {
  const seen = new Map<string, number>();
  const kept: WorkshopResult[] = [];
  for (const r of results) {
    const key = `${r.workshopId}\u0000${r.participantId}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n === 0) kept.push(r);
  }
  for (const [key, n] of seen) {
    if (n < 2) continue;
    const [w, p] = key.split('\u0000');
    warnings.push(`participant "${p}" of workshop ${w} appears in ${n} results files; only the first is counted`);
  }
  return kept;
}

/** Stage 2: warnings about the mix of results (several workshops, one workshop with several seeds, empty files). */
function mixWarnings(results: readonly WorkshopResult[], warnings: string[]): string[] {
  const seeds = new Map<string, Set<number>>();
  for (const r of results) {
    const s = seeds.get(r.workshopId) ?? new Set<number>();
    s.add(r.seed);
    seeds.set(r.workshopId, s);
  }
  const ids = [...seeds.keys()].sort();
  if (ids.length > 1) warnings.push(`the results come from ${ids.length} workshops (${ids.join(', ')}); their decisions are pooled`);
  for (const [id, s] of seeds) {
    if (s.size > 1) warnings.push(`workshop ${id} appears with ${s.size} different seeds (${[...s].sort((a, b) => a - b).join(', ')}); its participants did not all get the same setup`);
  }
  for (const r of results) if (r.decisions.length === 0) warnings.push(`participant "${r.participantId}" of workshop ${r.workshopId} made no decisions`);
  return ids;
}

const follows = (d: WorkshopDecision): boolean => d.decision === d.modelRecommendation;
const modelWrong = (d: WorkshopDecision): boolean => (d.modelRecommendation === 'call' ? 1 : 0) !== d.truth;
const correct = (decision: 'call' | 'skip', truth: 0 | 1): boolean => (decision === 'call') === (truth === 1);

/** The confusion-free counts of one condition. */
function conditionCounts(ds: readonly WorkshopDecision[]): Record<WorkshopRateKey, ShareCounts> {
  const c = {
    accuracy: { numerator: 0, denominator: 0 },
    followRateWhenModelWrong: { numerator: 0, denominator: 0 },
    followRateWhenModelRight: { numerator: 0, denominator: 0 },
    overrideRate: { numerator: 0, denominator: ds.length },
    escalationRate: { numerator: 0, denominator: ds.length },
  };
  for (const d of ds) {
    if (d.override) c.overrideRate.numerator++;
    if (d.decision === 'escalate') c.escalationRate.numerator++;
    if (d.truth === null) continue;
    const f = modelWrong(d) ? c.followRateWhenModelWrong : c.followRateWhenModelRight;
    f.denominator++;
    if (follows(d)) f.numerator++;
    if (d.decision !== 'escalate') {
      c.accuracy.denominator++;
      if (correct(d.decision, d.truth)) c.accuracy.numerator++;
    }
  }
  return c;
}

/** Stage 3b: the share of calls per group, and the largest minus the smallest. */
function callShares(ds: readonly WorkshopDecision[]): { byGroup: GroupCallShare[]; difference: number | null } {
  const m = new Map<string, { decisions: number; calls: number }>();
  for (const d of ds) {
    const g = m.get(d.group) ?? { decisions: 0, calls: 0 };
    g.decisions++;
    if (d.decision === 'call') g.calls++;
    m.set(d.group, g);
  }
  const byGroup = [...m.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, g]) => ({ group, decisions: g.decisions, calls: g.calls, share: g.calls / g.decisions }));
  if (byGroup.length < 2) return { byGroup, difference: null };
  const shares = byGroup.map((g) => g.share);
  return { byGroup, difference: Math.max(...shares) - Math.min(...shares) };
}

const RATE_REASONS: Record<WorkshopRateKey, string> = {
  accuracy: WORKSHOP_REASON_TEXT.noKnownCallOrSkip,
  followRateWhenModelWrong: WORKSHOP_REASON_TEXT.modelNeverWrong,
  followRateWhenModelRight: WORKSHOP_REASON_TEXT.modelNeverRight,
  overrideRate: WORKSHOP_REASON_TEXT.noDecisions,
  escalationRate: WORKSHOP_REASON_TEXT.noDecisions,
};

/** Stage 3: one condition's summary. */
function summarizeCondition(condition: WorkshopCondition, ds: readonly WorkshopDecision[], participants: number, level: number): ConditionSummary {
  const counts = conditionCounts(ds);
  const values = {} as Record<WorkshopRateKey, number | null>;
  const intervals: ConditionSummary['intervals'] = {};
  const undefinedReasons: ConditionSummary['undefinedReasons'] = {};
  for (const key of WORKSHOP_RATE_KEYS) {
    const { numerator, denominator } = counts[key];
    const hidden = key === 'overrideRate' && !showsScore(condition);
    if (denominator === 0 || hidden) {
      values[key] = null;
      undefinedReasons[key] = hidden ? WORKSHOP_REASON_TEXT.scoreHidden : RATE_REASONS[key];
      continue;
    }
    values[key] = numerator / denominator;
    intervals[key] = wilsonInterval(numerator, denominator, level)!;
  }
  const { byGroup, difference } = callShares(ds);
  if (difference === null) undefinedReasons.humanDemographicParityDifference = WORKSHOP_REASON_TEXT.fewerThanTwoGroups;
  return {
    condition,
    decisions: ds.length,
    accuracy: values.accuracy,
    followRateWhenModelWrong: values.followRateWhenModelWrong,
    followRateWhenModelRight: values.followRateWhenModelRight,
    overrideRate: values.overrideRate,
    escalationRate: values.escalationRate,
    humanDemographicParityDifference: difference,
    intervals,
    undefinedReasons,
    participants,
    counts,
    callShareByGroup: byGroup,
  };
}

/** Stage 4: human + model, model alone and human alone. */
function compare(all: readonly WorkshopDecision[], level: number): Pick<WorkshopSummary, 'comparison' | 'comparisonCounts' | 'comparisonIntervals' | 'comparisonReasons'> {
  const counts: Record<ComparisonKey, ShareCounts> = {
    humanPlusModel: { numerator: 0, denominator: 0 },
    modelAlone: { numerator: 0, denominator: 0 },
    humanAlone: { numerator: 0, denominator: 0 },
  };
  for (const d of all) {
    if (d.truth === null || d.decision === 'escalate') continue;
    if (showsScore(d.condition)) {
      counts.humanPlusModel.denominator++;
      counts.modelAlone.denominator++;
      if (correct(d.decision, d.truth)) counts.humanPlusModel.numerator++;
      if (correct(d.modelRecommendation, d.truth)) counts.modelAlone.numerator++;
    } else {
      counts.humanAlone.denominator++;
      if (correct(d.decision, d.truth)) counts.humanAlone.numerator++;
    }
  }
  const comparison: WorkshopSummary['comparison'] = { humanPlusModel: null, modelAlone: null, humanAlone: null };
  const intervals: WorkshopSummary['comparisonIntervals'] = {};
  const reasons: WorkshopSummary['comparisonReasons'] = {};
  for (const key of ['humanPlusModel', 'modelAlone', 'humanAlone'] as const) {
    const { numerator, denominator } = counts[key];
    if (denominator === 0) {
      reasons[key] = key === 'humanAlone' ? WORKSHOP_REASON_TEXT.noHiddenScore : WORKSHOP_REASON_TEXT.noShownScore;
      continue;
    }
    comparison[key] = numerator / denominator;
    intervals[key] = wilsonInterval(numerator, denominator, level)!;
  }
  return { comparison, comparisonCounts: counts, comparisonIntervals: intervals, comparisonReasons: reasons };
}

/** The debrief of many participants' results (see the module's doc for every definition). */
export function summarizeWorkshop(results: WorkshopResult[], options: SummarizeOptions = {}): WorkshopSummary {
  const level = options.intervalLevel ?? 0.95;
  if (!(level > 0 && level < 1)) throw new WorkbenchError('workshop-invalid', `the interval level must be in (0, 1), not ${level}`, 'Use 0.95 for 95 % intervals.');
  const warnings: string[] = [];
  const kept = distinctResults(results, warnings);
  const workshopIds = mixWarnings(kept, warnings);
  const all = kept.flatMap((r) => r.decisions);
  const conditions = WORKSHOP_CONDITIONS.filter((c) => all.some((d) => d.condition === c)).map((c) => {
    const ds = all.filter((d) => d.condition === c);
    const participants = kept.filter((r) => r.decisions.some((d) => d.condition === c)).length;
    return summarizeCondition(c, ds, participants, level);
  });
  return { participants: kept.length, decisions: all.length, workshopIds, conditions, ...compare(all, level), warnings, intervalLevel: level };
}

/** A condition's plain name ('score hidden'). */
export function conditionLabel(c: WorkshopCondition): string {
  return CONDITION_LABELS[c];
}
