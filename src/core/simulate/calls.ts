/**
 * Who gets called in a round: the list (the model's top `capacity` share, changed by the
 * remedy), then what the reps make of it.
 *
 * - The list holds K = round(capacity × leads) leads.
 *   'none' and 'reweigh': the K highest scores (ties in row order, core's argsort).
 *   'exploration': the K − m highest scores, m = round(exploration × K), plus m leads drawn
 *   uniformly at random from the rest.
 *   'group-thresholds': demographic-parity group thresholds (core/mitigate
 *   `fitGroupThresholds`, objective balanced accuracy, at most the capacity's share selected)
 *   fitted on every lead of the previous batch (the history for round 1), scored by the
 *   current model, with the outcomes the CRM recorded for them (uncalled = not converted,
 *   whatever the label policy: the fit needs both classes, and to the firm an uncalled lead is
 *   no known converter); applied to this batch (`applyGroupThresholds`, thinned to K at
 *   random). The previous batch, not the training pool, because under the 'unknown' policy the
 *   pool holds only called leads, whose scores are not those of a fresh batch. Balanced
 *   accuracy rather than accuracy, because recorded conversions are rare and accuracy would be
 *   best calling nobody. Calls the rules leave unused go to leads drawn at random from the
 *   rest, which keeps the groups' selection rates equal in expectation, so the capacity is used
 *   in full as in every remedy.
 * - Reps: each listed lead is called with probability `repFollow`; every lead skipped is
 *   replaced by the best lead not yet called in the rep's own judgement, logit(propensity) +
 *   N(0, 1) (they know their leads, imperfectly, and are not biased; a skipped lead may win
 *   its place back). K calls are made in every case. At repFollow 0 the calls are the reps'
 *   own top K, whatever the list says.
 */
import { WorkbenchError } from '../errors';
import { argsortDesc } from '../metrics';
import { applyGroupThresholds, fitGroupThresholds } from '../mitigate';
import { createRng, type Rng } from '../rng';
import type { Remedy } from './config';
import { TOWN_SIZES } from './knobs';

/** The K highest scores (the model's list without remedy). */
export function topOfList(scores: ArrayLike<number>, k: number): Uint8Array {
  const order = argsortDesc(scores);
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < k && i < order.length; i++) out[order[i]] = 1;
  return out;
}

/** Adds `m` leads drawn uniformly at random among those not yet selected (in place). */
export function addRandomCalls(selected: Uint8Array, m: number, rng: Rng): void {
  const rest: number[] = [];
  for (let i = 0; i < selected.length; i++) if (selected[i] === 0) rest.push(i);
  const take = Math.min(m, rest.length);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(rest.length - i);
    const t = rest[i];
    rest[i] = rest[j];
    rest[j] = t;
    selected[rest[i]] = 1;
  }
}

function countSelected(s: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < s.length; i++) c += s[i];
  return c;
}

/** What the group-thresholds remedy fits on: the previous batch's scores by the current model, recorded outcomes and town sizes. */
export interface ThresholdFit {
  scores: Float32Array;
  labels: Uint8Array;
  townCodes: Int32Array;
}

/** Demographic-parity group thresholds fitted on the previous batch, applied to this one, topped up to K at random. */
function groupThresholdList(scores: Float32Array, townCodes: Int32Array, k: number, fit: ThresholdFit, seed: number): Uint8Array {
  const rules = fitGroupThresholds({
    scores: fit.scores,
    labels: fit.labels,
    groupCodes: fit.townCodes,
    nGroups: TOWN_SIZES.length,
    constraint: 'demographic-parity',
    objective: 'balanced-accuracy',
    topK: (k * fit.scores.length) / scores.length,
  });
  const rng = createRng(seed);
  const selected = applyGroupThresholds(rules, scores, townCodes, { seed: rng.int(0x100000000), capacity: k });
  addRandomCalls(selected, k - countSelected(selected), rng);
  return selected;
}

export interface ListInput {
  scores: Float32Array;
  townCodes: Int32Array;
  /** K, the calls the reps can make */
  calls: number;
  remedy: Remedy;
  /** share of random calls for 'exploration' */
  exploration: number;
  /** needed for 'group-thresholds' */
  thresholdFit?: ThresholdFit;
  seed: number;
}

/** The list: K leads chosen by the model and the remedy (see the module comment). */
export function callList(input: ListInput): Uint8Array {
  const { scores, calls: k, remedy } = input;
  if (remedy === 'group-thresholds') {
    if (!input.thresholdFit) throw new WorkbenchError('internal', 'group thresholds need the pool to fit on');
    return groupThresholdList(scores, input.townCodes, k, input.thresholdFit, input.seed);
  }
  if (remedy === 'exploration') {
    const m = Math.round(input.exploration * k);
    const list = topOfList(scores, k - m);
    addRandomCalls(list, m, createRng(input.seed));
    return list;
  }
  return topOfList(scores, k);
}

/** How far the reps' own judgement strays from the truth: sd of the noise on the log-odds. */
export const REP_JUDGEMENT_NOISE = 1;

/** The calls made: the list as the reps follow it (see the module comment). */
export function repCalls(list: Uint8Array, propensity: Float64Array, repFollow: number, seed: number): Uint8Array {
  const calls = Uint8Array.from(list);
  if (repFollow >= 1) return calls;
  const rng = createRng(seed);
  let skipped = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === 1 && rng.next() >= repFollow) {
      calls[i] = 0;
      skipped++;
    }
  }
  if (skipped === 0) return calls;
  // the rep's own ranking of every lead not already called (a skipped lead may come back)
  const judgement = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, propensity[i]));
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    judgement[i] = calls[i] === 1 ? -1e300 : Math.log(p / (1 - p)) + REP_JUDGEMENT_NOISE * z;
  }
  const order = argsortDesc(judgement);
  for (let j = 0; j < skipped && j < order.length; j++) if (calls[order[j]] === 0) calls[order[j]] = 1;
  return calls;
}
