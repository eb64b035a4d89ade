/**
 * Notes about the inputs that change what the numbers mean without being errors, counted
 * per column, for the page and the CLI to show (the CLI prints each on standard error and
 * keeps it in its JSON):
 *
 * - `missing-numeric`: rows with no value in a numeric model input; the manifest encoding
 *   puts 0 there after standardising, i.e. the manifest's mean for that column.
 * - `missing-category`: rows with no value in a categorical model input (all zeros).
 * - `unlisted-category`: rows whose value in a categorical model input is not among the
 *   manifest's categories (all zeros as well), with the values named.
 * - `target-multiclass`: a target with more than two distinct values: which one is positive
 *   and which, with their counts, are counted as negative.
 * - `no-group`: rows with no value in a protected column: they count overall, in no group.
 *
 * Pure: reads the table, never changes it, never throws for data it cannot read (the roles
 * check does that).
 */
import { count as formatCount } from '../format';
import type { CategoricalFeature, LabelFeature, Manifest, NumericFeature } from '../manifest';
import { targetLabels, type ProtectedAttribute } from '../roles';
import { findColumn, type CategoricalColumn, type Column, type ColumnTable } from '../table';
import { protectedGroups } from './inputs';
import type { ReportNote } from './report';

export type InputNoteKind = 'missing-numeric' | 'missing-category' | 'unlisted-category' | 'target-multiclass' | 'no-group';

/** One note: what kind, which column, how many rows, and a sentence a person understands. */
export interface InputNote extends ReportNote {
  kind: InputNoteKind;
  column?: string;
  count: number;
  message: string;
}

export interface InputNotesRequest {
  /** the model's manifest: its inputs are checked for values it imputes */
  manifest?: Manifest | null;
  /** the outcome and its positive value */
  target?: { column: string; positive: string } | null;
  protected?: readonly ProtectedAttribute[];
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

function rows(n: number): string {
  return `${formatCount(n)} row${n === 1 ? '' : 's'}`;
}

/** "'x' × 12, 'y' × 3, … (9 values)" */
function withCounts(values: readonly (readonly [string, number])[], max = 5): string {
  const shown = values.slice(0, max).map(([v, c]) => `'${v}' × ${formatCount(c)}`).join(', ');
  return values.length > max ? `${shown}, … (${values.length} values)` : shown;
}

/** A text level as the manifest encoder reads it for a numeric input (NaN when it is not a number). */
function levelNumber(col: CategoricalColumn, level: string): number {
  const s = level.trim();
  const x = s === '' ? NaN : Number(s);
  if (Number.isFinite(x)) return x;
  if (col.type === 'boolean' && TRUE_WORDS.has(s.toLowerCase())) return 1;
  if (col.type === 'boolean' && FALSE_WORDS.has(s.toLowerCase())) return 0;
  return NaN;
}

/** Rows a numeric model input has no number for. */
function missingNumeric(col: Column): number {
  let n = 0;
  if (col.type === 'numeric') {
    for (const x of col.values) if (Number.isNaN(x)) n++;
    return n;
  }
  const bad = col.levels.map((l) => Number.isNaN(levelNumber(col, l)));
  for (const c of col.codes) if (c < 0 || bad[c]) n++;
  return n;
}

/** Rows with no value, and rows (by value) whose value is not a listed category. */
function categoryGaps(col: Column, f: CategoricalFeature | LabelFeature): { missing: number; unlisted: Map<string, number> } {
  const unlisted = new Map<string, number>();
  let missing = 0;
  if (col.type === 'numeric') {
    const listed = new Set(f.categories.map((c) => (c.trim() === '' ? NaN : Number(c))).filter((x) => Number.isFinite(x)));
    for (const x of col.values) {
      if (Number.isNaN(x)) missing++;
      else if (!listed.has(x)) unlisted.set(String(x), (unlisted.get(String(x)) ?? 0) + 1);
    }
    return { missing, unlisted };
  }
  const listed = new Set(f.categories);
  const perLevel = new Float64Array(col.levels.length);
  for (const c of col.codes) {
    if (c < 0) missing++;
    else perLevel[c]++;
  }
  col.levels.forEach((l, i) => {
    if (perLevel[i] > 0 && !listed.has(l)) unlisted.set(l, perLevel[i]);
  });
  return { missing, unlisted };
}

function numericFeatureNotes(col: Column, f: NumericFeature): InputNote[] {
  const n = missingNumeric(col);
  if (n === 0) return [];
  const mean = f.mean ?? 0;
  return [
    {
      kind: 'missing-numeric',
      column: f.column,
      count: n,
      message: `${rows(n)} ha${n === 1 ? 's' : 've'} no number in the model input '${f.column}'; the model reads ${n === 1 ? 'it' : 'them'} as the manifest's mean for it (${mean}).`,
    },
  ];
}

/** How the encoding writes "no category": all zeros (one-hot) or index −1 (label). */
function noCategoryCode(f: CategoricalFeature | LabelFeature): string {
  return f.kind === 'label' ? 'index −1' : 'all zeros';
}

function categoricalFeatureNotes(col: Column, f: CategoricalFeature | LabelFeature): InputNote[] {
  const { missing, unlisted } = categoryGaps(col, f);
  const out: InputNote[] = [];
  if (missing > 0) {
    out.push({
      kind: 'missing-category',
      column: f.column,
      count: missing,
      message: `${rows(missing)} ha${missing === 1 ? 's' : 've'} no value in the model input '${f.column}'; the model reads ${missing === 1 ? 'it' : 'them'} as no category (${noCategoryCode(f)}).`,
    });
  }
  if (unlisted.size > 0) {
    const values = [...unlisted.entries()].sort((a, b) => b[1] - a[1]);
    const total = values.reduce((a, [, c]) => a + c, 0);
    out.push({
      kind: 'unlisted-category',
      column: f.column,
      count: total,
      message: `${rows(total)} of '${f.column}' hold${total === 1 ? 's' : ''} a value the manifest does not list (${withCounts(values)}); the model reads ${total === 1 ? 'it' : 'them'} as no category (${noCategoryCode(f)}).`,
    });
  }
  return out;
}

/** Notes about the model inputs the manifest encoding imputes. */
export function manifestInputNotes(table: ColumnTable, manifest: Manifest): InputNote[] {
  const out: InputNote[] = [];
  for (const f of manifest.features) {
    const col = findColumn(table, f.column);
    if (!col) continue;
    out.push(...(f.kind === 'numeric' ? numericFeatureNotes(col, f) : categoricalFeatureNotes(col, f)));
  }
  return out;
}

/** The target's distinct values with their counts and labels, in first-seen order. */
function targetValues(table: ColumnTable, target: { column: string; positive: string }): { value: string; count: number; positive: boolean }[] | null {
  const col = findColumn(table, target.column);
  if (!col) return null;
  let labels: Uint8Array;
  try {
    labels = targetLabels(table, target);
  } catch {
    return null;
  }
  const byValue = new Map<string, { value: string; count: number; positive: boolean }>();
  for (let r = 0; r < table.nRows; r++) {
    const value = col.type === 'numeric' ? String(col.values[r]) : col.levels[col.codes[r]];
    const e = byValue.get(value);
    if (e) e.count++;
    else byValue.set(value, { value, count: 1, positive: labels[r] === 1 });
  }
  return [...byValue.values()];
}

/** A note when the target has more than two values: which is positive, which count as negative. */
export function targetNotes(table: ColumnTable, target: { column: string; positive: string }): InputNote[] {
  const values = targetValues(table, target);
  if (!values || values.length <= 2) return [];
  const pos = values.filter((v) => v.positive);
  const neg = values.filter((v) => !v.positive).sort((a, b) => b.count - a.count);
  const negRows = neg.reduce((a, v) => a + v.count, 0);
  const list = (vs: typeof values) => vs.map((v) => `'${v.value}' (${formatCount(v.count)})`).join(', ');
  return [
    {
      kind: 'target-multiclass',
      column: target.column,
      count: negRows,
      message: `The target '${target.column}' has ${values.length} values: ${list(pos)} ${pos.length === 1 ? 'is' : 'are'} positive; ${list(neg)} ${neg.length === 1 ? 'is' : 'are'} all counted as negative (${rows(negRows)}).`,
    },
  ];
}

/** A note per protected attribute with rows that have no value for it (in no group). */
export function protectedNotes(table: ColumnTable, attrs: readonly ProtectedAttribute[]): InputNote[] {
  const out: InputNote[] = [];
  for (const a of attrs) {
    let codes: Int32Array;
    try {
      codes = protectedGroups(table, a).codes;
    } catch {
      continue;
    }
    let n = 0;
    for (const c of codes) if (c < 0) n++;
    if (n > 0) {
      out.push({
        kind: 'no-group',
        column: a.column,
        count: n,
        message: `${rows(n)} ha${n === 1 ? 's' : 've'} no value in the protected column '${a.column}': ${n === 1 ? 'it counts' : 'they count'} in the overall numbers but in no group of '${a.column}'.`,
      });
    }
  }
  return out;
}

/** Every input note for a table: the model inputs, then the target, then the protected columns. */
export function inputNotes(table: ColumnTable, req: InputNotesRequest): InputNote[] {
  return [
    ...(req.manifest ? manifestInputNotes(table, req.manifest) : []),
    ...(req.target ? targetNotes(table, req.target) : []),
    ...(req.protected ? protectedNotes(table, req.protected) : []),
  ];
}
