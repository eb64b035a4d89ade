/**
 * The dataset of a project file, anonymised before the file leaves the page: identifier-like
 * columns (core/anonymise's detectIdentifiers: ids, e-mails, phones, names) dropped or
 * replaced by salted pseudonyms, as the person chooses after seeing the list.
 *
 * Columns the project needs are never touched: the target, the protected attributes, the
 * weight, the score column and every column the model reads (dropping one would leave a
 * project that cannot be audited); they are named in the preview as kept, with why.
 *
 * When nothing is flagged, the data's bytes are kept as they are (same SHA-256, the file is
 * the one loaded). Otherwise the table is written again as comma-separated UTF-8, and the
 * project's dataset entry follows it: its hash is the new file's, type choices and roles
 * lose the dropped columns, and a pseudonymised column is text. A pseudonym is written as
 * `h` and the 16 hex digits of core's saltedHash, so that an all-digit hash is never read
 * back as a number. The salt is made here for this one file and kept nowhere.
 */
import { strToU8 } from 'fflate';
import { anonymiseTable, detectIdentifiers, randomSalt, type IdentifierAction, type IdentifierFinding } from '../anonymise';
import { parseCsv } from '../csv';
import { cellText, type CategoricalColumn, type ColumnTable } from '../table';
import type { Project } from './types';
import { sha256Hex } from './zip';

/** What the person sees before saving: the columns that would be removed or pseudonymised, and those kept on purpose. */
export interface DataPreview {
  findings: IdentifierFinding[];
  /** identifier-looking columns the project needs, left as they are */
  kept: { column: string; why: string }[];
}

/** The columns a project needs (never dropped), each with why. */
export function neededColumns(project: Project): Map<string, string> {
  const need = new Map<string, string>();
  const r = project.roles;
  if (r) {
    need.set(r.target.column, 'the target');
    for (const p of r.protected) need.set(p.column, 'a protected attribute');
    if (r.weight) need.set(r.weight, 'the weight');
  }
  const m = project.model;
  if (m?.kind === 'scores') need.set(m.column, 'the score column');
  if (m?.kind === 'files') {
    const features = (m.manifest as { features?: { column?: unknown }[] } | null)?.features ?? [];
    for (const f of features) if (typeof f.column === 'string' && !need.has(f.column)) need.set(f.column, 'the model reads it');
  }
  return need;
}

/** The identifier-like columns of the project's data, and those kept because the project needs them. */
export function previewProjectData(project: Project, data: Uint8Array): DataPreview {
  const table = parseCsv(data).table;
  const need = neededColumns(project);
  const all = detectIdentifiers(table);
  return {
    findings: all.filter((f) => !need.has(f.column)),
    kept: all.filter((f) => need.has(f.column)).map((f) => ({ column: f.column, why: need.get(f.column)! })),
  };
}

function field(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A table as comma-separated UTF-8 with a header row; missing values are empty fields. */
export function tableToCsv(table: ColumnTable): Uint8Array {
  const cols = table.columns;
  const lines: string[] = [cols.map((c) => field(c.name)).join(',')];
  const row: string[] = new Array(cols.length);
  for (let r = 0; r < table.nRows; r++) {
    for (let j = 0; j < cols.length; j++) row[j] = field(cellText(cols[j], r));
    lines.push(row.join(','));
  }
  return strToU8(lines.join('\n') + '\n');
}

/**
 * The project and its data with the flagged columns dropped or pseudonymised. `findings` are
 * the ones the person saw (from {@link previewProjectData}); none leaves the data as it was.
 */
export function anonymiseProjectData(
  project: Project,
  data: Uint8Array,
  findings: readonly IdentifierFinding[],
  action: IdentifierAction,
  salt: string = randomSalt(),
): { project: Project; data: Uint8Array; treated: { column: string; action: IdentifierAction }[] } {
  const need = neededColumns(project);
  const chosen = findings.filter((f) => !need.has(f.column));
  if (chosen.length === 0 || !project.dataset) return { project, data, treated: [] };
  const parsed = parseCsv(data).table;
  const { table } = anonymiseTable(parsed, chosen, action === 'hash' ? { action, salt } : { action });
  const names = new Set(chosen.map((f) => f.column));
  const columns = table.columns.map((c) => (c.type === 'categorical' && names.has(c.name) ? ({ ...c, levels: c.levels.map((l) => `h${l}`) } satisfies CategoricalColumn) : c));
  const bytes = tableToCsv({ nRows: table.nRows, columns });
  const overrides = Object.fromEntries(Object.entries(project.dataset.overrides).filter(([c]) => !names.has(c)));
  const roles = project.roles ? { ...project.roles, features: project.roles.features.filter((c) => action === 'hash' || !names.has(c)), ignored: project.roles.ignored.filter((c) => action === 'hash' || !names.has(c)) } : null;
  return {
    project: { ...project, dataset: { ...project.dataset, contentHash: sha256Hex(bytes), overrides }, roles },
    data: bytes,
    treated: chosen.map((f) => ({ column: f.column, action })),
  };
}
