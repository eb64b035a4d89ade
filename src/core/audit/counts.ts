/**
 * The audit from a counts table: every number of the audit is a function of how many rows
 * (and how much weight) fall in each cell (group values × score × label), so a warehouse can
 * aggregate its rows with one GROUP BY (counts-sql.ts) and hand back only the cells.
 *
 * A counts table has one row per cell: a column per protected attribute (the raw values,
 * binned here with the same cut points as a row-level audit), a score column (the exact score
 * or a rounded one; or a 0/1 decision column), a label column (0/1, or the target's values),
 * a count column `n` (the rows in the cell, a whole number ≥ 1) and optionally a weight-sum
 * column (Σ w over the cell's rows).
 *
 * How the same numbers come out: the cells are the metric frame's input rows with their
 * counts (`MetricFrameInput.counts`): the frame's one pass takes each cell `n` times (the
 * same multiplicity a bootstrap resample uses) with per-row weight `W / n`, so a cell adds
 * exactly what its `n` rows add, and the same code resolves decisions and draws resamples.
 *
 * What is identical to the row-level audit of the rows the cells were counted from:
 * - every count, every unweighted rate, ROC AUC and the inequality indices: exact (integer
 *   sums, the same tie blocks in score order);
 * - score sums (mean score, Brier score, calibration bins, ECE) and every weighted number:
 *   equal up to floating-point summation order (n·s instead of s + s + …; W/n·n instead of
 *   Σ w), relative differences of order 1e-15;
 * - decisions: a threshold selects whole cells (rows with the same score are all ≥ t or all
 *   not), so it is exact; a top-k or top-% cut is exact when it falls between two different
 *   scores, and refused when it falls among rows with one score (the row-level audit breaks
 *   those ties by row order, which counts do not keep);
 * - bootstrap intervals: see {@link computeCountsFrame}.
 */
import { WorkbenchError } from '../errors';
import { count as formatCount } from '../format';
import { computeMetricFrame, type AttributeInput, type MetricFrame, type MetricFrameInput, type MetricFrameOptions } from '../metrics/metric-frame';
import { targetLabels, type ProtectedAttribute } from '../roles';
import { CLI_HINTS, predictionColumn, scoreColumn, type ScoreColumnHints } from '../score-column';
import { findColumn, type ColumnTable } from '../table';
import { attributeName, buildAttributes, protectedGroups } from './inputs';
import { buildAuditReport, NO_SOURCES, resolveReferences, type AuditReport, type AuditRequest, type ReportNote } from './report';

/** How a resample of cells is drawn (bootstrap.ts); re-exported for the audit index. */
export { drawCellMultiplicities } from '../metrics/bootstrap';

/** The count column's name when none is given (what counts-sql.ts writes). */
export const DEFAULT_COUNT_COLUMN = 'n';

/** The cells of a counts table, ready for the frame: one entry per cell. */
export interface CountCells extends MetricFrameInput {
  /** rows each cell stands for (whole numbers ≥ 1) */
  counts: Float64Array;
  /** 1 = positive */
  labels: Uint8Array;
  /** the cell's score (with only decisions: the decisions, as the row-level audit does) */
  scores: Float64Array;
  /** the cell's 0/1 decision, when decisions were given instead of a rule */
  predictions?: Uint8Array;
  /** the weight of one row of the cell, W / n; absent: every row weighs 1 */
  weights?: Float64Array;
  attributes: AttributeInput[];
}

function countsError(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

// ---------------------------------------------------------------------------------------
// reading a counts table

/** The count column: whole numbers ≥ 1 on every row of the counts table. */
export function countColumn(table: ColumnTable, name: string): Float64Array {
  const col = findColumn(table, name);
  if (!col) throw countsError(`The count column '${name}' is not in the counts table.`, `A counts table has a column of row counts per cell (COUNT(*) AS ${DEFAULT_COUNT_COLUMN}); name it with --count.`);
  if (col.type !== 'numeric') throw countsError(`The count column '${name}' is not numeric.`, 'It must hold the number of rows in each cell (a whole number ≥ 1).');
  const v = col.values;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!(Number.isInteger(x) && x >= 1 && x <= Number.MAX_SAFE_INTEGER)) {
      throw countsError(
        `The count column '${name}' holds ${Number.isNaN(x) ? 'no value' : String(x)} on data row ${i + 1}; counts are whole numbers ≥ 1.`,
        'A counts table lists only cells that hold rows, each with its row count; check the column (or --count).',
      );
    }
  }
  return Float64Array.from(v);
}

/** Per cell, the weight of one row: the cell's weight sum / its count. Throws on a missing, negative or infinite sum. */
function unitWeights(table: ColumnTable, name: string, counts: Float64Array): Float64Array {
  const col = findColumn(table, name);
  if (!col) throw countsError(`The weight-sum column '${name}' is not in the counts table.`, 'Check the column name (names are case-sensitive), or leave out --weight.');
  if (col.type !== 'numeric') throw countsError(`The weight-sum column '${name}' is not numeric.`, 'It must hold Σ weight over each cell’s rows (SUM(weight)).');
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const w = col.values[i];
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw countsError(
        `The weight-sum column '${name}' holds ${Number.isNaN(w) ? 'no value' : String(w)} on data row ${i + 1}; weight sums must be finite and ≥ 0.`,
        'Weights must be finite numbers ≥ 0 on every row; fix the data or leave out --weight.',
      );
    }
    out[i] = w / counts[i];
  }
  return out;
}

/** What the counts table's columns are. */
export interface CountsColumns {
  /** the score column (exact or rounded scores in [0, 1]); null when only decisions are given */
  score: string | null;
  /** the 0/1 decision column, when decisions are given */
  prediction?: string | null;
  /** default {@link DEFAULT_COUNT_COLUMN} */
  count?: string;
}

/** The cells of a counts table: labels (the roles' target), scores or decisions, counts, unit weights (the roles' weight = the weight-sum column), attributes. */
export function readCountCells(
  table: ColumnTable,
  roles: AuditRequest['roles'],
  columns: CountsColumns,
  options: { intersections?: boolean; hints?: ScoreColumnHints } = {},
): CountCells {
  const counts = countColumn(table, columns.count ?? DEFAULT_COUNT_COLUMN);
  const labels = targetLabels(table, roles.target);
  const hints = options.hints ?? CLI_HINTS;
  const predictions = columns.prediction ? predictionColumn(table, columns.prediction, roles.target.positive, hints) : undefined;
  const scores = columns.score ? scoreColumn(table, columns.score, hints) : predictions ? Float64Array.from(predictions) : null;
  if (!scores) throw new WorkbenchError('internal', 'A counts audit needs a score or a decision column.');
  const weights = roles.weight ? unitWeights(table, roles.weight, counts) : undefined;
  return {
    counts,
    labels,
    scores,
    ...(predictions ? { predictions } : {}),
    ...(weights ? { weights } : {}),
    attributes: buildAttributes(table, roles.protected, { intersections: options.intersections ?? false }),
  };
}

// ---------------------------------------------------------------------------------------
// the frame from cells

/**
 * The metric frame from cells: the same frame `computeMetricFrame` gives for the rows the
 * cells were counted from (see the module comment for what is exact and what is equal to
 * rounding). Throws as `computeMetricFrame` does, and `roles-invalid` for a top-k or top-%
 * cut inside a tie.
 *
 * Bootstrap: a row-level resample draws N row positions uniformly (in score order) and runs
 * the pass with the drawn multiplicities. Here the same N draws, from the same seeded stream,
 * are positions in the cells laid end to end in score order, and a cell's multiplicity is the
 * number of draws that land in it: the cells' drawn counts are multinomial(N, n_c / N), the
 * distribution of a row-level resample's cell counts, so the intervals are equal in
 * distribution (bootstrap.ts, `drawCellMultiplicities`). They are equal draw for draw (the same intervals for the same seed, to
 * rounding) when the row-level score order lays each cell's rows side by side in the same
 * order — as when no two cells share a score. When cells tie on a score (rounded scores),
 * the draws map to cells differently and the intervals differ by Monte-Carlo noise. With a
 * weight, a drawn row of a cell weighs the cell's mean weight, not its own: weighted
 * intervals are then an approximation of the row-level ones. The cost is the row-level
 * one's: N draws and one pass over the cells per resample.
 */
export function computeCountsFrame(cells: CountCells, options: MetricFrameOptions = {}): MetricFrame {
  return computeMetricFrame(cells, options);
}

// ---------------------------------------------------------------------------------------
// notes and the report

/** The rows a value of the target stands for, weighted by the counts (first-seen order). */
function targetValueCounts(table: ColumnTable, target: { column: string }, labels: Uint8Array, counts: Float64Array): { value: string; count: number; positive: boolean }[] {
  const col = findColumn(table, target.column);
  const by = new Map<string, { value: string; count: number; positive: boolean }>();
  if (!col) return [];
  for (let r = 0; r < table.nRows; r++) {
    const value = col.type === 'numeric' ? String(col.values[r]) : col.levels[col.codes[r]];
    const e = by.get(value);
    if (e) e.count += counts[r];
    else by.set(value, { value, count: counts[r], positive: labels[r] === 1 });
  }
  return [...by.values()];
}

function rowsText(n: number): string {
  return `${formatCount(n)} row${n === 1 ? '' : 's'}`;
}

/**
 * The row-level audit's input notes, counted in rows (Σ n) rather than in cells: a target
 * with more than two values (`target-multiclass`) and rows in no group of a protected column
 * (`no-group`), in the wording of input-notes.ts. Reads the label and count columns itself.
 */
export function countsInputNotes(table: ColumnTable, req: { target: { column: string; positive: string }; protected: readonly ProtectedAttribute[]; count?: string }): ReportNote[] {
  const counts = countColumn(table, req.count ?? DEFAULT_COUNT_COLUMN);
  const labels = targetLabels(table, req.target);
  const out: ReportNote[] = [];
  const values = targetValueCounts(table, req.target, labels, counts);
  if (values.length > 2) {
    const pos = values.filter((v) => v.positive);
    const neg = values.filter((v) => !v.positive).sort((a, b) => b.count - a.count);
    const negRows = neg.reduce((a, v) => a + v.count, 0);
    const list = (vs: typeof values) => vs.map((v) => `'${v.value}' (${formatCount(v.count)})`).join(', ');
    out.push({
      kind: 'target-multiclass',
      column: req.target.column,
      count: negRows,
      message: `The target '${req.target.column}' has ${values.length} values: ${list(pos)} ${pos.length === 1 ? 'is' : 'are'} positive; ${list(neg)} ${neg.length === 1 ? 'is' : 'are'} all counted as negative (${rowsText(negRows)}).`,
    });
  }
  for (const a of req.protected) {
    const codes = protectedGroups(table, a).codes;
    let n = 0;
    for (let r = 0; r < codes.length; r++) if (codes[r] < 0) n += counts[r];
    if (n > 0) {
      out.push({
        kind: 'no-group',
        column: a.column,
        count: n,
        message: `${rowsText(n)} ha${n === 1 ? 's' : 've'} no value in the protected column '${a.column}': ${n === 1 ? 'it counts' : 'they count'} in the overall numbers but in no group of '${a.column}'.`,
      });
    }
  }
  return out;
}

/** An audit from a counts table: the table is the counts, the roles' target is its label column and the roles' weight its weight-sum column. */
export interface CountsAuditRequest extends Omit<AuditRequest, 'scores' | 'predictions'>, CountsColumns {}

/**
 * The audit report from a counts table: the same JSON as {@link auditReport} on the rows the
 * cells were counted from (module comment: what is identical), `rows` being Σ n. Notes are
 * the caller's when given (the CLI adds the CSV's warnings around them), else the counted
 * input notes ({@link countsInputNotes}).
 */
export function countsAuditReport(req: CountsAuditRequest): AuditReport {
  const cells = readCountCells(req.table, req.roles, req, { intersections: req.intersections ?? false });
  const refs = resolveReferences(cells.attributes, req.reference, req.references);
  const references: Record<string, string> = {};
  cells.attributes.forEach((a, i) => {
    const r = refs[i];
    if (r !== null) references[a.name ?? attributeName(a.columns)] = r;
  });
  const rule = req.decision ?? { rule: 'threshold', threshold: 0.5 };
  const resamples = req.bootstrap?.resamples ?? 0;
  const frame = computeCountsFrame(cells, {
    decision: rule,
    fairlearnCompatible: req.fairlearnCompatible ?? false,
    ...(req.minGroupSize !== undefined ? { minGroupSize: req.minGroupSize } : {}),
    reference: refs,
    ...(resamples > 0 ? { bootstrap: req.bootstrap } : {}),
  });
  return buildAuditReport(frame, {
    input: {
      ...NO_SOURCES,
      ...req.sources,
      target: req.roles.target.column,
      positive: req.roles.target.positive,
      protected: req.roles.protected,
      weight: req.roles.weight ?? null,
    },
    rule: req.prediction ? null : { rule, thresholdFrom: req.thresholdFrom ?? 'given' },
    intersections: req.intersections ?? false,
    references,
    noScores: !req.score,
    notes: req.notes ?? countsInputNotes(req.table, { target: req.roles.target, protected: req.roles.protected, ...(req.count ? { count: req.count } : {}) }),
  });
}
