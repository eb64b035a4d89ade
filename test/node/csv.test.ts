import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCsvReader, NUMERIC_DICT_CAP, parseCsv, parseCsvText, retypeColumn, type CsvOptions, type ParsedCsv } from '../../src/core/csv';
import { readCsvFile } from '../../src/cli/read-csv';
import { WorkbenchError } from '../../src/core/errors';
import type { CategoricalColumn, Column, ColumnTable, NumericColumn } from '../../src/core/table';

const BANK = fileURLToPath(new URL('../../public/demo/bank/bank-full.csv', import.meta.url));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function col(t: ColumnTable, name: string): Column {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}`);
  return c;
}
function num(t: ColumnTable, name: string): number[] {
  const c = col(t, name);
  if (c.type !== 'numeric') throw new Error(`${name} is ${c.type}`);
  return Array.from(c.values);
}
function cat(t: ColumnTable, name: string): CategoricalColumn {
  const c = col(t, name);
  if (c.type === 'numeric') throw new Error(`${name} is numeric`);
  return c;
}
/** cell texts of a categorical column, null for missing */
function texts(t: ColumnTable, name: string): (string | null)[] {
  const c = cat(t, name);
  return Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
}
/** a comparable plain form of a table */
function plain(t: ColumnTable): unknown {
  return {
    nRows: t.nRows,
    columns: t.columns.map((c) =>
      c.type === 'numeric'
        ? { name: c.name, type: c.type, values: Array.from(c.values, (x) => (Number.isNaN(x) ? 'NaN' : x)) }
        : { name: c.name, type: c.type, levels: c.levels, codes: Array.from(c.codes) },
    ),
  };
}
function problem(f: () => unknown): WorkbenchError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    const w = e as WorkbenchError;
    expect(w.hint && w.hint.length).toBeTruthy();
    return w;
  }
  throw new Error('expected a WorkbenchError');
}

describe('delimiter sniffing', () => {
  it.each([
    [',', 'a,b,c\n1,x,2\n3,y,4\n'],
    [';', 'a;b;c\n1;x;2\n3;y;4\n'],
    ['\t', 'a\tb\tc\n1\tx\t2\n3\ty\t4\n'],
  ])('finds %j', (d, text) => {
    const r = parseCsvText(text);
    expect(r.delimiter).toBe(d);
    expect(r.header).toBe(true);
    expect(r.table.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(num(r.table, 'a')).toEqual([1, 3]);
    expect(texts(r.table, 'b')).toEqual(['x', 'y']);
  });

  it('ignores delimiters inside quotes (semicolon file with quoted commas)', () => {
    const r = parseCsvText('"name";"amount"\n"Smith, J";"1,5"\n"Doe, A";"2,5"\n');
    expect(r.delimiter).toBe(';');
    expect(texts(r.table, 'name')).toEqual(['Smith, J', 'Doe, A']);
    // decimal commas are not numbers
    expect(col(r.table, 'amount').type).toBe('categorical');
  });

  it('a single column file reads as one column', () => {
    const r = parseCsvText('score\n1\n2\n3\n');
    expect(r.table.columns.length).toBe(1);
    expect(num(r.table, 'score')).toEqual([1, 2, 3]);
  });

  it('an explicit delimiter wins', () => {
    const r = parseCsvText('a;b,c\n1;2,3\n', { delimiter: ',' });
    expect(r.table.columns.map((c) => c.name)).toEqual(['a;b', 'c']);
  });
});

describe('decoding and quoting', () => {
  it('strips a UTF-8 BOM, and reads the same with and without', () => {
    const text = 'név,város\nÉva,Pécs\n';
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc(text)]);
    const a = parseCsv(withBom);
    const b = parseCsv(enc(text));
    expect(a.table.columns[0].name).toBe('név');
    expect(plain(a.table)).toEqual(plain(b.table));
    expect(plain(parseCsvText('\ufeff' + text).table)).toEqual(plain(b.table));
  });

  it('handles embedded delimiters, newlines and doubled quotes', () => {
    const r = parseCsvText('id,note,x\n1,"a, b",2\n2,"line1\nline2",3\n3,"say ""hi""",4\n4,"",5\n');
    expect(texts(r.table, 'note')).toEqual(['a, b', 'line1\nline2', 'say "hi"', null]);
    expect(num(r.table, 'x')).toEqual([2, 3, 4, 5]);
  });

  it('reads CRLF, LF and a missing final newline alike', () => {
    const lf = parseCsvText('a,b\n1,x\n2,y\n');
    expect(plain(parseCsvText('a,b\r\n1,x\r\n2,y\r\n').table)).toEqual(plain(lf.table));
    expect(plain(parseCsvText('a,b\r\n1,x\r\n2,y').table)).toEqual(plain(lf.table));
    expect(plain(parseCsvText('a,b\r1,x\r2,y\r').table)).toEqual(plain(lf.table));
    expect(parseCsvText('a,b\r\n"1\r\n2",x\r\n', { header: true }).table.nRows).toBe(1);
  });

  it('trims unquoted fields, keeps quoted ones verbatim, skips blank lines', () => {
    const r = parseCsvText('a , b\n 1 , x \n\n   \n2," y "\n\n');
    expect(r.table.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(num(r.table, 'a')).toEqual([1, 2]);
    expect(texts(r.table, 'b')).toEqual(['x', ' y ']);
    expect(r.rowsRead).toBe(2);
  });

  it('a trailing delimiter makes an empty last field', () => {
    const r = parseCsvText('a,b\n1,\n2,', { header: true });
    expect(texts(r.table, 'b')).toEqual([null, null]);
  });

  it('keeps text after a closing quote, with a warning', () => {
    const r = parseCsvText('a,b\n"x"y,1\nz,2\n');
    expect(texts(r.table, 'a')).toEqual(['xy', 'z']);
    expect(r.warnings.join(' ')).toMatch(/after a closing quote/);
  });
});

describe('missing values', () => {
  it('treats the default tokens as missing', () => {
    const r = parseCsvText('x,c\n1,a\n,NA\nNA,?\n?,n/a\nnan,NULL\nNaN,b\n4,"NA"\n');
    expect(num(r.table, 'x').map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, null, null, null, null, null, 4]);
    expect(texts(r.table, 'c')).toEqual(['a', null, null, null, null, 'b', null]);
  });

  it('a missing option replaces the defaults', () => {
    const r = parseCsvText('x,c\n1,a\n-999,NA\n3,?\n', { missing: ['-999', '?'] });
    expect(num(r.table, 'x').map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, null, 3]);
    expect(texts(r.table, 'c')).toEqual(['a', 'NA', null]);
  });
});

describe('header', () => {
  it('detects a data first row (numbers where the column is numeric)', () => {
    const r = parseCsvText('1,x,2\n3,y,4\n5,z,6\n');
    expect(r.header).toBe(false);
    expect(r.table.columns.map((c) => c.name)).toEqual(['column1', 'column2', 'column3']);
    expect(r.rowsRead).toBe(3);
    expect(num(r.table, 'column1')).toEqual([1, 3, 5]);
  });

  it('detects a data first row (its values recur below)', () => {
    const r = parseCsvText('yes,red\nno,blue\nyes,red\n');
    expect(r.header).toBe(false);
    expect(r.table.nRows).toBe(3);
  });

  it('keeps a header of names over numeric data', () => {
    const r = parseCsvText('age,score\n30,0.5\n40,0.7\n');
    expect(r.header).toBe(true);
    expect(r.table.nRows).toBe(2);
  });

  it('header: false and header: true are obeyed', () => {
    expect(parseCsvText('a,b\nc,d\n', { header: false }).table.columns.map((c) => c.name)).toEqual(['column1', 'column2']);
    const r = parseCsvText('1,2\n3,4\n', { header: true });
    expect(r.table.columns.map((c) => c.name)).toEqual(['1', '2']);
    expect(r.table.nRows).toBe(1);
  });

  it('makes empty and repeated names unique', () => {
    const r = parseCsvText('a,,a,b,a\n1,2,3,4,5\n', { header: true });
    expect(r.table.columns.map((c) => c.name)).toEqual(['a', 'column2', 'a_2', 'b', 'a_3']);
    expect(r.warnings.join(' ')).toMatch(/renamed/);
  });
});

describe('chunking', () => {
  // > 1 KB and > 50 lines of padding, so that sniffing is done when the tricky rows arrive
  const padding = Array.from({ length: 60 }, (_, i) => `${i},p${i % 7},"q ${i}",${(i * 0.25).toFixed(2)}\r\n`).join('');
  const tricky = 'é,"a,b","line1\r\nline2 ""quoted"" é",1.5\r\nß€,plain,"",NA\r\n𝄞,"""","x""y",\r\n';
  const text = 'id,tag,note,x\r\n' + padding + tricky;
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc(text)]);

  function pushed(chunks: Uint8Array[], options?: CsvOptions): ParsedCsv {
    const r = createCsvReader(options);
    for (const c of chunks) r.push(c);
    return r.finish();
  }

  it('the reference parse is right', () => {
    const r = parseCsv(bytes);
    expect(r.delimiter).toBe(',');
    expect(r.rowsRead).toBe(63);
    expect(texts(r.table, 'id').slice(60)).toEqual(['é', 'ß€', '𝄞']);
    expect(texts(r.table, 'tag').slice(60)).toEqual(['a,b', 'plain', '"']);
    expect(texts(r.table, 'note').slice(60)).toEqual(['line1\r\nline2 "quoted" é', null, 'x"y']);
    expect(num(r.table, 'x').slice(59).map((v) => (Number.isNaN(v) ? null : v))).toEqual([14.75, 1.5, null, null]);
  });

  it('two pushes split at every byte offset give the same table', () => {
    const ref = plain(parseCsv(bytes).table);
    for (const options of [undefined, { delimiter: ',', header: true } as CsvOptions]) {
      for (let k = 0; k <= bytes.length; k++) {
        const r = pushed([bytes.subarray(0, k), bytes.subarray(k)], options);
        expect(plain(r.table), `split at ${k}`).toEqual(ref);
      }
    }
  });

  it('one byte per push gives the same table', () => {
    const ref = plain(parseCsv(bytes).table);
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(plain(pushed(chunks).table)).toEqual(ref);
    expect(plain(pushed(chunks, { delimiter: ',', header: true }).table)).toEqual(ref);
  });

  it('three-way splits around the tricky rows give the same table', () => {
    const ref = plain(parseCsv(bytes).table);
    const start = bytes.length - enc(tricky).length;
    for (let a = start; a < bytes.length; a += 3) {
      for (let b = a; b <= bytes.length; b += 5) {
        const r = pushed([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]);
        expect(plain(r.table), `split at ${a}, ${b}`).toEqual(ref);
      }
    }
  });
});

describe('errors', () => {
  it('csv-empty: no bytes, or only blank lines', () => {
    expect(problem(() => parseCsv(new Uint8Array(0))).code).toBe('csv-empty');
    expect(problem(() => parseCsvText('\n\r\n  \n')).code).toBe('csv-empty');
    expect(problem(() => createCsvReader().finish()).code).toBe('csv-empty');
  });

  it('csv-binary: NUL bytes, invalid UTF-8, zip and UTF-16 signatures', () => {
    expect(problem(() => parseCsv(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x01]))).code).toBe('csv-binary');
    const junk = new Uint8Array(2000);
    for (let i = 0; i < junk.length; i++) junk[i] = 0x80 + ((i * 37) % 120);
    expect(problem(() => parseCsv(junk)).code).toBe('csv-binary');
    expect(problem(() => parseCsv(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).message).toMatch(/xlsx/);
    expect(problem(() => parseCsv(new Uint8Array([0xff, 0xfe, 0x61, 0x00]))).message).toMatch(/UTF-16/);
    expect(problem(() => parseCsvText('a,b\n1,\0\n')).code).toBe('csv-binary');
  });

  it('a little Latin-1 is not binary, but warns', () => {
    const bytes = new Uint8Array([...enc('name,city\nEva,P'), 0xe9, ...enc('cs\n')]);
    const r = parseCsv(bytes);
    expect(r.table.nRows).toBe(1);
    expect(r.warnings.join(' ')).toMatch(/UTF-8/);
  });

  it('csv-ragged names the line and both counts', () => {
    const e = problem(() => parseCsvText('a,b,c\n1,2,3\n"x\ny",2,3\n4,5\n6,7,8\n'));
    expect(e.code).toBe('csv-ragged');
    expect(e.message).toMatch(/Line 5\b/);
    expect(e.message).toMatch(/2 fields/);
    expect(e.message).toMatch(/header has 3/);
    const more = problem(() => parseCsvText('a,b\n1,2\n3,4,5\n'));
    expect(more.message).toMatch(/Line 3 has 3 fields but the header has 2/);
    const noHeader = problem(() => parseCsvText('1,2\n3,4,5\n', { header: false }));
    expect(noHeader.message).toMatch(/first row has 2/);
  });

  it('ragged rows are found when streamed too', () => {
    const text = 'a,b\n' + '1,2\n'.repeat(2000) + '1\n';
    const r = createCsvReader();
    const bytes = enc(text);
    const e = problem(() => {
      for (let i = 0; i < bytes.length; i += 7) r.push(bytes.subarray(i, i + 7));
      r.finish();
    });
    expect(e.code).toBe('csv-ragged');
    expect(e.message).toMatch(/Line 2002\b/);
  });

  it('a trailing empty line is not ragged', () => {
    expect(parseCsvText('a,b\n1,2\n\n').table.nRows).toBe(1);
    expect(parseCsvText('a,b\r\n1,2\r\n\r\n\r\n').table.nRows).toBe(1);
  });

  it('csv-header-only', () => {
    const e = problem(() => parseCsvText('a,b,c\n'));
    expect(e.code).toBe('csv-header-only');
    expect(problem(() => parseCsvText('a;b;c')).code).toBe('csv-header-only');
  });

  it('csv-malformed: an unterminated quote', () => {
    const e = problem(() => parseCsvText('a,b\n1,2\n3,"open\n4,5\n'));
    expect(e.code).toBe('csv-malformed');
    expect(e.message).toMatch(/line 3/);
    const r = createCsvReader({ delimiter: ',', header: true });
    r.push(enc('a,b\n1,"x'));
    expect(problem(() => r.finish()).code).toBe('csv-malformed');
  });
});

describe('type inference and overrides', () => {
  const text = 'n,flag,yn,tf,cat,mixed,zero_one,empty\n1,yes,Y,true,b,1,0,\n2.5,no,n,False,a,x,1,\n-3e2,yes,y,true,B,2,1,NA\n,,,,10,,,\n';
  const r = parseCsvText(text);

  it('numeric when every value is a number', () => {
    expect(num(r.table, 'n').map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, 2.5, -300, null]);
    expect(col(r.table, 'zero_one').type).toBe('numeric');
  });

  it('boolean for two true/false-like values, levels [false, true]', () => {
    for (const name of ['flag', 'tf']) expect(col(r.table, name).type).toBe('boolean');
    expect(cat(r.table, 'flag').levels).toEqual(['no', 'yes']);
    expect(cat(r.table, 'tf').levels).toEqual(['False', 'true']);
    expect(texts(r.table, 'flag')).toEqual(['yes', 'no', 'yes', null]);
  });

  it('Y and y are two different values, so that column is categorical', () => {
    expect(col(r.table, 'yn').type).toBe('categorical');
    expect(cat(r.table, 'yn').levels).toEqual(['n', 'Y', 'y']);
  });

  it('categorical otherwise, levels sorted (numbers first, then case-insensitive text)', () => {
    expect(cat(r.table, 'cat').levels).toEqual(['10', 'a', 'B', 'b']);
    expect(texts(r.table, 'cat')).toEqual(['b', 'a', 'B', '10']);
    expect(cat(r.table, 'mixed').levels).toEqual(['1', '2', 'x']);
  });

  it('an all-missing column is categorical with no levels, with a warning', () => {
    expect(cat(r.table, 'empty').levels).toEqual([]);
    expect(r.warnings.join(' ')).toMatch(/'empty' has no values/);
  });

  it('columnTypes overrides inference', () => {
    const o = parseCsvText(text, { columnTypes: { zero_one: 'categorical', mixed: 'numeric', flag: 'categorical', zz: 'numeric' } });
    expect(cat(o.table, 'zero_one').levels).toEqual(['0', '1']);
    expect(col(o.table, 'flag').type).toBe('categorical');
    expect(num(o.table, 'mixed').map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, null, 2, null]);
    expect(o.warnings.join(' ')).toMatch(/'mixed' as numeric: 1 value could not be converted/);
    expect(o.warnings.join(' ')).toMatch(/'zz'/);
  });

  it('a numbers-only column that later turns to text becomes categorical', () => {
    const rows = Array.from({ length: NUMERIC_DICT_CAP + 10 }, (_, i) => `${i}.5`).join('\n');
    const big = parseCsvText(`v\n${rows}\nNA\nnot a number\n`);
    const c = cat(big.table, 'v');
    expect(big.table.nRows).toBe(NUMERIC_DICT_CAP + 12);
    expect(c.levels.length).toBe(NUMERIC_DICT_CAP + 11);
    expect(c.levels[0]).toBe('0.5');
    expect(c.codes[NUMERIC_DICT_CAP + 10]).toBe(-1);
    expect(big.warnings.join(' ')).toMatch(/not a number/);
    const allNum = parseCsvText(`v\n${rows}\nNA\n`);
    const v = num(allNum.table, 'v');
    expect(v.length).toBe(NUMERIC_DICT_CAP + 11);
    expect(v[NUMERIC_DICT_CAP + 9]).toBe(NUMERIC_DICT_CAP + 9.5);
    expect(Number.isNaN(v[NUMERIC_DICT_CAP + 10])).toBe(true);
  });
});

describe('retypeColumn', () => {
  const numeric: NumericColumn = { type: 'numeric', name: 'n', values: new Float64Array([2, 0.5, NaN, 2, 10]) };
  const catCol: CategoricalColumn = { type: 'categorical', name: 'c', codes: new Int32Array([0, 1, 2, -1, 1]), levels: ['1.5', '7', 'abc'] };

  it('numeric → categorical: formatted numbers, ascending', () => {
    const { column, lostValues } = retypeColumn(numeric, 'categorical');
    expect(lostValues).toBe(0);
    const c = column as CategoricalColumn;
    expect(c.levels).toEqual(['0.5', '2', '10']);
    expect(Array.from(c.codes)).toEqual([1, 0, -1, 1, 2]);
  });

  it('categorical → numeric counts the values that do not parse', () => {
    const { column, lostValues } = retypeColumn(catCol, 'numeric');
    expect(lostValues).toBe(1);
    expect(Array.from((column as NumericColumn).values).map((v) => (Number.isNaN(v) ? null : v))).toEqual([1.5, 7, null, null, 7]);
  });

  it('boolean → numeric maps false/true to 0/1', () => {
    const b: CategoricalColumn = { type: 'boolean', name: 'b', codes: new Int32Array([1, 0, -1]), levels: ['no', 'yes'] };
    const { column, lostValues } = retypeColumn(b, 'numeric');
    expect(lostValues).toBe(0);
    expect(Array.from((column as NumericColumn).values).slice(0, 2)).toEqual([1, 0]);
  });

  it('→ boolean only with at most two values', () => {
    const e = problem(() => retypeColumn(catCol, 'boolean'));
    expect(e.code).toBe('roles-invalid');
    expect(e.message).toMatch(/3 distinct values/);
    expect(problem(() => retypeColumn(numeric, 'boolean')).code).toBe('roles-invalid');
    const two: CategoricalColumn = { type: 'categorical', name: 't', codes: new Int32Array([0, 1, 0]), levels: ['yes', 'no'] };
    const b = retypeColumn(two, 'boolean').column as CategoricalColumn;
    expect(b.type).toBe('boolean');
    expect(b.levels).toEqual(['no', 'yes']);
    expect(Array.from(b.codes)).toEqual([1, 0, 1]);
  });

  it('same type → the same column', () => {
    expect(retypeColumn(numeric, 'numeric').column).toBe(numeric);
  });
});

describe('bank-full.csv', () => {
  const bytes = readFileSync(BANK);

  it('parses: 45,211 rows × 17 columns, with the documented values', () => {
    const r = parseCsv(bytes);
    expect(r.delimiter).toBe(';');
    expect(r.header).toBe(true);
    expect(r.rowsRead).toBe(45211);
    expect(r.table.nRows).toBe(45211);
    expect(r.table.columns.length).toBe(17);
    expect(r.warnings).toEqual([]);
    const age = num(r.table, 'age');
    expect(Math.min(...age)).toBe(18);
    expect(Math.max(...age)).toBe(95);
    expect(texts(r.table, 'y').filter((v) => v === 'yes').length).toBe(5289);
    expect(col(r.table, 'y').type).toBe('boolean');
    expect(cat(r.table, 'marital').levels).toEqual(['divorced', 'married', 'single']);
    expect(col(r.table, 'balance').type).toBe('numeric');
    expect(cat(r.table, 'job').levels).toContain('admin.');
  });

  it('readCsvFile streams it to the same table, reporting progress', async () => {
    const progress: [number, number][] = [];
    const r = await readCsvFile(BANK, undefined, (b, t) => progress.push([b, t]));
    expect(plain(r.table)).toEqual(plain(parseCsv(bytes).table));
    expect(progress.length).toBe(Math.ceil(bytes.length / (1 << 20)));
    expect(progress[progress.length - 1]).toEqual([bytes.length, bytes.length]);
  });

  it('readCsvFile: a missing file', async () => {
    await expect(readCsvFile('/nonexistent/file.csv')).rejects.toMatchObject({
      code: 'csv-malformed',
      message: 'cannot read /nonexistent/file.csv: no such file',
    });
  });
});
