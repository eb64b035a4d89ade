/**
 * Opening a model from the files a person chose, whatever its runtime: the one entry the
 * worker and the CLI use. It decides the format from the files, opens the model and wraps it
 * as a `Scorer` under the manifest:
 *
 * - a `.onnx` file, or bytes that are not JSON → ONNX (onnxruntime-web, loaded through
 *   `runtimes.ort` only now, so nothing carries the runtime until an ONNX model is opened);
 * - model.json of a TensorFlow.js graph model → tfjs-graph;
 * - else model.json + .bin shards → a TensorFlow.js Layers model.
 *
 * A manifest's `model.format`, when given, must agree with the files.
 *
 * The ONNX and graph branches import their modules (./onnx, ./graph-model) only when a model
 * of that format is opened, so a bundle that opens Layers models only (the worker, until a
 * person chooses an .onnx or a graph model.json) does not carry them.
 */
import { WorkbenchError } from './errors';
import type { Manifest, ModelFormat } from './manifest';
import { baseName, bytesOf, createModelScorer, isGraphModelJson, isObject, loadLayersModelFromFiles, parseModelJsonObject, type ModelFile } from './model';
import type { OnnxInspection, OrtModule } from './onnx';
import type { Scorer } from './scorer';
import type { LayersModel } from './tf';

export type { ModelFile } from './model';

/** The runtimes a caller can lend; each is loaded only when a model needs it. */
export interface ModelRuntimes {
  /** e.g. `() => import('onnxruntime-web')` (CLI) or `import('onnxruntime-web/wasm')` (worker) */
  ort?: () => Promise<OrtModule>;
}

/** An opened model: its scorer, the Layers model when it is one (training, saving), and what it is. */
export interface OpenedModel {
  format: ModelFormat;
  scorer: Scorer;
  /** the tfjs Layers model (retraining scenarios, export); null for every other format */
  layers: LayersModel | null;
  /** lines saying what the model is and how the manifest feeds it */
  describe: string[];
  /** releases the scorer and the model */
  dispose(): void;
}

/** Opens the model in `files` under `manifest` (see the module comment). */
export async function openModel(files: ModelFile[], manifest: Manifest, runtimes: ModelRuntimes = {}): Promise<OpenedModel> {
  const format = detectFormat(files);
  const declared = manifest.model?.format;
  if (declared !== undefined && declared !== format) {
    throw new WorkbenchError('model-invalid', `the manifest says the model is ${declared}, but the chosen files are a ${format} model`,
      'Choose the model files the manifest was written for, or correct "model": {"format": ...} in the manifest.');
  }
  switch (format) {
    case 'onnx':
      return openOnnx(files, manifest, runtimes);
    case 'tfjs-graph':
      return openGraph(files, manifest);
    default:
      return openLayers(files, manifest);
  }
}

/** The first byte that is not JSON whitespace, or -1. */
function firstByte(b: Uint8Array): number {
  for (let i = 0; i < Math.min(b.length, 64); i++) if (![0x20, 0x0a, 0x0d, 0x09, 0xef, 0xbb, 0xbf].includes(b[i])) return b[i];
  return -1;
}

/** The format the files hold: .onnx (or one non-JSON file) → onnx; a graph model.json → tfjs-graph; else Layers. */
export function detectFormat(files: ModelFile[]): Exclude<ModelFormat, 'scores'> {
  if (files.some((f) => baseName(f.name).toLowerCase().endsWith('.onnx'))) return 'onnx';
  const jsons = files.filter((f) => baseName(f.name).toLowerCase().endsWith('.json'));
  if (jsons.length === 0 && files.length === 1 && firstByte(bytesOf(files[0].data)) !== 0x7b) return 'onnx';
  for (const f of jsons) {
    if (firstByte(bytesOf(f.data)) !== 0x7b) continue;
    let json: Record<string, unknown> | null = null;
    try {
      json = parseModelJsonObject(f);
    } catch {
      continue; // the Layers loader says what is wrong with it
    }
    if (isObject(json) && isGraphModelJson(json)) return 'tfjs-graph';
  }
  return 'tfjs-layers';
}

async function openOnnx(files: ModelFile[], manifest: Manifest, runtimes: ModelRuntimes): Promise<OpenedModel> {
  const onnxFiles = files.filter((f) => baseName(f.name).toLowerCase().endsWith('.onnx'));
  const file = onnxFiles.length > 0 ? onnxFiles : files;
  if (file.length !== 1) {
    throw new WorkbenchError('model-invalid', `choose one .onnx file, not ${file.length} (${file.map((f) => `'${baseName(f.name)}'`).join(', ')})`, 'An ONNX model is a single .onnx file; choose it with its manifest.');
  }
  if (!runtimes.ort) throw new WorkbenchError('internal', 'no ONNX runtime was given to openModel', 'The caller must pass runtimes.ort.');
  const [ort, { openOnnxModel }] = await Promise.all([runtimes.ort(), import('./onnx')]);
  const model = await openOnnxModel(ort, bytesOf(file[0].data), manifest, { fileName: baseName(file[0].name) });
  return { format: 'onnx', scorer: model.scorer, layers: null, describe: model.describe, dispose: () => model.scorer.dispose() };
}

async function openLayers(files: ModelFile[], manifest: Manifest): Promise<OpenedModel> {
  const layers = await loadLayersModelFromFiles(files);
  let scorer: Scorer;
  try {
    scorer = createModelScorer(layers, manifest);
  } catch (e) {
    layers.dispose();
    throw e;
  }
  const shape = (s: (number | null)[]) => `[${s.map((d) => d ?? 'N').join(', ')}]`;
  return {
    format: 'tfjs-layers',
    scorer,
    layers,
    describe: [`TensorFlow.js Layers model: input ${shape(layers.inputs[0].shape)}, output ${shape(layers.outputs[0].shape)}`],
    dispose: () => {
      scorer.dispose();
      layers.dispose();
    },
  };
}

async function openGraph(files: ModelFile[], manifest: Manifest): Promise<OpenedModel> {
  const { createGraphScorer, describeGraphModel, loadGraphModelFromFiles } = await import('./graph-model');
  const graph = await loadGraphModelFromFiles(files);
  let scorer: Scorer;
  try {
    scorer = createGraphScorer(graph, manifest);
  } catch (e) {
    graph.dispose();
    throw e;
  }
  return {
    format: 'tfjs-graph',
    scorer,
    layers: null,
    describe: ['TensorFlow.js graph model', ...describeGraphModel(graph)],
    dispose: () => {
      scorer.dispose();
      graph.dispose();
    },
  };
}

/** What a model's files declare, for a person writing its manifest (the page's manifest writer). */
export interface ModelInspection {
  format: Exclude<ModelFormat, 'scores'>;
  /**
   * Values per row the model's one float input takes ([N, F] → F), to set beside the width a
   * manifest encodes; null when the model has an input per column or its shape does not say.
   */
  inputWidth: number | null;
  /** an ONNX model's inputs, outputs, class labels and ZipMaps (core/onnx inspectOnnx); null for the others */
  onnx: OnnxInspection | null;
  /** one line per input and output, as people read them */
  describe: string[];
}

/** The F of a declared [N, F] shape; null when it is not rank 2 or F is symbolic. */
function widthOf(shape: readonly (number | string | null)[] | undefined): number | null {
  if (!shape || shape.length !== 2) return null;
  const f = shape[1];
  return typeof f === 'number' && f > 0 ? f : null;
}

/**
 * Opens the model in `files` without a manifest, only to read what it declares: an ONNX
 * model's inputs and outputs (the writer binds inputs to columns by name), or the width of a
 * TensorFlow.js model's input. The model is released before returning.
 */
export async function inspectModelFiles(files: ModelFile[], runtimes: ModelRuntimes = {}): Promise<ModelInspection> {
  const format = detectFormat(files);
  if (format === 'onnx') {
    const file = files.find((f) => baseName(f.name).toLowerCase().endsWith('.onnx')) ?? files[0];
    if (!runtimes.ort) throw new WorkbenchError('internal', 'no ONNX runtime was given to inspectModelFiles', 'The caller must pass runtimes.ort.');
    const [ort, { inspectOnnx }] = await Promise.all([runtimes.ort(), import('./onnx')]);
    const onnx = await inspectOnnx(bytesOf(file.data), ort, baseName(file.name));
    const one = onnx.inputs.length === 1 && (onnx.inputs[0].type === 'float32' || onnx.inputs[0].type === 'float64') ? onnx.inputs[0] : null;
    const shape = (s: (number | string)[]) => `[${s.join(', ')}]`;
    return {
      format,
      inputWidth: one ? widthOf(one.shape) : null,
      onnx,
      describe: [...onnx.inputs.map((i) => `input '${i.name}' ${i.type} ${shape(i.shape)}`), ...onnx.outputs.map((o) => `output '${o.name}' ${o.type}${o.shape.length ? ` ${shape(o.shape)}` : ''}`)],
    };
  }
  if (format === 'tfjs-graph') {
    const { describeGraphModel, loadGraphModelFromFiles } = await import('./graph-model');
    const graph = await loadGraphModelFromFiles(files);
    try {
      return { format, inputWidth: graph.inputs.length === 1 ? widthOf(graph.inputs[0].shape) : null, onnx: null, describe: describeGraphModel(graph) };
    } finally {
      graph.dispose();
    }
  }
  const layers = await loadLayersModelFromFiles(files);
  try {
    const shape = layers.inputs[0].shape;
    return { format, inputWidth: layers.inputs.length === 1 ? widthOf(shape) : null, onnx: null, describe: [`input [${shape.map((d) => d ?? 'N').join(', ')}]`] };
  } finally {
    layers.dispose();
  }
}
