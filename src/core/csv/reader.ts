/**
 * The streaming reader: bytes (or text) in any chunking → {@link ParsedCsv}.
 *
 * Stages: decode (with the binary check on the first KB) → hold back a sample → sniff the
 * delimiter and the header from it → tokenize everything into the table sink → name the
 * columns, infer and override their types, collect warnings.
 */
import { WorkbenchError } from '../errors';
import type { Column } from '../table';
import { TableSink, uniqueNames } from './columns';
import { binaryError, binaryTextError, countReplaced, HEAD_BYTES, newUtf8Decoder, type TextDecoderLike } from './decode';
import { retypeColumn } from './retype';
import { SAMPLE_CHARS, SAMPLE_ROWS, sampleRows, sniffDelimiter, sniffHeader } from './sniff';
import { createTokenizer, type Tokenizer } from './tokenizer';
import type { CsvOptions, Delimiter, ParsedCsv } from './types';
import { missingTest, type MissingTest } from './values';

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
  private delimiter: Delimiter = ',';
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
      const e = binaryTextError(text);
      if (e) throw e;
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
    this.replaced += countReplaced(text);
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
    const header = hOpt === 'auto' ? sniffHeader(sampleRows(sample, this.delimiter, sampleFinal)?.rows ?? [], this.isMissing) : hOpt;
    this.sink = new TableSink(header, this.isMissing, this.delimiter);
    this.tok = createTokenizer(this.delimiter, this.sink);
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
      this.replaced += countReplaced(tail);
    }
    if (!this.headChecked) this.checkHead();
    if (this.tok === null) this.start(true);
    else this.tok.feed('', true);
    return this.build();
  }

  private build(): ParsedCsv {
    const sink = this.sink!;
    this.checkHasData(sink);
    const warnings: string[] = [];
    const names = this.columnNames(sink, warnings);
    const columns = this.typedColumns(sink, names, warnings);
    if (this.replaced > 0) {
      warnings.push(`${this.replaced} invalid UTF-8 sequence${this.replaced === 1 ? ' was' : 's were'} replaced with '\ufffd'; the file may not be UTF-8 (e.g. Latin-1)`);
    }
    const stray = this.tok!.strayAfterQuote;
    if (stray > 0) {
      warnings.push(`${stray} field${stray === 1 ? ' has' : 's have'} text after a closing quote; it was kept as part of the field`);
    }
    return {
      table: { nRows: sink.nRows, columns },
      delimiter: this.delimiter,
      header: sink.header,
      rowsRead: sink.nRows,
      warnings,
    };
  }

  /** `csv-empty` without any row; `csv-header-only` with a header and no data row */
  private checkHasData(sink: TableSink): void {
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
  }

  /** unique column names, with a warning for renamed ones or for a sniffed data first row */
  private columnNames(sink: TableSink, warnings: string[]): string[] {
    const rawNames = sink.names;
    const names = uniqueNames(rawNames);
    if (sink.header) {
      const renamed = names.filter((nm, i) => nm !== rawNames[i].trim() || rawNames[i].trim().length === 0);
      if (renamed.length > 0) warnings.push(`empty or repeated column names were renamed: ${renamed.join(', ')}`);
    } else if ((this.options.header ?? 'auto') === 'auto') {
      warnings.push(`the first row looks like data, so columns are named column1..column${names.length}`);
    }
    return names;
  }

  /** the builders' columns with `columnTypes` applied, and their warnings */
  private typedColumns(sink: TableSink, names: string[], warnings: string[]): Column[] {
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
    return columns;
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
 * > 20 % invalid UTF-8 in the first KB), `csv-fixed-width` (no delimiter sniffed and the lines
 * look laid out with spaces; see `spaceAlignedProblem`), `csv-ragged` (a row whose field count
 * differs from the header's; the message names the 1-based line and both counts),
 * `csv-malformed` (a quote never closed at end of file), `csv-empty` (no bytes, or only blank
 * lines) and `csv-header-only` (a header but no data rows). Errors may surface from `push` or
 * `finish`.
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
