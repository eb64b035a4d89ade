/**
 * Bootstrap helpers: multiplicity draws, percentile intervals, and a walker over the leaves
 * of a result object (every `{ value: number | null }` node) so the same code that computes a
 * point estimate also gives the resampled values, in the same order, for free.
 *
 * Resampling: n rows drawn uniformly with replacement from all n rows, not stratified by group
 * or label (the data are treated as one i.i.d. sample; group sizes vary across resamples, as
 * they would in a new sample). A resample is a `Uint32Array` multiplicity vector `mult`
 * (mult[j] = times the j-th row *in score order* was drawn — uniform over rows either way),
 * fed to the same one-pass accumulator; weights become w_j · mult_j. The stream comes from `createRng(seed)`, so a seed fixes every interval.
 * When each entry stands for several rows (a counts table's cells), the draws are rows and
 * land in the entry that holds them (`drawCellMultiplicities`).
 *
 * Interval: percentile, linear interpolation between order statistics (numpy's default
 * `np.percentile(method="linear")`) at (1 − level)/2 and (1 + level)/2, over the resamples in
 * which the value was defined (`defined` says how many).
 */
import type { Rng } from '../rng';
import type { Interval } from './disparities';

export function drawMultiplicities(rng: Rng, n: number, out: Uint32Array): void {
  out.fill(0);
  for (let j = 0; j < n; j++) out[rng.int(n)]++;
}

/**
 * A resample when each entry stands for several rows: `total` uniform positions over the
 * entries laid end to end (`ends[j]` = rows up to and including entry j); `out[j]` = the
 * draws that land in entry j. The entries' drawn counts are multinomial(total, count_j / total),
 * as a row-level resample's counts of those rows are, and the stream is the row-level one's
 * (`total` calls of `rng.int(total)`).
 */
export function drawCellMultiplicities(rng: Rng, ends: Float64Array, total: number, out: Uint32Array): void {
  out.fill(0);
  const C = ends.length;
  for (let d = 0; d < total; d++) {
    const u = rng.int(total);
    let lo = 0;
    let hi = C - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out[lo]++;
  }
}

/** How a resample is drawn: one draw per row (`counts` null), or per row stood for (`counts`, Σ = `total`). */
export function multiplicityDrawer(counts: Uint32Array | null, total: number): (rng: Rng, out: Uint32Array) => void {
  if (!counts) return (rng, out) => drawMultiplicities(rng, total, out);
  const ends = new Float64Array(counts.length);
  let acc = 0;
  for (let j = 0; j < ends.length; j++) ends[j] = acc += counts[j];
  return (rng, out) => drawCellMultiplicities(rng, ends, total, out);
}

/** Linear-interpolated quantile of sorted values (numpy "linear"). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const m = sorted.length;
  if (m === 1) return sorted[0];
  const h = (m - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(m - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Percentile interval of the non-NaN entries of `values` (NaN = undefined in that resample). */
export function percentileInterval(values: Float64Array, level: number): Interval {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) m++;
  const resamples = values.length;
  if (m === 0) return { lower: null, upper: null, level, defined: 0, resamples };
  const d = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) d[k++] = values[i];
  d.sort();
  return {
    lower: quantileSorted(d, (1 - level) / 2),
    upper: quantileSorted(d, (1 + level) / 2),
    level,
    defined: m,
    resamples,
  };
}

export interface Leaf {
  value: number | null;
  interval?: Interval;
}

/** Every `{ value: number | null }` node under `obj`, in key order (deterministic). */
export function collectLeaves(obj: unknown, out: Leaf[] = []): Leaf[] {
  if (obj === null || typeof obj !== 'object') return out;
  if (Array.isArray(obj)) {
    for (const x of obj) collectLeaves(x, out);
    return out;
  }
  const rec = obj as Record<string, unknown>;
  if ('value' in rec && (typeof rec.value === 'number' || rec.value === null)) {
    out.push(rec as unknown as Leaf);
    return out;
  }
  for (const k of Object.keys(rec)) collectLeaves(rec[k], out);
  return out;
}
