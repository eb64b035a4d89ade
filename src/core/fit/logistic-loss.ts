/**
 * The objective of L2-regularised logistic regression with an intercept, as scikit-learn's
 * `LogisticRegression(penalty='l2', C, fit_intercept=True)` minimises it (solver lbfgs):
 *
 *   f(w, b) = Σ_i s_i · [log(1 + e^{z_i}) − y_i z_i] + ‖w‖² / (2C),   z_i = x_i·w + b
 *
 * with s_i the sample weights (1 without), y_i ∈ {0, 1}. The intercept b is not penalised;
 * C = Infinity drops the penalty. The parameter vector θ has D = d + 1 entries: θ[0..d−1] = w,
 * θ[d] = b.
 *
 *   ∇_w f = Σ_i s_i (p_i − y_i) x_i + w / C,   ∂f/∂b = Σ_i s_i (p_i − y_i),   p_i = σ(z_i)
 *   ∇² f  = Σ_i s_i p_i (1 − p_i) [x_i; 1][x_i; 1]ᵀ + diag(1/C, …, 1/C, 0)
 *
 * Each function is one pass over the design's nonzeros, summing rows in order (deterministic).
 */
import type { Design } from './design';

/** log(1 + e^z) without overflow or cancellation. */
export function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** σ(z) = 1 / (1 + e^{−z}) without overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** ‖w‖² / (2C) over θ's first d entries (0 when C is Infinity). */
function penalty(theta: Float64Array, d: number, invC: number): number {
  if (invC === 0) return 0;
  let s = 0;
  for (let j = 0; j < d; j++) s += theta[j] * theta[j];
  return 0.5 * invC * s;
}

/** f(θ) alone (for line searches that need no gradient). */
export function logisticLoss(X: Design, theta: Float64Array, invC: number): number {
  const { n, d, rowStart, col, val, y, w } = X;
  const b = theta[d];
  let f = 0;
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let k = rowStart[i], e = rowStart[i + 1]; k < e; k++) z += val[k] * theta[col[k]];
    f += w[i] * (log1pExp(z) - y[i] * z);
  }
  return f + penalty(theta, d, invC);
}

/**
 * f(θ), with ∇f(θ) written into `grad` and, when given, each row's s_i p_i (1 − p_i) into
 * `curvature` (what the Hessian needs).
 */
export function logisticLossGradient(X: Design, theta: Float64Array, invC: number, grad: Float64Array, curvature?: Float64Array): number {
  const { n, d, rowStart, col, val, y, w } = X;
  const b = theta[d];
  grad.fill(0);
  let f = 0;
  let gb = 0;
  for (let i = 0; i < n; i++) {
    const s = rowStart[i];
    const e = rowStart[i + 1];
    let z = b;
    for (let k = s; k < e; k++) z += val[k] * theta[col[k]];
    const p = sigmoid(z);
    f += w[i] * (log1pExp(z) - y[i] * z);
    const r = w[i] * (p - y[i]);
    gb += r;
    for (let k = s; k < e; k++) grad[col[k]] += r * val[k];
    if (curvature) curvature[i] = w[i] * p * (1 - p);
  }
  grad[d] = gb;
  for (let j = 0; j < d; j++) grad[j] += invC * theta[j];
  return f + penalty(theta, d, invC);
}

/**
 * The Hessian ∇²f into `H` (row-major D × D, D = d + 1, both triangles), from each row's
 * curvature s_i p_i (1 − p_i). The rows' nonzeros are in ascending column order, so each row
 * adds to the upper triangle only; it is mirrored once at the end.
 */
export function logisticHessian(X: Design, curvature: Float64Array, invC: number, H: Float64Array): void {
  const { n, d, rowStart, col, val } = X;
  const D = d + 1;
  H.fill(0);
  let hbb = 0;
  for (let i = 0; i < n; i++) {
    const h = curvature[i];
    if (h === 0) continue;
    hbb += h;
    const e = rowStart[i + 1];
    for (let a = rowStart[i]; a < e; a++) {
      const hv = h * val[a];
      const ra = col[a] * D;
      H[ra + d] += hv;
      for (let c = a; c < e; c++) H[ra + col[c]] += hv * val[c];
    }
  }
  H[d * D + d] = hbb;
  for (let j = 0; j < d; j++) H[j * D + j] += invC;
  for (let r = 0; r < D; r++) for (let c = r + 1; c < D; c++) H[c * D + r] = H[r * D + c];
}
