/**
 * The impact-assessment report as the worker makes it for the page: glue from what the worker
 * holds (the table, the roles, the scores, the model) to core's buildAssessment and
 * renderAssessmentHtml (src/core/report), the same ones `bias-workbench report` calls, so the
 * page and the CLI make the same document from the same inputs.
 *
 * Two steps, because nothing leaves the page before the person has seen what it hides:
 * - {@link reportPreview}: the privacy side only (identifier-like columns, the cells small-cell
 *   suppression hides at k, the k-anonymity check over the protected and chosen
 *   quasi-identifier columns), from an audit without intervals (suppression reads counts only);
 * - {@link makeReport}: the whole assessment with bootstrap intervals, the proxy ranking and,
 *   when asked, permutation importance; its HTML and its JSON twin.
 * What the other tabs hold comes as small summaries (src/client/report-inputs.ts): Mitigate &
 * compare's finished results (made into compare's JSON here with core's compareScenariosJson,
 * as the CLI writes it) and the scenario adopted, the Monitor tab's policy text, the decision
 * log's counts and the appeals by group, the Explain tab's mean |SHAP| and gap attribution.
 * As in the CLI, the audit's minimum group size is raised to k, so a hidden group never sets a
 * headline disparity.
 */
import { auditReport, NO_SOURCES, type AuditReport, type ReportNote } from '../src/core/audit';
import { detectIdentifiers, type IdentifierAction, type IdentifierFinding, type KAnonymityResult } from '../src/core/anonymise';
import { buildAssessment, renderAssessmentHtml, type Assessment, type AssessmentInputs, type ExplanationsInput, type GapInput, type OversightInput, type PolicyInput, type ProxyInput, type ScenarioResultsInput, type ShapInput, type SystemText } from '../src/core/report';
import { compareScenariosJson, type ScenarioOutcome } from '../src/core/mitigate';
import { POLICY_FORMAT, validatePolicy } from '../src/core/monitor/policy';
import { sha256Hex } from '../src/core/oversight';
import type { DecisionRule } from '../src/core/metrics';
import type { DatasetRoles } from '../src/core/roles';
import type { Manifest } from '../src/core/manifest';
import type { Scorer } from '../src/core/scorer';
import type { ColumnTable } from '../src/core/table';
import { WorkbenchError } from '../src/core/errors';
import { importanceJob, proxyReport } from './explain-jobs';

/** What the person chooses in the report dialog. */
export interface ReportSettings {
  /** groups with fewer rows are shown as "fewer than k" */
  k: number;
  /** columns besides the protected ones that could single a person out together */
  quasiIdentifiers: string[];
  identifierAction: IdentifierAction;
  system?: Partial<SystemText>;
  /** protected column → why it is assessed */
  protectedWhy?: Record<string, string>;
  /** permutation importance (accuracy, 3 repeats): costs model runs over every row */
  importance?: boolean;
  /** compare results (`bias-workbench compare --format json`), when the page has them */
  scenarios?: ScenarioResultsInput | null;
  /** Mitigate & compare's finished scenarios, made into compare's JSON here (when `scenarios` is not given) */
  compare?: FinishedScenarios | null;
  /** the scenario adopted, by name */
  chosenScenario?: string | null;
  oversightStatement?: string;
  /** the decision log's summary and the appeals by group (src/client/report-inputs oversightSummary) */
  oversight?: Pick<OversightInput, 'log' | 'appeals'> | null;
  monitoringPlan?: string;
  /** the Monitor tab's policy as typed */
  policyText?: string | null;
  /** the Explain tab's last run: mean |SHAP| by column, and the gap between two groups split by column */
  shap?: ShapInput | null;
  gap?: GapInput | null;
}

/** Mitigate & compare's finished scenarios as the page holds them: results without model files. */
export interface FinishedScenarios {
  results: ScenarioOutcome[];
  /** the scenario differences are taken from (the audited model as loaded); null: none */
  baseline: string | null;
  split: ScenarioResultsInput['split'];
}

/** The audit settings of the page (the Audit tab's options and the session's rule). */
export interface ReportAuditOptions {
  decision: DecisionRule;
  fairlearnCompatible?: boolean;
  minGroupSize?: number;
  references?: Record<string, string | null>;
  intersections?: boolean;
  /** bootstrap resamples for the intervals (0: none) */
  resamples: number;
}

/** What the worker holds for one dataset and model. */
export interface ReportContext {
  table: ColumnTable;
  roles: DatasetRoles;
  scores: Float32Array;
  audit: ReportAuditOptions;
  dataset: { name: string; sha256: string };
  model: { name: string; format: string; fingerprint: string | null; manifest: Manifest; scorer: Scorer };
  /** the session's rule as a score threshold (for permutation importance's accuracy) */
  threshold: number;
}

export interface ReportPreview {
  k: number;
  rows: number;
  identifiers: IdentifierFinding[];
  /** cells the report will hide: the table (attribute or profile) and the cell */
  suppressed: Assessment['privacy']['suppressed'];
  kAnonymity: KAnonymityResult;
  /** columns that may be named as quasi-identifiers (not a role, not an identifier) */
  candidates: string[];
  identifierAction: IdentifierAction;
}

export interface MadeReport {
  html: string;
  json: string;
  title: string;
  /** milliseconds the worker took */
  ms: number;
  residualRisks: number;
  suppressedCells: number;
}

function checkSettings(ctx: ReportContext, s: ReportSettings): void {
  if (!Number.isInteger(s.k) || s.k < 2) throw new WorkbenchError('roles-invalid', `k must be a whole number ≥ 2, not ${s.k}.`, 'Use k = 10 unless your policy says otherwise.');
  for (const q of s.quasiIdentifiers) {
    if (!ctx.table.columns.some((c) => c.name === q)) throw new WorkbenchError('roles-invalid', `The quasi-identifier '${q}' is not a column of ${ctx.dataset.name}.`, 'Choose among the columns listed.');
  }
}

/** The columns the roles name (never identifiers to drop, never quasi-identifier candidates). */
function roleColumns(roles: DatasetRoles): string[] {
  return [roles.target.column, ...roles.protected.map((p) => p.column), ...(roles.weight ? [roles.weight] : [])];
}

function identifiersOf(ctx: ReportContext): IdentifierFinding[] {
  return detectIdentifiers(ctx.table, { exclude: roleColumns(ctx.roles) });
}

/** The audit JSON the report rests on: minimum group size raised to k, intervals when asked. */
function reportAudit(ctx: ReportContext, k: number, withIntervals: boolean, notes: ReportNote[]): AuditReport {
  const o = ctx.audit;
  const scoreColumn = ctx.model.format === 'scores' ? (ctx.model.manifest.model?.scoreColumn ?? null) : null;
  return auditReport({
    table: ctx.table,
    roles: ctx.roles,
    scores: ctx.scores,
    decision: o.decision,
    thresholdFrom: 'given',
    intersections: o.intersections ?? true,
    fairlearnCompatible: o.fairlearnCompatible,
    references: o.references,
    minGroupSize: Math.max(o.minGroupSize ?? 30, k),
    ...(withIntervals && o.resamples > 0 ? { bootstrap: { resamples: o.resamples, seed: 1 } } : {}),
    sources: { ...NO_SOURCES, file: ctx.dataset.name, sha256: ctx.dataset.sha256, score: scoreColumn, model: scoreColumn ? null : ctx.model.name },
    notes,
  });
}

/** The proxy ranking of each protected attribute over the model's columns (or the data's features), identifiers left out. */
function proxies(ctx: ReportContext, identifiers: readonly string[]): ProxyInput[] {
  const candidates = (ctx.model.format === 'scores' ? ctx.roles.features : ctx.model.manifest.features.map((f) => f.column)).filter((c) => !identifiers.includes(c));
  if (candidates.length === 0) return [];
  return ctx.roles.protected.map((attr) => {
    const r = proxyReport(ctx.table, ctx.roles, attr, candidates);
    return {
      attribute: attr.column,
      nmiThreshold: r.report.nmiThreshold,
      aucThreshold: r.report.aucThreshold,
      columns: r.report.columns.map((c) => ({
        name: c.name,
        nmi: c.nmi,
        groupInformation: c.groupInformation,
        likelyProxy: c.likelyProxy,
        aucByGroup: Object.fromEntries(r.levels.map((l, i) => [l, Number.isFinite(c.auc[i]) ? c.auc[i] : null])),
      })),
    };
  });
}

/** The page's scenarios as compare's JSON (core's compareScenariosJson, as the CLI writes it). */
function scenarioResults(s: ReportSettings): ScenarioResultsInput | null {
  if (s.scenarios) return s.scenarios;
  const c = s.compare;
  if (!c || c.results.length === 0) return null;
  return { groups: c.results[0].group, split: c.split, ...compareScenariosJson(c.results, c.baseline), file: null, sha256: null };
}

/**
 * The Monitor tab's policy: judged on the audit when it is a valid bias-workbench.policy/1,
 * else shown as typed (with no format) so the report says what was written.
 */
function policyInput(text: string | null | undefined): PolicyInput | null {
  if (!text?.trim()) return null;
  const base = { file: "the Monitor tab's policy", sha256: sha256Hex(text) };
  try {
    const content: unknown = JSON.parse(text);
    validatePolicy(content);
    return { ...base, format: POLICY_FORMAT, content };
  } catch {
    return { ...base, format: null, content: text };
  }
}

function oversightInput(s: ReportSettings): OversightInput | null {
  const statement = s.oversightStatement?.trim() ? s.oversightStatement : undefined;
  if (!statement && !s.oversight) return null;
  return { ...(statement ? { statement } : {}), ...(s.oversight ?? {}) };
}

function assessmentInputs(ctx: ReportContext, s: ReportSettings, audit: AuditReport, explanations: ExplanationsInput | null, createdAt: string | null): AssessmentInputs {
  const scoresColumn = ctx.model.format === 'scores';
  return {
    audit,
    table: ctx.table,
    system: s.system,
    protectedWhy: s.protectedWhy,
    model: {
      kind: scoresColumn ? (ctx.model.manifest.model?.scoreKind === 'decision' ? 'decision-column' : 'score-column') : 'model',
      // the page keeps the model's fingerprint (SHA-256 over its files and its manifest), not each file's hash
      files: ctx.model.fingerprint ? [{ role: scoresColumn ? 'scores' : 'model', name: `${ctx.model.name} (fingerprint of files and manifest)`, sha256: ctx.model.fingerprint, bytes: null }] : [],
      manifest: scoresColumn ? null : ctx.model.manifest,
    },
    explanations,
    scenarios: scenarioResults(s),
    chosenScenario: s.chosenScenario ?? null,
    oversight: oversightInput(s),
    monitoring: { plan: s.monitoringPlan, policy: policyInput(s.policyText) },
    reproducibility: { seeds: { bootstrap: 1 }, versions: { browser: typeof navigator === 'undefined' ? 'unknown' : navigator.userAgent } },
    privacy: { k: s.k, quasiIdentifiers: s.quasiIdentifiers.map((column) => ({ column })), identifierAction: s.identifierAction },
    createdAt,
  };
}

/** What the report will hide or leave out, before it is made. */
export function reportPreview(ctx: ReportContext, s: ReportSettings): ReportPreview {
  checkSettings(ctx, s);
  const identifiers = identifiersOf(ctx);
  const doc = buildAssessment(assessmentInputs(ctx, s, reportAudit(ctx, s.k, false, []), null, null));
  const taken = new Set([...roleColumns(ctx.roles), ...identifiers.map((f) => f.column)]);
  if (ctx.model.format === 'scores' && ctx.model.manifest.model?.scoreColumn) taken.add(ctx.model.manifest.model.scoreColumn);
  return {
    k: s.k,
    rows: ctx.table.nRows,
    identifiers,
    suppressed: doc.privacy.suppressed,
    kAnonymity: doc.privacy.kAnonymity,
    candidates: ctx.table.columns.map((c) => c.name).filter((n) => !taken.has(n)),
    identifierAction: s.identifierAction,
  };
}

/** The whole assessment, as its self-contained HTML and its JSON twin. */
export async function makeReport(ctx: ReportContext, s: ReportSettings, notes: ReportNote[], onProgress?: (stage: string) => void): Promise<MadeReport> {
  const t0 = performance.now();
  checkSettings(ctx, s);
  onProgress?.('audit with intervals');
  const audit = reportAudit(ctx, s.k, true, notes);
  onProgress?.('proxies');
  const identifiers = identifiersOf(ctx).map((f) => f.column);
  const explanations: ExplanationsInput = { proxies: proxies(ctx, identifiers), shap: s.shap ?? null, gap: s.gap ?? null };
  if (s.importance && ctx.model.format !== 'scores') {
    onProgress?.('permutation importance');
    const repeats = 3;
    const seed = 0;
    const r = await importanceJob({ table: ctx.table, manifest: ctx.model.manifest, scorer: ctx.model.scorer, roles: ctx.roles, score: 'accuracy', repeats, seed, threshold: ctx.threshold });
    explanations.importance = { score: r.score, baseline: r.baseline, repeats, seed, columns: r.players.map((p) => ({ name: p.name, mean: p.mean, std: p.std })).sort((a, b) => b.mean - a.mean) };
  }
  onProgress?.('document');
  const doc = buildAssessment(assessmentInputs(ctx, s, audit, explanations, new Date().toISOString()));
  const html = renderAssessmentHtml(doc);
  // a number that does not exist is written as null, as the CLI writes it
  const json = JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? 'Algorithmic impact assessment';
  return { html, json, title, ms: performance.now() - t0, residualRisks: doc.residualRisks.length, suppressedCells: doc.privacy.suppressed.length };
}
