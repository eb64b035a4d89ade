/**
 * Workshop and oversight jobs as the worker runs them: the material from a scored table (the
 * CRM demo with its truth file, or the loaded dataset and model), a participant's plan with
 * the SHAP explanation of the leads shown explained, the debrief from results files, and the
 * review queue's reasons. Pure glue: the rules live in core/workshop and core/oversight.
 */
import type { Manifest } from '../src/core/manifest';
import type { Scorer } from '../src/core/scorer';
import { cellText, findColumn, type ColumnTable } from '../src/core/table';
import { createCsvReader } from '../src/core/csv';
import { WorkbenchError } from '../src/core/errors';
import { canonicalJson, sha256Hex } from '../src/core/oversight';
import {
  crmDemoMaterial,
  lowConfidenceMargin,
  materialFromTable,
  parseWorkshopResult,
  planParticipant,
  recommendationFor,
  workshopSummaryDocument,
  type Material,
  type ParticipantPlan,
  type WorkshopConfig,
  type WorkshopSummaryJson,
} from '../src/core/workshop';
import { runExplainJob, type BackgroundSpec } from './explain-jobs';
import type { Background } from '../src/core/explain';

/** The column that names each lead, when the data has one ('lead_id', 'id', …). */
export function idColumnOf(table: ColumnTable): string | undefined {
  return table.columns.find((c) => /^(lead_?id|id)$/i.test(c.name))?.name;
}

/** Each row's lead id: the id column's text, else "row N" (from 1). */
export function leadIdsOf(table: ColumnTable): string[] {
  const name = idColumnOf(table);
  const col = name ? findColumn(table, name) : undefined;
  return Array.from({ length: table.nRows }, (_, r) => (col ? cellText(col, r) || `row ${r + 1}` : `row ${r + 1}`));
}

/**
 * The identity of a workshop's material: SHA-256 hex of the RFC 8785 JSON of the data file's
 * SHA-256 and the model's fingerprint (its files and manifest). Participants who load the same
 * files get the same value, whatever the files are called on their machine.
 */
export function materialFingerprint(dataHash: string, modelFingerprint: string): string {
  return sha256Hex(canonicalJson({ data: dataHash, model: modelFingerprint }));
}

export interface MaterialInfo {
  /** leads in the material */
  leads: number;
  /** leads with a known true outcome (the plan draws from these) */
  withTruth: number;
  /** leads the model gets wrong among those */
  modelWrong: number;
  groupColumn: string;
  groups: string[];
  threshold: number;
  lowConfidenceMargin: number;
}

export function materialInfo(m: Material): MaterialInfo {
  let withTruth = 0;
  let wrong = 0;
  const groups = new Set<string>();
  for (const l of m.leads) {
    groups.add(l.group);
    if (l.truth === null) continue;
    withTruth++;
    if ((recommendationFor(l.modelScore, m.threshold) === 'call' ? 1 : 0) !== l.truth) wrong++;
  }
  return { leads: m.leads.length, withTruth, modelWrong: wrong, groupColumn: m.groupColumn, groups: [...groups].sort(), threshold: m.threshold, lowConfidenceMargin: lowConfidenceMargin(m) };
}

/** Parse a small CSV given as bytes (the CRM demo's truth file). */
export function parseSmallCsv(bytes: Uint8Array): ColumnTable {
  const reader = createCsvReader({});
  reader.push(bytes);
  return reader.finish().table;
}

export interface MaterialSpec {
  kind: 'crm-demo' | 'custom';
  /** the CRM demo's truth.csv (lead_id, converted_true) */
  truth?: ColumnTable;
  /** for custom material: the column whose value is each lead's group (default: the manifest's first protected attribute) */
  groupColumn?: string;
}

/**
 * The material: the CRM demo (truth from truth.csv, groups by town size), or custom material
 * from the loaded table, where the true outcome is the manifest's target column (a lead is a
 * conversion when it reads the target's positive value) and the target stays off the cards.
 */
export function buildMaterial(table: ColumnTable, manifest: Manifest, scores: Float32Array, spec: MaterialSpec): Material {
  const threshold = manifest.threshold ?? 0.5;
  if (spec.kind === 'crm-demo') {
    if (!spec.truth) throw new WorkbenchError('workshop-invalid', 'the CRM demo material needs its truth file (truth.csv)', 'Reload the page: the demo files come with the app.');
    return crmDemoMaterial(table, spec.truth, scores, threshold);
  }
  const groupColumn = spec.groupColumn ?? manifest.protected?.[0]?.column;
  if (!groupColumn) {
    throw new WorkbenchError('workshop-invalid', 'the workshop material has no group column', 'Choose a protected attribute in the Data & model tab, then set the workshop up again.');
  }
  const target = manifest.target;
  const idColumn = idColumnOf(table);
  const truthById = new Map<string, 0 | 1>();
  const y = findColumn(table, target.column);
  if (!y) throw new WorkbenchError('workshop-invalid', `the data has no column "${target.column}" (the model's target) to tell the true outcome`, 'Use the data the model was made for, with its outcome column.');
  // keyed as materialFromTable names the leads: the id column's text, else the row number from 1
  const idCol = idColumn ? findColumn(table, idColumn) : undefined;
  for (let r = 0; r < table.nRows; r++) {
    const v = cellText(y, r);
    if (v !== '') truthById.set((idCol && cellText(idCol, r)) || String(r + 1), v === String(target.positive) ? 1 : 0);
  }
  const ids = leadIdsOf(table);
  const m = materialFromTable({ table, scores, threshold, groupColumn, ...(idColumn ? { idColumn } : {}), truthById, hiddenColumns: [target.column] });
  // without an id column the leads are named "row N" like everywhere else
  if (!idColumn) m.leads.forEach((l, r) => (l.leadId = ids[r]));
  return m;
}

/**
 * A participant's plan, with the SHAP contributions of every lead that is shown explained
 * (probability space, a seeded background of 50 leads, exact enumeration where the model has
 * few enough inputs). Leads are table rows in the material's order.
 */
export async function planWithExplanations(o: {
  table: ColumnTable;
  manifest: Manifest;
  scorer: Scorer;
  material: Material;
  config: WorkshopConfig;
  participantId: string;
  background: (spec: BackgroundSpec) => Background;
}): Promise<ParticipantPlan> {
  const plan = planParticipant(o.config, o.material, o.participantId);
  const rowOf = new Map(o.material.leads.map((l, r) => [l, r]));
  const explained = plan.items.filter((it) => it.condition === 'score-explained');
  if (explained.length === 0) return plan;
  const spec: BackgroundSpec = { kind: 'sample', size: 50, seed: o.config.seed };
  const rows = Uint32Array.from(explained, (it) => rowOf.get(it.lead)!);
  const shap = await runExplainJob({
    table: o.table,
    manifest: o.manifest,
    scorer: o.scorer,
    background: o.background(spec),
    job: { rows, rowIndexOffset: 0, background: spec, method: 'auto', permutations: 10, output: 'probability', seed: o.config.seed },
  });
  // the plan points at the material's own leads: give the explained ones copies with their contributions
  const items = plan.items.map((it) => {
    const i = explained.indexOf(it);
    if (i < 0) return it;
    const contributions = shap.players.map((p, j) => ({ column: p.name, value: shap.values[i * shap.nPlayers + j] }));
    return { ...it, lead: { ...it.lead, contributions } };
  });
  return { ...plan, items };
}

/** The debrief document from results files given as text (a file that is not one names itself). */
export function debrief(files: readonly { name: string; text: string }[], intervalLevel = 0.95): WorkshopSummaryJson {
  if (files.length === 0) throw new WorkbenchError('workshop-invalid', 'no results files were given', 'Choose the results files the participants downloaded (workshop-….json).');
  return workshopSummaryDocument(
    files.map((f) => ({ file: f.name, result: parseWorkshopResult(f.text, f.name) })),
    { intervalLevel },
  );
}
