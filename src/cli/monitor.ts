/**
 * `bias-workbench monitor`: a recurring audit. Drift of every column, of the scores and of
 * each group's selection rate between a reference and a current dataset; optionally the
 * current data by time window; optionally a committee policy judged on the result. Exit 0
 * when no rule breaks, 3 when one does (each broken rule named on standard error), so a
 * scheduled CI job can gate a model (docs/monitoring.md). All numbers come from core
 * (src/core/monitor, src/core/audit); this file reads flags and files.
 */
import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import { encodeTable, checkManifestAgainstTable, type Manifest } from '../core/manifest';
import { validateRoles, type DatasetRoles, type ProtectedAttribute } from '../core/roles';
import { CLI_HINTS, scoreColumn } from '../core/score-column';
import { auditReport, type AuditReport } from '../core/audit';
import { WorkbenchError } from '../core/errors';
import {
  evaluatePolicy,
  monitorWindows,
  rowsWithOutcome,
  scoreDrift,
  selectionRateDrift,
  tableDrift,
  takeRows,
  validatePolicy,
  windowAudit,
  WINDOW_UNITS,
  type DriftBins,
  type Policy,
  type PolicyResult,
  type WindowUnit,
} from '../core/monitor';
import type { ColumnTable } from '../core/table';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { openModelFromDisk } from './load-model';
import { baseRoles, parseBins, protectedAttributes, sha256File, splitList, targetFlags, toJson, writeResult } from './common';
import { UsageError, optChoice, optString, parseFlags } from './flags';
import { renderMonitorHtml } from './monitor-html';

const OPTIONS = {
  reference: { type: 'string' },
  current: { type: 'string' },
  model: { type: 'string' },
  manifest: { type: 'string' },
  score: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  protected: { type: 'string' },
  bins: { type: 'string', multiple: true },
  'time-column': { type: 'string' },
  window: { type: 'string' },
  policy: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

/** `--bins`: evidently | deciles | N (PSI's bins), or COL=c1,c2,... (cuts of a protected column). */
function readBins(specs: readonly string[]): { drift: DriftBins; cuts: string[] } {
  let drift: DriftBins = 'evidently';
  let seen = false;
  const cuts: string[] = [];
  for (const s of specs) {
    if (s.includes('=')) {
      cuts.push(s);
      continue;
    }
    if (seen) throw new UsageError('--bins evidently|deciles|N is given twice');
    seen = true;
    if (s === 'evidently' || s === 'deciles') drift = s;
    else if (/^\d+$/.test(s) && Number(s) >= 2) drift = Number(s);
    else throw new UsageError(`--bins expects evidently, deciles, a whole number ≥ 2 (PSI's bins) or COL=c1,c2,... (a protected column's cuts), not "${s}"`);
  }
  return { drift, cuts };
}

function readFlags(args: string[]) {
  const v = parseFlags(args, OPTIONS);
  const reference = optString(v, 'reference');
  const current = optString(v, 'current');
  if (!reference) throw new UsageError('--reference is required');
  if (!current) throw new UsageError('--current is required');
  const modelPath = optString(v, 'model');
  const scoreCol = optString(v, 'score');
  const manifestPath = optString(v, 'manifest');
  if (manifestPath && !modelPath) throw new UsageError('--manifest goes with --model');
  if (modelPath && scoreCol) throw new UsageError('give --model or --score, not both');
  if (!modelPath && !scoreCol) throw new UsageError('one of --model or --score is required');
  const protectedFlag = optString(v, 'protected');
  if (!protectedFlag) throw new UsageError('--protected is required');
  const bins = readBins((v.bins as string[] | undefined) ?? []);
  const attrs: ProtectedAttribute[] = protectedAttributes(splitList(protectedFlag), parseBins(bins.cuts));
  if (attrs.length === 0) throw new UsageError('--protected needs at least one column');
  const timeColumn = optString(v, 'time-column');
  const windowFlag = optString(v, 'window');
  if (windowFlag && !timeColumn) throw new UsageError('--window goes with --time-column');
  const window: WindowUnit = optChoice(v, 'window', WINDOW_UNITS, 'month');
  return {
    values: v,
    reference,
    current,
    modelPath,
    manifestPath,
    scoreCol,
    attrs,
    driftBins: bins.drift,
    timeColumn,
    window,
    policyPath: optString(v, 'policy'),
    format: optChoice(v, 'format', ['json', 'html'] as const, 'json'),
    out: optString(v, 'out'),
  };
}

/** Reads and validates the policy file (bad JSON or a bad rule: exit 1 with the path of each problem). */
async function readPolicy(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new WorkbenchError('policy-invalid', `cannot read ${path}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : String(e)}`, 'Check the path of --policy.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new WorkbenchError('policy-invalid', `${path} is not JSON: ${(e as Error).message}`, 'See docs/monitoring.md for the policy format.');
  }
  return validatePolicy(json);
}

type Scorer = (table: ColumnTable) => Promise<Float32Array | Float64Array>;

/** One side: its table, scores and the audit of its rows with outcomes. */
async function readSide(path: string, roles: DatasetRoles, score: Scorer, manifest: Manifest | null, decision: { rule: 'threshold'; threshold: number }) {
  const table = (await readCsvFile(path)).table;
  // a log's recent rows often have no outcome yet: the roles are checked on the rows that have one
  if (manifest) checkManifestAgainstTable(manifest, table, { requireTarget: false });
  const scores = await score(table);
  const all = Uint32Array.from({ length: table.nRows }, (_, i) => i);
  const known = rowsWithOutcome(table, roles.target.column, all);
  let audit: AuditReport | null = null;
  let auditProblem: string | undefined;
  if (known.length === 0) auditProblem = 'no row has its outcome';
  else {
    const sub = known.length === table.nRows ? table : takeRows(table, known);
    const subScores = known.length === table.nRows ? scores : Float64Array.from(known, (r) => scores[r]);
    validateRoles(sub, roles);
    audit = auditReport({ table: sub, roles, scores: subScores, decision, sources: { file: basename(path), path, sha256: await sha256File(path) } });
  }
  return { table, scores, audit, auditProblem, rowsWithOutcome: known.length };
}

/** Every rule the policy names as broken or undetermined, one line each on standard error. */
function printVerdict(result: PolicyResult): void {
  for (const r of result.rules) {
    if (r.broken) process.stderr.write(`bias-workbench: rule broken (${r.action}): ${r.rule} — ${r.evidence}\n`);
    else if (r.undetermined) process.stderr.write(`bias-workbench: rule undetermined: ${r.rule} — ${r.evidence}\n`);
  }
  process.stderr.write(`bias-workbench: verdict ${result.verdict}\n`);
}

export async function monitorCommand(args: string[]): Promise<number> {
  const f = readFlags(args);
  const policy = f.policyPath ? await readPolicy(f.policyPath) : null;
  let model: Awaited<ReturnType<typeof openModelFromDisk>> | null = null;
  if (f.modelPath) {
    await setupNodeBackend();
    model = await openModelFromDisk(f.modelPath, f.manifestPath);
  }
  try {
    const manifest = model?.manifest ?? null;
    const { target, positive } = targetFlags(f.values, manifest);
    const roles = baseRoles(target, positive, f.attrs, undefined);
    const decision = { rule: 'threshold' as const, threshold: manifest?.threshold ?? 0.5 };
    const score: Scorer = async (table) => (model ? model.opened.scorer.predict(encodeTable(table, model.manifest), table.nRows) : scoreColumn(table, f.scoreCol!, CLI_HINTS));
    const ref = await readSide(f.reference, roles, score, manifest, decision);
    const cur = await readSide(f.current, roles, score, manifest, decision);
    const columns = ref.table.columns.map((c) => c.name).filter((n) => n !== f.timeColumn);
    const drift = tableDrift({ reference: ref.table, current: cur.table, columns, options: { bins: f.driftBins } });
    const scoreD = scoreDrift(ref.scores, cur.scores, { bins: f.driftBins });
    const selectionRates = ref.audit && cur.audit ? selectionRateDrift(ref.audit, cur.audit) : [];
    const windows = f.timeColumn
      ? monitorWindows({ table: cur.table, scores: cur.scores, roles, timeColumn: f.timeColumn, unit: f.window, decision, reference: { table: ref.table, scores: ref.scores, options: { bins: f.driftBins } } })
      : undefined;
    const result = policy
      ? evaluatePolicy(policy, { audit: cur.audit, rows: cur.table.nRows, drift: { columns: drift.columns, score: scoreD }, selectionRates, ...(cur.auditProblem ? { auditProblem: cur.auditProblem } : {}) })
      : undefined;
    const report = {
      generatedBy: ref.audit?.generatedBy ?? 'bias-workbench',
      input: {
        reference: { file: basename(f.reference), sha256: await sha256File(f.reference), rows: ref.table.nRows, rowsWithOutcome: ref.rowsWithOutcome },
        current: { file: basename(f.current), sha256: await sha256File(f.current), rows: cur.table.nRows, rowsWithOutcome: cur.rowsWithOutcome },
        target,
        positive,
        protected: f.attrs,
        score: f.scoreCol ?? null,
        model: f.modelPath ?? null,
        decision,
        bins: f.driftBins,
        policy: f.policyPath ?? null,
      },
      drift: { columns: drift.columns, skipped: drift.skipped, score: scoreD, selectionRates },
      audit: { reference: ref.audit ? windowAudit(ref.audit) : null, current: cur.audit ? windowAudit(cur.audit) : null },
      ...(windows ? { windows } : {}),
      ...(result ? { policy: { name: policy?.name ?? null, ...result } } : {}),
    };
    await writeResult(f.format === 'html' ? renderMonitorHtml(report) : toJson(report), f.out);
    if (f.out) process.stderr.write(`monitor: ${drift.columns.length} columns, ${ref.table.nRows} reference and ${cur.table.nRows} current rows → ${f.out}\n`);
    if (!result) return 0;
    printVerdict(result);
    return result.verdict === 'ok' ? 0 : 3;
  } finally {
    model?.opened.dispose();
  }
}


