/**
 * `bias-workbench explain`: per-row Shapley values of a model's score, per manifest column;
 * `bias-workbench importance`: permutation importance of each column for a performance or a
 * fairness score. Both run the core explainers (src/core/explain) on the model (TensorFlow.js or ONNX).
 */
import { performance } from 'node:perf_hooks';
import { WorkbenchError } from '../core/errors';
import { checkManifestAgainstTable, encodeTable, featureSlices, manifestWidth, type Manifest } from '../core/manifest';
import { targetLabels, validateRoles } from '../core/roles';
import type { ColumnTable } from '../core/table';
import {
  DEFAULT_PERMUTATIONS,
  MAX_EXACT_PLAYERS,
  estimateCost,
  exactNoDearerNote,
  explain,
  permutationImportance,
  playersFromSlices,
  rowErrors,
  rowValues,
  sampleBackground,
  type ImportanceScore,
  type ShapleyMethod,
} from '../core/explain';
import { protectedGroups, rowWeights, type ReportNote } from '../core/audit';
import { count, num } from '../core/format';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { openModelFromDisk } from './load-model';
import { GENERATED_BY, baseRoles, binsFlag, collectNotes, csvField, printNotes, protectedAttributes, targetFlags, toJson, writeResult } from './common';
import { RANGES, UsageError, need, numberFlag, optChoice, optString, optThreshold, parseFlags } from './flags';
import { explainInChunks, explainOnThreads, resolveThreads } from './explain-pool';

/**
 * Reads a CSV and encodes every row with the manifest; with it, the notes about that file
 * (CSV and manifest warnings, model inputs the encoding imputes).
 */
async function encodedRows(path: string, manifest: Manifest, what: string): Promise<{ table: ColumnTable; X: Float32Array; notes: ReportNote[] }> {
  const parsed = await readCsvFile(path);
  const { table } = parsed;
  let warnings: string[];
  try {
    warnings = checkManifestAgainstTable(manifest, table, { requireTarget: false }).warnings;
  } catch (e) {
    if (e instanceof WorkbenchError) throw new WorkbenchError(e.code, `${what} (${path}): ${e.message}`, e.hint);
    throw e;
  }
  const notes = collectNotes(table, { manifest, csvWarnings: parsed.warnings, manifestWarnings: warnings });
  return { table, X: encodeTable(table, manifest), notes: what === '--data' ? notes : notes.map((n) => ({ ...n, message: `${what}: ${n.message}` })) };
}

export interface ExplainRowJson {
  row: number;
  prediction: number;
  values: number[];
  /** standard error per value over the permutations (0 for exact, null when undefined) */
  errors: (number | null)[];
}

const EXPLAIN_OPTIONS = {
  data: { type: 'string' },
  model: { type: 'string' },
  manifest: { type: 'string' },
  rows: { type: 'string' },
  'rows-from': { type: 'string' },
  background: { type: 'string' },
  'background-from': { type: 'string' },
  method: { type: 'string' },
  permutations: { type: 'string' },
  output: { type: 'string' },
  seed: { type: 'string' },
  sampling: { type: 'string' },
  threads: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

export async function explainCommand(args: string[]): Promise<number> {
  const v = parseFlags(args, EXPLAIN_OPTIONS);
  const nRowsWanted = numberFlag(v, 'rows', RANGES.count, 100);
  const nBackground = numberFlag(v, 'background', RANGES.count, 100);
  const permutations = numberFlag(v, 'permutations', RANGES.count, DEFAULT_PERMUTATIONS);
  const seed = numberFlag(v, 'seed', RANGES.seed, 0);
  const method = optChoice(v, 'method', ['auto', 'exact', 'permutation'] as const, 'auto');
  const sampling = optChoice(v, 'sampling', ['orthogonal', 'antithetic'] as const, 'orthogonal');
  const threadsFlag = v.threads === 'auto' || v.threads === undefined ? 'auto' : numberFlag(v, 'threads', RANGES.count, 1);
  const output = optChoice(v, 'output', ['probability', 'logit'] as const, 'probability');
  const format = optChoice(v, 'format', ['json', 'csv'] as const, 'json');
  const dataPath = need(v, 'data');
  const modelPath = need(v, 'model');
  if (v.rows !== undefined && v['rows-from'] !== undefined) throw new UsageError('give --rows or --rows-from, not both');
  if (v.background !== undefined && v['background-from'] !== undefined) throw new UsageError('give --background or --background-from, not both');
  if (v.permutations !== undefined && method === 'exact') throw new UsageError('--permutations applies to --method permutation (or auto), not exact');
  const rowsFrom = optString(v, 'rows-from');
  const backgroundFrom = optString(v, 'background-from');
  const out = optString(v, 'out');

  await setupNodeBackend();
  const { opened, manifest, manifestPath } = await openModelFromDisk(modelPath, optString(v, 'manifest'));
  try {
    const scorer = opened.scorer;
    const width = manifestWidth(manifest);
    const players = playersFromSlices(featureSlices(manifest));
    const M = players.length;
    if (method === 'exact' && M > MAX_EXACT_PLAYERS) {
      throw new WorkbenchError('roles-invalid', `--method exact enumerates 2^${M} coalitions of the manifest's ${M} columns; it is limited to ${MAX_EXACT_PLAYERS} columns.`, 'Use --method permutation (or auto).');
    }
    const data = await encodedRows(dataPath, manifest, '--data');
    const notes = [...data.notes];

    // rows to explain
    let X: Float32Array;
    let N: number;
    if (rowsFrom) {
      const r = await encodedRows(rowsFrom, manifest, '--rows-from');
      notes.push(...r.notes);
      X = r.X;
      N = r.table.nRows;
    } else {
      N = Math.min(nRowsWanted, data.table.nRows);
      X = data.X.subarray(0, N * width);
    }
    const rowIds = Array.from({ length: N }, (_, i) => i);

    // background
    let bg: Float32Array;
    let B: number;
    let bgIndices: number[] | null = null;
    if (backgroundFrom) {
      const b = await encodedRows(backgroundFrom, manifest, '--background-from');
      notes.push(...b.notes);
      bg = b.X;
      B = b.table.nRows;
    } else {
      const s = sampleBackground(data.X, data.table.nRows, width, nBackground, seed);
      bg = s.X;
      B = s.nRows;
      bgIndices = s.indices ? Array.from(s.indices) : null;
    }

    const cost = estimateCost({ nRows: N, nPlayers: M, nBackground: B, permutations, method });
    const resolved: ShapleyMethod = cost.method;
    process.stderr.write(
      `explain: ${resolved} Shapley values for ${N} row${N === 1 ? '' : 's'} × ${M} columns over ${B} background rows` +
        `${resolved === 'permutation' ? `, ${permutations} permutations` : ''}: ${count(cost.plannedEvaluations)} planned model evaluations (at most ${count(cost.maxEvaluations)} here)\n`,
    );
    const dearer = exactNoDearerNote(cost, M);
    if (dearer) process.stderr.write(`bias-workbench: note: ${dearer}; --method exact computes them (running ${resolved} as asked).\n`);
    printNotes(notes);

    const t0 = performance.now();
    // rows in fixed chunks, on worker threads when there are several: the same values either way
    const job = { X, nRows: N, background: bg, nBackground: B, players, options: { method: resolved, permutations, seed, output, sampling } };
    const threads = resolveThreads(threadsFlag, cost.maxEvaluations);
    const res = N === 0 ? await explain({ scorer, ...job }, job.options) : threads > 1 ? await explainOnThreads(scorer, job, threads, modelPath, manifestPath) : await explainInChunks(scorer, job);
    const seconds = (performance.now() - t0) / 1000;
    scorer.dispose();

    const features = players.map((p) => p.name);
    if (format === 'csv') {
      const lines = [['row', 'prediction', ...features].map((s) => csvField(s, ',')).join(',')];
      for (let i = 0; i < N; i++) lines.push([String(rowIds[i]), String(res.predictions[i]), ...Array.from(rowValues(res, i), (x) => String(x))].join(','));
      await writeResult(lines.join('\n') + '\n', out);
    } else {
      const rows: ExplainRowJson[] = [];
      for (let i = 0; i < N; i++) {
        rows.push({
          row: rowIds[i],
          prediction: res.predictions[i],
          values: Array.from(rowValues(res, i)),
          errors: Array.from(rowErrors(res, i), (e) => (Number.isFinite(e) ? e : null)),
        });
      }
      const json = {
        generatedBy: GENERATED_BY,
        method: res.method,
        output: res.output,
        permutations: res.permutations,
        ...(res.method === 'permutation' ? { sampling } : {}),
        seed,
        threads,
        features,
        baseValue: res.baseValue,
        rowsFrom: rowsFrom ?? dataPath,
        background: backgroundFrom ? { from: backgroundFrom, rows: B } : { from: dataPath, rows: B, sampled: true, seed, indices: bgIndices },
        model: modelPath,
        manifest: manifestPath,
        rows,
        evaluations: res.evaluations,
        plannedEvaluations: res.plannedEvaluations,
        batches: res.batches,
        seconds,
        notes,
        definitions: {
          values: 'interventional Shapley value of each column: its average marginal contribution to the output over coalitions of columns, absent columns taken from the background rows (shap Independent masker)',
          baseValue: 'E_b f(b): the mean output over the background rows',
          efficiency: 'baseValue + Σ values = prediction, for every row',
          errors: 'standard error of each value over the permutations (0 for exact)',
          output: output === 'logit' ? 'values are in log-odds: the mean logit over background rows' : 'values are in probability: P(positive)',
        },
      };
      await writeResult(toJson(json), out);
    }
    if (out) process.stderr.write(`explained ${N} rows in ${num(seconds, 2)} s → ${out}\n`);
    return 0;
  } finally {
    opened.dispose();
  }
}

const IMPORTANCE_OPTIONS = {
  data: { type: 'string' },
  model: { type: 'string' },
  manifest: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  protected: { type: 'string' },
  bins: { type: 'string', multiple: true },
  weight: { type: 'string' },
  threshold: { type: 'string' },
  score: { type: 'string' },
  repeats: { type: 'string' },
  seed: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

const IMPORTANCE_SCORES = ['accuracy', 'auc', 'logloss', 'demographic-parity', 'equalized-odds'] as const;

export async function importanceCommand(args: string[]): Promise<number> {
  const v = parseFlags(args, IMPORTANCE_OPTIONS);
  const repeats = numberFlag(v, 'repeats', RANGES.count, 5);
  const seed = numberFlag(v, 'seed', RANGES.seed, 0);
  const threshold = optThreshold(v);
  const score: ImportanceScore = optChoice(v, 'score', IMPORTANCE_SCORES, 'accuracy');
  optChoice(v, 'format', ['json'] as const, 'json');
  const dataPath = need(v, 'data');
  const modelPath = need(v, 'model');
  const fairness = score === 'demographic-parity' || score === 'equalized-odds';
  const protectedCol = optString(v, 'protected');
  if (fairness && !protectedCol) throw new UsageError(`--score ${score} needs --protected COL`);
  if (protectedCol && protectedCol.includes(',')) throw new UsageError('importance takes one --protected column');
  const bins = binsFlag(v);
  const attrs = protectedCol ? protectedAttributes([protectedCol], bins) : [];
  if (!protectedCol && bins.size > 0) throw new UsageError('--bins goes with --protected');
  const weightCol = optString(v, 'weight');
  const out = optString(v, 'out');

  await setupNodeBackend();
  const { opened, manifest, manifestPath } = await openModelFromDisk(modelPath, optString(v, 'manifest'));
  try {
    const { target, positive } = targetFlags(v, manifest);
    const data = await encodedRows(dataPath, manifest, '--data');
    const table = data.table;
    const roles = baseRoles(target, positive, attrs, weightCol);
    validateRoles(table, roles);
    const labels = targetLabels(table, roles.target);
    const groupCodes = attrs.length > 0 ? protectedGroups(table, attrs[0]) : undefined;
    const weights = rowWeights(table, roles);
    const players = playersFromSlices(featureSlices(manifest));
    const t = threshold ?? manifest.threshold;
    const N = table.nRows;
    process.stderr.write(`importance: ${score} over ${N} rows × ${players.length} columns × ${repeats} repeats: ${count(N * (1 + players.length * repeats))} model evaluations\n`);
    const notes = [...data.notes, ...collectNotes(table, { target: roles.target, protected: attrs })];
    printNotes(notes);

    const scorer = opened.scorer;
    const t0 = performance.now();
    const res = await permutationImportance({
      scorer,
      X: data.X,
      nRows: N,
      players,
      labels,
      ...(weights ? { weights } : {}),
      ...(groupCodes ? { groupCodes: groupCodes.codes } : {}),
      score,
      threshold: t,
      repeats,
      seed,
    });
    const seconds = (performance.now() - t0) / 1000;
    scorer.dispose();
    const features = res.players
      .map((p, i) => ({ name: p.name, mean: p.mean, std: p.std, repeats: Array.from(p.repeats), order: i }))
      .sort((a, b) => b.mean - a.mean || a.order - b.order)
      .map(({ order: _order, ...rest }) => rest);
    const json = {
      generatedBy: GENERATED_BY,
      score: res.score,
      baseline: res.baseline,
      threshold: t,
      target,
      positive,
      protected: protectedCol ? { column: protectedCol, ...(bins.has(protectedCol) ? { cuts: bins.get(protectedCol) } : {}), groups: groupCodes?.levels ?? [] } : null,
      weight: weightCol ?? null,
      repeats,
      seed,
      rows: N,
      model: modelPath,
      manifest: manifestPath,
      features,
      evaluations: res.evaluations,
      seconds,
      notes,
      definitions: {
        baseline: fairness ? `the ${score} difference between groups on the rows as they are` : `the model's ${score} on the rows as they are`,
        mean:
          score === 'logloss'
            ? 'mean over repeats of (log loss with the column shuffled − baseline): how much worse the model predicts without the column'
            : fairness
              ? 'mean over repeats of (baseline disparity − disparity with the column shuffled): positive = the column creates that much of the disparity'
              : `mean over repeats of (baseline − ${score} with the column shuffled): how much the model loses without the column`,
        std: 'population standard deviation over the repeats',
      },
    };
    await writeResult(toJson(json), out);
    if (out) process.stderr.write(`importance of ${players.length} columns → ${out}\n`);
    return 0;
  } finally {
    opened.dispose();
  }
}
