/**
 * Bins for drift: how a reference and a current sample become two vectors of shares over the
 * same bins. The default follows Evidently's `get_binned_data` exactly:
 *
 * - a numeric column with more than 20 distinct reference values: equal-width bins over the
 *   pooled sample (reference ∪ current), their number by Sturges' rule — numpy's
 *   `histogram_bin_edges(pooled, bins="sturges")`: width = (max − min) / (log₂ n + 1),
 *   ⌈(max − min) / width⌉ bins (a width under 1 becomes 1 for whole-number data, as numpy
 *   does for the integer arrays pandas reads such columns into), edges by numpy's
 *   `linspace`; a bin holds [eᵢ, eᵢ₊₁), the last one [e, e_last];
 * - otherwise (categorical, or few values): one bin per value of the union of both samples;
 * - shares = count / n of the side (missing values already dropped);
 * - for PSI (not for Jensen–Shannon) a zero share is replaced, per side, by 0.0001, or by
 *   (smallest non-zero share) / 10⁶ when that smallest share is itself ≤ 0.0001.
 *
 * The classic credit-risk PSI bins at the reference's quantiles instead
 * ({@link quantileShares}): edges at the k/q quantiles (numpy's default linear
 * interpolation), equal edges merged, bins (eᵢ₋₁, eᵢ] open at both ends.
 */

/** Number of distinct values of a sorted array. */
export function distinctSorted(a: Float64Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[i - 1]) n++;
  return n;
}

/** numpy's `linspace(start, stop, num)` with its rounding: i·step + start, the last = stop. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = (step === 0 ? (i / div) * delta : i * step) + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/**
 * numpy's `histogram_bin_edges(pooled, bins="sturges")` for a pooled sample of size n with
 * the given min and max; `integer` applies numpy's floor of 1 on the width for integer arrays.
 */
export function sturgesEdges(min: number, max: number, n: number, integer: boolean): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  let width = (max - min) / (Math.log2(n) + 1);
  let bins = 1;
  if (width) {
    if (integer && width < 1) width = 1;
    bins = Math.ceil((last - first) / width);
  }
  return linspace(first, last, bins + 1);
}

/** First index of a sorted array whose value is ≥ v (`searchsorted(side='left')`). */
export function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index of a sorted array whose value is > v (`searchsorted(side='right')`). */
export function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** numpy's `histogram(sorted, edges)` counts: [eᵢ, eᵢ₊₁), the last bin closed. */
export function histogramSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const k = edges.length - 1;
  const cum = new Float64Array(k + 1);
  for (let i = 0; i < k; i++) cum[i] = lowerBound(sorted, edges[i]);
  cum[k] = upperBound(sorted, edges[k]);
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) out[i] = cum[i + 1] - cum[i];
  return out;
}

/** Counts per distinct value over the union of two sorted samples: [values, refCounts, curCounts]. */
export function valueCounts(ref: Float64Array, cur: Float64Array): { values: number[]; ref: Float64Array; cur: Float64Array } {
  const values: number[] = [];
  const rc: number[] = [];
  const cc: number[] = [];
  let i = 0;
  let j = 0;
  while (i < ref.length || j < cur.length) {
    const v = j >= cur.length || (i < ref.length && ref[i] <= cur[j]) ? ref[i] : cur[j];
    let a = 0;
    let b = 0;
    while (i < ref.length && ref[i] === v) {
      i++;
      a++;
    }
    while (j < cur.length && cur[j] === v) {
      j++;
      b++;
    }
    values.push(v);
    rc.push(a);
    cc.push(b);
  }
  return { values, ref: Float64Array.from(rc), cur: Float64Array.from(cc) };
}

/** counts / n (a copy). */
export function shares(counts: Float64Array, n: number): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] / n;
  return out;
}

/**
 * Evidently's zero-share replacement, in place: zeros become 0.0001, or (smallest non-zero
 * share) / 10⁶ when that share is ≤ 0.0001. Shares that are all zero stay as they are.
 */
export function fillZeroShares(p: Float64Array): Float64Array {
  let min = Infinity;
  for (const v of p) if (v !== 0 && v < min) min = v;
  if (min === Infinity) return p;
  const fill = min <= 0.0001 ? min / 10 ** 6 : 0.0001;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = fill;
  return p;
}

/** numpy's `quantile(sorted, q)` with the default linear method (and its two-sided lerp). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const idx = (n - 1) * q;
  const lo = Math.floor(idx);
  const hi = Math.min(lo + 1, n - 1);
  const t = idx - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Counts of the reference's `q`-quantile bins (eᵢ₋₁, eᵢ], equal edges merged: [ref, cur]. */
export function quantileCounts(ref: Float64Array, cur: Float64Array, q: number): { edges: number[]; ref: Float64Array; cur: Float64Array } {
  const edges: number[] = [];
  for (let k = 1; k < q; k++) {
    const e = quantileSorted(ref, k / q);
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e);
  }
  const count = (sorted: Float64Array): Float64Array => {
    const out = new Float64Array(edges.length + 1);
    let prev = 0;
    edges.forEach((e, i) => {
      const at = upperBound(sorted, e);
      out[i] = at - prev;
      prev = at;
    });
    out[edges.length] = sorted.length - prev;
    return out;
  };
  return { edges, ref: count(ref), cur: count(cur) };
}
