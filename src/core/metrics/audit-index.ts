/**
 * The whole metric frame at interactive speed: `createAuditIndex(input, options).frameAt(rule)`
 * equals `computeMetricFrame(input, { ...options, decision: rule })` (without bootstrap) but
 * makes no pass over the rows per call.
 *
 * Build (once): validate, sort the rows by descending score (`sortRows`, the same stable radix
 * argsort as the frame), then one `accumulate` pass with every decision 0 — it yields every
 * threshold-independent sum of every slot (overall + each group of each attribute) in exactly
 * the frame's summation order: row count, weight sum, Σw·s, Σw·(s − y)², calibration bins and
 * the ROC area. A second sequential pass lays out, per slot, the ascending global ranks of its
 * rows (CSR) with prefix sums of weighted positives / negatives and of positive *rows*.
 * Reference groups, missing-row counts and reference notes are fixed here too (they depend on
 * sizes and weights only; `attributeFacts`, shared with the frame).
 *
 * The stages, in order: `sortAndSum` (sort + threshold-independent sums), `indexRanks` (CSR of
 * ranks with prefix sums), `fixAttributes` (fixed per-attribute facts), `slotCountsAt` /
 * `evaluateAt` (counts and metrics at a cut), `frameAtCut` (the frame at a cut, assembled by
 * the frame's own `attributeResultAt` and `inequalityOf`, so the two cannot drift apart).
 *
 * frameAt: the rule gives a cut c (first c rows selected, see decision.ts). A slot's selected
 * rows are its ranks < c: one binary search gives m, then TP = P[m], FP = N[m] (weighted, the
 * same running sums as the frame's pass, so bit-identical), FN = P_total − TP, TN = N_total − FP,
 * and the row counts likewise from the positive-row prefix. So a call costs O(slots · log n)
 * plus `computeGroupMetrics` per slot, `computeDisparities` per attribute and the inequality
 * indices from the overall row counts (b = ŷ − y + 1 takes 3 values, see inequality.ts).
 *
 * Exactness: without weights every count is an integer and the frame is identical. With
 * weights FN/TN (and pos = TP + FN, neg = FP + TN, which the frame derives the same way) come
 * from a difference of prefix sums rather than the frame's running sum over the unselected
 * rows, so they agree to floating-point rounding (~1e-16 relative); every other number is
 * identical. Reasons (undefined rates) match: a difference of prefix sums is exactly 0 when the
 * frame's sum is.
 *
 * The index keeps its own sorted copies: changing the input arrays afterwards does not change
 * it. With `input.predictions` the decisions do not depend on the rule (as in the frame), so
 * `frameAt` simply runs `computeMetricFrame` (a full pass) and nothing is indexed.
 */
import {
  accumulate,
  makeLayout,
  slotScores,
  sortRows,
  S_NTP,
  S_W,
  STRIDE,
  type SlotLayout,
  type SortedRows,
} from './accumulate';
import { computeGroupMetrics, type ConfusionCounts, type RowCounts, type ScoreSummary } from './confusion';
import { resolveCut, type DecisionRule } from './decision';
import {
  attributeFacts,
  attributeResultAt,
  computeMetricFrame,
  DEFAULT_DECISION,
  frameSettings,
  inequalityOf,
  reasonsOf,
  validateFrameInput,
  type AttributeFacts,
  type Evaluated,
  type FrameSettings,
  type MetricFrame,
  type MetricFrameInput,
  type MetricFrameOptions,
} from './metric-frame';
import { argsortDescWithValues } from './sort';

export type AuditIndexOptions = Pick<MetricFrameOptions, 'fairlearnCompatible' | 'minGroupSize' | 'reference' | 'entropyAlphas'>;

export interface AuditIndex {
  readonly n: number;
  /** rows selected by a rule */
  cut(decision: DecisionRule): number;
  /**
   * The metric frame under `decision` (default `{ rule: 'threshold', threshold: 0.5 }`, as the
   * frame). Every call returns fresh objects; `bootstrap` is always null.
   */
  frameAt(decision?: DecisionRule): MetricFrame;
}

/** Stage 1: the rows in score order and every sum that no decision rule changes, per slot. */
interface SortedSums {
  rows: SortedRows;
  layout: SlotLayout;
  scoreSummaries: ScoreSummary[];
  /** rows per slot (unweighted) */
  slotRows: Float64Array;
  /** Σ w per slot */
  slotWeight: Float64Array;
}

function sortAndSum(input: MetricFrameInput): SortedSums {
  const rows = sortRows(
    input.scores,
    input.labels,
    input.weights,
    input.attributes.map((a) => a.codes),
  );
  const layout = makeLayout(input.attributes.map((a) => a.levels.length));
  const nSlots = layout.nSlots;
  // every decision 0: the same pass (and summation order) as the frame, with every row a TN or FN
  const stats = new Float64Array(nSlots * STRIDE);
  const area = new Float64Array(nSlots);
  accumulate({ rows, decisions: new Uint8Array(rows.n), mult: null, layout, stats, area });
  const scoreSummaries: ScoreSummary[] = [];
  const slotRows = new Float64Array(nSlots);
  const slotWeight = new Float64Array(nSlots);
  for (let s = 0; s < nSlots; s++) {
    const b = s * STRIDE;
    scoreSummaries.push(slotScores(stats, area, s));
    slotRows[s] = stats[b + S_NTP + 2] + stats[b + S_NTP + 3];
    slotWeight[s] = stats[b + S_W];
  }
  return { rows, layout, scoreSummaries, slotRows, slotWeight };
}

/**
 * Stage 2: per slot, the ascending global ranks of its rows (CSR: slot s holds entries
 * [start[s], start[s+1])) and, beside them, prefix sums over those rows: positive rows and,
 * with weights, weighted positives and negatives (prefix k of slot s at start[s] + s + k).
 * Slot 0 (everyone) holds every rank; its ranks are implicit (rank = position) and not stored.
 */
interface RankIndex {
  start: Float64Array;
  /** ranks of slots ≥ 1, shifted down by n (slot 0's n entries are not stored) */
  ranks: Uint32Array;
  posRows: Uint32Array;
  /** null without weights (the row counts are the weighted counts) */
  posW: Float64Array | null;
  negW: Float64Array | null;
}

function indexRanks(sums: SortedSums): RankIndex {
  const { rows, layout, slotRows } = sums;
  const { n, labels: y, weights: w, codes } = rows;
  const nSlots = layout.nSlots;
  const start = new Float64Array(nSlots + 1);
  for (let s = 0; s < nSlots; s++) start[s + 1] = start[s] + slotRows[s];
  const entries = start[nSlots];
  const ranks = new Uint32Array(entries - n);
  const prefixLen = entries + nSlots;
  const posRows = new Uint32Array(prefixLen);
  const posW = w ? new Float64Array(prefixLen) : null;
  const negW = w ? new Float64Array(prefixLen) : null;
  const fill = start.slice(0, nSlots);
  const nA = codes.length;
  const { offsets } = layout;
  for (let j = 0; j < n; j++) {
    const yj = y[j];
    const wj = w ? w[j] : 1;
    for (let a = -1; a < nA; a++) {
      let slot = 0;
      if (a >= 0) {
        const g = codes[a][j];
        if (g < 0) continue;
        slot = offsets[a] + g;
      }
      const p = fill[slot]++;
      if (slot > 0) ranks[p - n] = j;
      const q = p + slot;
      posRows[q + 1] = posRows[q] + yj;
      if (posW && negW) {
        posW[q + 1] = posW[q] + (yj === 1 ? wj : 0);
        negW[q + 1] = negW[q] + (yj === 1 ? 0 : wj);
      }
    }
  }
  return { start, ranks, posRows, posW, negW };
}

/** Stage 3: what each attribute's result holds whatever the rule (reference, names, missing rows). */
function fixAttributes(input: MetricFrameInput, sums: SortedSums, options: AuditIndexOptions): AttributeFacts[] {
  return input.attributes.map((a, ai) => {
    const offset = sums.layout.offsets[ai];
    const weightSums = Array.from(sums.slotWeight.subarray(offset, offset + a.levels.length));
    return attributeFacts({ attribute: a, attributeIndex: ai, offset, weightSums, option: options.reference });
  });
}

/** number of entries < c in ranks[lo, hi) */
function countBelow(ranks: Uint32Array, lo: number, hi: number, c: number): number {
  const first = lo;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranks[mid] < c) lo = mid + 1;
    else hi = mid;
  }
  return lo - first;
}

/**
 * Stage 4: the confusion counts (weighted) and row counts of slot `s` when the first `c` rows
 * in score order are selected.
 */
function slotCountsAt(idx: RankIndex, sums: SortedSums, s: number, c: number): { counts: ConfusionCounts; rows: RowCounts } {
  const { start, ranks, posRows, posW, negW } = idx;
  const n = sums.rows.n;
  const st = start[s];
  const mg = start[s + 1] - st;
  const m = s === 0 ? c : countBelow(ranks, st - n, st - n + mg, c);
  const o = st + s;
  const ntp = posRows[o + m];
  const nPos = posRows[o + mg];
  const nfp = m - ntp;
  const nfn = nPos - ntp;
  const ntn = mg - nPos - nfp;
  let tp = ntp;
  let fp = nfp;
  let tn = ntn;
  let fn = nfn;
  if (posW && negW) {
    tp = posW[o + m];
    fp = negW[o + m];
    fn = posW[o + mg] - tp;
    tn = negW[o + mg] - fp;
  }
  return {
    counts: { tp, fp, tn, fn, n: ntp + nfp + ntn + nfn, w: sums.slotWeight[s], pos: tp + fn, neg: fp + tn },
    rows: { tp: ntp, fp: nfp, tn: ntn, fn: nfn },
  };
}

/** Every slot's metrics and row counts at cut `c`. */
function evaluateAt(idx: RankIndex, sums: SortedSums, c: number, settings: FrameSettings): Evaluated {
  const metrics: Evaluated['metrics'] = [];
  const rows: Evaluated['rows'] = [];
  for (let s = 0; s < sums.layout.nSlots; s++) {
    const at = slotCountsAt(idx, sums, s, c);
    metrics.push(computeGroupMetrics(at.counts, sums.scoreSummaries[s], { fairlearnCompatible: settings.fairlearnCompatible }));
    rows.push(at.rows);
  }
  return { metrics, rows };
}

/** Stage 5: the frame at one rule, assembled by the same functions as `computeMetricFrame`. */
function frameAtCut(
  at: { decision: DecisionRule; cut: number; evaluated: Evaluated },
  sums: SortedSums,
  facts: AttributeFacts[],
  settings: FrameSettings,
): MetricFrame {
  const { decision, cut: c, evaluated } = at;
  const overall = evaluated.metrics[0];
  return {
    n: sums.rows.n,
    weightSum: overall.weightSum,
    fairlearnCompatible: settings.fairlearnCompatible,
    minGroupSize: settings.minGroupSize,
    decision: { source: 'rule', rule: decision, selected: c, cutScore: c > 0 ? sums.rows.scores[c - 1] : null },
    overall: { metrics: overall, undefinedReasons: reasonsOf(overall) },
    attributes: facts.map((f) => attributeResultAt(f, evaluated, settings)),
    inequality: inequalityOf(evaluated.rows[0], settings.entropyAlphas),
    bootstrap: null,
  };
}

export function createAuditIndex(input: MetricFrameInput, options: AuditIndexOptions = {}): AuditIndex {
  validateFrameInput(input);
  if (input.predictions) {
    // the decisions are fixed by the predictions: nothing depends on the rule
    const base: MetricFrameOptions = {
      fairlearnCompatible: options.fairlearnCompatible,
      minGroupSize: options.minGroupSize,
      reference: options.reference,
      entropyAlphas: options.entropyAlphas,
    };
    const sortedScores = argsortDescWithValues(input.scores).sorted;
    return {
      n: input.labels.length,
      cut: (decision) => resolveCut(decision, sortedScores),
      frameAt: (decision) => computeMetricFrame(input, { ...base, decision }),
    };
  }
  const settings = frameSettings(options);
  const sums = sortAndSum(input);
  const ranks = indexRanks(sums);
  const facts = fixAttributes(input, sums, options);
  const cut = (decision: DecisionRule): number => resolveCut(decision, sums.rows.scores);
  return {
    n: sums.rows.n,
    cut,
    frameAt(decision: DecisionRule = { ...DEFAULT_DECISION }): MetricFrame {
      const c = cut(decision);
      return frameAtCut({ decision, cut: c, evaluated: evaluateAt(ranks, sums, c, settings) }, sums, facts, settings);
    },
  };
}
