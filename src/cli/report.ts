/**
 * `bias-workbench report`: the algorithmic impact assessment of one scored dataset, as one
 * self-contained HTML file (default) or its JSON twin (`bias-workbench.assessment/1`). This
 * file reads the flags and the files — the CSV, the model or a score column, the compare
 * results, a policy, a decision log, a workshop debrief — runs the audit (core/audit, the same
 * as `audit`), the proxy ranking and permutation importance (core/explain), and hands it all
 * to core's buildAssessment and renderAssessmentHtml (src/core/report), which the page uses
 * too. Small groups are suppressed at k (default 10) everywhere in the report.
 */
import { basename, dirname, join } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { WorkbenchError } from '../core/errors';
import { checkManifestAgainstTable, encodeTable, featureSlices, type Manifest } from '../core/manifest';
import { scoreColumn, CLI_HINTS } from '../core/score-column';
import { targetLabels, validateRoles, type ProtectedAttribute } from '../core/roles';
import { auditReport, protectedGroups, NO_SOURCES, type ReportNote } from '../core/audit';
import { permutationImportance, playersFromSlices, proxyStrength, type ProxyColumn } from '../core/explain';
import { parseJsonLines, verifyLog } from '../core/oversight';
import { conditionLabel, WORKSHOP_SUMMARY_FORMAT, type WorkshopSummaryJson } from '../core/workshop';
import { DEFAULT_K, detectIdentifiers } from '../core/anonymise';
import { POLICY_FORMAT, validatePolicy } from '../core/monitor/policy';
import { buildAssessment, renderAssessmentHtml, type AssessmentInputs, type ExplanationsInput, type FileHash, type OversightInput, type PolicyInput, type ProxyInput, type ScenarioResultsInput } from '../core/report';
import { exact, pct } from '../core/format';
import type { ColumnTable } from '../core/table';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { openModelFromDisk } from './load-model';
import { baseRoles, collectNotes, printNotes, requiredProtected, sha256File, splitList, targetFlags, toJson, writeResult } from './common';
import { RANGES, UsageError, decisionRuleFlag, numberFlag, optChoice, optString, parseFlags, type FlagValues } from './flags';
import { applyOverrides, projectArgs, type ProjectArgs } from './report-project';

const OPTIONS = {
  project: { type: 'string' },
  data: { type: 'string' },
  model: { type: 'string' },
  manifest: { type: 'string' },
  score: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  protected: { type: 'string' },
  bins: { type: 'string', multiple: true },
  weight: { type: 'string' },
  threshold: { type: 'string' },
  'top-k': { type: 'string' },
  'top-percent': { type: 'string' },
  intersections: { type: 'boolean' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  'confidence-level': { type: 'string' },
  'min-group-size': { type: 'string' },
  'importance-repeats': { type: 'string' },
  scenarios: { type: 'string' },
  chosen: { type: 'string' },
  policy: { type: 'string' },
  log: { type: 'string' },
  workshop: { type: 'string' },
  system: { type: 'string' },
  purpose: { type: 'string' },
  use: { type: 'string' },
  affected: { type: 'string' },
  owner: { type: 'string' },
  why: { type: 'string', multiple: true },
  oversight: { type: 'string' },
  monitoring: { type: 'string' },
  k: { type: 'string' },
  quasi: { type: 'string' },
  identifiers: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

/** How many bootstrap resamples the report's intervals use unless told. */
export const DEFAULT_REPORT_BOOTSTRAP = 200;

/** `--why COL=TEXT` (repeatable) → column → text. */
function whyFlags(values: FlagValues, protectedCols: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of (values.why as string[] | undefined) ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--why expects COL=TEXT, not "${spec}"`);
    const col = spec.slice(0, eq).trim();
    if (!protectedCols.includes(col)) throw new UsageError(`--why names '${col}', which is not among --protected (${protectedCols.join(', ')})`);
    out[col] = spec.slice(eq + 1);
  }
  return out;
}

/** The flags, checked before any file is read. */
function readFlags(args: string[]) {
  const v = parseFlags(args, OPTIONS);
  // --project was turned into these flags by projectArgs before (report-project.ts)
  if (v.project !== undefined) throw new UsageError('--project is given twice');
  const dataPath = optString(v, 'data');
  if (!dataPath) throw new UsageError('--data is required');
  const modelPath = optString(v, 'model');
  const scoreCol = optString(v, 'score');
  if (modelPath && scoreCol) throw new UsageError('give --model or --score, not both');
  if (!modelPath && !scoreCol) throw new UsageError('one of --model or --score is required');
  const manifestPath = optString(v, 'manifest');
  if (manifestPath && !modelPath) throw new UsageError('--manifest goes with --model');
  const attrs = requiredProtected(v);
  const k = numberFlag(v, 'k', { whole: true, min: 2 }, DEFAULT_K);
  const chosen = optString(v, 'chosen');
  const scenariosPath = optString(v, 'scenarios');
  if (chosen && !scenariosPath) throw new UsageError('--chosen goes with --scenarios');
  const repeats = numberFlag(v, 'importance-repeats', RANGES.countOrZero, 3);
  const level = numberFlag(v, 'confidence-level', RANGES.level);
  return {
    values: v,
    dataPath,
    modelPath,
    manifestPath,
    scoreCol,
    attrs,
    rule: decisionRuleFlag(v),
    weightCol: optString(v, 'weight'),
    intersections: v.intersections === true,
    resamples: numberFlag(v, 'bootstrap', RANGES.countOrZero, DEFAULT_REPORT_BOOTSTRAP),
    seed: numberFlag(v, 'seed', RANGES.seed, 0),
    level,
    minGroupSize: numberFlag(v, 'min-group-size', RANGES.count, 30),
    importanceRepeats: modelPath ? repeats : 0,
    scenariosPath,
    chosen: chosen ?? null,
    policyPath: optString(v, 'policy'),
    logPath: optString(v, 'log'),
    workshopPath: optString(v, 'workshop'),
    k,
    quasi: v.quasi !== undefined ? splitList(optString(v, 'quasi')!) : [],
    identifierAction: optChoice(v, 'identifiers', ['drop', 'hash'] as const, 'drop'),
    format: optChoice(v, 'format', ['html', 'json'] as const, 'html'),
    out: optString(v, 'out'),
    why: whyFlags(v, attrs.map((a) => a.column)),
  };
}

// ---------------------------------------------------------------------------------------
// side files

async function readText(path: string, what: string, hint: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
    throw new WorkbenchError('roles-invalid', `cannot read the ${what} ${path}: ${why}`, hint);
  }
}

async function readJson(path: string, what: string, hint: string): Promise<unknown> {
  const text = await readText(path, what, hint);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new WorkbenchError('roles-invalid', `the ${what} ${path} is not valid JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, hint);
  }
}

const SCENARIOS_HINT = 'Pass the JSON that `bias-workbench compare ... --format json --out results.json` writes (docs/cli.md#compare).';

/** compare's JSON output; a scenarios spec (what compare reads) is refused with what to do. */
export async function readScenarioResults(path: string): Promise<ScenarioResultsInput & { dataSha256: string | null }> {
  const json = await readJson(path, 'scenario results', SCENARIOS_HINT);
  const o = json as Record<string, unknown> | null;
  const list = Array.isArray(json) ? json : o && Array.isArray(o.scenarios) ? (o.scenarios as unknown[]) : null;
  if (list && list.every((s) => typeof s === 'object' && s !== null && !('metrics' in s))) {
    throw new WorkbenchError('roles-invalid', `${path} is a list of scenarios to run, not their results`, `Run them first: bias-workbench compare --data ... --scenarios ${basename(path)} --format json --out results.json, then pass --scenarios results.json.`);
  }
  const groups = o?.groups as { name?: unknown; levels?: unknown } | undefined;
  const split = o?.split as Record<string, unknown> | undefined;
  const ok =
    o && !Array.isArray(json) && list && list.length > 0 &&
    list.every((s) => typeof s === 'object' && s !== null && typeof (s as { name?: unknown }).name === 'string' && typeof (s as { metrics?: unknown }).metrics === 'object' && Array.isArray((s as { interventions?: unknown }).interventions)) &&
    groups && typeof groups.name === 'string' && Array.isArray(groups.levels) && split && typeof split.seed === 'number' && typeof split.testFraction === 'number';
  if (!ok) throw new WorkbenchError('roles-invalid', `${path} is not the output of bias-workbench compare (no scenarios with metrics, groups and split)`, SCENARIOS_HINT);
  const input = o.input as { sha256?: unknown } | undefined;
  return {
    groups: groups as ScenarioResultsInput['groups'],
    split: split as unknown as ScenarioResultsInput['split'],
    baselineScenario: typeof o.baselineScenario === 'string' ? o.baselineScenario : null,
    scenarios: list as ScenarioResultsInput['scenarios'],
    pareto: Array.isArray(o.pareto) ? (o.pareto as string[]) : [],
    sha256: await sha256File(path),
    file: basename(path),
    dataSha256: typeof input?.sha256 === 'string' ? input.sha256 : null,
  };
}

/** A monitoring policy (core/monitor/policy.ts), validated: a bad one exits 1 naming its problems. */
async function readPolicy(path: string): Promise<PolicyInput> {
  const content = await readJson(path, 'policy', 'Pass a monitoring policy (bias-workbench.policy/1, docs/monitoring.md) as a JSON file.');
  try {
    validatePolicy(content);
  } catch (e) {
    if (e instanceof WorkbenchError) throw new WorkbenchError(e.code, `${path}: ${e.message}`, e.hint);
    throw e;
  }
  return { file: basename(path), sha256: await sha256File(path), format: POLICY_FORMAT, content };
}

async function readLog(path: string): Promise<NonNullable<OversightInput['log']>> {
  const hint = 'Pass a decision log exported from the Oversight tab (JSON Lines, docs/oversight.md).';
  const text = await readText(path, 'decision log', hint);
  let entries: unknown[];
  try {
    entries = parseJsonLines(text);
  } catch (e) {
    throw new WorkbenchError('log-invalid', `${path}: ${e instanceof Error ? e.message : String(e)}`, hint);
  }
  const v = verifyLog(entries);
  const byKind: Record<string, number> = {};
  let overrides = 0;
  for (const x of entries) {
    const kind = (x as { kind?: unknown }).kind;
    if (typeof kind === 'string') byKind[kind] = (byKind[kind] ?? 0) + 1;
    if ((x as { override?: unknown }).override === true) overrides++;
  }
  return { file: basename(path), sha256: await sha256File(path), intact: v.ok, entries: entries.length, head: v.ok ? v.head : null, problem: v.ok ? null : v.message, byKind, overrides };
}

async function readWorkshop(path: string): Promise<NonNullable<OversightInput['workshop']>> {
  const hint = 'Pass the JSON of bias-workbench workshop summarize (bias-workbench.workshop-summary/1).';
  const json = (await readJson(path, 'workshop summary', hint)) as WorkshopSummaryJson;
  if (!json || json.format !== WORKSHOP_SUMMARY_FORMAT || !Array.isArray(json.conditions)) throw new WorkbenchError('workshop-invalid', `${path} is not a workshop summary (${WORKSHOP_SUMMARY_FORMAT})`, hint);
  const findings = json.conditions.map((c) => `${conditionLabel(c.condition)}: accuracy ${c.accuracy === null ? 'undefined' : pct(c.accuracy)} over ${c.decisions} decisions; people followed the model when it was wrong ${c.followRateWhenModelWrong === null ? 'undefined' : pct(c.followRateWhenModelWrong)} of the time.`);
  const cmp = json.comparison;
  if (cmp) findings.push(`Human with the score: accuracy ${cmp.humanPlusModel === null ? 'undefined' : pct(cmp.humanPlusModel)}; the model alone: ${cmp.modelAlone === null ? 'undefined' : pct(cmp.modelAlone)}; people without the score: ${cmp.humanAlone === null ? 'undefined' : pct(cmp.humanAlone)}.`);
  return { file: basename(path), participants: json.participants, decisions: json.decisions, findings };
}

/** model.json and its shards (or the .onnx file) and the manifest, hashed. */
async function modelFiles(modelPath: string, manifestPath: string): Promise<FileHash[]> {
  const files: { role: string; path: string }[] = [{ role: 'model', path: modelPath }];
  if (modelPath.toLowerCase().endsWith('.json')) {
    try {
      const json = JSON.parse(await readFile(modelPath, 'utf8')) as { weightsManifest?: { paths?: string[] }[] };
      for (const g of json.weightsManifest ?? []) for (const p of g.paths ?? []) if (existsSync(join(dirname(modelPath), p))) files.push({ role: 'weights', path: join(dirname(modelPath), p) });
    } catch {
      // the loader has already read it; a shard list it could not read is not ours to judge
    }
  }
  files.push({ role: 'manifest', path: manifestPath });
  return Promise.all(files.map(async (f) => ({ role: f.role, name: basename(f.path), sha256: await sha256File(f.path), bytes: (await stat(f.path)).size })));
}

// ---------------------------------------------------------------------------------------
// explanations

/** Proxy ranking of each one-column protected attribute over the model's (or every other) column. */
function proxies(table: ColumnTable, attrs: readonly ProtectedAttribute[], candidates: readonly string[]): ProxyInput[] {
  const columns: ProxyColumn[] = [];
  for (const name of candidates) {
    const c = table.columns.find((x) => x.name === name);
    if (c) columns.push(c.type === 'numeric' ? { name, kind: 'numeric', values: c.values } : { name, kind: 'categorical', codes: c.codes, nLevels: c.levels.length });
  }
  if (columns.length === 0) return [];
  return attrs.map((a) => {
    const groups = protectedGroups(table, a);
    const r = proxyStrength(columns.filter((c) => c.name !== a.column), groups.codes);
    return {
      attribute: a.column,
      nmiThreshold: r.nmiThreshold,
      aucThreshold: r.aucThreshold,
      columns: r.columns.map((c) => ({ name: c.name, nmi: c.nmi, groupInformation: c.groupInformation, likelyProxy: c.likelyProxy, aucByGroup: Object.fromEntries(groups.levels.map((l, i) => [l, Number.isFinite(c.auc[i]) ? c.auc[i] : null])) })),
    };
  });
}

// ---------------------------------------------------------------------------------------

/** `--project FILE` taken out of the arguments: the file and the rest; null without it. */
function projectFlag(args: readonly string[]): { path: string; rest: string[] } | null {
  const i = args.findIndex((a) => a === '--project' || a.startsWith('--project='));
  if (i < 0) return null;
  const path = args[i].startsWith('--project=') ? args[i].slice('--project='.length) : args[i + 1];
  if (!path || path.startsWith('--')) throw new UsageError('--project needs a value');
  return { path, rest: [...args.slice(0, i), ...args.slice(i + (args[i].startsWith('--project=') ? 1 : 2))] };
}

export async function reportCommand(args: string[]): Promise<number> {
  const fromProject = projectFlag(args);
  if (!fromProject) return makeReport(args, null);
  const p = await projectArgs(fromProject.path, fromProject.rest);
  try {
    return await makeReport(p.args, p);
  } finally {
    p.cleanup();
  }
}

async function makeReport(args: string[], project: ProjectArgs | null): Promise<number> {
  const t0 = performance.now();
  const f = readFlags(args);
  let model: Awaited<ReturnType<typeof openModelFromDisk>> | null = null;
  if (f.modelPath) {
    await setupNodeBackend();
    model = await openModelFromDisk(f.modelPath, f.manifestPath);
  }
  try {
    const manifest: Manifest | null = model?.manifest ?? null;
    const { target, positive } = targetFlags(f.values, manifest);
    const parsed = await readCsvFile(f.dataPath);
    const table = project ? applyOverrides(parsed.table, project.overrides) : parsed.table;
    const roles = baseRoles(target, positive, f.attrs, f.weightCol);
    validateRoles(table, roles);
    for (const q of f.quasi) if (!table.columns.some((c) => c.name === q)) throw new WorkbenchError('roles-invalid', `--quasi names '${q}', which is not in the table`, 'Check the column name (names are case-sensitive).');

    // scores: the model's, or the score column's
    let scores: Float64Array | Float32Array;
    let X: Float32Array | null = null;
    let manifestWarnings: string[] = [];
    if (model) {
      manifestWarnings = checkManifestAgainstTable(model.manifest, table, { requireTarget: false }).warnings;
      X = encodeTable(table, model.manifest);
      scores = await model.opened.scorer.predict(X, table.nRows);
    } else scores = scoreColumn(table, f.scoreCol!, CLI_HINTS);
    const notes: ReportNote[] = collectNotes(table, { manifest, target: roles.target, protected: f.attrs, csvWarnings: parsed.warnings, manifestWarnings });

    // the side files, read before the long work so a bad one fails fast
    const scenarios = f.scenariosPath ? await readScenarioResults(f.scenariosPath) : null;
    const policy = f.policyPath ? await readPolicy(f.policyPath) : null;
    const log = f.logPath ? await readLog(f.logPath) : null;
    const workshop = f.workshopPath ? await readWorkshop(f.workshopPath) : null;

    const rule = f.rule ?? (manifest ? { rule: 'threshold' as const, threshold: manifest.threshold } : { rule: 'threshold' as const, threshold: 0.5 });
    const [sha, st] = await Promise.all([sha256File(f.dataPath), stat(f.dataPath)]);
    if (scenarios?.dataSha256 && scenarios.dataSha256 !== sha) notes.push({ kind: 'scenarios', message: `The scenario results (${scenarios.file}) were computed on another data file (SHA-256 ${scenarios.dataSha256.slice(0, 12)}…, this one ${sha.slice(0, 12)}…).` });
    const audit = auditReport({
      table,
      roles,
      scores,
      decision: rule,
      thresholdFrom: f.rule ? 'given' : manifest ? 'manifest' : 'default',
      intersections: f.intersections,
      // a group hidden at k never enters the headline disparities
      minGroupSize: Math.max(f.minGroupSize, f.k),
      ...(f.resamples > 0 ? { bootstrap: { resamples: f.resamples, seed: f.seed, ...(f.level !== undefined ? { level: f.level } : {}) } } : {}),
      sources: { ...NO_SOURCES, file: basename(f.dataPath), path: project?.dataLabel ?? f.dataPath, bytes: st.size, sha256: sha, score: f.scoreCol ?? null, ...(model ? (project ? { model: `${project.file}:model/${basename(f.modelPath!)}`, manifest: `${project.file}:project.json (model.manifest)` } : { model: f.modelPath!, manifest: model.manifestPath }) : {}) },
      notes,
    });

    // explanations: proxies always, permutation importance with a model
    const identifiers = detectIdentifiers(table, { exclude: [target, ...f.attrs.map((a) => a.column), ...(f.weightCol ? [f.weightCol] : [])] }).map((x) => x.column);
    const roleCols = new Set([target, ...f.attrs.map((a) => a.column), ...(f.weightCol ? [f.weightCol] : []), ...(f.scoreCol ? [f.scoreCol] : []), ...identifiers]);
    const candidates = manifest ? manifest.features.map((x) => x.column) : table.columns.map((c) => c.name).filter((n) => !roleCols.has(n));
    const explanations: ExplanationsInput = { proxies: proxies(table, f.attrs, candidates.filter((c) => !identifiers.includes(c))) };
    if (model && X && f.importanceRepeats > 0) {
      const threshold = rule.rule === 'threshold' ? rule.threshold : model.manifest.threshold;
      const res = await permutationImportance({ scorer: model.opened.scorer, X, nRows: table.nRows, players: playersFromSlices(featureSlices(model.manifest)), labels: targetLabels(table, roles.target), score: 'accuracy', threshold, repeats: f.importanceRepeats, seed: f.seed });
      explanations.importance = { score: res.score, baseline: res.baseline, repeats: f.importanceRepeats, seed: f.seed, columns: res.players.map((p) => ({ name: p.name, mean: p.mean, std: p.std })).sort((a, b) => b.mean - a.mean) };
    }

    const v = f.values;
    const inputs: AssessmentInputs = {
      audit,
      table,
      system: { name: optString(v, 'system'), purpose: optString(v, 'purpose'), intendedUse: optString(v, 'use'), affectedPeople: optString(v, 'affected'), owner: optString(v, 'owner') },
      protectedWhy: f.why,
      model: model ? { kind: 'model', files: await modelFiles(f.modelPath!, model.manifestPath), manifest } : { kind: 'score-column', files: [], manifest: null },
      explanations,
      scenarios,
      chosenScenario: f.chosen,
      oversight: log || workshop || v.oversight ? { log, workshop, ...(v.oversight ? { statement: optString(v, 'oversight') } : {}) } : null,
      monitoring: { plan: optString(v, 'monitoring'), policy },
      reproducibility: { versions: { node: process.versions.node }, command: `bias-workbench report ${(project?.command ?? args).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ')}` },
      privacy: { k: f.k, quasiIdentifiers: f.quasi.map((column) => ({ column })), identifierAction: f.identifierAction },
      createdAt: new Date().toISOString(),
    };
    const assessment = buildAssessment(inputs);
    printNotes(notes);
    const text = f.format === 'html' ? renderAssessmentHtml(assessment) : toJson(assessment);
    await writeResult(text, f.out);
    if (f.out) process.stderr.write(`report of ${audit.rows} rows, ${assessment.residualRisks.length} residual risks, ${assessment.privacy.suppressed.length} cells suppressed → ${f.out} (${exact(Buffer.byteLength(text) / 1024, 0)} KiB, ${exact((performance.now() - t0) / 1000, 1)} s)\n`);
    return 0;
  } finally {
    model?.opened.dispose();
  }
}

