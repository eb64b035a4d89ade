/**
 * Worst slices: a lattice search (in the spirit of Slice Finder, Chung et al. 2019, and
 * SliceLine, Sagadeeva & Boehm 2021) for the subgroups where a rate differs most from the
 * whole population.
 *
 * - Base predicates: each group of each protected attribute, each level of a categorical
 *   feature (the `maxLevels` most frequent), and each quantile bin of a numeric feature.
 *   Numeric bins are equal-frequency and never split a run of tied values: a bin edge that
 *   falls inside a run moves to the nearer end of it, and edges that meet are merged. So a
 *   value that holds a large share of the rows (pdays = −1 for 82 % of the bank's leads)
 *   becomes a bin of its own ("pdays = -1") instead of collapsing every edge onto the
 *   column's minimum. A predicate that holds for every row (a constant column, a level every
 *   row has) or for none says nothing about a slice and is dropped.
 * - Level k slices are conjunctions of k predicates on k different columns. Level 1 is
 *   exhaustive; each further level extends only the `beam` best slices of the level before
 *   (SliceFinder's lattice with a beam, so the cost stays bounded).
 * - Rows are bitsets (`Uint32Array`, one bit a row); a slice's confusion counts are popcounts
 *   of ANDed bitsets, so a candidate costs n/32 word operations, not a pass over row objects.
 * - Slices with the same rows are one slice: the shortest description (fewest predicates, then
 *   fewest characters, then alphabetical) names it, and the other descriptions the search met
 *   are listed in `equivalent` — except those that only add predicates to a listed one ("A and
 *   B" when B holds on every row of A), which say nothing new and are left out. A merged duplicate does
 *   not take a place in the beam either, so the list never shows the same rows twice.
 * - A slice's rate r_s is compared with the rate of its complement r_c:
 *   difference d = r_s − r_c; a two-proportion z score z = d / sqrt(p(1−p)(1/n_s + 1/n_c))
 *   with p the pooled rate. Slices need `minSupport` rows in the rate's denominator. They are
 *   ranked by |d|, among slices with |z| ≥ `minZ` (default 2, ≈ 5 % two-sided, uncorrected for
 *   the many slices searched: read the list as leads to check, not as proven findings).
 *
 * Rates: selectionRate = selected/n; truePositiveRate = TP/P; falsePositiveRate = FP/N;
 * errorRate = (FP+FN)/n; precision = TP/(TP+FP) (same definitions as the metric frame).
 */

export type SliceMetric = 'selectionRate' | 'truePositiveRate' | 'falsePositiveRate' | 'errorRate' | 'precision';

export type SliceColumn =
  | { name: string; kind: 'numeric'; values: Float64Array }
  | { name: string; kind: 'categorical'; codes: Int32Array; levels: string[] };

export interface SlicePredicate {
  column: string;
  /** human-readable: "job = retired", "balance in [448, 1428)", "pdays = -1" */
  label: string;
  kind: 'level' | 'range';
  level?: string;
  /** a range holds the rows with lo ≤ value < hi (NaN never) */
  lo?: number;
  hi?: number;
}

export interface Slice {
  predicates: SlicePredicate[];
  description: string;
  /** other descriptions of exactly the same rows that the search met, shortest first (see the module comment) */
  equivalent: string[];
  /** rows in the slice */
  count: number;
  /** rows in the rate's denominator (e.g. actual positives for TPR) */
  support: number;
  rate: number;
  complementRate: number;
  difference: number;
  z: number;
}

export interface SliceSearchOptions {
  metric?: SliceMetric;
  /** minimum rows in the rate's denominator (default max(30, 0.5 % of rows)) */
  minSupport?: number;
  /** 1..3 (default 3) */
  maxDepth?: number;
  /** slices kept per level to extend (default 20) */
  beam?: number;
  /** quantile bins for numeric columns (default 4) */
  bins?: number;
  /** most frequent levels used per categorical column (default 12) */
  maxLevels?: number;
  /** default 2 */
  minZ?: number;
  /** slices returned (default 20) */
  top?: number;
}

export const defaultSliceSearchOptions: Required<SliceSearchOptions> = {
  metric: 'selectionRate',
  minSupport: 0,
  maxDepth: 3,
  beam: 20,
  bins: 4,
  maxLevels: 12,
  minZ: 2,
  top: 20,
};

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Popcount of (a & b [& c]) over all words. */
function countAnd(a: Uint32Array, b: Uint32Array, c?: Uint32Array): number {
  let s = 0;
  if (c) for (let i = 0; i < a.length; i++) s += popcount32(a[i] & b[i] & c[i]);
  else for (let i = 0; i < a.length; i++) s += popcount32(a[i] & b[i]);
  return s;
}

function bitsFrom(n: number, test: (i: number) => boolean): Uint32Array {
  const bits = new Uint32Array((n + 31) >>> 5);
  for (let i = 0; i < n; i++) if (test(i)) bits[i >>> 5] |= 1 << (i & 31);
  return bits;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, '');
}

/** First index in sorted[lo, hi) whose value is ≥ v (or > v when `after`). */
function searchSorted(sorted: Float64Array, v: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v || (after && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where equal-frequency bins of the sorted finite values end: the indexes round(k·m/bins),
 * each moved out of a run of tied values to the run's nearer end (the upper end on a tie),
 * without duplicates and never 0 or m.
 */
export function tieAwareBreaks(sorted: Float64Array, bins: number): number[] {
  const m = sorted.length;
  const breaks = new Set<number>();
  for (let k = 1; k < bins; k++) {
    const t = Math.round((k * m) / bins);
    if (t <= 0 || t >= m) continue;
    if (sorted[t - 1] !== sorted[t]) {
      breaks.add(t);
      continue;
    }
    const runStart = searchSorted(sorted, sorted[t], false);
    const runEnd = searchSorted(sorted, sorted[t], true);
    const down = runStart > 0 ? runStart : -1;
    const up = runEnd < m ? runEnd : -1;
    if (down < 0 && up < 0) continue;
    breaks.add(up >= 0 && (down < 0 || runEnd - t <= t - runStart) ? up : down);
  }
  return [...breaks].sort((a, b) => a - b);
}

/** The numeric bins of one column as range predicates, in ascending order. */
export function numericBins(name: string, values: Float64Array, bins: number): SlicePredicate[] {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort();
  const m = sorted.length;
  if (m === 0) return [];
  const breaks = tieAwareBreaks(sorted, bins);
  const starts = [0, ...breaks];
  const ends = [...breaks, m];
  return starts.map((start, b) => {
    const first = b === 0;
    const last = b === starts.length - 1;
    const lo = sorted[start];
    const top = sorted[ends[b] - 1];
    const hi = last ? Infinity : sorted[ends[b]];
    let label: string;
    if (lo === top) label = `${name} = ${fmt(lo)}`;
    else if (first && last) label = `${name} is known`;
    else if (first) label = `${name} < ${fmt(hi)}`;
    else if (last) label = `${name} ≥ ${fmt(lo)}`;
    else label = `${name} in [${fmt(lo)}, ${fmt(hi)})`;
    return { column: name, kind: 'range', lo: first ? -Infinity : lo, hi, label };
  });
}

interface BasePredicate {
  pred: SlicePredicate;
  col: number;
  bits: Uint32Array;
}

/**
 * Stage 1: the base predicates and their row bitsets, without those that hold for every row
 * or for none.
 */
function basePredicates(n: number, columns: SliceColumn[], o: Required<SliceSearchOptions>): BasePredicate[] {
  const preds: BasePredicate[] = [];
  columns.forEach((c, col) => {
    if (c.kind === 'categorical') {
      const counts = new Float64Array(c.levels.length);
      for (let i = 0; i < n; i++) if (c.codes[i] >= 0) counts[c.codes[i]]++;
      const order = [...counts.keys()].filter((k) => counts[k] > 0).sort((a, b) => counts[b] - counts[a] || a - b).slice(0, o.maxLevels);
      for (const k of order) {
        preds.push({ pred: { column: c.name, kind: 'level', level: c.levels[k], label: `${c.name} = ${c.levels[k]}` }, col, bits: bitsFrom(n, (i) => c.codes[i] === k) });
      }
    } else {
      for (const pred of numericBins(c.name, c.values, o.bins)) {
        const lo = pred.lo as number;
        const hi = pred.hi as number;
        preds.push({ pred, col, bits: bitsFrom(n, (i) => c.values[i] >= lo && c.values[i] < hi) });
      }
    }
  });
  const all = bitsFrom(n, () => true);
  return preds.filter((p) => {
    const count = countAnd(p.bits, all);
    return count > 0 && count < n;
  });
}

interface Candidate {
  /** indexes into the base predicates, ascending */
  preds: number[];
  bits: Uint32Array;
  slice: Slice;
  /** every description of these rows kept so far (the slice's own first), as predicate sets */
  names: number[][];
}

/** (fewer predicates, then fewer characters, then alphabetical) */
function shorter(a: { preds: number[]; description: string }, b: { preds: number[]; description: string }): boolean {
  if (a.preds.length !== b.preds.length) return a.preds.length < b.preds.length;
  if (a.description.length !== b.description.length) return a.description.length < b.description.length;
  return a.description.localeCompare(b.description) < 0;
}

function isSubset(small: number[], big: number[]): boolean {
  return small.every((k) => big.includes(k));
}

/**
 * Stage 2: slices by row set. `merge` either registers a candidate as a new row set (true) or
 * folds it into the slice that already has those rows (false): the shorter description names
 * the slice, the other joins `equivalent` unless it only adds predicates to a kept one.
 */
class RowSets {
  private readonly buckets = new Map<string, Candidate[]>();

  merge(c: Candidate): boolean {
    let h = 0x811c9dc5;
    for (let i = 0; i < c.bits.length; i++) h = Math.imul(h ^ c.bits[i], 0x01000193);
    const key = `${c.slice.count}:${h >>> 0}`;
    const bucket = this.buckets.get(key);
    const same = bucket?.find((x) => x.bits.length === c.bits.length && x.bits.every((w, i) => w === c.bits[i]));
    if (!same) {
      if (bucket) bucket.push(c);
      else this.buckets.set(key, [c]);
      return true;
    }
    if (same.names.some((kept) => isSubset(kept, c.preds))) return false;
    if (shorter({ preds: c.preds, description: c.slice.description }, { preds: same.preds, description: same.slice.description })) {
      // the new description names the slice; the old one becomes an equivalent
      same.slice.equivalent.push(same.slice.description);
      same.preds = c.preds;
      same.slice.predicates = c.slice.predicates;
      same.slice.description = c.slice.description;
    } else {
      same.slice.equivalent.push(c.slice.description);
    }
    same.names.push(c.preds);
    same.slice.equivalent.sort((a, b) => a.length - b.length || a.localeCompare(b));
    return false;
  }
}

/** The numerator and denominator of a slice metric within a row set (bitset popcounts). */
function rateCounter(metric: SliceMetric, labels: Uint8Array, decisions: Uint8Array): (bits: Uint32Array) => [number, number] {
  const n = labels.length;
  const all = bitsFrom(n, () => true);
  const pos = bitsFrom(n, (i) => labels[i] === 1);
  const neg = bitsFrom(n, (i) => labels[i] !== 1);
  const sel = bitsFrom(n, (i) => decisions[i] === 1);
  const notSel = bitsFrom(n, (i) => decisions[i] !== 1);
  switch (metric) {
    case 'selectionRate':
      return (bits) => [countAnd(bits, sel), countAnd(bits, all)];
    case 'truePositiveRate':
      return (bits) => [countAnd(bits, sel, pos), countAnd(bits, pos)];
    case 'falsePositiveRate':
      return (bits) => [countAnd(bits, sel, neg), countAnd(bits, neg)];
    case 'errorRate':
      return (bits) => [countAnd(bits, sel, neg) + countAnd(bits, notSel, pos), countAnd(bits, all)];
    case 'precision':
      return (bits) => [countAnd(bits, sel, pos), countAnd(bits, sel)];
  }
}

/**
 * Search the lattice of column conjunctions for the slices whose `metric` differs most from
 * the rest of the population. `labels` are 1 for actual positives, `decisions` 1 for selected.
 */
export function findWorstSlices(labels: Uint8Array, decisions: Uint8Array, columns: SliceColumn[], options: SliceSearchOptions = {}): { metric: SliceMetric; overallRate: number; slices: Slice[]; searched: number } {
  const o = { ...defaultSliceSearchOptions, ...options };
  const n = labels.length;
  if (o.minSupport <= 0) o.minSupport = Math.max(30, Math.ceil(0.005 * n));
  const counts = rateCounter(o.metric, labels, decisions);
  const all = bitsFrom(n, () => true);
  const [totNum, totDen] = counts(all);
  const overallRate = totDen > 0 ? totNum / totDen : NaN;
  const base = basePredicates(n, columns, o);

  let searched = 0;
  /** Stage 3: a conjunction's rate against its complement; null below the minimum support. */
  const evaluate = (preds: number[], bits: Uint32Array): Candidate | null => {
    searched++;
    const [num, den] = counts(bits);
    const cNum = totNum - num;
    const cDen = totDen - den;
    if (den < o.minSupport || cDen < o.minSupport) return null;
    const rate = num / den;
    const complementRate = cNum / cDen;
    const p = totNum / totDen;
    const se = Math.sqrt(p * (1 - p) * (1 / den + 1 / cDen));
    const difference = rate - complementRate;
    const z = se > 0 ? difference / se : 0;
    const predicates = preds.map((k) => base[k].pred);
    const description = predicates.map((q) => q.label).join(' and ');
    return {
      preds,
      bits,
      names: [preds],
      slice: { predicates, description, equivalent: [], count: countAnd(bits, all), support: den, rate, complementRate, difference, z },
    };
  };

  /** Stage 4: the level's new row sets (duplicates fold into the slice that has their rows). */
  const rowSets = new RowSets();
  const found: Candidate[] = [];
  const admit = (cands: Candidate[]): Candidate[] => {
    const fresh = cands.filter((c) => rowSets.merge(c));
    for (const c of fresh) if (Math.abs(c.slice.z) >= o.minZ) found.push(c);
    return fresh;
  };

  let frontier = admit(base.map((b, k) => evaluate([k], b.bits)).filter((c): c is Candidate => c !== null));
  for (let depth = 2; depth <= o.maxDepth; depth++) {
    const best = frontier.sort((a, b) => Math.abs(b.slice.difference) - Math.abs(a.slice.difference)).slice(0, o.beam);
    const next = new Map<string, Candidate>();
    for (const c of best) {
      const usedCols = new Set(c.preds.map((k) => base[k].col));
      for (let k = 0; k < base.length; k++) {
        if (usedCols.has(base[k].col)) continue;
        const preds = [...c.preds, k].sort((a, b) => a - b);
        const key = preds.join(',');
        if (next.has(key)) continue;
        const bits = new Uint32Array(c.bits.length);
        for (let w = 0; w < bits.length; w++) bits[w] = c.bits[w] & base[k].bits[w];
        const cand = evaluate(preds, bits);
        if (cand) next.set(key, cand);
      }
    }
    frontier = admit([...next.values()]);
  }
  const slices = found
    .map((c) => c.slice)
    .sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || b.count - a.count || a.description.localeCompare(b.description))
    .slice(0, o.top);
  return { metric: o.metric, overallRate, slices, searched };
}

/** Row membership of a slice (1 = in the slice), for auditing it against the rest. */
export function sliceMembership(columns: SliceColumn[], predicates: SlicePredicate[], n: number): Int32Array {
  const codes = new Int32Array(n).fill(1);
  for (const p of predicates) {
    const c = columns.find((x) => x.name === p.column);
    if (!c) continue;
    for (let i = 0; i < n; i++) {
      if (codes[i] === 0) continue;
      const inside =
        p.kind === 'level'
          ? c.kind === 'categorical' && c.codes[i] >= 0 && c.levels[c.codes[i]] === p.level
          : c.kind === 'numeric' && c.values[i] >= (p.lo ?? -Infinity) && c.values[i] < (p.hi ?? Infinity);
      if (!inside) codes[i] = 0;
    }
  }
  // 0 = rest, 1 = slice → levels ['rest', 'slice'] reversed for display by the caller
  return codes;
}
