/**
 * The one-pass accumulator behind the metric frame and its bootstrap.
 *
 * Rows are first put in descending score order once (`sortRows`: one radix argsort and one
 * gather of labels, weights and group codes), so every later pass is a sequential scan.
 * Groups of every attribute, plus "everyone", are laid out as *slots* (slot 0 = overall,
 * attribute a group g = offsets[a] + g). One pass adds each row to its overall slot and to one
 * slot per attribute (rows with code −1 skip that attribute): weighted and unweighted confusion
 * cells, score sums, calibration bins, and — because the scan is in score order — the ROC
 * trapezoid of every slot. A slot holds STRIDE float64 sums; there are no per-row objects.
 *
 * The pass takes an optional multiplicity vector (`mult[j]` copies of the j-th row in score
 * order): the bootstrap draws one per resample and reuses the pass unchanged, so a resample
 * costs one sequential pass, not a copy of the data.
 */
import { WorkbenchError } from '../errors';
import { calibrationBin, CALIBRATION_BINS, type ConfusionCounts, type RowCounts, type ScoreSummary } from './confusion';
import { argsortDescWithValues } from './sort';

/** weighted tp, fp, tn, fn */
export const S_TP = 0;
export const S_FP = 1;
export const S_TN = 2;
export const S_FN = 3;
/** row counts of tp, fp, tn, fn (unweighted; times multiplicity) */
export const S_NTP = 4;
/** Σ w */
export const S_W = 8;
/** Σ w·s */
export const S_SCORE = 9;
/** Σ w·(s − y)² */
export const S_SQERR = 10;
/** CALIBRATION_BINS × [rows, Σw, Σw·s, Σw·y] */
export const S_BINS = 11;
export const STRIDE = S_BINS + 4 * CALIBRATION_BINS;

export interface SlotLayout {
  /** first slot of each attribute's groups */
  offsets: number[];
  nGroups: number[];
  nSlots: number;
}

export function makeLayout(nGroups: number[]): SlotLayout {
  const offsets: number[] = [];
  let next = 1;
  for (let a = 0; a < nGroups.length; a++) {
    offsets.push(next);
    next += nGroups[a];
  }
  return { offsets, nGroups, nSlots: next };
}

/** Rows in descending score order (ties by row index), with everything a pass reads. */
export interface SortedRows {
  n: number;
  /** order[j] = original row index of the j-th row */
  order: Uint32Array;
  scores: Float64Array;
  labels: Uint8Array;
  /** null = every weight 1 */
  weights: Float64Array | null;
  /** one per attribute */
  codes: Int32Array[];
}

/** Sort once and gather labels, weights and codes into score order in a single loop. */
export function sortRows(
  scores: ArrayLike<number>,
  labels: Uint8Array,
  weights: ArrayLike<number> | null | undefined,
  codes: Int32Array[],
): SortedRows {
  const n = scores.length;
  if (labels.length !== n || (weights && weights.length !== n) || codes.some((c) => c.length !== n)) {
    throw new WorkbenchError('internal', 'scores, labels, weights and group codes must have the same length.');
  }
  const { order, sorted } = argsortDescWithValues(scores);
  const y = new Uint8Array(n);
  const w = weights ? new Float64Array(n) : null;
  const sc = codes.map(() => new Int32Array(n));
  const nA = codes.length;
  for (let j = 0; j < n; j++) {
    const r = order[j];
    y[j] = labels[r];
    if (w) w[j] = (weights as ArrayLike<number>)[r];
    for (let a = 0; a < nA; a++) sc[a][j] = codes[a][r];
  }
  return { n, order, scores: sorted, labels: y, weights: w, codes: sc };
}

/** Gather a row-order 0/1 vector into score order. */
export function gatherSorted(values: Uint8Array, order: Uint32Array): Uint8Array {
  const out = new Uint8Array(order.length);
  for (let j = 0; j < order.length; j++) out[j] = values[order[j]];
  return out;
}

/** One pass's inputs and outputs. */
export interface AccumulatePass {
  rows: SortedRows;
  /** 0/1 per row, in score order */
  decisions: Uint8Array;
  /** copies of each row in score order (a bootstrap resample); null = once each */
  mult: Uint32Array | null;
  layout: SlotLayout;
  /** out: nSlots × STRIDE sums (cleared here) */
  stats: Float64Array;
  /** out: nSlots unnormalised weighted ROC areas (cleared here) */
  area: Float64Array;
}

/**
 * One sequential pass over the sorted rows (× multiplicity): adds every row to `stats`
 * and writes each slot's unnormalised weighted ROC area to `area` (AUC = area / (pos·neg)).
 * Rows with equal scores form one threshold step per slot, i.e. ties count ½ — sklearn's
 * `roc_curve` + `auc`. Cell index: 0 tp, 1 fp, 2 tn, 3 fn.
 */
export function accumulate(pass: AccumulatePass): void {
  const { rows, decisions, mult, layout, stats, area } = pass;
  const { n, scores, labels, weights } = rows;
  const { offsets, nSlots } = layout;
  const codes = rows.codes;
  const nAttr = codes.length;
  stats.fill(0);
  area.fill(0);
  // running weighted positives / negatives per slot (ROC), and their values at the last step
  const cp = new Float64Array(nSlots);
  const cn = new Float64Array(nSlots);
  const pp = new Float64Array(nSlots);
  const pn = new Float64Array(nSlots);
  const mark = new Uint8Array(nSlots);
  const dirty = new Int32Array(nSlots);
  let nd = 0;
  for (let j = 0; j < n; j++) {
    const s = scores[j];
    const m = mult ? mult[j] : 1;
    if (m !== 0) {
      const wi = (weights ? weights[j] : 1) * m;
      const y = labels[j];
      const cell = y === 1 ? (decisions[j] === 1 ? 0 : 3) : decisions[j] === 1 ? 1 : 2;
      const ws = wi * s;
      const se = wi * (s - y) * (s - y);
      const bin = S_BINS + 4 * calibrationBin(s);
      const wy = wi * y;
      for (let a = -1; a < nAttr; a++) {
        let slot = 0;
        if (a >= 0) {
          const g = codes[a][j];
          if (g < 0) continue;
          slot = offsets[a] + g;
        }
        const base = slot * STRIDE;
        stats[base + cell] += wi;
        stats[base + S_NTP + cell] += m;
        stats[base + S_W] += wi;
        stats[base + S_SCORE] += ws;
        stats[base + S_SQERR] += se;
        stats[base + bin] += m;
        stats[base + bin + 1] += wi;
        stats[base + bin + 2] += ws;
        stats[base + bin + 3] += wy;
        if (y === 1) cp[slot] += wi;
        else cn[slot] += wi;
        if (mark[slot] === 0) {
          mark[slot] = 1;
          dirty[nd++] = slot;
        }
      }
    }
    if (j + 1 === n || scores[j + 1] !== s) {
      // end of a tie block: one trapezoid step for every slot that moved
      for (let k = 0; k < nd; k++) {
        const slot = dirty[k];
        area[slot] += ((cn[slot] - pn[slot]) * (cp[slot] + pp[slot])) / 2;
        pp[slot] = cp[slot];
        pn[slot] = cn[slot];
        mark[slot] = 0;
      }
      nd = 0;
    }
  }
}

export function slotCounts(stats: Float64Array, slot: number): ConfusionCounts {
  const b = slot * STRIDE;
  const tp = stats[b + S_TP];
  const fp = stats[b + S_FP];
  const tn = stats[b + S_TN];
  const fn = stats[b + S_FN];
  const n = stats[b + S_NTP] + stats[b + S_NTP + 1] + stats[b + S_NTP + 2] + stats[b + S_NTP + 3];
  return { tp, fp, tn, fn, n, w: stats[b + S_W], pos: tp + fn, neg: fp + tn };
}

export function slotRows(stats: Float64Array, slot: number): RowCounts {
  const b = slot * STRIDE + S_NTP;
  return { tp: stats[b], fp: stats[b + 1], tn: stats[b + 2], fn: stats[b + 3] };
}

export function slotScores(stats: Float64Array, area: Float64Array, slot: number): ScoreSummary {
  const b = slot * STRIDE;
  return {
    sumScore: stats[b + S_SCORE],
    sumSquaredError: stats[b + S_SQERR],
    aucArea: area[slot],
    bins: stats.subarray(b + S_BINS, b + S_BINS + 4 * CALIBRATION_BINS),
  };
}
