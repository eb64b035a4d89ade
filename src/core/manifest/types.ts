/**
 * Manifest v1: the contract between a model and a table. It says which column is the target
 * (and which of its values is the positive class), which columns feed the model, how each one
 * is encoded into the model's input row, what the model emits, and the decision threshold.
 * Users write it by hand or export it from Python; `trainModel` writes one too.
 * The full contract, with examples, is in docs/model-manifest.md.
 */
export const MANIFEST_FORMAT = 'bias-workbench.manifest/1';

export interface NumericFeature {
  column: string;
  kind: 'numeric';
  /** subtracted before dividing by `std`; 0 when absent */
  mean?: number;
  /** > 0; 1 when absent */
  std?: number;
}

export interface CategoricalFeature {
  column: string;
  kind: 'categorical';
  /** one input per category, in this order; a value not listed (or missing) encodes as all zeros */
  categories: string[];
}

export type ManifestFeature = NumericFeature | CategoricalFeature;

/** A column the audit should offer as a protected attribute. `cuts` bins a numeric column. */
export interface ProtectedAttribute {
  column: string;
  /** strictly increasing bin edges for a numeric column, e.g. [25, 40, 60] → <25, 25–40, 40–60, ≥60 */
  cuts?: number[];
  /** display name */
  label?: string;
}

/** Where the model came from. Every field optional; unknown fields are kept. */
export interface TrainingProvenance {
  algorithm?: string;
  library?: string;
  seed?: number;
  split?: Record<string, unknown>;
  metrics?: Record<string, number | null>;
  /** ISO 8601 */
  date?: string;
  [key: string]: unknown;
}

/** Reserved for post-processing mitigation: a per-group threshold on one column. */
export interface GroupThresholds {
  column: string;
  /** group label → threshold in (0, 1); groups not listed use `threshold` */
  thresholds: Record<string, number>;
  cuts?: number[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  name?: string;
  description?: string;
  target: { column: string; positive: string };
  features: ManifestFeature[];
  /** 'probability': the model emits P(positive); 'logit': it emits log-odds and we apply a sigmoid */
  output: 'probability' | 'logit';
  /** a row is predicted positive when P(positive) ≥ threshold; in (0, 1), default 0.5 */
  threshold: number;
  protected?: ProtectedAttribute[];
  training?: TrainingProvenance;
  groupThresholds?: GroupThresholds[];
}
