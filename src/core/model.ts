/**
 * The tfjs model adapter: load a Layers model from the files a user chose, wrap it as a
 * `Scorer` under a manifest, and save it back as files. Everything above this file sees only
 * the Scorer interface.
 *
 * Works in Node and in the browser: files arrive as bytes (no fetch, no file:// handler).
 * Core never picks a tfjs backend; the worker or CLI does that before calling in.
 */
import { WorkbenchError } from './errors';
import { describeWidth, manifestWidth } from './manifest';
import type { Manifest } from './manifest';
import type { Scorer } from './scorer';
import { tf } from './tf';
import type { LayersModel, Tensor } from './tf';

export interface ModelFile {
  /** file name; a path ("out/model.json") is fine, only the last segment is matched */
  name: string;
  data: ArrayBuffer | Uint8Array;
}

type WeightSpec = tf.io.WeightsManifestEntry;

const HINT_CONVERT =
  'Choose a TensorFlow.js model (Layers or graph) or an ONNX model. Convert a Keras model with `tensorflowjs_converter --input_format keras model.h5 out/` ' +
  '(a TF SavedModel with `--input_format tf_saved_model`), then choose out/model.json together with its .bin files.';
const HINT_CHOOSE = 'Choose model.json together with all of its .bin weight files (select them all at once).';

export function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1];
}

export function bytesOf(d: ArrayBuffer | Uint8Array): Uint8Array {
  return d instanceof Uint8Array ? d : new Uint8Array(d);
}

/** UTF-8 via tfjs's platform helpers (core's ES2022 lib has no TextDecoder type). */
export function decodeUtf8(b: Uint8Array): string {
  const s = tf.util.decodeString(b, 'utf-8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a weight spec occupies in the weight data (quantisation aware); NaN when unknown. */
function specBytes(s: WeightSpec): number {
  const size = s.shape.reduce((a, b) => a * b, 1);
  const dtype = s.quantization ? s.quantization.dtype : s.dtype;
  const per = DTYPE_BYTES[dtype];
  return per === undefined ? NaN : size * per;
}

/** Parses a model.json file into an object; throws 'model-invalid' when it is not JSON or not an object. */
export function parseModelJsonObject(file: ModelFile): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(decodeUtf8(bytesOf(file.data)));
  } catch (e) {
    throw new WorkbenchError('model-invalid', `'${baseName(file.name)}' is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
      'Choose the model.json written by tensorflowjs_converter or model.save(), not a renamed file.');
  }
  if (!isObject(json)) throw new WorkbenchError('model-invalid', `'${baseName(file.name)}' is JSON but not a model description`, HINT_CONVERT);
  return json;
}

/** A TensorFlow.js graph model's model.json: format 'graph-model', or a topology that is a list of graph nodes. */
export function isGraphModelJson(json: Record<string, unknown>): boolean {
  const topo = json.modelTopology;
  return json.format === 'graph-model' || (isObject(topo) && Array.isArray(topo.node));
}

/** Parses model.json and checks that it describes a Layers model; returns the parsed JSON. */
function parseModelJson(file: ModelFile): Record<string, unknown> {
  const json = parseModelJsonObject(file);
  const topo = json.modelTopology;
  if (isGraphModelJson(json)) {
    throw new WorkbenchError('model-invalid', `'${baseName(file.name)}' is a TensorFlow.js graph model, not a Layers model`,
      'Graph models are opened by loadGraphModelFromFiles (openModel chooses the loader from the files).');
  }
  if (json.format === 'bias-workbench.manifest/1') {
    throw new WorkbenchError('model-invalid', `'${baseName(file.name)}' is a Bias Workbench manifest, not a model`, 'Choose the manifest in the manifest field and model.json with its .bin files as the model.');
  }
  if (!isObject(topo)) {
    throw new WorkbenchError('model-invalid', `'${baseName(file.name)}' has no modelTopology: it is not a TensorFlow.js Layers model`, HINT_CONVERT);
  }
  const isLayers = json.format === 'layers-model' || typeof topo.class_name === 'string' || isObject(topo.model_config);
  if (!isLayers) {
    throw new WorkbenchError('model-invalid', `'${baseName(file.name)}' does not look like a Layers model (no class_name or model_config in modelTopology)`, HINT_CONVERT);
  }
  return json;
}

/** Picks model.json among the chosen files: the one named model.json, else the only .json with a modelTopology. */
export function findModelJson(files: ModelFile[]): ModelFile {
  const named = files.filter((f) => baseName(f.name).toLowerCase() === 'model.json');
  if (named.length === 1) return named[0];
  const jsons = files.filter((f) => baseName(f.name).toLowerCase().endsWith('.json'));
  const candidates = jsons.filter((f) => {
    try {
      const j = JSON.parse(decodeUtf8(bytesOf(f.data)));
      return isObject(j) && 'modelTopology' in j;
    } catch {
      return false;
    }
  });
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1 || named.length > 1) {
    throw new WorkbenchError('model-invalid', `more than one model description among the chosen files (${(candidates.length > 1 ? candidates : named).map((f) => `'${f.name}'`).join(', ')})`,
      'Choose one model.json with its .bin files.');
  }
  if (jsons.length === 1) return jsons[0]; // let parseModelJson say what is wrong with it
  throw new WorkbenchError('model-invalid', `no model.json among the chosen files (${files.map((f) => `'${baseName(f.name)}'`).join(', ') || 'none'})`, HINT_CHOOSE);
}

/**
 * Loads a TensorFlow.js Layers model from files chosen on disk: model.json plus the weight
 * shards it lists (as written by tensorflowjs_converter or model.save()). Other files (e.g. a
 * manifest) may be among them and are ignored. Shards are matched by file name and joined in
 * weightsManifest order.
 *
 * Throws WorkbenchError 'model-invalid' (not JSON, graph model, weight size mismatch, tfjs
 * refuses the topology) or 'model-missing-weights' (a listed shard was not chosen).
 */
export async function loadLayersModelFromFiles(files: ModelFile[]): Promise<LayersModel> {
  const modelFile = findModelJson(files);
  const json = parseModelJson(modelFile);
  const { weightSpecs, weightData } = joinWeightShards(files, modelFile, json);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology as object,
      weightSpecs,
      weightData,
      ...(isObject(json.trainingConfig) ? { trainingConfig: json.trainingConfig as unknown as tf.io.TrainingConfig } : {}),
    }));
  } catch (e) {
    throw new WorkbenchError('model-invalid', `TensorFlow.js could not build the model: ${e instanceof Error ? e.message : String(e)}`,
      'Layers or options the TensorFlow.js version here does not know (custom layers, Keras 3 specifics) cannot be loaded; export a model built from standard Dense/Dropout/BatchNormalization layers.');
  }
}

/**
 * The weights a model.json lists, read from the chosen files: the shards of every
 * weightsManifest group, matched by file name and joined in manifest order, with the weight
 * specs in the same order. Throws 'model-missing-weights' when a listed shard was not chosen,
 * 'model-invalid' when a group is malformed or the bytes do not add up to the specs.
 */
export function joinWeightShards(files: ModelFile[], modelFile: ModelFile, json: Record<string, unknown>): { weightSpecs: WeightSpec[]; weightData: ArrayBuffer } {
  if (!Array.isArray(json.weightsManifest)) {
    throw new WorkbenchError('model-invalid', `'${baseName(modelFile.name)}' has no weightsManifest`, 'Save the model again with model.save() or tensorflowjs_converter; model.json must list its weight files.');
  }
  const byName = new Map<string, Uint8Array>();
  for (const f of files) if (f !== modelFile) byName.set(baseName(f.name), bytesOf(f.data));

  const groups = json.weightsManifest as { paths?: unknown; weights?: unknown }[];
  const weightSpecs: WeightSpec[] = [];
  const shards: Uint8Array[] = [];
  const missing: string[] = [];
  groups.forEach((g, gi) => {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw new WorkbenchError('model-invalid', `weightsManifest[${gi}] in '${baseName(modelFile.name)}' needs "paths" and "weights" arrays`, HINT_CONVERT);
    }
    for (const p of g.paths as unknown[]) {
      const name = baseName(String(p));
      const data = byName.get(name);
      if (data) shards.push(data);
      else missing.push(name);
    }
    weightSpecs.push(...(g.weights as WeightSpec[]));
  });
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m}'`).join(', ');
    throw new WorkbenchError('model-missing-weights',
      missing.length === 1
        ? `model.json needs weight file ${list}, which was not among the chosen files`
        : `model.json needs weight files ${list}, which were not among the chosen files`,
      HINT_CHOOSE);
  }

  let total = 0;
  for (const s of shards) total += s.byteLength;
  const weightData = new ArrayBuffer(total);
  const view = new Uint8Array(weightData);
  let at = 0;
  for (const s of shards) {
    view.set(s, at);
    at += s.byteLength;
  }

  const expected = weightSpecs.reduce((a, s) => a + specBytes(s), 0);
  if (Number.isFinite(expected) && expected !== total) {
    throw new WorkbenchError('model-invalid',
      `the weight files hold ${total} bytes but model.json describes ${expected} bytes of weights`,
      'The .bin files do not belong to this model.json (or are truncated). Choose the files from the same export.');
  }
  return { weightSpecs, weightData };
}

export interface ModelScorerOptions {
  /** rows per predict call; default 16384, raised to 1000 if smaller (tfjs is slow on small batches) */
  batchSize?: number;
  /** dispose the model when the scorer is disposed; default false (whoever loaded the model disposes it) */
  disposeModel?: boolean;
}

export const defaultModelScorerOptions = { batchSize: 16384, disposeModel: false } as const;
const MIN_BATCH = 1000;

/** How a model's output becomes P(positive). */
export type OutputMode = 'prob1' | 'logit1' | 'prob2' | 'logit2';

/** The output mode of a model with `columns` output columns under the manifest's `output`. */
export function outputModeOf(manifest: Manifest, columns: 1 | 2): OutputMode {
  return `${manifest.output === 'logit' ? 'logit' : 'prob'}${columns}` as OutputMode;
}

/** Writes P(positive) of the `n` rows whose raw outputs are `v` (row-major) into `out` from `start`. */
export function writePositive(mode: OutputMode, v: ArrayLike<number>, n: number, out: Float32Array, start: number): void {
  switch (mode) {
    case 'prob1':
      for (let i = 0; i < n; i++) out[start + i] = v[i];
      break;
    case 'logit1':
      for (let i = 0; i < n; i++) out[start + i] = sigmoid(v[i]);
      break;
    case 'prob2':
      for (let i = 0; i < n; i++) out[start + i] = v[2 * i + 1];
      break;
    case 'logit2':
      for (let i = 0; i < n; i++) out[start + i] = sigmoid(v[2 * i + 1] - v[2 * i]);
      break;
  }
}

/**
 * Checks model and manifest against each other. Throws 'model-shape-mismatch' when the model
 * has more than one input or output, its input width differs from manifestWidth(manifest), or
 * its output is not [null, 1] or [null, 2].
 */
export function checkModelAgainstManifest(model: LayersModel, manifest: Manifest): { outputColumns: 1 | 2 } {
  const width = manifestWidth(manifest);
  if (model.inputs.length !== 1) {
    throw new WorkbenchError('model-shape-mismatch', `the model has ${model.inputs.length} inputs tensors; only models with one input row are supported`,
      'Export a model that takes one flat input vector (concatenate the inputs in the model).');
  }
  const inShape = model.inputs[0].shape;
  if (inShape.length !== 2) {
    throw new WorkbenchError('model-shape-mismatch', `the model input has shape [${inShape.join(', ')}]; expected [null, ${width}] (one row of ${width} numbers)`,
      'Only models that take a flat row of numbers are supported.');
  }
  if (inShape[1] !== width) {
    throw new WorkbenchError('model-shape-mismatch',
      `the model takes ${inShape[1]} inputs but the manifest encodes ${width} (${describeWidth(manifest)})`,
      'The manifest must list the features in the order and with the categories the model was trained on. Export the manifest from the same training run as the model.');
  }
  if (model.outputs.length !== 1) {
    throw new WorkbenchError('model-shape-mismatch', `the model has ${model.outputs.length} outputs; expected one output (the score)`, 'Export a model with a single output.');
  }
  const outShape = model.outputs[0].shape;
  if (outShape.length !== 2 || (outShape[1] !== 1 && outShape[1] !== 2)) {
    throw new WorkbenchError('model-shape-mismatch',
      `the model output has shape [${outShape.map((x) => (x === null ? 'null' : x)).join(', ')}]; expected [null, 1] (P(positive) or its logit) or [null, 2] (two-class softmax)`,
      'Only binary classifiers are supported: end the model with Dense(1, sigmoid) or Dense(2, softmax).');
  }
  return { outputColumns: outShape[1] as 1 | 2 };
}

/**
 * Wraps a Layers model as a Scorer under a manifest.
 *
 * Output: a [null, 1] output is P(positive) (manifest.output 'probability') or its logit
 * ('logit', we apply a sigmoid). A [null, 2] output is read as two classes with column 1 the
 * positive class: 'probability' takes column 1 as is (softmax), 'logit' takes
 * sigmoid(z1 − z0), which equals the softmax of the two logits.
 *
 * predict runs in chunks of `batchSize` rows, each a single `model.predict(x, {batchSize})`,
 * and disposes every tensor in `finally`. The scorer does not own the model: `dispose()` only
 * disables it, unless `disposeModel: true`, when it also disposes the model.
 */
export function createModelScorer(model: LayersModel, manifest: Manifest, options: ModelScorerOptions = {}): Scorer {
  const { outputColumns } = checkModelAgainstManifest(model, manifest);
  const nFeatures = manifestWidth(manifest);
  const batchSize = Math.max(MIN_BATCH, Math.floor(options.batchSize ?? defaultModelScorerOptions.batchSize));
  const disposeModel = options.disposeModel ?? defaultModelScorerOptions.disposeModel;
  const mode = outputModeOf(manifest, outputColumns);
  return batchedTfScorer({
    nFeatures,
    batchSize,
    run: (x, n) => model.predict(x, { batchSize: n }) as Tensor,
    modeOf: () => mode,
    release: () => {
      if (disposeModel) model.dispose();
    },
  });
}

/**
 * A Scorer over a tfjs model, shared by Layers and graph models: X is cut into batches of
 * `batchSize` rows, each a [n, nFeatures] float32 tensor that `run` maps to the model's output;
 * the output is read by its mode (`modeOf`, asked once, on the first output) and written as
 * P(positive); every tensor is disposed in `finally`; the scores are checked by
 * assertValidOutput. `dispose()` disables the scorer and calls `release` once.
 */
export function batchedTfScorer(o: {
  nFeatures: number;
  batchSize: number;
  run: (x: Tensor, n: number) => Tensor | Promise<Tensor>;
  modeOf: (y: Tensor, n: number) => OutputMode;
  release: () => void;
}): Scorer {
  const { nFeatures, batchSize } = o;
  let mode: OutputMode | undefined;
  let disposed = false;

  const predict = async (X: Float32Array, nRows: number): Promise<Float32Array> => {
    if (disposed) throw new WorkbenchError('internal', 'predict was called on a disposed scorer');
    if (!Number.isInteger(nRows) || nRows < 0) throw new WorkbenchError('internal', `nRows must be a whole number ≥ 0, not ${nRows}`);
    if (X.length < nRows * nFeatures) {
      throw new WorkbenchError('internal', `X holds ${X.length} values, fewer than ${nRows} rows × ${nFeatures} features`);
    }
    const out = new Float32Array(nRows);
    for (let start = 0; start < nRows; start += batchSize) {
      const n = Math.min(batchSize, nRows - start);
      let x: Tensor | undefined;
      let y: Tensor | undefined;
      try {
        x = tf.tensor2d(X.subarray(start * nFeatures, (start + n) * nFeatures), [n, nFeatures], 'float32');
        y = await o.run(x, n);
        mode ??= o.modeOf(y, n);
        writePositive(mode, (await y.data()) as Float32Array, n, out, start);
      } finally {
        x?.dispose();
        y?.dispose();
      }
    }
    assertValidOutput(out, mode === 'prob1' || mode === 'prob2');
    return out;
  };

  return {
    nFeatures,
    predict,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      o.release();
    },
  };
}

/**
 * Refuses scores that are not a probability: a value that is not a finite number (a NaN
 * weight makes every output NaN), or, when the model is said to output probabilities, a value
 * outside [0, 1] (a model that outputs log-odds under `output: 'probability'`). Throws
 * `model-invalid` with the number of rows and the first one.
 */
export function assertValidOutput(out: Float32Array, probability: boolean): void {
  let notNumber = 0;
  let outside = 0;
  let first = -1;
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (!Number.isFinite(v)) notNumber++;
    else if (probability && !(v >= 0 && v <= 1)) outside++;
    else continue;
    if (first < 0) first = i;
  }
  if (first < 0) return;
  const bad = notNumber + outside;
  const what = outside === 0 ? 'not a number' : notNumber === 0 ? 'outside [0, 1]' : 'not a number or outside [0, 1]';
  throw new WorkbenchError(
    'model-invalid',
    `The model's output is ${what} for ${bad.toLocaleString('en-US')} of ${out.length.toLocaleString('en-US')} rows (first: row ${first + 1}, ${String(out[first])}), so those rows have no score.`,
    notNumber > 0
      ? "Check the model's weights (one NaN or infinite weight makes every output NaN) and retrain or export the model again."
      : 'A model whose last layer outputs log-odds needs "output": "logit" in its manifest; a probability model ends in a sigmoid or softmax.',
  );
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export const MODEL_WEIGHTS_FILE = 'model.weights.bin';

/**
 * Saves a Layers model as two files: `model.json` (topology + weightsManifest with paths
 * ['model.weights.bin']) and `model.weights.bin`. The pair loads back with
 * loadLayersModelFromFiles and with tf.loadLayersModel over HTTP. Output is deterministic for
 * a deterministic model (give layers explicit names: tfjs numbers unnamed ones per process).
 */
export async function saveModelArtifacts(model: LayersModel): Promise<{ name: string; data: Uint8Array }[]> {
  let files: { name: string; data: Uint8Array }[] = [];
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [MODEL_WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    };
    files = [
      { name: 'model.json', data: tf.util.encodeString(JSON.stringify(modelJson), 'utf-8') },
      { name: MODEL_WEIGHTS_FILE, data: new Uint8Array(weightData) },
    ];
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        weightDataBytes: weightData.byteLength,
      },
    };
  }));
  return files;
}
