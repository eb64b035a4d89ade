/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.5) for
 * a smooth function of a Float64Array, with a line search that returns a step satisfying the
 * strong Wolfe conditions (their Algorithms 3.5 and 3.6, cubic interpolation in the zoom).
 *
 * What it decides: the direction is −H_k ∇f from the last `memory` pairs (two-loop recursion,
 * initial scaling sᵀy / yᵀy); pairs with sᵀy ≤ 0 are not stored (cannot happen for a convex
 * f under the Wolfe conditions, but a rounding-level step can produce one). It stops when
 * max_j |∇f_j| ≤ tol (converged), after `maxIter` iterations, or when the line search finds
 * no step that lowers f (stalled: the gradient is then at rounding level or f is not smooth).
 */

/** f at x, with ∇f(x) written into `grad`. */
export type ValueAndGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** stop when max |∇f| ≤ tol */
  tol: number;
  maxIter: number;
  /** stored correction pairs, default 10 (scipy's L-BFGS-B default) */
  memory?: number;
  /** function evaluations allowed per line search, default 30 */
  maxLineSearch?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** max |∇f| at x */
  gradMax: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

const c1 = 1e-4;
const c2 = 0.9;
/**
 * Relative slack on the sufficient-decrease test (Hager & Zhang's ε): near the minimum, f's
 * changes fall below its rounding, and a step whose value ties f(x) within 10⁻¹² |f(x)| is
 * then judged by the slope condition alone. Without it the search stalls there while the
 * gradient, which still resolves, is far from tol.
 */
const fSlack = 1e-12;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** The memory of correction pairs s = x_{k+1} − x_k, y = ∇f_{k+1} − ∇f_k (a ring). */
interface Pairs {
  s: Float64Array[];
  y: Float64Array[];
  rho: Float64Array;
  alpha: Float64Array;
  /** pairs stored so far (≤ memory) and the next slot */
  count: number;
  next: number;
}

/** direction = −H ∇f by the two-loop recursion over the stored pairs. */
function twoLoop(p: Pairs, grad: Float64Array, dir: Float64Array): void {
  const m = p.s.length;
  for (let i = 0; i < dir.length; i++) dir[i] = -grad[i];
  for (let k = 0; k < p.count; k++) {
    const j = (p.next - 1 - k + m) % m;
    const a = p.rho[j] * dot(p.s[j], dir);
    p.alpha[j] = a;
    const yj = p.y[j];
    for (let i = 0; i < dir.length; i++) dir[i] -= a * yj[i];
  }
  if (p.count > 0) {
    const j = (p.next - 1 + m) % m;
    const gamma = 1 / (p.rho[j] * dot(p.y[j], p.y[j]));
    for (let i = 0; i < dir.length; i++) dir[i] *= gamma;
  }
  for (let k = p.count - 1; k >= 0; k--) {
    const j = (p.next - 1 - k + m) % m;
    const b = p.rho[j] * dot(p.y[j], dir);
    const sj = p.s[j];
    const c = p.alpha[j] - b;
    for (let i = 0; i < dir.length; i++) dir[i] += c * sj[i];
  }
}

/** The line φ(t) = f(x + t·dir): evaluates into `xt` / `gt`, returns [φ(t), φ'(t)]. */
interface Line {
  at(t: number): [number, number];
  evaluations: number;
  /** φ at the last step evaluated (the accepted one, when a step is returned) */
  last: number;
}

function makeLine(fg: ValueAndGradient, x: Float64Array, dir: Float64Array, xt: Float64Array, gt: Float64Array): Line {
  const line: Line = {
    evaluations: 0,
    last: NaN,
    at(t: number): [number, number] {
      for (let i = 0; i < x.length; i++) xt[i] = x[i] + t * dir[i];
      line.evaluations++;
      const f = fg(xt, gt);
      line.last = f;
      return [f, dot(gt, dir)];
    },
  };
  return line;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db), kept inside [lo, hi] of the bracket; bisection when it has none. */
function cubicStep(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const guard = 0.1 * (hi - lo);
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    const t = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    if (Number.isFinite(t)) return Math.min(hi - guard, Math.max(lo + guard, t));
  }
  return 0.5 * (a + b);
}

/** A point of φ: step, value, slope. */
type Pt = [number, number, number];

/**
 * Strong Wolfe step along the line (φ(0) = f0, φ'(0) = d0 < 0), starting at t1. Returns the
 * accepted step with `xt` / `gt` holding its point, or null when none was found within the
 * budget (the caller stops).
 */
function wolfeStep(line: Line, f0: number, d0: number, t1: number, maxEval: number): number | null {
  const fMax = f0 + fSlack * Math.abs(f0);
  let prev: Pt = [0, f0, d0];
  let t = t1;
  for (let i = 0; line.evaluations < maxEval; i++) {
    const [ft, dt] = line.at(t);
    if (!Number.isFinite(ft)) {
      t = 0.5 * (prev[0] + t);
      continue;
    }
    if (ft > fMax + c1 * t * d0 || (i > 0 && ft > prev[1])) return zoom(line, fMax, d0, prev, [t, ft, dt], maxEval);
    if (Math.abs(dt) <= -c2 * d0) return t;
    if (dt >= 0) return zoom(line, fMax, d0, [t, ft, dt], prev, maxEval);
    prev = [t, ft, dt];
    t *= 2;
  }
  return null;
}

/**
 * The zoom between a bracket's low end (lowest φ satisfying sufficient decrease) and high end;
 * `fMax` is φ(0) plus the slack.
 */
function zoom(line: Line, fMax: number, d0: number, lo: Pt, hi: Pt, maxEval: number): number | null {
  while (line.evaluations < maxEval) {
    const t = cubicStep(lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
    const [ft, dt] = line.at(t);
    if (ft > fMax + c1 * t * d0 || ft > lo[1]) {
      hi = [t, ft, dt];
    } else {
      if (Math.abs(dt) <= -c2 * d0) return t;
      if (dt * (hi[0] - lo[0]) >= 0) hi = lo;
      lo = [t, ft, dt];
    }
    if (Math.abs(hi[0] - lo[0]) <= 1e-14 * Math.max(1, Math.abs(lo[0]))) break;
  }
  // budget spent: keep the best sufficient-decrease point if it moved at all
  if (lo[0] > 0) {
    line.at(lo[0]);
    return lo[0];
  }
  return null;
}

/** Minimises `fg` from `x0` (not modified). */
export function lbfgs(fg: ValueAndGradient, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const D = x0.length;
  const m = options.memory ?? 10;
  const maxLs = options.maxLineSearch ?? 30;
  let x = Float64Array.from(x0);
  let g = new Float64Array(D);
  let xt = new Float64Array(D);
  let gt = new Float64Array(D);
  const dir = new Float64Array(D);
  const pairs: Pairs = {
    s: Array.from({ length: m }, () => new Float64Array(D)),
    y: Array.from({ length: m }, () => new Float64Array(D)),
    rho: new Float64Array(m),
    alpha: new Float64Array(m),
    count: 0,
    next: 0,
  };
  let f = fg(x, g);
  let evaluations = 1;
  let gradMax = maxAbs(g);
  let iterations = 0;
  while (gradMax > options.tol && iterations < options.maxIter) {
    twoLoop(pairs, g, dir);
    let d0 = dot(g, dir);
    if (!(d0 < 0)) {
      // not a descent direction (rounding): restart from steepest descent
      pairs.count = 0;
      for (let i = 0; i < D; i++) dir[i] = -g[i];
      d0 = dot(g, dir);
    }
    const t1 = pairs.count === 0 ? Math.min(1, 1 / Math.sqrt(-d0)) : 1;
    const line = makeLine(fg, x, dir, xt, gt);
    const t = wolfeStep(line, f, d0, t1, maxLs);
    evaluations += line.evaluations;
    if (t === null) break;
    const j = pairs.next;
    const sj = pairs.s[j];
    const yj = pairs.y[j];
    for (let i = 0; i < D; i++) {
      sj[i] = xt[i] - x[i];
      yj[i] = gt[i] - g[i];
    }
    const sy = dot(sj, yj);
    if (sy > 0) {
      pairs.rho[j] = 1 / sy;
      pairs.next = (j + 1) % m;
      pairs.count = Math.min(m, pairs.count + 1);
    }
    [x, xt] = [xt, x];
    [g, gt] = [gt, g];
    f = line.last;
    gradMax = maxAbs(g);
    iterations++;
  }
  return { x, f, gradMax, iterations, evaluations, converged: gradMax <= options.tol };
}
