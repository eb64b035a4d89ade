/**
 * Worst slices: a lattice search (in the spirit of Slice Finder, Chung et al. 2019, and
 * SliceLine, Sagadeeva & Boehm 2021) for the subgroups where a rate differs most from the
 * whole population.
 *
 * - Base predicates: each group of each protected attribute, each level of a categorical
 *   feature (the `maxLevels` most frequent), and each quantile bin of a numeric feature.
 * - Level k slices are conjunctions of k predicates on k different columns. Level 1 is
 *   exhaustive; each further level extends only the `beam` best slices of the level before
 *   (SliceFinder's lattice with a beam, so the cost stays bounded).
 * - Rows are bitsets (`Uint32Array`, one bit a row); a slice's confusion counts are popcounts
 *   of ANDed bitsets, so a candidate costs n/32 word operations, not a pass over row objects.
 * - A slice's rate r_s is compared with the rate of its complement r_c:
 *   difference d = r_s − r_c; a two-proportion z score z = d / sqrt(p(1−p)(1/n_s + 1/n_c))
 *   with p the pooled rate. Slices need `minSupport` rows in the rate's denominator. They are
 *   ranked by |d|, among slices with |z| ≥ `minZ` (default 2, ≈ 5 % two-sided, uncorrected for
 *   the many slices searched: read the list as leads to check, not as proven findings).
 *
 * Rates: selectionRate = selected/n; truePositiveRate = TP/P; falsePositiveRate = FP/N;
 * errorRate = (FP+FN)/n; precision = TP/(TP+FP) (same definitions as the metric frame).
 */
import { quantileSorted } from './profile';

export type SliceMetric = 'selectionRate' | 'truePositiveRate' | 'falsePositiveRate' | 'errorRate' | 'precision';

export type SliceColumn =
  | { name: string; kind: 'numeric'; values: Float64Array }
  | { name: string; kind: 'categorical'; codes: Int32Array; levels: string[] };

export interface SlicePredicate {
  column: string;
  /** human-readable: "job = retired", "balance in [448, 1428)" */
  label: string;
  kind: 'level' | 'range';
  level?: string;
  lo?: number;
  hi?: number;
}

export interface Slice {
  predicates: SlicePredicate[];
  description: string;
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

interface Candidate {
  preds: number[];
  bits: Uint32Array;
  slice: Slice;
}

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

/** Base predicates and their row bitsets. */
function basePredicates(n: number, columns: SliceColumn[], o: Required<SliceSearchOptions>) {
  const preds: { pred: SlicePredicate; col: number; bits: Uint32Array }[] = [];
  columns.forEach((c, col) => {
    if (c.kind === 'categorical') {
      const counts = new Float64Array(c.levels.length);
      for (let i = 0; i < n; i++) if (c.codes[i] >= 0) counts[c.codes[i]]++;
      const order = [...counts.keys()].filter((k) => counts[k] > 0).sort((a, b) => counts[b] - counts[a] || a - b).slice(0, o.maxLevels);
      for (const k of order) {
        preds.push({ pred: { column: c.name, kind: 'level', level: c.levels[k], label: `${c.name} = ${c.levels[k]}` }, col, bits: bitsFrom(n, (i) => c.codes[i] === k) });
      }
    } else {
      const finite = c.values.filter((v) => !Number.isNaN(v)).sort();
      if (finite.length === 0) return;
      const cuts = [...new Set(Array.from({ length: o.bins - 1 }, (_, b) => quantileSorted(finite, (b + 1) / o.bins)))];
      const edges = [-Infinity, ...cuts, Infinity];
      for (let b = 0; b + 1 < edges.length; b++) {
        const lo = edges[b];
        const hi = edges[b + 1];
        const label = lo === -Infinity ? `${c.name} < ${fmt(hi)}` : hi === Infinity ? `${c.name} ≥ ${fmt(lo)}` : `${c.name} in [${fmt(lo)}, ${fmt(hi)})`;
        const bits = bitsFrom(n, (i) => c.values[i] >= lo && c.values[i] < hi);
        preds.push({ pred: { column: c.name, kind: 'range', lo, hi, label }, col, bits });
      }
    }
  });
  return preds;
}

/**
 * Search the lattice of column conjunctions for the slices whose `metric` differs most from
 * the rest of the population. `labels` are 1 for actual positives, `decisions` 1 for selected.
 */
export function findWorstSlices(labels: Uint8Array, decisions: Uint8Array, columns: SliceColumn[], options: SliceSearchOptions = {}): { metric: SliceMetric; overallRate: number; slices: Slice[]; searched: number } {
  const o = { ...defaultSliceSearchOptions, ...options };
  const n = labels.length;
  if (o.minSupport <= 0) o.minSupport = Math.max(30, Math.ceil(0.005 * n));
  const all = bitsFrom(n, () => true);
  const pos = bitsFrom(n, (i) => labels[i] === 1);
  const neg = bitsFrom(n, (i) => labels[i] !== 1);
  const sel = bitsFrom(n, (i) => decisions[i] === 1);
  const notSel = bitsFrom(n, (i) => decisions[i] !== 1);

  /** numerator and denominator of the metric within a row set */
  const counts = (bits: Uint32Array): [number, number] => {
    switch (o.metric) {
      case 'selectionRate':
        return [countAnd(bits, sel), countAnd(bits, all)];
      case 'truePositiveRate':
        return [countAnd(bits, sel, pos), countAnd(bits, pos)];
      case 'falsePositiveRate':
        return [countAnd(bits, sel, neg), countAnd(bits, neg)];
      case 'errorRate':
        return [countAnd(bits, sel, neg) + countAnd(bits, notSel, pos), countAnd(bits, all)];
      case 'precision':
        return [countAnd(bits, sel, pos), countAnd(bits, sel)];
    }
  };
  const [totNum, totDen] = counts(all);
  const overallRate = totDen > 0 ? totNum / totDen : NaN;

  const base = basePredicates(n, columns, o);
  let searched = 0;
  const evaluate = (predIdx: number[], bits: Uint32Array): Candidate | null => {
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
    const predicates = predIdx.map((k) => base[k].pred);
    return {
      preds: predIdx,
      bits,
      slice: { predicates, description: predicates.map((p) => p.label).join(' and '), count: countAnd(bits, all), support: den, rate, complementRate, difference, z },
    };
  };

  const found = new Map<string, Slice>();
  let frontier: Candidate[] = [];
  for (let k = 0; k < base.length; k++) {
    const c = evaluate([k], base[k].bits);
    if (c) frontier.push(c);
  }
  for (let depth = 1; depth <= o.maxDepth; depth++) {
    for (const c of frontier) if (Math.abs(c.slice.z) >= o.minZ) found.set(c.preds.join(','), c.slice);
    if (depth === o.maxDepth) break;
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
    frontier = [...next.values()];
  }
  const slices = [...found.values()].sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference) || b.count - a.count || a.description.localeCompare(b.description)).slice(0, o.top);
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
