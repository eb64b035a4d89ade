/**
 * Simulate: synthetic CRM leads with bias knobs (./generate, ./knobs), and the feedback loop
 * of prejudice, round by round (./loop).
 *
 * Why: real data cannot show the loop. The leads nobody called never get an outcome (the
 * "selective labels" problem), so a model trained on a CRM's history cannot tell "does not
 * buy" from "was never asked". With a generated population whose true outcome is known for
 * every lead, the loop and its remedies can be watched.
 *
 * The loop (`simulate`), exactly:
 *
 * - Population: every batch is drawn by `generateLeads` with the same knobs; the history
 *   (round 0) with `knobs.seed`, round r ≥ 1 with a seed derived from `knobs.seed` and r. A
 *   lead's true outcome is what happens if it is called.
 * - Round 0: the history batch enters the training pool with its past calls and recorded
 *   outcomes (`converted`: historical bias, label bias and the label policy applied). The first
 *   model is trained on it.
 * - Round r ≥ 1:
 *   1. a fresh batch of `knobs.leads` leads is drawn and scored by the current model;
 *   2. the list: K = round(capacity × leads) leads, the top scores, changed by the remedy
 *      (./calls: 'exploration' makes round(exploration × K) of them random leads from the
 *      rest; 'group-thresholds' picks them with per-town-size cut-offs of equal selection
 *      rate, core/mitigate `fitGroupThresholds` + `applyGroupThresholds`, fitted on the previous
 *      batch);
 *   3. the reps call: each listed lead with probability `repFollow`, the lead their own
 *      (unbiased, noisy) judgement prefers otherwise; K calls in all;
 *   4. outcomes are observed for the called leads only: a called converter is recorded as
 *      converted, except a disfavoured-group converter with probability `labelBias`;
 *   5. the round is measured (./round-metrics, the metrics core's frame): per town size the
 *      selection rate, true conversion rate, the rate the CRM believes, missed conversions
 *      (true converters never called), the share of the scoring model's training rows, the
 *      mean score; overall the demographic parity difference (of the calls), the equal
 *      opportunity difference on true outcomes, accuracy and ROC AUC against the true and
 *      the recorded outcomes;
 *   6. the batch joins the pool per the label policy: 'negative' adds every lead (uncalled ones
 *      as not converted), 'unknown' only the called ones;
 *   7. unless it was the last round, the next model is trained on the whole pool with
 *      `trainModel` (seeded per round, no validation split, batches of 512, `epochs` passes
 *      or, by default, at least 5 and enough for 400 optimiser steps); under 'reweigh'
 *      every model, the first included, is trained with Kamiran–Calders weights by town size ×
 *      recorded outcome (core/mitigate `reweigh`).
 * - Seeds: the batches follow `knobs.seed`; training, the random calls, the rules' draws, the
 *   reps and the recording follow `config.seed`, one stream per round and purpose. Same
 *   settings, same numbers; only `timings` differ between runs.
 * - The model sees lead_source, channel, pages_viewed, email_opens, days_since_contact,
 *   income_band, product_interest, region and zip3; never town_size, age_band or gender. It can
 *   learn town size only through the proxies.
 */
export {
  BASE_CONVERSION_RATE,
  BASE_RATE_GAP_RANGE,
  defaultLeadKnobs,
  MAX_LEADS,
  neutralLeadKnobs,
  resolveLeadKnobs,
  targetConversionRates,
  TOWN_SIZES,
  type LeadKnobs,
  type TownSize,
} from './knobs';
export { generateLeads, LEAD_FEATURES, LEAD_TARGET, recordOutcomes, type GeneratedLeads } from './generate';
export { leadsToCsv, type LeadsCsvOptions } from './csv';
export {
  defaultSimulationConfig,
  LABEL_POLICIES,
  MAX_ROUNDS,
  MIN_SIMULATION_EPOCHS,
  MIN_TRAINING_STEPS,
  REMEDIES,
  resolveSimulationConfig,
  SIMULATION_MODELS,
  TRAINING_BATCH_SIZE,
  trainingEpochs,
  type LabelPolicy,
  type Remedy,
  type SimulationConfig,
  type SimulationModel,
  type SimulationRequest,
} from './config';
export { SIMULATION_FORMAT, type RoundResult, type SimulationProgress, type SimulationResult } from './result';
export { batchSeed, simulate, type SimulateOptions } from './loop';
