/**
 * Group views of SHAP values: how much each column moves the score for each protected group,
 * and which columns carry the gap in mean score between two groups.
 *
 * Group codes: Int32Array, one per explained row; a negative code (missing group) is left out.
 */
import { internal } from './common';

/** What these views need from a ShapleyResult. */
export interface AttributionTable {
  /** row-major nRows × nPlayers */
  values: Float64Array;
  nRows: number;
  nPlayers: number;
  /** f(x) per row in the values' output space */
  predictions: Float64Array;
}

export interface GroupMeanAbs {
  code: number;
  /** explained rows in the group */
  count: number;
  /** per player: mean |value| over the group's rows */
  meanAbs: Float64Array;
  /** per player: mean value (signed) over the group's rows */
  mean: Float64Array;
}

function checkCodes(t: AttributionTable, groupCodes: Int32Array): void {
  if (groupCodes.length < t.nRows) throw internal(`groupCodes has ${groupCodes.length} entries for ${t.nRows} explained rows`);
}

/** Global importance: mean |value| per player over all rows. */
export function meanAbs(t: AttributionTable): Float64Array {
  const { values, nRows: N, nPlayers: M } = t;
  const out = new Float64Array(M);
  for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) out[j] += Math.abs(values[i * M + j]);
  if (N > 0) for (let j = 0; j < M; j++) out[j] /= N;
  return out;
}

/** Per group (codes ≥ 0 that occur, ascending): mean |value| and mean value per player. */
export function meanAbsByGroup(t: AttributionTable, groupCodes: Int32Array): GroupMeanAbs[] {
  checkCodes(t, groupCodes);
  const { values, nRows: N, nPlayers: M } = t;
  const byCode = new Map<number, GroupMeanAbs>();
  for (let i = 0; i < N; i++) {
    const g = groupCodes[i];
    if (g < 0) continue;
    let e = byCode.get(g);
    if (!e) byCode.set(g, (e = { code: g, count: 0, meanAbs: new Float64Array(M), mean: new Float64Array(M) }));
    e.count++;
    for (let j = 0; j < M; j++) {
      const v = values[i * M + j];
      e.meanAbs[j] += Math.abs(v);
      e.mean[j] += v;
    }
  }
  const out = [...byCode.values()].sort((a, b) => a.code - b.code);
  for (const e of out) {
    for (let j = 0; j < M; j++) {
      e.meanAbs[j] /= e.count;
      e.mean[j] /= e.count;
    }
  }
  return out;
}

export interface ParityGapAttribution {
  groupA: number;
  groupB: number;
  countA: number;
  countB: number;
  /** mean f(x) over A's rows − over B's rows (output space of the values); NaN if a group is empty */
  gap: number;
  meanPredictionA: number;
  meanPredictionB: number;
  /** per player: mean(value | A) − mean(value | B); sums to `gap` (efficiency) */
  perPlayer: Float64Array;
  /** gap − Σ perPlayer (0 up to rounding; larger only if the values were not efficient) */
  residual: number;
}

/**
 * Splits the gap in mean score between groups A and B over the columns. Because every row's
 * values sum to f(x) − baseValue and the base value is shared, Σ_j [mean(φ_j | A) − mean(φ_j | B)]
 * = mean f(A) − mean f(B) exactly. A positive entry means the column raises A's scores relative
 * to B's. In 'probability' space the gap is the difference in mean score (the soft demographic
 * parity gap) over the explained rows.
 */
export function parityGapAttribution(t: AttributionTable, groupCodes: Int32Array, groupA: number, groupB: number): ParityGapAttribution {
  checkCodes(t, groupCodes);
  const { values, nRows: N, nPlayers: M, predictions } = t;
  const sumA = new Float64Array(M);
  const sumB = new Float64Array(M);
  let nA = 0;
  let nB = 0;
  let pA = 0;
  let pB = 0;
  for (let i = 0; i < N; i++) {
    const g = groupCodes[i];
    if (g === groupA) {
      nA++;
      pA += predictions[i];
      for (let j = 0; j < M; j++) sumA[j] += values[i * M + j];
    } else if (g === groupB) {
      nB++;
      pB += predictions[i];
      for (let j = 0; j < M; j++) sumB[j] += values[i * M + j];
    }
  }
  const perPlayer = new Float64Array(M);
  let s = 0;
  for (let j = 0; j < M; j++) {
    perPlayer[j] = sumA[j] / nA - sumB[j] / nB;
    s += perPlayer[j];
  }
  const gap = pA / nA - pB / nB;
  return {
    groupA, groupB, countA: nA, countB: nB, gap,
    meanPredictionA: pA / nA, meanPredictionB: pB / nB,
    perPlayer, residual: gap - s,
  };
}

export interface GapPair {
  /** the group with the higher mean score */
  groupA: number;
  /** the group with the lower mean score */
  groupB: number;
  /** mean f(x) of A − of B (≥ 0) */
  gap: number;
  /** whether both groups have at least `minCount` explained rows */
  bothLargeEnough: boolean;
}

/**
 * The pair of groups whose mean score differs most among the explained rows: the group with
 * the highest and the one with the lowest mean f(x), among groups with at least `minCount`
 * explained rows (a two-lead group would otherwise set the "largest gap" by chance). When
 * fewer than two groups are that large, every group with a row takes part and
 * `bothLargeEnough` is false. Null when fewer than two groups have rows. Ties go to the lower
 * group code, so the choice is deterministic.
 */
export function largestGapPair(t: AttributionTable, groupCodes: Int32Array, minCount = 10): GapPair | null {
  checkCodes(t, groupCodes);
  const sums = new Map<number, { n: number; s: number }>();
  for (let i = 0; i < t.nRows; i++) {
    const g = groupCodes[i];
    if (g < 0) continue;
    const e = sums.get(g) ?? { n: 0, s: 0 };
    e.n++;
    e.s += t.predictions[i];
    sums.set(g, e);
  }
  const all = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([code, e]) => ({ code, n: e.n, mean: e.s / e.n }));
  if (all.length < 2) return null;
  const large = all.filter((g) => g.n >= minCount);
  const pool = large.length >= 2 ? large : all;
  let hi = pool[0];
  let lo = pool[0];
  for (const g of pool) {
    if (g.mean > hi.mean) hi = g;
    if (g.mean < lo.mean) lo = g;
  }
  if (hi === lo) lo = pool.find((g) => g !== hi)!;
  return { groupA: hi.code, groupB: lo.code, gap: hi.mean - lo.mean, bothLargeEnough: large.length >= 2 };
}
