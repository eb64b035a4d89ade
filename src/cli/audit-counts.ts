/**
 * `bias-workbench audit --counts FILE`: the audit from a counts table (one row per cell of
 * protected values × score × label, with its row count `n` and, optionally, a weight sum), as
 * `bias-workbench sql` prints the query for. Same flags and same report as the row-level
 * audit, read through core's counts audit (src/core/audit/counts.ts); the numbers equal the
 * row-level audit of the rows the cells were counted from (docs/scale.md says which are exact).
 */
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { countsAuditReport, countsInputNotes, DEFAULT_COUNT_COLUMN, NO_SCORES, type ReportNote } from '../core/audit';
import type { DecisionRule } from '../core/metrics';
import { readCsvFile } from './read-csv';
import { baseRoles, printNotes, requiredProtected, sha256File, toJson, warningNotes, writeResult } from './common';
import { RANGES, UsageError, decisionRuleFlag, numberFlag, optChoice, optString, parseFlags } from './flags';
import { renderAuditHtml } from './report-html';

const OPTIONS = {
  counts: { type: 'string' },
  count: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  protected: { type: 'string' },
  score: { type: 'string' },
  prediction: { type: 'string' },
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

/** Whether an audit call reads a counts table (`--counts FILE` or `--counts=FILE`). */
export function wantsCounts(args: readonly string[]): boolean {
  return args.some((a) => a === '--counts' || a.startsWith('--counts='));
}

function readFlags(args: string[]) {
  const v = parseFlags(args, OPTIONS);
  const rule: DecisionRule = decisionRuleFlag(v) ?? { rule: 'threshold', threshold: 0.5 };
  const countsPath = optString(v, 'counts');
  if (!countsPath) throw new UsageError('--counts needs a file');
  const target = optString(v, 'target');
  const positive = optString(v, 'positive');
  if (!target) throw new UsageError('--target is required (the label column of the counts table)');
  if (positive === undefined) throw new UsageError('--positive is required (1 for the label bias-workbench sql writes)');
  const scoreCol = optString(v, 'score');
  const predCol = optString(v, 'prediction');
  if (!scoreCol && !predCol) throw new UsageError('one of --score or --prediction is required (a model cannot score a counts table)');
  if (predCol && (v.threshold !== undefined || v['top-k'] !== undefined || v['top-percent'] !== undefined)) {
    throw new UsageError('--prediction gives the decisions: leave out --threshold, --top-k and --top-percent');
  }
  const resamples = numberFlag(v, 'bootstrap', RANGES.countOrZero, 0);
  const seed = numberFlag(v, 'seed', RANGES.seed, 0);
  const level = numberFlag(v, 'confidence-level', RANGES.level);
  return {
    countsPath,
    countCol: optString(v, 'count') ?? DEFAULT_COUNT_COLUMN,
    target,
    positive,
    attrs: requiredProtected(v),
    scoreCol,
    predCol,
    rule,
    thresholdFrom: v.threshold !== undefined ? ('given' as const) : ('default' as const),
    weightCol: optString(v, 'weight'),
    reference: optString(v, 'reference') ?? null,
    intersections: v.intersections === true,
    fairlearnCompatible: v['fairlearn-compatible'] === true,
    minGroupSize: numberFlag(v, 'min-group-size', RANGES.count, 30),
    bootstrap: resamples > 0 ? { resamples, seed, ...(level !== undefined ? { level } : {}) } : undefined,
    format: optChoice(v, 'format', ['json', 'html'] as const, 'json'),
    out: optString(v, 'out'),
  };
}

function noScoresNote(predCol: string): ReportNote {
  return {
    kind: NO_SCORES,
    message: `Only decisions were given (--prediction ${predCol}), no scores: ROC AUC, Brier score, mean score, calibration error and the AUC and calibration gaps are undefined (reason '${NO_SCORES}'). Add --score COL to get them.`,
  };
}

export async function auditCountsCommand(args: string[]): Promise<number> {
  const f = readFlags(args);
  const parsed = await readCsvFile(f.countsPath);
  const table = parsed.table;
  const roles = baseRoles(f.target, f.positive, f.attrs, f.weightCol);
  const notes: ReportNote[] = [
    ...warningNotes('csv', parsed.warnings),
    ...countsInputNotes(table, { target: roles.target, protected: f.attrs, count: f.countCol }),
    ...(f.scoreCol ? [] : [noScoresNote(f.predCol!)]),
  ];
  const [sha, st] = await Promise.all([sha256File(f.countsPath), stat(f.countsPath)]);
  const report = countsAuditReport({
    table,
    roles,
    score: f.scoreCol ?? null,
    prediction: f.predCol ?? null,
    count: f.countCol,
    decision: f.rule,
    thresholdFrom: f.thresholdFrom,
    intersections: f.intersections,
    fairlearnCompatible: f.fairlearnCompatible,
    minGroupSize: f.minGroupSize,
    reference: f.reference,
    ...(f.bootstrap ? { bootstrap: f.bootstrap } : {}),
    sources: { file: basename(f.countsPath), path: f.countsPath, bytes: st.size, sha256: sha, score: f.scoreCol ?? null, prediction: f.predCol ?? null },
    notes,
  });
  printNotes(notes);
  await writeResult(f.format === 'html' ? renderAuditHtml(report) : toJson(report), f.out);
  if (f.out) process.stderr.write(`audit of ${report.rows} rows in ${table.nRows} cells → ${f.out}\n`);
  return 0;
}
