/**
 * `bias-workbench audit`: the fairness audit of one scored (or decided) dataset, as JSON or as
 * one self-contained HTML report. This file reads the flags and the files (the CSV, a score
 * or decision column, the model) and hands them to core's audit (src/core/audit), the same
 * one the page's worker runs, so the same data and roles give the same report.
 */
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { WorkbenchError } from '../core/errors';
import { checkManifestAgainstTable, encodeTable, type Manifest } from '../core/manifest';
import { createModelScorer } from '../core/model';
import { parseNumber, retypeColumn } from '../core/csv';
import { validateRoles } from '../core/roles';
import { findColumn, type ColumnTable, type NumericColumn } from '../core/table';
import { auditReport, NO_SCORES, type AuditSources, type ReportNote, type ThresholdSource } from '../core/audit';
import type { DecisionRule } from '../core/metrics';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { loadModelFromDisk } from './load-model';
import { baseRoles, collectNotes, printNotes, requiredProtected, sha256File, targetFlags, toJson, writeResult } from './common';
import { RANGES, UsageError, numberFlag, optChoice, optString, parseFlags, type FlagValues } from './flags';
import { renderAuditHtml } from './report-html';

// ---------------------------------------------------------------------------------------
// score and decision columns

function rolesError(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

/** P(positive) from a numeric column in [0, 1]; throws on missing, text or out-of-range values. */
export function scoreColumn(table: ColumnTable, name: string): Float64Array {
  let col = findColumn(table, name);
  if (!col) throw rolesError(`The score column '${name}' is not in the table.`, 'Check the column name (names are case-sensitive).');
  if (col.type !== 'numeric') {
    const { column, lostValues } = retypeColumn(col, 'numeric');
    if (lostValues > 0) {
      const bad = col.levels.filter((l) => l.trim() !== '' && Number.isNaN(parseNumber(l))).slice(0, 3);
      throw rolesError(`The score column '${name}' holds text that is not a number (${bad.map((b) => `'${b}'`).join(', ')}).`, '--score expects a numeric column of P(positive) in [0, 1]; for 0/1 decisions use --prediction.');
    }
    col = column as NumericColumn;
  }
  const v = (col as NumericColumn).values;
  let missing = 0;
  let firstMissing = -1;
  let outside = 0;
  let firstOutside = -1;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) {
      if (missing++ === 0) firstMissing = i;
    } else if (!(x >= 0 && x <= 1)) {
      if (outside++ === 0) firstOutside = i;
    }
  }
  if (missing > 0) {
    throw rolesError(`${missing} row${missing === 1 ? ' has' : 's have'} no value in the score column '${name}' (first: data row ${firstMissing + 1}).`, 'Every row needs a score; remove those rows or fill them in.');
  }
  if (outside > 0) {
    throw rolesError(
      `The score column '${name}' has ${outside} value${outside === 1 ? '' : 's'} outside [0, 1] (first: data row ${firstOutside + 1}: ${v[firstOutside]}).`,
      '--score expects P(positive) in [0, 1]: apply a sigmoid to log-odds first, or use --prediction for 0/1 decisions.',
    );
  }
  return Float64Array.from(v);
}

const TRUE_WORDS = new Set(['1', 'true', 't', 'yes', 'y']);
const FALSE_WORDS = new Set(['0', 'false', 'f', 'no', 'n']);

/**
 * 0/1 decisions from a prediction column: a numeric column must hold 0 and 1 only; a text
 * column is 1 where it equals the positive value (or, when no row does, a true/false-like
 * column is read as true = 1). Missing values throw.
 */
export function predictionColumn(table: ColumnTable, name: string, positive: string): Uint8Array {
  const col = findColumn(table, name);
  if (!col) throw rolesError(`The prediction column '${name}' is not in the table.`, 'Check the column name (names are case-sensitive).');
  const n = table.nRows;
  const out = new Uint8Array(n);
  let missing = 0;
  if (col.type === 'numeric') {
    let bad = -1;
    for (let i = 0; i < n; i++) {
      const x = col.values[i];
      if (Number.isNaN(x)) missing++;
      else if (x === 1) out[i] = 1;
      else if (x !== 0 && bad < 0) bad = i;
    }
    if (bad >= 0) {
      throw rolesError(
        `The prediction column '${name}' holds ${col.values[bad]} (data row ${bad + 1}); decisions must be 0 or 1.`,
        'Pass 0/1 decisions with --prediction, or probabilities in [0, 1] with --score.',
      );
    }
  } else {
    let pos = col.levels.indexOf(positive);
    let posLevels: Set<number>;
    if (pos >= 0) posLevels = new Set([pos]);
    else {
      const lower = col.levels.map((l) => l.trim().toLowerCase());
      if (!lower.every((l) => TRUE_WORDS.has(l) || FALSE_WORDS.has(l))) {
        throw rolesError(
          `No row of the prediction column '${name}' equals the positive value '${positive}' (its values: ${col.levels.slice(0, 10).map((l) => `'${l}'`).join(', ')}).`,
          'The prediction column must hold the positive value for selected rows, or 0/1.',
        );
      }
      posLevels = new Set(lower.map((l, i) => (TRUE_WORDS.has(l) ? i : -1)).filter((i) => i >= 0));
      pos = -1;
    }
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      if (c < 0) missing++;
      else if (posLevels.has(c)) out[i] = 1;
    }
  }
  if (missing > 0) {
    throw rolesError(`${missing} row${missing === 1 ? ' has' : 's have'} no value in the prediction column '${name}'.`, 'Every row needs a decision; remove those rows or fill them in.');
  }
  return out;
}


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

/** The decision rule the flags give, if any (at most one of --threshold, --top-k, --top-percent). */
function ruleFlag(values: FlagValues): DecisionRule | null {
  const given = (['threshold', 'top-k', 'top-percent'] as const).filter((k) => values[k] !== undefined);
  if (given.length > 1) throw new UsageError(`give at most one of --threshold, --top-k, --top-percent (got ${given.map((g) => `--${g}`).join(' and ')})`);
  const t = numberFlag(values, 'threshold', RANGES.probability);
  if (t !== undefined) return { rule: 'threshold', threshold: t };
  const k = numberFlag(values, 'top-k', RANGES.count);
  if (k !== undefined) return { rule: 'top-k', k };
  const p = numberFlag(values, 'top-percent', RANGES.percent);
  if (p !== undefined) return { rule: 'top-percent', percent: p };
  return null;
}

/** The flags, checked before any file is read. */
function readFlags(args: string[]) {
  const v = parseFlags(args, OPTIONS);
  const rule = ruleFlag(v);
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
  let model: Awaited<ReturnType<typeof loadModelFromDisk>> | null = null;
  if (f.modelPath) {
    await setupNodeBackend();
    model = await loadModelFromDisk(f.modelPath, f.manifestPath);
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
    if (f.scoreCol) scores = scoreColumn(table, f.scoreCol);
    if (model) {
      manifestWarnings = checkManifestAgainstTable(model.manifest, table, { requireTarget: false }).warnings;
      const scorer = createModelScorer(model.model, model.manifest);
      try {
        scores = await scorer.predict(encodeTable(table, model.manifest), table.nRows);
      } finally {
        scorer.dispose();
      }
    }
    const predictions = f.predCol ? predictionColumn(table, f.predCol, positive) : undefined;
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
    model?.model.dispose();
  }
}
