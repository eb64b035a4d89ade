/**
 * The types of a Shapley run (input, options, result), apart from ./shapley.ts so that the
 * estimators' shared setup (./shapley-context.ts) and the coalition table (./coalitions.ts) can
 * name them without importing the estimators.
 */
import type { ExplainScorer, JobHooks, OutputSpace, Player } from './common';
import type { PermutationSampling } from './permutations';

export interface ShapleyInput {
  scorer: ExplainScorer;
  /** rows to explain, row-major nRows × scorer.nFeatures (encoded) */
  X: Float32Array;
  nRows: number;
  /** background rows, row-major nBackground × scorer.nFeatures (encoded) */
  background: Float32Array;
  nBackground: number;
  /** optional weights of the background rows (e.g. k-means cluster sizes); uniform when absent */
  backgroundWeights?: ArrayLike<number>;
  /** the columns: must partition [0, nFeatures) */
  players: readonly Player[];
}

export interface ShapleyOptions extends JobHooks {
  /** default 'probability' */
  output?: OutputSpace;
  /** p is clipped to [clip, 1 − clip] before a logit; default 1e-7 */
  logitClip?: number;
  /** model rows per predict call; default 16,384 (raised to nBackground if smaller) */
  batchRows?: number;
}

export interface PermutationOptions extends ShapleyOptions {
  /** antithetic permutations per explained row; default 10 (shap's "auto") */
  permutations?: number;
  /** default 0 */
  seed?: number;
  /** how a row's permutations relate (./permutations.ts); default DEFAULT_SAMPLING ('orthogonal') */
  sampling?: PermutationSampling;
  /**
   * Read the walks from a coalition table (./coalitions.ts): each distinct coalition of a row is
   * evaluated once, with values equal to the walk's bit for bit. Default: on when there are at
   * most MAX_TABLE_PLAYERS (12) players; off walks step by step (the only way above 12).
   */
  coalitionTable?: boolean;
  /**
   * Global index of the first explained row. Row i's permutations come from a stream seeded by
   * (seed, rowIndexOffset + i), so splitting rows across workers gives the same numbers.
   */
  rowIndexOffset?: number;
}

export type ShapleyMethod = 'exact' | 'permutation';

export interface ShapleyResult {
  method: ShapleyMethod;
  output: OutputSpace;
  players: Player[];
  nRows: number;
  nPlayers: number;
  /** v(∅) = E_b f(b) in the output space */
  baseValue: number;
  /** f(x) in the output space, per explained row (nRows) */
  predictions: Float64Array;
  /** row-major nRows × nPlayers */
  values: Float64Array;
  /**
   * row-major nRows × nPlayers: standard error of each value over the permutations
   * (std of the per-permutation contributions / √P); 0 for exact; NaN when P = 1
   */
  errors: Float64Array;
  /** permutations per row (0 for exact) */
  permutations: number;
  /** the permutation sampler (permutation method only) */
  sampling?: PermutationSampling;
  /** model rows actually evaluated, including the B + N prelude */
  evaluations: number;
  /** shap's cost without any skipping: rows × P × 2M × B (permutation) or rows × 2^M × B (exact) */
  plannedEvaluations: number;
  /** predict calls made */
  batches: number;
  /**
   * seconds spent inside the model's predict calls of the masked batches (permutation SHAP puts
   * the B + N prelude rows at the head of its first batch when they fit; scored apart, they are
   * not counted): evaluations ÷ this is the model's own rate on these batches, the baseline for
   * the explainer's throughput
   */
  modelSeconds?: number;
}
