/**
 * Fairness constraints by reduction to weighted classification (Agarwal, Beygelzimer, Dudík,
 * Langford & Wallach, "A Reductions Approach to Fair Classification", ICML 2018) — the method
 * of fairlearn's `ExponentiatedGradient`, with its defaults, written for typed arrays.
 *
 * What is optimised. Over randomised classifiers Q (a probability mixture of classifiers h):
 *
 *     minimise err(Q)   subject to   γ_k(Q) ≤ bound for every constraint k,
 *
 * err = the (weighted) training error rate, γ_k a difference of two group rates (the
 * "moment", see {@link buildMoment}). The Lagrangian L(Q, λ) = err(Q) + Σ_k λ_k (γ_k(Q) − bound),
 * with λ ≥ 0 and ‖λ‖₁ ≤ B = 1/eps, is a zero-sum game; its saddle point is found by
 * - the λ-player: exponentiated gradient, θ ← θ + η (γ(h_t) − bound), λ = B·e^θ / (1 + Σ e^θ);
 * - the Q-player: the best response to λ is a cost-sensitive classification, which any learner
 *   that takes sample weights solves: row i gets the label 1[benefit_i > 0] and the weight
 *   |benefit_i| (normalised to sum to n), benefit_i being how much predicting 1 instead of 0
 *   lowers n·L ({@link signedWeights}). Here the learner is the exact weighted logistic fit.
 * Q_EG is the average of the best responses so far; after the first iteration a linear
 * programme over the mixtures of the classifiers found so far gives Q_LP; whichever has the
 * smaller duality gap is kept. The loop stops when the gap is below ν (after ≥ 5 iterations) or
 * after maxIter iterations; the iteration with the smallest gap gives the mixture.
 *
 * Facts carried over from fairlearn 0.15's source (reductions/_exponentiated_gradient,
 * _moments/utility_parity.py): eps 0.01, maxIter 50, eta0 2 (η = eta0/B), ν = 0.5·std(|h₀ − y|)/√n
 * (sample std of the first best response's errors); η shrinks ×0.8 when the best gap has not
 * fallen below 0.8 × the last checked one, checked at t ≥ 5·1.6^k; a new best response is
 * kept only if it lowers the Lagrangian by more than 1e-8; the duality gap's lower side tries
 * the best responses to 1, 2, 5 and 10 × λ̂ and stops once the gap exceeds ν; the constraint
 * pairs (+/−) are projected (λ⁺ − λ⁻ clipped at 0) when the Lagrangian is evaluated; a
 * best-response problem whose relabelled rows are all one class is answered by a constant.
 *
 * Where we differ:
 * - parity 'between-groups' (what a scenario's bound means, and what the page reports): one
 *   constraint per ordered pair of groups, rate_a − rate_b ≤ bound, so the max − min gap is
 *   bounded; fairlearn's 'overall' (each group's rate within `bound` of the rate over every
 *   grouped row, so max − min ≤ 2·bound) is available for comparison with fairlearn;
 * - rows in no group (code −1) count in the error but in no rate (fairlearn would make them a group);
 * - optional row weights weight the error and every rate (fairlearn's ExponentiatedGradient takes none).
 */
import { WorkbenchError } from '../errors';
import type { FairnessConstraint } from '../train-penalty';
import { linprog } from './linprog';

/** How the groups' rates are compared. */
export type ParityForm = 'between-groups' | 'overall';

/** The training rows a constrained classifier is fitted on. */
export interface ParityData {
  /** label per row: 0 or 1 */
  y: Uint8Array;
  /** group per row: 0..nGroups−1, −1 = in no group */
  groups: Int32Array;
  nGroups: number;
  /** weight per row (> 0 where given); default 1 */
  weights?: ArrayLike<number>;
}

/**
 * The constraints γ_k(h) ≤ bound as differences of two weighted rates of a utility u_i(h):
 * γ_k = rate over cell plus[k] − rate over cell minus[k]. A cell is the grouped rows of one
 * event (all rows; label 1; label 0) in one group, or in every group. u_i = h_i, except for
 * error-rate parity, where u_i = [h_i ≠ y_i] = y_i + (1 − 2y_i)·h_i.
 */
export interface Moment {
  constraint: FairnessConstraint;
  parity: ParityForm;
  bound: number;
  /** number of constraints */
  K: number;
  plus: Int32Array;
  minus: Int32Array;
  /** the constraint with plus and minus swapped (its pair for the λ projection) */
  opposite: Int32Array;
  /** per constraint, for reports: "+ label=1 g2" (overall) or "label=1 g0 − g2" (between groups) */
  names: string[];
  /** total weight of each cell (cells: event e, group g at e·(nGroups+1) + g; every group at g = nGroups) */
  cellWeight: Float64Array;
  /** per row: its own (event, group) cell and its (event, every group) cell; −1 when it is in none */
  rowCell: Int32Array;
  rowAll: Int32Array;
  /** per row: u_i = u0_i + ud_i·h_i */
  u0: Float64Array;
  ud: Float64Array;
  /** per row weight, and their total over every row */
  w: Float64Array;
  totalWeight: number;
  n: number;
}

const EVENTS: Record<FairnessConstraint, string[]> = {
  'demographic-parity': ['all'],
  'error-rate-parity': ['all'],
  'equal-opportunity': ['label=1'],
  'equalized-odds': ['label=0', 'label=1'],
};

/** Event of a row with label y: its index in EVENTS[constraint], or −1. */
function eventOf(constraint: FairnessConstraint, y: number): number {
  if (constraint === 'equal-opportunity') return y === 1 ? 0 : -1;
  if (constraint === 'equalized-odds') return y;
  return 0;
}

/** The moment of a constraint on the data (see {@link Moment}). */
export function buildMoment(data: ParityData, constraint: FairnessConstraint, bound: number, parity: ParityForm): Moment {
  const { y, groups, nGroups } = data;
  const n = y.length;
  if (groups.length !== n) throw new WorkbenchError('internal', `groups has ${groups.length} entries for ${n} rows`);
  if (!(bound >= 0)) throw new WorkbenchError('internal', `bound must be ≥ 0, not ${bound}`);
  const events = EVENTS[constraint];
  if (!events) throw new WorkbenchError('internal', `unknown fairness constraint ${String(constraint)}`);
  const G1 = nGroups + 1;
  const cellWeight = new Float64Array(events.length * G1);
  const rowCell = new Int32Array(n).fill(-1);
  const rowAll = new Int32Array(n).fill(-1);
  const w = new Float64Array(n);
  const u0 = new Float64Array(n);
  const ud = new Float64Array(n).fill(1);
  let totalWeight = 0;
  for (let i = 0; i < n; i++) {
    const wi = data.weights ? data.weights[i] : 1;
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new WorkbenchError('internal', `weight ${i} is ${wi}: weights must be finite and ≥ 0`);
    w[i] = wi;
    totalWeight += wi;
    if (constraint === 'error-rate-parity') {
      u0[i] = y[i];
      ud[i] = 1 - 2 * y[i];
    }
    const g = groups[i];
    const e = eventOf(constraint, y[i]);
    if (g < 0 || e < 0 || wi === 0) continue;
    if (g >= nGroups) throw new WorkbenchError('internal', `group code ${g} is outside 0..${nGroups - 1}`);
    rowCell[i] = e * G1 + g;
    rowAll[i] = e * G1 + nGroups;
    cellWeight[rowCell[i]] += wi;
    cellWeight[rowAll[i]] += wi;
  }
  const plus: number[] = [];
  const minus: number[] = [];
  const names: string[] = [];
  if (parity === 'overall') {
    // fairlearn's order: sign, then (event, group)
    for (const sign of ['+', '-']) {
      events.forEach((ev, e) => {
        for (let g = 0; g < nGroups; g++) {
          if (cellWeight[e * G1 + g] === 0) continue;
          const [a, b] = sign === '+' ? [e * G1 + g, e * G1 + nGroups] : [e * G1 + nGroups, e * G1 + g];
          plus.push(a);
          minus.push(b);
          names.push(`${sign} ${ev} g${g}`);
        }
      });
    }
  } else if (parity === 'between-groups') {
    events.forEach((ev, e) => {
      for (let a = 0; a < nGroups; a++) {
        for (let b = 0; b < nGroups; b++) {
          if (a === b || cellWeight[e * G1 + a] === 0 || cellWeight[e * G1 + b] === 0) continue;
          plus.push(e * G1 + a);
          minus.push(e * G1 + b);
          names.push(`${ev} g${a} − g${b}`);
        }
      }
    });
  } else throw new WorkbenchError('internal', `unknown parity form ${String(parity)}`);
  const K = plus.length;
  const opposite = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    opposite[k] = plus.findIndex((p, j) => p === minus[k] && minus[j] === plus[k]);
  }
  return {
    constraint, parity, bound, K,
    plus: Int32Array.from(plus), minus: Int32Array.from(minus), opposite, names,
    cellWeight, rowCell, rowAll, u0, ud, w, totalWeight, n,
  };
}

/** γ(h): every constraint's value for the 0/1 decisions h (one per row). */
export function gammaOf(m: Moment, h: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(m.cellWeight.length);
  for (let i = 0; i < m.n; i++) {
    const c = m.rowCell[i];
    if (c < 0) continue;
    const u = m.w[i] * (m.u0[i] + m.ud[i] * h[i]);
    sums[c] += u;
    sums[m.rowAll[i]] += u;
  }
  const gamma = new Float64Array(m.K);
  for (let k = 0; k < m.K; k++) gamma[k] = sums[m.plus[k]] / m.cellWeight[m.plus[k]] - sums[m.minus[k]] / m.cellWeight[m.minus[k]];
  return gamma;
}

/** The (weighted) error rate of the decisions h. */
export function errorOf(m: Moment, y: Uint8Array, h: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < m.n; i++) if (h[i] !== y[i]) e += m.w[i];
  return m.totalWeight > 0 ? e / m.totalWeight : 0;
}

/**
 * The best-response costs for multipliers λ: per row, n × how much predicting 1 rather than 0
 * lowers the Lagrangian, n·(w_i(2y_i − 1)/W − Σ_k λ_k ∂γ_k/∂h_i). Unweighted, this is
 * fairlearn's `ErrorRate.signed_weights() + UtilityParity.signed_weights(λ)`.
 */
export function signedWeights(m: Moment, y: Uint8Array, lambda: ArrayLike<number>): Float64Array {
  const perCell = new Float64Array(m.cellWeight.length);
  for (let k = 0; k < m.K; k++) {
    perCell[m.plus[k]] += lambda[k] / m.cellWeight[m.plus[k]];
    perCell[m.minus[k]] -= lambda[k] / m.cellWeight[m.minus[k]];
  }
  const out = new Float64Array(m.n);
  const W = m.totalWeight;
  for (let i = 0; i < m.n; i++) {
    let s = (2 * y[i] - 1) / W;
    const c = m.rowCell[i];
    if (c >= 0) s -= m.ud[i] * (perCell[c] + perCell[m.rowAll[i]]);
    out[i] = m.n * m.w[i] * s;
  }
  return out;
}

/** λ with each constraint pair (k, opposite k) replaced by its positive part: same or higher Lagrangian for every h. */
export function projectLambda(m: Moment, lambda: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m.K);
  for (let k = 0; k < m.K; k++) {
    const o = m.opposite[k];
    out[k] = o < 0 ? lambda[k] : Math.max(0, lambda[k] - lambda[o]);
  }
  return out;
}

/**
 * The cost-sensitive problem the learner solves for signed costs s: label 1[s_i > 0] and weight
 * |s_i|, scaled to sum to n (all 1 when every cost is 0). `ones` counts the rows labelled 1.
 */
export function costSensitiveProblem(s: Float64Array): { labels: Uint8Array; weights: Float64Array; ones: number } {
  const n = s.length;
  const labels = new Uint8Array(n);
  const weights = new Float64Array(n);
  let total = 0;
  let ones = 0;
  for (let i = 0; i < n; i++) {
    labels[i] = s[i] > 0 ? 1 : 0;
    ones += labels[i];
    weights[i] = Math.abs(s[i]);
    total += weights[i];
  }
  for (let i = 0; i < n; i++) weights[i] = total > 0 ? (n * weights[i]) / total : 1;
  return { labels, weights, ones };
}

/** A weighted learner: fits labels under row weights (Σ = n) and returns the model and its 0/1 decisions on the training rows. */
export type WeightedLearner<M> = (labels: Uint8Array, weights: Float64Array) => { model: M; decisions: Uint8Array };

/** A classifier found by the best-response oracle: a fitted model, or a constant when every relabelled row had one class. */
export type Member<M> = { kind: 'fitted'; model: M } | { kind: 'constant'; value: 0 | 1 };

export interface ReductionsOptions {
  constraint: FairnessConstraint;
  /** bound on every constraint γ_k (fairlearn's difference_bound) */
  bound: number;
  /** default 'between-groups' */
  parity?: ParityForm;
  /** λ's L1 bound is B = 1/eps; default 0.01 */
  eps?: number;
  /** default 50 */
  maxIter?: number;
  /** stop once the duality gap is below ν; default 0.5·std(|h₀ − y|)/√n */
  nu?: number;
  /** default 2 */
  eta0?: number;
  /** solve the LP over the classifiers found so far each iteration; default true */
  linprogStep?: boolean;
  /** polled before each iteration; true stops the run with WorkbenchError('aborted') */
  shouldStop?: () => boolean;
  /** called after each iteration */
  onIteration?: (it: { t: number; gap: number; members: number; oracleCalls: number }) => void;
}

export const defaultReductionsOptions = { parity: 'between-groups', eps: 0.01, maxIter: 50, eta0: 2, linprogStep: true } as const;

export interface ReductionsResult<M> {
  /** every classifier kept by the oracle, in the order found */
  members: Member<M>[];
  /** mixture weight of each member (≥ 0, sum 1) */
  weights: Float64Array;
  /** each member's training error and constraint values */
  errors: Float64Array;
  gammas: Float64Array[];
  /** each member's 0/1 decisions on the training rows */
  decisions: Uint8Array[];
  /** the mixture's expected training error and constraint values */
  error: number;
  gamma: Float64Array;
  /** the multipliers paired with the mixture (the averaged λ of exponentiated gradient, or the LP's dual) */
  lambda: Float64Array;
  moment: Moment;
  bestGap: number;
  bestIter: number;
  lastIter: number;
  nu: number;
  oracleCalls: number;
  /** oracle calls answered by a constant */
  constantCalls: number;
}

/** Fairlearn's constants (reductions/_exponentiated_gradient/_constants.py). */
const PRECISION = 1e-8;
const ACCURACY_MUL = 0.5;
const REGRET_CHECK_START_T = 5;
const REGRET_CHECK_INCREASE_T = 1.6;
const SHRINK_REGRET = 0.8;
const SHRINK_ETA = 0.8;
const MIN_ITER = 5;

/** The value of the Lagrangian and its upper side at a mixture Q for multipliers λ. */
interface GapResult {
  L: number;
  lLow: number;
  lHigh: number;
  gamma: Float64Array;
  error: number;
}

const gapOf = (r: GapResult): number => Math.max(r.L - r.lLow, r.lHigh - r.L);

/**
 * The game's state: the data, the moment, the classifiers found so far with their errors and
 * constraint values, and the oracle (one weighted fit per call).
 */
class Lagrangian<M> {
  members: Member<M>[] = [];
  errors: number[] = [];
  gammas: Float64Array[] = [];
  decisions: Uint8Array[] = [];
  oracleCalls = 0;
  constantCalls = 0;
  private lastLp: { count: number; result: { Q: Float64Array; lambda: Float64Array; gap: GapResult } } | null = null;

  constructor(readonly y: Uint8Array, readonly m: Moment, readonly B: number, readonly learner: WeightedLearner<M>) {}

  /** The oracle: relabel and reweigh by the signed costs, fit (or answer with a constant). */
  private callOracle(lambda: Float64Array): { member: Member<M>; decisions: Uint8Array } {
    const { labels, weights, ones } = costSensitiveProblem(signedWeights(this.m, this.y, lambda));
    const n = labels.length;
    this.oracleCalls++;
    if (ones === 0 || ones === n) {
      this.constantCalls++;
      const value = ones === 0 ? 0 : 1;
      return { member: { kind: 'constant', value }, decisions: new Uint8Array(n).fill(value) };
    }
    const fit = this.learner(labels, weights);
    return { member: { kind: 'fitted', model: fit.model }, decisions: fit.decisions };
  }

  /** Best response to λ: a new fit, kept only if it beats every classifier found so far by more than 1e-8. Returns its index. */
  bestH(lambda: Float64Array): number {
    const { member, decisions } = this.callOracle(lambda);
    const error = errorOf(this.m, this.y, decisions);
    const gamma = gammaOf(this.m, decisions);
    const value = error + dot(gamma, lambda);
    let bestIdx = -1;
    let bestValue = Infinity;
    for (let j = 0; j < this.members.length; j++) {
      const v = this.errors[j] + dot(this.gammas[j], lambda);
      if (v < bestValue) {
        bestValue = v;
        bestIdx = j;
      }
    }
    if (value < bestValue - PRECISION) {
      this.members.push(member);
      this.errors.push(error);
      this.gammas.push(gamma);
      this.decisions.push(decisions);
      bestIdx = this.members.length - 1;
    }
    return bestIdx;
  }

  /** L, the upper side L_high (λ at its worst for Q), γ and the error of a mixture Q. */
  evaluate(Q: Float64Array, lambda: Float64Array): GapResult {
    const error = weightedSum(this.errors, Q);
    const gamma = new Float64Array(this.m.K);
    for (let j = 0; j < Q.length; j++) if (Q[j] !== 0) for (let k = 0; k < this.m.K; k++) gamma[k] += Q[j] * this.gammas[j][k];
    const lp = projectLambda(this.m, lambda);
    let L = error;
    let worst = -Infinity;
    for (let k = 0; k < this.m.K; k++) {
      L += lp[k] * (gamma[k] - this.m.bound);
      worst = Math.max(worst, gamma[k] - this.m.bound);
    }
    return { L, lLow: L, lHigh: error + (worst > 0 ? this.B * worst : 0), gamma, error };
  }

  /** The duality gap at (Q, λ̂): its lower side from the best responses to 1, 2, 5, 10 × λ̂, stopping once the gap exceeds ν. */
  evalGap(Q: Float64Array, lambdaHat: Float64Array, nu: number): GapResult {
    const r = this.evaluate(Q, lambdaHat);
    for (const mul of [1, 2, 5, 10]) {
      const idx = this.bestH(scale(lambdaHat, mul));
      const pure = new Float64Array(this.members.length);
      pure[idx] = 1;
      const low = this.evaluate(pure, lambdaHat).L;
      if (low < r.lLow) r.lLow = low;
      if (gapOf(r) > nu + PRECISION) break;
    }
    return r;
  }

  /**
   * The saddle point over mixtures of the classifiers found so far, as two LPs (fairlearn's
   * primal and dual): min_Q,z err·Q + B·z s.t. (γ_j − bound)·Q − z ≤ 0, ΣQ = 1; and
   * max_λ,μ μ s.t. μ ≤ err_j + λ·(γ_j − bound) for every j, Σλ ≤ B, λ ≥ 0. Cached until a
   * classifier is added.
   */
  solveLinprog(nu: number): { Q: Float64Array; lambda: Float64Array; gap: GapResult } | null {
    const nH = this.members.length;
    if (this.lastLp && this.lastLp.count === nH) return this.lastLp.result;
    const { K, bound } = this.m;
    const c = [...this.errors, this.B];
    const aUb: number[][] = [];
    for (let k = 0; k < K; k++) aUb.push([...this.gammas.map((g) => g[k] - bound), -1]);
    const primal = linprog({ c, aUb, bUb: new Array<number>(K).fill(0), aEq: [[...new Array<number>(nH).fill(1), 0]], bEq: [1] });
    // dual variables: λ_1..λ_K (≥ 0), μ (free); minimise −μ
    const dc = [...new Array<number>(K).fill(0), -1];
    const dA: number[][] = [];
    for (let j = 0; j < nH; j++) dA.push([...Array.from(this.gammas[j], (g) => -(g - bound)), 1]);
    dA.push([...new Array<number>(K).fill(1), 0]);
    const dual = linprog({ c: dc, aUb: dA, bUb: [...this.errors, this.B], free: [...new Array<boolean>(K).fill(false), true] });
    if (primal.status !== 'optimal' || dual.status !== 'optimal') return null;
    const Q = primal.x.slice(0, nH);
    const lambda = dual.x.slice(0, K);
    const result = { Q, lambda, gap: this.evalGap(Q, lambda, nu) };
    this.lastLp = { count: nH, result };
    return result;
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

function weightedSum(values: number[], Q: Float64Array): number {
  let s = 0;
  for (let j = 0; j < Q.length; j++) if (Q[j] !== 0) s += Q[j] * values[j];
  return s;
}

function scale(a: Float64Array, f: number): Float64Array {
  return a.map((x) => x * f);
}

/** A mixture over the first `count` members (zeros for those found later). */
function padded(Q: Float64Array, count: number): Float64Array {
  const out = new Float64Array(count);
  out.set(Q.subarray(0, Math.min(Q.length, count)));
  return out;
}

/** Q with rounding below 0 clipped and its sum made 1 (an LP solution sums to 1 only to rounding). */
function normalised(Q: Float64Array): Float64Array {
  let s = 0;
  for (let j = 0; j < Q.length; j++) {
    Q[j] = Math.max(0, Q[j]);
    s += Q[j];
  }
  for (let j = 0; j < Q.length; j++) Q[j] /= s;
  return Q;
}

/** Sample standard deviation (n − 1) of |h − y| — fairlearn's pandas `.std()`. */
function errorStd(h: Uint8Array, y: Uint8Array): number {
  const n = y.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += Math.abs(h[i] - y[i]);
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (Math.abs(h[i] - y[i]) - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * Runs exponentiated gradient (see the module comment) and returns the mixture: every
 * classifier the oracle kept, with its weight. Deterministic: the same data, options and a
 * deterministic learner give the same mixture, bit for bit.
 */
export function exponentiatedGradient<M>(data: ParityData, learner: WeightedLearner<M>, options: ReductionsOptions): ReductionsResult<M> {
  const eps = options.eps ?? defaultReductionsOptions.eps;
  const maxIter = options.maxIter ?? defaultReductionsOptions.maxIter;
  const eta0 = options.eta0 ?? defaultReductionsOptions.eta0;
  const linprogStep = options.linprogStep ?? defaultReductionsOptions.linprogStep;
  if (!(eps > 0)) throw new WorkbenchError('internal', `eps must be > 0, not ${eps}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new WorkbenchError('internal', `maxIter must be a whole number ≥ 1, not ${maxIter}`);
  const m = buildMoment(data, options.constraint, options.bound, options.parity ?? defaultReductionsOptions.parity);
  if (m.K === 0) throw new WorkbenchError('internal', 'no constraint to enforce: fewer than two groups have rows in the constrained rates');
  const B = 1 / eps;
  const game = new Lagrangian(data.y, m, B, learner);
  const theta = new Float64Array(m.K);
  const lambdaSum = new Float64Array(m.K);
  const Qsum: number[] = [];
  const gapsEG: number[] = [];
  const gaps: number[] = [];
  const Qs: Float64Array[] = [];
  const lambdas: Float64Array[] = [];
  let nu = options.nu ?? NaN;
  let eta = eta0 / B;
  let lastRegretChecked = REGRET_CHECK_START_T;
  let lastGap = Infinity;
  for (let t = 0; t < maxIter; t++) {
    if (options.shouldStop?.()) throw new WorkbenchError('aborted', 'the constrained fit was stopped', 'Run the scenario again when ready.');
    let expSum = 0;
    for (let k = 0; k < m.K; k++) expSum += Math.exp(theta[k]);
    const lambda = theta.map((th) => (B * Math.exp(th)) / (1 + expSum));
    for (let k = 0; k < m.K; k++) lambdaSum[k] += lambda[k];
    const lambdaEG = lambdaSum.map((s) => s / (t + 1));
    const hIdx = game.bestH(lambda);
    if (t === 0 && options.nu === undefined) nu = (ACCURACY_MUL * errorStd(game.decisions[hIdx], data.y)) / Math.sqrt(data.y.length);
    while (Qsum.length < game.members.length) Qsum.push(0);
    Qsum[hIdx] += 1;
    const gamma = game.gammas[hIdx];
    const QEG = Float64Array.from(Qsum, (q) => q / (t + 1));
    const resultEG = game.evalGap(QEG, lambdaEG, nu);
    const gapEG = gapOf(resultEG);
    gapsEG.push(gapEG);
    const lp = t === 0 || !linprogStep ? null : game.solveLinprog(nu);
    const gapLP = lp ? gapOf(lp.gap) : Infinity;
    if (gapEG < gapLP) {
      Qs.push(QEG);
      lambdas.push(lambdaEG);
      gaps.push(gapEG);
    } else {
      Qs.push(lp!.Q);
      lambdas.push(lp!.lambda);
      gaps.push(gapLP);
    }
    options.onIteration?.({ t, gap: gaps[t], members: game.members.length, oracleCalls: game.oracleCalls });
    if (gaps[t] < nu && t >= MIN_ITER) break;
    if (t >= lastRegretChecked * REGRET_CHECK_INCREASE_T) {
      const bestGap = Math.min(...gapsEG);
      if (bestGap > lastGap * SHRINK_REGRET) eta *= SHRINK_ETA;
      lastRegretChecked = t;
      lastGap = bestGap;
    }
    for (let k = 0; k < m.K; k++) theta[k] += eta * (gamma[k] - m.bound);
  }
  const minGap = Math.min(...gaps);
  let bestIter = 0;
  gaps.forEach((g, i) => {
    if (g <= minGap + PRECISION) bestIter = i;
  });
  const weights = normalised(padded(Qs[bestIter], game.members.length));
  const mix = game.evaluate(weights, new Float64Array(m.K));
  return {
    members: game.members,
    weights,
    errors: Float64Array.from(game.errors),
    gammas: game.gammas,
    decisions: game.decisions,
    error: mix.error,
    gamma: mix.gamma,
    lambda: lambdas[bestIter],
    moment: m,
    bestGap: gaps[bestIter],
    bestIter,
    lastIter: gaps.length - 1,
    nu,
    oracleCalls: game.oracleCalls,
    constantCalls: game.constantCalls,
  };
}
