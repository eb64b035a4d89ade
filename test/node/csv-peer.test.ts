/**
 * Our CSV reader against papaparse 5 (the peer), on the edge cases papaparse documents and
 * tests (node_modules/papaparse/tests/test-cases.js, node-tests.js and its sample files).
 *
 * Where we mean to agree, both read the same input and every field is compared: ours through
 * the public API (`parseCsvText` with no missing tokens, so that each cell keeps its text),
 * papaparse with `skipEmptyLines: true` (the setting we compare with). Where we differ on
 * purpose, the test holds our behaviour AND papaparse's, so the difference is real, and says
 * why; the same list is in the doc comment of src/core/csv/index.ts.
 *
 * The last test checks how many cases and fields were compared, so this file cannot pass empty.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseCsvText, parseNumber, type CsvOptions, type ParsedCsv } from '../../src/core/csv';
import { WorkbenchError } from '../../src/core/errors';
import { cellText } from '../../src/core/table';

const PAPA_TESTS = new URL('../../node_modules/papaparse/tests/', import.meta.url);

let agreedCases = 0;
let comparedFields = 0;
let differences = 0;

/** our cells as text, row by row; numeric columns marked, since their text is String(value) */
function ourGrid(r: ParsedCsv): { names: string[]; rows: string[][]; numeric: boolean[] } {
  const cols = r.table.columns;
  const rows: string[][] = [];
  for (let i = 0; i < r.table.nRows; i++) rows.push(cols.map((c) => cellText(c, i)));
  return { names: cols.map((c) => c.name), rows, numeric: cols.map((c) => c.type === 'numeric') };
}

/** a papaparse field as our numeric column would show it */
function asOurs(text: string, numeric: boolean): string {
  return numeric ? String(parseNumber(text)) : text;
}

function papaRows(text: string, config: Papa.ParseConfig = {}): { rows: string[][]; delimiter: string } {
  const p = Papa.parse<string[]>(text, { skipEmptyLines: true, ...config });
  // 'UndetectableDelimiter' only says that papaparse fell back to ',' (a one-column file)
  const errors = p.errors.filter((e) => e.code !== 'UndetectableDelimiter');
  expect(errors, 'papaparse reads this input without errors').toEqual([]);
  return { rows: p.data, delimiter: p.meta.delimiter };
}

/** Both read `text` without a header; the fields must be the same. */
function agreeRows(text: string, options: CsvOptions = {}, papaConfig: Papa.ParseConfig = {}): void {
  const ours = ourGrid(parseCsvText(text, { header: false, missing: [], ...options }));
  const theirs = papaRows(text, { ...(options.delimiter && options.delimiter !== 'auto' ? { delimiter: options.delimiter } : {}), ...papaConfig });
  expect(ours.rows.length).toBe(theirs.rows.length);
  for (let r = 0; r < theirs.rows.length; r++) {
    expect(ours.rows[r].length, `row ${r}`).toBe(theirs.rows[r].length);
    for (let c = 0; c < theirs.rows[r].length; c++) {
      expect(ours.rows[r][c], `row ${r}, field ${c}`).toBe(asOurs(theirs.rows[r][c], ours.numeric[c]));
      comparedFields++;
    }
  }
  agreedCases++;
}

/** Both read `text` with a header row; names and fields must be the same. */
function agreeWithHeader(text: string, options: CsvOptions = {}): ParsedCsv {
  const parsed = parseCsvText(text, { header: true, missing: [], ...options });
  const ours = ourGrid(parsed);
  const p = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  expect(p.errors).toEqual([]);
  expect(ours.names).toEqual(p.meta.fields);
  comparedFields += ours.names.length;
  expect(ours.rows.length).toBe(p.data.length);
  p.data.forEach((row, r) => {
    ours.names.forEach((name, c) => {
      expect(ours.rows[r][c], `row ${r}, ${name}`).toBe(asOurs(row[name], ours.numeric[c]));
      comparedFields++;
    });
  });
  agreedCases++;
  return parsed;
}

function ourError(f: () => unknown): WorkbenchError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error('expected a WorkbenchError');
}

describe('agreement: quoting (papaparse core parser tests)', () => {
  it.each([
    ['one row', 'A,b,c'],
    ['two rows', 'A,b,c\nd,E,f'],
    ['three rows', 'A,b,c\nd,E,f\nG,h,i'],
    ['quoted field', 'A,"B",C'],
    ['quoted field with spaces inside', 'A," B  ",C'],
    ['quoted field with the delimiter', 'A,"B,B",C'],
    ['quoted field with a line break', 'A,"B\nB",C'],
    ['quoted fields with line breaks', 'A,"B\nB","C\nC\nC"'],
    ['quoted field at the end of a row with delimiter and line break', 'a,b,"c,c\nc"\nd,e,f'],
    ['escaped quotes', 'A,"B""B""B",C'],
    ['escaped quotes at the boundaries', 'A,"""B""",C'],
    ['quote at the end of an unquoted field', 'A,B",C'],
    ['quotes around a delimiter', 'A,""",""",C'],
    ['quotes right of a delimiter', 'A,",""",C'],
    ['quotes left of a delimiter', 'A,""",",C'],
    ['five quotes in a row and a delimiter (papaparse issue #121)', '"x","cnonce="""",nc=""""","y"'],
    ['misplaced quotes in data, not opening a field', 'A,B "B",C'],
    ['misplaced quotes twice', 'A,B",C\nD,E",F'],
    ['valid closing quote before a delimiter', 'a,"b",c\nd,e,f'],
    ['valid closing quote before a line break', 'a,b,"c"\nd,e,f'],
    ['valid closing quote at the end of the input', 'a,b,c\nd,e,"f"'],
    ['quoted field holding delimiters and a line break', 'a,"b,c\nd,e,f"'],
    ['a line starts with a quoted field', 'a,b,c\n"d",e,f'],
    ['a line starts with an empty unquoted field', ',b,c\n"d",e,f'],
    ['lines end with quoted fields', 'a,b,c\nd,e,f\n"g","h","i"\n"j","k","l"'],
    ['first field empty, next fields quoted', 'a,b,c\n,e,f\n,"h","i"\n,"k","l"'],
    ['quoted field with quotes at the end of a row', 'a,b,"c""c"""\nd,e,f'],
    ['empty quoted fields', 'a,b,""\na,b,""'],
    ['consecutive empty fields', 'a,b,,,c,d\n,,e,,,f'],
    ['the input is only a delimiter: two empty fields', ','],
    ['spaces between a closing quote and the delimiter', 'A,"B" ,C,D\r\nE,F,"G"  ,H'],
    ['spaces between a closing quote and the line break', 'A,B,C,"D" \r\nE,F,G,"H"  \r\nQ,W,E,R'],
    ['spaces after closing quotes', 'A,"B" ,C,"D" \r\nE,F,"G"  ,"H"  \r\nQ,W,"E" ,R'],
    ['first field of a line empty', 'a,b,c\r\n,e,f'],
    ['last field of a line empty', 'a,b,\r\nd,e,f'],
    ['other fields empty', 'a,,c\r\n,,'],
    ['non-ASCII text', 'é,ß\n𝄞,"€, ¥"'],
  ])('%s', (_, text) => {
    agreeRows(text, { delimiter: ',' });
  });
});

describe('agreement: line ends, blank lines, one column, many columns', () => {
  it.each([
    ['LF', 'A,b,c\nd,E,f'],
    ['CRLF', 'A,b,c\r\nd,E,f'],
    ['CR alone', 'A,b,c\rd,E,f'],
    ['quoted CRLF', 'A,"B\r\nB",C'],
    ['quoted CR', 'A,"B\rB",C'],
    ['trailing newline', 'a,b\nc,d\n'],
    ['blank line in the middle', 'a,b,c\n\nd,e,f'],
    ['blank CRLF line and a trailing CRLF', 'a,b,c\r\n\r\nd,e,f\r\n'],
    ['blank line at the beginning', '\r\na,b,c\r\nd,e,f'],
    ['blank lines at the end', 'a,b,c\nd,e,f\n\n'],
  ])('%s', (_, text) => {
    agreeRows(text, { delimiter: ',' });
  });

  it('one column, no delimiter found (both sniff)', () => {
    agreeRows('a\nb\nc\nd\ne');
  });

  it('one column with empty lines, skipped by both', () => {
    agreeRows('a\nb\n\n\nc\nd\ne\n');
  });

  it('many columns (300), some quoted', () => {
    const row = (r: number): string => Array.from({ length: 300 }, (_, c) => (c % 7 === 0 ? `"v${r},${c}"` : `v${r}_${c}`)).join(',');
    agreeRows(`${row(1)}\n${row(2)}\n${row(3)}\n`);
  });
});

describe('agreement: delimiter sniffing, header, BOM, sample files', () => {
  it.each([
    ['tab', 'a\tb\tc\r\nd\te\tf', '\t'],
    ['semicolon', 'a;b;c\nd;e;f', ';'],
    ['semicolon with quoted commas in the first field', '"Field1,1,1";Field2;"Field3";Field4;Field5;Field6', ';'],
    ['semicolon with quoted commas and escaped quotes', 'Field1;Field2;"Field,3,""3,3";Field4;Field5;"Field6,6"', ';'],
  ])('%s', (_, text, delimiter) => {
    expect(parseCsvText(text, { header: false }).delimiter).toBe(delimiter);
    expect(papaRows(text).delimiter).toBe(delimiter);
    agreeRows(text);
  });

  it('a quoted field holding line breaks and other delimiters (papaparse issue #1077)', () => {
    const text = 'id;title;data\r\n1;row one;"{\n  ""a"": 1,\n  ""b"": 2,\n  ""c"": 3,\n  ""d"": 4\n}"\r\n2;row two;"{\n  ""a"": 1,\n  ""b"": 2,\n  ""c"": 3,\n  ""d"": 4\n}"';
    const r = agreeWithHeader(text);
    expect(r.delimiter).toBe(';');
    expect(r.table.columns[0].type).toBe('numeric');
  });

  it('a header row with one data row', () => {
    agreeWithHeader('A,B,C\r\na,b,c');
  });

  it('header with empty first fields below', () => {
    agreeWithHeader('A,B,C\r\n,b1,c1\r\n,b2,c2');
  });

  it('a UTF-8 BOM is dropped, with and without a header', () => {
    agreeRows('\ufeffA,B\nX,Y');
    const r = agreeWithHeader('\ufeffA,B\nX,Y');
    expect(r.table.columns[0].name).toBe('A');
  });

  it("papaparse's long-sample.csv", () => {
    const text = readFileSync(new URL('long-sample.csv', PAPA_TESTS), 'utf8');
    agreeRows(text);
    expect(parseCsvText(text, { header: false }).table.nRows).toBe(8);
  });

  it("papaparse's utf-8-bom-sample.csv, read from bytes", () => {
    const text = readFileSync(new URL('utf-8-bom-sample.csv', PAPA_TESTS), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    agreeWithHeader(text);
  });
});

describe('agreement: what a number is (papaparse dynamicTyping vs our parseNumber)', () => {
  it.each(['0', '1', '-1', '2.5', '-.5', '.5', '5.', '1e3', '1E-3', '-2.5e+2', ' 7 ', '007', '1,5', '1 000', '0x10', 'Infinity', 'NaN', '1e400', 'abc', '1.2.3', '--1', '1e'])(
    '%j',
    (text) => {
      const theirs = Papa.parse<unknown[]>(`x\n"${text}"`, { dynamicTyping: true, delimiter: ',' }).data[1][0];
      const ours = parseNumber(text);
      if (typeof theirs === 'number') expect(ours).toBe(theirs);
      else expect(ours).toBeNaN();
      comparedFields++;
      agreedCases++;
    },
  );
});

describe('differences on purpose (ours, then papaparse, then why)', () => {
  it('spaces around unquoted fields: we trim them', () => {
    // a spreadsheet export pads numbers and names; ' 30 ' must be the number 30
    expect(ourGrid(parseCsvText('a, b ,c', { header: false, delimiter: ',' })).rows).toEqual([['a', 'b', 'c']]);
    expect(papaRows('a, b ,c').rows).toEqual([['a', ' b ', 'c']]);
    differences++;
  });

  it('a tab next to an unquoted field is kept by both, trailing spaces only by papaparse', () => {
    // we trim spaces, not tabs: with ',' as delimiter a tab is data
    expect(ourGrid(parseCsvText('a,\tb ,c', { header: false, delimiter: ',' })).rows).toEqual([['a', '\tb', 'c']]);
    expect(papaRows('a,\tb ,c').rows).toEqual([['a', '\tb ', 'c']]);
    differences++;
  });

  it('spaces before an opening quote: we read a quoted field', () => {
    // `A, "B" ,C` is how people write quoted fields after a comma and a space
    expect(ourGrid(parseCsvText('A, "B" ,C', { header: false, delimiter: ',' })).rows).toEqual([['A', 'B', 'C']]);
    expect(papaRows('A, "B" ,C').rows).toEqual([['A', ' "B" ', 'C']]);
    differences++;
  });

  it('a quote never closed: we refuse the file instead of reading to the end', () => {
    // papaparse swallows every later row into one field and reports MissingQuotes beside the data
    const e = ourError(() => parseCsvText('a,"b,c\nd,e,f', { header: false, delimiter: ',' }));
    expect(e.code).toBe('csv-malformed');
    expect(e.message).toMatch(/line 1/);
    const p = Papa.parse<string[]>('a,"b,c\nd,e,f');
    expect(p.data).toEqual([['a', 'b,c\nd,e,f']]);
    expect(p.errors.map((x) => x.code)).toEqual(['MissingQuotes']);
    differences++;
  });

  it('text after a closing quote: we keep it in the field, with a warning', () => {
    // papaparse treats the quote as not closing and reads on to the end of the file
    const r = parseCsvText('a,"b"c,d\ne,f,g', { header: false, delimiter: ',' });
    expect(ourGrid(r).rows).toEqual([['a', 'bc', 'd'], ['e', 'f', 'g']]);
    expect(r.warnings.join(' ')).toMatch(/after a closing quote/);
    const p = Papa.parse<string[]>('a,"b"c,d\ne,f,g');
    expect(p.data).toEqual([['a', 'b"c,d\ne,f,g']]);
    expect(p.errors.map((x) => x.code)).toEqual(['InvalidQuotes', 'MissingQuotes']);
    differences++;
  });

  it('mixed line ends: we end a row at every LF, CRLF or CR', () => {
    // papaparse picks one line end for the file and keeps the others as data ('f\rg')
    expect(ourGrid(parseCsvText('a,b,c\nd,e,f\rg,h,i\n', { header: false, delimiter: ',' })).rows).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g', 'h', 'i']]);
    expect(Papa.parse<string[]>('a,b,c\nd,e,f\rg,h,i\n', { skipEmptyLines: true }).data).toEqual([['a', 'b', 'c'], ['d', 'e', 'f\rg', 'h', 'i']]);
    differences++;
  });

  it('a line of spaces only: we skip it as blank', () => {
    // papaparse's skipEmptyLines: true keeps it as a row with one field ' '
    expect(ourGrid(parseCsvText('a,b,c\r\n \r\nd,e,f', { header: false, delimiter: ',' })).rows).toEqual([['a', 'b', 'c'], ['d', 'e', 'f']]);
    expect(papaRows('a,b,c\r\n \r\nd,e,f').rows).toEqual([['a', 'b', 'c'], [' '], ['d', 'e', 'f']]);
    differences++;
  });

  it('a row with too few or too many fields: we refuse the file, naming the line', () => {
    // a short row would shift values into the wrong columns; papaparse returns it with an error
    expect(ourError(() => parseCsvText('A,B,C\r\na,b')).message).toBe('Line 2 has 2 fields but the header has 3.');
    expect(Papa.parse('A,B,C\r\na,b', { header: true }).errors.map((x) => x.code)).toEqual(['TooFewFields']);
    expect(ourError(() => parseCsvText('A,B,C\r\na,b,c,d,e\r\nf,g,h')).message).toBe('Line 2 has 5 fields but the header has 3.');
    expect(Papa.parse('A,B,C\r\na,b,c,d,e\r\nf,g,h', { header: true }).errors.map((x) => x.code)).toEqual(['TooManyFields']);
    const ragged = readFileSync(new URL('verylong-sample.csv', PAPA_TESTS), 'utf8');
    expect(ourError(() => parseCsvText(ragged)).code).toBe('csv-ragged');
    expect(Papa.parse<string[]>(ragged, { skipEmptyLines: true }).data.some((row) => row.length === 2)).toBe(true);
    differences++;
  });

  it('a header and no rows, or nothing at all: we refuse', () => {
    // an empty table is never what a person meant to load
    expect(ourError(() => parseCsvText('A,B,C')).code).toBe('csv-header-only');
    expect(Papa.parse('A,B,C', { header: true }).data).toEqual([]);
    expect(ourError(() => parseCsvText('')).code).toBe('csv-empty');
    expect(Papa.parse('', { skipEmptyLines: true }).data).toEqual([]);
    differences++;
  });

  it('repeated column names: we number them from _2', () => {
    // papaparse numbers from _1; ours reads 'second a'
    expect(parseCsvText('A,A,A,A\nw,x,y,z').table.columns.map((c) => c.name)).toEqual(['A', 'A_2', 'A_3', 'A_4']);
    expect(Papa.parse('A,A,A,A\nw,x,y,z', { header: true }).meta.fields).toEqual(['A', 'A_1', 'A_2', 'A_3']);
    differences++;
  });

  it("the pipe '|' is not sniffed: the file is read as one column", () => {
    // we sniff ',', ';', tab and whitespace only; a pipe file needs the delimiter given
    expect(parseCsvText('one|two|three\nfour|five|six').table.columns.length).toBe(1);
    expect(papaRows('one|two|three\nfour|five|six').delimiter).toBe('|');
    differences++;
  });

  it('words separated by spaces and no delimiter: we read columns separated by whitespace', () => {
    // papaparse reads 'Abc def' as one field; we sniff whitespace-separated text
    expect(parseCsvText('Abc def\nghi jkl', { header: false }).table.columns.length).toBe(2);
    expect(papaRows('Abc def\nghi jkl').rows).toEqual([['Abc def'], ['ghi jkl']]);
    differences++;
  });

  it('numbers: a leading + and integers past 2^53 are numbers for us', () => {
    // papaparse keeps them as text (no '+' in its pattern; it guards integer precision); a
    // numeric column is Float64, so 9007199254740993 is stored as the nearest double
    for (const text of ['+1', '9007199254740993']) {
      expect(parseNumber(text)).toBe(Number(text));
      expect(Papa.parse<unknown[]>(`x\n${text}`, { dynamicTyping: true }).data[1][0]).toBe(text);
    }
    differences++;
  });

  it('booleans and missing values: we infer a yes/no column and read NA as missing', () => {
    // papaparse's dynamicTyping makes only true/TRUE/false/FALSE booleans and '' null
    const r = parseCsvText('flag,x\nyes,NA\nno,1\n');
    expect(r.table.columns[0].type).toBe('boolean');
    expect(Number.isNaN((r.table.columns[1] as { values: Float64Array }).values[0])).toBe(true);
    const p = Papa.parse<Record<string, unknown>>('flag,x\nyes,NA\nno,1\n', { header: true, dynamicTyping: true, skipEmptyLines: true });
    expect(p.data[0]).toEqual({ flag: 'yes', x: 'NA' });
    differences++;
  });
});

describe('count', () => {
  it('every case above compared something', () => {
    // quoting 37; line ends 10, one column 2, many columns 1; sniffed delimiters 4, issue #1077 1,
    // header 2, BOM 2, sample files 2; numbers 22
    expect(agreedCases).toBe(37 + 10 + 2 + 1 + 4 + 1 + 2 + 2 + 2 + 22);
    expect(comparedFields).toBeGreaterThan(1100);
    expect(differences).toBe(14);
  });
});
