/**
 * The TensorFlow.js graph model adapter: load a graph model (model.json with format
 * 'graph-model' and its weight shards, as `tensorflowjs_converter --input_format
 * tf_saved_model` writes them) from files in memory, and wrap it as a `Scorer` under a manifest.
 *
 * The contract is the Layers one (./model.ts): one float input [N, manifestWidth] that takes the
 * encoded row, one output [N, 1] (P(positive) or its logit, per manifest.output) or [N, 2]
 * (column 1 the positive class). A graph with several outputs is read at
 * `manifest.model.outputName`. The converter is loaded on first use (see ./tf-entry).
 */
import { WorkbenchError } from './errors';
import { describeWidth, manifestWidth } from './manifest';
import type { Manifest } from './manifest';
import {
  baseName, batchedTfScorer, findModelJson, isGraphModelJson, isObject, joinWeightShards, outputModeOf,
  parseModelJsonObject, type ModelFile,
} from './model';
import type { Scorer } from './scorer';
import { loadConverter, tf } from './tf';
import type { GraphModel, Tensor } from './tf';

const HINT_GRAPH =
  'Convert a TF SavedModel with `tensorflowjs_converter --input_format tf_saved_model saved_model/ out/`, then choose out/model.json together with its .bin files.';

/**
 * Loads a TensorFlow.js graph model from files chosen on disk: model.json (format
 * 'graph-model') plus the weight shards it lists. Other files (a manifest) are ignored.
 *
 * Throws WorkbenchError 'model-invalid' (not a graph model, weight size mismatch, an op or
 * topology tfjs cannot build) or 'model-missing-weights' (a listed shard was not chosen).
 */
export async function loadGraphModelFromFiles(files: ModelFile[]): Promise<GraphModel> {
  const modelFile = findModelJson(files);
  const json = parseModelJsonObject(modelFile);
  if (!isGraphModelJson(json)) {
    throw new WorkbenchError('model-invalid', `'${baseName(modelFile.name)}' is not a TensorFlow.js graph model (no format "graph-model" and no graph nodes in modelTopology)`, HINT_GRAPH);
  }
  const { weightSpecs, weightData } = joinWeightShards(files, modelFile, json);
  const { loadGraphModel } = await loadConverter();
  try {
    return await loadGraphModel(tf.io.fromMemory({
      modelTopology: json.modelTopology as object,
      weightSpecs,
      weightData,
      format: 'graph-model',
      ...(typeof json.generatedBy === 'string' ? { generatedBy: json.generatedBy } : {}),
      ...(typeof json.convertedBy === 'string' ? { convertedBy: json.convertedBy } : {}),
      ...(isObject(json.signature) ? { signature: json.signature } : {}),
      ...(isObject(json.userDefinedMetadata) ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
      ...(isObject(json.modelInitializer) ? { modelInitializer: json.modelInitializer } : {}),
      ...(isObject(json.initializerSignature) ? { initializerSignature: json.initializerSignature } : {}),
    }));
  } catch (e) {
    throw new WorkbenchError('model-invalid', `TensorFlow.js could not build the graph model: ${e instanceof Error ? e.message : String(e)}`,
      'The graph uses ops or a layout the TensorFlow.js version here does not know; convert the model again with tensorflowjs_converter 4.x.');
  }
}

/** A shape as people read it: unknown dimensions as "N". */
function shapeText(shape: readonly number[]): string {
  return `[${shape.map((d) => (d < 0 ? 'N' : String(d))).join(', ')}]`;
}

/** The output to read: the only one, or the one the manifest names. */
function chooseOutput(model: GraphModel, manifest: Manifest): string {
  const names = model.outputNodes;
  const wanted = manifest.model?.outputName;
  if (wanted !== undefined) {
    const found = names.find((n) => n === wanted || n.split(':')[0] === wanted);
    if (found === undefined) {
      throw new WorkbenchError('model-shape-mismatch', `the manifest names output '${wanted}', which the model does not have (its outputs: ${names.map((n) => `'${n}'`).join(', ')})`,
        'Set model.outputName in the manifest to one of the model outputs.');
    }
    return found;
  }
  if (names.length !== 1) {
    throw new WorkbenchError('model-shape-mismatch', `the model has ${names.length} outputs (${names.map((n) => `'${n}'`).join(', ')}); expected one output (the score)`,
      'Name the score output in the manifest as model.outputName, or export a model with a single output.');
  }
  return names[0];
}

/**
 * Checks a graph model against a manifest before any row is scored: one float input whose
 * width (when the graph declares it) is manifestWidth(manifest), and an output to read.
 * Throws 'model-shape-mismatch'. Returns the output node to execute.
 */
export function checkGraphModelAgainstManifest(model: GraphModel, manifest: Manifest): { outputName: string } {
  const width = manifestWidth(manifest);
  const inputs = model.inputs;
  if (inputs.length !== 1) {
    throw new WorkbenchError('model-shape-mismatch', `the model has ${inputs.length} inputs; only models with one input row are supported`,
      'Export a model that takes one flat input vector (concatenate the inputs in the model).');
  }
  const { shape, dtype } = inputs[0];
  if (dtype !== undefined && dtype !== 'float32') {
    throw new WorkbenchError('model-shape-mismatch', `the model input '${inputs[0].name}' is ${dtype}; expected float32 (the encoded row)`,
      'Export the model with a float32 input.');
  }
  if (shape !== undefined && shape.length !== 2) {
    throw new WorkbenchError('model-shape-mismatch', `the model input has shape ${shapeText(shape)}; expected [N, ${width}] (one row of ${width} numbers)`,
      'Only models that take a flat row of numbers are supported.');
  }
  if (shape !== undefined && shape[1] >= 0 && shape[1] !== width) {
    throw new WorkbenchError('model-shape-mismatch',
      `the model takes ${shape[1]} inputs but the manifest encodes ${width} (${describeWidth(manifest)})`,
      'The manifest must list the features in the order and with the categories the model was trained on. Export the manifest from the same training run as the model.');
  }
  return { outputName: chooseOutput(model, manifest) };
}

/**
 * Runs the graph on one batch: synchronously inside `tf.tidy` (nothing is left behind, even
 * when an op fails), or with `executeAsync` for a graph with control-flow or dynamic-shape ops,
 * which tfjs refuses to run synchronously (its message names executeAsync). A failure inside
 * tfjs (an op it does not know, a node the graph cannot compute from its input) becomes
 * 'model-invalid' with tfjs's own words.
 */
async function execute(model: GraphModel, x: Tensor, outputName: string): Promise<Tensor> {
  try {
    try {
      return tf.tidy(() => model.execute(x, outputName) as Tensor);
    } catch (e) {
      if (!(e instanceof Error && /executeAsync/.test(e.message))) throw e;
      return (await model.executeAsync(x, outputName)) as Tensor;
    }
  } catch (e) {
    throw new WorkbenchError('model-invalid', `TensorFlow.js could not run the graph model: ${e instanceof Error ? e.message : String(e)}`,
      'The graph uses ops the TensorFlow.js version here does not run, or needs inputs besides the encoded row; convert the model again with tensorflowjs_converter 4.x from a SavedModel whose serving signature takes one float row.');
  }
}

/** The output's columns, from the tensor a batch gave: [N] and [N, 1] are one column, [N, 2] two. */
function outputColumns(y: Tensor, n: number): 1 | 2 {
  const s = y.shape;
  if (s[0] === n && (s.length === 1 || (s.length === 2 && s[1] === 1))) return 1;
  if (s[0] === n && s.length === 2 && s[1] === 2) return 2;
  throw new WorkbenchError('model-shape-mismatch',
    `the model output has shape [${s.join(', ')}] for ${n} rows; expected [N, 1] (P(positive) or its logit) or [N, 2] (two-class softmax)`,
    'Only binary classifiers are supported: end the model with a sigmoid unit or a two-class softmax.');
}

export interface GraphScorerOptions {
  /** rows per model call; default 16384 */
  batchSize?: number;
  /** dispose the model when the scorer is disposed; default false (whoever loaded the model disposes it) */
  disposeModel?: boolean;
}

/**
 * Wraps a graph model as a Scorer under a manifest. The output is read as in ./model.ts
 * (createModelScorer): one column is P(positive) or its logit, two columns are the classes
 * with column 1 positive. The graph runs in chunks of `batchSize` rows (see execute), every
 * tensor disposed in `finally`.
 */
export function createGraphScorer(model: GraphModel, manifest: Manifest, options: GraphScorerOptions = {}): Scorer {
  const { outputName } = checkGraphModelAgainstManifest(model, manifest);
  const nFeatures = manifestWidth(manifest);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 16384));
  return batchedTfScorer({
    nFeatures,
    batchSize,
    run: (x) => execute(model, x, outputName),
    modeOf: (y, n) => outputModeOf(manifest, outputColumns(y, n)),
    release: () => {
      if (options.disposeModel) model.dispose();
    },
  });
}

/** What a graph model is, for people: its inputs and outputs, with shape and type where the graph declares them. */
export function describeGraphModel(model: GraphModel): string[] {
  const line = (what: string, t: { name: string; shape?: number[]; dtype?: string }) =>
    [what, t.name, t.shape === undefined ? '' : shapeText(t.shape), t.dtype ?? ''].filter((p) => p !== '').join(' ');
  return [...model.inputs.map((t) => line('input', t)), ...model.outputs.map((t) => line('output', t))];
}
