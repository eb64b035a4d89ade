/**
 * `bias-workbench audit`: the fairness audit of one scored (or decided) dataset, as JSON or as
 * one self-contained HTML report. This file reads the flags and the files (the CSV, a score
 * or decision column, the model) and hands them to core's audit (src/core/audit), the same
 * one the page's worker runs, so the same data and roles give the same report.
 */
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { checkManifestAgainstTable, encodeTable, type Manifest } from '../core/manifest';
import { validateRoles } from '../core/roles';
import { CLI_HINTS, predictionColumn, scoreColumn } from '../core/score-column';
import { auditReport, NO_SCORES, type AuditSources, type ReportNote, type ThresholdSource } from '../core/audit';
import type { DecisionRule } from '../core/metrics';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { openModelFromDisk } from './load-model';
import { baseRoles, collectNotes, printNotes, requiredProtected, sha256File, targetFlags, toJson, writeResult } from './common';
import { RANGES, UsageError, decisionRuleFlag, numberFlag, optChoice, optString, parseFlags } from './flags';
import { renderAuditHtml } from './report-html';

// ---------------------------------------------------------------------------------------
// the command

const OPTIONS = {
  data: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  protected: { type: 'string' },
  score: { type: 'string' },
  prediction: { type: 'string' },
  model: { type: 'string' },
  manifest: { type: 'string' },
  threshold: { type: 'string' },
  'top-k': { type: 'string' },
  'top-percent': { type: 'string' },
  weight: { type: 'string' },
  reference: { type: 'string' },
  intersections: { type: 'boolean' },
  bootstrap: { type: 'string' },
  'confidence-level': { type: 'string' },
  seed: { type: 'string' },
  'min-group-size': { type: 'string' },
  'fairlearn-compatible': { type: 'boolean' },
  bins: { type: 'string', multiple: true },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

/** The flags, checked before any file is read. */
function readFlags(args: string[]) {
  const v = parseFlags(args, OPTIONS);
  const rule = decisionRuleFlag(v);
  const resamples = numberFlag(v, 'bootstrap', RANGES.countOrZero, 0);
  const seed = numberFlag(v, 'seed', RANGES.seed, 0);
  const level = numberFlag(v, 'confidence-level', RANGES.level);
  const minGroupSize = numberFlag(v, 'min-group-size', RANGES.count, 30);
  const format = optChoice(v, 'format', ['json', 'html'] as const, 'json');
  const dataPath = optString(v, 'data');
  if (!dataPath) throw new UsageError('--data is required');
  const scoreCol = optString(v, 'score');
  const predCol = optString(v, 'prediction');
  const modelPath = optString(v, 'model');
  const manifestPath = optString(v, 'manifest');
  if (scoreCol && modelPath) throw new UsageError('give --score or --model, not both');
  if (!scoreCol && !predCol && !modelPath) throw new UsageError('one of --score, --prediction or --model is required');
  if (manifestPath && !modelPath) throw new UsageError('--manifest goes with --model');
  if (predCol && rule) throw new UsageError('--prediction gives the decisions: leave out --threshold, --top-k and --top-percent');
  return {
    values: v,
    rule,
    attrs: requiredProtected(v),
    format,
    bootstrap: resamples > 0 ? { resamples, seed, ...(level !== undefined ? { level } : {}) } : undefined,
    minGroupSize,
    dataPath,
    scoreCol,
    predCol,
    modelPath,
    manifestPath,
    weightCol: optString(v, 'weight'),
    reference: optString(v, 'reference') ?? null,
    intersections: v.intersections === true,
    fairlearnCompatible: v['fairlearn-compatible'] === true,
    out: optString(v, 'out'),
  };
}

/** The rule to apply: the flag's, else the manifest's threshold, else 0.5. */
function decisionRule(flag: DecisionRule | null, manifest: Manifest | null): { rule: DecisionRule; from: ThresholdSource } {
  if (flag) return { rule: flag, from: 'given' };
  if (manifest) return { rule: { rule: 'threshold', threshold: manifest.threshold }, from: 'manifest' };
  return { rule: { rule: 'threshold', threshold: 0.5 }, from: 'default' };
}

/** Name, path, size and SHA-256 of the data, model and manifest files. */
async function fileSources(dataPath: string, model: { path: string; manifestPath: string } | null): Promise<Partial<AuditSources>> {
  const [sha, st] = await Promise.all([sha256File(dataPath), stat(dataPath)]);
  return {
    file: basename(dataPath),
    path: dataPath,
    bytes: st.size,
    sha256: sha,
    ...(model
      ? { model: model.path, modelSha256: await sha256File(model.path), manifest: model.manifestPath, manifestSha256: await sha256File(model.manifestPath) }
      : {}),
  };
}

function noScoresNote(predCol: string): ReportNote {
  return {
    kind: NO_SCORES,
    message: `Only decisions were given (--prediction ${predCol}), no scores: ROC AUC, Brier score, mean score, calibration error and the AUC and calibration gaps are undefined (reason '${NO_SCORES}'). Add --score COL or --model to get them.`,
  };
}

export async function auditCommand(args: string[]): Promise<number> {
  const f = readFlags(args);
  let model: Awaited<ReturnType<typeof openModelFromDisk>> | null = null;
  if (f.modelPath) {
    await setupNodeBackend();
    model = await openModelFromDisk(f.modelPath, f.manifestPath);
  }
  try {
    const manifest = model?.manifest ?? null;
    const { rule, from } = decisionRule(f.rule, manifest);
    const { target, positive } = targetFlags(f.values, manifest);

    const parsed = await readCsvFile(f.dataPath);
    const table = parsed.table;
    const roles = baseRoles(target, positive, f.attrs, f.weightCol);
    validateRoles(table, roles);

    let scores: Float64Array | Float32Array | null = null;
    let manifestWarnings: string[] = [];
    if (f.scoreCol) scores = scoreColumn(table, f.scoreCol, CLI_HINTS);
    if (model) {
      manifestWarnings = checkManifestAgainstTable(model.manifest, table, { requireTarget: false }).warnings;
      scores = await model.opened.scorer.predict(encodeTable(table, model.manifest), table.nRows);
    }
    const predictions = f.predCol ? predictionColumn(table, f.predCol, positive, CLI_HINTS) : undefined;
    const notes = collectNotes(table, { manifest, target: roles.target, protected: f.attrs, csvWarnings: parsed.warnings, manifestWarnings });
    if (scores === null) notes.push(noScoresNote(f.predCol!));

    const report = auditReport({
      table,
      roles,
      scores,
      ...(predictions ? { predictions } : {}),
      decision: rule,
      thresholdFrom: from,
      intersections: f.intersections,
      fairlearnCompatible: f.fairlearnCompatible,
      minGroupSize: f.minGroupSize,
      reference: f.reference,
      ...(f.bootstrap ? { bootstrap: f.bootstrap } : {}),
      sources: {
        ...(await fileSources(f.dataPath, model && f.modelPath ? { path: f.modelPath, manifestPath: model.manifestPath } : null)),
        score: f.scoreCol ?? null,
        prediction: f.predCol ?? null,
      },
      notes,
    });
    printNotes(notes);
    await writeResult(f.format === 'html' ? renderAuditHtml(report) : toJson(report), f.out);
    if (f.out) process.stderr.write(`audit of ${report.rows} rows → ${f.out}\n`);
    return 0;
  } finally {
    model?.opened.dispose();
  }
}
