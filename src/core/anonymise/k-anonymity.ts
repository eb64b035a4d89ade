/**
 * The k-anonymity check: rows are grouped into equivalence classes by their values in the
 * protected and quasi-identifier columns (a numeric column with cut points by its bin, one
 * without by its value; a missing value is a value of its own). The table is k-anonymous over
 * those columns when every class holds at least k rows. Reported: how many classes, the
 * smallest class, how many classes and rows fall below k.
 *
 * One pass per column: each column's codes refine the running class ids through a map keyed
 * by (class, code), so no row object or string key is built per row.
 */
import { WorkbenchError } from '../errors';
import { groupColumn, type ProtectedAttribute } from '../roles';
import type { ColumnTable } from '../table';

export interface KAnonymityResult {
  /** the columns the classes are formed over, in order */
  columns: string[];
  k: number;
  rows: number;
  classes: number;
  /** size of the smallest equivalence class (0 for an empty table) */
  smallestClass: number;
  classesBelowK: number;
  rowsBelowK: number;
  /** every class has at least k rows */
  satisfied: boolean;
}

/** Class id per row (0..classes−1) over the given columns, and the class sizes. */
export function equivalenceClasses(table: ColumnTable, columns: readonly ProtectedAttribute[]): { ids: Int32Array; sizes: number[] } {
  const n = table.nRows;
  let ids = new Int32Array(n);
  let nClasses = n > 0 ? 1 : 0;
  for (const attr of columns) {
    const col = groupColumn(table, attr);
    const width = col.levels.length + 1; // code −1 (missing) → 0
    const next = new Int32Array(n);
    const remap = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const key = ids[i] * width + (col.codes[i] + 1);
      let id = remap.get(key);
      if (id === undefined) {
        id = remap.size;
        remap.set(key, id);
      }
      next[i] = id;
    }
    ids = next;
    nClasses = remap.size;
  }
  const sizes = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < n; i++) sizes[ids[i]]++;
  return { ids, sizes };
}

/** The k-anonymity of a table over the given columns. Throws `roles-invalid` for k < 1 or a column not in the table. */
export function kAnonymity(table: ColumnTable, columns: readonly ProtectedAttribute[], k: number): KAnonymityResult {
  if (!Number.isInteger(k) || k < 1) throw new WorkbenchError('roles-invalid', `k must be a whole number ≥ 1, not ${k}.`, 'Use k = 10 unless your policy says otherwise.');
  for (const c of columns) {
    if (!table.columns.some((x) => x.name === c.column)) {
      throw new WorkbenchError('roles-invalid', `The quasi-identifier column '${c.column}' is not in the table.`, 'Check the column name (names are case-sensitive).');
    }
  }
  const { sizes } = equivalenceClasses(table, columns);
  let smallest = sizes.length > 0 ? Infinity : 0;
  let classesBelowK = 0;
  let rowsBelowK = 0;
  for (const s of sizes) {
    if (s < smallest) smallest = s;
    if (s < k) {
      classesBelowK++;
      rowsBelowK += s;
    }
  }
  return { columns: columns.map((c) => c.column), k, rows: table.nRows, classes: sizes.length, smallestClass: smallest, classesBelowK, rowsBelowK, satisfied: classesBelowK === 0 };
}
