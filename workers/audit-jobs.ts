/**
 * The full audit as the worker runs it: build attribute inputs (each protected attribute, and
 * their pairs and triple when intersections are asked for) from the roles, then call core's
 * metric frame, threshold index and slice search. Glue only: the math lives in src/core.
 */
import { attributeFromColumns, argsortDesc, computeMetricFrame, createAuditIndex, createThresholdIndex, type AuditIndex, type AttributeInput, type DecisionRule, type MetricFrame } from '../src/core/metrics';
import { groupColumn, targetLabels, type DatasetRoles } from '../src/core/roles';
import { findWorstSlices, sliceMembership, type SliceColumn, type SliceMetric, type SlicePredicate } from '../src/core/slices';
import type { CategoricalColumn, ColumnTable } from '../src/core/table';
import { WorkbenchError } from '../src/core/errors';

export interface AuditOptions {
  decision: DecisionRule;
  fairlearnCompatible?: boolean;
  minGroupSize?: number;
  /** reference group per attribute name (null or absent: the largest group) */
  references?: Record<string, string | null>;
  bootstrap?: { resamples: number; seed: number };
  intersections?: boolean;
}

function weightsOf(table: ColumnTable, roles: DatasetRoles): Float64Array | undefined {
  if (!roles.weight) return undefined;
  const c = table.columns.find((x) => x.name === roles.weight);
  if (!c || c.type !== 'numeric') throw new WorkbenchError('roles-invalid', `the weight column ${roles.weight} is not numeric`, 'Choose a numeric weight column or none.');
  return c.values;
}

/** Each protected attribute alone, then (optionally) every pair and the triple. */
export function buildAttributes(table: ColumnTable, roles: DatasetRoles, intersections: boolean): AttributeInput[] {
  const cols: CategoricalColumn[] = roles.protected.map((p) => groupColumn(table, p));
  const out = cols.map((c) => attributeFromColumns([c], c.name));
  if (intersections && cols.length >= 2) {
    for (let i = 0; i < cols.length; i++) for (let j = i + 1; j < cols.length; j++) out.push(attributeFromColumns([cols[i], cols[j]], `${cols[i].name} × ${cols[j].name}`));
    if (cols.length >= 3) out.push(attributeFromColumns(cols.slice(0, 3), cols.slice(0, 3).map((c) => c.name).join(' × ')));
  }
  return out;
}

let indexCache: { key: string; scores: Float32Array; index: AuditIndex } | null = null;

/**
 * The audit without intervals, through an index built once per (data, scores, roles,
 * options): a threshold move then costs O(groups · log n), not a pass over the rows.
 */
export function runAuditFast(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, options: AuditOptions, key: string): MetricFrame & { ms: number } {
  const t0 = performance.now();
  const fullKey = `${key}|${JSON.stringify({ roles, f: options.fairlearnCompatible, m: options.minGroupSize, r: options.references, i: options.intersections })}`;
  if (!indexCache || indexCache.key !== fullKey || indexCache.scores !== scores) {
    const attributes = buildAttributes(table, roles, options.intersections ?? true);
    const index = createAuditIndex(
      { labels: targetLabels(table, roles.target), scores, weights: weightsOf(table, roles), attributes },
      {
        fairlearnCompatible: options.fairlearnCompatible,
        minGroupSize: options.minGroupSize,
        reference: attributes.map((a) => options.references?.[a.name ?? a.columns.join(' × ')] ?? null),
      },
    );
    indexCache = { key: fullKey, scores, index };
  }
  return { ...indexCache.index.frameAt(options.decision), ms: performance.now() - t0 };
}

export function runAudit(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, options: AuditOptions): MetricFrame & { ms: number } {
  const t0 = performance.now();
  const attributes = buildAttributes(table, roles, options.intersections ?? true);
  const frame = computeMetricFrame(
    { labels: targetLabels(table, roles.target), scores, weights: weightsOf(table, roles), attributes },
    {
      decision: options.decision,
      fairlearnCompatible: options.fairlearnCompatible,
      minGroupSize: options.minGroupSize,
      reference: attributes.map((a) => options.references?.[a.name ?? a.columns.join(' × ')] ?? null),
      bootstrap: options.bootstrap && options.bootstrap.resamples > 0 ? options.bootstrap : undefined,
    },
  );
  return { ...frame, ms: performance.now() - t0 };
}

const THRESHOLDS = Float64Array.from({ length: 99 }, (_, i) => (i + 1) / 100);

/** Selection rate / TPR / FPR against the threshold, and ROC curves, per group of one attribute. */
export function runCurves(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, attribute: string) {
  const attr = roles.protected.find((p) => p.column === attribute) ?? roles.protected[0];
  if (!attr) throw new WorkbenchError('roles-invalid', 'no protected attribute is chosen', 'Mark at least one column as protected.');
  const group = groupColumn(table, attr);
  const index = createThresholdIndex(scores, targetLabels(table, roles.target), weightsOf(table, roles), [group.codes], [group.levels.length]);
  const sweep = index.sweep(THRESHOLDS);
  const roc = group.levels.map((level, g) => ({ level, ...index.rocCurve(0, g) }));
  return { attribute: attr.column, levels: group.levels, sweep, roc, overallRoc: index.rocCurve(null) };
}

function sliceColumns(table: ColumnTable, roles: DatasetRoles, features: string[]): SliceColumn[] {
  const cols: SliceColumn[] = roles.protected.map((p) => {
    const g = groupColumn(table, p);
    return { name: p.column, kind: 'categorical', codes: g.codes, levels: g.levels };
  });
  const taken = new Set(cols.map((c) => c.name));
  for (const name of features) {
    if (taken.has(name) || name === roles.target.column) continue;
    const c = table.columns.find((x) => x.name === name);
    if (!c) continue;
    cols.push(c.type === 'numeric' ? { name, kind: 'numeric', values: c.values } : { name, kind: 'categorical', codes: c.codes, levels: c.levels });
  }
  return cols;
}

/** 1 for selected rows under a decision rule (same tie rule as the metric frame: stable order). */
export function decide(scores: Float32Array, decision: DecisionRule): Uint8Array {
  const n = scores.length;
  const out = new Uint8Array(n);
  if (decision.rule === 'threshold') {
    for (let i = 0; i < n; i++) out[i] = scores[i] >= decision.threshold ? 1 : 0;
    return out;
  }
  const k = decision.rule === 'top-k' ? Math.min(n, Math.max(0, Math.floor(decision.k))) : Math.round((Math.min(100, Math.max(0, decision.percent)) / 100) * n);
  const order = argsortDesc(scores);
  for (let j = 0; j < k; j++) out[order[j]] = 1;
  return out;
}

export function runSlices(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, features: string[], decision: DecisionRule, metric: SliceMetric, minSupport?: number) {
  const t0 = performance.now();
  const r = findWorstSlices(targetLabels(table, roles.target), decide(scores, decision), sliceColumns(table, roles, features), { metric, minSupport });
  return { ...r, ms: performance.now() - t0 };
}

/** The audit of one slice against the rest of the population. */
export function runSliceAudit(table: ColumnTable, roles: DatasetRoles, scores: Float32Array, features: string[], decision: DecisionRule, predicates: SlicePredicate[], description: string) {
  const codes = sliceMembership(sliceColumns(table, roles, features), predicates, table.nRows);
  return computeMetricFrame(
    {
      labels: targetLabels(table, roles.target),
      scores,
      weights: weightsOf(table, roles),
      attributes: [{ name: 'slice', columns: ['slice'], codes, levels: ['rest', description], levelValues: [['rest'], [description]] }],
    },
    { decision, reference: ['rest'] },
  );
}
