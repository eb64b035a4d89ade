/**
 * The full audit as the worker runs it: the inputs come from core's audit builders
 * (src/core/audit: attributes and their intersections, weights, decisions, slice columns, the
 * same ones the CLI uses), then core's metric frame, threshold index and slice search. Glue
 * only: the math lives in src/core.
 */
import { computeMetricFrame, createAuditIndex, createThresholdIndex, type AuditIndex, type DecisionRule, type MetricFrame } from '../src/core/metrics';
import { targetLabels, type DatasetRoles } from '../src/core/roles';
import { findWorstSlices, sliceMembership, type SliceMetric, type SlicePredicate } from '../src/core/slices';
import type { ColumnTable } from '../src/core/table';
import { WorkbenchError } from '../src/core/errors';
import { auditReport, computeAuditFrame, decideRows, prepareAudit, protectedGroups, rowWeights, sliceColumns, type AuditReport, type AuditRequest, type AuditSources, type ReportNote, type ThresholdSource } from '../src/core/audit';

export interface AuditOptions {
  decision: DecisionRule;
  fairlearnCompatible?: boolean;
  minGroupSize?: number;
  /** reference group per attribute name (null or absent: the largest group) */
  references?: Record<string, string | null>;
  bootstrap?: { resamples: number; seed: number };
  intersections?: boolean;
}

/** The core audit request for these options (intersections on unless turned off). */
function auditRequest(table: ColumnTable, roles: DatasetRoles, scores: Float32Array | Float64Array, options: AuditOptions): AuditRequest {
  return {
    table,
    roles,
    scores,
    decision: options.decision,
    intersections: options.intersections ?? true,
    fairlearnCompatible: options.fairlearnCompatible,
    minGroupSize: options.minGroupSize,
    references: options.references,
    bootstrap: options.bootstrap,
  };
}

/** The options that fix an audit index (everything but the decision rule), as a key. */
export function indexKey(roles: DatasetRoles, options: AuditOptions): string {
  return JSON.stringify({ roles, f: options.fairlearnCompatible, m: options.minGroupSize, r: options.references, i: options.intersections ?? true });
}

/** The audit index for these inputs (built once; the worker keeps it in its state, under the scores). */
export function buildAuditIndex(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, options: AuditOptions): AuditIndex {
  const p = prepareAudit(auditRequest(table, roles, scores, options));
  return createAuditIndex(p.input, { fairlearnCompatible: p.options.fairlearnCompatible, minGroupSize: p.options.minGroupSize, reference: p.options.reference });
}

/**
 * The audit without intervals, through an index built once per (data, scores, roles,
 * options): a threshold move then costs O(groups · log n), not a pass over the rows.
 */
export function runAuditFast(index: AuditIndex, decision: DecisionRule): MetricFrame & { ms: number } {
  const t0 = performance.now();
  return { ...index.frameAt(decision), ms: performance.now() - t0 };
}

export function runAudit(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, options: AuditOptions): MetricFrame & { ms: number } {
  const t0 = performance.now();
  const frame = computeAuditFrame(auditRequest(table, roles, scores, options));
  return { ...frame, ms: performance.now() - t0 };
}

/**
 * The audit as the JSON report the CLI writes (src/core/audit/report.ts), for the page's
 * "export audit JSON": the same table, roles, scores and options give the same report from
 * both, apart from the file metadata each caller knows.
 */
export function runAuditReport(
  table: ColumnTable,
  roles: DatasetRoles,
  scores: Float32Array | Float64Array,
  options: AuditOptions & { thresholdFrom?: ThresholdSource; sources?: Partial<AuditSources>; notes?: ReportNote[] },
): AuditReport {
  return auditReport({ ...auditRequest(table, roles, scores, options), thresholdFrom: options.thresholdFrom, sources: options.sources, notes: options.notes });
}

const THRESHOLDS = Float64Array.from({ length: 99 }, (_, i) => (i + 1) / 100);

/** Selection rate / TPR / FPR against the threshold, and ROC curves, per group of one attribute. */
export function runCurves(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, attribute: string) {
  const attr = roles.protected.find((p) => p.column === attribute) ?? roles.protected[0];
  if (!attr) throw new WorkbenchError('roles-invalid', 'no protected attribute is chosen', 'Mark at least one column as protected.');
  const group = protectedGroups(table, attr);
  const index = createThresholdIndex({ scores, labels: targetLabels(table, roles.target), weights: rowWeights(table, roles), groupCodes: [group.codes], groupCounts: [group.levels.length] });
  const sweep = index.sweep(THRESHOLDS);
  const roc = group.levels.map((level, g) => ({ level, ...index.rocCurve(0, g) }));
  return { attribute: attr.column, levels: group.levels, sweep, roc, overallRoc: index.rocCurve(null) };
}

export function runSlices(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, features: string[], decision: DecisionRule, metric: SliceMetric, minSupport?: number) {
  const t0 = performance.now();
  const r = findWorstSlices(targetLabels(table, roles.target), decideRows(scores, decision), sliceColumns(table, roles, features), { metric, minSupport });
  return { ...r, ms: performance.now() - t0 };
}

/** The audit of one slice against the rest of the population. */
export function runSliceAudit(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, features: string[], decision: DecisionRule, predicates: SlicePredicate[], description: string) {
  const codes = sliceMembership(sliceColumns(table, roles, features), predicates, table.nRows);
  return computeMetricFrame(
    {
      labels: targetLabels(table, roles.target),
      scores,
      weights: rowWeights(table, roles),
      attributes: [{ name: 'slice', columns: ['slice'], codes, levels: ['rest', description], levelValues: [['rest'], [description]] }],
    },
    { decision, reference: ['rest'] },
  );
}
