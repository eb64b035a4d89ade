/**
 * Decision rules at interactive speed.
 *
 * Build (once, O(n log n) → here O(n) radix): rows sorted by descending score (stable, ties by
 * row index), then prefix sums of weighted positives / negatives in that order — overall, and
 * per group of every attribute over the group's own rows (CSR layout: each group keeps the
 * ascending list of its rows' global ranks).
 *
 * Every rule is a cut c in the global order (first c rows selected; see decision.ts). A group's
 * selected rows are its ranks < c: one binary search in its rank list gives m_g, and then
 * tp = P_g[m_g], fp = N_g[m_g], fn = pos_g − tp, tn = neg_g − fp. So `evaluate` costs
 * O(log n) for the cut plus O(log n_g) per group — no pass over the rows. The counts equal a
 * full pass up to floating-point summation order (prefix sums vs. running sums).
 */
import { defined, undefinedRate, type ConfusionCounts, type Rate } from './confusion';
import { countAtLeast, resolveCut, type DecisionRule } from './decision';
import { assertFiniteScores } from './sort';
import { sortRows } from './accumulate';
import { WorkbenchError } from '../errors';

export interface ThresholdEvaluation {
  /** rows selected */
  selected: number;
  /** lowest selected score (null when nothing is selected) */
  cutScore: number | null;
  overall: ConfusionCounts;
  /** [attribute][group] */
  groups: ConfusionCounts[][];
}

/** One series per quantity, aligned with the thresholds; NaN where the rate is undefined. */
export interface SweepSeries {
  selectionRate: Float64Array;
  truePositiveRate: Float64Array;
  falsePositiveRate: Float64Array;
  /** why a series is NaN (it is NaN at every threshold or at none: denominators do not move) */
  reasons: { selectionRate?: 'empty-group'; truePositiveRate?: 'no-positives' | 'empty-group'; falsePositiveRate?: 'no-negatives' | 'empty-group' };
}

export interface ThresholdSweep {
  thresholds: Float64Array;
  overall: SweepSeries;
  /** [attribute][group] */
  groups: SweepSeries[][];
}

/** ROC curve points over the distinct scores (sklearn `roc_curve(drop_intermediate=False)`). */
export interface RocCurve {
  /** first point (0, 0) at threshold +Infinity, then one per distinct score, descending */
  thresholds: Float64Array;
  fpr: Float64Array;
  tpr: Float64Array;
  auc: Rate;
}

export interface ThresholdIndex {
  readonly n: number;
  /** groups per attribute */
  readonly nGroups: number[];
  /** rows selected by a rule */
  cut(decision: DecisionRule): number;
  evaluate(decision: DecisionRule): ThresholdEvaluation;
  sweep(thresholds: ArrayLike<number>): ThresholdSweep;
  /** attribute = null for everyone */
  rocCurve(attribute: number | null, group?: number): RocCurve;
}

interface GroupIndex {
  /** CSR start of each group in `ranks` (length G + 1) */
  start: Uint32Array;
  /** global ranks of each group's rows, ascending per group */
  ranks: Uint32Array;
  /** prefix sums per group, group g at [start[g] + g, start[g+1] + g], length m_g + 1 */
  cumPos: Float64Array;
  cumNeg: Float64Array;
}

export interface ThresholdIndexInput {
  scores: Float32Array | Float64Array;
  /** 1 = positive */
  labels: Uint8Array;
  /** sample weights (default 1) */
  weights?: Float64Array | Float32Array | null;
  /** per attribute: each row's group, −1 = missing */
  groupCodes: Int32Array[];
  /** groups per attribute (default: max code + 1; pass it to keep trailing empty levels) */
  groupCounts?: number[];
}

/** Build the index from one input object. */
export function createThresholdIndex(input: ThresholdIndexInput): ThresholdIndex {
  return buildThresholdIndex(input);
}

function buildThresholdIndex(input: ThresholdIndexInput): ThresholdIndex {
  const { scores, labels, weights, groupCodes, groupCounts } = input;
  assertFiniteScores(scores);
  const rows = sortRows(scores, labels, weights, groupCodes);
  const n = rows.n;
  const sorted = rows.scores;
  const w = rows.weights;
  const y = rows.labels;
  const cumPos = new Float64Array(n + 1);
  const cumNeg = new Float64Array(n + 1);
  for (let j = 0; j < n; j++) {
    const wj = w ? w[j] : 1;
    const pos = y[j] === 1;
    cumPos[j + 1] = cumPos[j] + (pos ? wj : 0);
    cumNeg[j + 1] = cumNeg[j] + (pos ? 0 : wj);
  }

  const nGroups: number[] = [];
  const groupIndex: GroupIndex[] = rows.codes.map((codes, a) => {
    let G = 0;
    for (let j = 0; j < n; j++) if (codes[j] + 1 > G) G = codes[j] + 1;
    const given = groupCounts?.[a];
    if (given !== undefined) {
      if (given < G) throw new WorkbenchError('internal', `createThresholdIndex: attribute ${a} has code ${G - 1} but ${given} groups.`);
      G = given;
    }
    nGroups.push(G);
    const start = new Uint32Array(G + 1);
    for (let j = 0; j < n; j++) if (codes[j] >= 0) start[codes[j] + 1]++;
    for (let g = 0; g < G; g++) start[g + 1] += start[g];
    const total = start[G];
    const ranks = new Uint32Array(total);
    const cp = new Float64Array(total + G);
    const cn = new Float64Array(total + G);
    const fill = start.slice(0, G);
    for (let j = 0; j < n; j++) {
      const g = codes[j];
      if (g < 0) continue;
      const p = fill[g]++;
      ranks[p] = j;
      const wj = w ? w[j] : 1;
      const q = p + g; // the group's prefix after this row is at q + 1
      if (y[j] === 1) {
        cp[q + 1] = cp[q] + wj;
        cn[q + 1] = cn[q];
      } else {
        cp[q + 1] = cp[q];
        cn[q + 1] = cn[q] + wj;
      }
    }
    return { start, ranks, cumPos: cp, cumNeg: cn };
  });

  const P = cumPos[n];
  const N = cumNeg[n];

  function counts(tp: number, fp: number, pos: number, neg: number, rows: number): ConfusionCounts {
    return { tp, fp, tn: neg - fp, fn: pos - tp, n: rows, w: pos + neg, pos, neg };
  }

  /** number of entries < c in ranks[lo, hi) */
  function below(ranks: Uint32Array, lo: number, hi: number, c: number): number {
    const base = lo;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranks[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    return lo - base;
  }

  function countsOfGroup(gi: GroupIndex, g: number, c: number): ConfusionCounts {
    const s = gi.start[g];
    const e = gi.start[g + 1];
    const m = below(gi.ranks, s, e, c);
    const o = s + g;
    const mg = e - s;
    return counts(gi.cumPos[o + m], gi.cumNeg[o + m], gi.cumPos[o + mg], gi.cumNeg[o + mg], mg);
  }

  function cut(decision: DecisionRule): number {
    return resolveCut(decision, sorted);
  }

  function evaluate(decision: DecisionRule): ThresholdEvaluation {
    const c = cut(decision);
    return {
      selected: c,
      cutScore: c > 0 ? sorted[c - 1] : null,
      overall: counts(cumPos[c], cumNeg[c], P, N, n),
      groups: groupIndex.map((gi, a) => {
        const out: ConfusionCounts[] = [];
        for (let g = 0; g < nGroups[a]; g++) out.push(countsOfGroup(gi, g, c));
        return out;
      }),
    };
  }

  function series(T: number, pos: number, neg: number): SweepSeries {
    const reasons: SweepSeries['reasons'] = {};
    const w = pos + neg;
    if (!(w > 0)) {
      reasons.selectionRate = 'empty-group';
      reasons.truePositiveRate = 'empty-group';
      reasons.falsePositiveRate = 'empty-group';
    } else {
      if (!(pos > 0)) reasons.truePositiveRate = 'no-positives';
      if (!(neg > 0)) reasons.falsePositiveRate = 'no-negatives';
    }
    return {
      selectionRate: new Float64Array(T),
      truePositiveRate: new Float64Array(T),
      falsePositiveRate: new Float64Array(T),
      reasons,
    };
  }

  function put(s: SweepSeries, k: number, tp: number, fp: number, pos: number, neg: number): void {
    const w = pos + neg;
    s.selectionRate[k] = w > 0 ? (tp + fp) / w : NaN;
    s.truePositiveRate[k] = pos > 0 ? tp / pos : NaN;
    s.falsePositiveRate[k] = neg > 0 ? fp / neg : NaN;
  }

  function sweep(thresholds: ArrayLike<number>): ThresholdSweep {
    const T = thresholds.length;
    const overall = series(T, P, N);
    const groups = groupIndex.map((gi, a) => {
      const out: SweepSeries[] = [];
      for (let g = 0; g < nGroups[a]; g++) {
        const o = gi.start[g] + g;
        const mg = gi.start[g + 1] - gi.start[g];
        out.push(series(T, gi.cumPos[o + mg], gi.cumNeg[o + mg]));
      }
      return out;
    });
    for (let k = 0; k < T; k++) {
      const c = countAtLeast(sorted, thresholds[k]);
      put(overall, k, cumPos[c], cumNeg[c], P, N);
      groupIndex.forEach((gi, a) => {
        for (let g = 0; g < nGroups[a]; g++) {
          const s = gi.start[g];
          const e = gi.start[g + 1];
          const m = below(gi.ranks, s, e, c);
          const o = s + g;
          put(groups[a][g], k, gi.cumPos[o + m], gi.cumNeg[o + m], gi.cumPos[o + e - s], gi.cumNeg[o + e - s]);
        }
      });
    }
    return { thresholds: Float64Array.from(thresholds), overall, groups };
  }

  function rocCurve(attribute: number | null, group = 0): RocCurve {
    // positions (global ranks) of the rows, and their prefix sums
    let len: number;
    let rankAt: (j: number) => number;
    let cp: (j: number) => number;
    let cn: (j: number) => number;
    if (attribute === null) {
      len = n;
      rankAt = (j) => j;
      cp = (j) => cumPos[j];
      cn = (j) => cumNeg[j];
    } else {
      const gi = groupIndex[attribute];
      if (!gi || group < 0 || group >= nGroups[attribute]) {
        throw new WorkbenchError('internal', `rocCurve: no group ${group} in attribute ${attribute}.`);
      }
      const s = gi.start[group];
      const o = s + group;
      len = gi.start[group + 1] - s;
      rankAt = (j) => gi.ranks[s + j];
      cp = (j) => gi.cumPos[o + j];
      cn = (j) => gi.cumNeg[o + j];
    }
    const pos = cp(len);
    const neg = cn(len);
    const th: number[] = [Infinity];
    const fx: number[] = [0];
    const ty: number[] = [0];
    // trapezoid on the unnormalised counts, one step per tie block (as the metric frame)
    let area = 0;
    let pf = 0;
    let pt = 0;
    for (let j = 0; j < len; j++) {
      const s = sorted[rankAt(j)];
      if (j + 1 < len && sorted[rankAt(j + 1)] === s) continue; // only at the end of a tie block
      const f = cn(j + 1);
      const t = cp(j + 1);
      area += ((f - pf) * (t + pt)) / 2;
      pf = f;
      pt = t;
      th.push(s);
      fx.push(neg > 0 ? f / neg : NaN);
      ty.push(pos > 0 ? t / pos : NaN);
    }
    const auc: Rate =
      len === 0 || !(pos + neg > 0)
        ? undefinedRate('empty-group')
        : pos > 0 && neg > 0
          ? defined(area / (pos * neg))
          : undefinedRate('one-class');
    return { thresholds: Float64Array.from(th), fpr: Float64Array.from(fx), tpr: Float64Array.from(ty), auc };
  }

  return { n, nGroups, cut, evaluate, sweep, rocCurve };
}
