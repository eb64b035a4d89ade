/**
 * Drift between a reference sample and a current sample, per column, for the model's scores
 * and for each group's selection rate — with Evidently's definitions (its legacy stattests),
 * so the numbers equal Evidently's on the same data:
 *
 * - missing values (NaN, ±∞, a missing category) are counted per side and dropped first;
 * - PSI, Jensen–Shannon distance, normed Wasserstein (numeric), Kolmogorov–Smirnov p-value
 *   (numeric, ks.ts) and chi-square p-value (categorical): their keys, labels, formulas and
 *   Evidently counterparts are the one metric table's `DRIFT_DEFINITIONS` (core/definitions.ts);
 *   the bins and the zero-share replacement are binning.ts's;
 * - values the current sample has and the reference has not ("unseen"), with their counts.
 *
 * Options: `bins` chooses PSI's bins for numeric columns — 'evidently' (default), 'deciles'
 * (the reference's deciles, the credit-risk convention) or a number q of reference
 * quantile bins. Jensen–Shannon always uses Evidently's bins.
 *
 * A measure that cannot be computed (a side with no values; chi-square over one value) is
 * null, with its reason under `undefined`.
 */
import type { DriftMeasure } from '../definitions';
import { WorkbenchError } from '../errors';
import type { AuditReport } from '../audit';
import { wilsonInterval } from '../metrics/wilson';
import { cellText, type Column, type ColumnTable } from '../table';
import { distinctSorted, fillZeroShares, histogramSorted, quantileCounts, shares, sturgesEdges, valueCounts } from './binning';
import { ksTwoSample } from './ks';
import { chiSquareSurvival } from './special';

export type DriftBins = 'evidently' | 'deciles' | number;
export type DriftKind = 'numeric' | 'categorical';
export { DRIFT_MEASURES, type DriftMeasure } from '../definitions';

export interface DriftOptions {
  /** PSI's bins for numeric columns (default 'evidently') */
  bins?: DriftBins;
}

export interface ColumnDrift {
  column: string;
  kind: DriftKind;
  /** rows per side, missing included */
  rows: { reference: number; current: number };
  missing: { reference: number; current: number };
  /** how PSI binned: Sturges bins over both samples, one bin per value, or reference quantiles */
  binning: 'sturges' | 'values' | 'quantiles';
  /** number of PSI bins */
  bins: number;
  psi: number | null;
  jensenShannon: number | null;
  wasserstein?: number | null;
  ksPValue?: number | null;
  chiSquarePValue?: number | null;
  /** categorical: values of the current sample the reference never had, most frequent first */
  unseen?: { value: string; count: number }[];
  /** measure → why it is null */
  undefined?: Partial<Record<DriftMeasure, string>>;
}

// ---------------------------------------------------------------------------------------
// the measures on shares

/** Σ (r − c) ln(r / c) over shares with zeros already replaced. */
export function psiOfShares(r: Float64Array, c: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  return s;
}

/** x ln(x / y), 0 at x = 0 (scipy's `rel_entr`). */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** scipy's `jensenshannon(p, q)`: both normalised to sum 1, natural log. */
export function jensenShannonDistance(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i];
    sq += q[i];
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    left += relEntr(a, m);
    right += relEntr(b, m);
  }
  return Math.sqrt((left + right) / 2);
}

/** PSI with Evidently's zero replacement applied to copies of the shares. */
function filledPsi(r: Float64Array, c: Float64Array): number {
  return psiOfShares(fillZeroShares(Float64Array.from(r)), fillZeroShares(Float64Array.from(c)));
}

// ---------------------------------------------------------------------------------------
// numeric samples

/** W₁ between two sorted samples: Σ over the pooled distinct values of |F_a − F_b| · gap. */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    if (i >= a.length && j >= b.length) break;
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    sum += Math.abs(i / a.length - j / b.length) * (next - v);
  }
  return sum;
}

/** Standard deviation with ddof 0. */
export function stdDdof0(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  const mean = s / a.length;
  let ss = 0;
  for (const v of a) ss += (v - mean) * (v - mean);
  return Math.sqrt(ss / a.length);
}

/** The finite values, sorted, and how many were not finite. */
function cleanSorted(x: ArrayLike<number>): { sorted: Float64Array; missing: number; integer: boolean } {
  const out = new Float64Array(x.length);
  let n = 0;
  let integer = true;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isFinite(v)) {
      out[n++] = v;
      if (integer && !Number.isInteger(v)) integer = false;
    }
  }
  const sorted = out.slice(0, n).sort();
  return { sorted, missing: x.length - n, integer };
}

/** Evidently's shares for a numeric sample pair, and how it binned. */
function evidentlyNumericShares(ref: Float64Array, cur: Float64Array, integer: boolean): { r: Float64Array; c: Float64Array; binning: 'sturges' | 'values' } {
  if (distinctSorted(ref) > 20) {
    const edges = sturgesEdges(Math.min(ref[0], cur[0]), Math.max(ref[ref.length - 1], cur[cur.length - 1]), ref.length + cur.length, integer);
    return { r: shares(histogramSorted(ref, edges), ref.length), c: shares(histogramSorted(cur, edges), cur.length), binning: 'sturges' };
  }
  const vc = valueCounts(ref, cur);
  return { r: shares(vc.ref, ref.length), c: shares(vc.cur, cur.length), binning: 'values' };
}

function quantileBinsOf(bins: DriftBins): number | null {
  if (bins === 'evidently') return null;
  if (bins === 'deciles') return 10;
  if (!Number.isInteger(bins) || bins < 2) throw new WorkbenchError('roles-invalid', `PSI bins must be 'evidently', 'deciles' or a whole number ≥ 2, not ${String(bins)}.`, 'Use --bins evidently, --bins deciles or --bins 10.');
  return bins;
}

function emptyReason(nRef: number, nCur: number): string {
  return nRef === 0 ? 'no-reference-values' : nCur === 0 ? 'no-current-values' : 'no-values';
}

/**
 * Drift of one numeric column (or of scores): NaN and ±∞ count as missing. `integer` data
 * (no missing value, whole numbers only) takes numpy's integer rule for the Sturges width.
 */
export function numericDrift(column: string, reference: ArrayLike<number>, current: ArrayLike<number>, options: DriftOptions = {}): ColumnDrift {
  const q = quantileBinsOf(options.bins ?? 'evidently');
  const r = cleanSorted(reference);
  const c = cleanSorted(current);
  const base = { column, kind: 'numeric' as const, rows: { reference: reference.length, current: current.length }, missing: { reference: r.missing, current: c.missing } };
  if (r.sorted.length === 0 || c.sorted.length === 0) {
    const why = emptyReason(r.sorted.length, c.sorted.length);
    return { ...base, binning: q === null ? 'sturges' : 'quantiles', bins: 0, psi: null, jensenShannon: null, wasserstein: null, ksPValue: null, undefined: { psi: why, jensenShannon: why, wasserstein: why, ksPValue: why } };
  }
  const integer = r.missing === 0 && c.missing === 0 && r.integer && c.integer;
  const ev = evidentlyNumericShares(r.sorted, c.sorted, integer);
  let psi: number;
  let binning: ColumnDrift['binning'] = ev.binning;
  let bins = ev.r.length;
  if (q === null) psi = filledPsi(ev.r, ev.c);
  else {
    const qc = quantileCounts(r.sorted, c.sorted, q);
    psi = filledPsi(shares(qc.ref, r.sorted.length), shares(qc.cur, c.sorted.length));
    binning = 'quantiles';
    bins = qc.ref.length;
  }
  return {
    ...base,
    binning,
    bins,
    psi,
    jensenShannon: jensenShannonDistance(ev.r, ev.c),
    wasserstein: wassersteinSorted(r.sorted, c.sorted) / Math.max(stdDdof0(r.sorted), 0.001),
    ksPValue: ksTwoSample(r.sorted, c.sorted).pValue,
  };
}

// ---------------------------------------------------------------------------------------
// categorical counts

/** Counts per level for both sides (levels = the union, in order of first appearance). */
export interface CategoryCounts {
  levels: string[];
  reference: Float64Array;
  current: Float64Array;
  missing: { reference: number; current: number };
}

/**
 * Drift of one categorical column from its counts (a warehouse's GROUP BY gives the same).
 * Levels counted on neither side are left out, as Evidently takes the values it sees.
 */
export function categoricalDrift(column: string, counts: CategoryCounts): ColumnDrift {
  const keep: number[] = [];
  let nRef = 0;
  let nCur = 0;
  counts.levels.forEach((_, i) => {
    nRef += counts.reference[i];
    nCur += counts.current[i];
    if (counts.reference[i] + counts.current[i] > 0) keep.push(i);
  });
  const base = {
    column,
    kind: 'categorical' as const,
    rows: { reference: nRef + counts.missing.reference, current: nCur + counts.missing.current },
    missing: counts.missing,
    binning: 'values' as const,
    bins: keep.length,
  };
  if (nRef === 0 || nCur === 0) {
    const why = emptyReason(nRef, nCur);
    return { ...base, psi: null, jensenShannon: null, chiSquarePValue: null, unseen: [], undefined: { psi: why, jensenShannon: why, chiSquarePValue: why } };
  }
  const refCounts = Float64Array.from(keep, (i) => counts.reference[i]);
  const curCounts = Float64Array.from(keep, (i) => counts.current[i]);
  const r = shares(refCounts, nRef);
  const c = shares(curCounts, nCur);
  const unseen = keep
    .filter((i) => counts.reference[i] === 0)
    .map((i) => ({ value: counts.levels[i], count: counts.current[i] }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
  const chi = chiSquareP(refCounts, curCounts, nRef, nCur);
  return {
    ...base,
    psi: filledPsi(r, c),
    jensenShannon: jensenShannonDistance(r, c),
    chiSquarePValue: chi,
    unseen,
    ...(chi === null ? { undefined: { chiSquarePValue: 'one-value' } } : {}),
  };
}

/** Evidently's chi-square p-value: expected = reference counts × n_cur / n_ref; null for one value. */
export function chiSquareP(ref: Float64Array, cur: Float64Array, nRef: number, nCur: number): number | null {
  if (ref.length < 2) return null;
  const k = nCur / nRef;
  let stat = 0;
  for (let i = 0; i < ref.length; i++) {
    const exp = ref[i] * k;
    const d = cur[i] - exp;
    stat += (d * d) / exp;
  }
  return chiSquareSurvival(stat, ref.length - 1);
}

/** Counts of a categorical (or boolean) column per level string, on the rows given (all when absent). */
function levelCounts(col: Column, rows: Uint32Array | null, index: Map<string, number>, into: number[]): number {
  let missing = 0;
  const n = rows ? rows.length : col.type === 'numeric' ? col.values.length : col.codes.length;
  if (col.type === 'numeric') throw new WorkbenchError('internal', `levelCounts on numeric column ${col.name}`);
  const local = new Float64Array(col.levels.length);
  for (let k = 0; k < n; k++) {
    const code = col.codes[rows ? rows[k] : k];
    if (code < 0) missing++;
    else local[code]++;
  }
  col.levels.forEach((level, code) => {
    let at = index.get(level);
    if (at === undefined) {
      at = index.size;
      index.set(level, at);
      into.push(0);
    }
    into[at] += local[code];
  });
  return missing;
}

/** Counts of a categorical column on both sides, over the union of their levels. */
export function categoryCounts(reference: Column, current: Column, refRows: Uint32Array | null = null, curRows: Uint32Array | null = null): CategoryCounts {
  const index = new Map<string, number>();
  const r: number[] = [];
  const mr = levelCounts(reference, refRows, index, r);
  const c = new Array<number>(r.length).fill(0);
  const mc = levelCounts(current, curRows, index, c);
  while (r.length < c.length) r.push(0);
  return { levels: [...index.keys()], reference: Float64Array.from(r), current: Float64Array.from(c), missing: { reference: mr, current: mc } };
}

// ---------------------------------------------------------------------------------------
// tables

export interface TableDriftRequest {
  reference: ColumnTable;
  current: ColumnTable;
  /** the columns to compare (default: every column of the reference the current also has) */
  columns?: readonly string[];
  /** rows of each table to use (default all) — a time window, for example */
  referenceRows?: Uint32Array;
  currentRows?: Uint32Array;
  options?: DriftOptions;
}

export interface TableDrift {
  columns: ColumnDrift[];
  /** columns left out, with the reason */
  skipped: { column: string; reason: string }[];
}

function pick(values: Float64Array, rows: Uint32Array | undefined): Float64Array {
  if (!rows) return values;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]];
  return out;
}

/** Drift of one column present in both tables; a column typed differently on the two sides is compared as text. */
function columnDrift(ref: Column, cur: Column, req: TableDriftRequest): ColumnDrift {
  if (ref.type === 'numeric' && cur.type === 'numeric') return numericDrift(ref.name, pick(ref.values, req.referenceRows), pick(cur.values, req.currentRows), req.options);
  return categoricalDrift(ref.name, categoryCounts(asCategorical(ref), asCategorical(cur), req.referenceRows ?? null, req.currentRows ?? null));
}

/** A numeric column as categories of its printed values (only when the other side is categorical). */
function asCategorical(col: Column): Column {
  if (col.type !== 'numeric') return col;
  const index = new Map<string, number>();
  const codes = new Int32Array(col.values.length);
  for (let i = 0; i < codes.length; i++) {
    const t = cellText(col, i);
    if (t === '') codes[i] = -1;
    else {
      let c = index.get(t);
      if (c === undefined) index.set(t, (c = index.size));
      codes[i] = c;
    }
  }
  return { type: 'categorical', name: col.name, codes, levels: [...index.keys()] };
}

/** Drift of every shared column of two tables (or of the columns named). */
export function tableDrift(req: TableDriftRequest): TableDrift {
  const byName = (t: ColumnTable) => new Map(t.columns.map((c) => [c.name, c]));
  const refCols = byName(req.reference);
  const curCols = byName(req.current);
  const names = req.columns ?? req.reference.columns.map((c) => c.name);
  const columns: ColumnDrift[] = [];
  const skipped: TableDrift['skipped'] = [];
  for (const name of names) {
    const r = refCols.get(name);
    const c = curCols.get(name);
    if (!r || !c) {
      skipped.push({ column: name, reason: !r && !c ? 'in neither dataset' : !r ? 'not in the reference data' : 'not in the current data' });
      continue;
    }
    columns.push(columnDrift(r, c, req));
  }
  if (!req.columns) for (const name of curCols.keys()) if (!refCols.has(name)) skipped.push({ column: name, reason: 'not in the reference data' });
  return { columns, skipped };
}

/** Drift of the model's scores between the two samples (a numeric column named 'score'). */
export function scoreDrift(reference: Float32Array | Float64Array, current: Float32Array | Float64Array, options: DriftOptions = {}): ColumnDrift {
  return numericDrift('score', reference, current, options);
}

// ---------------------------------------------------------------------------------------
// selection rate per group

export interface RateSide {
  count: number;
  selected: number;
  rate: number | null;
  /** Wilson interval of selected / count */
  interval: [number, number] | null;
}

export interface SelectionRateDrift {
  attribute: string;
  group: string;
  reference: RateSide;
  current: RateSide;
  /** current − reference */
  difference: number | null;
  /** the selected / not-selected split compared as a two-value column */
  psi: number | null;
  jensenShannon: number | null;
  chiSquarePValue: number | null;
}

function rateSide(count: number, rate: number | null, level: number): RateSide {
  const selected = rate === null ? 0 : Math.round(rate * count);
  return { count, selected, rate, interval: count > 0 ? wilsonInterval(selected, count, level) : null };
}

/**
 * Each group's selection rate in the reference audit and in the current one (groups of either),
 * with Wilson intervals on selected / count. With sample weights the rate is the audit's
 * weighted rate and `selected` its rounded equivalent in rows.
 */
export function selectionRateDrift(reference: AuditReport, current: AuditReport, level = 0.95): SelectionRateDrift[] {
  const out: SelectionRateDrift[] = [];
  for (const curAttr of current.attributes) {
    const refAttr = reference.attributes.find((a) => a.name === curAttr.name);
    const groups = new Set([...(refAttr?.groups ?? []).map((g) => g.group), ...curAttr.groups.map((g) => g.group)]);
    for (const group of groups) {
      const rg = refAttr?.groups.find((g) => g.group === group);
      const cg = curAttr.groups.find((g) => g.group === group);
      const r = rateSide(rg?.count ?? 0, rg?.metrics.selectionRate ?? null, level);
      const c = rateSide(cg?.count ?? 0, cg?.metrics.selectionRate ?? null, level);
      const d = categoricalDrift(group, {
        levels: ['selected', 'not selected'],
        reference: Float64Array.of(r.selected, r.count - r.selected),
        current: Float64Array.of(c.selected, c.count - c.selected),
        missing: { reference: 0, current: 0 },
      });
      out.push({
        attribute: curAttr.name,
        group,
        reference: r,
        current: c,
        difference: r.rate !== null && c.rate !== null ? c.rate - r.rate : null,
        psi: d.psi,
        jensenShannon: d.jensenShannon,
        chiSquarePValue: d.chiSquarePValue ?? null,
      });
    }
  }
  return out;
}
