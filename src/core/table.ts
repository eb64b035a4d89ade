/**
 * The column table: the one in-memory form of a dataset in core.
 *
 * - numeric columns: `Float64Array`, NaN = missing;
 * - categorical and boolean columns: `codes: Int32Array` into `levels`, -1 = missing.
 *   A boolean column is a categorical column whose levels are two true/false-like strings.
 *
 * No row objects exist anywhere: a row is an index.
 */
export type ColumnType = 'numeric' | 'categorical' | 'boolean';

export interface NumericColumn {
  readonly type: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly type: 'categorical' | 'boolean';
  readonly name: string;
  /** index into `levels`, -1 for missing */
  readonly codes: Int32Array;
  readonly levels: string[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface ColumnTable {
  readonly nRows: number;
  readonly columns: Column[];
}

export function findColumn(table: ColumnTable, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function columnNames(table: ColumnTable): string[] {
  return table.columns.map((c) => c.name);
}

/** The value of one cell as a string ('' for missing), for display and export. */
export function cellText(col: Column, row: number): string {
  if (col.type === 'numeric') {
    const v = col.values[row];
    return Number.isNaN(v) ? '' : String(v);
  }
  const code = col.codes[row];
  return code < 0 ? '' : col.levels[code];
}
