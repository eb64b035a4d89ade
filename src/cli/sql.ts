/**
 * `bias-workbench sql`: prints the one aggregation query (DuckDB, Spark SQL or BigQuery) that
 * turns a warehouse table of scored rows into the counts table `audit --counts` reads. The
 * text is built in core (src/core/audit/counts-sql.ts); nothing connects anywhere.
 */
import { countsQuery, SQL_DIALECTS } from '../core/audit';
import { splitList, writeResult } from './common';
import { UsageError, need, numberFlag, optString, parseFlags } from './flags';

const OPTIONS = {
  dialect: { type: 'string' },
  table: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  protected: { type: 'string' },
  score: { type: 'string' },
  prediction: { type: 'string' },
  weight: { type: 'string' },
  round: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function sqlCommand(args: string[]): Promise<number> {
  const v = parseFlags(args, OPTIONS);
  const dialect = need(v, 'dialect');
  if (!(SQL_DIALECTS as readonly string[]).includes(dialect)) throw new UsageError(`--dialect must be one of ${SQL_DIALECTS.join(', ')}, not "${dialect}"`);
  const protectedCols = splitList(need(v, 'protected'));
  if (protectedCols.length === 0) throw new UsageError('--protected needs at least one column');
  const score = optString(v, 'score');
  const prediction = optString(v, 'prediction');
  if (!score && !prediction) throw new UsageError('one of --score or --prediction is required');
  const round = numberFlag(v, 'round', { whole: true, min: 0, max: 15 });
  const weight = optString(v, 'weight');
  const text = countsQuery({
    dialect: dialect as (typeof SQL_DIALECTS)[number],
    table: need(v, 'table'),
    target: need(v, 'target'),
    positive: need(v, 'positive'),
    protected: protectedCols,
    ...(score ? { score } : {}),
    ...(prediction ? { prediction } : {}),
    ...(weight ? { weight } : {}),
    ...(round !== undefined ? { round } : {}),
  });
  await writeResult(text + ';\n', optString(v, 'out'));
  return 0;
}
