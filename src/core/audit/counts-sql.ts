/**
 * The one aggregation query that turns a warehouse table of scored rows into the counts
 * table `audit --counts` reads (counts.ts): pure strings, no connection.
 *
 *   SELECT <protected columns>, <score>, <label>, COUNT(*) AS n [, SUM(<weight>) AS <weight>]
 *   FROM (SELECT <the same, each computed from a row> FROM <table>) AS scored_rows
 *   GROUP BY <protected columns>, <score>, <label>
 *
 * - protected columns: as stored (numeric ones are binned later, by `audit --counts --bins`,
 *   with the same cut points as a row-level audit);
 * - score: the score column cast to a double (rounded to `round` decimals when asked: fewer
 *   cells, and the audit is then exactly the audit of the rounded scores — a row whose score
 *   rounds up to the threshold is selected, AUC counts rows in one rounded bucket as ties);
 *   with `prediction`, the 0/1 decision column as stored;
 * - label: the target compared as text with the positive value (a string literal, escaped):
 *   1 when equal, 0 when not, NULL when the target is NULL (the audit then refuses the cell,
 *   as the row-level audit refuses a row without a target);
 * - n: the rows in the cell; weight: Σ weight over them.
 *
 * Dialects (identifier quoting, string literals, type names):
 * - duckdb: "name" (a " doubled), 'text' (a ' doubled), VARCHAR, DOUBLE;
 * - spark: `name` (a ` doubled), 'text' (\ escapes ' and \), STRING, DOUBLE;
 * - bigquery: `name` (\ escapes ` and \, as in string literals), 'text' (\ escapes), STRING,
 *   FLOAT64.
 * The inner query computes the cell keys from each row and names them; the outer one groups
 * by those plain names, so no dialect has to match expressions, resolve output aliases or
 * read ordinals in GROUP BY.
 */
import { WorkbenchError } from '../errors';
import { DEFAULT_COUNT_COLUMN } from './counts';

export const SQL_DIALECTS = ['duckdb', 'spark', 'bigquery'] as const;
export type SqlDialect = (typeof SQL_DIALECTS)[number];

/** What the counts query aggregates. */
export interface CountsQueryRequest {
  dialect: SqlDialect;
  /** the table, dotted parts quoted one by one (`project.dataset.table`) */
  table: string;
  target: string;
  positive: string;
  protected: readonly string[];
  /** the score column (P(positive)); at least one of score and prediction */
  score?: string;
  /** the 0/1 decision column */
  prediction?: string;
  weight?: string;
  /** round the score to this many decimals (0–15); absent: exact scores */
  round?: number;
}

interface DialectWords {
  quote: (name: string) => string;
  literal: (text: string) => string;
  text: string;
  double: string;
}

const backslashed = (s: string, quote: string): string => s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r');

const DIALECTS: Record<SqlDialect, DialectWords> = {
  duckdb: {
    quote: (n) => `"${n.replace(/"/g, '""')}"`,
    literal: (t) => `'${t.replace(/'/g, "''")}'`,
    text: 'VARCHAR',
    double: 'DOUBLE',
  },
  spark: {
    quote: (n) => `\`${n.replace(/`/g, '``')}\``,
    literal: (t) => `'${backslashed(t, "'")}'`,
    text: 'STRING',
    double: 'DOUBLE',
  },
  bigquery: {
    quote: (n) => `\`${backslashed(n, '`')}\``,
    literal: (t) => `'${backslashed(t, "'")}'`,
    text: 'STRING',
    double: 'FLOAT64',
  },
};

function queryError(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

/** A column or table name quoted for the dialect (any character allowed; an empty name refused). */
export function quoteIdentifier(dialect: SqlDialect, name: string): string {
  if (name === '') throw queryError('An empty column or table name cannot be quoted.', 'Name every column and the table.');
  return DIALECTS[dialect].quote(name);
}

/** A string literal for the dialect, escaped so that no value can end it. */
export function stringLiteral(dialect: SqlDialect, text: string): string {
  return DIALECTS[dialect].literal(text);
}

/** A table name with dots: each part quoted. */
function quoteTable(dialect: SqlDialect, table: string): string {
  return table.split('.').map((p) => quoteIdentifier(dialect, p)).join('.');
}

/** The output columns, each once; throws when two roles name one column or one is called n. */
function checkColumns(req: CountsQueryRequest): void {
  if (!req.score && !req.prediction) throw queryError('The counts query needs a score or a decision column.', 'Give --score COL (P(positive)) or --prediction COL (0/1 decisions).');
  if (req.protected.length === 0) throw queryError('The counts query needs at least one protected column.', 'Give --protected a,b.');
  if (req.round !== undefined && !(Number.isInteger(req.round) && req.round >= 0 && req.round <= 15)) {
    throw queryError(`Cannot round scores to ${req.round} decimals.`, 'Give --round a whole number of decimals from 0 to 15.');
  }
  const named: [string, string][] = [
    ...req.protected.map((c): [string, string] => [c, 'protected']),
    ...(req.score ? [[req.score, 'score'] as [string, string]] : []),
    ...(req.prediction ? [[req.prediction, 'prediction'] as [string, string]] : []),
    [req.target, 'target'],
    ...(req.weight ? [[req.weight, 'weight'] as [string, string]] : []),
  ];
  const seen = new Map<string, string>();
  for (const [c, role] of named) {
    if (c === DEFAULT_COUNT_COLUMN) throw queryError(`The ${role} column is named '${c}', the name of the count column.`, `Rename it in a view (SELECT ${c} AS ${c}_ …) first.`);
    const before = seen.get(c);
    if (before) throw queryError(`The column '${c}' is given as ${before} and as ${role}.`, 'Give each column one role.');
    seen.set(c, role);
  }
}

/** The inner query's alias (a table alias: it cannot collide with a column name). */
const ROWS_ALIAS = 'scored_rows';

/** The counts query's text (header comment lines, then the statement, no trailing semicolon). */
export function countsQuery(req: CountsQueryRequest): string {
  checkColumns(req);
  const d = DIALECTS[req.dialect];
  const q = (n: string) => quoteIdentifier(req.dialect, n);
  const keys: { expr: string; name: string }[] = req.protected.map((c) => ({ expr: q(c), name: q(c) }));
  if (req.score) {
    const cast = `CAST(${q(req.score)} AS ${d.double})`;
    keys.push({ expr: req.round !== undefined ? `ROUND(${cast}, ${req.round})` : cast, name: q(req.score) });
  }
  if (req.prediction) keys.push({ expr: q(req.prediction), name: q(req.prediction) });
  const t = q(req.target);
  keys.push({ expr: `CASE WHEN ${t} IS NULL THEN NULL WHEN CAST(${t} AS ${d.text}) = ${stringLiteral(req.dialect, req.positive)} THEN 1 ELSE 0 END`, name: t });
  const w = req.weight ? q(req.weight) : null;
  const inner = [...keys.map((k) => (k.expr === k.name ? k.expr : `${k.expr} AS ${k.name}`)), ...(w ? [`CAST(${w} AS ${d.double}) AS ${w}`] : [])];
  const outer = [...keys.map((k) => k.name), `COUNT(*) AS ${q(DEFAULT_COUNT_COLUMN)}`, ...(w ? [`SUM(${w}) AS ${w}`] : [])];
  return [
    `-- bias-workbench counts table (${req.dialect}): one row per cell, no row-level data`,
    `-- audit it with: ${auditCommandLine(req)}`,
    'SELECT',
    outer.map((s) => `  ${s}`).join(',\n'),
    'FROM (',
    '  SELECT',
    inner.map((s) => `    ${s}`).join(',\n'),
    `  FROM ${quoteTable(req.dialect, req.table)}`,
    `) AS ${q(ROWS_ALIAS)}`,
    `GROUP BY ${keys.map((k) => k.name).join(', ')}`,
  ].join('\n');
}

/** A shell word, quoted when it holds anything but safe characters. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_.,=/:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `audit --counts` call that reads this query's result saved as counts.csv. */
export function auditCommandLine(req: CountsQueryRequest): string {
  const parts = [
    'bias-workbench audit --counts counts.csv',
    `--target ${shellWord(req.target)} --positive 1`,
    `--protected ${shellWord(req.protected.join(','))}`,
    ...(req.score ? [`--score ${shellWord(req.score)}`] : []),
    ...(req.prediction ? [`--prediction ${shellWord(req.prediction)}`] : []),
    ...(req.weight ? [`--weight ${shellWord(req.weight)}`] : []),
  ];
  return parts.join(' ');
}
