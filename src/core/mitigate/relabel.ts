/**
 * relabel ("retrain with reviewed overrides"): the model is retrained with people's labels in
 * place of the recorded outcome on the rows they reviewed, so Compare shows what human
 * feedback does to accuracy and parity.
 *
 * Only training rows of the split take a new label. A held-out row in the list is left out
 * (its recorded outcome is what the scenario is judged against, and changing it would grade
 * the model on the reviewers' answers) and counted in a note; so is a row with no target value,
 * which is in neither part of the split. Every later stage — resampling, reweighing, the
 * fairness penalty, group thresholds fitted on training rows — sees the new labels, as the
 * training data now says them.
 *
 * How: the target column is replaced, in a shallow copy of the table, by one of the same type
 * whose relabelled rows hold a value the target encodes as 1 (resp. 0): a value some row
 * already encodes that way, or, when no row does, the positive value itself (resp. a new value
 * that is not it). The copy is checked by encoding it again, so the trained model and the
 * exported manifest see exactly the labels asked for and nothing else changes.
 */
import { encodeTarget } from '../manifest';
import type { Column, ColumnTable } from '../table';
import { internal } from './common';
import type { RelabelReport, ScenarioContext } from './scenario-result';
import type { RelabelRow } from './scenario-spec';

/** The value (categorical: the code) the target column encodes as `label`, from an existing row; undefined when no row holds one. */
function existingCode(col: Column, labels: Int8Array, label: 0 | 1): number | undefined {
  for (let r = 0; r < labels.length; r++) {
    if (labels[r] === label) return col.type === 'numeric' ? col.values[r] : col.codes[r];
  }
  return undefined;
}

/** The target column with the given rows set to values that encode as the given labels. */
function relabelledColumn(col: Column, labels: Int8Array, positive: string, rows: readonly RelabelRow[]): Column {
  if (col.type === 'numeric') {
    const p = positive.trim();
    const pos = existingCode(col, labels, 1) ?? (p === 'true' ? 1 : p === 'false' ? 0 : Number(p));
    if (!Number.isFinite(pos)) throw internal(`the positive value "${positive}" of a numeric target is not a number`);
    const neg = existingCode(col, labels, 0) ?? pos + 1;
    const values = Float64Array.from(col.values);
    for (const { row, label } of rows) values[row] = label === 1 ? pos : neg;
    return { type: 'numeric', name: col.name, values };
  }
  const levels = [...col.levels];
  const addLevel = (text: string): number => {
    let t = text;
    while (levels.includes(t)) t = `${t}'`;
    levels.push(t);
    return levels.length - 1;
  };
  const pos = existingCode(col, labels, 1) ?? (levels.includes(positive) ? levels.indexOf(positive) : addLevel(positive));
  const neg = existingCode(col, labels, 0) ?? addLevel(`not ${positive}`);
  const codes = Int32Array.from(col.codes);
  for (const { row, label } of rows) codes[row] = label === 1 ? pos : neg;
  return { type: col.type, name: col.name, codes, levels };
}

/**
 * The context with the training rows of `labels` relabelled (see the module comment) and the
 * report. Rows must be inside the table (checkScenario refuses others first).
 */
export function relabelContext(ctx: ScenarioContext, given: readonly RelabelRow[], name?: string): { ctx: ScenarioContext; report: RelabelReport } {
  const { table, roles, split } = ctx;
  const part = new Uint8Array(table.nRows); // 1 training, 2 held out
  for (const r of split.train) part[r] = 1;
  for (const r of split.test) part[r] = 2;
  const labels = encodeTarget(table, roles.target);
  const applied: RelabelRow[] = [];
  let changed = 0;
  let heldOut = 0;
  let noTarget = 0;
  for (const g of given) {
    if (g.row >= table.nRows) throw internal(`relabel row ${g.row} is outside the table (${table.nRows} rows)`);
    if (part[g.row] === 2) heldOut++;
    else if (part[g.row] === 0) noTarget++;
    else {
      applied.push(g);
      if (labels[g.row] !== g.label) changed++;
    }
  }
  const index = table.columns.findIndex((c) => c.name === roles.target.column);
  const column = relabelledColumn(table.columns[index], labels, roles.target.positive, applied);
  const columns = table.columns.map((c, i) => (i === index ? column : c));
  const relabelled: ColumnTable = { nRows: table.nRows, columns };
  checkLabels(encodeTarget(relabelled, roles.target), labels, applied);
  return { ctx: { ...ctx, table: relabelled }, report: { name: name ?? null, given: given.length, applied: applied.length, changed, heldOut, noTarget } };
}

/** The relabelled table encodes to the old labels with the given rows replaced, or this is a bug. */
function checkLabels(after: Int8Array, before: Int8Array, applied: readonly RelabelRow[]): void {
  const want = Int8Array.from(before);
  for (const { row, label } of applied) want[row] = label;
  for (let r = 0; r < want.length; r++) {
    if (after[r] !== want[r]) throw internal(`relabelling row ${r} gave label ${after[r]}, not ${want[r]}`);
  }
}

/** The note a relabelled scenario carries. */
export function relabelNote(report: RelabelReport): string {
  const what = report.name ? `${report.name} (${report.given} labels)` : `${report.given} given labels`;
  const left: string[] = [];
  if (report.heldOut > 0) left.push(`${report.heldOut} held-out row${report.heldOut === 1 ? '' : 's'} left out (the held-out outcomes judge every scenario and stay as recorded)`);
  if (report.noTarget > 0) left.push(`${report.noTarget} row${report.noTarget === 1 ? '' : 's'} with no target value left out`);
  return `Retrained with ${what}: ${report.applied} training row${report.applied === 1 ? '' : 's'} relabelled, ${report.changed} of them changed from the recorded outcome${left.length > 0 ? `; ${left.join('; ')}` : ''}.`;
}
