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

/**
 * One raw text column fed to the model as one value (a model that does its own preprocessing,
 * e.g. a scikit-learn pipeline exported to ONNX with a string input per column). Encoded as
 * the index of the value in `categories` (one input; −1 when the value is missing or not
 * listed); the model adapter turns the index back into the text (or into the number the text
 * spells, for an int64/float input) before calling the model.
 */
export interface LabelFeature {
  column: string;
  kind: 'label';
  /** the values the column may take, as text; the index of each is its code */
  categories: string[];
}

export type ManifestFeature = NumericFeature | CategoricalFeature | LabelFeature;

/** The runtimes a model can come in. 'scores' is a score (or 0/1 decision) column of the data itself. */
export type ModelFormat = 'tfjs-layers' | 'tfjs-graph' | 'onnx' | 'scores';

/** One named model input fed from one feature column (ONNX graphs with an input per raw column). */
export interface ModelInputBinding {
  /** the model's input name */
  name: string;
  /** the manifest feature (by column) that feeds it */
  column: string;
  /** element type; default: what the model declares for the input */
  type?: 'float' | 'double' | 'int64' | 'int32' | 'string' | 'bool';
}

/**
 * How the manifest's encoded row reaches a model that is not a one-input Layers model, and
 * where its P(positive) comes out. Absent: one input of width manifestWidth, one output.
 */
export interface ModelBinding {
  /** the runtime; inferred from the files when absent */
  format?: ModelFormat;
  /**
   * One entry per named input. Absent: the model has one float input [N, manifestWidth] that
   * receives the encoded row.
   */
  inputs?: ModelInputBinding[];
  /**
   * The output holding the score: a tensor [N] or [N, 1] (read as `output`), [N, K] (column
   * `index`), or a ZipMap map (the entry of the positive class). Default: 'probabilities',
   * else 'output_probability', else the only float output.
   */
  outputName?: string;
  /** column of an [N, K] output (or class label of a map output); default 1 */
  index?: number;
  /** for a 'scores' model: the column holding the score or 0/1 decision */
  scoreColumn?: string;
  /** for a 'scores' model: 'score' (P(positive) in [0, 1]) or 'decision' (0/1) */
  scoreKind?: 'score' | 'decision';
}

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
  /** how the encoded row reaches a model that is not a one-input tfjs Layers model */
  model?: ModelBinding;
}
