/**
 * Retyping a column on request (a type override from the person, or `columnTypes`).
 */
import { WorkbenchError } from '../errors';
import type { Column, ColumnType } from '../table';
import { booleanToken, parseNumber, reorder } from './values';

/**
 * A column converted to another type, and how many non-missing values were lost (became
 * missing) in the conversion. Same type → the column itself.
 * - numeric → categorical/boolean: levels are the distinct numbers formatted with String(),
 *   in ascending numeric order; → boolean only with at most 2 distinct values.
 * - categorical/boolean → numeric: each level parsed with {@link parseNumber}; for a boolean
 *   column true/false-like levels become 1/0. Rows whose level does not parse become NaN and
 *   are counted in `lostValues`.
 * - categorical → boolean: only with at most 2 levels; levels that are true/false-like are
 *   ordered [false, true], else kept in their order. boolean → categorical: the type changes.
 * More than 2 levels for boolean throws WorkbenchError('roles-invalid').
 */
export function retypeColumn(col: Column, type: ColumnType): { column: Column; lostValues: number } {
  if (col.type === type) return { column: col, lostValues: 0 };
  if (col.type === 'numeric') return fromNumeric(col.name, col.values, type as 'categorical' | 'boolean');
  if (type === 'numeric') return toNumeric(col.name, col.codes, col.levels, col.type === 'boolean');
  if (type === 'boolean') return { column: toBoolean(col.name, col.codes, col.levels), lostValues: 0 };
  return { column: { type: 'categorical', name: col.name, codes: col.codes, levels: col.levels }, lostValues: 0 };
}

function fromNumeric(name: string, v: Float64Array, type: 'categorical' | 'boolean'): { column: Column; lostValues: number } {
  const distinct = Array.from(new Set(Array.from(v).filter((x) => !Number.isNaN(x)))).sort((a, b) => a - b);
  if (type === 'boolean' && distinct.length > 2) throw tooManyForBoolean(name, distinct.length);
  const index = new Map<number, number>();
  distinct.forEach((x, i) => index.set(x, i));
  const codes = new Int32Array(v.length);
  for (let r = 0; r < v.length; r++) {
    const x = v[r];
    codes[r] = Number.isNaN(x) ? -1 : index.get(x)!;
  }
  return { column: { type, name, codes, levels: distinct.map((x) => String(x)) }, lostValues: 0 };
}

function toNumeric(name: string, codes: Int32Array, levels: string[], isBool: boolean): { column: Column; lostValues: number } {
  const num = levels.map((l) => {
    const x = parseNumber(l);
    if (!Number.isNaN(x) || !isBool) return x;
    const b = booleanToken(l);
    return b < 0 ? NaN : b;
  });
  const values = new Float64Array(codes.length);
  let lost = 0;
  for (let r = 0; r < values.length; r++) {
    const c = codes[r];
    if (c < 0) values[r] = NaN;
    else {
      const x = num[c];
      values[r] = x;
      if (Number.isNaN(x)) lost++;
    }
  }
  return { column: { type: 'numeric', name, values }, lostValues: lost };
}

function toBoolean(name: string, codes: Int32Array, levels: string[]): Column {
  if (levels.length > 2) throw tooManyForBoolean(name, levels.length);
  if (levels.length === 2 && booleanToken(levels[0]) === 1 && booleanToken(levels[1]) === 0) {
    const r = reorder(codes, levels, [1, 0]);
    return { type: 'boolean', name, codes: r.codes, levels: r.levels };
  }
  return { type: 'boolean', name, codes, levels };
}

function tooManyForBoolean(name: string, n: number): WorkbenchError {
  return new WorkbenchError(
    'roles-invalid',
    `Column '${name}' has ${n} distinct values; a boolean column has at most 2.`,
    'Keep it categorical, or choose a column with two values (such as yes/no).',
  );
}
