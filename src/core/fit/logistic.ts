/**
 * Full-batch L2-regularised logistic regression fitted to convergence on typed arrays: the
 * model scikit-learn's `LogisticRegression(C, penalty='l2', fit_intercept=True)` fits, with
 * the same objective (./logistic-loss: summed, optionally weighted log-losses plus ‖w‖²/(2C),
 * intercept not penalised), so the same data give the same coefficients.
 *
 * Two solvers, both deterministic (same inputs → same bits; rows are summed in order):
 * - 'newton' (default): Newton's method, the step from a Cholesky solve of the Hessian,
 *   halved until the objective decreases enough (Armijo). Each iteration costs one pass that
 *   builds the (d+1)² Hessian from the rows' nonzeros; convergence is quadratic, so a tight
 *   tolerance costs one or two extra iterations. On the bank split (31,648 × 50, 13 nonzeros
 *   a row) it needs about 7 iterations and is the faster of the two (bench/fit.ts).
 * - 'lbfgs': L-BFGS with a strong-Wolfe line search (./lbfgs), one gradient pass per
 *   evaluation and no d² term: the choice for wide inputs (hundreds of columns and more),
 *   where the Hessian's d² per row outgrows the gradient's d. Kept for that and as an
 *   independent check of the Newton fit (the tests compare them).
 *
 * Stopping: max_j |∂f/∂θ_j| ≤ tol on the summed objective — scikit-learn 1.2's lbfgs tests the
 * same gradient against its tol (default 1e-4); our default 1e-7 is tighter, so that the
 * coefficients sit within about tol / (1/C) of the exact minimiser (the Hessian's smallest
 * eigenvalue is at least 1/C), well inside 1e-4 of scikit-learn's fully converged fit.
 */
import { WorkbenchError } from '../errors';
import { buildDesign } from './design';
import type { Design } from './design';
import { choleskyInPlace, choleskySolveInPlace } from './cholesky';
import { lbfgs } from './lbfgs';
import { logisticHessian, logisticLoss, logisticLossGradient, sigmoid } from './logistic-loss';

export type LogisticSolver = 'newton' | 'lbfgs';

export interface LogisticFitOptions {
  /** inverse penalty strength, as scikit-learn's C; default 1; Infinity = no penalty */
  C?: number;
  /** one weight ≥ 0 per row; rows of weight 0 are left out */
  sampleWeight?: ArrayLike<number>;
  /** default 'newton' */
  solver?: LogisticSolver;
  /** stop when max |∇f| ≤ tol (summed objective); default 1e-7 */
  tol?: number;
  /** iteration limit; default 100 for Newton, 1000 for L-BFGS */
  maxIter?: number;
  /** where the solver starts (a warm start, e.g. a fit on nearby weights); default: see startingPoint */
  start?: { coef: ArrayLike<number>; intercept: number };
}

export const defaultLogisticFit = { C: 1, solver: 'newton', tol: 1e-7, maxIterNewton: 100, maxIterLbfgs: 1000 } as const;

export interface LogisticFit {
  /** one coefficient per input column */
  coef: Float64Array;
  intercept: number;
  solver: LogisticSolver;
  C: number;
  /** the objective at the solution (summed, with the penalty) */
  objective: number;
  /** max |∇f| at the solution */
  gradMax: number;
  iterations: number;
  /** max |∇f| ≤ tol was reached */
  converged: boolean;
  /** rows that carried weight */
  rows: number;
}

/**
 * Fits the model on row-major `X` (n × d), labels `y` (0/1, one per row) and the options.
 * Throws WorkbenchError('internal') on malformed inputs; with no weighted row, or one class
 * only among them, the fit still runs (the intercept runs off towards ±∞ without a penalty on
 * it, so it stops at maxIter unconverged): callers check classes first, as trainModel does.
 */
export function fitLogistic(X: Float32Array | Float64Array, y: ArrayLike<number>, d: number, options: LogisticFitOptions = {}): LogisticFit {
  const C = options.C ?? defaultLogisticFit.C;
  if (!(C > 0)) throw new WorkbenchError('internal', `C must be > 0, not ${C}`);
  const solver = options.solver ?? defaultLogisticFit.solver;
  const tol = options.tol ?? defaultLogisticFit.tol;
  if (!(tol > 0)) throw new WorkbenchError('internal', `tol must be > 0, not ${tol}`);
  const design = buildDesign(X, y, d, options.sampleWeight);
  const invC = C === Infinity ? 0 : 1 / C;
  const theta0 = options.start ? warmStart(options.start, d) : startingPoint(design);
  const r = solver === 'newton'
    ? newton(design, invC, theta0, { tol, maxIter: options.maxIter ?? defaultLogisticFit.maxIterNewton })
    : lbfgs((t, g) => logisticLossGradient(design, t, invC, g), theta0, { tol, maxIter: options.maxIter ?? defaultLogisticFit.maxIterLbfgs });
  return {
    coef: r.x.slice(0, d),
    intercept: r.x[d],
    solver,
    C,
    objective: r.f,
    gradMax: r.gradMax,
    iterations: r.iterations,
    converged: r.converged,
    rows: design.n,
  };
}

/**
 * Where the solvers start: coefficients 0 and the intercept at the log-odds of the weighted
 * base rate (the exact minimiser when every coefficient is 0; scikit-learn starts at all
 * zeros, which reaches the same minimiser one iteration later). 0 with one class only.
 */
function startingPoint(X: Design): Float64Array {
  const theta = new Float64Array(X.d + 1);
  let pos = 0;
  for (let i = 0; i < X.n; i++) pos += X.w[i] * X.y[i];
  const rate = X.weightSum > 0 ? pos / X.weightSum : 0;
  if (rate > 0 && rate < 1) theta[X.d] = Math.log(rate / (1 - rate));
  return theta;
}

/** θ from a given start; its coefficients must be one per input column. */
function warmStart(start: { coef: ArrayLike<number>; intercept: number }, d: number): Float64Array {
  if (start.coef.length !== d) throw new WorkbenchError('internal', `the start has ${start.coef.length} coefficients for ${d} inputs`);
  const theta = new Float64Array(d + 1);
  theta.set(Array.from(start.coef));
  theta[d] = start.intercept;
  return theta;
}

/** P(y = 1) for each row of row-major `X` (n × d) under a fit. */
export function predictLogistic(fit: Pick<LogisticFit, 'coef' | 'intercept'>, X: Float32Array | Float64Array, d: number): Float64Array {
  const n = X.length / d;
  const p = new Float64Array(n);
  const { coef, intercept } = fit;
  for (let i = 0, o = 0; i < n; i++, o += d) {
    let z = intercept;
    for (let j = 0; j < d; j++) z += X[o + j] * coef[j];
    p[i] = sigmoid(z);
  }
  return p;
}

interface NewtonResult {
  x: Float64Array;
  f: number;
  gradMax: number;
  iterations: number;
  converged: boolean;
}

/** Step halvings allowed per Newton iteration before giving up (2^-40 of a step). */
const maxHalvings = 40;

/**
 * Newton's method from θ0. Each iteration: gradient and curvature (one pass), Hessian (one
 * pass), Cholesky solve for the step Δ, then the largest t in 1, ½, ¼, … with
 * f(θ + tΔ) ≤ f(θ) + 10⁻⁴ t ∇f·Δ. When the predicted decrease −∇f·Δ is below f's rounding,
 * the full step is taken untested (the objective can no longer tell steps apart there; the
 * gradient still can, and it decides convergence).
 */
function newton(X: Design, invC: number, theta0: Float64Array, opt: { tol: number; maxIter: number }): NewtonResult {
  const D = X.d + 1;
  let theta = Float64Array.from(theta0);
  let trial = new Float64Array(D);
  const grad = new Float64Array(D);
  const curv = new Float64Array(X.n);
  const H = new Float64Array(D * D);
  const step = new Float64Array(D);
  let f = logisticLossGradient(X, theta, invC, grad, curv);
  let gradMax = maxAbs(grad);
  let iterations = 0;
  while (gradMax > opt.tol && iterations < opt.maxIter) {
    logisticHessian(X, curv, invC, H);
    newtonStep(H, D, grad, step);
    let slope = 0;
    for (let j = 0; j < D; j++) slope += grad[j] * step[j];
    if (!(slope < 0)) break;
    const t = armijo(X, invC, { theta, f, slope, step }, trial);
    if (t === null) break;
    [theta, trial] = [trial, theta];
    f = logisticLossGradient(X, theta, invC, grad, curv);
    gradMax = maxAbs(grad);
    iterations++;
  }
  return { x: theta, f, gradMax, iterations, converged: gradMax <= opt.tol };
}

/**
 * The Newton step Δ = −H⁻¹∇f into `step` (H is overwritten by its factor). Without a penalty
 * on separable data H can be singular; then a ridge of 10⁻¹⁰·max diag, grown tenfold until the
 * factorisation succeeds, keeps the step defined (it then leans towards steepest descent).
 */
function newtonStep(H: Float64Array, D: number, grad: Float64Array, step: Float64Array): void {
  let diagMax = 0;
  for (let j = 0; j < D; j++) diagMax = Math.max(diagMax, H[j * D + j]);
  const copy = Float64Array.from(H);
  let ridge = 0;
  while (!choleskyInPlace(H, D)) {
    ridge = ridge === 0 ? 1e-10 * Math.max(diagMax, 1) : ridge * 10;
    H.set(copy);
    for (let j = 0; j < D; j++) H[j * D + j] += ridge;
  }
  for (let j = 0; j < D; j++) step[j] = -grad[j];
  choleskySolveInPlace(H, D, step);
}

/** Backtracking (Armijo) along `step`; writes θ + tΔ into `trial` and returns t, or null. */
function armijo(X: Design, invC: number, at: { theta: Float64Array; f: number; slope: number; step: Float64Array }, trial: Float64Array): number | null {
  const { theta, f, slope, step } = at;
  const untestable = -slope <= 1e-13 * Math.max(1, Math.abs(f));
  let t = 1;
  for (let h = 0; h <= maxHalvings; h++, t *= 0.5) {
    for (let j = 0; j < theta.length; j++) trial[j] = theta[j] + t * step[j];
    if (untestable) return t;
    const ft = logisticLoss(X, trial, invC);
    if (ft <= f + 1e-4 * t * slope) return t;
  }
  return null;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
