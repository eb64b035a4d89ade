/**
 * The page's handle on the workbench worker(s): creates them, keeps the sources the user
 * loaded (so an aborted worker is replayed, not lost), and exposes typed calls.
 *
 * Two workers: `audit` (data, scoring, metrics — must stay responsive) and `jobs` (training
 * and other long runs), so a metric recompute never queues behind a long job.
 */
import { WorkerBridge, Comlink } from './bridge';
import type { WorkbenchApi, DataSource, ModelFile } from '../../workers/workbench.worker';
import type { CsvOptions } from '../core/csv';
import type { ScoreKind } from '../core/score-column';

export function createWorkbenchWorker(): Worker {
  return new Worker(new URL('../../workers/workbench.worker.ts', import.meta.url), { type: 'module', name: 'bias-workbench' });
}

export type WorkbenchBridge = WorkerBridge<WorkbenchApi>;

export function createWorkbenchBridge(): WorkbenchBridge {
  return new WorkerBridge<WorkbenchApi>(createWorkbenchWorker);
}

/** What the session loaded, in order, so a restarted worker can be brought back. */
export type ReplayStep =
  | { kind: 'csv'; source: DataSource; options: CsvOptions; id: string }
  | { kind: 'model'; files: ModelFile[]; manifest: unknown; name: string; id: string; origin: 'imported' | 'trained' }
  /** a score column of the dataset `dataset` used as the model (the worker's useScoreColumn) */
  | { kind: 'scores'; id: string; dataset: string; column: string; scoreKind: ScoreKind; target: string; positive: string };

export { Comlink };
