/**
 * Warehouse-scale audits: `npx tsx bench/counts.ts [rows] [row-level rows]` (or `npm run
 * bench -- counts`). Default 10,000,000 rows on both sides.
 *
 * The same scored leads on both sides (town size 4 groups, age band 5, a weight, a score
 * from a fixed formula of a 32-bit multiplicative hash of the row number, the outcome drawn
 * against the score), generated inside DuckDB with range() and in JS with the same integer
 * hash (Math.imul = the SQL product mod 2³²), so both hold the same leads up to the last bit
 * of exp():
 * - DuckDB: `bias-workbench sql --dialect duckdb --round 3`'s query over the table, timed
 *   (best of 3) as rows/s, then the counts table written as CSV (rows, bytes) and audited
 *   with core's counts audit (`audit --counts`), timed;
 * - ours, row level: core's metric frame on the rows in typed arrays (no CSV parsing: the
 *   row-level audit's best case), timed (best of 3), as rows/s;
 * and the ratio. DuckDB's thread count is printed with its figure. Prints; asserts nothing.
 */
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countsAuditReport, countsQuery } from '../src/core/audit';
import { parseCsvText } from '../src/core/csv';
import { computeMetricFrame, type AttributeInput } from '../src/core/metrics';
import type { DatasetRoles } from '../src/core/roles';
import { readFileSync } from 'node:fs';

const N = Number(process.argv[2] ?? 10_000_000);
const M = Number(process.argv[3] ?? N);
const ROUND = 3;
const TOWNS = ['metro', 'suburban', 'small-town', 'rural'];
const AGES = ['18-24', '25-39', '40-54', '55-64', '65+'];

const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The generating formula in SQL (i = 0..N−1). */
const GENERATE = `
CREATE TABLE leads AS
SELECT
  ['metro', 'suburban', 'small-town', 'rural'][(i % 4) + 1] AS town_size,
  ['18-24', '25-39', '40-54', '55-64', '65+'][((i // 4) % 5) + 1] AS age_band,
  0.5 + (i % 3) / 2.0 AS w,
  1 / (1 + exp(-(-2.0 + 3.0 * u1 - 0.25 * (i % 4)))) AS score,
  CASE WHEN u2 < 1 / (1 + exp(-(-2.0 + 3.0 * u1 - 0.25 * (i % 4)))) THEN 'yes' ELSE 'no' END AS y
FROM (
  SELECT i,
    ((i * 2654435761) % 4294967296) / 4294967296.0 AS u1,
    (((i + 12345) * 2246822519) % 4294967296) / 4294967296.0 AS u2
  FROM range(${N}) t(i)
)`;

/** The same formula in JS, as typed arrays for the metric frame. */
function rowsInJs(n: number) {
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  const weights = new Float64Array(n);
  const town = new Int32Array(n);
  const age = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u1 = (Math.imul(i, 2654435761 | 0) >>> 0) / 4294967296;
    const u2 = (Math.imul(i + 12345, 2246822519 | 0) >>> 0) / 4294967296;
    const s = 1 / (1 + Math.exp(-(-2.0 + 3.0 * u1 - 0.25 * (i % 4))));
    scores[i] = s;
    labels[i] = u2 < s ? 1 : 0;
    weights[i] = 0.5 + (i % 3) / 2;
    town[i] = i % 4;
    age[i] = Math.floor(i / 4) % 5;
  }
  const attr = (name: string, codes: Int32Array, levels: string[]): AttributeInput => ({ columns: [name], codes, levels, levelValues: levels.map((l) => [l]) });
  return { labels, scores, weights, attributes: [attr('town_size', town, TOWNS), attr('age_band', age, AGES)] };
}

function best(times: number[]): number {
  return Math.min(...times);
}

async function main(): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const threads = (await c.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
  let t0 = performance.now();
  await c.run(GENERATE);
  const genMs = performance.now() - t0;
  console.log(`rows: ${fmt(N)} generated in DuckDB in ${fmt(genMs / 1000, 1)} s (not counted); DuckDB threads: ${String(threads)}; Node ${process.version}`);

  const query = countsQuery({ dialect: 'duckdb', table: 'leads', target: 'y', positive: 'yes', protected: ['town_size', 'age_band'], score: 'score', weight: 'w', round: ROUND });
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    await c.run('DROP TABLE IF EXISTS counts');
    t0 = performance.now();
    await c.run(`CREATE TABLE counts AS ${query}`);
    times.push(performance.now() - t0);
  }
  const duckMs = best(times);
  const csv = join(tmpdir(), `bw-bench-counts-${process.pid}.csv`);
  await c.run(`COPY counts TO '${csv}' (HEADER, DELIMITER ',')`);
  const bytes = statSync(csv).size;
  const table = parseCsvText(readFileSync(csv, 'utf8')).table;
  const duckRate = N / (duckMs / 1000);
  console.log(`DuckDB counts query (--round ${ROUND}): ${fmt(duckMs)} ms best of 3 → ${fmt(duckRate)} rows/s`);
  console.log(`counts table: ${fmt(table.nRows)} rows, ${fmt(bytes)} bytes as CSV (${fmt(bytes / N, 4)} bytes per audited row)`);

  const roles = { target: { column: 'y', positive: '1' }, protected: [{ column: 'town_size' }, { column: 'age_band' }], features: [], ignored: [], weight: 'w' } as DatasetRoles;
  t0 = performance.now();
  const report = countsAuditReport({ table, roles, score: 'score', decision: { rule: 'threshold', threshold: 0.5 }, intersections: true });
  const auditMs = performance.now() - t0;
  console.log(`audit --counts (core, intersections): ${fmt(auditMs)} ms for ${fmt(report.rows)} rows`);

  const input = rowsInJs(M);
  const rowTimes: number[] = [];
  for (let r = 0; r < 3; r++) {
    t0 = performance.now();
    computeMetricFrame(input, { decision: { rule: 'threshold', threshold: 0.5 } });
    rowTimes.push(performance.now() - t0);
  }
  const rowMs = best(rowTimes);
  const rowRate = M / (rowMs / 1000);
  console.log(`row-level metric frame (typed arrays in memory, no CSV): ${fmt(M)} rows in ${fmt(rowMs)} ms best of 3 → ${fmt(rowRate)} rows/s`);
  console.log(`ratio: DuckDB counts query rows/s ÷ row-level audit rows/s = ${fmt(duckRate / rowRate, 2)}; whole counts path (query + audit --counts) vs row-level frame on ${fmt(N)} rows: ${fmt(((duckMs + auditMs) / (rowMs * (N / M))), 2)}× the time`);
}

void main();
