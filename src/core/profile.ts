/**
 * Column profiles: counts, summary statistics and a histogram per column, for the data view.
 * One pass per column over its typed array (plus one sort of the non-missing numbers).
 */
import type { CategoricalColumn, Column, ColumnTable, ColumnType, NumericColumn } from './table';

/** Summary of the non-missing values of a numeric column. */
export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  /** sample standard deviation (divisor n − 1); 0 for a single value */
  std: number;
  /**
   * Quantiles by linear interpolation between order statistics (numpy's default, "type 7"):
   * q at position q·(n − 1) of the sorted values. p05 and p95 only when n ≥ 20.
   */
  quantiles: { p05?: number; p25: number; p50: number; p75: number; p95?: number };
}

/** What the data view shows about one column. */
export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** non-missing values (rows = count + missing) */
  count: number;
  /** missing values (NaN or code −1) */
  missing: number;
  /** distinct non-missing values that occur */
  distinct: number;
  /** numeric columns with at least one value */
  numeric?: NumericSummary;
  /**
   * Up to 10 most frequent values, by count descending (ties: level order / ascending value).
   * Categorical and boolean columns always; numeric columns only when they have ≤ 10 distinct values.
   */
  top?: { value: string; count: number }[];
  /**
   * Numeric: a constant column gets one bin; integer-valued columns get ≤ 20 bins of equal
   * integer width w = ceil((max − min + 1) / 20) from min, labelled 'lo–(lo+w−1)' (just 'lo' when
   * w = 1); other columns get 20 equal-width bins from min to max (the last includes max),
   * labelled 'lo–hi'. Categorical/boolean: every level in level order when there are ≤ 12, otherwise the 11
   * most frequent levels and 'other' (the rest). Missing values are not in the histogram.
   */
  histogram: { labels: string[]; counts: number[] };
}

const HIST_BINS = 20;
const MAX_BARS = 12;
const TOP_N = 10;

/** Linear-interpolation quantile (numpy default) of an ascending, non-empty array. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const f = pos - lo;
  return f === 0 ? sorted[lo] : sorted[lo] + f * (sorted[hi] - sorted[lo]);
}

/** A bin edge as short text: integers when the bin width is ≥ 10, otherwise enough decimals to tell edges apart. */
function formatEdge(x: number, width: number): string {
  if (width >= 10) return String(Math.round(x));
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(width)) + 1));
  return String(Number(x.toFixed(decimals)));
}

function profileNumeric(col: NumericColumn): ColumnProfile {
  const v = col.values;
  const n = v.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(v[i])) count++;
  const sorted = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(v[i])) sorted[k++] = v[i];
  sorted.sort();
  const base = { name: col.name, type: col.type, count, missing: n - count };
  if (count === 0) return { ...base, distinct: 0, histogram: { labels: [], counts: [] } };

  let sum = 0;
  let distinct = 0;
  let allInt = true;
  for (let i = 0; i < count; i++) {
    const x = sorted[i];
    sum += x;
    if (i === 0 || x !== sorted[i - 1]) distinct++;
    if (allInt && !Number.isInteger(x)) allInt = false;
  }
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < count; i++) {
    const d = sorted[i] - mean;
    ss += d * d;
  }
  const std = count > 1 ? Math.sqrt(ss / (count - 1)) : 0;
  const min = sorted[0];
  const max = sorted[count - 1];
  const tails = count >= 20;
  const quantiles: NumericSummary['quantiles'] = {
    ...(tails ? { p05: quantileSorted(sorted, 0.05) } : {}),
    p25: quantileSorted(sorted, 0.25),
    p50: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    ...(tails ? { p95: quantileSorted(sorted, 0.95) } : {}),
  };

  let top: { value: string; count: number }[] | undefined;
  if (distinct <= TOP_N) {
    top = [];
    for (let i = 0; i < count; ) {
      let j = i;
      while (j < count && sorted[j] === sorted[i]) j++;
      top.push({ value: String(sorted[i]), count: j - i });
      i = j;
    }
    top.sort((a, b) => b.count - a.count); // stable: ties stay ascending by value
  }

  let labels: string[];
  let counts: number[];
  if (min === max) {
    labels = [String(min)];
    counts = [count];
  } else if (allInt) {
    // integer data: integer-width bins [lo, lo + w) labelled 'lo–(lo + w − 1)'
    const w = Math.ceil((max - min + 1) / HIST_BINS);
    const m = Math.ceil((max - min + 1) / w);
    labels = Array.from({ length: m }, (_, b) => {
      const lo = min + b * w;
      return w === 1 ? String(lo) : `${lo}–${lo + w - 1}`;
    });
    counts = new Array<number>(m).fill(0);
    for (let i = 0; i < count; i++) counts[Math.floor((sorted[i] - min) / w)]++;
  } else {
    const range = max - min;
    const w = range / HIST_BINS;
    labels = Array.from({ length: HIST_BINS }, (_, b) => {
      const lo = min + b * w;
      const hi = b === HIST_BINS - 1 ? max : min + (b + 1) * w;
      return `${formatEdge(lo, w)}–${formatEdge(hi, w)}`;
    });
    counts = new Array<number>(HIST_BINS).fill(0);
    for (let i = 0; i < count; i++) {
      const b = Math.min(HIST_BINS - 1, Math.floor(((sorted[i] - min) / range) * HIST_BINS));
      counts[b]++;
    }
  }
  return {
    ...base,
    distinct,
    numeric: { min, max, mean, std, quantiles },
    ...(top ? { top } : {}),
    histogram: { labels, counts },
  };
}

function profileCategorical(col: CategoricalColumn): ColumnProfile {
  const L = col.levels.length;
  const perLevel = new Float64Array(L);
  const codes = col.codes;
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) missing++;
    else perLevel[c]++;
  }
  let distinct = 0;
  for (let l = 0; l < L; l++) if (perLevel[l] > 0) distinct++;
  const byCount = Array.from({ length: L }, (_, l) => l).sort((a, b) => perLevel[b] - perLevel[a] || a - b);
  const top = byCount
    .filter((l) => perLevel[l] > 0)
    .slice(0, TOP_N)
    .map((l) => ({ value: col.levels[l], count: perLevel[l] }));
  let labels: string[];
  let counts: number[];
  if (L <= MAX_BARS) {
    labels = col.levels.slice();
    counts = Array.from(perLevel);
  } else {
    const shown = byCount.slice(0, MAX_BARS - 1);
    labels = shown.map((l) => col.levels[l]);
    counts = shown.map((l) => perLevel[l]);
    let other = 0;
    for (let k = MAX_BARS - 1; k < L; k++) other += perLevel[byCount[k]];
    labels.push('other');
    counts.push(other);
  }
  return {
    name: col.name,
    type: col.type,
    count: codes.length - missing,
    missing,
    distinct,
    top,
    histogram: { labels, counts },
  };
}

/** The profile of one column (see {@link ColumnProfile} for every field's definition). */
export function profileColumn(col: Column): ColumnProfile {
  return col.type === 'numeric' ? profileNumeric(col) : profileCategorical(col);
}

/** The profiles of every column, in column order. */
export function profileTable(t: ColumnTable): ColumnProfile[] {
  return t.columns.map(profileColumn);
}
