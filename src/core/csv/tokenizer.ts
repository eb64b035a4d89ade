/**
 * Tokenizers: decoded text, arriving in pieces of any size, → fields and row ends.
 *
 * Both tokenizers read RFC 4180 quoting: a field may be wrapped in double quotes; inside quotes
 * a doubled quote is one quote, and delimiters and line breaks are literal. Rows end with LF,
 * CRLF or a lone CR. A field not finished at the end of a piece is kept (from its first
 * character) and read again with the next piece, so a piece may end anywhere: inside quotes,
 * between a CR and its LF, or between a quote and the quote that doubles it.
 *
 * - {@link DelimitedTokenizer} splits on one character (',', ';' or tab). Unquoted fields are
 *   trimmed of surrounding spaces; text after a closing quote is kept as part of the field
 *   (counted in `strayAfterQuote`); a delimiter at the very end of the text makes one more
 *   empty field.
 * - {@link WhitespaceTokenizer} splits on runs of spaces and tabs and ignores them at the start
 *   and end of a line, so no field is empty unless written as `""`.
 *
 * Both skip blank lines (nothing, or only spaces, between two line breaks) and count physical
 * lines, so that errors can name the line a row starts on.
 */
import { WorkbenchError } from '../errors';
import type { Delimiter } from './types';

const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;

/** Receives the fields of each row in order, then the row's end. */
export interface FieldSink {
  field(value: string): void;
  endRow(): void;
}

/** What the reader needs of a tokenizer. */
export interface Tokenizer {
  /** reads the next piece of text; `final` says no more text follows */
  feed(text: string, final: boolean): void;
  /** 1-based physical line where the current (or last) row started */
  readonly rowLine: number;
  /** blank lines skipped so far */
  readonly blankLines: number;
  /** fields with text between their closing quote and the next separator */
  readonly strayAfterQuote: number;
}

/** A tokenizer for `delimiter` that hands its fields to `sink`. */
export function createTokenizer(delimiter: Delimiter, sink: FieldSink): Tokenizer {
  return delimiter === 'whitespace' ? new WhitespaceTokenizer(sink) : new DelimitedTokenizer(delimiter.charCodeAt(0), sink);
}

function unterminated(line: number): WorkbenchError {
  return new WorkbenchError(
    'csv-malformed',
    `Unterminated quoted field: the double quote that opens a field on line ${line} is never closed.`,
    'Check that quotes inside quoted fields are doubled ("") and that the file is complete (not cut off).',
  );
}

/** What both tokenizers share: quoted fields, line counting, blank lines, handing fields on. */
abstract class TokenizerBase implements Tokenizer {
  /** the unfinished end of the previous piece, read again with the next */
  protected rest = '';
  /** 1-based physical line number at the read position */
  protected line = 1;
  rowLine = 1;
  protected rowOpen = false;
  blankLines = 0;
  strayAfterQuote = 0;
  /** the value of the quoted field last read by {@link scanQuoted} */
  protected quoted = '';

  constructor(protected readonly sink: FieldSink) {}

  abstract feed(text: string, final: boolean): void;

  /**
   * Reads the quoted field whose opening quote is at `p`: sets {@link quoted} to its value and
   * returns the index just after the closing quote. Returns -1 when the piece ends before that
   * can be decided (not final); throws `csv-malformed` when the text ends inside the quotes.
   */
  protected scanQuoted(s: string, p: number, final: boolean): number {
    const n = s.length;
    let j = p + 1;
    let seg = j;
    let value = '';
    for (;;) {
      const q = s.indexOf('"', j);
      if (q < 0) {
        if (final) throw unterminated(this.line);
        return -1;
      }
      if (q + 1 < n) {
        if (s.charCodeAt(q + 1) === QUOTE) {
          value += s.slice(seg, q + 1);
          j = seg = q + 2;
          continue;
        }
      } else if (!final) {
        return -1; // cannot tell "" from a closing quote yet
      }
      this.quoted = value + s.slice(seg, q);
      return q + 1;
    }
  }

  /**
   * Hands one field on. An empty unquoted field that would be a row on its own is a blank
   * line and is skipped. `lineBreak` says whether a line break (not the end of the text)
   * ends the row.
   */
  protected emit(value: string, quoted: boolean, endsRow: boolean, lineBreak: boolean): void {
    if (!quoted && endsRow && !this.rowOpen && value.length === 0) {
      this.blankLines++;
      if (lineBreak) this.line++;
      return;
    }
    if (!this.rowOpen) {
      this.rowOpen = true;
      this.rowLine = this.line;
    }
    if (quoted) {
      for (let nl = value.indexOf('\n'); nl >= 0; nl = value.indexOf('\n', nl + 1)) this.line++;
    }
    this.sink.field(value);
    if (endsRow) {
      if (lineBreak) this.line++;
      this.rowOpen = false;
      this.sink.endRow();
    }
  }
}

/** Fields separated by one character (see the module comment). */
export class DelimitedTokenizer extends TokenizerBase {
  constructor(private readonly delim: number, sink: FieldSink) {
    super(sink);
  }

  feed(text: string, final: boolean): void {
    const s = this.rest.length > 0 ? this.rest + text : text;
    this.rest = '';
    const n = s.length;
    const d = this.delim;
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
        k = this.scanQuoted(s, p, final);
        if (k < 0) {
          this.rest = s.slice(start);
          return;
        }
        value = this.quoted;
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
      // the terminator
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
      this.emit(value, quoted, endsRow, k < n);
      i = next;
    }
    if (final && this.rowOpen) {
      // the text ended right after a delimiter: one more empty field
      this.rowOpen = false;
      this.sink.field('');
      this.sink.endRow();
    }
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Fields separated by runs of spaces and tabs (see the module comment). */
export class WhitespaceTokenizer extends TokenizerBase {
  feed(text: string, final: boolean): void {
    const s = this.rest.length > 0 ? this.rest + text : text;
    this.rest = '';
    const n = s.length;
    let i = 0;
    while (i < n) {
      const start = i;
      let p = i;
      while (p < n && isBlank(s.charCodeAt(p))) p++;
      let value: string;
      let quoted = false;
      let k: number; // the end of the field
      if (p < n && s.charCodeAt(p) === QUOTE) {
        quoted = true;
        k = this.scanQuoted(s, p, final);
        if (k < 0) {
          this.rest = s.slice(start);
          return;
        }
        value = this.quoted;
        let e = k;
        for (let c: number; e < n && !isBlank((c = s.charCodeAt(e))) && c !== LF && c !== CR; ) e++;
        if (e > k) {
          // lenient, as in delimited mode: text after the closing quote is kept
          if (e === n && !final) {
            this.rest = s.slice(start);
            return;
          }
          value += s.slice(k, e);
          this.strayAfterQuote++;
          k = e;
        }
      } else {
        let j = p;
        for (let c: number; j < n && !isBlank((c = s.charCodeAt(j))) && c !== LF && c !== CR; ) j++;
        value = p === j ? '' : s.slice(p, j);
        k = j;
      }
      // whitespace after the field, then a line break, the end, or the next field
      let e = k;
      while (e < n && isBlank(s.charCodeAt(e))) e++;
      if (e === n && !final) {
        this.rest = s.slice(start);
        return;
      }
      let endsRow = true;
      let next: number;
      if (e >= n) next = n;
      else {
        const t = s.charCodeAt(e);
        if (t === LF) next = e + 1;
        else if (t === CR) {
          if (e + 1 >= n && !final) {
            this.rest = s.slice(start); // a CR whose LF may be in the next piece
            return;
          }
          next = e + 1 < n && s.charCodeAt(e + 1) === LF ? e + 2 : e + 1;
        } else {
          endsRow = false;
          next = e;
        }
      }
      this.emit(value, quoted, endsRow, e < n);
      i = next;
    }
  }
}
