/**
 * The workbench worker: core exposed through comlink as one typed API object.
 *
 * - Large state (column tables, models, scores) lives here behind handles, in one state
 *   module (./state.ts); only summaries and results cross to the page.
 * - Every call takes one options object (no positional parameter lists), so a call site reads
 *   as what it asks for; progress comes back through a `Comlink.proxy` callback.
 * - Cancellation is done by the client terminating this worker (see src/client/bridge.ts).
 * - Every failure is thrown as plain `Problem` data (code, message, hint) so the page can
 *   show it and keep what it already had.
 */
import * as Comlink from 'comlink';
import { setupBackend, type BackendInfo } from './backend';
import { createCsvReader, type CsvOptions } from '../src/core/csv';
import { profileTable, type ColumnProfile } from '../src/core/profile';
import { groupColumn, targetLabels, validateRoles, suggestRoles, type DatasetRoles, type ProtectedAttribute } from '../src/core/roles';
import { checkManifestAgainstTable, encodeTable, manifestWidth, validateManifest, type Manifest, type ModelFormat } from '../src/core/manifest';
import { createModelScorer, saveModelArtifacts } from '../src/core/model';
import { inspectModelFiles, openModel, type ModelInspection, type OpenedModel } from '../src/core/open-model';
import type { OrtModule } from '../src/core/onnx';
import { trainModel } from '../src/core/train';
import { argsortDesc, resolveCut, type DecisionRule } from '../src/core/metrics';
import { toProblem, WorkbenchError } from '../src/core/errors';
import type { ColumnTable, ColumnType } from '../src/core/table';
import { tf } from '../src/core/tf';
import { buildAuditIndex, indexKey, runAudit, runAuditFast, runAuditReport, runCurves, runSliceAudit, runSlices, type AuditOptions } from './audit-jobs';
import { inputNotes, type InputNote } from '../src/core/audit';
import { scoreColumnModel, type ScoreKind } from '../src/core/score-column';
import { draftManifest, type DraftChoices } from '../src/core/manifest/draft';
import type { SliceMetric, SlicePredicate } from '../src/core/slices';
import { createSplit, runScenario, type Scenario, type ScenarioProgress, type ScenarioResult } from '../src/core/mitigate';
import { buildBackground, explainCost, explanationViews, groupsOf, importanceJob, proxyReport, runExplainJob, type BackgroundSpec, type ExplainJob } from './explain-jobs';
import type { Background, ImportanceScore, ShapleyResult } from '../src/core/explain';
import { buildMaterial, debrief, leadIdsOf, materialFingerprint, materialInfo, parseSmallCsv, planWithExplanations, type MaterialInfo } from './workshop-jobs';
import type { Material, ParticipantPlan, WorkshopConfig, WorkshopSummaryJson } from '../src/core/workshop';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { WorkerState, type DatasetEntry, type ModelEntry } from './state';
import { canonicalJson, modelFingerprint, reviewQueue, type ReviewItem } from '../src/core/oversight';
import { generateLeads, leadsToCsv, simulate, type LeadKnobs, type RoundResult, type SimulationConfig, type SimulationProgress, type SimulationResult } from '../src/core/simulate';
import { judgePolicy, monitorRun, monitorView, monitorWindowsJob, parsePolicy, timeColumns, type MonitorRun, type MonitorSettings } from './monitor-jobs';
import type { WindowUnit } from '../src/core/monitor';
import { makeReport, reportPreview, type MadeReport, type ReportAuditOptions, type ReportContext, type ReportPreview, type ReportSettings } from './report-jobs';

/**
 * A model's id in the decision log and in a workshop's material: core/oversight
 * modelFingerprint of its files and its manifest (as `model.manifest.json` in RFC 8785 form,
 * so re-saving the manifest with other spacing keeps the id).
 */
function fingerprintOf(files: readonly ModelFile[], manifest: unknown): string {
  return modelFingerprint([
    ...files.map((f) => ({ name: f.name, data: f.data instanceof Uint8Array ? f.data : new Uint8Array(f.data) })),
    { name: 'model.manifest.json', data: new TextEncoder().encode(canonicalJson(manifest)) },
  ]);
}

/**
 * The fingerprint of a score column used as the model: fingerprintOf the encoded scores (one
 * float32 per row, the very numbers audited, as a file named after the column) and the
 * manifest. The values, not only a description of the column, so that two files' columns of
 * the same name (two vendors, two exports) never share an id in the decision log, and the
 * same scores loaded again keep theirs.
 */
function scoresFingerprint(table: ColumnTable, manifest: Manifest): string {
  const scores = encodeTable(table, manifest);
  return fingerprintOf([{ name: `${manifest.model?.scoreColumn ?? 'scores'}.f32`, data: new Uint8Array(scores.buffer) }], manifest);
}

/** onnxruntime-web, loaded (with its wasm) the first time an ONNX model is opened: ./ort is a lazy chunk. */
const loadOrt = (): Promise<OrtModule> => import('./ort').then((m) => m.loadOrt());

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
  /** column → type the user chose (differs from the parsed one) */
  overrides: Record<string, ColumnType>;
  suggestedRoles: DatasetRoles;
  parseMs: number;
  /** SHA-256 hex of the file's bytes as read */
  contentHash: string;
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
  /** the layers of a Layers model ("Dense(16)"); for other formats what the runtime reports (inputs, outputs) */
  layers: string[];
  /** the runtime the model runs on; 'scores' is a score or decision column of the data */
  format: ModelFormat;
  /** what the model can be used for beyond scoring: explanations need a model to call on changed rows, export needs a Layers model */
  can: { explain: boolean; export: boolean };
  origin: 'imported' | 'trained';
  history?: TrainEpoch[];
  /** SHA-256 of the model files and manifest (fingerprintOf): the model's id in the decision log */
  fingerprint: string | null;
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

/** The dataset and model a call works on (their handles). */
export interface Pair {
  dataset: string;
  model: string;
}

const state = new WorkerState<ModelSummary>();

/** Run `fn`, turning any failure into plain Problem data the page can render. */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toProblem(e);
  }
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

function summarise(d: DatasetEntry): DatasetSummary {
  return {
    id: d.id,
    name: d.name,
    nRows: d.table.nRows,
    delimiter: d.parse.delimiter,
    header: d.parse.header,
    warnings: d.parse.warnings,
    columns: profileTable(d.table),
    overrides: Object.fromEntries(d.overrides),
    suggestedRoles: suggestRoles(d.table),
    parseMs: d.parse.parseMs,
    contentHash: d.parse.contentHash,
  };
}

/** Scores of every row of a dataset under a model, computed once per (table, model). */
function scoresFor(p: Pair): Promise<{ scores: Float32Array; ms: number }> {
  const d = state.dataset(p.dataset);
  const m = state.model(p.model);
  const table = d.table;
  return state.memo([table, m], 'scores', '', async () => {
    checkManifestAgainstTable(m.summary.manifest, table);
    const t0 = performance.now();
    const X = encodeTable(table, m.summary.manifest);
    const scores = await m.scorer.predict(X, table.nRows);
    return { scores, ms: performance.now() - t0 };
  });
}

/** A Layers model trained here, as an opened model (its scorer and what frees it). */
function openedLayers(model: tf.LayersModel, manifest: Manifest): OpenedModel {
  const scorer = createModelScorer(model, manifest);
  return {
    format: 'tfjs-layers',
    scorer,
    layers: model,
    describe: [],
    dispose: () => {
      scorer.dispose();
      model.dispose();
    },
  };
}

/**
 * Puts an opened model (any format) under its handle. `layers` lists a Layers model's layers
 * ("Dense(16)"), for other formats what core says of the model (inputs, outputs). Every model
 * can be explained (explanations only call the scorer); only a Layers model can be exported.
 */
function registerModel(id: string, opened: OpenedModel, manifest: Manifest, name: string, origin: ModelSummary['origin'], history?: TrainEpoch[], fingerprint: string | null = null): ModelSummary {
  const model = opened.layers;
  const summary: ModelSummary = {
    id,
    name,
    manifest,
    inputWidth: manifestWidth(manifest),
    layers: model ? model.layers.map((l) => `${l.getClassName()}${'units' in l.getConfig() ? `(${String(l.getConfig().units)})` : ''}`) : opened.describe,
    format: opened.format,
    can: { explain: true, export: model !== null },
    origin,
    history,
    fingerprint,
  };
  state.putModel({ id, summary, layers: model, scorer: opened.scorer, dispose: () => opened.dispose() });
  return summary;
}

/**
 * A decision rule as a score threshold on these scores: the threshold itself, or for a call
 * list the lowest selected score (rows tied with it are selected too, so the count can exceed
 * k by the ties); above every score when the rule selects nobody.
 */
function thresholdOf(rule: DecisionRule, scores: Float32Array): number {
  if (rule.rule === 'threshold') return rule.threshold;
  const sorted = Float32Array.from(scores).sort().reverse();
  const cut = resolveCut(rule, sorted);
  return cut > 0 ? sorted[cut - 1] : Number.POSITIVE_INFINITY;
}

/** The model's input columns; for scores read from a column (no inputs), the data's feature columns when `roles` are given. */
function featureColumns(m: ModelEntry<ModelSummary>, roles?: DatasetRoles): string[] {
  if (m.summary.format === 'scores') return roles ? roles.features.filter((c) => c !== m.summary.manifest.model?.scoreColumn) : [];
  return m.summary.manifest.features.map((f) => f.column);
}

/** The table and labels of a dataset after checking the roles against it. */
function checkedTable(datasetId: string, roles: DatasetRoles): ColumnTable {
  const { table } = state.dataset(datasetId);
  validateRoles(table, roles);
  return table;
}

export interface WorkshopMaterialRequest {
  kind: 'crm-demo' | 'custom';
  /** the CRM demo's truth file */
  truth?: DataSource;
  /** custom material: the group column (default: the manifest's first protected attribute) */
  groupColumn?: string;
}

/** The workshop material for a loaded dataset and model, built once per (table, model, truth, group). */
function materialFor(req: Pair & WorkshopMaterialRequest): Promise<Material> {
  const table = state.dataset(req.dataset).table;
  const m = state.model(req.model);
  const key = JSON.stringify({ kind: req.kind, truth: req.truth && req.truth.kind === 'url' ? req.truth.url : (req.truth?.name ?? null), group: req.groupColumn ?? null });
  return state.memo([table, m], 'workshop-material', key, async () => {
    await setupBackend();
    let truth: ColumnTable | undefined;
    if (req.truth) {
      const chunks: Uint8Array[] = [];
      await readChunks(req.truth, (c) => chunks.push(c), () => {});
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      truth = parseSmallCsv(all);
    }
    const { scores } = await scoresFor(req);
    return buildMaterial(table, m.summary.manifest, scores, { kind: req.kind, ...(truth ? { truth } : {}), ...(req.groupColumn ? { groupColumn: req.groupColumn } : {}) });
  });
}

/**
 * The monitoring run of the loaded dataset (reference) against a second loaded dataset
 * (current) under one model, computed once per (tables, model, settings): ./monitor-jobs.
 */
function monitorRunFor(req: Pair & MonitorSettings & { current: string }): Promise<MonitorRun> {
  const ref = state.dataset(req.dataset).table;
  const cur = state.dataset(req.current).table;
  const m = state.model(req.model);
  const key = JSON.stringify({ roles: req.roles, decision: req.decision, bins: req.bins ?? 'evidently', time: req.timeColumn ?? null });
  return state.memo([ref, cur, m], 'monitor', key, async () => {
    const [r, c] = await Promise.all([scoresFor(req), scoresFor({ dataset: req.current, model: req.model })]);
    return monitorRun({ table: ref, scores: r.scores }, { table: cur, scores: c.scores }, req);
  });
}

/** What the report needs from the worker's state for one dataset and model (./report-jobs). */
async function reportContext(req: Pair & { roles: DatasetRoles; audit: ReportAuditOptions }): Promise<ReportContext> {
  const table = checkedTable(req.dataset, req.roles);
  const d = state.dataset(req.dataset);
  const m = state.model(req.model);
  const { scores } = await scoresFor(req);
  const s = m.summary;
  return { table, roles: req.roles, scores, audit: req.audit, dataset: { name: d.name, sha256: d.parse.contentHash }, model: { name: s.name, format: s.format, fingerprint: s.fingerprint, manifest: s.manifest, scorer: m.scorer }, threshold: thresholdOf(req.audit.decision, scores) };
}

const api = {
  /** Which tfjs backend this worker runs on (wasm SIMD expected, cpu as the fallback). */
  async backend(): Promise<BackendInfo> {
    return setupBackend();
  },

  /** Parse a CSV into a column table, streamed with progress. */
  async loadCsv(req: { id: string; source: DataSource; options?: CsvOptions }, onProgress?: (p: Progress) => void): Promise<DatasetSummary> {
    return guarded(async () => {
      const t0 = performance.now();
      const reader = createCsvReader(req.options ?? {});
      const hash = sha256.create();
      await readChunks(
        req.source,
        (c) => {
          reader.push(c);
          hash.update(c);
        },
        (done, total) => onProgress?.({ stage: 'reading', done, total }),
      );
      const parsed = reader.finish();
      const entry = state.putDataset(req.id, req.source.name, parsed.table, {
        delimiter: parsed.delimiter,
        header: parsed.header,
        warnings: parsed.warnings,
        parseMs: performance.now() - t0,
        contentHash: bytesToHex(hash.digest()),
      });
      return summarise(entry);
    });
  },

  /**
   * Override a column's type. Always from the column as parsed, so no override loses data:
   * values the new type cannot hold read as missing until the type changes back.
   */
  async retype(req: { dataset: string; column: string; type: ColumnType }): Promise<{ summary: DatasetSummary; lostValues: number }> {
    return guarded(async () => {
      const { lostValues } = state.retype(req.dataset, req.column, req.type);
      return { summary: summarise(state.dataset(req.dataset)), lostValues };
    });
  },

  /**
   * Load a model with its manifest, whatever its format (core's openModel decides from the
   * files): a tfjs Layers or graph model (model.json + shards) or an ONNX model (one .onnx
   * file; onnxruntime-web is fetched now, the first time one is opened, see ./ort). With
   * `fitDataset`, the model is refused (and nothing replaced) unless the manifest fits that
   * dataset.
   */
  async loadModel(req: { id: string; files: ModelFile[]; manifest: unknown; name: string; origin?: ModelSummary['origin']; fitDataset?: string }): Promise<ModelSummary & { warnings: string[] }> {
    return guarded(async () => {
      await setupBackend();
      const manifest = validateManifest(req.manifest);
      const warnings = req.fitDataset ? checkManifestAgainstTable(manifest, state.dataset(req.fitDataset).table).warnings : [];
      const opened = await openModel(req.files, manifest, { ort: loadOrt });
      try {
        const fingerprint = fingerprintOf(req.files, req.manifest);
        return { ...registerModel(req.id, opened, manifest, req.name, req.origin ?? 'imported', undefined, fingerprint), warnings };
      } catch (e) {
        opened.dispose();
        throw e;
      }
    });
  },

  /**
   * What model files chosen without a manifest declare (core's inspectModelFiles), for the
   * manifest writer: an ONNX model's inputs, outputs and class labels, or the width of a
   * TensorFlow.js model's input. Nothing is registered; the model is released at once.
   */
  async inspectModel(req: { files: ModelFile[] }): Promise<ModelInspection> {
    return guarded(async () => {
      await setupBackend();
      return inspectModelFiles(req.files, { ort: loadOrt });
    });
  },

  /** Check that a model's manifest fits a dataset (columns present, types readable). */
  async checkModelFits(p: Pair): Promise<{ warnings: string[] }> {
    return guarded(async () => checkManifestAgainstTable(state.model(p.model).summary.manifest, state.dataset(p.dataset).table));
  },

  /** Score every row; returns timing (scores stay in the worker). */
  async score(p: Pair): Promise<{ rows: number; ms: number; rowsPerSecond: number }> {
    return guarded(async () => {
      await setupBackend();
      const { scores, ms } = await scoresFor(p);
      return { rows: scores.length, ms, rowsPerSecond: scores.length / (ms / 1000) };
    });
  },

  /** The scores themselves (copied), e.g. for a download. */
  async scores(p: Pair): Promise<Float32Array> {
    return guarded(async () => (await scoresFor(p)).scores.slice());
  },

  /**
   * A score (or 0/1 decision) column of a loaded dataset as the model (core/score-column
   * scoreColumnModel): refused, and nothing replaced, when the column is not usable. Its
   * fingerprint is that of the scores themselves (see scoresFingerprint).
   */
  async useScoreColumn(req: { id: string; dataset: string; column: string; kind: ScoreKind; target: string; positive: string }): Promise<ModelSummary & { warnings: string[] }> {
    return guarded(async () => {
      const { table } = state.dataset(req.dataset);
      const { manifest, scorer } = scoreColumnModel(table, req.column, req.kind, { column: req.target, positive: req.positive });
      const summary: ModelSummary = {
        id: req.id,
        name: manifest.name ?? req.column,
        manifest,
        inputWidth: 1,
        layers: [`${req.kind === 'score' ? 'score' : '0/1 decision'} column '${req.column}'`],
        format: 'scores',
        can: { explain: false, export: false },
        origin: 'imported',
        fingerprint: scoresFingerprint(table, manifest),
      };
      state.putModel({ id: req.id, summary, layers: null, scorer, dispose: () => {} });
      return { ...summary, warnings: [] };
    });
  },

  /**
   * A manifest drafted from a loaded dataset (core/manifest/draft) for a model that came
   * without one, with the warnings the data gives against it. Throws what validateManifest
   * (or the draft) refuses, for the page to show next to the form.
   */
  async draftManifest(req: { dataset: string; choices: DraftChoices }): Promise<{ manifest: Manifest; warnings: string[] }> {
    return guarded(async () => {
      const { table } = state.dataset(req.dataset);
      const manifest = draftManifest(table, req.choices);
      return { manifest, warnings: checkManifestAgainstTable(manifest, table).warnings };
    });
  },

  /** Train a logistic regression or small MLP on the chosen roles, in this worker. */
  async train(
    req: { id: string; dataset: string; roles: DatasetRoles; kind: 'logistic' | 'mlp'; seed: number; epochs?: number },
    onEpoch?: (e: TrainEpoch) => void,
  ): Promise<ModelSummary> {
    return guarded(async () => {
      await setupBackend();
      const table = checkedTable(req.dataset, req.roles);
      const history: TrainEpoch[] = [];
      const result = await trainModel(table, { target: req.roles.target, features: req.roles.features, protected: req.roles.protected }, {
        kind: req.kind,
        seed: req.seed,
        ...(req.epochs !== undefined ? { epochs: req.epochs } : {}),
        onEpoch: (e: TrainEpoch) => {
          history.push(e);
          onEpoch?.(e);
        },
      });
      // the fingerprint of the files the model exports as (the same bytes "Download" gives)
      const fingerprint = fingerprintOf(await saveModelArtifacts(result.model), result.manifest);
      return registerModel(req.id, openedLayers(result.model, result.manifest), result.manifest, `${req.kind} trained on ${state.dataset(req.dataset).name}`, 'trained', history, fingerprint);
    });
  },

  /** model.json + weights + manifest, ready to download and load back. */
  async exportModel(req: { model: string }): Promise<{ name: string; data: Uint8Array }[]> {
    return guarded(async () => {
      const { layers, summary } = state.model(req.model);
      if (!layers) throw new WorkbenchError('model-invalid', `${summary.name} is not a TensorFlow.js Layers model, so it cannot be exported from here`, 'Keep the files you loaded it from: they are the model.');
      const files = await saveModelArtifacts(layers);
      const manifestBytes = new TextEncoder().encode(JSON.stringify(summary.manifest, null, 2));
      return [...files, { name: 'model.manifest.json', data: manifestBytes }];
    });
  },

  /** Forget a dataset or model. */
  async release(id: string): Promise<void> {
    state.release(id);
  },

  /** The full audit: every group metric and disparity, by attribute and intersection. */
  async audit(req: Pair & { roles: DatasetRoles } & AuditOptions) {
    return guarded(async () => {
      const { dataset, roles, ...options } = req;
      const table = checkedTable(dataset, roles);
      const { scores } = await scoresFor(req);
      if (options.bootstrap && options.bootstrap.resamples > 0) return runAudit(table, roles, scores, options);
      // one index per (scores, options without the rule), kept in the state under the scores array
      const index = state.memo([scores], 'audit-index', indexKey(roles, options), () => buildAuditIndex(table, roles, scores, options));
      return runAuditFast(index, options.decision);
    });
  },

  /**
   * The audit as the JSON the CLI writes (`bias-workbench audit --format json`), for the page's
   * export: the same data, roles, scores and options give the same report (file metadata aside).
   */
  async auditReport(req: Pair & { roles: DatasetRoles } & AuditOptions) {
    return guarded(async () => {
      const { dataset, model, roles, ...options } = req;
      const table = checkedTable(dataset, roles);
      const { scores } = await scoresFor(req);
      const d = state.dataset(dataset);
      const m = state.model(model);
      return runAuditReport(table, roles, scores, {
        ...options,
        sources: { file: d.name, model: m.summary.name },
        notes: inputNotes(table, { target: roles.target, protected: roles.protected, manifest: m.summary.manifest }),
      });
    });
  },

  /**
   * What the page should say about the inputs before anyone reads a number: values the model's
   * encoding imputes (per column), a target with more than two values (which count as
   * negative), rows with a missing protected value. The same notes the CLI prints on stderr.
   */
  async inputNotes(req: Pair & { roles: DatasetRoles }): Promise<InputNote[]> {
    return guarded(async () => {
      const { table } = state.dataset(req.dataset);
      return inputNotes(table, { target: req.roles.target, protected: req.roles.protected, manifest: state.model(req.model).summary.manifest });
    });
  },

  /** Threshold sweeps and ROC curves per group of one attribute. */
  async curves(req: Pair & { roles: DatasetRoles; attribute: string }) {
    return guarded(async () => {
      const table = checkedTable(req.dataset, req.roles);
      const { scores } = await scoresFor(req);
      return runCurves(table, req.roles, scores, req.attribute);
    });
  },

  /** Worst slices over protected attributes and the model's columns. */
  async slices(req: Pair & { roles: DatasetRoles; decision: DecisionRule; metric: SliceMetric; minSupport?: number }) {
    return guarded(async () => {
      const table = checkedTable(req.dataset, req.roles);
      const { scores } = await scoresFor(req);
      return runSlices(table, req.roles, scores, featureColumns(state.model(req.model), req.roles), req.decision, req.metric, req.minSupport);
    });
  },

  /** One slice audited against the rest. */
  async sliceAudit(req: Pair & { roles: DatasetRoles; decision: DecisionRule; predicates: SlicePredicate[]; description: string }) {
    return guarded(async () => {
      const table = checkedTable(req.dataset, req.roles);
      const { scores } = await scoresFor(req);
      return runSliceAudit(table, req.roles, scores, featureColumns(state.model(req.model), req.roles), req.decision, req.predicates, req.description);
    });
  },

  /** Top-scored leads (row, score, label) for a call list and "why this lead?" */
  async topLeads(req: Pair & { roles: DatasetRoles; k: number }) {
    return guarded(async () => {
      const { table } = state.dataset(req.dataset);
      const { scores } = await scoresFor(req);
      const labels = targetLabels(table, req.roles.target);
      const order = argsortDesc(scores);
      const shown = req.roles.protected.map((p) => groupColumn(table, p));
      return Array.from(order.subarray(0, Math.min(req.k, order.length)), (row) => ({
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
    req: {
      dataset: string;
      /** the audited model: the 'imported' baseline, and the columns a retrained baseline uses */
      model: string | null;
      roles: DatasetRoles;
      attributes: ProtectedAttribute[];
      baseline: { kind: 'trained'; trainKind: 'logistic' | 'mlp'; epochs?: number } | { kind: 'imported' };
      scenario: Scenario;
      seed: number;
      bootstrap: number;
      /** the decision rule on the held-out rows (default: the model's threshold) */
      decision?: DecisionRule;
    },
    onProgress?: (p: ScenarioProgress) => void,
  ): Promise<ScenarioResult & { split: { train: number; test: number; seed: number } }> {
    return guarded(async () => {
      await setupBackend();
      const { roles, seed } = req;
      const table = checkedTable(req.dataset, roles);
      const split = state.memo([table], 'split', JSON.stringify({ seed, target: roles.target, protected: roles.protected }), () => createSplit(table, roles, seed));
      const audited = req.model !== null && state.hasModel(req.model) ? state.model(req.model) : null;
      let base: Parameters<typeof runScenario>[0]['baseline'];
      if (req.baseline.kind === 'imported') {
        if (!audited) throw new WorkbenchError('roles-invalid', 'No model is loaded to use as the baseline.', 'Load or train a model, or choose a retrained baseline.');
        base = { kind: 'imported', scorer: audited.scorer, manifest: audited.summary.manifest };
      } else base = req.baseline;
      // a retrained baseline uses the audited model's columns ("same columns"), protected ones included if the model read them
      const names = new Set(table.columns.map((c) => c.name));
      const sameColumns = audited ? featureColumns(audited).filter((c) => names.has(c)) : roles.features;
      const scenarioRoles = req.baseline.kind === 'trained' ? { ...roles, features: sameColumns } : roles;
      const r = await runScenario({ table, roles: scenarioRoles, split, baseline: base, seed, protectedAttribute: req.attributes, bootstrap: req.bootstrap, ...(req.decision ? { decision: req.decision } : {}) }, req.scenario, onProgress);
      const buffers = (r.artifacts.files ?? []).map((f) => f.data.buffer as ArrayBuffer);
      return Comlink.transfer({ ...r, split: { train: split.train.length, test: split.test.length, seed } }, buffers);
    });
  },

  /** Model evaluations an explanation will cost, before it starts. */
  async explainCost(req: { model: string; rows: number; background: number; method: ExplainJob['method']; permutations: number }) {
    return guarded(async () => explainCost(state.model(req.model).summary.manifest, req.rows, req.background, req.method, req.permutations));
  },

  /** Shapley values for a chunk of rows (one pool member's share). Arrays are transferred. */
  async explainRows(req: Pair & { job: ExplainJob }, onProgress?: (done: number, total: number) => void): Promise<ShapleyResult> {
    return guarded(async () => {
      await setupBackend();
      const { table } = state.dataset(req.dataset);
      const m = state.model(req.model);
      const manifest = m.summary.manifest;
      checkManifestAgainstTable(manifest, table, { requireTarget: false });
      const spec: BackgroundSpec = req.job.background;
      const background = state.memo<Background>([table, m], 'background', JSON.stringify(spec), () => buildBackground(table, manifest, spec));
      const r = await runExplainJob({ table, manifest, scorer: m.scorer, background, job: req.job, onProgress });
      return Comlink.transfer(r, [r.values.buffer, r.errors.buffer, r.predictions.buffer]);
    });
  },

  /** Mean |SHAP| overall and by group, the parity-gap attribution, and feature values for plots. */
  async explanationViews(
    req: Pair & {
      attribute: ProtectedAttribute | ProtectedAttribute[];
      rows: Uint32Array;
      result: Pick<ShapleyResult, 'values' | 'predictions' | 'nRows' | 'nPlayers'>;
      pair?: [number, number];
      minCount?: number;
    },
  ) {
    return guarded(async () =>
      explanationViews({
        table: state.dataset(req.dataset).table,
        manifest: state.model(req.model).summary.manifest,
        attribute: req.attribute,
        rows: req.rows,
        result: req.result,
        ...(req.pair ? { pair: req.pair } : {}),
        ...(req.minCount !== undefined ? { minCount: req.minCount } : {}),
      }),
    );
  },

  /** Proxy detection: how well each column alone predicts the protected attribute. */
  async proxies(req: { dataset: string; roles: DatasetRoles; attribute: ProtectedAttribute | ProtectedAttribute[]; columns: string[] }) {
    return guarded(async () => proxyReport(state.dataset(req.dataset).table, req.roles, req.attribute, req.columns));
  },

  /** Permutation feature importance with a performance or fairness score. */
  async importance(
    req: Pair & { roles: DatasetRoles; attribute?: ProtectedAttribute | ProtectedAttribute[]; score: ImportanceScore; repeats: number; seed: number; decision: DecisionRule },
    onProgress?: (done: number, total: number) => void,
  ) {
    return guarded(async () => {
      await setupBackend();
      const table = checkedTable(req.dataset, req.roles);
      const m = state.model(req.model);
      // the session's rule as a score threshold on these rows: a call list of k selects score ≥ the k-th score
      const { scores } = await scoresFor(req);
      const threshold = thresholdOf(req.decision, scores);
      return importanceJob({
        table,
        manifest: m.summary.manifest,
        scorer: m.scorer,
        roles: req.roles,
        ...(req.attribute ? { attribute: req.attribute } : {}),
        score: req.score,
        repeats: req.repeats,
        seed: req.seed,
        threshold,
        onProgress,
      }).then((r) => ({ ...r, threshold, decision: req.decision }));
    });
  },

  /**
   * The feedback loop, round by round (src/core/simulate): each round's results are reported as
   * they come, the whole result at the end. Cancelled by terminating the worker.
   */
  async simulate(
    req: { config: Partial<SimulationConfig> & { knobs?: Partial<LeadKnobs> } },
    onRound?: (r: RoundResult, p: SimulationProgress) => void,
  ): Promise<SimulationResult> {
    return guarded(async () => {
      await setupBackend();
      return simulate(req.config, { ...(onRound ? { onRound } : {}) });
    });
  },

  /** One batch of synthetic CRM leads as CSV bytes (observed outcomes only), to load as a dataset. */
  async generateLeadsCsv(req: { knobs: Partial<LeadKnobs> }): Promise<Uint8Array> {
    return guarded(async () => {
      const bytes = new TextEncoder().encode(leadsToCsv(generateLeads(req.knobs)));
      return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
    });
  },

  /**
   * A review queue over the scored leads (core/oversight `reviewQueue`: a seeded sample, half near
   * the threshold), each with its three largest SHAP contributions as the reasons a reviewer sees.
   * `exclude`: rows already queued, so a second batch brings fresh leads.
   */
  async reviewQueue(req: Pair & { roles: DatasetRoles; attribute: ProtectedAttribute[]; threshold: number; size: number; seed: number; exclude?: number[] }): Promise<ReviewItem[]> {
    return guarded(async () => {
      await setupBackend();
      const table = checkedTable(req.dataset, req.roles);
      const m = state.model(req.model);
      const { scores } = await scoresFor(req);
      const groups = groupsOf(table, req.attribute);
      const groupNames = Array.from(groups.codes, (c) => (c >= 0 ? groups.levels[c] : 'missing'));
      const items = reviewQueue({ leadIds: leadIdsOf(table), scores, groups: groupNames, threshold: req.threshold, size: req.size, seed: req.seed, ...(req.exclude ? { exclude: req.exclude } : {}) });
      if (items.length === 0) return items;
      // reasons: SHAP of each queued lead against a seeded background
      const manifest = m.summary.manifest;
      const spec: BackgroundSpec = { kind: 'sample', size: 50, seed: req.seed };
      const background = state.memo<Background>([table, m], 'background', JSON.stringify(spec), () => buildBackground(table, manifest, spec));
      const rows = Uint32Array.from(items, (it) => it.row);
      const shap = await runExplainJob({ table, manifest, scorer: m.scorer, background, job: { rows, rowIndexOffset: 0, background: spec, method: 'auto', permutations: 10, output: 'probability', seed: req.seed } });
      return items.map((it, i) => ({
        ...it,
        reasons: shap.players
          .map((p, j) => ({ column: p.name, contribution: shap.values[i * shap.nPlayers + j] }))
          .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
          .slice(0, 3),
      }));
    });
  },

  /** The fingerprint of the loaded data and model as workshop material (null for a model trained here and not exported). */
  async workshopFingerprint(p: Pair): Promise<string | null> {
    return guarded(async () => {
      const fp = state.model(p.model).summary.fingerprint;
      return fp ? materialFingerprint(state.dataset(p.dataset).parse.contentHash, fp) : null;
    });
  },

  /** The workshop material from a loaded dataset and model: what it holds and its fingerprint. */
  async workshopMaterial(req: Pair & WorkshopMaterialRequest): Promise<MaterialInfo & { fingerprint: string | null }> {
    return guarded(async () => {
      const material = await materialFor(req);
      const fp = state.model(req.model).summary.fingerprint;
      return { ...materialInfo(material), fingerprint: fp ? materialFingerprint(state.dataset(req.dataset).parse.contentHash, fp) : null };
    });
  },

  /** A participant's plan (core/workshop planParticipant) with the SHAP contributions of the leads shown explained. */
  async workshopPlan(req: Pair & WorkshopMaterialRequest & { config: WorkshopConfig; participantId: string }): Promise<ParticipantPlan> {
    return guarded(async () => {
      const material = await materialFor(req);
      const table = state.dataset(req.dataset).table;
      const m = state.model(req.model);
      const manifest = m.summary.manifest;
      return planWithExplanations({
        table,
        manifest,
        scorer: m.scorer,
        material,
        config: req.config,
        participantId: req.participantId,
        background: (spec) => state.memo<Background>([table, m], 'background', JSON.stringify(spec), () => buildBackground(table, manifest, spec)),
      });
    });
  },

  /** The debrief (bias-workbench.workshop-summary/1) from participants' results files, as the CLI's `workshop summarize` writes it. */
  async workshopDebrief(req: { files: { name: string; text: string }[]; intervalLevel?: number }): Promise<WorkshopSummaryJson> {
    return guarded(async () => debrief(req.files, req.intervalLevel));
  },

  // --- monitoring (issue 12): the loaded dataset against a second one (./monitor-jobs) ---

  /** Drift of every column, the scores and each group's selection rate, with a compact audit of both sides. */
  async monitorDrift(req: Pair & MonitorSettings & { current: string }) {
    return guarded(async () => monitorView(await monitorRunFor(req)));
  },

  /** The columns of a dataset that hold ISO dates (a log's time column). */
  async monitorTimeColumns(req: { dataset: string }): Promise<string[]> {
    return guarded(async () => timeColumns(state.dataset(req.dataset).table));
  },

  /** The current data by week, month or quarter: each window's audit with intervals and its drift against the reference. */
  async monitorWindows(req: Pair & MonitorSettings & { current: string; timeColumn: string; unit: WindowUnit }) {
    return guarded(async () => {
      const [r, c] = await Promise.all([scoresFor(req), scoresFor({ dataset: req.current, model: req.model })]);
      return monitorWindowsJob({ table: state.dataset(req.dataset).table, scores: r.scores }, { table: state.dataset(req.current).table, scores: c.scores }, req);
    });
  },

  /** A policy's text checked (bias-workbench.policy/1): its name and rule count, or a policy-invalid Problem naming each problem. */
  async monitorCheckPolicy(req: { text: string }): Promise<{ name: string | null; rules: number }> {
    return guarded(async () => {
      const p = parsePolicy(req.text);
      return { name: p.name ?? null, rules: p.rules.length };
    });
  },

  /** A policy judged on the monitoring run: the verdict and each rule with its evidence. */
  async monitorPolicy(req: Pair & MonitorSettings & { current: string; text: string }) {
    return guarded(async () => {
      const policy = parsePolicy(req.text);
      return judgePolicy(policy, await monitorRunFor(req));
    });
  },

  // --- the impact-assessment report (issue 13): core's buildAssessment through ./report-jobs ---

  /** What the report will hide before it is made: identifier-like columns, suppressed cells, the k-anonymity check. */
  async reportPreview(req: Pair & { roles: DatasetRoles; audit: ReportAuditOptions; settings: ReportSettings }): Promise<ReportPreview> {
    return guarded(async () => reportPreview(await reportContext(req), req.settings));
  },

  /** The assessment as one self-contained HTML file and its JSON twin (bias-workbench.assessment/1). */
  async makeReport(req: Pair & { roles: DatasetRoles; audit: ReportAuditOptions; settings: ReportSettings }, onStage?: (stage: string) => void): Promise<MadeReport> {
    return guarded(async () => {
      await setupBackend();
      const ctx = await reportContext(req);
      const notes = inputNotes(ctx.table, { target: req.roles.target, protected: req.roles.protected, manifest: ctx.model.manifest });
      return makeReport(ctx, req.settings, notes, onStage);
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
