/**
 * The reductions approach (./reductions) with logistic regression as its learner, and the
 * deterministic forms of its result.
 *
 * The learner: each best response is the exact weighted fit of ../fit/logistic (scikit-learn's
 * LogisticRegression objective, C = 1 unless asked) on the relabelled, reweighted training
 * rows; its decisions are p > 0.5, as scikit-learn's `predict`.
 *
 * The result is a randomised mixture: select x with probability Σ_j Q_j·h_j(x), h_j the
 * members' 0/1 decisions. A lead-scoring model must decide the same way every time and be one
 * exportable model, so we offer three deterministic forms of it:
 * - 'mixture': the score s(x) = Σ_j Q_j·p_j(x), the mixture of the members' probabilities, at
 *   the model's threshold 0.5. Not a logistic model, but one Layers model: a Dense(m, sigmoid)
 *   layer holding the m members side by side, a Dense(1, linear) layer holding Q, and a ReLU
 *   capped at 1 (it only absorbs float32 rounding above 1);
 * - 'mixture-threshold': the same score, with the threshold fitted on the training rows: the
 *   lowest training error among the thresholds whose hard between-group gap meets the bound
 *   (written into the manifest's threshold);
 * - 'best-member': the one member with the lowest err + B·(largest violation above the bound)
 *   among those with weight — the Lagrangian's upper value for a pure strategy; a plain
 *   logistic model.
 * docs/mitigations.md says which one the scenarios use and why (measured by bench/reductions.ts).
 */
import { WorkbenchError } from '../errors';
import { fitLogistic, predictLogistic } from '../fit/logistic';
import type { LogisticFit } from '../fit/logistic';
import { tf } from '../tf';
import type { LayersModel, Tensor } from '../tf';
import type { FairnessConstraint } from '../train-penalty';
import { hardGap } from './constraint';
import type { Member, ParityForm, ReductionsResult, WeightedLearner } from './reductions';

export type DeterministicForm = 'mixture' | 'mixture-threshold' | 'best-member';

export const DETERMINISTIC_FORMS: readonly DeterministicForm[] = ['mixture', 'mixture-threshold', 'best-member'];

/** The coefficients of one fitted member. */
export type LogisticMember = Pick<LogisticFit, 'coef' | 'intercept'>;

/**
 * The weighted logistic learner on the encoded training rows X (n × d, row-major). Each fit
 * starts from the previous one (the best responses to nearby multipliers are nearby models):
 * about half the Newton iterations of a cold start on the bank split, the same minimiser to
 * the solver's tolerance, and still deterministic (the calls come in a fixed order).
 */
export function logisticLearner(X: Float32Array | Float64Array, d: number, C = 1): WeightedLearner<LogisticMember> {
  let last: LogisticMember | null = null;
  return (labels, weights) => {
    const fit = fitLogistic(X, labels, d, { C, sampleWeight: weights, ...(last ? { start: last } : {}) });
    last = { coef: fit.coef, intercept: fit.intercept };
    const p = predictLogistic(fit, X, d);
    const decisions = new Uint8Array(p.length);
    for (let i = 0; i < p.length; i++) decisions[i] = p[i] > 0.5 ? 1 : 0;
    return { model: last, decisions };
  };
}

/** P(y = 1) of one member on rows X: its logistic probability, or its constant. */
export function memberProbabilities(member: Member<LogisticMember>, X: Float32Array | Float64Array, d: number): Float64Array {
  if (member.kind === 'constant') return new Float64Array(X.length / d).fill(member.value);
  return predictLogistic(member.model, X, d);
}

/** The mixture's score Σ_j Q_j·p_j(x) on rows X. */
export function mixtureScores(r: Pick<ReductionsResult<LogisticMember>, 'members' | 'weights'>, X: Float32Array | Float64Array, d: number): Float64Array {
  const s = new Float64Array(X.length / d);
  r.members.forEach((mem, j) => {
    const q = r.weights[j];
    if (q === 0) return;
    const p = memberProbabilities(mem, X, d);
    for (let i = 0; i < s.length; i++) s[i] += q * p[i];
  });
  return s;
}

/** The randomised mixture's selection probability Σ_j Q_j·[p_j(x) > 0.5] on rows X (fairlearn's `_pmf_predict`). */
export function mixtureSelectionProbability(r: Pick<ReductionsResult<LogisticMember>, 'members' | 'weights'>, X: Float32Array | Float64Array, d: number): Float64Array {
  const s = new Float64Array(X.length / d);
  r.members.forEach((mem, j) => {
    const q = r.weights[j];
    if (q === 0) return;
    const p = memberProbabilities(mem, X, d);
    for (let i = 0; i < s.length; i++) if (p[i] > 0.5) s[i] += q;
  });
  return s;
}

/** Index of the best member: lowest err_j + B·max(0, max_k γ_jk − bound) among members with weight. */
export function bestMember(r: Pick<ReductionsResult<unknown>, 'weights' | 'errors' | 'gammas' | 'moment'>, B: number): number {
  let best = -1;
  let bestValue = Infinity;
  for (let j = 0; j < r.weights.length; j++) {
    if (!(r.weights[j] > 0)) continue;
    let worst = 0;
    for (const g of r.gammas[j]) worst = Math.max(worst, g - r.moment.bound);
    const v = r.errors[j] + B * worst;
    if (v < bestValue) {
      bestValue = v;
      best = j;
    }
  }
  return best;
}

/** Rows a threshold is fitted on. */
export interface ThresholdFitRows {
  scores: ArrayLike<number>;
  labels: Uint8Array;
  groups: Int32Array;
  nGroups: number;
  constraint: FairnessConstraint;
  bound: number;
  /**
   * How the gap is measured: 'between-groups' (default), max − min of the groups' rates;
   * 'overall' (fairlearn's form), the largest |group rate − the rate over all rows|.
   */
  parity?: ParityForm;
}

/**
 * The threshold t (decision: score ≥ t) with the fewest training errors among those whose hard
 * gap (between groups as {@link hardGap} defines it, or against the overall rate) is ≤ bound; ties go to the smaller gap, then
 * the larger t. Candidates: every distinct score, and +∞ (select nobody, gap 0), so one always
 * qualifies. Sweeps the scores from the top, one distinct value at a time, with per-group
 * counts: O(n log n + distinct·groups).
 */
export function fitThreshold(rows: ThresholdFitRows): { threshold: number; gap: number; errors: number } {
  const { scores, labels, groups, nGroups, constraint, bound } = rows;
  const parity = rows.parity ?? 'between-groups';
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const count = new Float64Array(nGroups);
  const pos = new Float64Array(nGroups);
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    if (g < 0) continue;
    count[g]++;
    pos[g] += labels[i];
  }
  const sel = new Float64Array(nGroups);
  const tp = new Float64Array(nGroups);
  let totalPos = 0;
  for (let i = 0; i < n; i++) totalPos += labels[i];
  let errors = totalPos; // nobody selected: every positive is missed
  let best = { threshold: Infinity, gap: 0, errors };
  for (let k = 0; k < n;) {
    const t = scores[order[k]];
    for (; k < n && scores[order[k]] === t; k++) {
      const i = order[k];
      errors += labels[i] === 1 ? -1 : 1;
      const g = groups[i];
      if (g < 0) continue;
      sel[g]++;
      tp[g] += labels[i];
    }
    const gap = groupGap(constraint, parity, { count, pos, sel, tp });
    if (gap <= bound + 1e-12 && (errors < best.errors || (errors === best.errors && gap < best.gap))) best = { threshold: t, gap, errors };
  }
  return best;
}

/**
 * The groups' gap from their counts: 'between-groups', max − min of their rates; 'overall', the
 * largest |rate − the same rate over all rows| (equalized odds: the larger of the TPR and FPR
 * gaps). Groups where a rate does not exist are left out.
 */
function groupGap(constraint: FairnessConstraint, parity: ParityForm, c: { count: Float64Array; pos: Float64Array; sel: Float64Array; tp: Float64Array }): number {
  const G = c.count.length;
  const all = { count: 0, pos: 0, sel: 0, tp: 0 };
  for (let g = 0; g < G; g++) {
    all.count += c.count[g];
    all.pos += c.pos[g];
    all.sel += c.sel[g];
    all.tp += c.tp[g];
  }
  type Counts = { count: number; pos: number; sel: number; tp: number };
  const at = (g: number): Counts => ({ count: c.count[g], pos: c.pos[g], sel: c.sel[g], tp: c.tp[g] });
  const gap = (rate: (k: Counts) => number | null): number => {
    const overall = rate(all);
    let lo = Infinity;
    let hi = -Infinity;
    let dev = 0;
    for (let g = 0; g < G; g++) {
      const r = rate(at(g));
      if (r === null) continue;
      lo = Math.min(lo, r);
      hi = Math.max(hi, r);
      if (overall !== null) dev = Math.max(dev, Math.abs(r - overall));
    }
    if (parity === 'overall') return dev;
    return hi >= lo ? hi - lo : 0;
  };
  const tpr = (k: Counts): number | null => (k.pos > 0 ? k.tp / k.pos : null);
  const fpr = (k: Counts): number | null => (k.count - k.pos > 0 ? (k.sel - k.tp) / (k.count - k.pos) : null);
  switch (constraint) {
    case 'demographic-parity':
      return gap((k) => (k.count > 0 ? k.sel / k.count : null));
    case 'equal-opportunity':
      return gap(tpr);
    case 'equalized-odds':
      return Math.max(gap(tpr), gap(fpr));
    case 'error-rate-parity':
      return gap((k) => (k.count > 0 ? (k.sel - k.tp + k.pos - k.tp) / k.count : null));
  }
}

/** Bias of the unit that stands for a constant member: σ(±40) is 1 or ~4e-18 in float32. */
const CONSTANT_LOGIT = 40;

/**
 * One Layers model that outputs Σ_j Q_j·p_j(x) over the members with weight: Dense(m, sigmoid)
 * 'members' (member j's coefficients in column j; a constant member is a zero column with bias
 * ±40), Dense(1, linear) 'output' holding the weights, ReLU capped at 1 'clip'. A mixture of one
 * fitted member is that member as the usual Dense(1, sigmoid) 'output' model.
 */
export function mixtureLayersModel(r: Pick<ReductionsResult<LogisticMember>, 'members' | 'weights'>, width: number): LayersModel {
  const kept = r.members.map((m, j) => ({ m, q: r.weights[j] })).filter((x) => x.q > 0);
  if (kept.length === 0) throw new WorkbenchError('internal', 'the mixture has no member with weight');
  if (kept.length === 1 && kept[0].m.kind === 'fitted') return logisticLayersModel(kept[0].m.model, width);
  const m = kept.length;
  const kernel = new Float32Array(width * m);
  const bias = new Float32Array(m);
  kept.forEach(({ m: mem }, j) => {
    if (mem.kind === 'constant') {
      bias[j] = mem.value === 1 ? CONSTANT_LOGIT : -CONSTANT_LOGIT;
      return;
    }
    for (let i = 0; i < width; i++) kernel[i * m + j] = mem.model.coef[i];
    bias[j] = mem.model.intercept;
  });
  const model = tf.sequential({ name: 'lead_score_reductions_mixture' });
  model.add(tf.layers.dense({ units: m, activation: 'sigmoid', name: 'members', inputShape: [width] }));
  model.add(tf.layers.dense({ units: 1, activation: 'linear', name: 'output' }));
  model.add(tf.layers.reLU({ maxValue: 1, name: 'clip' }));
  setWeights(model, 'members', [tf.tensor2d(kernel, [width, m]), tf.tensor1d(bias)]);
  setWeights(model, 'output', [tf.tensor2d(Float32Array.from(kept, (x) => x.q), [m, 1]), tf.tensor1d([0])]);
  return model;
}

/** A plain logistic Layers model, Dense(1, sigmoid) 'output', with the member's coefficients. */
export function logisticLayersModel(member: LogisticMember, width: number): LayersModel {
  const model = tf.sequential({ name: 'lead_score_logistic' });
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'output', inputShape: [width] }));
  setWeights(model, 'output', [tf.tensor2d(Float32Array.from(member.coef), [width, 1]), tf.tensor1d([member.intercept])]);
  return model;
}

function setWeights(model: LayersModel, layer: string, tensors: Tensor[]): void {
  try {
    model.getLayer(layer).setWeights(tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/** Hard gap of decisions (score ≥ threshold) — re-exported shape for the scenario's report. */
export function trainingGapOf(rows: Omit<ThresholdFitRows, 'bound'> & { threshold: number }): number | null {
  return hardGap({ scores: rows.scores, labels: rows.labels, groupCodes: rows.groups, nGroups: rows.nGroups, constraint: rows.constraint, threshold: rows.threshold }).value;
}
