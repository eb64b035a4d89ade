/**
 * Special functions the drift tests need: the log-gamma function, the regularized upper
 * incomplete gamma Q(a, x) and, from it, the chi-square survival function.
 *
 *   Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x),   chi²_k survival at s = Q(k / 2, s / 2)
 *
 * Q is evaluated as Numerical Recipes does (gser / gcf): below x = a + 1 by the series of
 * P (Q = 1 − P, which is not small there), above by the continued fraction of Q with
 * modified Lentz, so a tiny Q keeps its relative precision (down to underflow near 1e-308,
 * where it is 0 as scipy's `chi2.sf` is).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: relative error about 1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 10000;

/** P(a, x) by its series, for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by its continued fraction (modified Lentz), for x ≥ a + 1. */
function upperFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** The regularized upper incomplete gamma function Q(a, x), a > 0, x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return Math.max(0, 1 - lowerSeries(a, x));
  return upperFraction(a, x);
}

/** Survival function of the chi-square distribution with `df` degrees of freedom: P(X ≥ x). */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) return NaN;
  return gammaQ(df / 2, x / 2);
}
