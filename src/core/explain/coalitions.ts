/**
 * Coalition tables: v(S) of each explained row for a list of coalitions S (bitmasks over at
 * most MAX_TABLE_PLAYERS players), every (row, S) evaluated once, in big batches.
 *
 * - Exact Shapley values (./shapley.ts) list all 2^M coalitions and weigh them by the Shapley
 *   kernel.
 * - Permutation SHAP with few players lists the coalitions its walks visit and reads every step
 *   of every walk from the table (permutationFromTable). With M players there are only 2^M
 *   coalitions, and the walks of one row visit many of them more than once: 8 players and 21
 *   orthogonal permutations visit ~294 states but only ~150 distinct coalitions. The values are
 *   the walk's, bit for bit (the same v of the same states, summed in the same order); only
 *   fewer model rows are evaluated. The walk itself stays for more players, where coalitions
 *   rarely repeat.
 *
 * Skipping, as the walk does (delta masking): for background row b, the players whose block of x
 * equals b's form the set E_b; the masked row (x on S, b elsewhere) depends on S \ E_b only, so
 * (S, b) is scored once per distinct S \ E_b, and not at all when S \ E_b is empty (it is b:
 * f(b) from the prelude) or S ∪ E_b is everything (it is x: f(x)).
 */
import { createRng } from '../rng';
import { aborted, clockMs, internal, logitClipped, mixSeed, predictBatch } from './common';
import { permutationSource } from './permutations';
import { SPACE_LOE, SPACE_LOGIT, checkOutputs, fillEq, putPreludeInBatch, takePreludeFromBatch } from './shapley-context';
import type { Ctx, PermutationRun } from './shapley-context';
import type { ShapleyResult } from './shapley-types';

/** The most players a coalition table takes (2^12 = 4,096 coalitions per row). */
export const MAX_TABLE_PLAYERS = 12;

/** Table entries (rows × 2^M) held at once: a chunk of rows is listed, evaluated and read together. */
const TABLE_ENTRIES = 262144;

/** The coalitions of one chunk of explained rows r0 … r0 + R − 1. */
export interface CoalitionChunk {
  r0: number;
  R: number;
  /** coalitions of local row li: list[listStart[li] … listStart[li + 1]) */
  list: Int32Array;
  listStart: Int32Array;
}

/**
 * Evaluates coalition lists chunk by chunk into V (row-major R × 2^M; only the listed entries
 * are written). A producer writes the masked rows that need the model into the batch; at each
 * flush the consumer replays the same (row, S, b) sequence with the same decisions, reading the
 * outputs in order. With `preludeInBatch`, the B background rows and the N explained rows ride at
 * the head of the first batch and the prelude is taken from it.
 */
export class CoalitionEvaluator {
  readonly nS: number;
  readonly V: Float64Array;
  private readonly batch: Float32Array;
  private readonly cap: number;
  private readonly eqMask: Int32Array;
  private readonly eq: Uint8Array;
  private readonly colFromX: Uint8Array;
  private readonly pendRow: Int32Array;
  private readonly pendS: Int32Array;
  /** producer's and consumer's dedup stamps, and the consumer's outputs per (b, S \ E_b) */
  private readonly pStamp: Int32Array;
  private readonly cStamp: Int32Array;
  private readonly memo: Float64Array;
  private readonly rowGen: Int32Array;
  /** per local row: no block of x equals a background row's (every E_b empty) */
  private readonly rowUniform: Uint8Array;
  /** the column indices of the players in S, and of the rest (producer scratch) */
  private readonly colsX: Int32Array;
  private gen = 0;
  private nPend = 0;
  private fill = 0;
  private preludePending: boolean;
  private r0 = 0;
  /** (row, S) entries consumed so far, over all chunks */
  entriesDone = 0;

  constructor(
    private readonly ctx: Ctx,
    readonly rowsPerChunk: number,
    preludeInBatch: boolean,
    /** after each predict call: the local row of the last entry read, and whether the chunk is complete */
    private readonly onFlush: (lastLocalRow: number, chunkDone: boolean) => void,
  ) {
    const { M, B, width } = ctx;
    this.nS = 1 << M;
    this.cap = ctx.batchRows;
    this.V = new Float64Array(rowsPerChunk * this.nS);
    this.batch = new Float32Array(this.cap * width);
    this.eqMask = new Int32Array(rowsPerChunk * B);
    this.eq = new Uint8Array(M * B);
    this.colFromX = new Uint8Array(width);
    this.pendRow = new Int32Array(this.cap + 1);
    this.pendS = new Int32Array(this.cap + 1);
    this.pStamp = new Int32Array(B * this.nS);
    this.cStamp = new Int32Array(B * this.nS);
    this.memo = new Float64Array(B * this.nS);
    this.rowGen = new Int32Array(rowsPerChunk);
    this.rowUniform = new Uint8Array(rowsPerChunk);
    this.colsX = new Int32Array(width);
    this.preludePending = preludeInBatch;
    if (preludeInBatch) this.fill = putPreludeInBatch(ctx, this.batch);
  }

  /** Evaluates every listed (row, S) of the chunk into V; on return V holds them all. */
  async run(chunk: CoalitionChunk): Promise<void> {
    const { B, M, width, X, bg, owner } = this.ctx;
    const { r0, R, list, listStart } = chunk;
    if (R > this.rowsPerChunk) throw internal(`coalition table: ${R} rows in a chunk of ${this.rowsPerChunk}`);
    this.r0 = r0;
    const full = this.nS - 1;
    const { eq, eqMask, colFromX, batch, pStamp, nS } = this;
    for (let li = 0; li < R; li++) {
      fillEq(this.ctx, r0 + li, eq);
      let any = 0;
      for (let b = 0; b < B; b++) {
        let m = 0;
        for (let j = 0; j < M; j++) if (eq[j * B + b]) m |= 1 << j;
        eqMask[li * B + b] = m;
        any |= m;
      }
      this.rowUniform[li] = any === 0 ? 1 : 0;
      this.rowGen[li] = ++this.gen;
    }
    for (let li = 0; li < R; li++) {
      const xo = (r0 + li) * width;
      const gen = this.rowGen[li];
      for (let k = listStart[li]; k < listStart[li + 1]; k++) {
        const S = list[k];
        if (this.fill + B > this.cap || this.nPend >= this.cap) await this.flush();
        this.pendRow[this.nPend] = li;
        this.pendS[this.nPend] = S;
        this.nPend++;
        if (S === 0 || S === full) continue;
        if (this.rowUniform[li]) {
          // every background row is scored: all B rows at once, then x's columns over them
          this.fill = this.writeUniform(S, xo, this.fill);
          continue;
        }
        for (let c = 0; c < width; c++) colFromX[c] = (S >> owner[c]) & 1;
        for (let b = 0; b < B; b++) {
          const em = eqMask[li * B + b];
          const key = S & ~em;
          if (key === 0 || (full & ~S & ~em) === 0) continue;
          if (em !== 0) {
            const at = b * nS + key;
            if (pStamp[at] === gen) continue;
            pStamp[at] = gen;
          }
          const bo = b * width;
          const o = this.fill * width;
          for (let c = 0; c < width; c++) batch[o + c] = colFromX[c] ? X[xo + c] : bg[bo + c];
          this.fill++;
        }
      }
    }
    await this.flush(true);
  }

  /**
   * Producer, a row none of whose blocks equals a background row's: the B masked rows of S are
   * the background block with x's columns of S written over it (one copy, then |S's columns| × B
   * writes, instead of width × B choices).
   */
  private writeUniform(S: number, xo: number, fill: number): number {
    const { B, width, X, bg, owner } = this.ctx;
    const batch = this.batch;
    const cols = this.colsX;
    let nc = 0;
    for (let c = 0; c < width; c++) if ((S >> owner[c]) & 1) cols[nc++] = c;
    const o = fill * width;
    batch.set(bg.subarray(0, B * width), o);
    for (let q = 0; q < nc; q++) {
      const c = cols[q];
      const v = X[xo + c];
      for (let at = o + c, end = o + B * width; at < end; at += width) batch[at] = v;
    }
    return fill + B;
  }

  /** Scores the batch and replays its entries into V. */
  private async flush(chunkDone = false): Promise<void> {
    const ctx = this.ctx;
    if (this.nPend === 0 && !this.preludePending) {
      if (chunkDone) this.onFlush(-1, true);
      return;
    }
    if (ctx.hooks.shouldStop?.()) throw aborted();
    let y: ArrayLike<number> = this.batch;
    if (this.fill > 0) {
      const t0 = clockMs();
      y = await predictBatch(ctx.scorer, this.batch, this.fill);
      ctx.modelMs += clockMs() - t0;
      ctx.evaluations += this.fill;
      ctx.batches++;
    }
    let cur = 0;
    if (this.preludePending) {
      cur = takePreludeFromBatch(ctx, y);
      this.preludePending = false;
    }
    cur = this.consume(y, cur);
    if (cur !== this.fill) throw internal(`coalition table: consumed ${cur} of ${this.fill} outputs`);
    const last = this.nPend > 0 ? this.pendRow[this.nPend - 1] : 0;
    this.entriesDone += this.nPend;
    this.nPend = 0;
    this.fill = 0;
    this.onFlush(last, chunkDone);
  }

  /** The consumer: v(S) of each pending entry, from f(b), f(x), this batch's outputs or an earlier (b, S \ E_b). */
  private consume(y: ArrayLike<number>, cur: number): number {
    const ctx = this.ctx;
    const { B, w, space, clip, baseG, fxG } = ctx;
    const full = this.nS - 1;
    const { eqMask, cStamp, memo, nS, V } = this;
    for (let k = 0; k < this.nPend; k++) {
      const li = this.pendRow[k];
      const S = this.pendS[k];
      const gen = this.rowGen[li];
      const fx = fxG[this.r0 + li];
      let s = 0;
      if (S !== 0 && S !== full && this.rowUniform[li]) {
        // writeUniform's B rows, in order
        for (let b = 0; b < B; b++) {
          const p = y[cur++];
          if (!Number.isFinite(p)) checkOutputs(y, cur);
          s += w[b] * (space === SPACE_LOGIT ? logitClipped(p, clip) : p);
        }
        V[li * nS + S] = space === SPACE_LOE ? logitClipped(s, clip) : s;
        continue;
      }
      for (let b = 0; b < B; b++) {
        const em = eqMask[li * B + b];
        const key = S & ~em;
        let v: number;
        if (key === 0) v = baseG[b];
        else if ((full & ~S & ~em) === 0) v = fx;
        else if (em !== 0 && cStamp[b * nS + key] === gen) v = memo[b * nS + key];
        else {
          const p = y[cur++];
          if (!Number.isFinite(p)) checkOutputs(y, cur);
          v = space === SPACE_LOGIT ? logitClipped(p, clip) : p;
          if (em !== 0) {
            cStamp[b * nS + key] = gen;
            memo[b * nS + key] = v;
          }
        }
        s += w[b] * v;
      }
      V[li * nS + S] = space === SPACE_LOE ? logitClipped(s, clip) : s;
    }
    return cur;
  }
}

/** Rows per chunk for 2^M coalitions (and, for permutations, P walks of M players) per row. */
export function tableRowsPerChunk(N: number, M: number, walks = 0): number {
  const byTable = Math.floor(TABLE_ENTRIES / (1 << M));
  const byWalks = walks > 0 ? Math.floor((4 * TABLE_ENTRIES) / (walks * M)) : Infinity;
  return Math.max(1, Math.min(N, byTable, byWalks));
}

/**
 * Permutation SHAP read from a coalition table. Row i's permutations are drawn from the same
 * stream as the walk's (seed, rowOffset + i); the states each walk visits (forward: the growing
 * prefixes; backward: everything but them) are listed once per row, evaluated once, and every
 * toggle is credited from the table exactly as the walk credits it, in the walk's order: the
 * values, errors and predictions equal the walk's bit for bit.
 * Progress: (permutation walks of finished rows, nRows × P).
 */
export async function permutationFromTable(ctx: Ctx, res: ShapleyResult, run: PermutationRun): Promise<ShapleyResult> {
  const { N, M } = ctx;
  const { P, seed, rowOffset, sampling, preludeInBatch } = run;
  const rowsPerChunk = tableRowsPerChunk(N, M, P);
  const nS = 1 << M;
  const full = nS - 1;
  let r0 = 0;
  let R = 0;
  let reported = -1;
  const ev = new CoalitionEvaluator(ctx, rowsPerChunk, preludeInBatch, (last, chunkDone) => {
    // rows before the last one read are complete; once per model call, never twice at one count
    if (ctx.evaluations === reported) return;
    reported = ctx.evaluations;
    ctx.hooks.onProgress?.((r0 + (chunkDone ? R : last)) * P, N * P, ctx.evaluations);
  });
  const perms = new Int32Array(rowsPerChunk * P * M);
  const perm = new Int32Array(M);
  const seen = new Int32Array(nS);
  let seenGen = 0;
  const list = new Int32Array(rowsPerChunk * Math.min(nS, 2 * P * (M + 1)));
  const listStart = new Int32Array(rowsPerChunk + 1);
  const contrib = new Float64Array(M);
  const sum = new Float64Array(M);
  const mean = new Float64Array(M);
  const m2 = new Float64Array(M);

  for (r0 = 0; r0 < N; r0 += rowsPerChunk) {
    R = Math.min(rowsPerChunk, N - r0);
    // list each row's states: ∅ and everything (read as f(b), f(x): no model rows), then the walks'
    let n = 0;
    for (let li = 0; li < R; li++) {
      listStart[li] = n;
      const gen = ++seenGen;
      const add = (S: number): void => {
        if (seen[S] === gen) return;
        seen[S] = gen;
        list[n++] = S;
      };
      add(0);
      add(full);
      const source = permutationSource(sampling, M, createRng(mixSeed(seed, rowOffset + r0 + li)));
      for (let p = 0; p < P; p++) {
        source.next(perm);
        perms.set(perm, (li * P + p) * M);
        let S = 0;
        for (let t = 0; t < M - 1; t++) {
          S |= 1 << perm[t];
          add(S);
          add(full & ~S);
        }
      }
    }
    listStart[R] = n;
    await ev.run({ r0, R, list, listStart });
    // credit every toggle from the table, as PermutationWalk.consume and endUnit do
    const V = ev.V;
    for (let li = 0; li < R; li++) {
      const vo = li * nS;
      sum.fill(0);
      mean.fill(0);
      m2.fill(0);
      for (let p = 0; p < P; p++) {
        const po = (li * P + p) * M;
        contrib.fill(0);
        let vPrev = V[vo];
        let S = 0;
        for (let t = 0; t < M; t++) {
          const j = perms[po + t];
          S |= 1 << j;
          const v = V[vo + S];
          contrib[j] += v - vPrev;
          vPrev = v;
        }
        for (let t = 0; t < M; t++) {
          const j = perms[po + t];
          S &= ~(1 << j);
          const v = V[vo + S];
          contrib[j] += vPrev - v;
          vPrev = v;
        }
        const cnt = p + 1;
        for (let j = 0; j < M; j++) {
          sum[j] += contrib[j];
          const c = contrib[j] / 2;
          const d = c - mean[j];
          mean[j] += d / cnt;
          m2[j] += d * (c - mean[j]);
        }
      }
      const o = (r0 + li) * M;
      for (let j = 0; j < M; j++) {
        res.values[o + j] = sum[j] / (2 * P);
        res.errors[o + j] = P > 1 ? Math.sqrt(m2[j] / (P - 1) / P) : NaN;
      }
    }
  }
  if (N > 0) res.baseValue = ctx.baseValue;
  res.evaluations = ctx.evaluations;
  res.batches = ctx.batches;
  res.modelSeconds = ctx.modelMs / 1000;
  return res;
}
