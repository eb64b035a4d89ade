/**
 * Drafting a manifest from the data, for a model that comes without one: the person says which
 * column feeds which input and how (the choices); the encodings' numbers come from the data.
 *
 * - 'standardize': numeric, mean and std (population, divisor n, as core/train's manifests) of
 *   the column's non-missing values on `rows` (std 1 when the column is constant);
 * - 'none': numeric, the raw value (written as mean 0, std 1);
 * - 'one-hot': categorical, categories = the values that occur on `rows`, in the table's level
 *   order (numbers ascending for a numeric column) — as core/train writes them;
 * - 'label': one raw text input (models with their preprocessing inside, e.g. a scikit-learn
 *   pipeline in ONNX), categories as for 'one-hot'.
 *
 * `rows` are the rows the model's training saw, when known (then the draft reproduces its
 * manifest); every row by default. The draft is checked by validateManifest, so a draft that
 * comes back is one the loaders accept.
 */
import { WorkbenchError } from '../errors';
import type { Column, ColumnTable } from '../table';
import { levelsAsNumbers } from './levels';
import { MANIFEST_FORMAT, type Manifest, type ManifestFeature, type ModelBinding, type ProtectedAttribute } from './types';
import { validateManifest } from './validate';

/** How one column is encoded into the model's input. */
export type DraftEncoding = 'standardize' | 'none' | 'one-hot' | 'label';

export interface DraftFeatureChoice {
  column: string;
  encoding: DraftEncoding;
}

export interface DraftChoices {
  name?: string;
  target: { column: string; positive: string };
  /** the model's inputs, in the order of the encoded row */
  features: DraftFeatureChoice[];
  /** what the model emits: P(positive), or log-odds */
  output: 'probability' | 'logit';
  /** default 0.5 */
  threshold?: number;
  protected?: ProtectedAttribute[];
  /** how the encoded row reaches a model that is not a one-input Layers model (named ONNX inputs, the output) */
  model?: ModelBinding;
  /** the rows the encodings are computed from (the model's training rows, when known); default every row */
  rows?: Uint32Array;
}

/** More distinct values than this make a one-hot or label encoding a mistake (an id, a free-text column). */
export const MAX_CATEGORIES = 1000;

function draftError(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('manifest-invalid', message, hint);
}

function columnOf(table: ColumnTable, name: string, what: string): Column {
  const col = table.columns.find((c) => c.name === name);
  if (!col) throw draftError(`The ${what} '${name}' is not a column of the data.`, 'Choose one of the data\'s columns (names are case-sensitive).');
  return col;
}

/** Each row index of `rows` (or every row), visited once. */
function forRows(table: ColumnTable, rows: Uint32Array | undefined, visit: (row: number) => void): void {
  if (rows) for (let i = 0; i < rows.length; i++) visit(rows[i]);
  else for (let r = 0; r < table.nRows; r++) visit(r);
}

/** The column's value on a row as a number (NaN when missing or not a number). */
function numberReader(col: Column): (row: number) => number {
  if (col.type === 'numeric') return (r) => col.values[r];
  const value = levelsAsNumbers(col);
  return (r) => (col.codes[r] < 0 ? NaN : value[col.codes[r]]);
}

/** Mean and population std of the non-missing values; std 1 when it is 0 or there are none. */
function standardize(table: ColumnTable, col: Column, rows: Uint32Array | undefined): ManifestFeature {
  if (col.type !== 'numeric') {
    const value = levelsAsNumbers(col);
    const text = col.levels.filter((l, i) => Number.isNaN(value[i]) && l.trim() !== '');
    if (text.length > 0) {
      throw draftError(`'${col.name}' holds text (${text.slice(0, 3).map((t) => `'${t}'`).join(', ')}), so it cannot be standardised.`, 'Encode it one-hot (one input per value) or as a label (one text input).');
    }
  }
  const read = numberReader(col);
  let sum = 0;
  let count = 0;
  forRows(table, rows, (r) => {
    const v = read(r);
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  });
  const mean = count > 0 ? sum / count : 0;
  let ss = 0;
  forRows(table, rows, (r) => {
    const v = read(r);
    if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
  });
  const std = count > 0 ? Math.sqrt(ss / count) : 0;
  return { column: col.name, kind: 'numeric', mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

/** The values that occur on `rows`: levels in level order, or numbers ascending (as text). */
function occurringValues(table: ColumnTable, col: Column, rows: Uint32Array | undefined): string[] {
  let values: string[];
  if (col.type === 'numeric') {
    const seen = new Set<number>();
    forRows(table, rows, (r) => {
      const v = col.values[r];
      if (!Number.isNaN(v)) seen.add(v);
    });
    values = [...seen].sort((a, b) => a - b).map(String);
  } else {
    const seen = new Uint8Array(col.levels.length);
    forRows(table, rows, (r) => {
      if (col.codes[r] >= 0) seen[col.codes[r]] = 1;
    });
    values = col.levels.filter((_, i) => seen[i] === 1);
  }
  if (values.length === 0) throw draftError(`'${col.name}' has no value on the rows the draft reads.`, 'Leave the column out, or choose data where it has values.');
  if (values.length > MAX_CATEGORIES) {
    throw draftError(`'${col.name}' has ${values.length} distinct values: too many to encode one input per value.`, col.type === 'numeric' ? 'Standardise it instead.' : 'Leave it out (an id or free text is no model input).');
  }
  return values;
}

function draftFeature(table: ColumnTable, choice: DraftFeatureChoice, rows: Uint32Array | undefined): ManifestFeature {
  const col = columnOf(table, choice.column, 'input column');
  switch (choice.encoding) {
    case 'standardize':
      return standardize(table, col, rows);
    case 'none':
      return { column: col.name, kind: 'numeric', mean: 0, std: 1 };
    case 'one-hot':
      return { column: col.name, kind: 'categorical', categories: occurringValues(table, col, rows) };
    case 'label':
      return { column: col.name, kind: 'label', categories: occurringValues(table, col, rows) };
  }
}

/** The target must be a column with the positive value in it (else every row counts as negative). */
function checkTarget(table: ColumnTable, target: { column: string; positive: string }): void {
  const col = columnOf(table, target.column, 'target');
  const has = col.type === 'numeric' ? Array.prototype.some.call(col.values, (v: number) => String(v) === target.positive || v === Number(target.positive)) : col.levels.includes(target.positive);
  if (!has) throw draftError(`No row of the target '${target.column}' holds the positive value '${target.positive}'.`, 'Choose the value that means a lead converted.');
}

/**
 * The manifest the choices describe, with its numbers from `table`. Throws 'manifest-invalid'
 * with a message a person can act on (a text column to standardise, too many values, a column
 * chosen twice, and whatever validateManifest refuses).
 */
export function draftManifest(table: ColumnTable, choices: DraftChoices): Manifest {
  if (choices.rows) {
    for (const r of choices.rows) if (r >= table.nRows) throw new WorkbenchError('internal', `row ${r} is out of range: the table has ${table.nRows} rows`);
  }
  checkTarget(table, choices.target);
  if (choices.features.length === 0) throw draftError('The draft has no input column.', 'Choose the columns the model reads.');
  const seen = new Set<string>();
  for (const f of choices.features) {
    if (seen.has(f.column)) throw draftError(`'${f.column}' is chosen twice as an input.`, 'Choose each column once.');
    seen.add(f.column);
  }
  const draft: Manifest = {
    format: MANIFEST_FORMAT,
    ...(choices.name ? { name: choices.name } : {}),
    target: { column: choices.target.column, positive: choices.target.positive },
    features: choices.features.map((f) => draftFeature(table, f, choices.rows)),
    output: choices.output,
    threshold: choices.threshold ?? 0.5,
    ...(choices.protected && choices.protected.length > 0 ? { protected: choices.protected } : {}),
    ...(choices.model ? { model: choices.model } : {}),
  };
  // through JSON, as a downloaded draft will be read back
  return validateManifest(JSON.parse(JSON.stringify(draft)));
}
