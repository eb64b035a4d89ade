/**
 * Sniffing: from the first lines of a file, which delimiter separates its fields and whether
 * its first row holds column names. Also the refusal of text laid out in space-aligned
 * (fixed-width) columns, which no delimiter reads correctly.
 */
import { WorkbenchError } from '../errors';
import { createTokenizer, type FieldSink, type Tokenizer } from './tokenizer';
import type { Delimiter } from './types';
import { parseNumber, type MissingTest } from './values';

/** rows of the sample used to sniff the delimiter and the header */
export const SAMPLE_ROWS = 50;
/** characters of the sample used to sniff the delimiter and the header */
export const SAMPLE_CHARS = 65536;

/** The first rows of a sample as strings, with the physical line each starts on. */
export interface SampleRows {
  rows: string[][];
  lines: number[];
}

class SampleSink implements FieldSink {
  rows: string[][] = [];
  lines: number[] = [];
  tok!: Tokenizer;
  private cur: string[] = [];
  field(value: string): void {
    if (this.rows.length < SAMPLE_ROWS) this.cur.push(value);
  }
  endRow(): void {
    if (this.rows.length < SAMPLE_ROWS) {
      this.rows.push(this.cur);
      this.lines.push(this.tok.rowLine);
    }
    this.cur = [];
  }
}

/**
 * The complete rows of `text` split with `delimiter` (up to {@link SAMPLE_ROWS}); a row cut
 * off at the end of a non-final sample is left out. Null when the text cannot be tokenized
 * that way (a quote never closed).
 */
export function sampleRows(text: string, delimiter: Delimiter, final: boolean): SampleRows | null {
  const sink = new SampleSink();
  sink.tok = createTokenizer(delimiter, sink);
  try {
    sink.tok.feed(text, final);
  } catch {
    return null;
  }
  return { rows: sink.rows, lines: sink.lines };
}

const CANDIDATES = [',', ';', '\t'] as const;

/** How well a one-character delimiter splits the sample; a larger fit is better. */
const Fit = {
  /** the first row is not split */
  None: 0,
  /** the first row has ≥ 2 fields, but fewer than 80 % of the rows have as many */
  SplitsFirst: 1,
  /** ≥ 80 % of the rows have the first row's count (≥ 2) */
  Most: 2,
  /** every row has the first row's count (≥ 2) */
  Every: 3,
} as const;
type Fit = (typeof Fit)[keyof typeof Fit];

/** How a one-character candidate splits the sample. */
interface CharacterFit {
  delimiter: Delimiter;
  fit: Fit;
  /** fields in the first row */
  fields: number;
  /** every row has ≥ 2 fields */
  splitsEveryRow: boolean;
}

function measure(text: string, final: boolean, c: Delimiter): CharacterFit {
  const sample = sampleRows(text, c, final);
  const rows = sample?.rows ?? [];
  const f = rows.length > 0 ? rows[0].length : 0;
  if (f < 2) return { delimiter: c, fit: Fit.None, fields: f, splitsEveryRow: false };
  let same = 0;
  let split = 0;
  for (const r of rows) {
    if (r.length === f) same++;
    if (r.length >= 2) split++;
  }
  const fit = same === rows.length ? Fit.Every : same >= 0.8 * rows.length ? Fit.Most : Fit.SplitsFirst;
  return { delimiter: c, fit, fields: f, splitsEveryRow: split === rows.length };
}

/** The best of some candidates: better fit, then more fields, then the order given. */
function best(fits: CharacterFit[]): CharacterFit | null {
  let b: CharacterFit | null = null;
  for (const x of fits) {
    if (x.fit === Fit.None) continue;
    if (b === null || x.fit > b.fit || (x.fit === b.fit && x.fields > b.fields)) b = x;
  }
  return b;
}

/**
 * Picks the delimiter, in this order:
 * 1. a character (',', ';', tab) that splits every sample row into the same count ≥ 2
 *    (quotes respected; ties: more fields, then that order);
 * 2. ',' or ';' when it splits the first row and every other sample row into ≥ 2 fields, though
 *    not alike: a real delimiter with a ragged row. Whitespace cannot see these characters,
 *    so it would read such a file with the delimiters inside its fields;
 * 3. whitespace, when runs of spaces/tabs split every sample row into the same count ≥ 2 (this
 *    beats a ragged tab, which whitespace includes: lines mixing tabs and spaces);
 * 4. a character that splits the first row into ≥ 2 fields but not every row alike: the file
 *    is read with it, so that the ragged-row error names the line;
 * 5. nothing splits the rows: the file is one column (read with ','), unless it looks
 *    space-aligned, which is refused (see {@link spaceAlignedProblem}).
 */
export function sniffDelimiter(text: string, final: boolean): Delimiter {
  const fits = CANDIDATES.map((c) => measure(text, final, c));
  const char = best(fits);
  if (char?.fit === Fit.Every) return char.delimiter;
  const ragged = best(fits.filter((x) => x.delimiter !== '\t' && x.splitsEveryRow));
  if (ragged) return ragged.delimiter;
  const ws = sampleRows(text, 'whitespace', final);
  if (ws && ws.rows.length > 0) {
    const f = ws.rows[0].length;
    if (f >= 2 && ws.rows.every((r) => r.length === f)) return 'whitespace';
  }
  if (char) return char.delimiter;
  const problem = ws ? spaceAlignedProblem(text, ws) : null;
  if (problem) throw problem;
  return ',';
}

/** A run of two or more spaces, or a tab, between two non-blank characters of one line. */
const PADDING_RE = /\S(?: {2,}|[ \t]*\t[ \t]*)\S/;

/**
 * When no delimiter splits the rows and whitespace splits them unevenly, decides between
 * "one column" and "columns laid out with spaces that cannot be read safely" (fixed-width
 * text, or a space-separated table with a value that holds a space or a missing cell).
 * It is refused (`csv-fixed-width`) when:
 * - the first line splits into ≥ 2 fields and is padded (a run of ≥ 2 spaces or a tab
 *   between two of them): an aligned header;
 * - at least half the sample lines (and at least 2) are padded: an aligned body; or
 * - the first line splits into ≥ 2 fields and at least half the other lines split into as many:
 *   a space-separated table with some rows that do not fit.
 * Otherwise the file is one column: one word per line, or a header over free text (words
 * separated by single spaces, their count varying from line to line). Short texts under a
 * header of as many words (`city name` over `New York`, `Rome`, `Los Angeles`) cannot be told
 * from a space-separated table with a bad row and are refused; quoting the header makes them
 * one column, as the hint says.
 */
export function spaceAlignedProblem(text: string, ws: SampleRows): WorkbenchError | null {
  const { rows, lines } = ws;
  if (rows.length === 0) return null;
  const f = rows[0].length;
  const physical = text.split(/\r\n|\r|\n/, Math.max(...lines) + 1);
  const padded = lines.map((ln) => PADDING_RE.test(stripQuoted(physical[ln - 1] ?? '')));
  const nPadded = padded.filter(Boolean).length;
  const sameAsFirst = rows.slice(1).filter((r) => r.length === f).length;
  const aligned = (f >= 2 && padded[0]) || (nPadded >= 2 && nPadded >= rows.length / 2) || (f >= 2 && rows.length > 1 && sameAsFirst >= (rows.length - 1) / 2);
  if (!aligned) return null;
  const r = rows.findIndex((row) => row.length !== f);
  const seen =
    r < 0
      ? `its lines are padded with runs of spaces (line ${lines[0]}: ${f} field${f === 1 ? '' : 's'})`
      : `split on spaces, line ${lines[0]} has ${f} field${f === 1 ? '' : 's'} but line ${lines[r]} has ${rows[r].length}`;
  return new WorkbenchError(
    'csv-fixed-width',
    `This file looks like space-aligned (fixed-width) text, not CSV: no comma, semicolon or tab separates its columns, and ${seen}, so its columns cannot be told apart safely.`,
    'Save it as CSV with commas, semicolons or tabs between the columns (in a spreadsheet: Save As → CSV). If it really is one column of text, put its first line in double quotes.',
  );
}

/** The line with quoted stretches blanked out, so that spaces inside quotes are not padding. */
function stripQuoted(line: string): string {
  return line.indexOf('"') < 0 ? line : line.replace(/"(?:[^"]|"")*"?/g, 'q');
}

/**
 * Decides whether the first sample row is a header. It is data (not a header) when, in some
 * column, it holds a number and every later non-missing sample value there is a number too;
 * or when every non-missing first-row cell also occurs further down its column. With fewer
 * than two rows it is a header.
 */
export function sniffHeader(rows: string[][], isMissing: MissingTest): boolean {
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
