/**
 * One participant's plan: which leads they see, in which order, under which condition.
 * Computed in the participant's own browser from the workshop's configuration, the material
 * and the participant id, so the same three always give the same plan (and the facilitator
 * can recompute any participant's plan).
 *
 * The plan, exactly (n = leadsPerParticipant, k = number of conditions):
 * 1. Candidates: the material's leads with a known outcome and a finite score. The model is
 *    wrong on a lead when its recommendation (call when score ≥ threshold) disagrees with the
 *    outcome (call ↔ 1, skip ↔ 0).
 * 2. W = round(wrongShare · n) leads (half rounds up) are drawn from the leads the model gets
 *    wrong, n − W from those it gets right; too few of either is an error that says how many
 *    there are.
 * 3. Spread across groups: within each of the two pools, groups take turns in a seeded order,
 *    each turn taking the next lead of that group's seeded shuffle; a group with no lead left
 *    is passed over. So groups are as equally represented as the pool allows.
 * 4. Conditions: the chosen wrong leads (reshuffled), then the right ones (reshuffled), are
 *    dealt the conditions in turn, in a seeded order of the configured conditions: each
 *    condition gets ⌊n/k⌋ or ⌈n/k⌉ leads, and ⌊W/k⌋ or ⌈W/k⌉ of the model-wrong ones.
 * 5. Order: the n items are shuffled once more; `index` is the position (from 0).
 * Every draw comes from one stream, `createRng(participantSeed(config, participantId))`.
 */
import { WorkbenchError } from '../errors';
import { createRng, type Rng } from '../rng';
import type { WorkshopCondition, WorkshopConfig } from './config';
import { lowConfidenceMargin, recommendationFor, type Material, type MaterialLead } from './material';

export interface PlanItem {
  /** position in the participant's sequence, from 0 */
  index: number;
  lead: MaterialLead;
  condition: WorkshopCondition;
  modelRecommendation: 'call' | 'skip';
  /** the recommendation disagrees with the true outcome; null when the outcome is unknown */
  modelWrong: boolean | null;
  /** |score − threshold| ≤ the material's low-confidence margin (./material) */
  lowConfidence: boolean;
}

export interface ParticipantPlan {
  workshopId: string;
  seed: number;
  participantId: string;
  items: PlanItem[];
  /** the participant's own seed ({@link participantSeed}) */
  participantSeed?: number;
  /** the low-confidence margin the plan used */
  lowConfidenceMargin?: number;
}

export const MAX_PARTICIPANT_ID_LENGTH = 64;

/** FNV-1a over the UTF-16 code units of a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A participant's seed: the workshop seed mixed with a hash of the participant id (murmur3's finaliser). */
export function participantSeed(config: WorkshopConfig, participantId: string): number {
  let h = ((config.seed >>> 0) ^ Math.imul(fnv1a(participantId), 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function checkParticipantId(participantId: string): void {
  if (typeof participantId !== 'string' || participantId.trim() === '' || participantId.length > MAX_PARTICIPANT_ID_LENGTH) {
    throw new WorkbenchError('workshop-invalid', `a participant id must be 1 to ${MAX_PARTICIPANT_ID_LENGTH} characters`, 'Choose a short name or code for the participant.');
  }
}

/** Fisher–Yates in place over any array (the same draws as core/rng's shuffleInPlace). */
function shuffle<T>(arr: T[], rng: Rng): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
}

/** Stage 1: the candidates, split by whether the model is wrong on them. */
function candidatePools(material: Material): { wrong: number[]; right: number[] } {
  const wrong: number[] = [];
  const right: number[] = [];
  material.leads.forEach((l, i) => {
    if (l.truth === null || !Number.isFinite(l.modelScore)) return;
    const call = l.modelScore >= material.threshold ? 1 : 0;
    (call !== l.truth ? wrong : right).push(i);
  });
  return { wrong, right };
}

/** Stage 3: `count` leads of the pool, groups taking turns in a seeded order. */
function spreadAcrossGroups(material: Material, pool: number[], count: number, rng: Rng): number[] {
  const byGroup = new Map<string, number[]>();
  for (const i of pool) {
    const g = material.leads[i].group;
    const list = byGroup.get(g);
    if (list) list.push(i);
    else byGroup.set(g, [i]);
  }
  const groups = [...byGroup.keys()].sort();
  shuffle(groups, rng);
  const queues = groups.map((g) => {
    const list = byGroup.get(g)!;
    shuffle(list, rng);
    return list;
  });
  const next = new Array<number>(queues.length).fill(0);
  const out: number[] = [];
  while (out.length < count) {
    for (let q = 0; q < queues.length && out.length < count; q++) {
      if (next[q] < queues[q].length) out.push(queues[q][next[q]++]);
    }
  }
  return out;
}

function tooFew(what: string, have: number, need: number): WorkbenchError {
  return new WorkbenchError(
    'workshop-invalid',
    `the material has ${have} leads ${what}, and each participant needs ${need}`,
    'Lower the leads per participant or change the share of leads where the model is wrong.',
  );
}

/** The participant's plan (see the module's doc for every step). */
export function planParticipant(config: WorkshopConfig, material: Material, participantId: string): ParticipantPlan {
  checkParticipantId(participantId);
  const n = config.leadsPerParticipant;
  const nWrong = Math.round(config.wrongShare * n);
  const { wrong, right } = candidatePools(material);
  if (wrong.length + right.length < n) throw tooFew('with a known outcome', wrong.length + right.length, n);
  if (wrong.length < nWrong) throw tooFew('where the model is wrong', wrong.length, nWrong);
  if (right.length < n - nWrong) throw tooFew('where the model is right', right.length, n - nWrong);

  const seed = participantSeed(config, participantId);
  const rng = createRng(seed);
  const chosenWrong = spreadAcrossGroups(material, wrong, nWrong, rng);
  const chosenRight = spreadAcrossGroups(material, right, n - nWrong, rng);
  shuffle(chosenWrong, rng);
  shuffle(chosenRight, rng);
  const order = [...config.conditions];
  shuffle(order, rng);

  const margin = lowConfidenceMargin(material);
  const items: PlanItem[] = [...chosenWrong, ...chosenRight].map((leadIndex, j) => {
    const lead = material.leads[leadIndex];
    const rec = recommendationFor(lead.modelScore, material.threshold);
    return {
      index: 0,
      lead,
      condition: order[j % order.length],
      modelRecommendation: rec,
      modelWrong: lead.truth === null ? null : (rec === 'call' ? 1 : 0) !== lead.truth,
      lowConfidence: Math.abs(lead.modelScore - material.threshold) <= margin,
    };
  });
  shuffle(items, rng);
  items.forEach((it, i) => (it.index = i));
  return { workshopId: config.id, seed: config.seed, participantId, items, participantSeed: seed, lowConfidenceMargin: margin };
}
