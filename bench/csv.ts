/**
 * CSV reading speed against papaparse: `npx tsx bench/csv.ts [rows]` (or `npm run bench -- csv`).
 *
 * Both sides go from the file's bytes to the same typed columns (numeric → Float64Array,
 * categorical/boolean → Int32Array codes + sorted levels):
 * - ours: `parseCsv(bytes)`;
 * - papaparse: decode the bytes to a string, `Papa.parse(text, {header: true, skipEmptyLines:
 *   true, dynamicTyping})` with dynamicTyping false and true, then one loop per column that
 *   builds the same columns with the same rules (our missing tokens, number syntax, boolean
 *   pairs and level order). The decode time is included and also printed on its own.
 *
 * Inputs: a generated bank-like CSV (default 1,000,000 rows: integers, a decimal column with
 * 'NA', categoricals, yes/no columns, a quoted free-text column with commas and doubled
 * quotes, empty fields) and the 45,211-row demo file `public/demo/bank/bank-full.csv`.
 * Each timing is the best of 3 after a warm-up, all in this run; papaparse's time is printed
 * as a ratio against ours (> 1: ours is faster). Before timing, every papaparse table is
 * checked to equal ours, so both sides produce the same thing.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { booleanToken, compareLevels, parseCsv, parseNumber } from '../src/core/csv';
import { createRng } from '../src/core/rng';
import type { Column, ColumnTable } from '../src/core/table';

const nRows = Number(process.argv[2] ?? 1_000_000);

// ---------------------------------------------------------------------------------------------
// The generated file

const JOBS = ['admin.', 'blue-collar', 'entrepreneur', 'housemaid', 'management', 'retired', 'self-employed', 'services', 'student', 'technician', 'unemployed', 'unknown'];
const MARITAL = ['married', 'single', 'divorced'];
const EDUCATION = ['primary', 'secondary', 'tertiary', 'unknown'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const NOTES = ['"called, no answer"', '"Smith, J"', '"asked for ""premium"" plan"', 'none', 'follow-up', '"Doe, A; via web"'];

/** A bank-like CSV: 17 columns, ',' delimiter, header, LF line ends. */
function bankLikeCsv(n: number): Uint8Array {
  const rng = createRng(7);
  const yn = (p: number): string => (rng.next() < p ? 'yes' : 'no');
  const lines = ['age,job,marital,education,default,balance,housing,loan,day,month,duration,campaign,pdays,rate,note,score,y'];
  for (let i = 0; i < n; i++) {
    const balance = rng.next() < 0.02 ? '' : String(rng.int(20000) - 2000);
    const rate = rng.next() < 0.01 ? 'NA' : (rng.next() * 5).toFixed(3);
    const education = rng.next() < 0.03 ? '' : EDUCATION[rng.int(4)];
    lines.push(
      [
        18 + rng.int(78), JOBS[rng.int(JOBS.length)], MARITAL[rng.int(3)], education, yn(0.02), balance, yn(0.55), yn(0.16),
        1 + rng.int(31), MONTHS[rng.int(12)], rng.int(3000), 1 + rng.int(20), rng.next() < 0.8 ? -1 : rng.int(400), rate,
        NOTES[rng.int(NOTES.length)], (rng.next() * 100).toFixed(1), yn(0.12),
      ].join(','),
    );
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------
// papaparse → the same typed columns

const MISSING = new Set(['', '?', 'na', 'n/a', 'nan', 'null']);
const isMissing = (v: string): boolean => {
  const t = v.trim();
  return t.length <= 4 && MISSING.has(t.toLowerCase());
};

/** Texts of one column → a typed column, by our rules: a dictionary of distinct texts first. */
function columnFromTexts(name: string, n: number, get: (r: number) => string): Column {
  const dict = new Map<string, number>();
  const levels: string[] = [];
  const codes = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const v = get(r);
    let c = dict.get(v);
    if (c === undefined) {
      c = isMissing(v) ? -1 : levels.push(v) - 1;
      dict.set(v, c);
    }
    codes[r] = c;
  }
  return typedColumn(name, codes, levels);
}

/** Codes over distinct non-missing texts → numeric, boolean or categorical (sorted levels). */
function typedColumn(name: string, codes: Int32Array, levels: string[]): Column {
  const nums = levels.map(parseNumber);
  if (levels.length > 0 && nums.every((x) => !Number.isNaN(x))) {
    const values = new Float64Array(codes.length);
    for (let r = 0; r < codes.length; r++) values[r] = codes[r] < 0 ? NaN : nums[codes[r]];
    return { type: 'numeric', name, values };
  }
  const b = levels.map(booleanToken);
  const isBool = levels.length === 2 && b[0] >= 0 && b[1] >= 0 && b[0] !== b[1];
  const order = levels.map((_, i) => i);
  if (isBool) order.sort((i, j) => b[i] - b[j]);
  else order.sort((i, j) => compareLevels(levels[i], levels[j]));
  const remap = new Int32Array(levels.length);
  order.forEach((old, k) => (remap[old] = k));
  for (let r = 0; r < codes.length; r++) if (codes[r] >= 0) codes[r] = remap[codes[r]];
  return { type: isBool ? 'boolean' : 'categorical', name, codes, levels: order.map((k) => levels[k]) };
}

/** ms spent in Papa.parse itself during the last call of papaStrings / papaTyped */
let lastPapaParseMs = 0;

function papaStrings(bytes: Uint8Array): ColumnTable {
  const text = new TextDecoder().decode(bytes);
  const t0 = performance.now();
  const res = Papa.parse<Record<string, string>>(text, { header: true, dynamicTyping: false, skipEmptyLines: true });
  lastPapaParseMs = performance.now() - t0;
  const rows = res.data;
  const fields = res.meta.fields ?? [];
  return { nRows: rows.length, columns: fields.map((f) => columnFromTexts(f, rows.length, (r) => rows[r][f])) };
}

/**
 * With dynamicTyping, papaparse has made numbers (and true/false) already: a column whose
 * values are numbers and missing tokens fills a Float64Array directly; any other column goes
 * through the texts (numbers formatted back with String()).
 */
function papaTyped(bytes: Uint8Array): ColumnTable {
  const text = new TextDecoder().decode(bytes);
  const t0 = performance.now();
  const res = Papa.parse<Record<string, unknown>>(text, { header: true, dynamicTyping: true, skipEmptyLines: true });
  lastPapaParseMs = performance.now() - t0;
  const rows = res.data;
  const n = rows.length;
  const columns = (res.meta.fields ?? []).map((f): Column => {
    const values = new Float64Array(n);
    let r = 0;
    for (; r < n; r++) {
      const v = rows[r][f];
      if (typeof v === 'number') values[r] = v;
      else if (v === null || (typeof v === 'string' && isMissing(v))) values[r] = NaN;
      else break;
    }
    if (r === n) {
      let any = false;
      for (let k = 0; k < n && !any; k++) any = !Number.isNaN(values[k]);
      if (any) return { type: 'numeric', name: f, values };
    }
    return columnFromTexts(f, n, (k) => {
      const v = rows[k][f];
      return v === null || v === undefined ? '' : String(v);
    });
  });
  return { nRows: n, columns };
}

// ---------------------------------------------------------------------------------------------
// Checks and timing

function sameTable(a: ColumnTable, b: ColumnTable): string | null {
  if (a.nRows !== b.nRows) return `rows ${a.nRows} vs ${b.nRows}`;
  if (a.columns.length !== b.columns.length) return `columns ${a.columns.length} vs ${b.columns.length}`;
  for (let c = 0; c < a.columns.length; c++) {
    const x = a.columns[c];
    const y = b.columns[c];
    if (x.name !== y.name || x.type !== y.type) return `column ${c}: ${x.name}/${x.type} vs ${y.name}/${y.type}`;
    if (x.type === 'numeric' && y.type === 'numeric') {
      for (let r = 0; r < a.nRows; r++) if (!Object.is(x.values[r], y.values[r])) return `${x.name} row ${r}: ${x.values[r]} vs ${y.values[r]}`;
    } else if (x.type !== 'numeric' && y.type !== 'numeric') {
      if (x.levels.join('\u0001') !== y.levels.join('\u0001')) return `${x.name} levels differ`;
      for (let r = 0; r < a.nRows; r++) if (x.codes[r] !== y.codes[r]) return `${x.name} row ${r}: code ${x.codes[r]} vs ${y.codes[r]}`;
    }
  }
  return null;
}

/** best of `reps` runs after one warm-up, in ms, and papaparse's own share of that run */
function best(f: () => unknown, reps = 3): { ms: number; papaMs: number } {
  f();
  let min = Infinity;
  let papaMs = 0;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    f();
    const ms = performance.now() - t0;
    if (ms < min) {
      min = ms;
      papaMs = lastPapaParseMs;
    }
  }
  return { ms: min, papaMs };
}

const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function compare(label: string, bytes: Uint8Array): void {
  const ours = parseCsv(bytes).table;
  const variants: [string, (b: Uint8Array) => ColumnTable][] = [
    ['papaparse, dynamicTyping: false + column loop', papaStrings],
    ['papaparse, dynamicTyping: true + column loop', papaTyped],
  ];
  for (const [name, f] of variants) {
    const diff = sameTable(ours, f(bytes));
    if (diff) throw new Error(`${label}: ${name} builds a different table (${diff})`);
  }
  console.log(`\n${label}: ${fmt(ours.nRows)} rows × ${ours.columns.length} columns, ${fmt(bytes.length / 1e6, 1)} MB; every table below equals ours`);
  const oursMs = best(() => parseCsv(bytes)).ms;
  const decodeMs = best(() => new TextDecoder().decode(bytes)).ms;
  const line = (name: string, ms: number, rest: string): void =>
    console.log(`  ${name.padEnd(48)} ${fmt(ms).padStart(7)} ms  ${fmt(ours.nRows / (ms / 1000)).padStart(11)} rows/s  ${rest}`);
  line('ours: parseCsv(bytes)', oursMs, '');
  for (const [name, f] of variants) {
    const { ms, papaMs } = best(() => f(bytes));
    line(name, ms, `papaparse / ours = ${fmt(ms / oursMs, 2)}  (Papa.parse alone: ${fmt(papaMs)} ms)`);
  }
  console.log(`  (decoding the bytes to a string, counted in papaparse's time: ${fmt(decodeMs)} ms)`);
}

compare('generated bank-like CSV', bankLikeCsv(nRows));
compare('bank-full.csv (demo)', new Uint8Array(readFileSync('public/demo/bank/bank-full.csv')));
