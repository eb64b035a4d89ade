/**
 * A workbench session on the page: the two worker bridges plus the record of what the user
 * loaded. Every load is recorded before it is sent, so when a worker is terminated (cancel)
 * the next call replays the record into the fresh worker and nothing is lost.
 *
 * Ids are chosen here, not in the worker, so they survive a restart.
 */
import { createWorkbenchBridge, type ReplayStep, type WorkbenchBridge, Comlink } from './workbench';
import type { DataSource, DatasetSummary, ModelFile, ModelSummary, Progress, TrainEpoch } from '../../workers/workbench.worker';
import type { CsvOptions } from '../core/csv';
import type { DatasetRoles } from '../core/roles';
import type { ColumnType } from '../core/table';

let counter = 0;
const newId = (prefix: string) => `${prefix}${++counter}-${Date.now().toString(36)}`;

export class WorkbenchSession {
  readonly audit: WorkbenchBridge;
  readonly jobs: WorkbenchBridge;
  private replay: ReplayStep[] = [];
  private retypes: { datasetId: string; column: string; type: ColumnType }[] = [];

  constructor() {
    this.audit = createWorkbenchBridge();
    this.jobs = createWorkbenchBridge();
    const restore = async (api: Comlink.Remote<import('../../workers/workbench.worker').WorkbenchApi>) => {
      for (const step of this.replay) {
        if (step.kind === 'csv') await api.loadCsv(step.id, step.source, step.options);
        else await api.loadModel(step.id, step.files, step.manifest, step.name);
      }
      for (const r of this.retypes) await api.retype(r.datasetId, r.column, r.type);
    };
    this.audit.onRestart = restore;
    this.jobs.onRestart = restore;
  }

  /** Load a CSV into the audit worker (the jobs worker gets it lazily when needed). */
  async loadCsv(source: DataSource, options: CsvOptions, onProgress?: (p: Progress) => void, signal?: AbortSignal): Promise<DatasetSummary> {
    const id = newId('d');
    const summary = await this.audit.call(signal, (api) =>
      api.loadCsv(id, source, options, onProgress ? Comlink.proxy(onProgress) : undefined),
    );
    // only a dataset that loaded replaces the previous one in the record
    this.replay = this.replay.filter((s) => s.kind !== 'csv');
    this.retypes = [];
    this.replay.push({ kind: 'csv', source, options, id });
    this.jobsHas.clear();
    return summary;
  }

  async retype(datasetId: string, column: string, type: ColumnType) {
    const r = await this.audit.call(undefined, (api) => api.retype(datasetId, column, type));
    this.retypes = this.retypes.filter((x) => !(x.datasetId === datasetId && x.column === column));
    this.retypes.push({ datasetId, column, type });
    this.jobsHas.clear();
    return r;
  }

  async loadModel(files: ModelFile[], manifest: unknown, name: string, signal?: AbortSignal): Promise<ModelSummary> {
    const id = newId('m');
    const summary = await this.audit.call(signal, (api) => api.loadModel(id, files, manifest, name));
    this.replay = this.replay.filter((s) => s.kind !== 'model');
    this.replay.push({ kind: 'model', files, manifest, name, id });
    return summary;
  }

  /** ids already replayed into the jobs worker */
  private jobsHas = new Set<string>();

  private async syncJobs(signal?: AbortSignal) {
    for (const step of this.replay) {
      if (this.jobsHas.has(step.id)) continue;
      if (step.kind === 'csv') await this.jobs.call(signal, (api) => api.loadCsv(step.id, step.source, step.options));
      else await this.jobs.call(signal, (api) => api.loadModel(step.id, step.files, step.manifest, step.name));
      this.jobsHas.add(step.id);
    }
    for (const r of this.retypes) await this.jobs.call(signal, (api) => api.retype(r.datasetId, r.column, r.type));
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
    await this.syncJobs(signal);
    const id = newId('m');
    const trained = await this.jobs.call(signal, (api) => api.train(id, datasetId, roles, options, Comlink.proxy(onEpoch)));
    const files = await this.jobs.call(signal, (api) => api.exportModel(id));
    const modelFiles = files.filter((f) => f.name !== 'model.manifest.json');
    const summary = await this.audit.call(signal, (api) => api.loadModel(id, modelFiles, trained.manifest, trained.name, 'trained'));
    this.replay = this.replay.filter((s) => s.kind !== 'model');
    this.replay.push({ kind: 'model', files: modelFiles, manifest: trained.manifest, name: trained.name, id });
    this.jobsHas.add(id);
    return { summary: { ...summary, history: trained.history }, files };
  }

  dispose() {
    this.audit.dispose();
    this.jobs.dispose();
  }
}
