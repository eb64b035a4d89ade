/**
 * The workbench worker: core exposed through comlink as one typed API object.
 *
 * - Large state (column tables, models, scores) lives here behind string handles; only
 *   summaries and results cross to the page.
 * - Progress is reported through `Comlink.proxy` callbacks.
 * - Cancellation is done by the client terminating this worker (see src/client/bridge.ts);
 *   nothing here needs to poll for it, though long loops also honour `shouldStop`.
 * - Every failure is thrown as plain `Problem` data (code, message, hint) so the page can
 *   show it and keep what it already had.
 */
import * as Comlink from 'comlink';
import { setupBackend, type BackendInfo } from './backend';
import { createCsvReader, retypeColumn, type CsvOptions } from '../src/core/csv';
import { profileTable, type ColumnProfile } from '../src/core/profile';
import { groupColumn, targetLabels, validateRoles, suggestRoles, type DatasetRoles } from '../src/core/roles';
import { checkManifestAgainstTable, encodeTable, manifestWidth, validateManifest, type Manifest } from '../src/core/manifest';
import { createModelScorer, loadLayersModelFromFiles, saveModelArtifacts } from '../src/core/model';
import { trainModel } from '../src/core/train';
import { argsortDesc } from '../src/core/metrics';
import { toProblem, WorkbenchError } from '../src/core/errors';
import type { ColumnTable, ColumnType } from '../src/core/table';
import type { Scorer } from '../src/core/scorer';
import { tf } from '../src/core/tf';
import { runAudit, runAuditFast, runCurves, runSliceAudit, runSlices, type AuditOptions } from './audit-jobs';
import type { DecisionRule } from '../src/core/metrics';
import type { SliceMetric, SlicePredicate } from '../src/core/slices';
import { createSplit, runScenario, type Scenario, type ScenarioProgress, type ScenarioResult, type ScenarioSplit } from '../src/core/mitigate';
import { explainCost, explanationViews, importanceJob, proxyReport, runExplainJob, type ExplainJob } from './explain-jobs';
import type { ImportanceScore, ShapleyResult } from '../src/core/explain';
import type { ProtectedAttribute } from '../src/core/roles';

export type DataSource =
  | { kind: 'file'; file: Blob; name: string }
  | { kind: 'url'; url: string; name: string }
  | { kind: 'bytes'; bytes: Uint8Array; name: string };

export interface DatasetSummary {
  id: string;
  name: string;
  nRows: number;
  delimiter: string;
  header: boolean;
  warnings: string[];
  columns: ColumnProfile[];
  suggestedRoles: DatasetRoles;
  parseMs: number;
}

export interface ModelFile {
  name: string;
  data: ArrayBuffer | Uint8Array;
}

export interface ModelSummary {
  id: string;
  name: string;
  manifest: Manifest;
  inputWidth: number;
  layers: string[];
  origin: 'imported' | 'trained';
  history?: TrainEpoch[];
}

export interface TrainEpoch {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss?: number;
  valAccuracy?: number;
  valAuc?: number;
}

export interface Progress {
  stage: string;
  done: number;
  total: number;
}

interface DatasetState {
  name: string;
  table: ColumnTable;
}

interface ModelState {
  summary: ModelSummary;
  model: tf.LayersModel;
  scorer: Scorer;
}

const datasets = new Map<string, DatasetState>();
const models = new Map<string, ModelState>();
/** scores cached per (dataset, model) pair: a threshold move never re-runs the model */
const splitCache = new Map<string, ScenarioSplit>();
const scoreCache = new Map<string, { scores: Float32Array; ms: number }>();

/** Run `fn`, turning any failure into plain Problem data the page can render. */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toProblem(e);
  }
}

function getDataset(id: string): DatasetState {
  const d = datasets.get(id);
  if (!d) throw new WorkbenchError('internal', `dataset ${id} is not loaded in this worker`, 'Load the dataset again.');
  return d;
}

function getModel(id: string): ModelState {
  const m = models.get(id);
  if (!m) throw new WorkbenchError('internal', `model ${id} is not loaded in this worker`, 'Load the model again.');
  return m;
}

async function readChunks(source: DataSource, push: (chunk: Uint8Array) => void, onBytes: (done: number, total: number) => void) {
  if (source.kind === 'bytes') {
    push(source.bytes);
    onBytes(source.bytes.length, source.bytes.length);
    return;
  }
  let blob: Blob;
  if (source.kind === 'url') {
    const res = await fetch(source.url);
    if (!res.ok) throw new WorkbenchError('csv-empty', `could not read ${source.name} (HTTP ${res.status})`, 'Check that the file exists.');
    blob = await res.blob();
  } else {
    blob = source.file;
  }
  const total = blob.size;
  const reader = blob.stream().getReader();
  let done = 0;
  let lastReport = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    push(r.value);
    done += r.value.length;
    if (done - lastReport > 256 * 1024 || done === total) {
      lastReport = done;
      onBytes(done, total);
    }
  }
  onBytes(total, total);
}

function summarise(id: string, name: string, table: ColumnTable, parsed: { delimiter: string; header: boolean; warnings: string[] }, parseMs: number): DatasetSummary {
  return {
    id,
    name,
    nRows: table.nRows,
    delimiter: parsed.delimiter,
    header: parsed.header,
    warnings: parsed.warnings,
    columns: profileTable(table),
    suggestedRoles: suggestRoles(table),
    parseMs,
  };
}

async function scoresFor(datasetId: string, modelId: string): Promise<{ scores: Float32Array; ms: number }> {
  const key = `${datasetId}/${modelId}`;
  const hit = scoreCache.get(key);
  if (hit) return hit;
  const { table } = getDataset(datasetId);
  const { scorer, summary } = getModel(modelId);
  checkManifestAgainstTable(summary.manifest, table);
  const t0 = performance.now();
  const X = encodeTable(table, summary.manifest);
  const scores = await scorer.predict(X, table.nRows);
  const entry = { scores, ms: performance.now() - t0 };
  scoreCache.set(key, entry);
  return entry;
}

function registerModel(id: string, model: tf.LayersModel, manifest: Manifest, name: string, origin: ModelSummary['origin'], history?: TrainEpoch[]): ModelSummary {
  const scorer = createModelScorer(model, manifest);
  const old = models.get(id);
  if (old) {
    old.scorer.dispose();
    old.model.dispose();
  }
  for (const k of [...scoreCache.keys()]) if (k.endsWith(`/${id}`)) scoreCache.delete(k);
  const summary: ModelSummary = {
    id,
    name,
    manifest,
    inputWidth: manifestWidth(manifest),
    layers: model.layers.map((l) => `${l.getClassName()}${'units' in l.getConfig() ? `(${String(l.getConfig().units)})` : ''}`),
    origin,
    history,
  };
  models.set(id, { summary, model, scorer });
  return summary;
}

const api = {
  /** Which tfjs backend this worker runs on (wasm SIMD expected, cpu fallback). */
  async backend(): Promise<BackendInfo> {
    return setupBackend();
  },

  /** Parse a CSV into a column table, streamed with progress. */
  async loadCsv(id: string, source: DataSource, options: CsvOptions = {}, onProgress?: (p: Progress) => void): Promise<DatasetSummary> {
    return guarded(async () => {
      const t0 = performance.now();
      const reader = createCsvReader(options);
      await readChunks(source, (c) => reader.push(c), (done, total) => onProgress?.({ stage: 'reading', done, total }));
      const parsed = reader.finish();
      datasets.set(id, { name: source.name, table: parsed.table });
      return summarise(id, source.name, parsed.table, parsed, performance.now() - t0);
    });
  },

  /** Override an inferred column type. */
  async retype(datasetId: string, column: string, type: ColumnType): Promise<{ summary: DatasetSummary; lostValues: number }> {
    return guarded(async () => {
      const d = getDataset(datasetId);
      const idx = d.table.columns.findIndex((c) => c.name === column);
      if (idx < 0) throw new WorkbenchError('roles-invalid', `no column named ${column}`);
      const { column: col, lostValues } = retypeColumn(d.table.columns[idx], type);
      const columns = d.table.columns.slice();
      columns[idx] = col;
      d.table = { nRows: d.table.nRows, columns };
      for (const k of [...scoreCache.keys()]) if (k.startsWith(`${datasetId}/`)) scoreCache.delete(k);
      return { summary: summarise(datasetId, d.name, d.table, { delimiter: '', header: true, warnings: [] }, 0), lostValues };
    });
  },

  /** Load a tfjs Layers model (model.json + shards) with its manifest. */
  async loadModel(id: string, files: ModelFile[], manifestJson: unknown, name: string, origin: ModelSummary['origin'] = 'imported'): Promise<ModelSummary> {
    return guarded(async () => {
      await setupBackend();
      const manifest = validateManifest(manifestJson);
      const model = await loadLayersModelFromFiles(files);
      try {
        return registerModel(id, model, manifest, name, origin);
      } catch (e) {
        model.dispose();
        throw e;
      }
    });
  },

  /** Check that a model's manifest fits a dataset (columns present, types readable). */
  async checkModelFits(datasetId: string, modelId: string): Promise<void> {
    return guarded(async () => {
      checkManifestAgainstTable(getModel(modelId).summary.manifest, getDataset(datasetId).table);
    });
  },

  /** Score every row; returns timing (scores stay in the worker). */
  async score(datasetId: string, modelId: string): Promise<{ rows: number; ms: number; rowsPerSecond: number }> {
    return guarded(async () => {
      await setupBackend();
      const { scores, ms } = await scoresFor(datasetId, modelId);
      return { rows: scores.length, ms, rowsPerSecond: scores.length / (ms / 1000) };
    });
  },

  /** The scores themselves (copied), e.g. for a download. */
  async scores(datasetId: string, modelId: string): Promise<Float32Array> {
    return guarded(async () => (await scoresFor(datasetId, modelId)).scores.slice());
  },

  /** Train a logistic regression or small MLP on the chosen roles, in this worker. */
  async train(
    id: string,
    datasetId: string,
    roles: DatasetRoles,
    options: { kind: 'logistic' | 'mlp'; seed: number; epochs?: number },
    onEpoch?: (e: TrainEpoch) => void,
  ): Promise<ModelSummary> {
    return guarded(async () => {
      await setupBackend();
      const { table, name } = getDataset(datasetId);
      validateRoles(table, roles);
      const history: TrainEpoch[] = [];
      const result = await trainModel(table, { target: roles.target, features: roles.features, protected: roles.protected }, {
        ...options,
        onEpoch: (e: TrainEpoch) => {
          history.push(e);
          onEpoch?.(e);
        },
      });
      return registerModel(id, result.model, result.manifest, `${options.kind} trained on ${name}`, 'trained', history);
    });
  },

  /** model.json + weights + manifest, ready to download and load back. */
  async exportModel(modelId: string): Promise<{ name: string; data: Uint8Array }[]> {
    return guarded(async () => {
      const { model, summary } = getModel(modelId);
      const files = await saveModelArtifacts(model);
      const manifestBytes = new TextEncoder().encode(JSON.stringify(summary.manifest, null, 2));
      return [...files, { name: 'model.manifest.json', data: manifestBytes }];
    });
  },

  /** Forget a dataset or model. */
  async release(id: string): Promise<void> {
    datasets.delete(id);
    const m = models.get(id);
    if (m) {
      m.scorer.dispose();
      m.model.dispose();
      models.delete(id);
    }
    for (const k of [...scoreCache.keys()]) if (k.split('/').includes(id)) scoreCache.delete(k);
  },

  /** The full audit: every group metric and disparity, by attribute and intersection. */
  async audit(datasetId: string, modelId: string, roles: DatasetRoles, options: AuditOptions) {
    return guarded(async () => {
      const { table } = getDataset(datasetId);
      validateRoles(table, roles);
      const { scores } = await scoresFor(datasetId, modelId);
      return options.bootstrap && options.bootstrap.resamples > 0 ? runAudit(table, roles, scores, options) : runAuditFast(table, roles, scores, options, `${datasetId}/${modelId}`);
    });
  },

  /** Threshold sweeps and ROC curves per group of one attribute. */
  async curves(datasetId: string, modelId: string, roles: DatasetRoles, attribute: string) {
    return guarded(async () => {
      const { table } = getDataset(datasetId);
      validateRoles(table, roles);
      const { scores } = await scoresFor(datasetId, modelId);
      return runCurves(table, roles, scores, attribute);
    });
  },

  /** Worst slices over protected attributes and binned model features. */
  async slices(datasetId: string, modelId: string, roles: DatasetRoles, decision: DecisionRule, metric: SliceMetric, minSupport?: number) {
    return guarded(async () => {
      const { table } = getDataset(datasetId);
      validateRoles(table, roles);
      const { scores } = await scoresFor(datasetId, modelId);
      return runSlices(table, roles, scores, getModel(modelId).summary.manifest.features.map((f) => f.column), decision, metric, minSupport);
    });
  },

  /** One slice audited against the rest. */
  async sliceAudit(datasetId: string, modelId: string, roles: DatasetRoles, decision: DecisionRule, predicates: SlicePredicate[], description: string) {
    return guarded(async () => {
      const { table } = getDataset(datasetId);
      const { scores } = await scoresFor(datasetId, modelId);
      return runSliceAudit(table, roles, scores, getModel(modelId).summary.manifest.features.map((f) => f.column), decision, predicates, description);
    });
  },

  /** Top-scored leads (row, score, label) for a call list and "why this lead?" */
  async topLeads(datasetId: string, modelId: string, roles: DatasetRoles, k: number) {
    return guarded(async () => {
      const { table } = getDataset(datasetId);
      const { scores } = await scoresFor(datasetId, modelId);
      const labels = targetLabels(table, roles.target);
      const order = argsortDesc(scores);
      const shown = roles.protected.map((p) => groupColumn(table, p));
      return Array.from(order.subarray(0, Math.min(k, order.length)), (row) => ({
        row,
        score: scores[row],
        converted: labels[row] === 1,
        groups: Object.fromEntries(shown.map((g) => [g.name, g.codes[row] >= 0 ? g.levels[g.codes[row]] : 'missing'])),
      }));
    });
  },

  /**
   * One mitigation scenario on the shared seeded held-out split: retrain (or not) with its
   * interventions and evaluate on held-out rows. The model files come back for export.
   */
  async runScenario(
    datasetId: string,
    modelId: string | null,
    roles: DatasetRoles,
    attrs: ProtectedAttribute[],
    baseline: { kind: 'trained'; trainKind: 'logistic' | 'mlp'; epochs?: number } | { kind: 'imported' },
    scenario: Scenario,
    seed: number,
    bootstrap: number,
    onProgress?: (p: ScenarioProgress) => void,
  ): Promise<ScenarioResult & { split: { train: number; test: number; seed: number } }> {
    return guarded(async () => {
      await setupBackend();
      const { table } = getDataset(datasetId);
      validateRoles(table, roles);
      const key = `${datasetId}|${seed}|${JSON.stringify(roles)}`;
      let split = splitCache.get(key);
      if (!split) splitCache.set(key, (split = createSplit(table, roles, seed)));
      const base =
        baseline.kind === 'imported'
          ? (() => {
              if (!modelId) throw new WorkbenchError('roles-invalid', 'no model is loaded to use as the baseline', 'Load or train a model, or choose a trained baseline.');
              const m = getModel(modelId);
              return { kind: 'imported' as const, scorer: m.scorer, manifest: m.summary.manifest };
            })()
          : baseline;
      // a retrained baseline uses the loaded model's columns ("same columns"), protected ones included if the model read them
      const names = new Set(table.columns.map((c) => c.name));
      const sameColumns = modelId && models.has(modelId) ? getModel(modelId).summary.manifest.features.map((f) => f.column).filter((c) => names.has(c)) : roles.features;
      const scenarioRoles = baseline.kind === 'trained' ? { ...roles, features: sameColumns } : roles;
      const r = await runScenario({ table, roles: scenarioRoles, split, baseline: base, seed, protectedAttribute: attrs, bootstrap }, scenario, onProgress);
      const buffers = (r.artifacts.files ?? []).map((f) => f.data.buffer as ArrayBuffer);
      return Comlink.transfer({ ...r, split: { train: split.train.length, test: split.test.length, seed } }, buffers);
    });
  },

  /** Model evaluations an explanation will cost, before it starts. */
  async explainCost(modelId: string, nRows: number, background: number, method: ExplainJob['method'], permutations: number) {
    return guarded(async () => explainCost(getModel(modelId).summary.manifest, nRows, background, method, permutations));
  },

  /** Shapley values for a chunk of rows (one pool member's share). Arrays are transferred. */
  async explainRows(datasetId: string, modelId: string, job: ExplainJob, onProgress?: (done: number, total: number) => void): Promise<ShapleyResult> {
    return guarded(async () => {
      await setupBackend();
      const { table } = getDataset(datasetId);
      const { scorer, summary } = getModel(modelId);
      checkManifestAgainstTable(summary.manifest, table, { requireTarget: false });
      const r = await runExplainJob(table, summary.manifest, scorer, job, `${datasetId}/${modelId}`, onProgress);
      return Comlink.transfer(r, [r.values.buffer, r.errors.buffer, r.predictions.buffer]);
    });
  },

  /** Mean |SHAP| overall and by group, the parity-gap attribution, and feature values for plots. */
  async explanationViews(
    datasetId: string,
    modelId: string,
    attr: ProtectedAttribute,
    rows: Uint32Array,
    result: Pick<ShapleyResult, 'values' | 'predictions' | 'nRows' | 'nPlayers'>,
    pair?: [number, number],
  ) {
    return guarded(async () => explanationViews(getDataset(datasetId).table, getModel(modelId).summary.manifest, attr, rows, result, pair));
  },

  /** Proxy detection: how well each column alone predicts the protected attribute. */
  async proxies(datasetId: string, roles: DatasetRoles, attr: ProtectedAttribute, columns: string[]) {
    return guarded(async () => proxyReport(getDataset(datasetId).table, roles, attr, columns));
  },

  /** Permutation feature importance with a performance or fairness score. */
  async importance(
    datasetId: string,
    modelId: string,
    roles: DatasetRoles,
    attr: ProtectedAttribute | undefined,
    score: ImportanceScore,
    repeats: number,
    seed: number,
    threshold: number,
    onProgress?: (done: number, total: number) => void,
  ) {
    return guarded(async () => {
      await setupBackend();
      const { table } = getDataset(datasetId);
      const { scorer, summary } = getModel(modelId);
      return importanceJob(table, summary.manifest, scorer, roles, attr, score, repeats, seed, threshold, onProgress);
    });
  },

  /** Test hook: a job that runs until the worker is terminated (to prove abort works). */
  async spin(ms: number): Promise<number> {
    const end = performance.now() + ms;
    let x = 0;
    while (performance.now() < end) x += Math.sqrt(x + 1);
    return x;
  },

  /** Number of live tfjs tensors (leak checks from browser tests). */
  async tensorCount(): Promise<number> {
    return tf.memory().numTensors;
  },
};

export type WorkbenchApi = typeof api;

Comlink.expose(api);
