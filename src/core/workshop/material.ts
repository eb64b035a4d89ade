/**
 * The workshop's material: scored leads with their true outcome where known, and the model's
 * decision threshold. The page builds it from the CRM demo (or the loaded dataset + model) and
 * the model's scores; the plan (./plan) draws each participant's leads from it.
 *
 * Low confidence: a lead is low-confidence when its score lies within the material's
 * low-confidence margin of the threshold, |score − threshold| ≤ margin. The margin is the
 * material's own unless given: the LOW_CONFIDENCE_SHARE (20 %) quantile of |score − threshold|
 * over the leads with a known outcome, so that the fifth of the leads closest to the threshold
 * are low-confidence whatever the scale of the scores (the CRM demo's threshold is 0.0746; a
 * fixed margin such as 0.05 would cover most of its leads).
 */
import { WorkbenchError } from '../errors';
import { cellText, findColumn, type ColumnTable } from '../table';

export interface MaterialLead {
  leadId: string;
  /** value of the audited attribute (town_size for the CRM demo) */
  group: string;
  /** P(convert) from the model */
  modelScore: number;
  /** true outcome when known */
  truth: 0 | 1 | null;
  /** the lead's columns, for the card */
  fields: Record<string, string | number | null>;
  /** SHAP per column (the page fills these for planned leads, for 'score-explained') */
  contributions?: { column: string; value: number }[];
}

export interface Material {
  leads: MaterialLead[];
  /** score ≥ threshold → the model recommends a call */
  threshold: number;
  /** the column whose value is each lead's group */
  groupColumn: string;
  /** |score − threshold| at or under which a lead is low-confidence; absent: {@link lowConfidenceMargin} computes it */
  lowConfidenceMargin?: number;
}

/** The share of the material's leads (with a known outcome) closest to the threshold that count as low-confidence. */
export const LOW_CONFIDENCE_SHARE = 0.2;

/** The model's recommendation for a score: call at or above the threshold. */
export function recommendationFor(score: number, threshold: number): 'call' | 'skip' {
  return score >= threshold ? 'call' : 'skip';
}

/**
 * The low-confidence margin of a material: its `lowConfidenceMargin` when set, else the
 * LOW_CONFIDENCE_SHARE quantile (lower order statistic: the ⌈share·m⌉-th smallest) of
 * |score − threshold| over the m leads with a known outcome (over all leads when none has one).
 */
export function lowConfidenceMargin(material: Material): number {
  if (material.lowConfidenceMargin !== undefined) return material.lowConfidenceMargin;
  const known = material.leads.filter((l) => l.truth !== null);
  const pool = known.length > 0 ? known : material.leads;
  if (pool.length === 0) return 0;
  const d = new Float64Array(pool.length);
  for (let i = 0; i < pool.length; i++) d[i] = Math.abs(pool[i].modelScore - material.threshold);
  d.sort();
  return d[Math.max(0, Math.ceil(LOW_CONFIDENCE_SHARE * d.length) - 1)];
}

// ---------------------------------------------------------------------------------------
// building material from a table

export interface MaterialFromTableOptions {
  table: ColumnTable;
  /** the model's score per row */
  scores: ArrayLike<number>;
  threshold: number;
  groupColumn: string;
  /** the column naming each lead; absent or missing in the table: the row number from 1 */
  idColumn?: string;
  /** the true outcome by lead id (leads not in it have an unknown truth) */
  truthById?: ReadonlyMap<string, 0 | 1>;
  /** columns left off the cards (the target, history the participant should not see) */
  hiddenColumns?: readonly string[];
}

/** A cell as a card field: numbers as numbers, categories as text, missing as null. */
function fieldValue(table: ColumnTable, column: number, row: number): string | number | null {
  const col = table.columns[column];
  if (col.type === 'numeric') {
    const v = col.values[row];
    return Number.isNaN(v) ? null : v;
  }
  return col.codes[row] < 0 ? null : col.levels[col.codes[row]];
}

/** Material from a scored table: one lead per row. */
export function materialFromTable(o: MaterialFromTableOptions): Material {
  const { table, scores } = o;
  if (scores.length !== table.nRows) {
    throw new WorkbenchError('workshop-invalid', `the material has ${table.nRows} leads but ${scores.length} scores`, 'Score every lead of the material with the model.');
  }
  const group = findColumn(table, o.groupColumn);
  if (!group) throw new WorkbenchError('workshop-invalid', `the material has no column "${o.groupColumn}" to group leads by`, 'Choose a protected attribute that the data has.');
  const id = o.idColumn !== undefined ? findColumn(table, o.idColumn) : undefined;
  const hidden = new Set([...(o.hiddenColumns ?? []), ...(id ? [id.name] : [])]);
  const shown = table.columns.map((c, j) => ({ name: c.name, j })).filter((c) => !hidden.has(c.name));
  const leads: MaterialLead[] = new Array(table.nRows);
  for (let i = 0; i < table.nRows; i++) {
    const leadId = id ? cellText(id, i) || String(i + 1) : String(i + 1);
    const fields: Record<string, string | number | null> = {};
    for (const c of shown) fields[c.name] = fieldValue(table, c.j, i);
    leads[i] = { leadId, group: cellText(group, i) || '(none)', modelScore: scores[i], truth: o.truthById?.get(leadId) ?? null, fields };
  }
  return { leads, threshold: o.threshold, groupColumn: o.groupColumn };
}

/** The true outcome by lead id from a table with an id column and an outcome column (positive value → 1, missing → left out). */
export function truthByIdFromTable(table: ColumnTable, idColumn: string, outcomeColumn: string, positive: string): Map<string, 0 | 1> {
  const id = findColumn(table, idColumn);
  const y = findColumn(table, outcomeColumn);
  if (!id || !y) throw new WorkbenchError('workshop-invalid', `the outcome file needs the columns "${idColumn}" and "${outcomeColumn}"`, 'Use the truth file that came with the leads.');
  const out = new Map<string, 0 | 1>();
  for (let i = 0; i < table.nRows; i++) {
    const v = cellText(y, i);
    if (v !== '') out.set(cellText(id, i), v === positive ? 1 : 0);
  }
  return out;
}

/** The CRM demo's columns that never reach a card: the recorded outcome and the past calls (history a new lead does not have). */
export const CRM_HIDDEN_COLUMNS = ['converted', 'called', 'converted_true'] as const;

/**
 * The CRM demo as material: `leads` is public/demo/crm/leads.csv, `truth` its truth.csv
 * (lead_id, converted_true), `scores` the demo model's scores of the leads, `threshold` the
 * manifest's (0.0746). Groups are town sizes.
 */
export function crmDemoMaterial(leads: ColumnTable, truth: ColumnTable, scores: ArrayLike<number>, threshold: number): Material {
  return materialFromTable({
    table: leads,
    scores,
    threshold,
    groupColumn: 'town_size',
    idColumn: 'lead_id',
    truthById: truthByIdFromTable(truth, 'lead_id', 'converted_true', 'yes'),
    hiddenColumns: CRM_HIDDEN_COLUMNS,
  });
}
