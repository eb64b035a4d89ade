/**
 * Whitespace-separated and space-aligned (fixed-width) text: read the first, refuse the
 * second, and keep one-column files as one column.
 */
import { describe, expect, it } from 'vitest';
import { createCsvReader, parseCsvText, type ParsedCsv } from '../../src/core/csv';
import { WorkbenchError } from '../../src/core/errors';
import type { ColumnTable } from '../../src/core/table';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function names(t: ColumnTable): string[] {
  return t.columns.map((c) => c.name);
}
function num(t: ColumnTable, name: string): number[] {
  const c = t.columns.find((x) => x.name === name);
  if (!c || c.type !== 'numeric') throw new Error(`${name} is not a numeric column`);
  return Array.from(c.values, (v) => (Number.isNaN(v) ? -999 : v));
}
function texts(t: ColumnTable, name: string): (string | null)[] {
  const c = t.columns.find((x) => x.name === name);
  if (!c || c.type === 'numeric') throw new Error(`${name} is not a categorical column`);
  return Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
}
function problem(f: () => unknown): WorkbenchError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    const w = e as WorkbenchError;
    expect(w.hint?.length).toBeGreaterThan(0);
    return w;
  }
  throw new Error('expected a WorkbenchError');
}

/** the bank-like table every whitespace layout below must read to */
function expectBank(r: ParsedCsv): void {
  expect(r.delimiter).toBe('whitespace');
  expect(r.header).toBe(true);
  expect(names(r.table)).toEqual(['age', 'job', 'y']);
  expect(num(r.table, 'age')).toEqual([30, 41, 45]);
  expect(texts(r.table, 'job')).toEqual(['admin', 'technician', 'blue-collar']);
  expect(r.table.columns[2].type).toBe('boolean');
  expect(texts(r.table, 'y')).toEqual(['yes', 'no', 'no']);
}

describe('whitespace-separated text is sniffed and read', () => {
  it('single spaces', () => {
    expectBank(parseCsvText('age job y\n30 admin yes\n41 technician no\n45 blue-collar no\n'));
  });

  it('runs of spaces, aligned, with leading and trailing spaces and CRLF', () => {
    expectBank(parseCsvText('  age   job           y  \r\n  30    admin         yes\r\n  41    technician    no \r\n  45    blue-collar   no\r\n'));
  });

  it('tabs and spaces mixed (no one character splits every line alike)', () => {
    expectBank(parseCsvText('age\tjob\ty\n30 admin\tyes\n41\t technician  no\n45\tblue-collar no\n'));
  });

  it('quoted fields keep their spaces; "" is a missing value', () => {
    const r = parseCsvText('name city n\n"Smith, J"   "New York" 3\n"Doe A" Paris ""\n"say ""hi""" "" 5\n');
    expect(r.delimiter).toBe('whitespace');
    expect(texts(r.table, 'name')).toEqual(['Smith, J', 'Doe A', 'say "hi"']);
    expect(texts(r.table, 'city')).toEqual(['New York', 'Paris', null]);
    expect(num(r.table, 'n')).toEqual([3, -999, 5]);
  });

  it('a quoted field may hold a line break', () => {
    const r = parseCsvText('id note\n1 "two\nlines"\n2 plain\n');
    expect(r.delimiter).toBe('whitespace');
    expect(texts(r.table, 'note')).toEqual(['two\nlines', 'plain']);
  });

  it('header sniffing: a numeric first row is data; a row of names is a header', () => {
    const data = parseCsvText('30 admin yes\n41 technician no\n45 blue-collar no\n');
    expect(data.delimiter).toBe('whitespace');
    expect(data.header).toBe(false);
    expect(names(data.table)).toEqual(['column1', 'column2', 'column3']);
    expect(num(data.table, 'column1')).toEqual([30, 41, 45]);
    const recurring = parseCsvText('yes red\nno blue\nyes red\n');
    expect(recurring.header).toBe(false);
    expect(recurring.table.nRows).toBe(3);
    const header = parseCsvText('age score\n30 0.5\n40 0.7\n');
    expect(header.header).toBe(true);
    expect(num(header.table, 'score')).toEqual([0.5, 0.7]);
  });

  it("a character that splits every line alike still wins (',' inside whitespace-separated words)", () => {
    const r = parseCsvText('a b,c d\n1 2,3 4\n');
    expect(r.delimiter).toBe(',');
    expect(names(r.table)).toEqual(['a b', 'c d']);
  });

  it("'whitespace' can be given as the delimiter, and is obeyed", () => {
    const r = parseCsvText('a,b c\n1,2 3\n', { delimiter: 'whitespace' });
    expect(r.delimiter).toBe('whitespace');
    expect(names(r.table)).toEqual(['a,b', 'c']);
    expect(texts(r.table, 'a,b')).toEqual(['1,2']);
  });

  it('streamed in two pieces split at every offset, the table is the same', () => {
    const text = '\ufeffname  city   n\r\n"Smith, J"  "New\r\nYork" 3\r\n  Doe\t Paris\t4  \r\n\r\n"x""y"  Rome 5';
    const bytes = enc(text);
    const ref = JSON.stringify(parseCsvText(text).table, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v));
    expect(ref).toContain('New\\r\\nYork');
    for (let k = 0; k <= bytes.length; k++) {
      const reader = createCsvReader();
      reader.push(bytes.subarray(0, k));
      reader.push(bytes.subarray(k));
      const r = reader.finish();
      expect(r.delimiter).toBe('whitespace');
      expect(JSON.stringify(r.table, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v)), `split at ${k}`).toBe(ref);
    }
  });

  it('a row that does not fit after the sample: csv-ragged names the line and explains quoting', () => {
    const text = 'a b\n' + '1 2\n'.repeat(100) + 'x y z\n';
    const e = problem(() => parseCsvText(text));
    expect(e.code).toBe('csv-ragged');
    expect(e.message).toBe('Line 102 has 3 fields but the header has 2.');
    expect(e.hint).toMatch(/runs of spaces or tabs.*double quotes/);
  });
});

describe('space-aligned (fixed-width) text is refused', () => {
  it('a value with a space in an aligned table', () => {
    const e = problem(() => parseCsvText('name        age city\nJohn Smith  30  New York\nAnn Lee     25  Paris\n'));
    expect(e.code).toBe('csv-fixed-width');
    expect(e.message).toMatch(/looks like space-aligned \(fixed-width\) text/);
    expect(e.message).toMatch(/line 1 has 3 fields but line 2 has 5/);
    expect(e.hint).toMatch(/commas, semicolons or tabs/);
  });

  it('an aligned table with an empty cell', () => {
    const e = problem(() => parseCsvText('name  age  city\nJohn  30   Paris\nAnn        Rome\n'));
    expect(e.code).toBe('csv-fixed-width');
    expect(e.message).toMatch(/line 1 has 3 fields but line 3 has 2/);
  });

  it('single spaces, but one row has a field too few', () => {
    const e = problem(() => parseCsvText('a b c\n1 2 3\n4 5\n6 7 8\n'));
    expect(e.code).toBe('csv-fixed-width');
    expect(e.message).toMatch(/line 1 has 3 fields but line 3 has 2/);
  });

  it('an aligned body under a one-word title', () => {
    const e = problem(() => parseCsvText('REPORT\nJohn Smith    30   New York\nAnn Lee       25   Paris\nBo Li  41  Rome\n'));
    expect(e.code).toBe('csv-fixed-width');
  });

  it('short multi-word texts under a header of as many words are refused; a quoted header makes them one column', () => {
    const text = 'city name\nNew York\nRome\nLos Angeles\n';
    expect(problem(() => parseCsvText(text)).code).toBe('csv-fixed-width');
    const r = parseCsvText('"city name"\nNew York\nRome\nLos Angeles\n');
    expect(names(r.table)).toEqual(['city name']);
    expect(texts(r.table, 'city name')).toEqual(['New York', 'Rome', 'Los Angeles']);
  });

  it('an explicit delimiter is obeyed without the check', () => {
    const r = parseCsvText('name        age\nJohn Smith  30\n', { delimiter: ',' });
    expect(names(r.table)).toEqual(['name        age']);
  });
});

describe('one-column files stay one column', () => {
  it('one word per line', () => {
    const r = parseCsvText('score\n1\n2\n3\n');
    expect(r.delimiter).toBe(',');
    expect(names(r.table)).toEqual(['score']);
    expect(num(r.table, 'score')).toEqual([1, 2, 3]);
  });

  it('a header over free text (single spaces, word counts varying)', () => {
    const text = 'good product\nbad service and slow\nok\nwould buy again\nfine\n';
    for (const header of ['comment', 'customer comment']) {
      const r = parseCsvText(`${header}\n${text}`);
      expect(r.delimiter).toBe(',');
      expect(names(r.table)).toEqual([header]);
      expect(texts(r.table, header)).toEqual(['good product', 'bad service and slow', 'ok', 'would buy again', 'fine']);
    }
  });
});

describe('ragged files with a real delimiter keep the ragged-row message', () => {
  it.each([
    ['a,b,c\n1,2,3\n4,5\n6,7,8\n', 'Line 3 has 2 fields but the header has 3.', "','"],
    ['a b;c d\n1 2;3 4\n5 6;7 8;9\n', 'Line 3 has 3 fields but the header has 2.', "';'"],
    ['a\tb\n1\t2\n3\t4\t5\n6\t7\n7\t8\n9\t0\n', 'Line 3 has 3 fields but the header has 2.', 'tab'],
    // whitespace splits each of these lines into the same count, but commas are in every line
    ['2024-01-01 10:00,1\n2024-01-02 10:00,2,3\n', 'Line 2 has 3 fields but the first row has 2.', "','"],
  ])('%j', (text, message, delim) => {
    const e = problem(() => parseCsvText(text));
    expect(e.code).toBe('csv-ragged');
    expect(e.message).toBe(message);
    expect(e.hint).toContain(`delimiter (${delim})`);
  });
});
