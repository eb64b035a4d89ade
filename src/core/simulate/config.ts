/**
 * The settings of a feedback-loop simulation (see ./loop for what each round does), their
 * defaults, and the check that turns a partial set into a complete, valid one.
 */
import { WorkbenchError } from '../errors';
import { defaultLeadKnobs, resolveLeadKnobs, stripUndefined, type LeadKnobs } from './knobs';

/**
 * What the firm does against the loop, every round:
 * - 'none': call the top of the list;
 * - 'exploration': a share `exploration` of the calls go to leads drawn at random among the
 *   rest of the batch (so every group keeps producing outcomes);
 * - 'reweigh': every model is trained with Kamiran–Calders weights by town size × recorded
 *   outcome (core/mitigate `reweigh`), so each group weighs as if its recorded conversion rate
 *   were everyone's;
 * - 'group-thresholds': per-town-size cut-offs with equal selection rates (core/mitigate
 *   `fitGroupThresholds`, demographic parity), fitted on the training pool's scores.
 */
export type Remedy = 'none' | 'exploration' | 'reweigh' | 'group-thresholds';
export const REMEDIES: readonly Remedy[] = ['none', 'exploration', 'reweigh', 'group-thresholds'];

/**
 * What the CRM stores for a lead nobody called: 'negative' = "not converted" (what a CRM
 * really holds, so the model learns that uncalled leads do not buy), 'unknown' = no outcome
 * (the lead is left out of training).
 */
export type LabelPolicy = 'negative' | 'unknown';
export const LABEL_POLICIES: readonly LabelPolicy[] = ['negative', 'unknown'];

export type SimulationModel = 'logistic' | 'mlp';
export const SIMULATION_MODELS: readonly SimulationModel[] = ['logistic', 'mlp'];

export interface SimulationConfig {
  /** the population every round draws from (a fresh batch of `knobs.leads` per round, seeded by round) */
  knobs: LeadKnobs;
  /** rounds after the history; default 8 */
  rounds: number;
  /** share of each batch that gets called (the reps' capacity), in (0, 1]; default 0.2 */
  capacity: number;
  /** uncalled leads: recorded as not converted (default) or left out of training */
  labelPolicy: LabelPolicy;
  /** default 'none' */
  remedy: Remedy;
  /** share of calls made at random (used when remedy = 'exploration'), default 0.1 */
  exploration: number;
  /**
   * 0..1: how often a rep calls the lead the list gives them (automation bias) rather than the
   * lead their own judgement prefers (the true propensity seen through noise); default 1
   */
  repFollow: number;
  /** default 'logistic' */
  model: SimulationModel;
  /**
   * passes over the pool per training; absent (the default) = automatic: at least
   * MIN_SIMULATION_EPOCHS, and as many as it takes to make MIN_TRAINING_STEPS optimiser steps
   * (a small pool gets more passes, so the first model is as settled as the later ones)
   */
  epochs?: number;
  /** seed of the loop's own draws (training, exploration, thresholds, reps, recording); default 1 */
  seed: number;
}

/** Automatic epochs: never fewer passes than this … */
export const MIN_SIMULATION_EPOCHS = 5;
/** … nor fewer optimiser steps (batches of TRAINING_BATCH_SIZE rows) than this. */
export const MIN_TRAINING_STEPS = 400;
export const TRAINING_BATCH_SIZE = 512;

/** Epochs for a pool of `rows` rows: the configured number, or the automatic one (see SimulationConfig.epochs). */
export function trainingEpochs(rows: number, epochs: number | undefined): number {
  if (epochs !== undefined) return epochs;
  const batches = Math.max(1, Math.ceil(rows / TRAINING_BATCH_SIZE));
  return Math.max(MIN_SIMULATION_EPOCHS, Math.ceil(MIN_TRAINING_STEPS / batches));
}
export const MAX_ROUNDS = 100;

export const defaultSimulationConfig: SimulationConfig = {
  knobs: defaultLeadKnobs,
  rounds: 8,
  capacity: 0.2,
  labelPolicy: 'negative',
  remedy: 'none',
  exploration: 0.1,
  repFollow: 1,
  model: 'logistic',
  seed: 1,
};

/** What `simulate` takes: any subset of the settings, the knobs themselves partial too. */
export type SimulationRequest = Partial<Omit<SimulationConfig, 'knobs'>> & { knobs?: Partial<LeadKnobs> };

function bad(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

function oneOf<T extends string>(name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw bad(`${name} must be one of ${allowed.join(', ')}, not '${String(value)}'`, `Choose ${name} among ${allowed.join(', ')}.`);
}

/**
 * The settings with defaults filled in (epochs stays absent unless given: automatic), checked. Throws 'roles-invalid'
 * with a hint: rounds a whole number in [1, 100]; capacity in (0, 1] and at least one call
 * per batch; exploration and repFollow in [0, 1]; epochs a whole number ≥ 1; seed a whole
 * number in [0, 2³²); the knobs as resolveLeadKnobs checks them.
 */
export function resolveSimulationConfig(request: SimulationRequest = {}): SimulationConfig {
  const { knobs, ...rest } = request;
  const c: SimulationConfig = { ...defaultSimulationConfig, ...stripUndefined(rest), knobs: resolveLeadKnobs(knobs ?? {}) };
  if (!Number.isInteger(c.rounds) || c.rounds < 1 || c.rounds > MAX_ROUNDS) {
    throw bad(`rounds must be a whole number from 1 to ${MAX_ROUNDS}, not ${c.rounds}`, 'Choose how many rounds of calling and retraining to run, e.g. 8.');
  }
  if (!(c.capacity > 0 && c.capacity <= 1)) throw bad(`capacity must be in (0, 1], not ${c.capacity}`, 'Choose the share of each batch the reps can call, e.g. 0.2.');
  if (Math.round(c.capacity * c.knobs.leads) < 1) {
    throw bad(`a capacity of ${c.capacity} calls nobody in a batch of ${c.knobs.leads} leads`, 'Raise the capacity or the number of leads.');
  }
  if (!(c.exploration >= 0 && c.exploration <= 1)) throw bad(`exploration must be between 0 and 1, not ${c.exploration}`, 'Choose the share of calls made at random, e.g. 0.1.');
  if (!(c.repFollow >= 0 && c.repFollow <= 1)) throw bad(`repFollow must be between 0 and 1, not ${c.repFollow}`, 'Choose how often reps follow the list, from 0 (never) to 1 (always).');
  oneOf('labelPolicy', c.labelPolicy, LABEL_POLICIES);
  oneOf('remedy', c.remedy, REMEDIES);
  oneOf('model', c.model, SIMULATION_MODELS);
  if (c.epochs !== undefined && (!Number.isInteger(c.epochs) || c.epochs < 1)) {
    throw bad(`epochs must be a whole number ≥ 1, not ${c.epochs}`, 'Choose how many passes each retraining makes, e.g. 5, or leave it out for the automatic number.');
  }
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) {
    throw bad(`seed must be a whole number from 0 to 4294967295, not ${c.seed}`, 'Choose any whole number; the same seed gives the same simulation.');
  }
  return c;
}
