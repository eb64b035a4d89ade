/**
 * Monitoring as the worker runs it (issue 12): the loaded dataset is the reference, a second
 * loaded dataset the current data, both scored by the same model. Glue only: drift, windows
 * and the policy are core's (src/core/monitor), the audits core's audit builders — composed
 * the way `bias-workbench monitor` composes them (src/cli/monitor.ts), so the page and the CLI
 * give the same numbers for the same files.
 *
 * A run (drift + both audits) is computed once per (reference table, current table, model,
 * settings) and kept in the worker's state; the page's views (the drift table, the windows, a
 * policy's verdict) are read from it, so editing a policy re-judges without recomputing.
 */
import { auditReport, type AuditReport } from '../src/core/audit';
import { WorkbenchError } from '../src/core/errors';
import type { DecisionRule } from '../src/core/metrics';
import {
  evaluatePolicy,
  monitorWindows,
  parseIsoDay,
  rowsWithOutcome,
  scoreDrift,
  selectionRateDrift,
  tableDrift,
  takeRows,
  validatePolicy,
  windowAudit,
  type ColumnDrift,
  type DriftBins,
  type Policy,
  type PolicyResult,
  type SelectionRateDrift,
  type WindowAudit,
  type WindowResult,
  type WindowUnit,
} from '../src/core/monitor';
import { validateRoles, type DatasetRoles } from '../src/core/roles';
import type { ColumnTable } from '../src/core/table';

/** What the page chooses for a monitoring run. */
export interface MonitorSettings {
  roles: DatasetRoles;
  /** the decision rule of both audits (the page's rule) */
  decision: DecisionRule;
  /** PSI's bins for numeric columns (default 'evidently') */
  bins?: DriftBins;
  /** a time column of the current data: left out of the column drift */
  timeColumn?: string | null;
}

/** One side of the comparison: its table and the model's scores of every row. */
export interface MonitorSide {
  table: ColumnTable;
  scores: Float32Array | Float64Array;
}

/** One side's audit on its rows with a known outcome, or why there is none. */
interface SideAudit {
  audit: AuditReport | null;
  problem?: string;
  rowsWithOutcome: number;
}

/** A monitoring run as the worker keeps it (audits in full, for the policy). */
export interface MonitorRun {
  rows: { reference: number; current: number; referenceWithOutcome: number; currentWithOutcome: number };
  columns: ColumnDrift[];
  skipped: { column: string; reason: string }[];
  score: ColumnDrift;
  selectionRates: SelectionRateDrift[];
  reference: SideAudit;
  current: SideAudit;
}

/** What the page gets of a run: the drift and a compact audit of each side. */
export interface MonitorView {
  rows: MonitorRun['rows'];
  columns: ColumnDrift[];
  skipped: MonitorRun['skipped'];
  score: ColumnDrift;
  selectionRates: SelectionRateDrift[];
  audit: { reference: WindowAudit | null; current: WindowAudit | null; currentProblem?: string };
}

/**
 * The audit of one side on its rows whose outcome is known (a log's recent rows often have
 * none yet), checked against the roles first so a bad file says what is wrong with it.
 */
function sideAudit(side: MonitorSide, settings: MonitorSettings, name: string): SideAudit {
  const all = Uint32Array.from({ length: side.table.nRows }, (_, i) => i);
  const known = rowsWithOutcome(side.table, settings.roles.target.column, all);
  if (known.length === 0) return { audit: null, problem: `no row of the ${name} data has its outcome ('${settings.roles.target.column}') yet`, rowsWithOutcome: 0 };
  const whole = known.length === side.table.nRows;
  const table = whole ? side.table : takeRows(side.table, known);
  const scores = whole ? side.scores : Float64Array.from(known, (r) => side.scores[r]);
  try {
    validateRoles(table, settings.roles);
    return { audit: auditReport({ table, roles: settings.roles, scores, decision: settings.decision }), rowsWithOutcome: known.length };
  } catch (e) {
    if (!(e instanceof WorkbenchError)) throw e;
    return { audit: null, problem: `the ${name} data cannot be audited: ${e.message}`, rowsWithOutcome: known.length };
  }
}

/** The columns compared: the reference's, but the time column. */
function driftColumns(reference: ColumnTable, timeColumn: string | null | undefined): string[] {
  return reference.columns.map((c) => c.name).filter((n) => n !== timeColumn);
}

/** Columns of the current data the reference does not have (the time column says so). */
function onlyInCurrent(reference: ColumnTable, current: ColumnTable, timeColumn: string | null | undefined): { column: string; reason: string }[] {
  const known = new Set(reference.columns.map((c) => c.name));
  return current.columns.filter((c) => !known.has(c.name)).map((c) => ({ column: c.name, reason: c.name === timeColumn ? 'the time column, not in the reference data' : 'not in the reference data' }));
}

/** Drift of every column, of the scores and of each group's selection rate, and both audits. */
export function monitorRun(reference: MonitorSide, current: MonitorSide, settings: MonitorSettings): MonitorRun {
  const options = { bins: settings.bins ?? 'evidently' };
  const drift = tableDrift({ reference: reference.table, current: current.table, columns: driftColumns(reference.table, settings.timeColumn), options });
  const ref = sideAudit(reference, settings, 'reference');
  const cur = sideAudit(current, settings, 'current');
  return {
    rows: { reference: reference.table.nRows, current: current.table.nRows, referenceWithOutcome: ref.rowsWithOutcome, currentWithOutcome: cur.rowsWithOutcome },
    columns: drift.columns,
    skipped: [...drift.skipped, ...onlyInCurrent(reference.table, current.table, settings.timeColumn)],
    score: scoreDrift(reference.scores, current.scores, options),
    selectionRates: ref.audit && cur.audit ? selectionRateDrift(ref.audit, cur.audit) : [],
    reference: ref,
    current: cur,
  };
}

/** The page's view of a run (plain data, small). */
export function monitorView(run: MonitorRun): MonitorView {
  return {
    rows: run.rows,
    columns: run.columns,
    skipped: run.skipped,
    score: run.score,
    selectionRates: run.selectionRates,
    audit: {
      reference: run.reference.audit ? windowAudit(run.reference.audit) : null,
      current: run.current.audit ? windowAudit(run.current.audit) : null,
      ...(run.current.problem ? { currentProblem: run.current.problem } : {}),
    },
  };
}

/** The current data by time window: each window's audit (with intervals) and its drift against the reference. */
export function monitorWindowsJob(reference: MonitorSide, current: MonitorSide, settings: MonitorSettings & { timeColumn: string; unit: WindowUnit }): { unit: WindowUnit; timeColumn: string; undated: number; windows: WindowResult[] } {
  return monitorWindows({
    table: current.table,
    scores: current.scores,
    roles: settings.roles,
    timeColumn: settings.timeColumn,
    unit: settings.unit,
    decision: settings.decision,
    reference: { table: reference.table, scores: reference.scores, columns: driftColumns(reference.table, settings.timeColumn), options: { bins: settings.bins ?? 'evidently' } },
  });
}

/** Columns whose every value is an ISO date or date-time (core's parseIsoDay): the time columns a log can be split by. */
export function timeColumns(table: ColumnTable): string[] {
  return table.columns.filter((c) => c.type !== 'numeric' && c.levels.length > 0 && c.levels.every((l) => parseIsoDay(l) !== null)).map((c) => c.name);
}

/**
 * A policy from the text in the page's editor: JSON first (a syntax error names where it is),
 * then core's validator (every problem by its path). Throws WorkbenchError('policy-invalid').
 */
export function parsePolicy(text: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WorkbenchError('policy-invalid', `The policy is not JSON: ${(e as Error).message}.`, 'Check the brackets, the commas between rules and the double quotes around names.');
  }
  return validatePolicy(json);
}

/** The policy judged on a run: the verdict and every rule with its evidence. */
export function judgePolicy(policy: Policy, run: MonitorRun): PolicyResult & { name: string | null } {
  const result = evaluatePolicy(policy, {
    audit: run.current.audit,
    rows: run.rows.current,
    drift: { columns: run.columns, score: run.score },
    selectionRates: run.selectionRates,
    ...(run.current.problem ? { auditProblem: run.current.problem } : {}),
  });
  return { name: policy.name ?? null, ...result };
}
