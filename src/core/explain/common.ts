/**
 * Shared pieces of the explainers: players (dataset columns over the encoded row), output
 * spaces, batched prediction and seed mixing.
 *
 * A *player* is one dataset column: its [start, end) block of the encoded row. A categorical
 * column's one-hot block is switched on and off as a whole, so attributions are per column,
 * never per one-hot input.
 */
import { WorkbenchError } from '../errors';
import type { Scorer } from '../scorer';

export interface Player {
  name: string;
  /** first input of this column in the encoded row */
  start: number;
  /** one past the last input */
  end: number;
}

/**
 * Output space of the attributions.
 * - 'probability': the model's P(positive) (default).
 * - 'logit': logit of each model row's probability, averaged over the background rows —
 *   shap's margin (link=identity on a log-odds model output) with an Independent masker, and
 *   the peer fixture's `logit` space. On this scale a logistic model is additive, so
 *   permutation SHAP is exact for it.
 * - 'logit-of-expectation': logit of the background-averaged probability (the fixture's
 *   `logit_of_expected_probability`; shap's `link=logit` on a probability model).
 */
export type OutputSpace = 'probability' | 'logit' | 'logit-of-expectation';

/** Default clip of p before a logit: float32 probabilities saturate at 1 − 6e-8. */
export const DEFAULT_LOGIT_CLIP = 1e-7;

/**
 * A Scorer that can also return Float64 probabilities (a plain-TS reference model can).
 * The explainers call `predictFloat64` when it is present, so logit-space values do not
 * inherit float32 rounding near 0 and 1 (a float32 p of 0.9999998 has a logit error of ~0.1).
 * Every plain Scorer is an ExplainScorer.
 */
export interface ExplainScorer extends Scorer {
  predictFloat64?(X: Float32Array, nRows: number): Promise<Float64Array>;
}

/** Progress and cancellation hooks shared by every long job here. */
export interface JobHooks {
  /**
   * called after each model batch; `done` and `total` in units stated per function, `modelRows`
   * the model rows evaluated so far (where the function counts them), for a rate
   */
  onProgress?: (done: number, total: number, modelRows?: number) => void;
  /** polled before each model batch; returning true aborts with WorkbenchError('aborted') */
  shouldStop?: () => boolean;
}

/**
 * Default rows per predict call: the tfjs scorer's own chunk (createModelScorer, 16,384 rows).
 * tfjs wasm needs ≥ 1,000 rows per call to reach its rate, and a Layers predict call costs a
 * fixed overhead per layer, which 16,384 rows amortise better than 8,192 (bench/shap.ts).
 */
export const DEFAULT_BATCH_ROWS = 16384;

/** Milliseconds from a monotonic clock where there is one (performance.now), else Date.now. */
export function clockMs(): number {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p ? p.now() : Date.now();
}

export function internal(message: string, hint?: string): WorkbenchError {
  return new WorkbenchError('internal', message, hint);
}

export function aborted(): WorkbenchError {
  return new WorkbenchError('aborted', 'The explanation was stopped.', 'Start it again to get results.');
}

/** Players from manifest feature slices (`featureSlices(manifest)`). */
export function playersFromSlices(slices: readonly { column: string; start: number; end: number }[]): Player[] {
  return slices.map((s) => ({ name: s.column, start: s.start, end: s.end }));
}

/** One player per encoded input (for all-numeric models such as the peer fixtures). */
export function singleInputPlayers(width: number, names?: readonly string[]): Player[] {
  const out: Player[] = [];
  for (let c = 0; c < width; c++) out.push({ name: names?.[c] ?? `x${c}`, start: c, end: c + 1 });
  return out;
}

/**
 * Checks that the players partition [0, width) exactly (no gaps, no overlaps, none empty).
 * Returns `owner`: for each encoded input, the index of its player.
 */
export function checkPlayers(players: readonly Player[], width: number): Int32Array {
  if (players.length === 0) throw internal('at least one player (column) is needed');
  const owner = new Int32Array(width).fill(-1);
  players.forEach((p, j) => {
    if (!Number.isInteger(p.start) || !Number.isInteger(p.end) || p.start < 0 || p.end > width || p.end <= p.start) {
      throw internal(`player ${JSON.stringify(p.name)} has block [${p.start}, ${p.end}), outside [0, ${width}) or empty`);
    }
    for (let c = p.start; c < p.end; c++) {
      if (owner[c] >= 0) throw internal(`players ${JSON.stringify(players[owner[c]].name)} and ${JSON.stringify(p.name)} overlap at input ${c}`);
      owner[c] = j;
    }
  });
  const gap = owner.indexOf(-1);
  if (gap >= 0) throw internal(`input ${gap} belongs to no player; the players must cover the encoded row`, 'Build the players with playersFromSlices(featureSlices(manifest)).');
  return owner;
}

export function checkMatrix(what: string, X: ArrayLike<number>, nRows: number, width: number): void {
  if (!Number.isInteger(nRows) || nRows < 0) throw internal(`${what}: nRows must be a whole number ≥ 0, not ${nRows}`);
  if (X.length < nRows * width) throw internal(`${what} holds ${X.length} values, fewer than ${nRows} rows × ${width}`);
}

/** Normalised copy of optional non-negative weights (length n, positive sum); uniform when absent. */
export function normaliseWeights(what: string, w: ArrayLike<number> | undefined, n: number): Float64Array {
  const out = new Float64Array(n);
  if (!w) {
    out.fill(1 / n);
    return out;
  }
  if (w.length !== n) throw internal(`${what} has ${w.length} entries, expected ${n}`);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = w[i];
    if (!(v >= 0) || !Number.isFinite(v)) throw internal(`${what}[${i}] = ${v}; weights must be finite and ≥ 0`);
    s += v;
  }
  if (!(s > 0)) throw internal(`${what} sum to 0`);
  for (let i = 0; i < n; i++) out[i] = w[i] / s;
  return out;
}

export function logitClipped(p: number, clip: number): number {
  const q = p < clip ? clip : p > 1 - clip ? 1 - clip : p;
  return Math.log(q / (1 - q));
}

/** Calls the scorer (Float64 path when it has one) and checks the output length. */
export async function predictBatch(scorer: ExplainScorer, X: Float32Array, n: number): Promise<ArrayLike<number>> {
  const out = scorer.predictFloat64 ? await scorer.predictFloat64(X, n) : await scorer.predict(X, n);
  if (out.length < n) throw new WorkbenchError('model-shape-mismatch', `the model returned ${out.length} scores for ${n} rows`);
  return out;
}

/** P(positive) of nRows rows, in chunks of batchRows, as Float64. Throws on a non-finite score. */
export async function predictAll(
  scorer: ExplainScorer,
  X: Float32Array,
  nRows: number,
  width: number,
  batchRows: number,
): Promise<Float64Array> {
  const out = new Float64Array(nRows);
  for (let s = 0; s < nRows; s += batchRows) {
    const n = Math.min(batchRows, nRows - s);
    const y = await predictBatch(scorer, X.subarray(s * width, (s + n) * width), n);
    for (let i = 0; i < n; i++) {
      const v = y[i];
      if (!Number.isFinite(v)) {
        throw new WorkbenchError('model-invalid', `the model returned ${v} for row ${s + i}`, 'Check the model and the encoded input for NaN or infinite values.');
      }
      out[s + i] = v;
    }
  }
  return out;
}

/** A well-mixed 32-bit seed from (seed, stream): independent streams per row/player. */
export function mixSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul((stream >>> 0) + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function resolveBatchRows(batchRows: number | undefined): number {
  const b = Math.floor(batchRows ?? DEFAULT_BATCH_ROWS);
  if (!(b >= 1)) throw internal(`batchRows must be ≥ 1, not ${batchRows}`);
  return b;
}
