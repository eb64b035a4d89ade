/**
 * The feedback loop of prejudice, round by round (the definition is in ./index's module doc).
 *
 * Stages of `simulate`: settings checked → history batch into the pool → first model →
 * round 0 measured → per round: batch drawn, scored, list made (remedy), reps call, outcomes
 * recorded, round measured, batch into the pool, next model trained → result.
 */
import { WorkbenchError } from '../errors';
import { now, stageSeed } from '../mitigate/scenario-run';
import { createRng } from '../rng';
import { callList, repCalls, type ThresholdFit } from './calls';
import { resolveSimulationConfig, type SimulationConfig, type SimulationRequest } from './config';
import { generateLeads, recordOutcomes, type GeneratedLeads } from './generate';
import { TOWN_SIZES } from './knobs';
import { scoreTable, trainOnPool, type LoopModel } from './models';
import { addToPool, emptyPool, poolShares, poolTable, type TrainingPool } from './pool';
import { SIMULATION_FORMAT, type RoundResult, type SimulationProgress, type SimulationResult } from './result';
import { roundResult } from './round-metrics';

export interface SimulateOptions {
  /** called after each round (not for the history) with its result */
  onRound?: (r: RoundResult, p: SimulationProgress) => void;
  /**
   * polled before each round and during training: when it returns true the run ends after the
   * round in progress and returns the rounds so far (`stoppedEarly: true`); before the first
   * round is done it throws WorkbenchError('aborted')
   */
  shouldStop?: () => boolean;
}

/** The seed of round r's batch: the knobs' seed for the history (r = 0), a derived one after. */
export function batchSeed(knobSeed: number, round: number): number {
  return round === 0 ? knobSeed : stageSeed(knobSeed, round);
}

/** The loop's draws in round r: one stream per purpose. */
const DRAW = { train: 0, list: 1, reps: 2, record: 3 } as const;
function drawSeed(seed: number, round: number, purpose: number): number {
  return stageSeed(seed, round * 4 + purpose);
}

/** What the rounds share. */
interface LoopState {
  config: SimulationConfig;
  pool: TrainingPool;
  /** the previous batch (the history for round 1) and what the CRM recorded for it */
  previous: { batch: GeneratedLeads; recorded: Uint8Array };
  model: LoopModel;
  options: SimulateOptions;
}

const aborted = (): WorkbenchError => new WorkbenchError('aborted', 'the simulation was stopped before its first round finished', 'Run it again when ready.');

/** The next model, trained on the pool as it is now (round r's training seed). */
async function retrain(config: SimulationConfig, pool: TrainingPool, round: number, shouldStop?: () => boolean): Promise<LoopModel> {
  return trainOnPool(poolTable(pool), {
    kind: config.model,
    epochs: config.epochs,
    remedy: config.remedy,
    seed: drawSeed(config.seed, round, DRAW.train),
    ...(shouldStop ? { shouldStop } : {}),
  });
}

/** Training facts of the current model (trained on the pool as it is now) for the round's result. */
function trainingOf(state: LoopState): { shares: (number | null)[]; rows: number; epochs: number } {
  return { shares: poolShares(state.pool), rows: state.model.rows, epochs: state.model.epochs };
}

/** Round 0: the history's own calls and records, scored by the first model. */
async function measureHistory(state: LoopState, history: GeneratedLeads): Promise<RoundResult> {
  const scores = await scoreTable(state.model, history.table);
  return roundResult({
    round: 0,
    batch: history,
    scores,
    calls: history.called,
    recorded: history.observed,
    labelPolicy: state.config.labelPolicy,
    training: trainingOf(state),
  });
}

/** The previous batch's scores, recorded outcomes and groups, for the group-thresholds remedy. */
async function thresholdFit(state: LoopState): Promise<ThresholdFit> {
  const { batch, recorded } = state.previous;
  return { scores: await scoreTable(state.model, batch.table), labels: recorded, townCodes: batch.townCodes };
}

/** One round: draw, score, list, call, record, measure; the batch then joins the pool. */
async function playRound(state: LoopState, round: number): Promise<RoundResult> {
  const { config, pool } = state;
  const batch = generateLeads({ ...config.knobs, seed: batchSeed(config.knobs.seed, round) });
  const scores = await scoreTable(state.model, batch.table);
  const list = callList({
    scores,
    townCodes: batch.townCodes,
    calls: Math.round(config.capacity * batch.table.nRows),
    remedy: config.remedy,
    exploration: config.exploration,
    ...(config.remedy === 'group-thresholds' ? { thresholdFit: await thresholdFit(state) } : {}),
    seed: drawSeed(config.seed, round, DRAW.list),
  });
  const calls = repCalls(list, batch.propensity, config.repFollow, drawSeed(config.seed, round, DRAW.reps));
  const recorded = recordOutcomes(
    { truth: batch.truth, called: calls, townCodes: batch.townCodes, disfavoured: TOWN_SIZES.indexOf(config.knobs.disfavoured), labelBias: config.knobs.labelBias },
    createRng(drawSeed(config.seed, round, DRAW.record)),
  );
  const result = roundResult({ round, batch, scores, calls, recorded, labelPolicy: config.labelPolicy, training: trainingOf(state) });
  addToPool(pool, batch, { called: calls, recorded }, config.labelPolicy);
  state.previous = { batch, recorded };
  return result;
}

function describeRound(r: RoundResult, rounds: number): string {
  const dp = r.demographicParityDifference;
  return `round ${r.round} of ${rounds}: ${r.calls} of ${r.leads} leads called; selection-rate gap ${dp === null ? 'undefined' : dp.toFixed(3)}`;
}

/**
 * Runs the feedback loop (see the module doc of ./index for the full definition). Seeded and
 * deterministic except `timings`. Throws 'roles-invalid' for bad settings, 'target-one-class'
 * when a training pool holds no recorded conversion (e.g. capacity so low nobody converts),
 * 'aborted' when stopped before the first round ends. Every tensor it makes is disposed.
 */
export async function simulate(request: SimulationRequest = {}, options: SimulateOptions = {}): Promise<SimulationResult> {
  const t0 = now();
  const config = resolveSimulationConfig(request);
  const stop = (): boolean => options.shouldStop?.() === true;
  const pool = emptyPool();
  const history = generateLeads(config.knobs);
  addToPool(pool, history, { called: history.called, recorded: history.observed }, config.labelPolicy);
  const first = await retrain(config, pool, 0, options.shouldStop);
  const state: LoopState = { config, pool, previous: { batch: history, recorded: history.observed }, model: first, options };
  const rounds: RoundResult[] = [];
  const perRoundMs: number[] = [];
  let stoppedEarly = false;
  try {
    const historyResult = await measureHistory(state, history);
    for (let r = 1; r <= config.rounds; r++) {
      if (stop()) {
        stoppedEarly = true;
        break;
      }
      const tr = now();
      const result = await playRound(state, r);
      rounds.push(result);
      options.onRound?.(result, { round: r, rounds: config.rounds, message: describeRound(result, config.rounds) });
      if (r < config.rounds) {
        if (stop()) {
          perRoundMs.push(now() - tr);
          stoppedEarly = true;
          break;
        }
        const next = await retrain(config, pool, r, options.shouldStop).catch((e: unknown) => {
          if (e instanceof WorkbenchError && e.code === 'aborted') return null;
          throw e;
        });
        if (next === null) {
          perRoundMs.push(now() - tr);
          stoppedEarly = true;
          break;
        }
        state.model.model.dispose();
        state.model = next;
      }
      perRoundMs.push(now() - tr);
    }
    if (rounds.length === 0) throw aborted();
    return {
      format: SIMULATION_FORMAT,
      config,
      protected: 'town_size',
      groups: [...TOWN_SIZES],
      disfavoured: config.knobs.disfavoured,
      history: historyResult,
      rounds,
      stoppedEarly,
      timings: { totalMs: now() - t0, perRoundMs },
    };
  } finally {
    state.model.model.dispose();
  }
}
