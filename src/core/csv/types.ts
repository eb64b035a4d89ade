/**
 * The CSV reader's options and result, and the delimiters it knows.
 */
import type { ColumnTable, ColumnType } from '../table';

/**
 * How fields are separated: one character (',', ';' or tab), or `'whitespace'`: runs of
 * spaces and tabs, with leading and trailing whitespace on a line ignored and double quotes
 * respected (as R's `read.table` and pandas' `delim_whitespace` read a file). In whitespace
 * mode a field is never empty unless written as `""`.
 */
export type Delimiter = ',' | ';' | '\t' | 'whitespace';

/** Options of {@link createCsvReader}. */
export interface CsvOptions {
  /**
   * field separator; 'auto' (default) sniffs ',', ';', tab or whitespace from the first lines,
   * and refuses text laid out in space-aligned (fixed-width) columns
   */
  delimiter?: Delimiter | 'auto';
  /** whether the first row holds column names; 'auto' (default) decides from the first lines */
  header?: boolean | 'auto';
  /**
   * Texts that mean "missing", matched exactly after trimming. Default: '', '?', and
   * case-insensitively 'NA', 'N/A', 'NaN', 'null'.
   */
  missing?: string[];
  /** per column name, a type that replaces the inferred one (applied with {@link retypeColumn}) */
  columnTypes?: Record<string, ColumnType>;
}

/** The result of parsing a CSV file. */
export interface ParsedCsv {
  table: ColumnTable;
  /** the delimiter used (sniffed or given): ',', ';', '\t' or 'whitespace' */
  delimiter: Delimiter;
  /** whether the first row was read as column names */
  header: boolean;
  /** number of data rows (the header and blank lines not counted) */
  rowsRead: number;
  /** things a person may want to know that did not stop the parse */
  warnings: string[];
}

/** A delimiter as a person reads it in a message: 'tab', 'whitespace', or the quoted character. */
export function delimiterName(d: Delimiter): string {
  return d === '\t' ? 'tab' : d === 'whitespace' ? 'runs of spaces or tabs' : `'${d}'`;
}
