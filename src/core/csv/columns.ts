/**
 * Column builders and the table sink: tokenized fields → typed columns, with no row kept.
 *
 * Each column has a growable Int32Array of codes and a string → code dictionary, so each
 * distinct text is parsed as a number once. A column whose values are all numbers and whose
 * distinct count passes {@link NUMERIC_DICT_CAP} drops its dictionary and stores a growable
 * Float64Array instead.
 *
 * Type inference ({@link ColumnBuilder.toColumn}): numeric when every non-missing value is a
 * number (a 0/1 column stays numeric); boolean when the column has exactly two distinct
 * non-missing values, one true-like and one false-like (true/false, yes/no, y/n, t/f,
 * case-insensitive), with levels ordered [false, true]; otherwise categorical, levels sorted by
 * {@link compareLevels}. A column with no values at all is categorical with no levels.
 */
import { WorkbenchError } from '../errors';
import type { CategoricalColumn, Column, NumericColumn } from '../table';
import type { FieldSink, Tokenizer } from './tokenizer';
import { delimiterName, type Delimiter } from './types';
import { booleanToken, levelOrder, parseNumber, reorder, type MissingTest } from './values';

/** Above this many distinct numbers, an all-numeric column stops keeping a text dictionary. */
export const NUMERIC_DICT_CAP = 65536;

/** One column's values as they arrive, then the typed column. */
export class ColumnBuilder {
  n = 0;
  private codes: Int32Array | null = new Int32Array(1024);
  private dict: Map<string, number> | null = new Map();
  private levels: string[] = [];
  private levelNum: number[] = [];
  private nums: Float64Array | null = null;
  private lastNum = NaN;
  /** every non-missing value so far is a number */
  allNumeric = true;
  /** things a person may want to know about this column */
  notes: string[] = [];

  constructor(private readonly isMissing: MissingTest, private readonly line: () => number) {}

  add(v: string): void {
    const codes = this.codes;
    if (codes !== null) {
      if (this.n === codes.length) {
        const g = new Int32Array(codes.length * 2);
        g.set(codes);
        this.codes = g;
      }
      let code = this.dict!.get(v);
      if (code === undefined) code = this.newLevel(v);
      if (this.codes !== null) {
        this.codes[this.n++] = code;
        return;
      }
      // newLevel switched to numbers-only: store this value there
      this.nums![this.n++] = code < 0 ? NaN : this.lastNum;
      return;
    }
    let nums = this.nums!;
    if (this.n === nums.length) {
      const g = new Float64Array(nums.length * 2);
      g.set(nums);
      this.nums = nums = g;
    }
    const x = parseNumber(v);
    if (!Number.isNaN(x)) nums[this.n++] = x;
    else if (this.isMissing(v)) nums[this.n++] = NaN;
    else {
      this.toDictionary(v);
      this.add(v);
    }
  }

  private newLevel(v: string): number {
    const dict = this.dict!;
    if (this.isMissing(v)) {
      dict.set(v, -1);
      return -1;
    }
    const x = parseNumber(v);
    if (Number.isNaN(x)) this.allNumeric = false;
    const code = this.levels.length;
    this.levels.push(v);
    this.levelNum.push(x);
    dict.set(v, code);
    if (this.allNumeric && this.levels.length > NUMERIC_DICT_CAP) {
      this.lastNum = x;
      this.toNumbers();
    }
    return code;
  }

  /** drop the dictionary: all values so far are numbers */
  private toNumbers(): void {
    const codes = this.codes!;
    const nums = new Float64Array(codes.length);
    const ln = this.levelNum;
    for (let r = 0; r < this.n; r++) {
      const c = codes[r];
      nums[r] = c < 0 ? NaN : ln[c];
    }
    this.nums = nums;
    this.codes = null;
    this.dict = null;
    this.levels = [];
    this.levelNum = [];
  }

  /** back to a dictionary after a non-number arrived in a numbers-only column */
  private toDictionary(v: string): void {
    const nums = this.nums!;
    const codes = new Int32Array(nums.length);
    const dict = new Map<string, number>();
    for (let r = 0; r < this.n; r++) {
      const x = nums[r];
      if (Number.isNaN(x)) {
        codes[r] = -1;
        continue;
      }
      const key = String(x);
      let c = dict.get(key);
      if (c === undefined) {
        c = this.levels.length;
        this.levels.push(key);
        this.levelNum.push(x);
        dict.set(key, c);
      }
      codes[r] = c;
    }
    this.codes = codes;
    this.dict = dict;
    this.nums = null;
    this.allNumeric = false;
    this.notes.push(
      `the text '${v}' on line ${this.line()} follows more than ${NUMERIC_DICT_CAP} distinct numbers; the earlier numbers are kept as formatted text`,
    );
  }

  /** the finished column, type inferred (see the module comment) */
  toColumn(name: string): Column {
    const n = this.n;
    if (this.codes === null) {
      return { type: 'numeric', name, values: this.nums!.slice(0, n) } satisfies NumericColumn;
    }
    const codes = this.codes.subarray(0, n);
    const levels = this.levels;
    if (levels.length > 0 && this.allNumeric) {
      const values = new Float64Array(n);
      const ln = this.levelNum;
      for (let r = 0; r < n; r++) {
        const c = codes[r];
        values[r] = c < 0 ? NaN : ln[c];
      }
      return { type: 'numeric', name, values } satisfies NumericColumn;
    }
    if (levels.length === 2) {
      const a = booleanToken(levels[0]);
      const b = booleanToken(levels[1]);
      if (a >= 0 && b >= 0 && a !== b) {
        const r = reorder(codes, levels, a === 0 ? [0, 1] : [1, 0]);
        return { type: 'boolean', name, codes: r.codes, levels: r.levels } satisfies CategoricalColumn;
      }
    }
    const r = reorder(codes, levels, levelOrder(levels));
    return { type: 'categorical', name, codes: r.codes, levels: r.levels } satisfies CategoricalColumn;
  }
}

/**
 * Receives tokenized fields: the first row (header or data), then data rows into builders.
 * A data row whose field count differs from the first row's throws `csv-ragged`, naming the
 * line the row starts on.
 */
export class TableSink implements FieldSink {
  builders: ColumnBuilder[] = [];
  names: string[] = [];
  private first: string[] | null = [];
  private fi = 0;
  nCols = 0;
  nRows = 0;
  tok!: Tokenizer;

  constructor(readonly header: boolean, private readonly isMissing: MissingTest, private readonly delimiter: Delimiter) {}

  field(value: string): void {
    if (this.first !== null) {
      this.first.push(value);
      return;
    }
    const ci = this.fi++;
    if (ci < this.nCols) this.builders[ci].add(value);
  }

  endRow(): void {
    if (this.first !== null) {
      this.startColumns(this.first);
      return;
    }
    if (this.fi !== this.nCols) throw this.ragged();
    this.fi = 0;
    this.nRows++;
  }

  /** whether a first row arrived */
  get sawRow(): boolean {
    return this.first === null;
  }

  private startColumns(row: string[]): void {
    this.first = null;
    this.nCols = row.length;
    const line = (): number => this.tok.rowLine;
    for (let c = 0; c < row.length; c++) this.builders.push(new ColumnBuilder(this.isMissing, line));
    if (this.header) {
      this.names = row;
    } else {
      this.names = row.map((_, c) => `column${c + 1}`);
      for (let c = 0; c < row.length; c++) this.builders[c].add(row[c]);
      this.nRows++;
    }
  }

  private ragged(): WorkbenchError {
    const what = this.header ? 'the header has' : 'the first row has';
    const hint =
      this.delimiter === 'whitespace'
        ? 'Fields are separated by runs of spaces or tabs here, so a value that contains a space must be wrapped in double quotes, and a missing value written as "" or NA. If the columns are aligned with spaces (fixed-width), save the file as CSV with commas, semicolons or tabs.'
        : `Check the delimiter (${delimiterName(this.delimiter)}) and the quoting on that line: a field that contains the delimiter or a newline must be wrapped in double quotes.`;
    return new WorkbenchError('csv-ragged', `Line ${this.tok.rowLine} has ${this.fi} field${this.fi === 1 ? '' : 's'} but ${what} ${this.nCols}.`, hint);
  }
}

/** Column names made non-empty (`columnN`) and unique (`name_2`, `name_3`, …). */
export function uniqueNames(raw: string[]): string[] {
  const used = new Set<string>();
  return raw.map((r, i) => {
    let base = r.trim();
    if (base.length === 0) base = `column${i + 1}`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  });
}
