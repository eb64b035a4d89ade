/**
 * The audit's inputs, built once for every caller: the page's worker and the CLI hand the
 * same table and roles to these builders, so the same roles give the same groups, the same
 * intersections, the same weights, the same decisions and the same slice columns.
 *
 * - {@link protectedGroups}: one protected attribute as a categorical column, refusing a
 *   numeric column with too many distinct values and no cut points (it suggests quartiles).
 * - {@link buildAttributes}: each protected attribute, then (when asked) every combination
 *   of two or more of them — pairs first, then triples, … — named `a&b` with groups `x|y`
 *   (fairlearn's keys, as `intersectGroups` in roles.ts), each refused beyond
 *   {@link MAX_INTERSECTIONS} groups.
 * - {@link rowWeights}: the sample weights of `roles.weight`.
 * - {@link decideRows}: 0/1 decisions from scores under a decision rule, with the metric
 *   frame's tie rule (stable descending argsort, then {@link resolveCut}).
 * - {@link sliceColumns}: the columns the worst-slice search looks in.
 * - {@link auditFrameInput}: labels, weights and attributes together, ready for the frame.
 */
import { WorkbenchError } from '../errors';
import { attributeFromColumns, type AttributeInput, type MetricFrameInput } from '../metrics/metric-frame';
import { decisionsFromCut, resolveCut, type DecisionRule } from '../metrics/decision';
import { argsortDescWithValues, assertFiniteScores } from '../metrics/sort';
import { groupColumn, MAX_INTERSECTIONS, targetLabels, type DatasetRoles, type ProtectedAttribute } from '../roles';
import type { SliceColumn } from '../slices';
import { findColumn, type CategoricalColumn, type ColumnTable } from '../table';

/** Most distinct values a numeric protected column may have without cut points. */
export const MAX_UNBINNED_LEVELS = 20;

function rolesError(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

/** Four significant digits, so a suggested cut point reads well. */
function roundCut(x: number): number {
  return Number(x.toPrecision(4));
}

/**
 * Quartile cut points of the non-missing values (the data value at 25%, 50%, 75% of the
 * sorted rows, rounded to four significant digits), ascending, without repeats, and above the
 * smallest value (a cut there would make an empty first group).
 */
export function quartileCuts(values: ArrayLike<number>): number[] {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) v.push(values[i]);
  if (v.length === 0) return [];
  const sorted = Float64Array.from(v).sort();
  const out: number[] = [];
  for (const f of [0.25, 0.5, 0.75]) {
    const c = roundCut(sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]);
    if (c > (out.length === 0 ? sorted[0] : out[out.length - 1])) out.push(c);
  }
  return out;
}

/**
 * The groups of a protected attribute as a categorical column ({@link groupColumn}). A
 * numeric column without cut points is grouped by value only when it has at most
 * {@link MAX_UNBINNED_LEVELS} distinct values; beyond that it throws `roles-invalid` with
 * quartile cut points to use instead (an age column would otherwise give one group per age).
 */
export function protectedGroups(table: ColumnTable, attr: ProtectedAttribute): CategoricalColumn {
  const col = findColumn(table, attr.column);
  if (col && col.type === 'numeric' && !(attr.cuts && attr.cuts.length > 0)) {
    const distinct = new Set<number>();
    for (const x of col.values) {
      if (!Number.isNaN(x)) distinct.add(x);
      if (distinct.size > MAX_UNBINNED_LEVELS) break;
    }
    if (distinct.size > MAX_UNBINNED_LEVELS) {
      const cuts = quartileCuts(col.values);
      throw rolesError(
        `The protected column '${attr.column}' is numeric with more than ${MAX_UNBINNED_LEVELS} distinct values, too many to compare as groups.`,
        `Bin it at cut points, e.g. the quartiles ${cuts.join(', ')} (on the command line: --bins ${attr.column}=${cuts.join(',')}).`,
      );
    }
  }
  return groupColumn(table, attr);
}

/** Every subset of size ≥ 2 of the indices 0..k−1: all pairs in order, then all triples, … */
export function intersectionSets(k: number): number[][] {
  const out: number[][] = [];
  const grow = (size: number, start: number, acc: number[]): void => {
    if (acc.length === size) {
      out.push(acc);
      return;
    }
    for (let i = start; i < k; i++) grow(size, i + 1, [...acc, i]);
  };
  for (let size = 2; size <= k; size++) grow(size, 0, []);
  return out;
}

/** The name of an attribute over these columns: the names joined with '&' ('age&marital'). */
export function attributeName(columns: readonly string[]): string {
  return columns.join('&');
}

export interface AttributeOptions {
  /** also every combination of two or more protected attributes (default false) */
  intersections?: boolean;
}

/**
 * The audit's attributes: each protected attribute alone (in the roles' order), then, with
 * `intersections`, every combination of two or more of them (pairs in order, then triples,
 * …). Combined groups are labelled `x|y` and the attribute is named `a&b`, as
 * `intersectGroups` and fairlearn name them. Throws `roles-invalid` when a
 * combination would make more than {@link MAX_INTERSECTIONS} groups, and as
 * {@link protectedGroups} for a numeric column that needs cut points.
 */
export function buildAttributes(table: ColumnTable, protectedAttrs: readonly ProtectedAttribute[], options: AttributeOptions = {}): AttributeInput[] {
  const groups = protectedAttrs.map((a) => protectedGroups(table, a));
  const out = groups.map((g) => attributeFromColumns([g], attributeName([g.name])));
  if (!options.intersections) return out;
  for (const set of intersectionSets(groups.length)) {
    const cols = set.map((i) => groups[i]);
    const total = cols.reduce((a, c) => a * c.levels.length, 1);
    if (total > MAX_INTERSECTIONS) {
      throw rolesError(
        `Intersecting ${cols.map((c) => `'${c.name}'`).join(', ')} makes ${total} groups, more than ${MAX_INTERSECTIONS}.`,
        'Intersect fewer attributes (or none), or bin numeric ones with fewer cut points.',
      );
    }
    out.push(attributeFromColumns(cols, attributeName(cols.map((c) => c.name))));
  }
  return out;
}

/**
 * The reference group per attribute, in attribute order, for the metric frame: the entry of
 * `references` under the attribute's name, or null (the largest group).
 */
export function attributeReferences(attributes: readonly AttributeInput[], references: Readonly<Record<string, string | null>> | undefined): (string | null)[] {
  return attributes.map((a) => references?.[a.name ?? attributeName(a.columns)] ?? null);
}

/**
 * The sample weights of `roles.weight` (a copy), or undefined without a weight column.
 * Throws `roles-invalid` when the column is absent or not numeric, or has a missing,
 * negative or infinite value.
 */
export function rowWeights(table: ColumnTable, roles: Pick<DatasetRoles, 'weight'>): Float64Array | undefined {
  if (!roles.weight) return undefined;
  const col = findColumn(table, roles.weight);
  if (!col) throw rolesError(`The weight column '${roles.weight}' is not in the table.`, 'Check the column name (names are case-sensitive), or choose no weight.');
  if (col.type !== 'numeric') throw rolesError(`The weight column '${roles.weight}' is not numeric.`, 'Choose a numeric column of non-negative row weights, or none.');
  let bad = 0;
  for (const x of col.values) if (!(x >= 0) || !Number.isFinite(x)) bad++;
  if (bad > 0) {
    throw rolesError(
      `The weight column '${roles.weight}' has ${bad} missing, negative or infinite value${bad === 1 ? '' : 's'}.`,
      'Weights must be finite numbers ≥ 0 on every row; fix the data or choose no weight.',
    );
  }
  return Float64Array.from(col.values);
}

/**
 * 0/1 decisions (1 = selected) from scores under a rule, with the metric frame's tie rule:
 * rows in descending score order, equal scores in row order, and the rule's cut
 * ({@link resolveCut}) selects a prefix of that order. Throws `model-invalid` for a score
 * that is not finite.
 */
export function decideRows(scores: ArrayLike<number>, rule: DecisionRule): Uint8Array {
  assertFiniteScores(scores);
  const { order, sorted } = argsortDescWithValues(scores);
  return decisionsFromCut(order, resolveCut(rule, sorted));
}

/**
 * The columns the worst-slice search looks in: each protected attribute's groups (as
 * {@link protectedGroups}), then each of `features` that is in the table and is neither a
 * protected column nor the target — numeric ones as values, the others as levels.
 */
export function sliceColumns(table: ColumnTable, roles: Pick<DatasetRoles, 'target' | 'protected'>, features: readonly string[]): SliceColumn[] {
  const cols: SliceColumn[] = roles.protected.map((p) => {
    const g = protectedGroups(table, p);
    return { name: p.column, kind: 'categorical', codes: g.codes, levels: g.levels };
  });
  const taken = new Set(cols.map((c) => c.name));
  taken.add(roles.target.column);
  for (const name of features) {
    if (taken.has(name)) continue;
    const c = findColumn(table, name);
    if (!c) continue;
    taken.add(name);
    cols.push(c.type === 'numeric' ? { name, kind: 'numeric', values: c.values } : { name, kind: 'categorical', codes: c.codes, levels: c.levels });
  }
  return cols;
}

/**
 * Everything the metric frame needs from the table and roles, scores aside: the 0/1 labels
 * ({@link targetLabels}), the weights ({@link rowWeights}) and the attributes
 * ({@link buildAttributes}).
 */
export function auditFrameInput(table: ColumnTable, roles: DatasetRoles, options: AttributeOptions = {}): Omit<MetricFrameInput, 'scores' | 'predictions'> {
  const weights = rowWeights(table, roles);
  return {
    labels: targetLabels(table, roles.target),
    ...(weights ? { weights } : {}),
    attributes: buildAttributes(table, roles.protected, options),
  };
}
