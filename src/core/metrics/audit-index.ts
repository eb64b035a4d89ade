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
 * Reference groups, missing-row counts, small-group and reference notes are fixed here too
 * (they depend on sizes and weights only).
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
} from './accumulate';
import {
  computeGroupMetrics,
  type ConfusionCounts,
  type GroupMetrics,
  type RowCounts,
  type ScoreSummary,
} from './confusion';
import { resolveCut, type DecisionRule } from './decision';
import { computeDisparities, type Note } from './disparities';
import { generalizedEntropyIndex, theilIndex } from './inequality';
import {
  computeMetricFrame,
  reasonsOf,
  resolveReference,
  validateFrameInput,
  type AttributeResult,
  type GroupResult,
  type InequalityResult,
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

interface AttributeFixed {
  name: string;
  columns: string[];
  levels: string[];
  values: Record<string, string>[];
  offset: number;
  reference: number | null;
  referenceSource: AttributeResult['referenceSource'];
  missingRows: number;
  /** reference notes, then small-group notes, in the frame's order */
  fixedNotes: Note[];
}

export function createAuditIndex(input: MetricFrameInput, options: AuditIndexOptions = {}): AuditIndex {
  const fl = options.fairlearnCompatible === true;
  const minGroupSize = options.minGroupSize ?? 30;
  const alphas = [...(options.entropyAlphas ?? [2])];
  const base: MetricFrameOptions = {
    fairlearnCompatible: options.fairlearnCompatible,
    minGroupSize: options.minGroupSize,
    reference: options.reference,
    entropyAlphas: options.entropyAlphas,
  };

  validateFrameInput(input);
  if (input.predictions) {
    // the decisions are fixed by the predictions: nothing depends on the rule
    const sortedScores = argsortDescWithValues(input.scores).sorted;
    return {
      n: input.labels.length,
      cut: (decision) => resolveCut(decision, sortedScores),
      frameAt: (decision) => computeMetricFrame(input, { ...base, decision }),
    };
  }
  const n = input.labels.length;
  const rows = sortRows(
    input.scores,
    input.labels,
    input.weights,
    input.attributes.map((a) => a.codes),
  );
  const layout = makeLayout(input.attributes.map((a) => a.levels.length));
  const nSlots = layout.nSlots;

  // pass 1: every threshold-independent sum, in the frame's own summation order
  const stats = new Float64Array(nSlots * STRIDE);
  const area = new Float64Array(nSlots);
  accumulate(rows, new Uint8Array(n), null, layout, stats, area);
  const scoreSummaries: ScoreSummary[] = [];
  const slotRowCount = new Float64Array(nSlots);
  const slotWeight = new Float64Array(nSlots);
  for (let s = 0; s < nSlots; s++) {
    const b = s * STRIDE;
    scoreSummaries.push(slotScores(stats, area, s));
    // all decisions 0: every row is a TN or FN
    slotRowCount[s] = stats[b + S_NTP + 2] + stats[b + S_NTP + 3];
    slotWeight[s] = stats[b + S_W];
  }

  // pass 2: CSR of global ranks per slot + prefix sums (slot s: entries [start[s], start[s+1]),
  // prefix k of slot s at start[s] + s + k). Slot 0 (everyone) holds every rank; its ranks are
  // implicit (rank = position).
  const start = new Float64Array(nSlots + 1);
  for (let s = 0; s < nSlots; s++) start[s + 1] = start[s] + slotRowCount[s];
  const entries = start[nSlots];
  const ranks = new Uint32Array(entries - n);
  const prefixLen = entries + nSlots;
  const posRows = new Uint32Array(prefixLen);
  const weighted = rows.weights !== null;
  const posW = weighted ? new Float64Array(prefixLen) : null;
  const negW = weighted ? new Float64Array(prefixLen) : null;
  {
    const fill = start.slice(0, nSlots);
    const { labels: y, weights: w, codes } = rows;
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
          if (yj === 1) {
            posW[q + 1] = posW[q] + wj;
            negW[q + 1] = negW[q];
          } else {
            posW[q + 1] = posW[q];
            negW[q + 1] = negW[q] + wj;
          }
        }
      }
    }
  }

  // fixed per attribute: names, values, reference, missing rows, reference + small-group notes
  const fixed: AttributeFixed[] = input.attributes.map((a, ai) => {
    const off = layout.offsets[ai];
    const L = a.levels.length;
    const weightSums: number[] = [];
    for (let g = 0; g < L; g++) weightSums.push(slotWeight[off + g]);
    const notes: Note[] = [];
    const ref = resolveReference(a, ai, weightSums, options.reference, notes);
    let missingRows = 0;
    for (let i = 0; i < n; i++) if (a.codes[i] < 0) missingRows++;
    const values: Record<string, string>[] = [];
    for (let g = 0; g < L; g++) {
      const v: Record<string, string> = {};
      a.columns.forEach((c, k) => {
        v[c] = a.levelValues[g][k];
      });
      values.push(v);
      const count = slotRowCount[off + g];
      if (count < minGroupSize && count > 0) {
        notes.push({
          kind: 'small-group',
          group: a.levels[g],
          message: `Group "${a.levels[g]}" has only ${count} rows (fewer than ${minGroupSize}); its rates are noisy.`,
        });
      }
    }
    return {
      name: a.name ?? a.columns.join('&'),
      columns: [...a.columns],
      levels: [...a.levels],
      values,
      offset: off,
      reference: ref.index,
      referenceSource: ref.source,
      missingRows,
      fixedNotes: notes,
    };
  });

  const sorted = rows.scores;

  /** number of entries < c in ranks[lo, hi) */
  function below(lo: number, hi: number, c: number): number {
    const first = lo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranks[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    return lo - first;
  }

  /** confusion counts (weighted) and row counts of one slot at cut c */
  function slotAt(s: number, c: number): { counts: ConfusionCounts; rows: RowCounts } {
    const st = start[s];
    const mg = start[s + 1] - st;
    const m = s === 0 ? c : below(st - n, st - n + mg, c);
    const o = st + s;
    const ntp = posRows[o + m];
    const nPos = posRows[o + mg];
    const nfp = m - ntp;
    const nfn = nPos - ntp;
    const ntn = mg - nPos - nfp;
    let tp: number;
    let fp: number;
    let tn: number;
    let fn: number;
    if (posW && negW) {
      tp = posW[o + m];
      fp = negW[o + m];
      fn = posW[o + mg] - tp;
      tn = negW[o + mg] - fp;
    } else {
      tp = ntp;
      fp = nfp;
      fn = nfn;
      tn = ntn;
    }
    return {
      counts: { tp, fp, tn, fn, n: ntp + nfp + ntn + nfn, w: slotWeight[s], pos: tp + fn, neg: fp + tn },
      rows: { tp: ntp, fp: nfp, tn: ntn, fn: nfn },
    };
  }

  function cut(decision: DecisionRule): number {
    return resolveCut(decision, sorted);
  }

  function frameAt(decision: DecisionRule = { rule: 'threshold', threshold: 0.5 }): MetricFrame {
    const c = cut(decision);
    const metrics: GroupMetrics[] = [];
    const rowCounts: RowCounts[] = [];
    for (let s = 0; s < nSlots; s++) {
      const at = slotAt(s, c);
      metrics.push(computeGroupMetrics(at.counts, scoreSummaries[s], { fairlearnCompatible: fl }));
      rowCounts.push(at.rows);
    }
    const attributes: AttributeResult[] = fixed.map((f) => {
      const L = f.levels.length;
      const gm = metrics.slice(f.offset, f.offset + L);
      const disparities = computeDisparities({
        levels: f.levels,
        groups: gm,
        overall: metrics[0],
        reference: f.reference,
        fairlearnCompatible: fl,
        groupRows: rowCounts.slice(f.offset, f.offset + L),
        entropyAlphas: alphas,
      });
      const groups: GroupResult[] = gm.map((m, g) => ({
        level: f.levels[g],
        values: { ...f.values[g] },
        count: m.count,
        weightSum: m.weightSum,
        small: m.count < minGroupSize,
        isReference: f.reference === g,
        metrics: m,
        undefinedReasons: reasonsOf(m),
      }));
      return {
        name: f.name,
        columns: [...f.columns],
        reference: f.reference === null ? null : f.levels[f.reference],
        referenceSource: f.referenceSource,
        missingRows: f.missingRows,
        groups,
        disparities,
        notes: [...disparities.notes, ...f.fixedNotes.map((note) => ({ ...note }))],
      };
    });
    const inequality: InequalityResult = {
      theilIndex: theilIndex(rowCounts[0]),
      generalizedEntropyIndex: alphas.map((alpha) => ({ alpha, value: generalizedEntropyIndex(rowCounts[0], alpha) })),
    };
    return {
      n,
      weightSum: metrics[0].weightSum,
      fairlearnCompatible: fl,
      minGroupSize,
      decision: { source: 'rule', rule: decision, selected: c, cutScore: c > 0 ? sorted[c - 1] : null },
      overall: { metrics: metrics[0], undefinedReasons: reasonsOf(metrics[0]) },
      attributes,
      inequality,
      bootstrap: null,
    };
  }

  return { n, cut, frameAt };
}
