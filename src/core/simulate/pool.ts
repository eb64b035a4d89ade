/**
 * The training pool of the feedback loop: every lead the CRM holds an outcome for, batch by
 * batch (the history first), with the outcome it recorded. Under the 'negative' label policy
 * every lead of a batch joins (uncalled ones as "not converted"); under 'unknown' only the
 * called ones do. Models are (re)trained on the pool as one column table of the model's
 * columns plus `converted`.
 */
import { WorkbenchError } from '../errors';
import type { CategoricalColumn, Column, ColumnTable } from '../table';
import type { LabelPolicy } from './config';
import { LEAD_FEATURES, LEAD_TARGET, type GeneratedLeads } from './generate';
import { TOWN_SIZES } from './knobs';

/** One batch's share of the pool. */
interface PoolPart {
  table: ColumnTable;
  /** the batch's rows that train */
  rows: Uint32Array;
  /** recorded outcome of every row of the batch */
  recorded: Uint8Array;
  townCodes: Int32Array;
}

export interface TrainingPool {
  parts: PoolPart[];
}

/** The pool as a table: the model's columns and `converted` ('no'/'yes'), one row per training lead. */
export interface PoolTable {
  table: ColumnTable;
  /** recorded outcome per pool row (1 = converted) */
  labels: Uint8Array;
  /** index into TOWN_SIZES per pool row */
  townCodes: Int32Array;
}

export function emptyPool(): TrainingPool {
  return { parts: [] };
}

/** Adds a batch with the outcomes the CRM recorded for it, under the label policy. */
export function addToPool(pool: TrainingPool, batch: GeneratedLeads, outcome: { called: Uint8Array; recorded: Uint8Array }, policy: LabelPolicy): void {
  const n = batch.table.nRows;
  let rows: Uint32Array;
  if (policy === 'negative') rows = Uint32Array.from({ length: n }, (_, i) => i);
  else {
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (outcome.called[i] === 1) keep.push(i);
    rows = Uint32Array.from(keep);
  }
  pool.parts.push({ table: batch.table, rows, recorded: outcome.recorded, townCodes: batch.townCodes });
}

/** Rows in the pool. */
export function poolSize(pool: TrainingPool): number {
  return pool.parts.reduce((s, p) => s + p.rows.length, 0);
}

/** Share of the pool's rows from each town size (TOWN_SIZES order); null for an empty pool. */
export function poolShares(pool: TrainingPool): (number | null)[] {
  const counts = new Float64Array(TOWN_SIZES.length);
  let total = 0;
  for (const p of pool.parts) {
    for (const r of p.rows) counts[p.townCodes[r]]++;
    total += p.rows.length;
  }
  return Array.from(counts, (c) => (total > 0 ? c / total : null));
}

/** One column gathered over the parts' training rows. */
function gatherColumn(pool: TrainingPool, name: string, total: number): Column {
  const cols = pool.parts.map((p) => p.table.columns.find((c) => c.name === name));
  const first = cols[0];
  if (!first || cols.some((c) => !c || c.type !== first.type)) throw new WorkbenchError('internal', `column '${name}' is missing or differs between the pool's batches`);
  if (first.type === 'numeric') {
    const values = new Float64Array(total);
    let o = 0;
    pool.parts.forEach((p, j) => {
      const v = (cols[j] as { values: Float64Array }).values;
      for (const r of p.rows) values[o++] = v[r];
    });
    return { type: 'numeric', name, values };
  }
  const levels = first.levels;
  const codes = new Int32Array(total);
  let o = 0;
  pool.parts.forEach((p, j) => {
    const c = cols[j] as CategoricalColumn;
    if (c.levels.length !== levels.length || c.levels.some((l, i) => l !== levels[i])) {
      throw new WorkbenchError('internal', `column '${name}' has different levels in the pool's batches`);
    }
    for (const r of p.rows) codes[o++] = c.codes[r];
  });
  return { type: first.type, name, codes, levels: [...levels] };
}

/** The pool as one table (see PoolTable). */
export function poolTable(pool: TrainingPool): PoolTable {
  const total = poolSize(pool);
  const labels = new Uint8Array(total);
  const townCodes = new Int32Array(total);
  let o = 0;
  for (const p of pool.parts) {
    for (const r of p.rows) {
      labels[o] = p.recorded[r];
      townCodes[o] = p.townCodes[r];
      o++;
    }
  }
  const columns: Column[] = LEAD_FEATURES.map((name) => gatherColumn(pool, name, total));
  columns.push({ type: 'boolean', name: LEAD_TARGET.column, codes: Int32Array.from(labels), levels: ['no', LEAD_TARGET.positive] });
  return { table: { nRows: total, columns }, labels, townCodes };
}
