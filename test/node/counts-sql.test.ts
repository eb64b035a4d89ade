/**
 * `bias-workbench sql`: the counts query's text per dialect (snapshots written out here, so
 * a change shows in review), its quoting and escaping, and the query run for real on DuckDB:
 * the bank demo's rows with a score go to a CSV, DuckDB reads it with read_csv_auto, runs the
 * generated query and writes the counts CSV, and `audit --counts` on it equals `audit --data
 * --score` on the rows, number for number.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvText } from '../../src/core/csv';
import { countsQuery, quoteIdentifier, stringLiteral, type CountsQueryRequest } from '../../src/core/audit';
import type { AuditReport } from '../../src/core/audit';
import { cellText, findColumn, type NumericColumn } from '../../src/core/table';
import { demo, makeTempDir, run } from './cli-harness';

afterEach(() => vi.restoreAllMocks());

const BANK: CountsQueryRequest = { dialect: 'duckdb', table: 'bank', target: 'y', positive: 'yes', protected: ['age', 'marital'], score: 'score', weight: 'w' };

describe('the query text', () => {
  it('duckdb: double-quoted names, the label as text against a literal, COUNT(*) AS n, SUM(weight)', () => {
    expect(countsQuery(BANK)).toBe(`-- bias-workbench counts table (duckdb): one row per cell, no row-level data
-- audit it with: bias-workbench audit --counts counts.csv --target y --positive 1 --protected age,marital --score score --weight w
SELECT
  "age",
  "marital",
  "score",
  "y",
  COUNT(*) AS "n",
  SUM("w") AS "w"
FROM (
  SELECT
    "age",
    "marital",
    CAST("score" AS DOUBLE) AS "score",
    CASE WHEN "y" IS NULL THEN NULL WHEN CAST("y" AS VARCHAR) = 'yes' THEN 1 ELSE 0 END AS "y",
    CAST("w" AS DOUBLE) AS "w"
  FROM "bank"
) AS "scored_rows"
GROUP BY "age", "marital", "score", "y"`);
  });

  it('spark: backticks, STRING and DOUBLE, ROUND to the digits asked', () => {
    expect(countsQuery({ ...BANK, dialect: 'spark', table: 'crm.leads', weight: undefined, round: 2 })).toBe(`-- bias-workbench counts table (spark): one row per cell, no row-level data
-- audit it with: bias-workbench audit --counts counts.csv --target y --positive 1 --protected age,marital --score score
SELECT
  \`age\`,
  \`marital\`,
  \`score\`,
  \`y\`,
  COUNT(*) AS \`n\`
FROM (
  SELECT
    \`age\`,
    \`marital\`,
    ROUND(CAST(\`score\` AS DOUBLE), 2) AS \`score\`,
    CASE WHEN \`y\` IS NULL THEN NULL WHEN CAST(\`y\` AS STRING) = 'yes' THEN 1 ELSE 0 END AS \`y\`
  FROM \`crm\`.\`leads\`
) AS \`scored_rows\`
GROUP BY \`age\`, \`marital\`, \`score\`, \`y\``);
  });

  it('bigquery: backticks per table part, FLOAT64, a decision column as stored', () => {
    expect(countsQuery({ ...BANK, dialect: 'bigquery', table: 'my-project.crm.leads', score: undefined, prediction: 'called' })).toBe(`-- bias-workbench counts table (bigquery): one row per cell, no row-level data
-- audit it with: bias-workbench audit --counts counts.csv --target y --positive 1 --protected age,marital --prediction called --weight w
SELECT
  \`age\`,
  \`marital\`,
  \`called\`,
  \`y\`,
  COUNT(*) AS \`n\`,
  SUM(\`w\`) AS \`w\`
FROM (
  SELECT
    \`age\`,
    \`marital\`,
    \`called\`,
    CASE WHEN \`y\` IS NULL THEN NULL WHEN CAST(\`y\` AS STRING) = 'yes' THEN 1 ELSE 0 END AS \`y\`,
    CAST(\`w\` AS FLOAT64) AS \`w\`
  FROM \`my-project\`.\`crm\`.\`leads\`
) AS \`scored_rows\`
GROUP BY \`age\`, \`marital\`, \`called\`, \`y\``);
  });

  it('quotes names and escapes literals per dialect, so no value ends its token', () => {
    expect(quoteIdentifier('duckdb', 'a "b" `c`')).toBe('"a ""b"" `c`"');
    expect(quoteIdentifier('spark', 'a "b" `c`')).toBe('`a "b" ``c```');
    expect(quoteIdentifier('bigquery', 'a "b" `c` \\')).toBe('`a "b" \\`c\\` \\\\`');
    expect(stringLiteral('duckdb', "it's \\ok")).toBe("'it''s \\ok'");
    expect(stringLiteral('spark', "it's \\ok")).toBe("'it\\'s \\\\ok'");
    expect(stringLiteral('bigquery', "it's\n\\ok")).toBe("'it\\'s\\n\\\\ok'");
  });

  it('refuses a column with two roles, a column named n, no score or decision, bad rounding', () => {
    expect(() => countsQuery({ ...BANK, protected: ['age', 'y'] })).toThrow(/'y' is given as protected and as target/);
    expect(() => countsQuery({ ...BANK, weight: 'n' })).toThrow(/named 'n'/);
    expect(() => countsQuery({ ...BANK, score: undefined })).toThrow(/score or a decision column/);
    expect(() => countsQuery({ ...BANK, round: 16 })).toThrow(/decimals/);
  });

  it('the CLI prints it with a semicolon; bad usage exits 2', async () => {
    const r = await run(['sql', '--dialect', 'spark', '--table', 'bank', '--target', 'y', '--positive', 'yes', '--protected', 'age,marital', '--score', 'score', '--weight', 'w']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(countsQuery({ ...BANK, dialect: 'spark' }) + ';\n');
    const bad = await run(['sql', '--dialect', 'oracle', '--table', 'bank', '--target', 'y', '--positive', 'yes', '--protected', 'age', '--score', 's']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--dialect must be one of duckdb, spark, bigquery/);
    const noScore = await run(['sql', '--dialect', 'duckdb', '--table', 'bank', '--target', 'y', '--positive', 'yes', '--protected', 'age']);
    expect(noScore.code).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------
// on DuckDB, for real

type Conn = { run(sql: string): Promise<unknown>; runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> };
let conn: Conn;
let dir: string;
let rowsCsv: string;

/** Every leaf equal: numbers to 1e-12 relative (ECE-derived ones to 1e-11), the rest exactly. Returns how many leaves. */
function compare(a: unknown, b: unknown, path: string): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // ECE sums |observed − mean| over bins, differences of nearly equal sums: its ratios between
    // groups carry the summation-order difference amplified (3e-12 seen with rounded scores)
    const tol = /expectedCalibrationError/.test(path) ? 1e-11 : 1e-12;
    if (a !== b && !(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) expect.fail(`${path}: counts ${a} vs rows ${b}`);
    return 1;
  }
  if (a === null || b === null || typeof b !== 'object') {
    expect(a, path).toEqual(b);
    return 1;
  }
  expect(Object.keys(a as object).sort(), `${path} keys`).toEqual(Object.keys(b).sort());
  let n = 0;
  for (const k of Object.keys(b)) n += compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
  return n;
}

/** The two reports, the input section aside (it names different files); returns leaves compared. */
function compareReports(counts: AuditReport, rows: AuditReport): number {
  expect(counts.input.protected).toEqual(rows.input.protected);
  const strip = (r: AuditReport) => ({ ...r, input: null });
  return compare(strip(counts), strip(rows), 'report');
}

async function auditJson(args: string[]): Promise<AuditReport> {
  const r = await run(['audit', ...args]);
  if (r.code !== 0) throw new Error(`audit exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as AuditReport;
}

async function countsCsv(req: CountsQueryRequest, name: string): Promise<string> {
  const out = join(dir, name);
  await conn.run(`COPY (${countsQuery(req)}\n) TO '${out}' (HEADER, DELIMITER ',')`);
  return out;
}

beforeAll(async () => {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  conn = (await db.connect()) as unknown as Conn;
  dir = makeTempDir('bw-counts-sql-');
  // the bank rows with a lead score (a logistic formula, float32 as a model's output) and a weight
  const bank = parseCsvText(readFileSync(join(demo, 'bank-full.csv'), 'utf8')).table;
  const num = (n: string) => (findColumn(bank, n) as NumericColumn).values;
  const [age, balance, campaign, day] = ['age', 'balance', 'campaign', 'day'].map(num);
  const marital = findColumn(bank, 'marital')!;
  const y = findColumn(bank, 'y')!;
  const lines = ['age,marital,y,score,w'];
  for (let i = 0; i < bank.nRows; i++) {
    const z = -2.1 + 0.015 * (age[i] - 40) + 0.00005 * balance[i] - 0.1 * campaign[i];
    const score = Math.fround(1 / (1 + Math.exp(-z)));
    const w = 0.25 + (day[i] % 5) / 3;
    lines.push(`${age[i]},${cellText(marital, i)},${cellText(y, i)},${score},${w}`);
  }
  rowsCsv = join(dir, 'rows.csv');
  writeFileSync(rowsCsv, lines.join('\n') + '\n');
  // read_csv_auto would type y (yes/no) as BOOLEAN, whose text is 'true'/'false': keep it as text
  await conn.run(`CREATE VIEW bank AS SELECT * FROM read_csv_auto('${rowsCsv}', types = {'y': 'VARCHAR'})`);
}, 60_000);

describe('on DuckDB: audit --counts of the query result = audit --data of the rows', () => {
  const common = ['--protected', 'age,marital', '--bins', 'age=25,40,60', '--intersections'];

  it('exact scores, weights, a threshold', async () => {
    const counts = await countsCsv(BANK, 'counts.csv');
    const c = await auditJson(['--counts', counts, '--target', 'y', '--positive', '1', ...common, '--score', 'score', '--weight', 'w', '--threshold', '0.12']);
    const r = await auditJson(['--data', rowsCsv, '--target', 'y', '--positive', 'yes', ...common, '--score', 'score', '--weight', 'w', '--threshold', '0.12']);
    expect(c.rows).toBe(45211);
    expect(c.input.file).toBe('counts.csv');
    expect(compareReports(c, r)).toBeGreaterThan(1500);
  });

  it('scores rounded to 2 decimals by the query = the row-level audit of the same rounded column; top-% between two scores', async () => {
    const rounded = join(dir, 'rows-rounded.csv');
    await conn.run(`COPY (SELECT age, marital, y, ROUND(CAST(score AS DOUBLE), 2) AS score FROM bank) TO '${rounded}' (HEADER, DELIMITER ',')`);
    const counts = await countsCsv({ ...BANK, weight: undefined, round: 2 }, 'counts-rounded.csv');
    const cells = parseCsvText(readFileSync(counts, 'utf8')).table.nRows;
    expect(cells).toBeLessThan(45211 / 10);
    const c = await auditJson(['--counts', counts, '--target', 'y', '--positive', '1', ...common, '--score', 'score']);
    const r = await auditJson(['--data', rounded, '--target', 'y', '--positive', 'yes', ...common, '--score', 'score']);
    expect(compareReports(c, r)).toBeGreaterThan(1500);
    // a top-% cut inside a tie is refused with its reason (exit 1)
    const tie = await run(['audit', '--counts', counts, '--target', 'y', '--positive', '1', ...common, '--score', 'score', '--top-percent', '10']);
    expect(tie.code).toBe(1);
    expect(tie.err).toMatch(/share the score/);
  });

  it('odd names and a positive value with a quote survive the quoting, on DuckDB itself', async () => {
    await conn.run(`CREATE TABLE odd AS SELECT * FROM (VALUES ('a', 0.9, 'it''s'), ('a', 0.9, 'it''s'), ('b', 0.2, 'no'), ('b', 0.2, NULL)) AS t("mar\`it""al", "sc ore", "out come")`);
    const q = countsQuery({ dialect: 'duckdb', table: 'odd', target: 'out come', positive: "it's", protected: ['mar`it"al'], score: 'sc ore' });
    const rows = (await conn.runAndReadAll(`${q}\nORDER BY 1, 3`)).getRows().map((r) => r.map((x) => (typeof x === 'bigint' ? Number(x) : x)));
    expect(rows).toEqual([
      ['a', 0.9, 1, 2],
      ['b', 0.2, 0, 1],
      ['b', 0.2, null, 1],
    ]);
  });
});
