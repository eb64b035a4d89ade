/**
 * Streaming CSV → ColumnTable.
 *
 * Bytes arrive in chunks of any size (a chunk may end inside a quoted field, between \r and \n,
 * or inside a multi-byte UTF-8 character). They are decoded with a streaming TextDecoder and
 * tokenized per RFC 4180: fields may be wrapped in double quotes; inside quotes a doubled quote
 * is one quote, and delimiters and newlines are literal; rows end with LF, CRLF or a lone CR.
 *
 * Nothing row-shaped is kept: each column has a growable Int32Array of codes and a
 * string → code dictionary (each distinct text is parsed as a number once). A column whose
 * values are all numbers and whose distinct count passes {@link NUMERIC_DICT_CAP} drops its
 * dictionary and stores a growable Float64Array instead.
 *
 * Decisions (see also {@link CsvOptions}):
 * - Unquoted fields are trimmed of surrounding spaces; quoted fields are kept verbatim.
 * - Blank lines (nothing, or only spaces, between two newlines) are skipped anywhere in the
 *   file; in a one-column file an empty line is therefore skipped, not read as missing.
 * - Missing tokens (default): '', '?', and case-insensitively 'NA', 'N/A', 'NaN', 'null'
 *   (after trimming; quoted or not). A `missing` option replaces that list and is matched
 *   exactly (after trimming).
 * - A number is plain decimal notation (`-1`, `2.5`, `.5`, `1e-3`): no hex, no thousands
 *   separators, no decimal commas, no Infinity. Such text is categorical.
 * - Type inference: numeric when every non-missing value is a number (a 0/1 column stays
 *   numeric; {@link retypeColumn} makes it categorical/boolean on request); boolean when the
 *   column has exactly two distinct non-missing values, one true-like and one false-like
 *   (true/false, yes/no, y/n, t/f, case-insensitive), with levels ordered [false, true];
 *   otherwise categorical, levels sorted by {@link compareLevels}. A column with no values at
 *   all is categorical with no levels (and a warning).
 */
import type { CategoricalColumn, Column, ColumnTable, ColumnType, NumericColumn } from './table';
import { WorkbenchError } from './errors';

/** Options of {@link createCsvReader}. */
export interface CsvOptions {
  /** field separator; 'auto' (default) sniffs ',', ';' or tab from the first lines */
  delimiter?: ',' | ';' | '\t' | 'auto';
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
  /** the delimiter used (sniffed or given) */
  delimiter: string;
  /** whether the first row was read as column names */
  header: boolean;
  /** number of data rows (the header and blank lines not counted) */
  rowsRead: number;
  /** things a person may want to know that did not stop the parse */
  warnings: string[];
}

/** Above this many distinct numbers, an all-numeric column stops keeping a text dictionary. */
export const NUMERIC_DICT_CAP = 65536;

const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;
/** rows of the sample used to sniff the delimiter and the header */
const SAMPLE_ROWS = 50;
/** characters of the sample used to sniff the delimiter and the header */
const SAMPLE_CHARS = 65536;
/** bytes at the start of the file inspected for binary content */
const HEAD_BYTES = 1024;

// ---------------------------------------------------------------------------------------------
// Platform: TextDecoder exists in Node ≥ 11 and in browsers and workers; core compiles without
// ambient types, so it is reached through globalThis with a minimal local type.

interface TextDecoderLike {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
type TextDecoderCtor = new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => TextDecoderLike;

function newUtf8Decoder(): TextDecoderLike {
  const Ctor = (globalThis as unknown as { TextDecoder?: TextDecoderCtor }).TextDecoder;
  if (!Ctor) throw new WorkbenchError('internal', 'This environment has no TextDecoder.', 'Use a current browser or Node 20+.');
  // ignoreBOM: false → a leading UTF-8 BOM is consumed by the decoder
  return new Ctor('utf-8', { fatal: false, ignoreBOM: false });
}

// ---------------------------------------------------------------------------------------------
// Values

const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a text denotes, or NaN. Accepts plain decimal notation with optional sign and
 * exponent, surrounded by optional whitespace; the result must be finite. '' → NaN.
 */
export function parseNumber(text: string): number {
  let t = text;
  if (t.length === 0) return NaN;
  const c0 = t.charCodeAt(0);
  const c1 = t.charCodeAt(t.length - 1);
  if (c0 <= SPACE || c1 <= SPACE) t = t.trim();
  if (!NUM_RE.test(t)) return NaN;
  const x = Number(t);
  return Number.isFinite(x) ? x : NaN;
}

const TRUE_TOKENS = new Set(['true', 'yes', 'y', 't']);
const FALSE_TOKENS = new Set(['false', 'no', 'n', 'f']);

/** 1 for a true-like token (true/yes/y/t), 0 for a false-like one (false/no/n/f), -1 otherwise; case-insensitive, trimmed. */
export function booleanToken(text: string): 1 | 0 | -1 {
  const t = text.trim().toLowerCase();
  if (TRUE_TOKENS.has(t)) return 1;
  if (FALSE_TOKENS.has(t)) return 0;
  return -1;
}

/**
 * Deterministic order of category levels (locale-independent): numbers first, by value;
 * then texts by their lower-case code units, ties broken by the exact code units.
 */
export function compareLevels(a: string, b: string): number {
  return compareKeyed(levelKey(a), levelKey(b));
}

interface LevelKey { num: number; lower: string; raw: string }
function levelKey(s: string): LevelKey {
  return { num: parseNumber(s), lower: s.toLowerCase(), raw: s };
}
function compareKeyed(a: LevelKey, b: LevelKey): number {
  const an = !Number.isNaN(a.num);
  const bn = !Number.isNaN(b.num);
  if (an && bn && a.num !== b.num) return a.num - b.num;
  if (an !== bn) return an ? -1 : 1;
  if (a.lower !== b.lower) return a.lower < b.lower ? -1 : 1;
  return a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0;
}

/** The permutation that sorts `levels` by {@link compareLevels}: order[newCode] = oldCode. */
function levelOrder(levels: string[]): number[] {
  const keys = levels.map(levelKey);
  const order = levels.map((_, i) => i);
  order.sort((i, j) => compareKeyed(keys[i], keys[j]) || i - j);
  return order;
}

/** Codes and levels with levels rearranged by `order` (order[newCode] = oldCode). */
function reorder(codes: Int32Array, levels: string[], order: number[]): { codes: Int32Array; levels: string[] } {
  const map = new Int32Array(levels.length);
  for (let k = 0; k < order.length; k++) map[order[k]] = k;
  const out = new Int32Array(codes.length);
  for (let r = 0; r < codes.length; r++) {
    const c = codes[r];
    out[r] = c < 0 ? -1 : map[c];
  }
  return { codes: out, levels: order.map((k) => levels[k]) };
}

type MissingTest = (v: string) => boolean;
const DEFAULT_MISSING = new Set(['', '?', 'na', 'n/a', 'nan', 'null']);

function missingTest(missing: string[] | undefined): MissingTest {
  if (!missing) {
    return (v) => {
      const t = v.trim();
      return t.length <= 4 && DEFAULT_MISSING.has(t.toLowerCase());
    };
  }
  const set = new Set(missing.map((m) => m.trim()));
  return (v) => set.has(v) || set.has(v.trim());
}

// ---------------------------------------------------------------------------------------------
// Errors

function unterminated(line: number): WorkbenchError {
  return new WorkbenchError(
    'csv-malformed',
    `Unterminated quoted field: the double quote that opens a field on line ${line} is never closed.`,
    'Check that quotes inside quoted fields are doubled ("") and that the file is complete (not cut off).',
  );
}

function delimName(d: string): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

interface FieldSink {
  field(value: string): void;
  endRow(): void;
}

/**
 * RFC 4180 tokenizer over decoded text that may arrive in pieces. An incomplete field at the
 * end of a piece is kept (from its first character) and re-read with the next piece.
 */
class Tokenizer {
  private rest = '';
  /** 1-based physical line number at the read position */
  line = 1;
  /** physical line where the current row started */
  rowLine = 1;
  private rowOpen = false;
  blankLines = 0;
  /** fields with text between the closing quote and the next delimiter */
  strayAfterQuote = 0;

  constructor(private readonly delim: number, private readonly sink: FieldSink) {}

  feed(text: string, final: boolean): void {
    const s = this.rest.length > 0 ? this.rest + text : text;
    this.rest = '';
    const n = s.length;
    const d = this.delim;
    const sink = this.sink;
    let i = 0;
    while (i < n) {
      const start = i;
      let value: string;
      let quoted = false;
      let k: number; // position of the terminator (delimiter, CR, LF) or n
      let p = i;
      while (p < n && s.charCodeAt(p) === SPACE) p++;
      if (p < n && s.charCodeAt(p) === QUOTE) {
        quoted = true;
        let j = p + 1;
        let seg = j;
        value = '';
        for (;;) {
          const q = s.indexOf('"', j);
          if (q < 0) {
            if (final) throw unterminated(this.line);
            this.rest = s.slice(start);
            return;
          }
          if (q + 1 < n) {
            if (s.charCodeAt(q + 1) === QUOTE) {
              value += s.slice(seg, q + 1);
              j = seg = q + 2;
              continue;
            }
          } else if (!final) {
            this.rest = s.slice(start); // cannot tell "" from a closing quote yet
            return;
          }
          value += s.slice(seg, q);
          k = q + 1;
          break;
        }
        if (k < n) {
          let c = s.charCodeAt(k);
          if (c !== d && c !== LF && c !== CR) {
            // lenient: text after the closing quote is appended (spaces are dropped)
            let e = k;
            while (e < n && (c = s.charCodeAt(e)) !== d && c !== LF && c !== CR) e++;
            if (e === n && !final) {
              this.rest = s.slice(start);
              return;
            }
            const extra = s.slice(k, e);
            if (extra.trim().length > 0) {
              value += extra;
              this.strayAfterQuote++;
            }
            k = e;
          }
        }
      } else {
        let j = p;
        while (j < n) {
          const c = s.charCodeAt(j);
          if (c === d || c === LF || c === CR) break;
          j++;
        }
        if (j === n && !final) {
          this.rest = s.slice(start);
          return;
        }
        let e = j;
        while (e > p && s.charCodeAt(e - 1) === SPACE) e--;
        value = p === e ? '' : s.slice(p, e);
        k = j;
      }
      // terminator
      let endsRow: boolean;
      let next: number;
      if (k >= n) {
        endsRow = true; // only reached when final
        next = n;
      } else {
        const t = s.charCodeAt(k);
        if (t === d) {
          endsRow = false;
          next = k + 1;
        } else if (t === LF) {
          endsRow = true;
          next = k + 1;
        } else {
          if (k + 1 >= n && !final) {
            this.rest = s.slice(start); // a CR whose LF may be in the next piece
            return;
          }
          endsRow = true;
          next = k + 1 < n && s.charCodeAt(k + 1) === LF ? k + 2 : k + 1;
        }
      }
      if (!quoted && endsRow && !this.rowOpen && value.length === 0) {
        this.blankLines++;
        if (k < n) this.line++;
        i = next;
        continue;
      }
      if (!this.rowOpen) {
        this.rowOpen = true;
        this.rowLine = this.line;
      }
      if (quoted) {
        let nl = value.indexOf('\n');
        while (nl >= 0) {
          this.line++;
          nl = value.indexOf('\n', nl + 1);
        }
      }
      sink.field(value);
      if (endsRow) {
        if (k < n) this.line++;
        this.rowOpen = false;
        sink.endRow();
      }
      i = next;
    }
    if (final && this.rowOpen) {
      // the text ended right after a delimiter: one more empty field
      this.rowOpen = false;
      sink.field('');
      sink.endRow();
    }
  }
}

/** Collects the first rows of a sample as arrays of strings. */
class SampleSink implements FieldSink {
  rows: string[][] = [];
  private cur: string[] = [];
  field(value: string): void {
    if (this.rows.length < SAMPLE_ROWS) this.cur.push(value);
  }
  endRow(): void {
    if (this.rows.length < SAMPLE_ROWS) this.rows.push(this.cur);
    this.cur = [];
  }
}

function sampleRows(text: string, delim: string, final: boolean): string[][] | null {
  const sink = new SampleSink();
  try {
    new Tokenizer(delim.charCodeAt(0), sink).feed(text, final);
  } catch {
    return null;
  }
  return sink.rows;
}

const CANDIDATES = [',', ';', '\t'] as const;

/**
 * Picks the delimiter: for each candidate, the field counts of the sample's complete rows
 * (quotes respected). A candidate qualifies when its first row has ≥ 2 fields; a candidate
 * whose every row has that count beats one where only ≥ 80 % do; then more fields wins;
 * then the order ',', ';', tab. No qualifier → ','.
 */
function sniffDelimiter(text: string, final: boolean): string {
  let best = ',';
  let bestRank = 0;
  let bestFields = 0;
  for (const c of CANDIDATES) {
    const rows = sampleRows(text, c, final);
    if (!rows || rows.length === 0) continue;
    const f = rows[0].length;
    if (f < 2) continue;
    let same = 0;
    for (const r of rows) if (r.length === f) same++;
    // consistent on every row > on most rows > splits the first row at all (a ragged file
    // must still be read with its real delimiter, so the ragged-row error can name the line)
    const rank = same === rows.length ? 3 : same >= 0.8 * rows.length ? 2 : 1;
    if (rank > bestRank || (rank === bestRank && f > bestFields)) {
      best = c;
      bestRank = rank;
      bestFields = f;
    }
  }
  return best;
}

/**
 * Decides whether the first sample row is a header. It is data (not a header) when, in some
 * column, it holds a number and every later non-missing sample value there is a number too;
 * or when every non-missing first-row cell also occurs further down its column. With fewer
 * than two rows it is a header.
 */
function sniffHeader(rows: string[][], isMissing: MissingTest): boolean {
  if (rows.length < 2) return true;
  const first = rows[0];
  let allRepeat = true;
  let anyCell = false;
  for (let c = 0; c < first.length; c++) {
    const v = first[c];
    const vMissing = isMissing(v);
    let laterNumeric = 0;
    let laterOther = 0;
    let repeats = false;
    for (let r = 1; r < rows.length; r++) {
      const w = rows[r][c];
      if (w === undefined || isMissing(w)) continue;
      if (Number.isNaN(parseNumber(w))) laterOther++;
      else laterNumeric++;
      if (w === v) repeats = true;
    }
    if (!vMissing && !Number.isNaN(parseNumber(v)) && laterNumeric > 0 && laterOther === 0) return false;
    if (!vMissing) {
      anyCell = true;
      if (!repeats) allRepeat = false;
    }
  }
  return !(anyCell && allRepeat);
}

// ---------------------------------------------------------------------------------------------
// Column builders

class ColumnBuilder {
  n = 0;
  private codes: Int32Array | null = new Int32Array(1024);
  private dict: Map<string, number> | null = new Map();
  private levels: string[] = [];
  private levelNum: number[] = [];
  private nums: Float64Array | null = null;
  /** every non-missing value so far is a number */
  allNumeric = true;
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

  private lastNum = NaN;

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

/** Receives tokenized fields: the first row (header or data), then data rows into builders. */
class TableSink implements FieldSink {
  builders: ColumnBuilder[] = [];
  names: string[] = [];
  private first: string[] | null = [];
  private fi = 0;
  nCols = 0;
  nRows = 0;
  tok!: Tokenizer;

  constructor(readonly header: boolean, private readonly isMissing: MissingTest, private readonly delimiter: string) {}

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
      const row = this.first;
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
      return;
    }
    if (this.fi !== this.nCols) {
      const what = this.header ? 'the header has' : 'the first row has';
      throw new WorkbenchError(
        'csv-ragged',
        `Line ${this.tok.rowLine} has ${this.fi} field${this.fi === 1 ? '' : 's'} but ${what} ${this.nCols}.`,
        `Check the delimiter (${delimName(this.delimiter)}) and the quoting on that line: a field that contains the delimiter or a newline must be wrapped in double quotes.`,
      );
    }
    this.fi = 0;
    this.nRows++;
  }

  get sawRow(): boolean {
    return this.first === null;
  }
}

function uniqueNames(raw: string[]): string[] {
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

// ---------------------------------------------------------------------------------------------
// Reader

function binaryError(head: Uint8Array, len: number): WorkbenchError | null {
  const b = (i: number): number => (i < len ? head[i] : -1);
  const hint = 'Choose a plain-text CSV file saved as UTF-8 (in Excel: File → Save As → "CSV UTF-8").';
  if (b(0) === 0x50 && b(1) === 0x4b && b(2) === 0x03 && b(3) === 0x04) {
    return new WorkbenchError('csv-binary', 'This file is a zip archive (for example an Excel .xlsx workbook), not CSV text.', hint);
  }
  if (b(0) === 0xd0 && b(1) === 0xcf && b(2) === 0x11 && b(3) === 0xe0) {
    return new WorkbenchError('csv-binary', 'This file is an old-style Excel (.xls) or Office document, not CSV text.', hint);
  }
  if ((b(0) === 0xff && b(1) === 0xfe) || (b(0) === 0xfe && b(1) === 0xff)) {
    return new WorkbenchError('csv-binary', 'This file is UTF-16 text; only UTF-8 CSV is supported.', hint);
  }
  if (b(0) === 0x1f && b(1) === 0x8b) {
    return new WorkbenchError('csv-binary', 'This file is gzip-compressed, not CSV text.', 'Decompress it first, then choose the .csv file.');
  }
  for (let i = 0; i < len; i++) {
    if (head[i] === 0) {
      return new WorkbenchError('csv-binary', `This file contains binary data (a NUL byte at offset ${i}), not CSV text.`, hint);
    }
  }
  // invalid UTF-8: count replacement characters in the head (a char cut at the end counts once)
  const text = newUtf8Decoder().decode(head.subarray(0, len));
  let bad = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) bad++;
  if (bad > 2 && bad > 0.2 * text.length) {
    return new WorkbenchError('csv-binary', `This file does not look like text: ${bad} of the first ${text.length} characters are not valid UTF-8.`, hint);
  }
  return null;
}

class CsvReader {
  private readonly isMissing: MissingTest;
  private decoder: TextDecoderLike | null = null;
  private readonly head = new Uint8Array(HEAD_BYTES);
  private headLen = 0;
  private headChecked = false;
  private bytes = 0;
  private pending: string[] = [];
  private pendingLen = 0;
  private pendingLines = 0;
  private tok: Tokenizer | null = null;
  private sink: TableSink | null = null;
  private delimiter = ',';
  private replaced = 0;
  private done = false;
  private sawText = false;

  constructor(private readonly options: CsvOptions) {
    this.isMissing = missingTest(options.missing);
  }

  pushBytes(chunk: Uint8Array): void {
    this.checkOpen();
    if (chunk.length === 0) return;
    this.bytes += chunk.length;
    if (!this.headChecked) {
      const take = Math.min(chunk.length, HEAD_BYTES - this.headLen);
      this.head.set(chunk.subarray(0, take), this.headLen);
      this.headLen += take;
      if (this.headLen === HEAD_BYTES) this.checkHead();
    }
    if (this.decoder === null) this.decoder = newUtf8Decoder();
    this.pushDecoded(this.decoder.decode(chunk, { stream: true }));
  }

  pushText(text: string): void {
    this.checkOpen();
    if (text.length === 0) return;
    if (!this.sawText && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!this.headChecked) {
      const nul = text.slice(0, HEAD_BYTES).indexOf('\0');
      if (nul >= 0) throw new WorkbenchError('csv-binary', `This text contains binary data (a NUL character at offset ${nul}), not CSV.`, 'Choose a plain-text CSV file saved as UTF-8.');
      this.headChecked = true;
    }
    this.pushDecoded(text);
  }

  private checkOpen(): void {
    if (this.done) throw new WorkbenchError('internal', 'CSV reader: push after finish.');
  }

  private checkHead(): void {
    this.headChecked = true;
    const e = binaryError(this.head, this.headLen);
    if (e) throw e;
  }

  private pushDecoded(text: string): void {
    if (text.length === 0) return;
    this.sawText = true;
    for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) this.replaced++;
    if (this.tok !== null) {
      this.tok.feed(text, false);
      return;
    }
    this.pending.push(text);
    this.pendingLen += text.length;
    if (this.pendingLines <= SAMPLE_ROWS) {
      for (let i = text.indexOf('\n'); i >= 0 && this.pendingLines <= SAMPLE_ROWS; i = text.indexOf('\n', i + 1)) this.pendingLines++;
    }
    this.maybeStart();
  }

  private maybeStart(): void {
    if (!this.headChecked) return;
    const needSample = (this.options.delimiter ?? 'auto') === 'auto' || (this.options.header ?? 'auto') === 'auto';
    if (needSample && this.pendingLines <= SAMPLE_ROWS && this.pendingLen < SAMPLE_CHARS) return;
    this.start(false);
  }

  /** sniff from the pending text, then tokenize it */
  private start(eof: boolean): void {
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
    const sampleFinal = eof && sample.length === text.length;
    const dOpt = this.options.delimiter ?? 'auto';
    this.delimiter = dOpt === 'auto' ? sniffDelimiter(sample, sampleFinal) : dOpt;
    const hOpt = this.options.header ?? 'auto';
    let header: boolean;
    if (hOpt === 'auto') {
      const rows = sampleRows(sample, this.delimiter, sampleFinal) ?? [];
      header = sniffHeader(rows, this.isMissing);
    } else header = hOpt;
    this.sink = new TableSink(header, this.isMissing, this.delimiter);
    this.tok = new Tokenizer(this.delimiter.charCodeAt(0), this.sink);
    this.sink.tok = this.tok;
    this.tok.feed(text, eof);
  }

  finish(): ParsedCsv {
    this.checkOpen();
    this.done = true;
    if (this.decoder !== null) {
      const tail = this.decoder.decode();
      if (this.tok !== null) {
        if (tail.length > 0) this.tok.feed(tail, false);
      } else if (tail.length > 0) {
        this.pending.push(tail);
        this.pendingLen += tail.length;
      }
      for (let i = tail.indexOf('\ufffd'); i >= 0; i = tail.indexOf('\ufffd', i + 1)) this.replaced++;
    }
    if (!this.headChecked) this.checkHead();
    if (this.tok === null) this.start(true);
    else this.tok.feed('', true);
    return this.build();
  }

  private build(): ParsedCsv {
    const sink = this.sink!;
    const tok = this.tok!;
    const warnings: string[] = [];
    if (!sink.sawRow) {
      throw new WorkbenchError(
        'csv-empty',
        this.bytes === 0 && !this.sawText ? 'The file is empty.' : 'The file has no rows: it holds only blank lines.',
        'Choose a CSV file with a header row and at least one data row.',
      );
    }
    if (sink.nRows === 0) {
      throw new WorkbenchError(
        'csv-header-only',
        `The file has a header (${sink.nCols} column${sink.nCols === 1 ? '' : 's'}) but no data rows.`,
        'Choose a CSV file with at least one row of data below the header.',
      );
    }
    const rawNames = sink.names;
    const names = uniqueNames(rawNames);
    if (sink.header) {
      const renamed = names.filter((nm, i) => nm !== rawNames[i].trim() || rawNames[i].trim().length === 0);
      if (renamed.length > 0) warnings.push(`empty or repeated column names were renamed: ${renamed.join(', ')}`);
    } else if ((this.options.header ?? 'auto') === 'auto') {
      warnings.push(`the first row looks like data, so columns are named column1..column${names.length}`);
    }
    const overrides = this.options.columnTypes ?? {};
    for (const key of Object.keys(overrides)) {
      if (!names.includes(key)) warnings.push(`columnTypes names '${key}', which is not a column`);
    }
    const columns: Column[] = [];
    for (let c = 0; c < names.length; c++) {
      const b = sink.builders[c];
      for (const note of b.notes) warnings.push(`column '${names[c]}': ${note}`);
      let col = b.toColumn(names[c]);
      if (col.type !== 'numeric' && col.levels.length === 0) warnings.push(`column '${names[c]}' has no values (every row is missing)`);
      const want = Object.prototype.hasOwnProperty.call(overrides, names[c]) ? overrides[names[c]] : undefined;
      if (want && want !== col.type) {
        const r = retypeColumn(col, want);
        col = r.column;
        if (r.lostValues > 0) warnings.push(`column '${names[c]}' as ${want}: ${r.lostValues} value${r.lostValues === 1 ? '' : 's'} could not be converted and became missing`);
      }
      columns.push(col);
    }
    if (this.replaced > 0) {
      warnings.push(`${this.replaced} invalid UTF-8 sequence${this.replaced === 1 ? ' was' : 's were'} replaced with '\ufffd'; the file may not be UTF-8 (e.g. Latin-1)`);
    }
    if (tok.strayAfterQuote > 0) {
      warnings.push(`${tok.strayAfterQuote} field${tok.strayAfterQuote === 1 ? ' has' : 's have'} text after a closing quote; it was kept as part of the field`);
    }
    return {
      table: { nRows: sink.nRows, columns },
      delimiter: this.delimiter,
      header: sink.header,
      rowsRead: sink.nRows,
      warnings,
    };
  }
}

/**
 * An incremental CSV reader. `push` takes the next bytes of a UTF-8 file (any chunking; a
 * leading BOM is dropped); `finish` ends the input and returns the table. Rows are tokenized
 * as they arrive, except that the first lines (up to 50 lines / 64 K characters, and at least
 * the first 1 KB) are held back while the file is checked for binary content and the
 * delimiter and header are sniffed.
 *
 * Throws WorkbenchError: `csv-binary` (NUL bytes, a zip/xlsx/xls/UTF-16/gzip signature, or
 * > 20 % invalid UTF-8 in the first KB), `csv-ragged` (a row whose field count differs from the
 * header's; the message names the 1-based line and both counts), `csv-malformed` (a quote
 * never closed at end of file), `csv-empty` (no bytes, or only blank lines) and
 * `csv-header-only` (a header but no data rows). Errors may surface from `push` or `finish`.
 */
export function createCsvReader(options: CsvOptions = {}): { push(chunk: Uint8Array): void; finish(): ParsedCsv } {
  const reader = new CsvReader(options);
  return {
    push: (chunk: Uint8Array) => reader.pushBytes(chunk),
    finish: () => reader.finish(),
  };
}

/** Parses a whole UTF-8 CSV file held in memory: one push, then finish (see {@link createCsvReader}). */
export function parseCsv(bytes: Uint8Array, options: CsvOptions = {}): ParsedCsv {
  const reader = new CsvReader(options);
  reader.pushBytes(bytes);
  return reader.finish();
}

/** Parses CSV already decoded to a string (a leading U+FEFF is dropped); as {@link parseCsv}. */
export function parseCsvText(text: string, options: CsvOptions = {}): ParsedCsv {
  const reader = new CsvReader(options);
  reader.pushText(text);
  return reader.finish();
}

// ---------------------------------------------------------------------------------------------
// Retyping

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
  if (col.type === 'numeric') {
    const v = col.values;
    const distinct = Array.from(new Set(Array.from(v).filter((x) => !Number.isNaN(x)))).sort((a, b) => a - b);
    if (type === 'boolean' && distinct.length > 2) throw tooManyForBoolean(col.name, distinct.length);
    const index = new Map<number, number>();
    distinct.forEach((x, i) => index.set(x, i));
    const codes = new Int32Array(v.length);
    for (let r = 0; r < v.length; r++) {
      const x = v[r];
      codes[r] = Number.isNaN(x) ? -1 : index.get(x)!;
    }
    const catType = type as 'categorical' | 'boolean'; // type !== col.type === 'numeric'
    return { column: { type: catType, name: col.name, codes, levels: distinct.map((x) => String(x)) }, lostValues: 0 };
  }
  if (type === 'numeric') {
    const isBool = col.type === 'boolean';
    const num = col.levels.map((l) => {
      const x = parseNumber(l);
      if (!Number.isNaN(x) || !isBool) return x;
      const b = booleanToken(l);
      return b < 0 ? NaN : b;
    });
    const values = new Float64Array(col.codes.length);
    let lost = 0;
    for (let r = 0; r < values.length; r++) {
      const c = col.codes[r];
      if (c < 0) values[r] = NaN;
      else {
        const x = num[c];
        values[r] = x;
        if (Number.isNaN(x)) lost++;
      }
    }
    return { column: { type: 'numeric', name: col.name, values }, lostValues: lost };
  }
  if (type === 'boolean') {
    if (col.levels.length > 2) throw tooManyForBoolean(col.name, col.levels.length);
    if (col.levels.length === 2) {
      const a = booleanToken(col.levels[0]);
      const b = booleanToken(col.levels[1]);
      if (a === 1 && b === 0) {
        const r = reorder(col.codes, col.levels, [1, 0]);
        return { column: { type: 'boolean', name: col.name, codes: r.codes, levels: r.levels }, lostValues: 0 };
      }
    }
    return { column: { type: 'boolean', name: col.name, codes: col.codes, levels: col.levels }, lostValues: 0 };
  }
  return { column: { type: 'categorical', name: col.name, codes: col.codes, levels: col.levels }, lostValues: 0 };
}

function tooManyForBoolean(name: string, n: number): WorkbenchError {
  return new WorkbenchError(
    'roles-invalid',
    `Column '${name}' has ${n} distinct values; a boolean column has at most 2.`,
    'Keep it categorical, or choose a column with two values (such as yes/no).',
  );
}
