/**
 * Dataset roles: which column is the outcome (and which of its values is the positive one),
 * which columns are protected attributes (with cut points for numeric ones such as age),
 * which are model features, which are ignored, and an optional row weight.
 *
 * Also the group columns an audit slices by: a protected attribute as a categorical column
 * ({@link groupColumn}) and the intersection of several ({@link intersectGroups}).
 */
import type { CategoricalColumn, Column, ColumnTable, NumericColumn } from './table';
import { findColumn } from './table';
import { WorkbenchError } from './errors';
import { parseNumber, retypeColumn } from './csv';

/**
 * A protected attribute. For a numeric column, `cuts` are ascending cut points c1 < … < ck and
 * the groups are [−∞, c1), [c1, c2), …, [ck, ∞) (see {@link binLabels} for their labels); a
 * numeric column without cuts is grouped by its distinct values.
 */
export interface ProtectedAttribute {
  column: string;
  cuts?: number[];
}

/** Which column plays which part. A column has at most one role. */
export interface DatasetRoles {
  /** the outcome column and its positive value, compared as text (numbers: '1' matches 1) */
  target: { column: string; positive: string };
  protected: ProtectedAttribute[];
  features: string[];
  ignored: string[];
  /** optional numeric, non-negative row weight */
  weight?: string;
}

/** Preferences for {@link suggestRoles}; each given field replaces the guess. */
export interface RoleHints {
  target?: string;
  positive?: string;
  protected?: string[];
  ignored?: string[];
  weight?: string;
}

/** Cut points for an age column: groups '<25', '25–39', '40–59', '60+'. */
export const defaultAgeCuts: readonly number[] = [25, 40, 60];

const TARGET_NAMES = ['y', 'target', 'label', 'converted', 'is_converted', 'lead_converted', 'conversion', 'outcome', 'response', 'class', 'won', 'subscribed', 'purchased', 'churn', 'result'];
const POSITIVE_TOKENS = ['yes', '1', 'true', 'y', 't', 'positive', 'pos', 'won', 'converted', 'success'];
const PROTECTED_TOKENS = new Set(['age', 'sex', 'gender', 'marital', 'race', 'ethnicity', 'ethnic', 'religion', 'nationality', 'citizenship', 'disability', 'pregnancy', 'pregnant']);
const WEIGHT_NAMES = new Set(['weight', 'weights', 'sample_weight', 'sampleweight', 'row_weight']);

/** lower-case name tokens: split at non-alphanumerics and camelCase boundaries */
function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

/** The column's distinct non-missing values as text with their counts, in level / ascending order. */
function valueCounts(col: Column): { values: string[]; counts: number[] } {
  if (col.type === 'numeric') {
    const m = new Map<number, number>();
    for (const x of col.values) if (!Number.isNaN(x)) m.set(x, (m.get(x) ?? 0) + 1);
    const keys = Array.from(m.keys()).sort((a, b) => a - b);
    return { values: keys.map((x) => String(x)), counts: keys.map((x) => m.get(x)!) };
  }
  const counts = new Array<number>(col.levels.length).fill(0);
  for (const c of col.codes) if (c >= 0) counts[c]++;
  const keep = col.levels.map((_, i) => i).filter((i) => counts[i] > 0);
  return { values: keep.map((i) => col.levels[i]), counts: keep.map((i) => counts[i]) };
}

/**
 * A first guess at the roles, for the roles form.
 * - target: hints.target; else the first column (in the order y, target, label, converted,
 *   is_converted, lead_converted, conversion, outcome, response, class, won, subscribed,
 *   purchased, churn, result) whose lower-cased name matches; else the last column.
 * - positive: hints.positive; else the first of yes/1/true/y/t/positive/pos/won/converted/success
 *   (case-insensitive) among the target's values; else the least frequent value (ties: first
 *   in level order).
 * - protected: hints.protected; else columns with a name token among age, sex, gender,
 *   marital, race, ethnicity, ethnic, religion, nationality, citizenship, disability, pregnancy;
 *   a numeric column with the token 'age' gets {@link defaultAgeCuts}.
 * - weight: hints.weight; else a numeric column named weight/weights/sample_weight/row_weight.
 * - ignored: hints.ignored; else id-like columns (name 'id' or ending in '_id'/'Id') and
 *   categorical columns whose every value is distinct.
 * - features: every other column, in table order.
 */
export function suggestRoles(table: ColumnTable, hints: RoleHints = {}): DatasetRoles {
  const cols = table.columns;
  if (cols.length === 0) throw new WorkbenchError('roles-invalid', 'The table has no columns.', 'Load a CSV file with at least two columns.');
  const has = (n: string | undefined): n is string => n !== undefined && findColumn(table, n) !== undefined;

  let target: string | undefined = has(hints.target) ? hints.target : undefined;
  if (!target) {
    for (const t of TARGET_NAMES) {
      const c = cols.find((col) => col.name.toLowerCase() === t);
      if (c) {
        target = c.name;
        break;
      }
    }
  }
  if (!target) target = cols[cols.length - 1].name;
  const tcol = findColumn(table, target)!;

  let positive = hints.positive;
  if (positive === undefined) {
    const { values, counts } = valueCounts(tcol);
    const lower = values.map((v) => v.toLowerCase());
    for (const tok of POSITIVE_TOKENS) {
      const i = lower.indexOf(tok);
      if (i >= 0) {
        positive = values[i];
        break;
      }
    }
    if (positive === undefined && values.length > 0) {
      let best = 0;
      for (let i = 1; i < values.length; i++) if (counts[i] < counts[best]) best = i;
      positive = values[best];
    }
  }

  const weight = hints.weight !== undefined
    ? hints.weight
    : cols.find((c) => c.type === 'numeric' && c.name !== target && WEIGHT_NAMES.has(c.name.toLowerCase()))?.name;

  const taken = new Set<string>([target]);
  if (weight) taken.add(weight);

  let protectedAttrs: ProtectedAttribute[];
  if (hints.protected) {
    protectedAttrs = hints.protected.filter((n) => !taken.has(n)).map((n) => attrFor(findColumn(table, n), n));
  } else {
    protectedAttrs = cols
      .filter((c) => !taken.has(c.name) && nameTokens(c.name).some((t) => PROTECTED_TOKENS.has(t)))
      .map((c) => attrFor(c, c.name));
  }
  for (const p of protectedAttrs) taken.add(p.column);

  let ignored: string[];
  if (hints.ignored) ignored = hints.ignored.filter((n) => !taken.has(n));
  else {
    ignored = cols
      .filter((c) => {
        if (taken.has(c.name)) return false;
        const lower = c.name.toLowerCase();
        if (lower === 'id' || lower.endsWith('_id') || /[a-z]Id$/.test(c.name)) return true;
        return c.type !== 'numeric' && table.nRows > 1 && c.levels.length === table.nRows && valueCounts(c).values.length === table.nRows;
      })
      .map((c) => c.name);
  }
  for (const n of ignored) taken.add(n);

  const features = cols.map((c) => c.name).filter((n) => !taken.has(n));
  return {
    target: { column: target, positive: positive ?? '' },
    protected: protectedAttrs,
    features,
    ignored,
    ...(weight ? { weight } : {}),
  };
}

function attrFor(col: Column | undefined, name: string): ProtectedAttribute {
  if (col && col.type === 'numeric' && nameTokens(name).includes('age')) return { column: name, cuts: [...defaultAgeCuts] };
  return { column: name };
}

/** per row: 1 if the target equals the positive value, 0 if not, -1 if missing */
function positiveMatcher(col: Column, positive: string): (row: number) => 0 | 1 | -1 {
  if (col.type === 'numeric') {
    const p = parseNumber(positive);
    const v = col.values;
    return (r) => {
      const x = v[r];
      return Number.isNaN(x) ? -1 : x === p || String(x) === positive ? 1 : 0;
    };
  }
  const code = col.levels.indexOf(positive);
  const codes = col.codes;
  return (r) => {
    const c = codes[r];
    return c < 0 ? -1 : c === code ? 1 : 0;
  };
}

function targetMissingError(column: string): WorkbenchError {
  return new WorkbenchError('target-missing', `The target column '${column}' is not in the table.`, 'Choose the outcome column in the roles form (or in the manifest).');
}

/**
 * 1 where the target equals the positive value, else 0. Categorical values are compared as
 * text exactly; numeric values equal the positive text's number or its String() form ('1'
 * matches 1). Throws `target-missing` if the column is absent or any row's target is missing
 * (the message gives the count).
 */
export function targetLabels(table: ColumnTable, target: { column: string; positive: string }): Uint8Array {
  const col = findColumn(table, target.column);
  if (!col) throw targetMissingError(target.column);
  const match = positiveMatcher(col, target.positive);
  const out = new Uint8Array(table.nRows);
  let missing = 0;
  for (let r = 0; r < table.nRows; r++) {
    const m = match(r);
    if (m < 0) missing++;
    else out[r] = m;
  }
  if (missing > 0) {
    throw new WorkbenchError(
      'target-missing',
      `${missing} row${missing === 1 ? ' has' : 's have'} no value in the target column '${target.column}'.`,
      'Remove those rows from the file, or choose a target column that is always filled in.',
    );
  }
  return out;
}

function rolesError(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

function quoteList(values: string[], max = 10): string {
  const shown = values.slice(0, max).map((v) => `'${v}'`).join(', ');
  return values.length > max ? `${shown}, … (${values.length} in all)` : shown;
}

/**
 * Checks roles against a table; returns nothing or throws a WorkbenchError:
 * - `target-missing`: the target column is absent, or some rows have no target value;
 * - `target-one-class`: every row has the same target value (the message names it);
 * - `roles-invalid`: the positive value does not occur in the target; a protected, feature,
 *   ignored or weight column is absent; a column has two roles (or is listed twice); cuts
 *   that are not finite and strictly ascending, or cuts on a non-numeric column; a weight
 *   column that is not numeric or has missing or negative values.
 */
export function validateRoles(table: ColumnTable, roles: DatasetRoles): void {
  const t = roles.target;
  const tcol = findColumn(table, t.column);
  if (!tcol) throw targetMissingError(t.column);
  const { values } = valueCounts(tcol);
  if (values.length === 0) {
    throw new WorkbenchError('target-missing', `The target column '${t.column}' has no values.`, 'Choose the outcome column in the roles form.');
  }
  if (values.length === 1) {
    throw new WorkbenchError(
      'target-one-class',
      `Every row of the target column '${t.column}' has the value '${values[0]}'; an audit needs both outcomes (positive and negative).`,
      'Choose another target column, or load data that contains both outcomes.',
    );
  }
  const match = positiveMatcher(tcol, t.positive);
  let positives = 0;
  for (let r = 0; r < table.nRows; r++) if (match(r) === 1) positives++;
  if (positives === 0) {
    throw rolesError(
      `The positive value '${t.positive}' does not occur in the target column '${t.column}' (its values: ${quoteList(values)}).`,
      'Choose one of the listed values as the positive outcome.',
    );
  }
  targetLabels(table, t); // throws target-missing for rows without a target

  const roleOf = new Map<string, string>();
  const claim = (column: string, role: string): void => {
    const prev = roleOf.get(column);
    if (prev !== undefined) {
      throw rolesError(
        prev === role ? `Column '${column}' is listed twice as ${role}.` : `Column '${column}' has two roles: ${prev} and ${role}.`,
        'Give each column one role.',
      );
    }
    roleOf.set(column, role);
  };
  const mustExist = (column: string, role: string): Column => {
    const c = findColumn(table, column);
    if (!c) throw rolesError(`The ${role} column '${column}' is not in the table.`, 'Check the column name (names are case-sensitive) or remove it from the roles.');
    return c;
  };

  claim(t.column, 'target');
  for (const p of roles.protected) {
    const c = mustExist(p.column, 'protected');
    claim(p.column, 'protected');
    if (p.cuts !== undefined) checkCuts(c, p.cuts);
  }
  for (const f of roles.features) {
    mustExist(f, 'feature');
    claim(f, 'feature');
  }
  for (const f of roles.ignored) {
    mustExist(f, 'ignored');
    claim(f, 'ignored');
  }
  if (roles.weight !== undefined) {
    const w = mustExist(roles.weight, 'weight');
    claim(roles.weight, 'weight');
    if (w.type !== 'numeric') throw rolesError(`The weight column '${roles.weight}' is not numeric.`, 'Choose a numeric column of non-negative row weights, or none.');
    let bad = 0;
    for (const x of w.values) if (!(x >= 0) || !Number.isFinite(x)) bad++;
    if (bad > 0) throw rolesError(`The weight column '${roles.weight}' has ${bad} missing, negative or infinite value${bad === 1 ? '' : 's'}.`, 'Weights must be finite numbers ≥ 0 on every row; fix the data or choose no weight.');
  }
}

function checkCuts(col: Column, cuts: number[]): void {
  if (col.type !== 'numeric' && cuts.length > 0) {
    throw rolesError(`Cut points were given for '${col.name}', which is not numeric.`, 'Cut points apply to numeric columns only; remove them.');
  }
  for (let i = 0; i < cuts.length; i++) {
    if (!Number.isFinite(cuts[i]) || (i > 0 && !(cuts[i] > cuts[i - 1]))) {
      throw rolesError(
        `The cut points for '${col.name}' (${cuts.join(', ')}) are not finite and strictly ascending.`,
        'List cut points from smallest to largest, each once, e.g. 25, 40, 60.',
      );
    }
  }
}

/**
 * Labels of the bins [−∞, c1), [c1, c2), …, [ck, ∞): '<c1', then for integer cuts
 * 'a–(b−1)' (or 'a' when b = a + 1; en dash), for other cuts 'a–<b', and 'ck+' last.
 * E.g. [25, 40, 60] → ['<25', '25–39', '40–59', '60+']. Integer labels assume integer data.
 */
export function binLabels(cuts: readonly number[]): string[] {
  if (cuts.length === 0) return ['all'];
  const labels = [`<${cuts[0]}`];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i];
    const b = cuts[i + 1];
    if (Number.isInteger(a) && Number.isInteger(b)) labels.push(b - 1 === a ? `${a}` : `${a}–${b - 1}`);
    else labels.push(`${a}–<${b}`);
  }
  labels.push(`${cuts[cuts.length - 1]}+`);
  return labels;
}

/** Bin index of x: the number of cuts ≤ x (binary search); -1 for NaN. */
function binOf(x: number, cuts: readonly number[]): number {
  if (Number.isNaN(x)) return -1;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The groups of a protected attribute as a categorical column named like the source column.
 * Categorical and boolean columns are returned as they are. A numeric column with cuts is
 * binned (levels = {@link binLabels} in ascending order, every bin a level even if empty;
 * NaN → -1); a numeric column without cuts (or with []) is grouped by its distinct values
 * (levels = String(value), ascending). Throws `roles-invalid` for an absent column or bad cuts.
 */
export function groupColumn(table: ColumnTable, attr: ProtectedAttribute): CategoricalColumn {
  const col = findColumn(table, attr.column);
  if (!col) throw rolesError(`The protected column '${attr.column}' is not in the table.`, 'Check the column name or remove it from the protected attributes.');
  if (col.type !== 'numeric') return col;
  if (!attr.cuts || attr.cuts.length === 0) return retypeColumn(col, 'categorical').column as CategoricalColumn;
  checkCuts(col, attr.cuts);
  return binNumeric(col, attr.cuts);
}

function binNumeric(col: NumericColumn, cuts: readonly number[]): CategoricalColumn {
  const v = col.values;
  const codes = new Int32Array(v.length);
  for (let r = 0; r < v.length; r++) codes[r] = binOf(v[r], cuts);
  return { type: 'categorical', name: col.name, codes, levels: binLabels(cuts) };
}

/** Most combinations {@link intersectGroups} will make. */
export const MAX_INTERSECTIONS = 100_000;

/**
 * The intersection of group columns: one group per combination of levels (the cartesian
 * product, empty combinations included), ordered with the first column varying slowest.
 * Level labels join the parts with '|' (e.g. '0|A', matching fairlearn's intersection keys);
 * the column is named by joining the column names with '&'. A row missing in any part is
 * missing (-1). One column → a categorical copy of it. Throws `roles-invalid` for no columns,
 * columns of different lengths, or more than {@link MAX_INTERSECTIONS} combinations.
 */
export function intersectGroups(cols: CategoricalColumn[]): CategoricalColumn {
  if (cols.length === 0) throw rolesError('No group columns to intersect.', 'Choose at least one protected attribute.');
  const n = cols[0].codes.length;
  let total = 1;
  for (const c of cols) {
    if (c.codes.length !== n) throw rolesError(`Group columns have different lengths (${c.name}: ${c.codes.length}, ${cols[0].name}: ${n}).`, 'Intersect columns of the same table.');
    total *= c.levels.length;
  }
  if (total > MAX_INTERSECTIONS) {
    throw rolesError(
      `Intersecting ${cols.map((c) => `'${c.name}'`).join(', ')} makes ${total} groups, more than ${MAX_INTERSECTIONS}.`,
      'Intersect fewer attributes, or bin numeric ones with fewer cut points.',
    );
  }
  const codes = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let code = 0;
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k].codes[r];
      if (c < 0) {
        code = -1;
        break;
      }
      code = code * cols[k].levels.length + c;
    }
    codes[r] = code;
  }
  let levels: string[] = [''];
  for (let k = 0; k < cols.length; k++) {
    const next: string[] = [];
    for (const prefix of levels) for (const l of cols[k].levels) next.push(k === 0 ? l : `${prefix}|${l}`);
    levels = next;
  }
  if (total === 0) levels = [];
  return { type: 'categorical', name: cols.map((c) => c.name).join('&'), codes, levels };
}
