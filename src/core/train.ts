/**
 * Train a lead-scoring model in the browser (in a worker) or in Node: logistic regression or a
 * small MLP, on a column table, with a manifest written from the training data.
 *
 * Reproducible: the same table, spec, options and seed give the same model bit for bit on the
 * same tfjs backend. The validation split, the per-epoch batch order and the weight
 * initialisation are all seeded; batches are drawn by this file (no `fit({shuffle: true})`),
 * and layers get explicit names so saved files do not depend on what else the process built.
 *
 * The loop is a manual Adam loop rather than `model.fit`, because tfjs-layers' fit does not
 * take per-sample weights; it minimises the Keras-style weighted binary cross-entropy
 * mean_i(w_i · bce_i) over each batch (w = 1 without sampleWeight). With `fairnessPenalty`,
 * λ · penalty is added to each batch's loss (the soft group-rate gaps defined in
 * ./train-penalty); without it nothing changes, bit for bit.
 *
 * Logistic models can instead be fitted exactly (`optimizer: 'newton'`): the full-batch
 * L2-regularised fit to convergence of ./fit/logistic — scikit-learn's LogisticRegression
 * objective with its C — in float64 on the encoded rows, its coefficients then set into the
 * same Dense(1, sigmoid) Layers model, so saving, the manifest and scoring do not change. It
 * takes no fairness penalty (that stays on the Adam loop).
 *
 * Early stopping (`earlyStopping`, Adam): after each epoch the validation loss is compared with
 * the best so far; after `patience` epochs without improvement training ends and the weights of
 * the best epoch are restored. Without validation rows, a seeded stratified share of the
 * distinct training rows is held out of training to be the validation rows.
 *
 * Cancel: `shouldStop()` is polled before every batch. When it returns true after at least one
 * full epoch, training stops there and the model so far is returned with `stoppedEarly: true`
 * (its validation metrics are recomputed for the weights returned). Before the first epoch
 * completes, it throws WorkbenchError('aborted'). `onEpoch` may return a promise; it is awaited,
 * which lets a worker yield to its message loop between epochs (so a stop message can land).
 */
import { weightedRocAuc } from './metrics/roc-auc';
import { WorkbenchError } from './errors';
import { encodeTable, encodeTarget, manifestWidth, MANIFEST_FORMAT } from './manifest';
import type { Manifest, ManifestFeature, ProtectedAttribute, TrainingProvenance } from './manifest';
import { checkFairnessPenalty, defaultFairnessPenalty, fillPenaltyMatrix, penaltyColumns, penaltyTerm, softDecision } from './train-penalty';
import type { FairnessPenalty, SoftDecision } from './train-penalty';
import { fitLogistic } from './fit/logistic';
import type { LogisticFit } from './fit/logistic';
import { createRng, shuffleInPlace } from './rng';
import type { ColumnTable } from './table';
import { tf } from './tf';
import type { LayersModel, Tensor } from './tf';

export interface TrainSpec {
  target: { column: string; positive: string };
  /** feature columns, in model input order */
  features: string[];
  /** copied into the manifest as suggested protected attributes */
  protected?: ProtectedAttribute[];
  name?: string;
  description?: string;
}

export interface EpochStats {
  /** 1-based */
  epoch: number;
  epochs: number;
  /** mean weighted training loss over the epoch's batches */
  loss: number;
  /** unweighted binary cross-entropy on the validation rows (NaN without validation rows) */
  valLoss: number;
  /** accuracy at threshold 0.5 on the validation rows (NaN without validation rows) */
  valAccuracy: number;
  /** ROC AUC on the validation rows; absent when they hold only one class */
  valAuc?: number;
}

export interface TrainOptions {
  kind: 'logistic' | 'mlp';
  seed: number;
  /** default 20 */
  epochs?: number;
  /** default 512 */
  batchSize?: number;
  /** Adam learning rate, default 0.01 */
  learningRate?: number;
  /** hidden layer sizes for 'mlp', default [32, 16] (ReLU) */
  hidden?: number[];
  /** share of labelled rows held out (stratified by target), default 0.2; 0 = no validation */
  validationFraction?: number;
  /** one weight ≥ 0 per table row (e.g. from reweighing); rows with weight 0 do not train */
  sampleWeight?: Float32Array;
  /**
   * Explicit training rows. Then no split is drawn: these rows train, and the validation rows
   * are `validationRows` if given, else every other labelled row of the table.
   */
  trainRows?: Uint32Array;
  validationRows?: Uint32Array;
  /**
   * Optional fairness penalty: loss = mean(w·bce) + λ · Σ_g (soft rate_g − soft rate)² on each
   * batch (see ./train-penalty). Group codes are per table row. The epoch `loss` reported
   * then includes the penalty term.
   */
  fairnessPenalty?: FairnessPenalty;
  /**
   * How the weights are found: 'adam' (default), the seeded mini-batch loop; 'newton', for
   * kind 'logistic' only and without a fairness penalty, the exact L2-regularised fit of
   * ./fit/logistic (epochs, batchSize and learningRate do not apply; one EpochStats is reported).
   */
  optimizer?: 'adam' | 'newton';
  /** inverse L2 penalty strength for 'newton', as scikit-learn's C; default 1 */
  C?: number;
  /**
   * Adam only: end training once the validation loss has not improved for `patience` epochs,
   * and return the weights of the best epoch. Without validation rows, `holdOut` (default 0.1)
   * of the distinct training rows, stratified by label and seeded, leave training to be them.
   */
  earlyStopping?: EarlyStopping;
  onEpoch?: (e: EpochStats) => void | Promise<void>;
  shouldStop?: () => boolean;
  /** ISO date for the provenance; default now; null leaves it out (reproducible files) */
  date?: string | null;
}

export interface EarlyStopping {
  /** epochs without a lower validation loss before training ends (≥ 1) */
  patience: number;
  /** share of the training rows held out when there are no validation rows; default 0.1 */
  holdOut?: number;
}

export const defaultTrainOptions = {
  epochs: 20,
  batchSize: 512,
  learningRate: 0.01,
  hidden: [32, 16],
  validationFraction: 0.2,
  optimizer: 'adam',
  C: 1,
  holdOut: 0.1,
} as const;

export interface TrainResult {
  model: LayersModel;
  manifest: Manifest;
  split: { train: Uint32Array; validation: Uint32Array; seed: number };
  history: EpochStats[];
  /** true when shouldStop ended training before the last epoch */
  stoppedEarly: boolean;
  /** with early stopping: the epoch whose weights the model holds (1-based) */
  bestEpoch?: number;
}

/** Seeded stratified split of the labelled rows: round(fraction × n) of each class validate. */
export function stratifiedSplit(labels: Int8Array, fraction: number, seed: number, pool?: Uint32Array): { train: Uint32Array; validation: Uint32Array } {
  const pos: number[] = [];
  const neg: number[] = [];
  const n = pool ? pool.length : labels.length;
  for (let i = 0; i < n; i++) {
    const r = pool ? pool[i] : i;
    if (labels[r] === 1) pos.push(r);
    else if (labels[r] === 0) neg.push(r);
  }
  const rng = createRng(seed);
  const train: number[] = [];
  const validation: number[] = [];
  for (const cls of [neg, pos]) {
    const idx = Uint32Array.from(cls);
    shuffleInPlace(idx, rng);
    const nVal = Math.round(fraction * idx.length);
    for (let i = 0; i < idx.length; i++) (i < nVal ? validation : train).push(idx[i]);
  }
  return { train: Uint32Array.from(train).sort(), validation: Uint32Array.from(validation).sort() };
}

/** ROC AUC (ties count ½, see metrics/roc-auc); undefined when one class is absent. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | undefined {
  const auc = weightedRocAuc(scores, labels);
  return Number.isNaN(auc) ? undefined : auc;
}

function buildManifest(table: ColumnTable, spec: TrainSpec, train: Uint32Array): Manifest {
  const features: ManifestFeature[] = spec.features.map((name) => {
    const col = table.columns.find((c) => c.name === name)!;
    if (col.type !== 'numeric') return { column: name, kind: 'categorical', categories: [...col.levels] };
    let sum = 0;
    let count = 0;
    for (let i = 0; i < train.length; i++) {
      const v = col.values[train[i]];
      if (!Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    const mean = count > 0 ? sum / count : 0;
    let ss = 0;
    for (let i = 0; i < train.length; i++) {
      const v = col.values[train[i]];
      if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
    }
    const std = count > 0 ? Math.sqrt(ss / count) : 0;
    return { column: name, kind: 'numeric', mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
  });
  return {
    format: MANIFEST_FORMAT,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    target: { column: spec.target.column, positive: spec.target.positive },
    features,
    output: 'probability',
    threshold: 0.5,
    ...(spec.protected ? { protected: spec.protected.map((p) => ({ ...p, ...(p.cuts ? { cuts: [...p.cuts] } : {}) })) } : {}),
  };
}

function checkSpec(table: ColumnTable, spec: TrainSpec): void {
  const names = new Set(table.columns.map((c) => c.name));
  if (!names.has(spec.target.column)) {
    throw new WorkbenchError('target-missing', `the target column '${spec.target.column}' is not in the table`, 'Choose the column that holds the outcome as the target.');
  }
  if (spec.features.length === 0) throw new WorkbenchError('roles-invalid', 'no feature columns are chosen', 'Mark at least one column as a feature.');
  const missing = spec.features.filter((f) => !names.has(f));
  if (missing.length > 0) {
    throw new WorkbenchError('roles-invalid', `feature columns not in the table: ${missing.map((m) => `'${m}'`).join(', ')}`, 'Choose features among the table\'s columns.');
  }
  if (spec.features.includes(spec.target.column)) {
    throw new WorkbenchError('roles-invalid', `the target '${spec.target.column}' is also chosen as a feature`, 'Remove the target from the features: the model must not see the outcome.');
  }
  const dup = spec.features.find((f, i) => spec.features.indexOf(f) !== i);
  if (dup !== undefined) throw new WorkbenchError('roles-invalid', `feature '${dup}' is chosen twice`, 'Choose each feature once.');
}

/** Validation metrics of a set of weights (NaN without validation rows). */
interface Validation {
  valLoss: number;
  valAccuracy: number;
  valAuc?: number;
}

/** Validation metrics for the current weights: unweighted BCE, accuracy at 0.5, ROC AUC. */
async function evaluate(model: LayersModel, X: Float32Array, y: Float32Array, width: number): Promise<Validation> {
  const n = y.length;
  if (n === 0) return { valLoss: NaN, valAccuracy: NaN };
  const p = new Float32Array(n);
  const chunk = 8192;
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    let xt: Tensor | undefined;
    let yt: Tensor | undefined;
    try {
      xt = tf.tensor2d(X.subarray(s * width, (s + m) * width), [m, width]);
      yt = model.predict(xt, { batchSize: m }) as Tensor;
      p.set((await yt.data()) as Float32Array, s);
    } finally {
      xt?.dispose();
      yt?.dispose();
    }
  }
  const eps = 1e-7;
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const q = Math.min(1 - eps, Math.max(eps, p[i]));
    loss -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
    if ((p[i] >= 0.5 ? 1 : 0) === y[i]) correct++;
  }
  const auc = rocAuc(p, y);
  return { valLoss: loss / n, valAccuracy: correct / n, ...(auc !== undefined ? { valAuc: auc } : {}) };
}

function buildModel(kind: 'logistic' | 'mlp', width: number, hidden: number[], seed: number): LayersModel {
  const model = tf.sequential({ name: kind === 'mlp' ? 'lead_score_mlp' : 'lead_score_logistic' });
  const sizes = kind === 'mlp' ? hidden : [];
  sizes.forEach((units, i) => {
    model.add(tf.layers.dense({
      units,
      activation: 'relu',
      name: `hidden_${i + 1}`,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
      biasInitializer: 'zeros',
      ...(i === 0 ? { inputShape: [width] } : {}),
    }));
  });
  model.add(tf.layers.dense({
    units: 1,
    activation: 'sigmoid',
    name: 'output',
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + sizes.length }),
    biasInitializer: 'zeros',
    ...(sizes.length === 0 ? { inputShape: [width] } : {}),
  }));
  return model;
}

/** Training settings with their defaults filled in and checked. */
interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  hidden: number[];
  validationFraction: number;
  seed: number;
  optimizer: 'adam' | 'newton';
  C: number;
  earlyStopping: Required<EarlyStopping> | null;
}

/** Stage 1: the spec, the options (defaults filled in), the weights and the penalty, checked. */
function resolveSettings(table: ColumnTable, spec: TrainSpec, options: TrainOptions): TrainSettings {
  checkSpec(table, spec);
  const s: TrainSettings = {
    epochs: options.epochs ?? defaultTrainOptions.epochs,
    batchSize: options.batchSize ?? defaultTrainOptions.batchSize,
    learningRate: options.learningRate ?? defaultTrainOptions.learningRate,
    hidden: [...(options.hidden ?? defaultTrainOptions.hidden)],
    validationFraction: options.validationFraction ?? defaultTrainOptions.validationFraction,
    seed: options.seed >>> 0,
    optimizer: options.optimizer ?? defaultTrainOptions.optimizer,
    C: options.C ?? defaultTrainOptions.C,
    earlyStopping: options.earlyStopping ? { patience: options.earlyStopping.patience, holdOut: options.earlyStopping.holdOut ?? defaultTrainOptions.holdOut } : null,
  };
  checkSolver(s, options);
  if (!Number.isInteger(s.epochs) || s.epochs < 1) throw new WorkbenchError('internal', `epochs must be a whole number ≥ 1, not ${s.epochs}`);
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) throw new WorkbenchError('internal', `batchSize must be a whole number ≥ 1, not ${s.batchSize}`);
  if (!(s.learningRate > 0)) throw new WorkbenchError('internal', `learningRate must be > 0, not ${s.learningRate}`);
  if (!(s.validationFraction >= 0 && s.validationFraction < 1)) throw new WorkbenchError('internal', `validationFraction must be in [0, 1), not ${s.validationFraction}`);
  if (options.kind === 'mlp' && (s.hidden.length === 0 || !s.hidden.every((h) => Number.isInteger(h) && h >= 1))) {
    throw new WorkbenchError('internal', `hidden must list layer sizes ≥ 1, not [${s.hidden.join(', ')}]`);
  }
  const sw = options.sampleWeight;
  if (sw) {
    if (sw.length !== table.nRows) throw new WorkbenchError('internal', `sampleWeight has ${sw.length} entries for ${table.nRows} rows`);
    for (let i = 0; i < sw.length; i++) {
      if (!(sw[i] >= 0) || !Number.isFinite(sw[i])) throw new WorkbenchError('internal', `sampleWeight[${i}] is ${sw[i]}: weights must be finite and ≥ 0`);
    }
  }
  if (options.fairnessPenalty) checkFairnessPenalty(options.fairnessPenalty, table.nRows);
  return s;
}

/** The optimizer, C and early stopping fit together and with the model kind. */
function checkSolver(s: TrainSettings, options: TrainOptions): void {
  if (s.optimizer !== 'adam' && s.optimizer !== 'newton') throw new WorkbenchError('internal', `optimizer must be 'adam' or 'newton', not '${String(s.optimizer)}'`);
  if (s.optimizer === 'newton') {
    if (options.kind !== 'logistic') throw new WorkbenchError('internal', `optimizer 'newton' fits logistic models only, not '${options.kind}'`);
    if (options.fairnessPenalty) throw new WorkbenchError('internal', `optimizer 'newton' takes no fairness penalty; train with 'adam'`);
    if (s.earlyStopping) throw new WorkbenchError('internal', `optimizer 'newton' fits to convergence: early stopping does not apply`);
  }
  if (!(s.C > 0)) throw new WorkbenchError('internal', `C must be > 0, not ${s.C}`);
  const es = s.earlyStopping;
  if (es && (!Number.isInteger(es.patience) || es.patience < 1)) throw new WorkbenchError('internal', `earlyStopping.patience must be a whole number ≥ 1, not ${es.patience}`);
  if (es && !(es.holdOut > 0 && es.holdOut < 1)) throw new WorkbenchError('internal', `earlyStopping.holdOut must be in (0, 1), not ${es.holdOut}`);
}

/**
 * Stage 2: the labelled training and validation rows — the explicit `trainRows` (validation:
 * `validationRows`, else every other labelled row), or a seeded stratified split.
 */
function chooseRows(table: ColumnTable, labels: Int8Array, options: TrainOptions, settings: TrainSettings): { train: Uint32Array; validation: Uint32Array } {
  const rows = givenOrSplitRows(table, labels, options, settings);
  const es = settings.earlyStopping;
  return es && rows.validation.length === 0 ? holdOutForEarlyStopping(rows.train, labels, es.holdOut, settings.seed) : rows;
}

/**
 * The early-stopping rows when none validate: `fraction` of the distinct training rows,
 * stratified by label (seeded), leave training — every copy of a row, so a resampled
 * duplicate never trains on what it is judged on.
 */
function holdOutForEarlyStopping(train: Uint32Array, labels: Int8Array, fraction: number, seed: number): { train: Uint32Array; validation: Uint32Array } {
  const distinct = Uint32Array.from(new Set(train)).sort();
  const { validation } = stratifiedSplit(labels, fraction, (seed ^ 0x5bd1e995) >>> 0, distinct);
  const held = new Set(validation);
  return { train: train.filter((r) => !held.has(r)), validation };
}

function givenOrSplitRows(table: ColumnTable, labels: Int8Array, options: TrainOptions, settings: TrainSettings): { train: Uint32Array; validation: Uint32Array } {
  if (!options.trainRows) return stratifiedSplit(labels, settings.validationFraction, settings.seed);
  const inTrain = new Uint8Array(table.nRows);
  const t: number[] = [];
  for (const r of options.trainRows) {
    if (r >= table.nRows) throw new WorkbenchError('internal', `trainRows holds row ${r}, but the table has ${table.nRows} rows`);
    inTrain[r] = 1;
    if (labels[r] >= 0) t.push(r);
  }
  const train = Uint32Array.from(t);
  if (options.validationRows) return { train, validation: options.validationRows.filter((r) => r < table.nRows && labels[r] >= 0) };
  const v: number[] = [];
  for (let r = 0; r < table.nRows; r++) if (!inTrain[r] && labels[r] >= 0) v.push(r);
  return { train, validation: Uint32Array.from(v) };
}

/** Stage 3: the training rows must hold both classes; returns their number of positives. */
function requireBothClasses(table: ColumnTable, spec: TrainSpec, labels: Int8Array, train: Uint32Array): number {
  let nPos = 0;
  for (const r of train) nPos += labels[r];
  if (nPos === 0 || nPos === train.length) {
    const col = table.columns.find((c) => c.name === spec.target.column)!;
    const has = train.length === 0 ? 'no labelled rows' : nPos === 0 ? `no rows where it is '${spec.target.positive}'` : `only rows where it is '${spec.target.positive}'`;
    const levels = col.type === 'numeric' ? '' : ` (its values: ${col.levels.slice(0, 10).map((l) => `'${l}'`).join(', ')})`;
    throw new WorkbenchError('target-one-class', `the target '${spec.target.column}' has ${has} among the training rows${levels}: a model needs both classes`,
      'Check that the positive value is spelled as in the data, and that the target column is the outcome.');
  }
  return nPos;
}

/** The encoded training and validation rows: inputs (row-major), labels, training weights. */
interface TrainingData {
  width: number;
  /** table row of each training row (for the penalty's group codes) */
  train: Uint32Array;
  Xtr: Float32Array;
  ytr: Float32Array;
  wtr: Float32Array;
  Xva: Float32Array;
  yva: Float32Array;
}

/** Stage 4: encodes the rows with the manifest. */
function encodeRows(table: ColumnTable, manifest: Manifest, rows: { labels: Int8Array; train: Uint32Array; validation: Uint32Array; sampleWeight?: Float32Array }): TrainingData {
  const { labels, train, validation, sampleWeight: sw } = rows;
  const Xtr = encodeTable(table, manifest, train);
  const ytr = new Float32Array(train.length);
  const wtr = new Float32Array(train.length);
  for (let i = 0; i < train.length; i++) {
    ytr[i] = labels[train[i]];
    wtr[i] = sw ? sw[train[i]] : 1;
  }
  const Xva = encodeTable(table, manifest, validation);
  const yva = new Float32Array(validation.length);
  for (let i = 0; i < validation.length; i++) yva[i] = labels[validation[i]];
  return { width: manifestWidth(manifest), train, Xtr, ytr, wtr, Xva, yva };
}

/** Reused per-batch buffers: inputs, labels, weights and, with a penalty, groups, C and c0. */
interface BatchBuffers {
  xb: Float32Array;
  yb: Float32Array;
  wb: Float32Array;
  gb: Int32Array;
  C: Float32Array;
  c0: Float32Array;
  K: number;
}

function batchBuffers(batchSize: number, width: number, fair: FairnessPenalty | undefined): BatchBuffers {
  const K = fair ? penaltyColumns(fair) : 0;
  return {
    xb: new Float32Array(batchSize * width),
    yb: new Float32Array(batchSize),
    wb: new Float32Array(batchSize),
    gb: new Int32Array(fair ? batchSize : 0),
    C: new Float32Array(batchSize * K),
    c0: new Float32Array(K),
    K,
  };
}

/** What the epoch loop needs besides the data: the model, its optimiser and the penalty. */
interface Fit {
  model: LayersModel;
  optimizer: tf.Optimizer;
  vars: tf.Variable[];
  fair: FairnessPenalty | undefined;
  soft: SoftDecision;
  buf: BatchBuffers;
}

/**
 * One optimiser step on the batch of `order[start, start + nb)`; returns the batch's mean
 * loss (weighted BCE, plus λ · penalty with a penalty).
 */
async function trainBatch(fit: Fit, data: TrainingData, batch: { order: Uint32Array; start: number; nb: number }): Promise<number> {
  const { model, optimizer, vars, fair, soft, buf } = fit;
  const { width } = data;
  const { order, start, nb } = batch;
  for (let i = 0; i < nb; i++) {
    const r = order[start + i];
    buf.xb.set(data.Xtr.subarray(r * width, (r + 1) * width), i * width);
    buf.yb[i] = data.ytr[r];
    buf.wb[i] = data.wtr[r];
    if (fair) buf.gb[i] = fair.groupCodes[data.train[r]];
  }
  let xs: Tensor | undefined;
  let ys: Tensor | undefined;
  let ws: Tensor | undefined;
  let cs: Tensor | undefined;
  let c0s: Tensor | undefined;
  let cost: Tensor | null = null;
  try {
    xs = tf.tensor2d(buf.xb.subarray(0, nb * width), [nb, width]);
    ys = tf.tensor2d(buf.yb.subarray(0, nb), [nb, 1]);
    ws = tf.tensor1d(buf.wb.subarray(0, nb));
    if (fair) {
      fillPenaltyMatrix({ constraint: fair.constraint, nGroups: fair.nGroups, groups: buf.gb, labels: buf.yb, nRows: nb }, buf);
      cs = tf.tensor2d(buf.C.subarray(0, nb * buf.K), [nb, buf.K]);
      c0s = tf.tensor2d(buf.c0, [1, buf.K]);
    }
    const [x, y, w, C, c0] = [xs, ys, ws, cs, c0s];
    cost = optimizer.minimize(() => {
      const p = model.apply(x, { training: true }) as Tensor;
      const bce = tf.metrics.binaryCrossentropy(y, p); // [nb]
      const base = tf.mean(tf.mul(bce, w)) as tf.Scalar;
      if (!fair || !C || !c0 || fair.lambda === 0) return base;
      return tf.add(base, penaltyTerm(p, { C, c0 }, fair.lambda, soft)) as tf.Scalar;
    }, true, vars);
    return (await cost!.data())[0];
  } finally {
    xs?.dispose();
    ys?.dispose();
    ws?.dispose();
    cs?.dispose();
    c0s?.dispose();
    cost?.dispose();
  }
}

/** What the epochs produced: per-epoch stats, whether `shouldStop` ended them, and the validation of the weights returned. */
interface EpochsRun {
  history: EpochStats[];
  stoppedEarly: boolean;
  final: Validation;
  /** with early stopping: the epoch whose weights are returned */
  bestEpoch?: number;
  /** with optimizer 'newton': the fit */
  exact?: LogisticFit;
}

/**
 * Stage 5: the epochs. Each epoch shuffles the row order with `rng`, steps through it in
 * batches (polling `shouldStop` before each), then validates and reports the epoch; with early
 * stopping it then keeps the best weights so far, or ends when `patience` epochs passed
 * without a lower validation loss (the best weights are restored at the end).
 */
async function runEpochs(fit: Fit, data: TrainingData, settings: TrainSettings, options: TrainOptions): Promise<EpochsRun> {
  const { epochs, batchSize } = settings;
  const rng = createRng((settings.seed ^ 0x9e3779b9) >>> 0);
  const order = new Uint32Array(data.train.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const history: EpochStats[] = [];
  const best = settings.earlyStopping ? new BestWeights(settings.earlyStopping.patience) : null;
  let stoppedEarly = false;
  let dirty = false; // weights changed since the last validation
  outer: for (let epoch = 1; epoch <= epochs; epoch++) {
    shuffleInPlace(order, rng);
    let lossSum = 0;
    let lossRows = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      if (options.shouldStop?.()) {
        if (history.length === 0) throw new WorkbenchError('aborted', 'training was stopped before the first epoch finished', 'Start training again when ready.');
        stoppedEarly = true;
        break outer;
      }
      const nb = Math.min(batchSize, order.length - start);
      const c = await trainBatch(fit, data, { order, start, nb });
      dirty = true;
      lossSum += c * nb;
      lossRows += nb;
    }
    const val = await evaluate(fit.model, data.Xva, data.yva, data.width);
    dirty = false;
    const stats: EpochStats = { epoch, epochs, loss: lossRows > 0 ? lossSum / lossRows : NaN, ...val };
    history.push(stats);
    await options.onEpoch?.(stats);
    if (best && best.afterEpoch(stats, fit.vars) === 'stop') break;
  }
  if (best && best.epoch > 0) {
    if (dirty || best.epoch < history.length) best.restore(fit.vars);
    return { history, stoppedEarly, final: history[best.epoch - 1], bestEpoch: best.epoch };
  }
  const final = dirty ? await evaluate(fit.model, data.Xva, data.yva, data.width) : history[history.length - 1];
  return { history, stoppedEarly, final };
}

/**
 * Early stopping's memory: the epoch with the lowest validation loss so far and a copy of its
 * weights. An epoch improves only by a strictly lower loss, so ties keep the earlier epoch.
 */
class BestWeights {
  epoch = 0;
  private loss = Infinity;
  private weights: Float32Array[] = [];
  constructor(private readonly patience: number) {}

  /** Records the epoch; 'stop' once `patience` epochs passed since the best. */
  afterEpoch(stats: EpochStats, vars: tf.Variable[]): 'go' | 'stop' {
    if (stats.valLoss < this.loss) {
      this.loss = stats.valLoss;
      this.epoch = stats.epoch;
      this.weights = vars.map((v) => (v.dataSync() as Float32Array).slice());
      return 'go';
    }
    return this.epoch > 0 && stats.epoch - this.epoch >= this.patience ? 'stop' : 'go';
  }

  /** Sets the variables back to the best epoch's weights. */
  restore(vars: tf.Variable[]): void {
    vars.forEach((v, i) => {
      const t = tf.tensor(this.weights[i], v.shape, 'float32');
      try {
        v.assign(t);
      } finally {
        t.dispose();
      }
    });
  }
}

/**
 * Stage 5 with optimizer 'newton': the exact fit (./fit/logistic) of the encoded training
 * rows with their weights, its coefficients set into the model's output layer, validated and
 * reported as one epoch whose loss is mean_i(w_i · bce_i) over the training rows, as Adam's.
 */
async function runNewton(model: LayersModel, data: TrainingData, settings: TrainSettings, options: TrainOptions): Promise<EpochsRun> {
  if (options.shouldStop?.()) throw new WorkbenchError('aborted', 'training was stopped before the fit finished', 'Start training again when ready.');
  const exact = fitLogistic(data.Xtr, data.ytr, data.width, { C: settings.C, sampleWeight: data.wtr });
  const kernel = tf.tensor2d(Float32Array.from(exact.coef), [data.width, 1]);
  const bias = tf.tensor1d([exact.intercept]);
  try {
    model.getLayer('output').setWeights([kernel, bias]);
  } finally {
    kernel.dispose();
    bias.dispose();
  }
  const val = await evaluate(model, data.Xva, data.yva, data.width);
  const stats: EpochStats = { epoch: 1, epochs: 1, loss: meanWeightedLoss(data, exact), ...val };
  await options.onEpoch?.(stats);
  return { history: [stats], stoppedEarly: false, final: val, exact };
}

/** mean_i(w_i · bce_i) over the training rows under the exact fit (float64). */
function meanWeightedLoss(data: TrainingData, exact: LogisticFit): number {
  const n = data.ytr.length;
  const { coef, intercept } = exact;
  let sum = 0;
  for (let i = 0, o = 0; i < n; i++, o += data.width) {
    let z = intercept;
    for (let j = 0; j < data.width; j++) z += data.Xtr[o + j] * coef[j];
    // bce = log(1 + e^z) − y z, written to avoid overflow
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    sum += data.wtr[i] * (softplus - data.ytr[i] * z);
  }
  return n > 0 ? sum / n : NaN;
}

/** Stage 6: the provenance written into manifest.training. */
function provenance(
  options: TrainOptions,
  settings: TrainSettings,
  run: EpochsRun,
  rows: { train: Uint32Array; validation: Uint32Array; nPos: number; nValPos: number },
): TrainingProvenance {
  const { seed, hidden, validationFraction } = settings;
  const { history, final } = run;
  const fair = options.fairnessPenalty;
  const sw = options.sampleWeight;
  const last = history[history.length - 1];
  return {
    algorithm: options.kind === 'mlp' ? `mlp ${[...hidden, 1].join('-')} (relu, sigmoid output)` : 'logistic regression',
    kind: options.kind,
    library: `@tensorflow/tfjs-core ${tf.version_core}`,
    backend: tf.getBackend(),
    seed,
    ...(run.exact ? exactFitProvenance(run.exact, sw !== undefined) : adamProvenance(options, settings, run)),
    ...(options.kind === 'mlp' ? { hidden } : {}),
    sampleWeighted: sw !== undefined,
    ...(fair
      ? {
        fairnessPenalty: {
          constraint: fair.constraint,
          lambda: fair.lambda,
          threshold: fair.threshold ?? defaultFairnessPenalty.threshold,
          temperature: fair.temperature ?? defaultFairnessPenalty.temperature,
          groups: fair.nGroups,
        },
      }
      : {}),
    split: {
      method: options.trainRows ? 'explicit' : 'stratified',
      ...(options.trainRows ? {} : { validationFraction }),
      trainRows: rows.train.length,
      validationRows: rows.validation.length,
      trainPositives: rows.nPos,
      validationPositives: rows.nValPos,
    },
    metrics: {
      trainLoss: last.loss,
      valLoss: finite(final.valLoss),
      valAccuracy: finite(final.valAccuracy),
      valAuc: final.valAuc ?? null,
    },
    ...(options.date === null ? {} : { date: options.date ?? new Date().toISOString() }),
  };
}

/** Provenance of the Adam loop: its settings, epochs run, early stopping. */
function adamProvenance(options: TrainOptions, settings: TrainSettings, run: EpochsRun): TrainingProvenance {
  const { learningRate, batchSize, epochs, earlyStopping } = settings;
  const fair = options.fairnessPenalty;
  return {
    optimizer: 'adam',
    loss: (options.sampleWeight ? 'weighted binary cross-entropy' : 'binary cross-entropy') + (fair ? ` + λ·Σ_g (soft ${fair.constraint} rate_g − overall)²` : ''),
    learningRate,
    batchSize,
    epochs,
    epochsRun: run.history.length,
    ...(earlyStopping ? { earlyStopping: { patience: earlyStopping.patience, bestEpoch: run.bestEpoch ?? null } } : {}),
    ...(run.stoppedEarly ? { stoppedEarly: true } : {}),
  };
}

/** Provenance of the exact fit: the objective, C, and how far the solver went. */
function exactFitProvenance(exact: LogisticFit, weighted: boolean): TrainingProvenance {
  return {
    optimizer: exact.solver,
    loss: `${weighted ? 'weighted ' : ''}binary cross-entropy summed + ‖w‖²/(2C) (scikit-learn's LogisticRegression objective)`,
    C: exact.C,
    solver: { precision: 'float64', iterations: exact.iterations, converged: exact.converged, gradientMax: exact.gradMax },
  };
}

/**
 * Trains a model on `table` and returns it with its manifest (numeric mean/std from the
 * training rows, categorical categories = the table's levels in table order, output
 * 'probability', threshold 0.5, provenance in manifest.training).
 *
 * Stages: settings checked → training/validation rows → both classes present → manifest and
 * encoded rows → epochs (or the exact fit) → provenance.
 *
 * Throws 'target-missing', 'roles-invalid' (bad feature list), 'target-one-class' (the
 * training rows hold one class), 'aborted' (stopped before the first epoch ended).
 * Rows with a missing target never train or validate. The caller owns the returned model.
 */
export async function trainModel(table: ColumnTable, spec: TrainSpec, options: TrainOptions): Promise<TrainResult> {
  const settings = resolveSettings(table, spec, options);
  const labels = encodeTarget(table, spec.target);
  const { train, validation } = chooseRows(table, labels, options, settings);
  const nPos = requireBothClasses(table, spec, labels, train);
  const manifest = buildManifest(table, spec, train);
  const data = encodeRows(table, manifest, { labels, train, validation, ...(options.sampleWeight ? { sampleWeight: options.sampleWeight } : {}) });

  const model = buildModel(options.kind, data.width, settings.hidden, settings.seed);
  let ok = false;
  try {
    const run = settings.optimizer === 'newton' ? await runNewton(model, data, settings, options) : await runAdam(model, data, settings, options);
    const nValPos = data.yva.reduce((a, b) => a + b, 0);
    manifest.training = provenance(options, settings, run, { train, validation, nPos, nValPos });
    ok = true;
    return {
      model,
      manifest,
      split: { train, validation, seed: settings.seed },
      history: run.history,
      stoppedEarly: run.stoppedEarly,
      ...(run.bestEpoch !== undefined ? { bestEpoch: run.bestEpoch } : {}),
    };
  } finally {
    if (!ok) model.dispose();
  }
}

/** Stage 5 with optimizer 'adam': the epoch loop with its optimiser (disposed after). */
async function runAdam(model: LayersModel, data: TrainingData, settings: TrainSettings, options: TrainOptions): Promise<EpochsRun> {
  const fair = options.fairnessPenalty;
  const optimizer = tf.train.adam(settings.learningRate);
  try {
    const fit: Fit = {
      model,
      optimizer,
      vars: model.trainableWeights.map((w) => w.read() as tf.Variable),
      fair,
      soft: softDecision(fair ?? {}),
      buf: batchBuffers(settings.batchSize, data.width, fair),
    };
    return await runEpochs(fit, data, settings, options);
  } finally {
    optimizer.dispose();
  }
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
