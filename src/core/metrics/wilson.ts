/**
 * Wilson score intervals for a share x/n: the workshop debrief's intervals on every rate and
 * the appeals' overturn rates (one function for both).
 *
 * With p̂ = x / n and z the standard normal quantile at (1 + level) / 2 (1.96 for 95 %):
 *
 *   centre    = (p̂ + z² / 2n) / (1 + z² / n)
 *   halfWidth = z / (1 + z² / n) · √( p̂(1 − p̂) / n + z² / 4n² )
 *   interval  = [centre − halfWidth, centre + halfWidth]   (clipped to [0, 1] against rounding)
 *
 * Unlike p̂ ± z√(p̂(1 − p̂)/n) it stays inside [0, 1] and keeps a width at x = 0 or x = n, which
 * matters for the few decisions a workshop condition has. Undefined (null) when n = 0.
 */

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/**
 * The standard normal quantile Φ⁻¹(p) for p in (0, 1), by Acklam's rational approximation
 * (relative error under 1.2·10⁻⁹): a central rational function for p in [0.02425, 0.97575],
 * a tail one in √(−2 ln p) outside it.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs p in (0, 1), not ${p}`);
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
    return p < P_LOW ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/** The Wilson score interval of x successes in n trials at a two-sided level in (0, 1); null when n = 0. */
export function wilsonInterval(x: number, n: number, level = 0.95): [number, number] | null {
  if (n <= 0) return null;
  const z = normalQuantile((1 + level) / 2);
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
