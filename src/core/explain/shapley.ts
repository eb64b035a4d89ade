/**
 * Interventional (marginal) Shapley values of a Scorer's output, per dataset column.
 *
 * The value of a coalition S for an explained row x is
 *   v(S) = Σ_b w_b · g(f(x_S, b_¬S))                (output 'probability' / 'logit')
 *   v(S) = logit(Σ_b w_b · f(x_S, b_¬S))            (output 'logit-of-expectation')
 * over the background rows b (weights w_b, uniform unless given), where g is the identity or
 * the clipped logit. This is shap's Independent masker: one masked evaluation = one model row
 * per background row.
 *
 * - `exactShapley` enumerates all 2^M coalitions (M ≤ 12) with weights |S|!(M−|S|−1)!/M!.
 * - `permutationShap` is shap's PermutationExplainer walk: for each seeded permutation,
 *   switch the players on one by one from the all-background state to x (forward) and off again
 *   in the same order (backward); each toggle's change in v is credited to the toggled player.
 *   The permutations are antithetic (shap's) or orthogonal (the default, lower error at the
 *   same cost): see ./permutations.ts. Σ values = f(x) − E_b f(b) exactly (telescoping), and the
 *   values are exact for models with interactions of order ≤ 2 in the output space (e.g. a
 *   logistic model in 'logit' space).
 * - `explain` picks exact when M ≤ 10 (shap's rule for Independent maskers), else permutation.
 *
 * Cost savings over shap, none of which change the result:
 * - Coalition table (./coalitions.ts), with at most 12 players: a row's walks visit the same
 *   coalitions again and again (8 players have 254 besides ∅ and everything; 21 walks visit
 *   294 states), so each distinct coalition is evaluated once and every step is read from the
 *   table: the walk's values bit for bit at ~0.6–0.7× its model rows. Above 12 players the walk
 *   goes step by step, with the savings below.
 * - Delta masking: when a toggled block of x equals a background row's block (exact float
 *   equality; shap uses np.isclose), that background row's input and output do not change and
 *   it is not evaluated. A column equal to every background row costs nothing and gets exactly 0
 *   (shap drops such "invariant" columns from its permutations up front).
 * - Known states: a hybrid row that equals x (all on) or its background row (all off) reuses
 *   f(x) / f(b) from the one-off prelude (B + N model rows).
 * - A row whose only switched-on column differs (or only switched-off one) depends only on
 *   (column, background row); within one explained row such states recur across permutations
 *   (the first and last toggles of every pass) and are evaluated once.
 *
 * Batching: masked evaluations of many steps, permutations and explained rows are packed into
 * one Float32Array of `batchRows` rows (default 16,384; at least nBackground) per predict call;
 * permutation SHAP puts the B + N prelude rows at the head of its first batch, and reuses its
 * batch and tape buffers from one run to the next (a pool worker's chunks).
 */
import { createRng } from '../rng';
import { aborted, clockMs, internal, logitClipped, mixSeed, predictBatch, resolveBatchRows } from './common';
import { CoalitionEvaluator, MAX_TABLE_PLAYERS, permutationFromTable, tableRowsPerChunk } from './coalitions';
import { DEFAULT_SAMPLING, checkSampling, permutationSource } from './permutations';
import type { PermutationSampling, PermutationSource } from './permutations';
import { SPACE_LOGIT, checkOutputs, emptyResult, fillEq, maskValue, prepare, putPreludeInBatch, takePreludeFromBatch } from './shapley-context';
import type { Ctx, PermutationRun } from './shapley-context';

export type { PermutationOptions, ShapleyInput, ShapleyMethod, ShapleyOptions, ShapleyResult } from './shapley-types';
import type { PermutationOptions, ShapleyInput, ShapleyMethod, ShapleyOptions, ShapleyResult } from './shapley-types';

/** The largest M `exactShapley` accepts. */
export const MAX_EXACT_PLAYERS = 12;
/** `explain` uses exact up to this many players (shap's rule for Independent maskers). */
export const AUTO_EXACT_MAX_PLAYERS = 10;
export const DEFAULT_PERMUTATIONS = 10;

export interface CostQuery {
  nRows: number;
  nPlayers: number;
  nBackground: number;
  /** default 10 */
  permutations?: number;
  /** default 'auto' */
  method?: ShapleyMethod | 'auto';
}

export interface CostEstimate {
  method: ShapleyMethod;
  /** shap's model-row count: rows × P × 2M × B, or rows × 2^M × B for exact */
  plannedEvaluations: number;
  /** an upper bound on what this implementation evaluates (end states reused, prelude added) */
  maxEvaluations: number;
  /**
   * permutation only, when exact enumeration is possible (M ≤ MAX_EXACT_PLAYERS): exact's upper
   * bound on model rows. When it is ≤ maxEvaluations the permutation budget buys estimates at a
   * cost that would give exact values (see exactNoDearerNote).
   */
  exactMaxEvaluations?: number;
}

/** Cost in model rows before a run starts (divide by the scorer's rows/s for seconds). */
export function estimateCost(q: CostQuery): CostEstimate {
  const { nRows: N, nPlayers: M, nBackground: B } = q;
  const method: ShapleyMethod = q.method === 'exact' || q.method === 'permutation' ? q.method : M <= AUTO_EXACT_MAX_PLAYERS ? 'exact' : 'permutation';
  if (method === 'exact') {
    const masks = 2 ** M;
    return { method, plannedEvaluations: N * masks * B, maxEvaluations: N * Math.max(0, masks - 2) * B + B + N };
  }
  const P = q.permutations ?? DEFAULT_PERMUTATIONS;
  const est: CostEstimate = { method, plannedEvaluations: N * P * 2 * M * B, maxEvaluations: N * P * Math.max(0, 2 * M - 2) * B + B + N };
  if (M <= MAX_EXACT_PLAYERS) est.exactMaxEvaluations = estimateCost({ ...q, method: 'exact' }).maxEvaluations;
  return est;
}

/**
 * A sentence for a permutation run whose budget evaluates at least as many model rows as exact
 * enumeration would (P · (2M − 2) ≥ 2^M − 2, e.g. 8 columns from 19 permutations): exact values
 * cost no more. Null otherwise. Callers show it and keep the method asked for.
 */
export function exactNoDearerNote(cost: CostEstimate, nPlayers: number): string | null {
  if (cost.method !== 'permutation' || cost.exactMaxEvaluations === undefined || cost.exactMaxEvaluations > cost.maxEvaluations) return null;
  const n = (x: number): string => x.toLocaleString('en-US');
  return `exact Shapley values over these ${nPlayers} columns (2^${nPlayers} coalitions) would evaluate at most ${n(cost.exactMaxEvaluations)} model rows, no more than this permutation budget's ${n(cost.maxEvaluations)}: exact costs no more and has no sampling error`;
}

/** shap's `npermutations = max_evals // (2M + 1)`; throws when that is 0, as shap does. */
export function permutationsForMaxEvals(maxEvals: number, nPlayers: number): number {
  const p = Math.floor(maxEvals / (2 * nPlayers + 1));
  if (p < 1) throw internal(`max_evals=${maxEvals} is too low for ${nPlayers} columns; it must be at least ${2 * nPlayers + 1}`);
  return p;
}

// ---------------------------------------------------------------------------------------
// exact

/**
 * Exact interventional Shapley values by enumerating all 2^M coalitions (M ≤ 12).
 * Progress: (coalitions done, nRows × 2^M).
 */
export async function exactShapley(input: ShapleyInput, options: ShapleyOptions = {}): Promise<ShapleyResult> {
  const M = input.players.length;
  if (M > MAX_EXACT_PLAYERS) {
    throw internal(`exact Shapley values over ${M} columns need 2^${M} coalitions per row; the limit is ${MAX_EXACT_PLAYERS}`, 'Use permutation SHAP (method "auto" picks it).');
  }
  const ctx = await prepare(input, options);
  const { N } = ctx;
  const nS = 1 << M;
  const res = emptyResult(ctx, 'exact', 0, N * nS * ctx.B);
  const rowsPerChunk = tableRowsPerChunk(N, M);
  const ev = new CoalitionEvaluator(ctx, rowsPerChunk, false, () => ctx.hooks.onProgress?.(ev.entriesDone, N * nS, ctx.evaluations));
  const list = new Int32Array(rowsPerChunk * nS);
  const listStart = new Int32Array(rowsPerChunk + 1);
  for (let li = 0; li < rowsPerChunk; li++) for (let S = 0; S < nS; S++) list[li * nS + S] = S;
  for (let li = 0; li <= rowsPerChunk; li++) listStart[li] = li * nS;

  // Shapley weights by coalition size, and popcounts
  const weight = new Float64Array(M);
  for (let k = 0; k < M; k++) weight[k] = 1 / (M * binomial(M - 1, k));
  const pop = new Uint8Array(nS);
  for (let S = 1; S < nS; S++) pop[S] = pop[S >> 1] + (S & 1);

  for (let r0 = 0; r0 < N; r0 += rowsPerChunk) {
    const R = Math.min(rowsPerChunk, N - r0);
    await ev.run({ r0, R, list, listStart });
    const V = ev.V;
    for (let li = 0; li < R; li++) {
      const vo = li * nS;
      const ro = (r0 + li) * M;
      for (let j = 0; j < M; j++) {
        const bit = 1 << j;
        let phi = 0;
        for (let S = 0; S < nS; S++) {
          if (S & bit) continue;
          phi += weight[pop[S]] * (V[vo + (S | bit)] - V[vo + S]);
        }
        res.values[ro + j] = phi;
      }
    }
  }
  res.evaluations = ctx.evaluations;
  res.batches = ctx.batches;
  res.modelSeconds = ctx.modelMs / 1000;
  return res;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

// ---------------------------------------------------------------------------------------
// permutation

/**
 * Runs of at least this many floats are copied into the batch with copyWithin (a memmove within
 * one buffer); shorter ones by a loop, which is cheaper below it. Measured in Node: 8 floats,
 * loop 8 ns vs copyWithin 15; 50 floats (a bank demo row), loop 87 ns vs copyWithin 18.
 */
const COPY_WITHIN_MIN_FLOATS = 16;

/** What the consumer does with one background row at one toggle (see Tape). */
const T_FX = 0;
const T_BASE = 1;
const T_CACHED = 2;
const T_EVAL = 3;
const T_EVAL_STORE = 4;
/**
 * Added to a code when one tape entry stands for every background row of the step in order
 * (b = 0 … B − 1, keys key + b): the steps of an explained row none of whose blocks equals a
 * background row's, where every background row goes through the same states (see produceUniform).
 */
const T_ALL = 8;

/**
 * The producer's decisions for the steps of one batch, so the consumer replays them without
 * redoing the bookkeeping: per background row touched, what its new output is (f(x), f(b), a
 * cached state, or the next model output, stored under `key` or not), and where each step ends.
 */
interface Tape {
  code: Uint8Array;
  row: Int32Array;
  key: Int32Array;
  len: number;
  stepEnd: Int32Array;
  steps: number;
}

function createTape(entries: number, steps: number): Tape {
  return { code: new Uint8Array(entries), row: new Int32Array(entries), key: new Int32Array(entries), len: 0, stepEnd: new Int32Array(steps), steps: 0 };
}

/**
 * Walks the (row, permutation, toggle) sequence. The same walk runs twice: the producer
 * writes the rows that need a model evaluation into the batch; after the predict call the
 * consumer replays the same steps, reading those outputs in order and crediting the deltas.
 * Both make identical skip/reuse decisions, so nothing per row needs to be stored in between.
 */
class PermutationWalk {
  done = false;
  unitsDone = 0;
  private i = 0;
  private p = 0;
  private t = 0;
  private source: PermutationSource | null = null;
  private readonly perm: Int32Array;
  private readonly eq: Uint8Array;
  private readonly nNonEq: Int32Array;
  private readonly xorNonEq: Int32Array;
  private readonly diffB: Int32Array;
  private readonly xorOn: Int32Array;
  /** reuse flags for single-on (first M·B) and single-off (next M·B) states of the current row */
  private readonly flags: Uint8Array;
  // producer
  /** the producer's rows: the batch, then the B current hybrid rows (one buffer, see produce) */
  private readonly work: Float32Array | null;
  private readonly hybridAt: number;
  private readonly hybrid: Float32Array | null;
  // consumer
  private readonly out: Float64Array | null;
  private readonly cache: Float64Array | null;
  private readonly contrib: Float64Array | null;
  private readonly sum: Float64Array | null;
  private readonly wMean: Float64Array | null;
  private readonly wM2: Float64Array | null;
  private vPrev = 0;
  /**
   * producer: the current row has no block equal to a background row's, so every background
   * row is in the same state at every step and one scalar state stands for all of them
   */
  private uniform = false;
  private uX = 0;
  private uB = 0;
  private uXorOn = 0;
  private uXorOff = 0;

  constructor(
    private readonly ctx: Ctx,
    consumer: boolean,
    private readonly P: number,
    private readonly seed: number,
    private readonly rowOffset: number,
    private readonly res: ShapleyResult,
    private readonly sampling: PermutationSampling,
    /** producer only: (batchRows + B) × width floats; the batch is its first batchRows rows */
    work: Float32Array | null,
    /** written by the producer, read by the consumer */
    private readonly tape: Tape,
  ) {
    const { M, B, width } = ctx;
    this.perm = new Int32Array(M);
    this.eq = new Uint8Array(M * B);
    this.nNonEq = new Int32Array(B);
    this.xorNonEq = new Int32Array(B);
    this.diffB = new Int32Array(B);
    this.xorOn = new Int32Array(B);
    this.flags = new Uint8Array(2 * M * B);
    this.work = consumer ? null : work;
    this.hybridAt = ctx.batchRows * width;
    this.hybrid = this.work ? this.work.subarray(this.hybridAt, this.hybridAt + B * width) : null;
    if (this.hybrid && this.hybrid.length !== B * width) throw internal('permutation SHAP: the producer needs (batchRows + B) × width floats');
    this.out = consumer ? new Float64Array(B) : null;
    this.cache = consumer ? new Float64Array(2 * M * B) : null;
    this.contrib = consumer ? new Float64Array(M) : null;
    this.sum = consumer ? new Float64Array(M) : null;
    this.wMean = consumer ? new Float64Array(M) : null;
    this.wM2 = consumer ? new Float64Array(M) : null;
    if (ctx.N === 0) this.done = true;
    else this.beginRow(0);
  }

  private beginRow(i: number): void {
    const { M, B } = this.ctx;
    this.i = i;
    this.p = 0;
    this.source = permutationSource(this.sampling, M, createRng(mixSeed(this.seed, this.rowOffset + i)));
    if (this.sum) {
      // the consumer replays the producer's tape: it keeps no per-row bookkeeping
      this.sum.fill(0);
      this.wMean!.fill(0);
      this.wM2!.fill(0);
      this.beginUnit();
      return;
    }
    fillEq(this.ctx, i, this.eq);
    for (let b = 0; b < B; b++) {
      let n = 0;
      let x = 0;
      for (let j = 0; j < M; j++) {
        if (!this.eq[j * B + b]) {
          n++;
          x ^= j;
        }
      }
      this.nNonEq[b] = n;
      this.xorNonEq[b] = x;
    }
    let uniform = true;
    for (let b = 0; b < B && uniform; b++) uniform = this.nNonEq[b] === M;
    this.uniform = uniform;
    this.flags.fill(0);
    this.beginUnit();
  }

  private beginUnit(): void {
    const { B, bg, width } = this.ctx;
    this.source!.next(this.perm);
    this.t = 0;
    if (this.out) {
      this.out.set(this.ctx.baseG);
      this.vPrev = this.ctx.baseValue;
      this.contrib!.fill(0);
      return;
    }
    this.diffB.fill(0);
    this.xorOn.fill(0);
    this.uX = this.ctx.M;
    this.uB = 0;
    this.uXorOn = 0;
    this.uXorOff = this.xorNonEq[0];
    this.hybrid!.set(bg.subarray(0, B * width));
  }

  private endUnit(): void {
    const M = this.ctx.M;
    if (this.contrib) {
      const contrib = this.contrib;
      const sum = this.sum!;
      const mean = this.wMean!;
      const m2 = this.wM2!;
      const n = this.p + 1;
      for (let j = 0; j < M; j++) {
        sum[j] += contrib[j];
        const c = contrib[j] / 2;
        const d = c - mean[j];
        mean[j] += d / n;
        m2[j] += d * (c - mean[j]);
      }
    }
    this.unitsDone++;
    this.p++;
    if (this.p < this.P) {
      this.beginUnit();
      return;
    }
    if (this.sum) {
      const P = this.P;
      const o = this.i * M;
      for (let j = 0; j < M; j++) {
        this.res.values[o + j] = this.sum[j] / (2 * P);
        this.res.errors[o + j] = P > 1 ? Math.sqrt(this.wM2![j] / (P - 1) / P) : NaN;
      }
    }
    if (this.i + 1 < this.ctx.N) this.beginRow(this.i + 1);
    else this.done = true;
  }

  /** Producer: one toggle; appends the rows to evaluate to `batch` from row `fill`; returns the new fill. */
  produce(batch: Float32Array, fill: number): number {
    if (this.uniform) return this.produceUniform(batch, fill);
    const { M, B, width, X, bg } = this.ctx;
    const t = ++this.t;
    const on = t <= M;
    const j = this.perm[(t - 1) % M];
    const { start, end } = this.ctx.players[j];
    const eq = this.eq;
    const nNonEq = this.nNonEq;
    const xorNonEq = this.xorNonEq;
    const diffB = this.diffB;
    const xorOn = this.xorOn;
    const flags = this.flags;
    const hybrid = this.hybrid!;
    const xo = this.i * width;
    const src = on ? X : bg;
    const dir = on ? 1 : -1;
    const eqAt = j * B;
    const MB = M * B;
    const tape = this.tape;
    const tCode = tape.code;
    const tRow = tape.row;
    const tKey = tape.key;
    let k = tape.len;
    // the rows to evaluate are copied from the hybrid rows in runs of consecutive b (see copyRun)
    let runFrom = 0;
    let runTo = 0;
    let runDst = fill;
    for (let b = 0; b < B; b++) {
      if (eq[eqAt + b]) continue;
      const ho = b * width;
      const so = on ? xo : ho;
      for (let c = start; c < end; c++) hybrid[ho + c] = src[so + c];
      // blocks switched on (from x) and still off (from b) among b's non-equal ones; the XOR
      // of the players switched on, and of those off (the rest of b's non-equal ones)
      const dB = (diffB[b] += dir);
      const dX = nNonEq[b] - dB;
      const xOn = (xorOn[b] ^= j);
      tRow[k] = b;
      if (dX === 0) {
        tCode[k++] = T_FX;
        continue;
      }
      if (dB === 0) {
        tCode[k++] = T_BASE;
        continue;
      }
      const key = dB === 1 ? xOn * B + b : dX === 1 ? MB + (xOn ^ xorNonEq[b]) * B + b : -1;
      tKey[k] = key;
      if (key >= 0) {
        if (flags[key]) {
          tCode[k++] = T_CACHED;
          continue;
        }
        flags[key] = 1;
        tCode[k++] = T_EVAL_STORE;
      } else tCode[k++] = T_EVAL;
      if (b !== runTo) {
        this.copyRun(batch, runDst, runFrom, runTo);
        runFrom = b;
        runDst = fill;
      }
      runTo = b + 1;
      fill++;
    }
    this.copyRun(batch, runDst, runFrom, runTo);
    tape.len = k;
    tape.stepEnd[tape.steps++] = k;
    if (t === 2 * M) this.endUnit();
    return fill;
  }

  /**
   * Producer, a row with no block equal to a background row's: produce's decisions, taken once
   * for all background rows (their counters are equal: no toggle is ever skipped), written as one
   * T_ALL tape entry; the hybrid rows change in the toggled block only and go into the batch
   * in one copy. The single-on/single-off reuse flags are kept at b = 0 for the whole row.
   */
  private produceUniform(batch: Float32Array, fill: number): number {
    const { M, B, width, X, bg } = this.ctx;
    const t = ++this.t;
    const on = t <= M;
    const j = this.perm[(t - 1) % M];
    const { start, end } = this.ctx.players[j];
    const hybrid = this.hybrid!;
    const src = on ? X : bg;
    const xo = this.i * width;
    for (let b = 0; b < B; b++) {
      const ho = b * width;
      const so = on ? xo : ho;
      for (let c = start; c < end; c++) hybrid[ho + c] = src[so + c];
    }
    if (on) {
      this.uX--;
      this.uB++;
    } else {
      this.uX++;
      this.uB--;
    }
    this.uXorOn ^= j;
    this.uXorOff ^= j;
    const tape = this.tape;
    const k = tape.len;
    let code: number;
    if (this.uX === 0) code = T_FX;
    else if (this.uB === 0) code = T_BASE;
    else {
      const key = this.uB === 1 ? this.uXorOn * B : this.uX === 1 ? M * B + this.uXorOff * B : -1;
      tape.key[k] = key;
      if (key < 0) code = T_EVAL;
      else if (this.flags[key]) code = T_CACHED;
      else {
        this.flags[key] = 1;
        code = T_EVAL_STORE;
      }
      if (code !== T_CACHED) {
        this.copyRun(batch, fill, 0, B);
        fill += B;
      }
    }
    tape.code[k] = code + T_ALL;
    tape.len = k + 1;
    tape.stepEnd[tape.steps++] = k + 1;
    if (t === 2 * M) this.endUnit();
    return fill;
  }

  /**
   * Producer: copies hybrid rows [from, to) into the batch from row `dst`. Hybrid row b changes
   * only at b's own turn in a step, so a run of consecutive rows to evaluate is final once the
   * step has moved past it and goes over in one memmove (copyWithin within the producer's
   * buffer): at 8 inputs a step's 50 background rows cost one call instead of 50 loops.
   */
  private copyRun(batch: Float32Array, dst: number, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    const width = this.ctx.width;
    const len = n * width;
    const o = dst * width;
    const h = from * width;
    if (len >= COPY_WITHIN_MIN_FLOATS) {
      const at = this.hybridAt;
      this.work!.copyWithin(o, at + h, at + h + len);
    } else {
      const hybrid = this.hybrid!;
      for (let c = 0; c < len; c++) batch[o + c] = hybrid[h + c];
    }
  }

  /**
   * Consumer: replays one toggle from the tape's entries [from, to), reading model outputs from
   * y[cur...]; returns the new cursor.
   */
  consume(y: ArrayLike<number>, cur: number, from: number, to: number): number {
    const ctx = this.ctx;
    const { M, space, clip } = ctx;
    const t = ++this.t;
    const on = t <= M;
    const j = this.perm[(t - 1) % M];
    const out = this.out!;
    const cache = this.cache!;
    const fx = ctx.fxG[this.i];
    const baseG = ctx.baseG;
    const { code, row, key } = this.tape;
    if (to > from && code[from] >= T_ALL) cur = this.consumeAll(y, cur, code[from] - T_ALL, key[from], fx);
    else for (let k = from; k < to; k++) {
      const b = row[k];
      const c = code[k];
      if (c === T_FX) out[b] = fx;
      else if (c === T_BASE) out[b] = baseG[b];
      else if (c === T_CACHED) out[b] = cache[key[k]];
      else {
        const p = y[cur++];
        if (!Number.isFinite(p)) checkOutputs(y, cur);
        const v = space === SPACE_LOGIT ? logitClipped(p, clip) : p;
        out[b] = v;
        if (c === T_EVAL_STORE) cache[key[k]] = v;
      }
    }
    const v = maskValue(ctx, out);
    this.contrib![j] += on ? v - this.vPrev : this.vPrev - v;
    this.vPrev = v;
    if (t === 2 * M) this.endUnit();
    return cur;
  }

  /**
   * Consumer: one T_ALL entry (see produceUniform): every background row b takes the same kind
   * of output, with key + b as its cache slot; fills `out` exactly as the per-row loop would.
   */
  private consumeAll(y: ArrayLike<number>, cur: number, c: number, key: number, fx: number): number {
    const { B, space, clip, baseG } = this.ctx;
    const out = this.out!;
    const cache = this.cache!;
    if (c === T_FX) out.fill(fx);
    else if (c === T_BASE) out.set(baseG);
    else if (c === T_CACHED) for (let b = 0; b < B; b++) out[b] = cache[key + b];
    else {
      for (let b = 0; b < B; b++) {
        const p = y[cur++];
        if (!Number.isFinite(p)) checkOutputs(y, cur);
        out[b] = space === SPACE_LOGIT ? logitClipped(p, clip) : p;
      }
      if (c === T_EVAL_STORE) cache.set(out, key);
    }
    return cur;
  }
}

/**
 * Permutation SHAP (shap's PermutationExplainer, antithetic), seeded and batched.
 * Progress: (permutation walks done, nRows × permutations).
 */
export async function permutationShap(input: ShapleyInput, options: PermutationOptions = {}): Promise<ShapleyResult> {
  const P = options.permutations ?? DEFAULT_PERMUTATIONS;
  if (!Number.isInteger(P) || P < 1) throw internal(`permutations must be a whole number ≥ 1, not ${P}`);
  const sampling = checkSampling(options.sampling ?? DEFAULT_SAMPLING);
  // the prelude (B background + N explained rows) rides at the head of the first batch when it
  // fits with room for a step: no predict calls of its own (a pool chunk of 16 rows made two
  // small calls before its first batch)
  const preludeInBatch = input.nRows > 0 && 2 * input.nBackground + input.nRows <= Math.max(resolveBatchRows(options.batchRows), input.nBackground);
  const ctx = await prepare(input, options, !preludeInBatch);
  const { N, M, B, width } = ctx;
  const res = emptyResult(ctx, 'permutation', P, N * P * 2 * M * B);
  res.sampling = sampling;
  const run: PermutationRun = { P, seed: options.seed ?? 0, rowOffset: options.rowIndexOffset ?? 0, sampling, preludeInBatch };
  if ((options.coalitionTable ?? true) && M <= MAX_TABLE_PLAYERS) {
    return permutationFromTable(ctx, res, run);
  }
  const cap = ctx.batchRows;
  const buffers = takeBuffers(cap, B, width);
  try {
    return await walkPermutations(ctx, res, buffers, run);
  } finally {
    giveBackBuffers(buffers);
  }
}

/** The producer's rows and the tape of one run, sized by (batchRows, B, width). */
interface WalkBuffers {
  key: string;
  /** (batchRows + B) × width floats: the batch, then the B hybrid rows */
  work: Float32Array;
  tape: Tape;
  tapeEntries: number;
}

/**
 * Buffers of finished runs, kept for the next run of the same shape: a pool worker explains
 * ~64 chunks in a row, and allocating (and zeroing) 3 MB of batch and 0.6 MB of tape per chunk
 * cost it ~10 % of its time in the garbage collector (bank demo). At most two sets are kept
 * (the page keeps two chunks in flight per worker); runs that overlap take their own.
 */
const spareBuffers: WalkBuffers[] = [];
const MAX_SPARE_BUFFERS = 2;

function takeBuffers(cap: number, B: number, width: number): WalkBuffers {
  const key = `${cap}:${B}:${width}`;
  const k = spareBuffers.findIndex((x) => x.key === key);
  if (k >= 0) return spareBuffers.splice(k, 1)[0];
  // a step adds at most B tape entries; the run flushes before the tape or its step list could overflow
  const tapeEntries = 4 * cap + B;
  return { key, work: new Float32Array((cap + B) * width), tape: createTape(tapeEntries, cap), tapeEntries };
}

function giveBackBuffers(b: WalkBuffers): void {
  b.tape.len = 0;
  b.tape.steps = 0;
  spareBuffers.unshift(b);
  spareBuffers.length = Math.min(spareBuffers.length, MAX_SPARE_BUFFERS);
}

/** permutationShap's loop: the producer fills batches, each flush scores one and the consumer replays it. */
async function walkPermutations(ctx: Ctx, res: ShapleyResult, buffers: WalkBuffers, run: PermutationRun): Promise<ShapleyResult> {
  const { P, seed, rowOffset, sampling, preludeInBatch } = run;
  const { N, B, width } = ctx;
  const cap = ctx.batchRows;
  const { work, tape, tapeEntries } = buffers;
  const tapeSteps = cap;
  const batch = work.subarray(0, cap * width);
  const producer = new PermutationWalk(ctx, false, P, seed, rowOffset, res, sampling, work, tape);
  // the consumer starts from f(b) and f(x): made once the prelude is scored
  let consumer = preludeInBatch ? null : new PermutationWalk(ctx, true, P, seed, rowOffset, res, sampling, null, tape);
  let fill = 0;
  if (preludeInBatch) fill = putPreludeInBatch(ctx, batch);
  let pendingSteps = 0;
  const total = N * P;

  const flush = async (): Promise<void> => {
    if (pendingSteps === 0) return;
    if (ctx.hooks.shouldStop?.()) throw aborted();
    let y: ArrayLike<number> = batch;
    if (fill > 0) {
      const t0 = clockMs();
      y = await predictBatch(ctx.scorer, batch, fill);
      ctx.modelMs += clockMs() - t0;
      ctx.evaluations += fill;
      ctx.batches++;
    }
    let cur = 0;
    if (!consumer) {
      cur = takePreludeFromBatch(ctx, y);
      res.baseValue = ctx.baseValue;
      consumer = new PermutationWalk(ctx, true, P, seed, rowOffset, res, sampling, null, tape);
    }
    // the consumer checks each model output as it reads it (checkOutputs' error)
    let from = 0;
    for (let s = 0; s < tape.steps; s++) {
      const to = tape.stepEnd[s];
      cur = consumer.consume(y, cur, from, to);
      from = to;
    }
    if (cur !== fill) throw internal(`permutation SHAP: consumed ${cur} of ${fill} outputs`);
    fill = 0;
    pendingSteps = 0;
    tape.len = 0;
    tape.steps = 0;
    ctx.hooks.onProgress?.(consumer.unitsDone, total, ctx.evaluations);
  };

  while (!producer.done) {
    if (fill + B > cap || tape.len + B > tapeEntries || tape.steps >= tapeSteps) await flush();
    fill = producer.produce(batch, fill);
    pendingSteps++;
  }
  await flush();
  res.evaluations = ctx.evaluations;
  res.batches = ctx.batches;
  res.modelSeconds = ctx.modelMs / 1000;
  return res;
}

export interface ExplainOptions extends PermutationOptions {
  /** 'auto' (default): exact when there are ≤ 10 columns, else permutation */
  method?: ShapleyMethod | 'auto';
}

/** Exact or permutation SHAP, chosen as shap's `Explainer` does for an Independent masker. */
export function explain(input: ShapleyInput, options: ExplainOptions = {}): Promise<ShapleyResult> {
  const method = options.method ?? 'auto';
  const exact = method === 'exact' || (method === 'auto' && input.players.length <= AUTO_EXACT_MAX_PLAYERS);
  return exact ? exactShapley(input, options) : permutationShap(input, options);
}

/** Row i's values as a view (no copy). */
export function rowValues(result: ShapleyResult, i: number): Float64Array {
  return result.values.subarray(i * result.nPlayers, (i + 1) * result.nPlayers);
}

/** Row i's standard errors as a view (no copy). */
export function rowErrors(result: ShapleyResult, i: number): Float64Array {
  return result.errors.subarray(i * result.nPlayers, (i + 1) * result.nPlayers);
}
