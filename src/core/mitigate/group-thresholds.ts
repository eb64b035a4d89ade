/**
 * Group thresholds: post-processing for parity (Hardt, Price & Srebro 2016), the algorithm of
 * fairlearn's `ThresholdOptimizer` with its `InterpolatedThresholder` output.
 *
 * **These rules use the protected attribute at decision time**: every row is scored with the
 * rule of its group, so the group must be known for each lead when the decision is made. In many
 * jurisdictions and policies, treating people differently by a protected attribute at decision
 * time is itself the problem; this is a what-if tool, not a recommendation.
 *
 * Per group g (rows of the fitting data, weighted by `weights`, default 1), for every threshold
 * t in the group's distinct scores (descending), plus t = +∞ (select nobody) and t = −∞ (select
 * everybody), the rule "select iff score ≥ t" gives a point (x, y):
 * - demographic-parity: x = selection rate = (TP + FP) / W, y = objective;
 * - equal-opportunity: x = true positive rate = TP / P, y = objective;
 * - equalized-odds: x = false positive rate = FP / N, y = true positive rate = TP / P;
 * with objective accuracy = (TP + TN) / W or balanced accuracy = (TP/P + TN/N) / 2.
 * A random mixture of two rules reaches every point on the segment between them (both
 * coordinates are linear in the selection probabilities), so the best reachable y at each x
 * is the upper convex hull of the points (Andrew's monotone chain). The hull is interpolated
 * on the grid x_j = j / gridSize: at x between hull vertices (x0, y0) and (x1, y1),
 * P(select | score) = p0·[score ≥ t0] + p1·[score ≥ t1] with p0 = (x1 − x)/(x1 − x0), p1 = 1 − p0.
 *
 * Choice of the common x (every group operates at the same x, so parity holds exactly on the
 * fitting data, in expectation):
 * - demographic-parity / equal-opportunity: x* = argmax_j Σ_g π_g · y_g(x_j), π_g = W_g / W
 *   (fairlearn's weighting by P(A = g); for balanced accuracy this weighted mean is fairlearn's
 *   objective, not the balanced accuracy of the pooled data);
 * - equalized-odds: per group the ROC hull TPR_g(x) at FPR x; y_min(x) = min_g TPR_g(x) is the
 *   overlap of the groups' ROC regions; x* maximises the objective of the synthetic counts
 *   TP = P·y_min, FP = N·x, TN = N·(1 − x), FN = P·(1 − y_min) (fairlearn's); every group is
 *   moved from its hull point (x*, TPR_g(x*)) down to (x*, y_min(x*)) by mixing with the
 *   constant rule "select with probability x*" (a point on the diagonal):
 *   pIgnore = (TPR_g(x*) − y_min) / (TPR_g(x*) − x*).
 * Ties between grid points go to the smallest x (numpy's idxmax).
 *
 * With `topK` (a call-list capacity): only grid points whose expected selected count on the
 * fitting data, Σ_g E[selected in g] (+ fallback rows), is ≤ K are candidates (weighted
 * count when weights are given; for equalized odds the synthetic count P·y_min(x) + N·x,
 * exact when no row uses the fallback rule). fairlearn has no capacity; without topK this is
 * its algorithm. On other rows the count holds only in expectation; `applyGroupThresholds`
 * takes a `capacity` that caps the drawn decisions exactly.
 *
 * Where we differ from fairlearn, and why:
 * - Thresholds are "score ≥ t" at the group's own scores (the project's convention, sklearn's
 *   roc_curve) instead of fairlearn's "score > t" at the next lower score; same decisions on
 *   the fitting data.
 * - Rows whose group is missing (code −1), and groups whose constraint rate is undefined on
 *   the fitting data (no rows; no positives for equal opportunity; no positives or no negatives
 *   for equalized odds), get a **fallback rule**: the same construction on the pooled data of
 *   every row, at the same x*. fairlearn makes a missing value its own group and fails on
 *   groups without positives. The fallback rows count in the objective and in topK.
 * - Optional sample weights (fairlearn's ThresholdOptimizer takes none).
 */
import { countAtLeast } from '../metrics/decision';
import { argsortDesc } from '../metrics/sort';
import { assertFiniteScores } from '../metrics/sort';
import { createRng } from '../rng';
import { checkRows, internal, invalid } from './common';

export type ThresholdConstraint = 'demographic-parity' | 'equal-opportunity' | 'equalized-odds';
export type ThresholdObjective = 'accuracy' | 'balanced-accuracy';

/**
 * A randomized threshold rule (fairlearn's InterpolatedThresholder entry):
 * P(select | score) = (1 − pIgnore)·(p0·[score ≥ t0] + p1·[score ≥ t1]) + pIgnore·predictionConstant.
 * t may be +∞ (select nobody) or −∞ (select everybody); p0 + p1 = 1.
 */
export interface ThresholdRule {
  t0: number;
  p0: number;
  t1: number;
  p1: number;
  pIgnore: number;
  predictionConstant: number;
}

export interface GroupThresholdOptions {
  scores: ArrayLike<number>;
  /** 0/1 */
  labels: Uint8Array;
  /** 0..nGroups−1, −1 = missing */
  groupCodes: Int32Array;
  nGroups: number;
  constraint: ThresholdConstraint;
  /** default 'accuracy' */
  objective?: ThresholdObjective;
  /** call-list capacity: the expected number selected on the fitting data is ≤ topK */
  topK?: number;
  /** default 1000 (fairlearn's) */
  gridSize?: number;
  /** optional sample weights, finite and ≥ 0 */
  weights?: ArrayLike<number>;
}

export const defaultGroupThresholdOptions = { objective: 'accuracy', gridSize: 1000 } as const;

/** Expected rates of the fitted rules on the fitting data (null where undefined). */
export interface FittedRates {
  count: number;
  weight: number;
  expectedSelected: number;
  selectionRate: number | null;
  truePositiveRate: number | null;
  falsePositiveRate: number | null;
  accuracy: number | null;
}

export type FallbackReason = 'empty-group' | 'no-positives' | 'no-negatives';

export interface GroupThresholdRules {
  constraint: ThresholdConstraint;
  objective: ThresholdObjective;
  gridSize: number;
  /** the common operating point: selection rate (DP), TPR (EO) or FPR (equalized odds) */
  x: number;
  /** equalized odds: the common TPR y_min(x*); otherwise null */
  y: number | null;
  /** the weighted objective at x* on the fitting data */
  objectiveValue: number;
  /** one rule per group code (fallback groups hold a copy of `fallback`) */
  rules: ThresholdRule[];
  /** the rule for rows with a missing group and for `fallbackGroups` */
  fallback: ThresholdRule;
  fallbackGroups: { group: number; reason: FallbackReason }[];
  topK: number | null;
  /** false when no grid point met topK (the smallest-count point was taken) */
  topKMet: boolean;
  fitted: { overall: FittedRates; groups: FittedRates[] };
  notes: string[];
}

/** A group's threshold curve: vertex k selects rows with score ≥ t[k]; k = 0 selects nobody. */
interface Curve {
  t: Float64Array;
  /** weighted positives selected */
  tp: Float64Array;
  /** weighted negatives selected */
  fp: Float64Array;
  P: number;
  N: number;
}

/** Builds the curve of the rows `rows` (already in descending score order). */
function buildCurve(rows: ArrayLike<number>, nRows: number, scores: ArrayLike<number>, labels: Uint8Array, weights?: ArrayLike<number>): Curve {
  const t: number[] = [Infinity];
  const tp: number[] = [0];
  const fp: number[] = [0];
  let cTp = 0;
  let cFp = 0;
  for (let i = 0; i < nRows; ) {
    const s = scores[rows[i]];
    while (i < nRows && scores[rows[i]] === s) {
      const r = rows[i];
      const w = weights ? weights[r] : 1;
      if (labels[r] === 1) cTp += w;
      else cFp += w;
      i++;
    }
    t.push(s);
    tp.push(cTp);
    fp.push(cFp);
  }
  if (t.length > 1) t[t.length - 1] = -Infinity; // the last vertex selects everybody, on any data
  return { t: Float64Array.from(t), tp: Float64Array.from(tp), fp: Float64Array.from(fp), P: cTp, N: cFp };
}

type Axis = (tp: number, fp: number, c: Curve) => number;

function objectiveOf(objective: ThresholdObjective): Axis {
  if (objective === 'accuracy') return (tp, fp, c) => (c.P + c.N > 0 ? (tp + c.N - fp) / (c.P + c.N) : 0);
  // balanced accuracy; with one class absent, the half that is defined
  return (tp, fp, c) => {
    if (c.P > 0 && c.N > 0) return (tp / c.P + (c.N - fp) / c.N) / 2;
    if (c.P > 0) return tp / c.P;
    if (c.N > 0) return (c.N - fp) / c.N;
    return 0;
  };
}

function axesOf(constraint: ThresholdConstraint, objective: ThresholdObjective): { x: Axis; y: Axis } {
  const obj = objectiveOf(objective);
  switch (constraint) {
    case 'demographic-parity':
      return { x: (tp, fp, c) => (c.P + c.N > 0 ? (tp + fp) / (c.P + c.N) : 0), y: obj };
    case 'equal-opportunity':
      return { x: (tp, _fp, c) => tp / c.P, y: obj };
    case 'equalized-odds':
      return { x: (_tp, fp, c) => fp / c.N, y: (tp, _fp, c) => tp / c.P };
  }
}

interface Hull {
  /** curve vertex index per hull vertex, x strictly increasing */
  idx: number[];
  x: number[];
  y: number[];
}

/** Upper convex hull of the curve's (x, y) points (x is non-decreasing along the curve). */
function upperHull(c: Curve, axes: { x: Axis; y: Axis }): Hull {
  const idx: number[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < c.t.length; k++) {
    const x = axes.x(c.tp[k], c.fp[k], c);
    const y = axes.y(c.tp[k], c.fp[k], c);
    const m = idx.length;
    if (m > 0 && x <= xs[m - 1]) {
      // same x (x never decreases along the curve): keep the better y
      if (y > ys[m - 1]) {
        idx.pop();
        xs.pop();
        ys.pop();
      } else continue;
    }
    // pop while the last two and the new point do not make a right (clockwise) turn
    while (idx.length >= 2) {
      const a = idx.length - 2;
      const b = idx.length - 1;
      const cross = (xs[b] - xs[a]) * (y - ys[a]) - (ys[b] - ys[a]) * (x - xs[a]);
      if (cross >= 0) {
        idx.pop();
        xs.pop();
        ys.pop();
      } else break;
    }
    idx.push(k);
    xs.push(x);
    ys.push(y);
  }
  return { idx, x: xs, y: ys };
}

/** The hull interpolated on the grid x_j = j/G: segment vertices and mixing weights. */
interface Interp {
  i0: Int32Array;
  i1: Int32Array;
  p0: Float64Array;
  y: Float64Array;
}

function interpolate(h: Hull, gridSize: number): Interp {
  const n = gridSize + 1;
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const p0 = new Float64Array(n);
  const y = new Float64Array(n);
  let s = 0;
  const last = h.x.length - 1;
  for (let j = 0; j < n; j++) {
    const x = j / gridSize;
    while (s < last - 1 && h.x[s + 1] < x) s++;
    if (last === 0 || x <= h.x[0]) {
      i0[j] = i1[j] = 0;
      p0[j] = 1;
      y[j] = h.y[0];
    } else if (x >= h.x[last]) {
      i0[j] = i1[j] = last;
      p0[j] = 1;
      y[j] = h.y[last];
    } else {
      const x0 = h.x[s];
      const x1 = h.x[s + 1];
      const a = (x1 - x) / (x1 - x0);
      i0[j] = s;
      i1[j] = s + 1;
      p0[j] = a;
      y[j] = a * h.y[s] + (1 - a) * h.y[s + 1];
    }
  }
  return { i0, i1, p0, y };
}

/** Weighted positives and negatives with score ≥ t among rows sorted descending (prefix sums). */
interface Lookup {
  sorted: Float64Array;
  cumPos: Float64Array;
  cumNeg: Float64Array;
  P: number;
  N: number;
}

function buildLookup(rows: number[], scores: ArrayLike<number>, labels: Uint8Array, weights?: ArrayLike<number>): Lookup {
  const n = rows.length;
  const sorted = new Float64Array(n);
  const cumPos = new Float64Array(n + 1);
  const cumNeg = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const w = weights ? weights[r] : 1;
    sorted[i] = scores[r];
    cumPos[i + 1] = cumPos[i] + (labels[r] === 1 ? w : 0);
    cumNeg[i + 1] = cumNeg[i] + (labels[r] === 1 ? 0 : w);
  }
  return { sorted, cumPos, cumNeg, P: cumPos[n], N: cumNeg[n] };
}

/** Expected weighted (TP, FP) of a rule on the rows of a lookup. */
function ruleCounts(rule: ThresholdRule, L: Lookup): { tp: number; fp: number } {
  const k0 = countAtLeast(L.sorted, rule.t0);
  const k1 = countAtLeast(L.sorted, rule.t1);
  const tpT = rule.p0 * L.cumPos[k0] + rule.p1 * L.cumPos[k1];
  const fpT = rule.p0 * L.cumNeg[k0] + rule.p1 * L.cumNeg[k1];
  const q = rule.pIgnore;
  return {
    tp: (1 - q) * tpT + q * rule.predictionConstant * L.P,
    fp: (1 - q) * fpT + q * rule.predictionConstant * L.N,
  };
}

function ruleAt(c: Curve, h: Hull, it: Interp, j: number): ThresholdRule {
  const a = it.p0[j];
  return { t0: c.t[h.idx[it.i0[j]]], p0: a, t1: c.t[h.idx[it.i1[j]]], p1: 1 - a, pIgnore: 0, predictionConstant: 0 };
}

/** Selected weight of the hull mixture at grid j (exact on the group's own rows). */
function selectedAt(c: Curve, h: Hull, it: Interp, j: number): number {
  const k0 = h.idx[it.i0[j]];
  const k1 = h.idx[it.i1[j]];
  const a = it.p0[j];
  return a * (c.tp[k0] + c.fp[k0]) + (1 - a) * (c.tp[k1] + c.fp[k1]);
}

/** Moves an ROC hull point (x, yHull) down to (x, yTarget) by mixing with "select with probability x". */
function withIgnore(rule: ThresholdRule, x: number, yHull: number, yTarget: number): ThresholdRule {
  const d = yHull - x;
  const pIgnore = d > 0 ? Math.min(1, Math.max(0, (yHull - yTarget) / d)) : 0;
  return { ...rule, pIgnore, predictionConstant: x };
}

function fittedRates(L: Lookup, count: number, rule: ThresholdRule): FittedRates {
  const { tp, fp } = ruleCounts(rule, L);
  const W = L.P + L.N;
  return {
    count,
    weight: W,
    expectedSelected: tp + fp,
    selectionRate: W > 0 ? (tp + fp) / W : null,
    truePositiveRate: L.P > 0 ? tp / L.P : null,
    falsePositiveRate: L.N > 0 ? fp / L.N : null,
    accuracy: W > 0 ? (tp + L.N - fp) / W : null,
  };
}

/**
 * Fits one randomized threshold rule per group (see the module comment). Throws 'internal'
 * for mismatched inputs and 'roles-invalid' when the fitting data hold one class only, or
 * `objective` 'balanced-accuracy' is combined with an unknown constraint.
 */
export function fitGroupThresholds(options: GroupThresholdOptions): GroupThresholdRules {
  const { scores, labels, groupCodes, nGroups, constraint, weights } = options;
  const objective = options.objective ?? defaultGroupThresholdOptions.objective;
  const gridSize = options.gridSize ?? defaultGroupThresholdOptions.gridSize;
  if (scores.length !== labels.length) throw internal(`scores has ${scores.length} rows, labels ${labels.length}`);
  checkRows(labels, groupCodes, nGroups, weights);
  assertFiniteScores(scores);
  if (!Number.isInteger(gridSize) || gridSize < 1) throw internal(`gridSize must be a whole number ≥ 1, not ${gridSize}`);
  if (constraint !== 'demographic-parity' && constraint !== 'equal-opportunity' && constraint !== 'equalized-odds') {
    throw internal(`unknown constraint ${String(constraint)}`);
  }
  if (objective !== 'accuracy' && objective !== 'balanced-accuracy') throw internal(`unknown objective ${String(objective)}`);
  const topK = options.topK;
  if (topK !== undefined && !(topK >= 0 && Number.isFinite(topK))) throw internal(`topK must be a number ≥ 0, not ${topK}`);
  for (let i = 0; i < labels.length; i++) if (labels[i] > 1) throw internal(`label ${labels[i]} at row ${i}: labels must be 0/1`);

  const n = labels.length;
  const order = argsortDesc(scores);
  const byGroup: number[][] = Array.from({ length: nGroups }, () => []);
  for (let k = 0; k < n; k++) {
    const r = order[k];
    const g = groupCodes[r];
    if (g >= 0) byGroup[g].push(r);
  }
  const pooled = buildCurve(order, n, scores, labels, weights);
  if (!(pooled.P > 0) || !(pooled.N > 0)) {
    throw invalid('group thresholds need both outcomes among the fitting rows, but they hold only one', 'Fit on rows with positive and negative outcomes.');
  }
  const axes = axesOf(constraint, objective);
  const needPos = constraint !== 'demographic-parity';
  const needNeg = constraint === 'equalized-odds';

  const curves: (Curve | null)[] = [];
  const fallbackGroups: { group: number; reason: FallbackReason }[] = [];
  const fallbackRows: number[] = [];
  for (let k = 0; k < n; k++) if (groupCodes[order[k]] < 0) fallbackRows.push(order[k]);
  for (let g = 0; g < nGroups; g++) {
    const c = buildCurve(byGroup[g], byGroup[g].length, scores, labels, weights);
    let reason: FallbackReason | null = null;
    if (!(c.P + c.N > 0)) reason = 'empty-group';
    else if (needPos && !(c.P > 0)) reason = 'no-positives';
    else if (needNeg && !(c.N > 0)) reason = 'no-negatives';
    if (reason) {
      curves.push(null);
      fallbackGroups.push({ group: g, reason });
      for (const r of byGroup[g]) fallbackRows.push(r);
    } else curves.push(c);
  }
  fallbackRows.sort((a, b) => scores[b] - scores[a] || a - b);

  const hulls = curves.map((c) => (c ? upperHull(c, axes) : null));
  const interps = hulls.map((h) => (h ? interpolate(h, gridSize) : null));
  const pooledHull = upperHull(pooled, axes);
  const pooledInterp = interpolate(pooledHull, gridSize);
  const fbLookup = buildLookup(fallbackRows, scores, labels, weights);
  const fbWeight = fbLookup.P + fbLookup.N;
  const objFn = objectiveOf(objective);

  const G = gridSize + 1;
  const total = new Float64Array(G); // objective per grid point
  const selected = new Float64Array(G); // expected selected weight per grid point
  const yMin = new Float64Array(G).fill(Infinity);
  let W = fbWeight;
  for (const c of curves) if (c) W += c.P + c.N;

  if (constraint === 'equalized-odds') {
    let any = false;
    for (const it of interps) {
      if (!it) continue;
      any = true;
      for (let j = 0; j < G; j++) if (it.y[j] < yMin[j]) yMin[j] = it.y[j];
    }
    if (!any) for (let j = 0; j < G; j++) yMin[j] = pooledInterp.y[j];
    // synthetic counts over every fitting row (fairlearn)
    const P = pooled.P;
    const N = pooled.N;
    for (let j = 0; j < G; j++) {
      const x = j / gridSize;
      total[j] = objFn(P * yMin[j], N * x, pooled);
      selected[j] = P * yMin[j] + N * x;
    }
  } else {
    for (let g = 0; g < nGroups; g++) {
      const c = curves[g];
      if (!c) continue;
      const it = interps[g]!;
      const h = hulls[g]!;
      const pi = (c.P + c.N) / W;
      for (let j = 0; j < G; j++) {
        total[j] += pi * it.y[j];
        selected[j] += selectedAt(c, h, it, j);
      }
    }
    if (fbWeight > 0) {
      const fbCurve: Curve = { t: pooled.t, tp: pooled.tp, fp: pooled.fp, P: fbLookup.P, N: fbLookup.N };
      for (let j = 0; j < G; j++) {
        const { tp, fp } = ruleCounts(ruleAt(pooled, pooledHull, pooledInterp, j), fbLookup);
        total[j] += (fbWeight / W) * objFn(tp, fp, fbCurve);
        selected[j] += tp + fp;
      }
    }
  }

  // choose x*: the best objective among grid points within capacity (first on ties)
  const notes: string[] = [];
  let best = -1;
  let topKMet = true;
  const eps = 1e-9 * Math.max(1, W);
  for (let j = 0; j < G; j++) {
    if (topK !== undefined && selected[j] > topK + eps) continue;
    if (best < 0 || total[j] > total[best]) best = j;
  }
  if (best < 0) {
    topKMet = false;
    best = 0;
    for (let j = 1; j < G; j++) if (selected[j] < selected[best]) best = j;
    notes.push(`No operating point selects at most ${topK} (the fewest is ${selected[best].toFixed(1)}); the point with the fewest selections was taken.`);
  }
  const x = best / gridSize;
  const yBest = constraint === 'equalized-odds' ? yMin[best] : null;

  const ruleFor = (c: Curve, h: Hull, it: Interp): ThresholdRule => {
    const r = ruleAt(c, h, it, best);
    return constraint === 'equalized-odds' ? withIgnore(r, x, it.y[best], yBest!) : r;
  };
  const fallback = ruleFor(pooled, pooledHull, pooledInterp);
  const rules = curves.map((c, g) => (c ? ruleFor(c, hulls[g]!, interps[g]!) : { ...fallback }));

  for (const f of fallbackGroups) {
    const why = f.reason === 'empty-group' ? 'has no rows' : f.reason === 'no-positives' ? 'has no positives' : 'has no negatives';
    notes.push(`Group ${f.group} ${why} in the fitting data; it gets the pooled (fallback) rule.`);
  }
  if (fallbackRows.length > 0 && fallbackGroups.length === 0) notes.push(`${fallbackRows.length} rows without a group get the pooled (fallback) rule.`);

  // achieved (expected) rates on the fitting data
  const groups: FittedRates[] = [];
  const missingRows: number[] = [];
  for (let k = 0; k < n; k++) if (groupCodes[order[k]] < 0) missingRows.push(order[k]);
  const missR = ruleCounts(fallback, buildLookup(missingRows, scores, labels, weights));
  let tpAll = missR.tp;
  let fpAll = missR.fp;
  for (let g = 0; g < nGroups; g++) {
    const L = buildLookup(byGroup[g], scores, labels, weights);
    groups.push(fittedRates(L, byGroup[g].length, rules[g]));
    const rc = ruleCounts(rules[g], L);
    tpAll += rc.tp;
    fpAll += rc.fp;
  }
  const Wall = pooled.P + pooled.N;
  const overall: FittedRates = {
    count: n,
    weight: Wall,
    expectedSelected: tpAll + fpAll,
    selectionRate: (tpAll + fpAll) / Wall,
    truePositiveRate: tpAll / pooled.P,
    falsePositiveRate: fpAll / pooled.N,
    accuracy: (tpAll + pooled.N - fpAll) / Wall,
  };

  return {
    constraint,
    objective,
    gridSize,
    x,
    y: yBest,
    objectiveValue: total[best],
    rules,
    fallback,
    fallbackGroups,
    topK: topK ?? null,
    topKMet,
    fitted: { overall, groups },
    notes,
  };
}

function ruleProbability(r: ThresholdRule, s: number): number {
  const thr = r.p0 * (s >= r.t0 ? 1 : 0) + r.p1 * (s >= r.t1 ? 1 : 0);
  return (1 - r.pIgnore) * thr + r.pIgnore * r.predictionConstant;
}

/**
 * Expected decision of every row: P(select | score, group) under its group's rule (the
 * fallback rule for a missing group). Exact evaluation without randomisation.
 */
export function selectionProbability(rules: Pick<GroupThresholdRules, 'rules' | 'fallback'>, scores: ArrayLike<number>, groupCodes: Int32Array): Float64Array {
  if (scores.length !== groupCodes.length) throw internal(`scores has ${scores.length} rows, groupCodes ${groupCodes.length}`);
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const g = groupCodes[i];
    const r = g >= 0 && g < rules.rules.length ? rules.rules[g] : rules.fallback;
    out[i] = ruleProbability(r, scores[i]);
  }
  return out;
}

/**
 * Randomised 0/1 decisions: row i is selected iff u_i < P(select | score_i, group_i), with u_i
 * the i-th draw of the seeded generator (fairlearn's `predict(random_state=…)`). Deterministic
 * under `options.seed`; a row whose probability is 0 or 1 is never randomised.
 *
 * `capacity` (optional, e.g. the call list's K): when more rows than that are selected, a
 * uniformly random subset of exactly `capacity` selected rows is kept (same generator). Uniform
 * thinning scales every group's selection rate, TPR and FPR by the same factor in expectation,
 * so parity in expectation survives; dropping the lowest scores instead would hit the groups
 * whose thresholds are lowest. The rules' own topK holds only in expectation on the fitting
 * data; this makes it hold exactly on the rows decided here.
 */
export function applyGroupThresholds(
  rules: Pick<GroupThresholdRules, 'rules' | 'fallback'>,
  scores: ArrayLike<number>,
  groupCodes: Int32Array,
  options: { seed: number; capacity?: number },
): Uint8Array {
  const p = selectionProbability(rules, scores, groupCodes);
  const rng = createRng(options.seed);
  const out = new Uint8Array(p.length);
  const chosen: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const u = rng.next();
    if (u < p[i]) {
      out[i] = 1;
      chosen.push(i);
    }
  }
  const cap = options.capacity;
  if (cap !== undefined) {
    if (!(cap >= 0)) throw internal(`capacity must be ≥ 0, not ${cap}`);
    const k = Math.floor(cap);
    if (chosen.length > k) {
      // partial Fisher–Yates: the first k of a random order stay selected
      for (let i = 0; i < k; i++) {
        const j = i + rng.int(chosen.length - i);
        const t = chosen[i];
        chosen[i] = chosen[j];
        chosen[j] = t;
      }
      for (let i = k; i < chosen.length; i++) out[chosen[i]] = 0;
    }
  }
  return out;
}

/** JSON form of a rule: ±∞ thresholds are written as the strings "Infinity" / "-Infinity". */
export interface ThresholdRuleJson {
  t0: number | 'Infinity' | '-Infinity';
  p0: number;
  t1: number | 'Infinity' | '-Infinity';
  p1: number;
  pIgnore: number;
  predictionConstant: number;
}

function tJson(t: number): number | 'Infinity' | '-Infinity' {
  return t === Infinity ? 'Infinity' : t === -Infinity ? '-Infinity' : t;
}

function tParse(v: unknown, at: string): number {
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw invalid(`${at} must be a number, "Infinity" or "-Infinity", not ${JSON.stringify(v)}`, 'Export the rules again from the workbench.');
}

export function ruleToJson(r: ThresholdRule): ThresholdRuleJson {
  return { t0: tJson(r.t0), p0: r.p0, t1: tJson(r.t1), p1: r.p1, pIgnore: r.pIgnore, predictionConstant: r.predictionConstant };
}

export function ruleFromJson(v: unknown, at = 'rule'): ThresholdRule {
  if (typeof v !== 'object' || v === null) throw invalid(`${at} must be an object {t0, p0, t1, p1, pIgnore, predictionConstant}`, 'Export the rules again from the workbench.');
  const o = v as Record<string, unknown>;
  const prob = (k: string): number => {
    const x = o[k];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw invalid(`${at}.${k} must be a number in [0, 1], not ${JSON.stringify(x)}`, 'Export the rules again from the workbench.');
    return x;
  };
  return { t0: tParse(o.t0, `${at}.t0`), p0: prob('p0'), t1: tParse(o.t1, `${at}.t1`), p1: prob('p1'), pIgnore: prob('pIgnore'), predictionConstant: prob('predictionConstant') };
}

/**
 * A deterministic stand-in for each group's randomised rule, for `manifest.groupThresholds`
 * (which holds one plain threshold per group): the threshold that selects, on the fitting
 * rows of the group, the number of rows nearest to the rule's expected count, clamped to
 * [1e-6, 1 − 1e-6] (the manifest wants thresholds strictly inside (0, 1)). Parity then holds
 * only approximately; the exact rules are the randomised ones.
 */
export function deterministicThresholds(rules: GroupThresholdRules, scores: ArrayLike<number>, groupCodes: Int32Array): number[] {
  const byGroup: number[][] = Array.from({ length: rules.rules.length }, () => []);
  for (let i = 0; i < scores.length; i++) if (groupCodes[i] >= 0 && groupCodes[i] < byGroup.length) byGroup[groupCodes[i]].push(scores[i]);
  const p = selectionProbability(rules, scores, groupCodes);
  const expected = new Float64Array(byGroup.length);
  for (let i = 0; i < scores.length; i++) if (groupCodes[i] >= 0 && groupCodes[i] < byGroup.length) expected[groupCodes[i]] += p[i];
  return byGroup.map((s, g) => {
    s.sort((a, b) => b - a);
    const k = Math.round(expected[g]);
    let t: number;
    if (s.length === 0) t = 0.5;
    else if (k <= 0) t = s[0] + 1e-6;
    else if (k >= s.length) t = s[s.length - 1];
    else t = (s[k - 1] + s[k]) / 2 > s[k] ? (s[k - 1] + s[k]) / 2 : s[k - 1];
    return Math.min(1 - 1e-6, Math.max(1e-6, t));
  });
}
