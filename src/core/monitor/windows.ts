/**
 * A decision log over time: rows split into calendar windows by a time column, and per window
 * the audit's group metrics (through the shared audit builders, src/core/audit — nothing is
 * re-implemented here) with intervals, plus drift of the window against the reference.
 *
 * The time column: text in ISO 8601 form, a date `2024-03-31` or a date-time
 * `2024-03-31T14:05`, `2024-03-31 14:05:09`, with or without seconds, fractions and a zone.
 * A row belongs to the calendar date as written (the time and the zone are not used, so a
 * log keeps the dates its system wrote). A month alone, `2024-03`, is read as its first day.
 * Empty cells are counted and left out; any other text is refused with the rows it was on.
 *
 * Windows: `week` = ISO 8601 week (Monday to Sunday, named by its ISO week-year, `2024-W01`),
 * `month` (`2024-03`), `quarter` (`2024-Q1`). Only windows that hold rows are listed, in
 * time order.
 *
 * Audit per window: rows whose outcome (target) is known only — a log's recent rows often
 * have none yet. Intervals are Wilson intervals on each rate whose numerator and denominator
 * are row counts (selection, base rate, accuracy, TPR/FNR, FPR/TNR, precision/FDR,
 * NPV/FOR), recovered from the rate × its denominator; with sample weights there are none.
 */
import { WorkbenchError } from '../errors';
import { auditReport, DISPARITY_KEYS, type AuditReport, type DisparityKey, type GroupJson, type Num, type Pair } from '../audit';
import { RATE_KEYS, type DecisionRule, type RateKey } from '../metrics';
import { wilsonInterval } from '../metrics/wilson';
import type { DatasetRoles } from '../roles';
import type { Column, ColumnTable } from '../table';
import { scoreDrift, tableDrift, type ColumnDrift, type DriftOptions } from './drift';

export type WindowUnit = 'week' | 'month' | 'quarter';
export const WINDOW_UNITS: readonly WindowUnit[] = ['week', 'month', 'quarter'];

const ISO = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?$/;

/** Days since 1970-01-01 of an ISO date or date-time (its date as written), or null when it is not one. */
export function parseIsoDay(text: string): number | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 60))) return null;
  return t / 86400000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const isoDate = (day: number) => new Date(day * 86400000).toISOString().slice(0, 10);

/** The window a day falls in: its key and its first and last day. */
export function windowOf(day: number, unit: WindowUnit): { key: string; start: number; end: number } {
  const dt = new Date(day * 86400000);
  const y = dt.getUTCFullYear();
  const m = dt.getUTCMonth();
  if (unit === 'month') return { key: `${y}-${pad(m + 1)}`, start: Date.UTC(y, m, 1) / 86400000, end: Date.UTC(y, m + 1, 0) / 86400000 };
  if (unit === 'quarter') {
    const q = Math.floor(m / 3);
    return { key: `${y}-Q${q + 1}`, start: Date.UTC(y, 3 * q, 1) / 86400000, end: Date.UTC(y, 3 * q + 3, 0) / 86400000 };
  }
  const weekday = (dt.getUTCDay() + 6) % 7; // Monday 0
  const monday = day - weekday;
  const thursday = monday + 3;
  const isoYear = new Date(thursday * 86400000).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(isoYear, 0, 1) / 86400000) / 7) + 1;
  return { key: `${isoYear}-W${pad(week)}`, start: monday, end: monday + 6 };
}

/** Per row, its day (NaN for an empty cell); throws with examples when a cell is not an ISO date. */
export function timeColumnDays(table: ColumnTable, column: string): Float64Array {
  const col = table.columns.find((c) => c.name === column);
  if (!col) throw new WorkbenchError('roles-invalid', `The time column '${column}' is not in the data.`, 'Name a column of ISO dates (2024-03-31) or date-times (2024-03-31T14:05).');
  if (col.type === 'numeric') {
    throw new WorkbenchError('roles-invalid', `The time column '${column}' holds numbers, not ISO dates.`, 'Write the time as ISO dates (2024-03-31) or date-times (2024-03-31T14:05); a year and a month can be joined as 2024-03.');
  }
  const byCode = col.levels.map(parseIsoDay);
  const bad = col.levels.filter((_, i) => byCode[i] === null);
  if (bad.length > 0) {
    throw new WorkbenchError(
      'roles-invalid',
      `The time column '${column}' has values that are not ISO dates: ${bad.slice(0, 3).map((b) => `'${b}'`).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}.`,
      'Use ISO dates (2024-03-31) or date-times (2024-03-31T14:05, 2024-03-31 14:05:09Z).',
    );
  }
  const out = new Float64Array(table.nRows);
  for (let i = 0; i < out.length; i++) {
    const c = col.codes[i];
    out[i] = c < 0 ? NaN : (byCode[c] as number);
  }
  return out;
}

export interface TimeWindow {
  key: string;
  /** first and last day, ISO dates */
  start: string;
  end: string;
  rows: Uint32Array;
}

/** Rows split into windows (time order); rows with no time are counted in `undated`. */
export function splitWindows(table: ColumnTable, column: string, unit: WindowUnit): { windows: TimeWindow[]; undated: number } {
  const days = timeColumnDays(table, column);
  const groups = new Map<string, { start: number; end: number; rows: number[] }>();
  let undated = 0;
  days.forEach((d, i) => {
    if (Number.isNaN(d)) {
      undated++;
      return;
    }
    const w = windowOf(d, unit);
    let g = groups.get(w.key);
    if (!g) groups.set(w.key, (g = { start: w.start, end: w.end, rows: [] }));
    g.rows.push(i);
  });
  const windows = [...groups.entries()]
    .sort((a, b) => a[1].start - b[1].start)
    .map(([key, g]) => ({ key, start: isoDate(g.start), end: isoDate(g.end), rows: Uint32Array.from(g.rows) }));
  return { windows, undated };
}

/** The table restricted to the given rows (columns copied, levels shared). */
export function takeRows(table: ColumnTable, rows: Uint32Array): ColumnTable {
  const columns: Column[] = table.columns.map((c) => {
    if (c.type === 'numeric') return { ...c, values: Float64Array.from(rows, (r) => c.values[r]) };
    return { ...c, codes: Int32Array.from(rows, (r) => c.codes[r]) };
  });
  return { nRows: rows.length, columns };
}

/** Rows (of those given) whose target value is present. */
export function rowsWithOutcome(table: ColumnTable, target: string, rows: Uint32Array): Uint32Array {
  const col = table.columns.find((c) => c.name === target);
  if (!col) throw new WorkbenchError('roles-invalid', `The target column '${target}' is not in the data.`);
  return rows.filter((r) => (col.type === 'numeric' ? !Number.isNaN(col.values[r]) : col.codes[r] >= 0));
}

// ---------------------------------------------------------------------------------------
// the audit of one window

export interface WindowGroup {
  group: string;
  count: number;
  small: boolean;
  metrics: Record<RateKey, Num>;
  intervals: Partial<Record<RateKey, Pair>>;
}

export interface WindowAudit {
  overall: WindowGroup;
  attributes: { name: string; groups: WindowGroup[]; disparities: Record<DisparityKey, Num> }[];
}

/** Each rate's denominator in rows, from the group's count and its base and selection rates. */
function denominators(count: number, m: Record<RateKey, Num>): Partial<Record<RateKey, number>> {
  const pos = Math.round((m.baseRate ?? 0) * count);
  const sel = Math.round((m.selectionRate ?? 0) * count);
  return {
    selectionRate: count,
    baseRate: count,
    accuracy: count,
    truePositiveRate: pos,
    falseNegativeRate: pos,
    falsePositiveRate: count - pos,
    trueNegativeRate: count - pos,
    precision: sel,
    falseDiscoveryRate: sel,
    negativePredictiveValue: count - sel,
    falseOmissionRate: count - sel,
  };
}

/** Wilson intervals on the count-based rates of one group (none with weights). */
export function wilsonIntervals(count: number, metrics: Record<RateKey, Num>, weighted: boolean, level = 0.95): Partial<Record<RateKey, Pair>> {
  const out: Partial<Record<RateKey, Pair>> = {};
  if (weighted) return out;
  for (const [k, n] of Object.entries(denominators(count, metrics)) as [RateKey, number][]) {
    const v = metrics[k];
    if (v === null || n <= 0) continue;
    const iv = wilsonInterval(Math.round(v * n), n, level);
    if (iv) out[k] = iv;
  }
  return out;
}

function windowGroup(g: Pick<GroupJson, 'group' | 'count' | 'small' | 'metrics'>, weighted: boolean, level: number): WindowGroup {
  const metrics = {} as Record<RateKey, Num>;
  for (const k of RATE_KEYS) metrics[k] = g.metrics[k];
  return { group: g.group, count: g.count, small: g.small, metrics, intervals: wilsonIntervals(g.count, metrics, weighted, level) };
}

/** The compact per-window form of an audit report. */
export function windowAudit(report: AuditReport, level = 0.95): WindowAudit {
  const weighted = report.input.weight !== null;
  const overall = windowGroup({ group: 'overall', count: report.overall.count, small: false, metrics: report.overall }, weighted, level);
  return {
    overall,
    attributes: report.attributes.map((a) => {
      const disparities = {} as Record<DisparityKey, Num>;
      for (const k of DISPARITY_KEYS) disparities[k] = a.disparities[k];
      return { name: a.name, groups: a.groups.map((g) => windowGroup(g, weighted, level)), disparities };
    }),
  };
}

// ---------------------------------------------------------------------------------------
// windows of a log

export interface WindowsRequest {
  /** the log (current data) */
  table: ColumnTable;
  scores: Float32Array | Float64Array;
  roles: DatasetRoles;
  timeColumn: string;
  unit: WindowUnit;
  decision?: DecisionRule;
  minGroupSize?: number;
  /** interval level (default 0.95) */
  level?: number;
  /** drift of each window against this reference, when given (columns default: the reference's, but the time column) */
  reference?: { table: ColumnTable; scores: Float32Array | Float64Array; columns?: readonly string[]; options?: DriftOptions };
}

export interface WindowResult {
  key: string;
  start: string;
  end: string;
  rows: number;
  rowsWithOutcome: number;
  /** null when no row of the window has its outcome, or the audit could not run (see `auditProblem`) */
  audit: WindowAudit | null;
  auditProblem?: string;
  drift?: { columns: ColumnDrift[]; score: ColumnDrift };
}

function pickScores(scores: Float32Array | Float64Array, rows: Uint32Array): Float64Array {
  return Float64Array.from(rows, (r) => scores[r]);
}

/** One window: its audit on rows with outcomes, and its drift against the reference. */
function monitorWindow(req: WindowsRequest, w: TimeWindow): WindowResult {
  const known = rowsWithOutcome(req.table, req.roles.target.column, w.rows);
  let audit: WindowAudit | null = null;
  let auditProblem: string | undefined;
  if (known.length === 0) auditProblem = 'no row of this window has its outcome yet';
  else {
    try {
      const report = auditReport({ table: takeRows(req.table, known), roles: req.roles, scores: pickScores(req.scores, known), ...(req.decision ? { decision: req.decision } : {}), ...(req.minGroupSize !== undefined ? { minGroupSize: req.minGroupSize } : {}) });
      audit = windowAudit(report, req.level);
    } catch (e) {
      if (!(e instanceof WorkbenchError)) throw e;
      auditProblem = e.message;
    }
  }
  const ref = req.reference;
  const drift = ref
    ? {
        columns: tableDrift({ reference: ref.table, current: req.table, currentRows: w.rows, columns: ref.columns ?? ref.table.columns.map((c) => c.name).filter((n) => n !== req.timeColumn), ...(ref.options ? { options: ref.options } : {}) }).columns,
        score: scoreDrift(ref.scores, pickScores(req.scores, w.rows), ref.options),
      }
    : undefined;
  return { key: w.key, start: w.start, end: w.end, rows: w.rows.length, rowsWithOutcome: known.length, audit, ...(auditProblem ? { auditProblem } : {}), ...(drift ? { drift } : {}) };
}

/** Every window of the log with its audit and drift; `undated` counts rows with no time. */
export function monitorWindows(req: WindowsRequest): { unit: WindowUnit; timeColumn: string; undated: number; windows: WindowResult[] } {
  const { windows, undated } = splitWindows(req.table, req.timeColumn, req.unit);
  return { unit: req.unit, timeColumn: req.timeColumn, undated, windows: windows.map((w) => monitorWindow(req, w)) };
}
