/**
 * A workbench session on the page: the two worker bridges plus the record of what the user
 * loaded. Every load is recorded before it is sent, so when a worker is terminated (cancel)
 * the next call replays the record into the fresh worker and nothing is lost.
 *
 * Ids are chosen here, not in the worker, so they survive a restart.
 */
import { createWorkbenchBridge, type ReplayStep, type WorkbenchBridge, Comlink } from './workbench';
import type { WorkbenchApi, DataSource, DatasetSummary, ModelFile, ModelSummary, Progress, TrainEpoch } from '../../workers/workbench.worker';
import type { ExplainJob } from '../../workers/explain-jobs';
import type { ShapleyResult } from '../core/explain';
import { rowChunks } from '../core/explain/chunks';
import type { CsvOptions } from '../core/csv';
import type { DatasetRoles } from '../core/roles';
import type { ColumnType } from '../core/table';
import type { ScoreKind } from '../core/score-column';

let counter = 0;
const newId = (prefix: string) => `${prefix}${++counter}-${Date.now().toString(36)}`;

/** A step that loads the model (from files, or a score column of the data). */
const isModelStep = (s: ReplayStep): boolean => s.kind === 'model' || s.kind === 'scores';

/** Load one recorded step into a worker. */
function replayStep(api: Comlink.Remote<WorkbenchApi>, step: ReplayStep): Promise<unknown> {
  switch (step.kind) {
    case 'csv':
      return api.loadCsv({ id: step.id, source: step.source, options: step.options });
    case 'model':
      return api.loadModel({ id: step.id, files: step.files, manifest: step.manifest, name: step.name, origin: step.origin });
    case 'scores':
      return api.useScoreColumn({ id: step.id, dataset: step.dataset, column: step.column, kind: step.scoreKind, target: step.target, positive: step.positive });
  }
}

export class WorkbenchSession {
  readonly audit: WorkbenchBridge;
  readonly jobs: WorkbenchBridge;
  private replay: ReplayStep[] = [];
  private retypes: { datasetId: string; column: string; type: ColumnType }[] = [];
  /** the Monitor tab's second dataset (the current data), replayed after the record */
  private monitorStep: ReplayStep | null = null;
  /**
   * The Monitor tab's settings, kept with the session (not in the panel) so they outlive the
   * panel and a worker restart: the current dataset's summary and the policy's text as typed.
   */
  readonly monitor: { current: DatasetSummary | null; policy: string | null; timeColumn: string | null } = { current: null, policy: null, timeColumn: null };

  /** Everything a fresh worker must load, in order. */
  private steps(): ReplayStep[] {
    return this.monitorStep ? [...this.replay, this.monitorStep] : this.replay;
  }

  constructor() {
    this.audit = createWorkbenchBridge();
    this.jobs = createWorkbenchBridge();
    const restore = async (api: Comlink.Remote<WorkbenchApi>) => {
      for (const step of this.steps()) {
        await replayStep(api, step);
      }
      for (const r of this.retypes) await api.retype({ dataset: r.datasetId, column: r.column, type: r.type });
    };
    // the audit worker replays on restart; secondary workers (jobs, pool) are brought up to date by sync()
    this.audit.onRestart = restore;
  }

  /** Load a CSV into the audit worker (the jobs worker gets it lazily when needed). */
  async loadCsv(source: DataSource, options: CsvOptions, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<DatasetSummary> {
    const id = newId('d');
    const summary = await this.audit.call(signal, (api) =>
      api.loadCsv({ id, source, options }, onProgress ? Comlink.proxy(onProgress) : undefined),
    );
    // only a dataset that loaded replaces the previous one in the record; a score column of the previous data goes with it
    for (const s of this.replay) if (s.kind === 'scores') this.releaseEverywhere(s.id);
    this.replay = this.replay.filter((s) => s.kind !== 'csv' && s.kind !== 'scores');
    this.retypes = [];
    this.replay.push({ kind: 'csv', source, options, id });
    for (const st of this.synced.values()) st.retypes = 0;
    return summary;
  }

  /**
   * Load a second CSV as the Monitor tab's current data: its own id, recorded apart from the
   * loaded dataset (which stays the reference) and replayed after it; a previous one is released.
   */
  async loadMonitorCsv(source: DataSource, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<DatasetSummary> {
    const id = newId('c');
    const summary = await this.audit.call(signal, (api) => api.loadCsv({ id, source, options: {} }, onProgress ? Comlink.proxy(onProgress) : undefined));
    const previous = this.monitorStep;
    this.monitorStep = { kind: 'csv', source, options: {}, id };
    if (previous) this.releaseEverywhere(previous.id);
    this.monitor.current = summary;
    return summary;
  }

  async retype(datasetId: string, column: string, type: ColumnType) {
    const r = await this.audit.call(undefined, (api) => api.retype({ dataset: datasetId, column, type }));
    this.retypes = this.retypes.filter((x) => !(x.datasetId === datasetId && x.column === column));
    this.retypes.push({ datasetId, column, type });
    // secondary workers reload the dataset and replay every type override in order
    for (const st of this.synced.values()) {
      st.ids.clear();
      st.retypes = 0;
    }
    return r;
  }

  /**
   * Load a model. With `fitDataset`, a model whose manifest does not fit that dataset is
   * refused in the worker before anything is replaced: the working model stays loaded and in
   * the record, and the refused one is released.
   */
  async loadModel(files: ModelFile[], manifest: unknown, name: string, options: { signal?: AbortSignal; fitDataset?: string; origin?: 'imported' | 'trained' } = {}): Promise<ModelSummary & { warnings: string[] }> {
    const id = newId('m');
    const origin = options.origin ?? 'imported';
    let summary: ModelSummary & { warnings: string[] };
    try {
      summary = await this.audit.call(options.signal, (api) => api.loadModel({ id, files, manifest, name, origin, ...(options.fitDataset ? { fitDataset: options.fitDataset } : {}) }));
    } catch (e) {
      void this.audit.call(undefined, (api) => api.release(id)).catch(() => undefined);
      throw e;
    }
    const previous = this.replay.find(isModelStep);
    this.replay = this.replay.filter((s) => !isModelStep(s));
    this.replay.push({ kind: 'model', files, manifest, name, id, origin });
    if (previous) this.releaseEverywhere(previous.id);
    return summary;
  }

  /**
   * Use a score (or 0/1 decision) column of a loaded dataset as the model. Refused in the
   * worker when the column is not usable; then the working model stays.
   */
  async useScoreColumn(datasetId: string, column: string, kind: ScoreKind, target: { column: string; positive: string }, signal?: AbortSignal): Promise<ModelSummary & { warnings: string[] }> {
    const id = newId('m');
    const step: ReplayStep = { kind: 'scores', id, dataset: datasetId, column, scoreKind: kind, target: target.column, positive: target.positive };
    const summary = await this.audit.call(signal, (api) => replayStep(api, step) as Promise<ModelSummary & { warnings: string[] }>);
    const previous = this.replay.find(isModelStep);
    this.replay = this.replay.filter((s) => !isModelStep(s));
    this.replay.push(step);
    if (previous) this.releaseEverywhere(previous.id);
    return summary;
  }

  /** Forget a replaced model in every worker that holds it (the audit worker and any synced one). */
  private releaseEverywhere(id: string): void {
    void this.audit.call(undefined, (api) => api.release(id)).catch(() => undefined);
    for (const [bridge, st] of this.synced) {
      if (!st.ids.has(id) || st.epoch !== bridge.epoch) continue;
      st.ids.delete(id);
      void bridge.call(undefined, (api) => api.release(id)).catch(() => undefined);
    }
  }

  /** per secondary worker (jobs, pool): ids already replayed into it, and its start count then */
  private synced = new Map<WorkbenchBridge, { epoch: number; ids: Set<string>; retypes: number }>();

  /** per secondary worker: the sync in progress, so two callers never replay the same step twice */
  private syncing = new Map<WorkbenchBridge, Promise<void>>();

  /** Bring a secondary worker up to date with what the session has loaded (idempotent, one at a time per worker). */
  private sync(bridge: WorkbenchBridge, signal?: AbortSignal): Promise<void> {
    const run = (this.syncing.get(bridge) ?? Promise.resolve()).catch(() => undefined).then(() => this.syncNow(bridge, signal));
    this.syncing.set(bridge, run);
    return run;
  }

  private async syncNow(bridge: WorkbenchBridge, signal?: AbortSignal) {
    let state = this.synced.get(bridge);
    if (!state || state.epoch !== bridge.epoch) {
      state = { epoch: bridge.epoch, ids: new Set(), retypes: 0 };
      this.synced.set(bridge, state);
    }
    for (const step of this.steps()) {
      if (state.ids.has(step.id)) continue;
      await bridge.call(signal, (api) => replayStep(api, step));
      state.ids.add(step.id);
    }
    for (const r of this.retypes.slice(state.retypes)) await bridge.call(signal, (api) => api.retype({ dataset: r.datasetId, column: r.column, type: r.type }));
    state.retypes = this.retypes.length;
  }

  private pool: WorkbenchBridge[] = [];
  /** explanation workers: one per core, at most 4 (a third worker never helped on 2 cores) */
  readonly poolSize = Math.max(1, Math.min(typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2, 4));

  private poolBridges(): WorkbenchBridge[] {
    while (this.pool.length < this.poolSize) {
      const b = createWorkbenchBridge();
      this.pool.push(b);
    }
    return this.pool;
  }

  /** Start the pool's workers and load into them what the session holds, ahead of an explanation. */
  warmPool(): void {
    for (const b of this.poolBridges()) void this.sync(b).catch(() => undefined);
  }

  /**
   * Explain `rows` across the worker pool: fixed chunks of rows (core's rowChunks, a function of
   * the row count only), each worker holding two and taking the next as it finishes one, each row seeded by
   * its global index, so the merged result is the same on any number of workers. Progress:
   * (units done, units in all, model rows evaluated, seconds since the first worker started
   * computing). Cancel with `signal`.
   */
  async explain(
    datasetId: string,
    modelId: string,
    rows: Uint32Array,
    options: Omit<ExplainJob, 'rows' | 'rowIndexOffset'>,
    onProgress?: (done: number, total: number, modelRows: number, computeSeconds: number) => void,
    signal?: AbortSignal,
  ): Promise<ShapleyResult & { workers: number; ms: number; computeMs: number }> {
    const t0 = performance.now();
    const chunks = rowChunks(rows.length);
    const bridges = this.poolBridges().slice(0, Math.max(1, Math.min(this.poolSize, chunks.length)));
    const parts: ShapleyResult[] = new Array(chunks.length);
    const done = new Float64Array(chunks.length);
    const total = new Float64Array(chunks.length);
    const modelRows = new Float64Array(chunks.length);
    let unitsPerRow = 0;
    let computeStart = 0;
    let next = 0;
    const report = (k: number, d: number, t: number, m?: number): void => {
      done[k] = d;
      total[k] = t;
      modelRows[k] = m ?? 0;
      if (!unitsPerRow && t > 0) unitsPerRow = t / chunks[k].n;
      let sumDone = 0;
      let sumRows = 0;
      let sumTotal = 0;
      for (let c = 0; c < chunks.length; c++) {
        sumDone += done[c];
        sumRows += modelRows[c];
        sumTotal += total[c] > 0 ? total[c] : unitsPerRow * chunks[c].n;
      }
      onProgress?.(sumDone, sumTotal, sumRows, (performance.now() - computeStart) / 1000);
    };
    // two lanes per worker: while one chunk's result travels back and the next is sent, the
    // worker computes the other, so it never waits on a busy main thread
    const lanes = bridges.flatMap((b) => [b, b]);
    await Promise.all(
      lanes.map(async (b) => {
        await this.sync(b, signal);
        if (!computeStart) computeStart = performance.now();
        while (next < chunks.length) {
          const k = next++;
          const { start, n } = chunks[k];
          const part = rows.slice(start, start + n);
          parts[k] = await b.call(signal, (api) =>
            api.explainRows({ dataset: datasetId, model: modelId, job: { ...options, rows: part, rowIndexOffset: start } }, Comlink.proxy((d: number, t: number, m?: number) => report(k, d, t, m))),
          );
        }
      }),
    ).catch((e: unknown) => {
      for (const b of bridges) b.abort();
      throw e;
    });
    const end = performance.now();
    return { ...mergeShapley(parts), workers: bridges.length, ms: end - t0, computeMs: end - (computeStart || t0) };
  }

  private inFlight = new Map<WorkbenchBridge, number>();

  /**
   * Run a call on the least busy pool worker (scenarios run side by side, one per core),
   * after bringing that worker up to date.
   */
  async onPool<R>(signal: AbortSignal | undefined, fn: (api: Comlink.Remote<WorkbenchApi>) => Promise<R>): Promise<R> {
    const bridges = this.poolBridges();
    const b = [...bridges].sort((x, y) => (this.inFlight.get(x) ?? 0) - (this.inFlight.get(y) ?? 0))[0];
    this.inFlight.set(b, (this.inFlight.get(b) ?? 0) + 1);
    try {
      await this.sync(b, signal);
      return await b.call(signal, fn);
    } finally {
      this.inFlight.set(b, (this.inFlight.get(b) ?? 1) - 1);
    }
  }

  cancelExplain() {
    for (const b of this.pool) b.abort();
  }

  /**
   * Train in the jobs worker, then move the result (as files) into the audit worker, so the
   * audit keeps working while training runs and the trained model survives restarts.
   */
  async train(
    datasetId: string,
    roles: DatasetRoles,
    options: { kind: 'logistic' | 'mlp'; seed: number; epochs?: number },
    onEpoch: (e: TrainEpoch) => void,
    signal?: AbortSignal,
  ): Promise<{ summary: ModelSummary; files: { name: string; data: Uint8Array }[] }> {
    await this.sync(this.jobs, signal);
    const id = newId('m');
    const trained = await this.jobs.call(signal, (api) => api.train({ id, dataset: datasetId, roles, ...options }, Comlink.proxy(onEpoch)));
    const files = await this.jobs.call(signal, (api) => api.exportModel({ model: id }));
    const modelFiles = files.filter((f) => f.name !== 'model.manifest.json');
    const summary = await this.audit.call(signal, (api) => api.loadModel({ id, files: modelFiles, manifest: trained.manifest, name: trained.name, origin: 'trained' }));
    const previous = this.replay.find(isModelStep);
    this.replay = this.replay.filter((s) => !isModelStep(s));
    this.replay.push({ kind: 'model', files: modelFiles, manifest: trained.manifest, name: trained.name, id, origin: 'trained' });
    if (previous) this.releaseEverywhere(previous.id);
    this.synced.get(this.jobs)?.ids.add(id);
    return { summary: { ...summary, history: trained.history }, files };
  }

  /** Run a call on the jobs worker after bringing it up to date. */
  async onJobs<R>(signal: AbortSignal | undefined, fn: (api: Comlink.Remote<WorkbenchApi>) => Promise<R>): Promise<R> {
    await this.sync(this.jobs, signal);
    return this.jobs.call(signal, fn);
  }

  /** What the session has loaded, for a project to keep: the dataset's source and the model's step. */
  loaded(): { csv: Extract<ReplayStep, { kind: 'csv' }> | null; model: Extract<ReplayStep, { kind: 'model' | 'scores' }> | null; monitor: Extract<ReplayStep, { kind: 'csv' }> | null } {
    const csv = this.replay.find((s): s is Extract<ReplayStep, { kind: 'csv' }> => s.kind === 'csv') ?? null;
    const model = this.replay.find((s): s is Extract<ReplayStep, { kind: 'model' | 'scores' }> => isModelStep(s)) ?? null;
    const monitor = this.monitorStep?.kind === 'csv' ? this.monitorStep : null;
    return { csv, model, monitor };
  }

  dispose() {
    this.audit.dispose();
    this.jobs.dispose();
    for (const b of this.pool) b.dispose();
  }
}

/** Concatenate per-worker Shapley results (rows in order). */
export function mergeShapley(parts: ShapleyResult[]): ShapleyResult {
  const first = parts[0];
  const nRows = parts.reduce((a, p) => a + p.nRows, 0);
  const M = first.nPlayers;
  const values = new Float64Array(nRows * M);
  const errors = new Float64Array(nRows * M);
  const predictions = new Float64Array(nRows);
  let r = 0;
  for (const p of parts) {
    values.set(p.values, r * M);
    errors.set(p.errors, r * M);
    predictions.set(p.predictions, r);
    r += p.nRows;
  }
  return {
    ...first,
    nRows,
    values,
    errors,
    predictions,
    evaluations: parts.reduce((a, p) => a + p.evaluations, 0),
    plannedEvaluations: parts.reduce((a, p) => a + p.plannedEvaluations, 0),
    batches: parts.reduce((a, p) => a + p.batches, 0),
    modelSeconds: parts.reduce((a, p) => a + (p.modelSeconds ?? 0), 0),
  };
}
