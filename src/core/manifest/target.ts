/** Target encoding: the label of each table row (1 positive, 0 negative, −1 missing). */
import { WorkbenchError } from '../errors';
import type { ColumnTable } from '../table';
import { listColumns } from './check-table';
import { FALSE_WORDS, TRUE_WORDS } from './levels';

/**
 * Target labels: 1 where the target equals `positive`, 0 where it holds another value, -1
 * where it is missing. Matching: exact text first; for a boolean column, true/false-like
 * words compare case-insensitively; for a numeric column, the number `positive` parses to.
 */
export function encodeTarget(table: ColumnTable, target: { column: string; positive: string }): Int8Array {
  const col = table.columns.find((c) => c.name === target.column);
  if (!col) {
    throw new WorkbenchError('target-missing', `the target column '${target.column}' is not in the CSV`,
      `Choose the CSV with the outcome column, or change target.column. The CSV has: ${listColumns(table.columns.map((c) => c.name))}`);
  }
  const out = new Int8Array(table.nRows);
  if (col.type === 'numeric') {
    const p = target.positive.trim();
    // "1" → 1; "true" → 1 and "false" → 0 (a 0/1 column read as numbers)
    const pos = p === 'true' ? 1 : p === 'false' ? 0 : Number(p);
    const v = col.values;
    for (let i = 0; i < out.length; i++) out[i] = Number.isNaN(v[i]) ? -1 : v[i] === pos ? 1 : 0;
    return out;
  }
  let posCode = col.levels.indexOf(target.positive);
  if (posCode < 0) {
    const p = target.positive.trim().toLowerCase();
    posCode = col.levels.findIndex((lv) => lv.trim().toLowerCase() === p);
    if (posCode < 0 && col.type === 'boolean') {
      const words = TRUE_WORDS.has(p) ? TRUE_WORDS : FALSE_WORDS.has(p) ? FALSE_WORDS : null;
      if (words) posCode = col.levels.findIndex((lv) => words.has(lv.trim().toLowerCase()));
    }
  }
  const codes = col.codes;
  for (let i = 0; i < out.length; i++) {
    const c = codes[i];
    out[i] = c < 0 ? -1 : c === posCode ? 1 : 0;
  }
  return out;
}
