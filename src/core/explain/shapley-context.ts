/**
 * The setup every Shapley estimator shares (./shapley.ts, ./coalitions.ts): the checked input,
 * the output space, the B + N prelude (f of the background rows and of the explained rows), the
 * value of one masked state from its per-background-row outputs, and the equal-block flags of
 * the delta masking.
 */
import { WorkbenchError } from '../errors';
import { DEFAULT_LOGIT_CLIP, checkMatrix, checkPlayers, internal, logitClipped, normaliseWeights, predictAll, resolveBatchRows } from './common';
import type { ExplainScorer, JobHooks, OutputSpace, Player } from './common';
import type { PermutationSampling } from './permutations';
import type { ShapleyInput, ShapleyMethod, ShapleyOptions, ShapleyResult } from './shapley-types';

export const SPACE_PROB = 0;
export const SPACE_LOGIT = 1;
export const SPACE_LOE = 2;

export interface Ctx {
  scorer: ExplainScorer;
  X: Float32Array;
  N: number;
  bg: Float32Array;
  B: number;
  M: number;
  width: number;
  players: Player[];
  owner: Int32Array;
  /** normalised background weights */
  w: Float64Array;
  output: OutputSpace;
  space: number;
  clip: number;
  batchRows: number;
  hooks: JobHooks;
  /** g(f(b)) per background row (raw p for logit-of-expectation) */
  baseG: Float64Array;
  /** g(f(x)) per explained row (raw p for logit-of-expectation) */
  fxG: Float64Array;
  baseValue: number;
  predictions: Float64Array;
  evaluations: number;
  batches: number;
  modelMs: number;
}

/**
 * Checks the input and sets up the run. With `scorePrelude` (default) it also scores the
 * background rows and the explained rows (the B + N prelude); without, the caller scores them
 * and hands the outputs to takePrelude before reading baseG, fxG, baseValue or predictions.
 */
export async function prepare(input: ShapleyInput, options: ShapleyOptions, scorePrelude = true): Promise<Ctx> {
  const { scorer, X, nRows: N, background: bg, nBackground: B } = input;
  const width = scorer.nFeatures;
  const owner = checkPlayers(input.players, width);
  checkMatrix('X', X, N, width);
  checkMatrix('background', bg, B, width);
  if (B < 1) throw internal('the background needs at least one row');
  const output = options.output ?? 'probability';
  const space = output === 'probability' ? SPACE_PROB : output === 'logit' ? SPACE_LOGIT : output === 'logit-of-expectation' ? SPACE_LOE : -1;
  if (space < 0) throw internal(`unknown output space ${JSON.stringify(output)}`);
  const clip = options.logitClip ?? DEFAULT_LOGIT_CLIP;
  if (!(clip >= 0 && clip < 0.5)) throw internal(`logitClip must be in [0, 0.5), not ${clip}`);
  const batchRows = Math.max(resolveBatchRows(options.batchRows), B);
  const w = normaliseWeights('backgroundWeights', input.backgroundWeights, B);
  const ctx: Ctx = {
    scorer, X, N, bg, B, M: input.players.length, width, players: input.players.map((p) => ({ ...p })), owner, w, output, space, clip,
    batchRows, hooks: options, baseG: new Float64Array(B), fxG: new Float64Array(N), baseValue: 0, predictions: new Float64Array(N),
    evaluations: 0, batches: 0, modelMs: 0,
  };
  if (scorePrelude) {
    const baseP = await predictAll(scorer, bg, B, width, batchRows);
    const fxP = await predictAll(scorer, X, N, width, batchRows);
    ctx.evaluations = B + N;
    ctx.batches = Math.ceil(B / batchRows) + Math.ceil(N / batchRows);
    takePrelude(ctx, baseP, fxP);
  }
  return ctx;
}

/**
 * The prelude's outputs, P(positive) of the background rows and of the explained rows (already
 * checked finite): g of each, the base value v(∅) and the predictions.
 */
export function takePrelude(ctx: Ctx, baseP: ArrayLike<number>, fxP: ArrayLike<number>): void {
  const { space, clip } = ctx;
  const g = (p: number): number => (space === SPACE_LOGIT ? logitClipped(p, clip) : p);
  for (let b = 0; b < ctx.B; b++) ctx.baseG[b] = g(baseP[b]);
  for (let i = 0; i < ctx.N; i++) ctx.fxG[i] = g(fxP[i]);
  ctx.baseValue = maskValue(ctx, ctx.baseG);
  for (let i = 0; i < ctx.N; i++) ctx.predictions[i] = space === SPACE_LOE ? logitClipped(ctx.fxG[i], clip) : ctx.fxG[i];
}

/** One permutation SHAP run's settings, as permutationShap resolved them (walk or coalition table). */
export interface PermutationRun {
  /** permutations per explained row */
  P: number;
  seed: number;
  /** global index of the first explained row (its permutation stream) */
  rowOffset: number;
  sampling: PermutationSampling;
  /** the B + N prelude rides at the head of the first batch */
  preludeInBatch: boolean;
}

/**
 * The prelude at the head of a batch (when it fits there, no predict calls of its own): the B
 * background rows, then the N explained rows. Returns the rows written.
 */
export function putPreludeInBatch(ctx: Ctx, batch: Float32Array): number {
  const { bg, X, B, N, width } = ctx;
  batch.set(bg.subarray(0, B * width), 0);
  batch.set(X.subarray(0, N * width), B * width);
  return B + N;
}

/** takePrelude from the outputs of a batch that putPreludeInBatch began (checked finite); returns the outputs read. */
export function takePreludeFromBatch(ctx: Ctx, y: ArrayLike<number>): number {
  const { B, N } = ctx;
  checkPreludeOutputs(y, 0, B);
  checkPreludeOutputs(y, B, N);
  takePrelude(ctx, Float64Array.from({ length: B }, (_, b) => y[b]), Float64Array.from({ length: N }, (_, i) => y[B + i]));
  return B + N;
}

/** predictAll's check on prelude outputs that came in a shared batch: y[from … from + n) are rows 0 … n − 1. */
export function checkPreludeOutputs(y: ArrayLike<number>, from: number, n: number): void {
  for (let r = 0; r < n; r++) {
    const v = y[from + r];
    if (!Number.isFinite(v)) {
      throw new WorkbenchError('model-invalid', `the model returned ${v} for row ${r}`, 'Check the model and the encoded input for NaN or infinite values.');
    }
  }
}

/** v of one masked state from its per-background-row outputs (always the same summation order). */
export function maskValue(ctx: Ctx, out: Float64Array): number {
  const w = ctx.w;
  let s = 0;
  for (let b = 0; b < out.length; b++) s += w[b] * out[b];
  return ctx.space === SPACE_LOE ? logitClipped(s, ctx.clip) : s;
}

/** eq[j·B + b] = 1 when row i's block of player j equals background row b's block exactly. */
export function fillEq(ctx: Ctx, i: number, eq: Uint8Array): void {
  const { X, bg, B, width, players } = ctx;
  const xo = i * width;
  for (let j = 0; j < players.length; j++) {
    const { start, end } = players[j];
    for (let b = 0; b < B; b++) {
      const bo = b * width;
      let same = 1;
      for (let c = start; c < end; c++) {
        if (X[xo + c] !== bg[bo + c]) {
          same = 0;
          break;
        }
      }
      eq[j * B + b] = same;
    }
  }
}

export function checkOutputs(y: ArrayLike<number>, n: number): void {
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(y[k])) throw internal(`the model returned ${y[k]} for a masked row`, 'Check the model for NaN or infinite outputs.');
  }
}

export function emptyResult(ctx: Ctx, method: ShapleyMethod, permutations: number, planned: number): ShapleyResult {
  return {
    method, output: ctx.output, players: ctx.players, nRows: ctx.N, nPlayers: ctx.M, baseValue: ctx.baseValue,
    predictions: ctx.predictions, values: new Float64Array(ctx.N * ctx.M), errors: new Float64Array(ctx.N * ctx.M),
    permutations, evaluations: 0, plannedEvaluations: planned, batches: 0,
  };
}
