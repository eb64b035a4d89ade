/**
 * The two-sample Kolmogorov–Smirnov test, two-sided, as scipy's `ks_2samp` in its default
 * mode 'auto' (the call Evidently's `ks` stattest makes).
 *
 * Statistic: D = max over the pooled values v of |F_ref(v) − F_cur(v)|, the empirical CDFs
 * counted with ties (a value's whole run is on its left).
 *
 * p-value, chosen as scipy does:
 * - max(n₁, n₂) ≤ 10 000 → exact. With L = lcm(n₁, n₂) and h = round(D·L) (D is snapped to
 *   h / L), p = the share of monotone lattice paths from (0, 0) to (n₁, n₂) that leave the
 *   band |x/n₁ − y/n₂| < h/L (Hodges 1958): for n₁ = n₂ by the alternating binomial sum in
 *   Horner form, else by the column-by-column recursion that computes 1 − inside directly
 *   (Viehmann 2021). A result outside [0, 1] falls back to the asymptotic branch, as scipy's does.
 * - otherwise asymptotic: p = P(Dₙ ≥ D) of the one-sample Kolmogorov distribution at
 *   n = round(n₁n₂ / (n₁ + n₂)) (scipy's `kstwo.sf`), evaluated as scipy's `_kolmogn`
 *   (Simard & L'Ecuyer 2011) chooses: Ruben–Gambino closed forms at the ends; 2 × the exact
 *   one-sided Smirnov tail (Birnbaum–Tingey sum) where n·D² is large (≥ 2.2 for n > 140) or
 *   D ≥ 0.5; the Durbin matrix (Marsaglia–Tsang–Wang) where n·D^1.5 ≤ 1.4; Pelz–Good's
 *   asymptotic series otherwise; 0 when n·D² ≥ 370.
 *   One difference: for n ≤ 140 and 0.754693 < n·D² ≤ 4 scipy uses Pomeranz's recursion;
 *   we use the Durbin matrix there too. Both are exact algorithms for the same CDF, so they
 *   differ by rounding only (checked against scipy in test/node/drift.test.ts).
 *
 * The numbers agree with scipy to about 1e-12 relative (the Smirnov sum is taken in log space
 * here, exactly in scipy); the tests hold them to 1e-10 (measured: 1.7e-12 at worst).
 */

/** numpy's round: halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** D = max |F_a − F_b| over the pooled values; both arrays sorted ascending, without NaN. */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxDiff = -Infinity;
  let minDiff = Infinity;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(1, Math.max(0, -minDiff));
  return minS > maxDiff ? minS : maxDiff;
}

export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

const MAX_EXACT_N = 10000;

/** The two-sample KS test (two-sided, scipy's mode 'auto'); both arrays sorted ascending, non-empty, finite. */
export function ksTwoSample(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  let d = ksStatistic(a, b);
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: d, pValue: p, method: 'exact' };
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  const p = kolmogorovSurvival(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: 'asymptotic' };
}

// ---------------------------------------------------------------------------------------
// exact two-sample probabilities

/** P(D_{n,n} ≥ h/n) = 2 Σ_k (−1)^(k+1) C(2n, n − kh) / C(2n, n), nested so nothing cancels. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * The share of lattice paths from (0, 0) to (m, n) that do not stay strictly inside
 * |x/m − y/n| < h/lcm, kept one column at a time in a sliding window; each cell holds
 * 1 − (paths inside / all paths) so no binomial coefficient is ever formed.
 */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < maxj; j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) for (let k = maxj - minj; k < Math.min(lenA, maxj - minj + (lastlen - curlen)); k++) A[k] = 1;
  }
  return A[maxj - minj - 1];
}

// ---------------------------------------------------------------------------------------
// the one-sample Kolmogorov distribution

/** ln(n! / nⁿ) by Stirling's series with n ln n taken out first. */
function logFactorialOverPower(n: number): number {
  // B₂ⱼ / (2j(2j − 1)) for j = 8 … 1
  const c = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];
  const rn = 1 / n;
  const z = rn / n;
  let poly = 0;
  for (const k of c) poly = poly * z + k;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
}

/** P(Dₙ ≥ x), the two-sided one-sample Kolmogorov survival function (scipy `kstwo.sf`). */
export function kolmogorovSurvival(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= (i / n) * (2 * t - 1);
    } else prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - x, n));
  if (x >= 0.5) return clip01(2 * smirnovSurvival(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 4) return clip01(1 - durbinCdf(n, x));
    return clip01(2 * smirnovSurvival(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSurvival(n, x));
  const cdf = n <= 100000 && n * Math.pow(x, 1.5) <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

/**
 * P(Dₙ⁺ ≥ x), the one-sided Smirnov tail, by the Birnbaum–Tingey sum
 * x Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1), in log space.
 */
export function smirnovSurvival(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const last = Math.floor(n * (1 - x));
  const logs = new Float64Array(last + 1);
  let logBinom = 0;
  let max = -Infinity;
  for (let j = 0; j <= last; j++) {
    if (j > 0) logBinom += Math.log((n - j + 1) / j);
    const a = 1 - x - j / n;
    const left = n - j === 0 ? 0 : a > 0 ? (n - j) * Math.log(a) : -Infinity;
    const l = logBinom + left + (j - 1) * Math.log(x + j / n);
    logs[j] = l;
    if (l > max) max = l;
  }
  if (max === -Infinity) return 0;
  let sum = 0;
  for (let j = 0; j <= last; j++) sum += Math.exp(logs[j] - max);
  return x * Math.exp(max + Math.log(sum));
}

const SCALE_EXP = 128;
const SCALE_UP = 2 ** 128;
const SCALE_DOWN = 2 ** -128;

function matMul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
    }
  }
  return out;
}

/**
 * P(Dₙ < x) by the Durbin matrix (Marsaglia, Tsang & Wang 2003): with k = ⌈nx⌉, h = k − nx,
 * m = 2k − 1, the (k, k) entry of Hⁿ times n!/nⁿ, powers scaled by 2¹²⁸ to stay in range.
 */
function durbinCdf(n: number, x: number): number {
  const nd = n * x;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - Math.pow(h, j)) * fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  let H: Float64Array<ArrayBuffer> = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];
  let P: Float64Array<ArrayBuffer> = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2 === 1) {
      P = matMul(P, H, m);
      expnt += hExpnt;
    }
    H = matMul(H, H, m);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > SCALE_UP) {
      for (let i = 0; i < H.length; i++) H[i] /= SCALE_UP;
      hExpnt += SCALE_EXP;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      expnt -= SCALE_EXP;
    }
  }
  return clip01(p * Math.pow(2, expnt));
}

const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const MIN_LOG = -708.3964185322641;

/**
 * P(Dₙ ≤ x) by Pelz & Good's (1976) approximation K0 + K1/√n + K2/n + K3/n^1.5 in
 * z = x√n, each term summed over odd k in q = exp(−π²/8z²) (Horner), plus the extra
 * integer-k sums of K2 and K3 in exp(−π²/2z²).
 */
function pelzGoodCdf(n: number, x: number): number {
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  const q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = Math.pow(q, 8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qp + coeffs[i];
  }
  const div = [z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / div[i];
  const q2 = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = Math.pow(q2, k2);
    const kpi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K[2] += (k2extra * PI2 * SQRT2PI) / (-36 * z2 * z);
  K[3] += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / Math.pow(n, i / 2);
  return sum;
}
