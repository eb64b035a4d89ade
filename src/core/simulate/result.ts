/**
 * What a simulation returns: per round, per town size and overall, the numbers the page
 * charts and the CLI writes (`bias-workbench.simulation/1`). Every rate comes from the metrics
 * core (see ./round-metrics); null means undefined (an empty group, a group with no labels).
 *
 * Fields marked "(added)" go beyond the contract: `simulate` always fills them; they
 * are optional in the types only so that results built by hand (chart tests, older files)
 * still type-check.
 */
import type { SimulationConfig } from './config';

export const SIMULATION_FORMAT = 'bias-workbench.simulation/1';

export interface RoundResult {
  /** 1, 2, …; the history is round 0 (`SimulationResult.history`) */
  round: number;
  /** leads in the round's batch */
  leads: number;
  /** (added) leads called (K = round(capacity × leads), or the past reps' calls in the history) */
  calls?: number;
  /** share of each town size's leads that were called */
  selectionRate: Record<string, number | null>;
  /** share of each town size's leads that truly convert when called (ground truth) */
  trueConversionRate: Record<string, number | null>;
  /**
   * what the CRM believes: recorded conversions over the leads it holds an outcome for (every
   * lead under the 'negative' label policy, the called ones under 'unknown')
   */
  observedConversionRate: Record<string, number | null>;
  /** true converters never called */
  missedConversions: Record<string, number>;
  /** share of the training rows of the model that scored this round from each town size */
  trainingShare: Record<string, number | null>;
  /** (added) mean score the model gave each town size's leads */
  meanScore?: Record<string, number | null>;
  /** (added) rows the model that scored this round was trained on */
  trainingRows?: number;
  /** (added) passes over those rows it was trained with */
  trainingEpochs?: number;
  /** largest minus smallest selection rate between town sizes (of at least 30 leads) */
  demographicParityDifference: number | null;
  /** largest minus smallest share of true converters called, between town sizes */
  trueEqualOpportunityDifference: number | null;
  /** share of leads whose call decision matches their true outcome (called = predicted to convert) */
  accuracyTrue: number | null;
  /** ROC AUC of the scores against the true outcomes */
  aucTrue: number | null;
  /** as accuracyTrue, against the recorded outcomes, over the leads with one */
  accuracyObserved: number | null;
  /** ROC AUC of the scores against the recorded outcomes, over the leads with one */
  aucObserved: number | null;
}

export interface SimulationResult {
  format: typeof SIMULATION_FORMAT;
  /** the settings, defaults filled in */
  config: SimulationConfig;
  protected: 'town_size';
  /** TOWN_SIZES */
  groups: string[];
  disfavoured: string;
  /**
   * (added) round 0: the historical batch, its past calls and recorded outcomes, scored by the
   * first model (trained on that batch, so its AUCs are in-sample)
   */
  history?: RoundResult;
  rounds: RoundResult[];
  /** (added) true when `shouldStop` ended the run before the last round */
  stoppedEarly?: boolean;
  /** the only non-deterministic fields */
  timings: { totalMs: number; perRoundMs: number[] };
}

export interface SimulationProgress {
  round: number;
  rounds: number;
  message: string;
}
