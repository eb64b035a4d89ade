/**
 * A project: everything a person set up in the workbench, as one plain JSON document that can
 * be kept in the browser (IndexedDB) and written to a file beside the data and model files.
 *
 * The document never holds the data or the model's bytes: those travel beside it (the zip's
 * `data/` and `model/` folders, or the browser's store), named here, so the JSON stays small
 * and readable. Results are kept where they are small (scenario results); what is cheap and
 * deterministic to recompute (the audit itself) is kept as the settings that reproduce it.
 */
import type { DatasetRoles } from '../roles';
import type { DecisionRule } from '../metrics/decision';
import type { ColumnType } from '../table';
import type { ScoreKind } from '../score-column';
import type { Scenario } from '../mitigate/scenario-spec';

/** The format this version writes (and the newest it reads). */
export const PROJECT_FORMAT = 'bias-workbench.project/1';
export const PROJECT_VERSION = 1;

/** The dataset: which file, its fingerprint, and the types the user chose. */
export interface ProjectDataset {
  /** the file's name as loaded (also its name under `data/` in a project file) */
  name: string;
  /** SHA-256 hex of the file's bytes: data put back beside a project must match it */
  contentHash: string;
  nRows: number;
  /** column → type the user chose over the inferred one, applied in this order */
  overrides: Record<string, ColumnType>;
}

/**
 * The model: files (a model loaded or trained here: their names under `model/`, and the
 * manifest), or a score column of the data used as the model.
 */
export type ProjectModel =
  | {
      kind: 'files';
      name: string;
      /** 'trained': trained in the workbench (kept so after a reload) */
      origin: 'imported' | 'trained';
      manifest: unknown;
      files: string[];
      fingerprint: string | null;
      /** a model trained here: its per-epoch history, as the worker reported it */
      history?: unknown[];
    }
  | { kind: 'scores'; column: string; scoreKind: ScoreKind; fingerprint: string | null };

/** One scenario of Mitigate & compare, and its result when it had finished (model files left out). */
export interface ProjectScenario {
  scenario: Scenario;
  base: 'audited' | 'retrained';
  /** the ScenarioResult as the worker returned it, without `artifacts.files` */
  result?: unknown;
  /** the page's key of the settings the result was computed under (it is shown while they hold) */
  settings?: string;
}

/** Mitigate & compare: the settings every scenario shares, and the scenarios. */
export interface ProjectCompare {
  retrainKind: 'logistic' | 'mlp';
  epochs: number;
  seed: number;
  /** the parity measure on the chart's axis */
  parity: string;
  scenarios: ProjectScenario[];
}

export interface Project {
  format: typeof PROJECT_FORMAT;
  id: string;
  name: string;
  /** ISO 8601 */
  created: string;
  updated: string;
  /** the bundled demo it started from, for its credit line */
  demo?: string;
  dataset: ProjectDataset | null;
  model: ProjectModel | null;
  roles: DatasetRoles | null;
  /** the audited attribute as the audit names it ('age', 'age&marital'); null: the first */
  attribute: string | null;
  decision: DecisionRule;
  /** the step on screen */
  tab?: string;
  /** audit options (settings bag of the Audit tab), kept as given */
  audit?: Record<string, unknown>;
  /** explanation settings (and small results), kept as given */
  explain?: Record<string, unknown>;
  compare?: ProjectCompare;
  /**
   * the Monitor tab's policy text as typed, its time column, and the current data compared
   * with the dataset (optional like the dataset: its bytes travel under `monitor/<name>`)
   */
  monitor?: { policy: string | null; timeColumn: string | null; dataset?: ProjectDataset };
  /** simulation configs, kept as given */
  simulate?: Record<string, unknown>;
  /** workshop results files (bias-workbench.workshop-result/1), kept as given */
  workshop?: unknown[];
  /**
   * Where the decision log is: the browser's oversight store, under the model's fingerprint.
   * The log itself is not copied into the project (it is append-only and shared by projects).
   */
  oversight?: { store: string; fingerprint: string | null };
}

/** A project with the bytes it names: the dataset (null when left out) and the model's files. */
export interface ProjectBundle {
  project: Project;
  data: Uint8Array | null;
  modelFiles: { name: string; data: Uint8Array }[];
  /** the Monitor tab's current data (null or absent when left out) */
  monitorData?: Uint8Array | null;
}
