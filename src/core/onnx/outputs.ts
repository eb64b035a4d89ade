/**
 * Where an ONNX model's P(positive) comes out.
 *
 * The output: `manifest.model.outputName`, else 'probabilities', else 'output_probability',
 * else the only float tensor output. A ZipMap output (a sequence of maps, which
 * onnxruntime-web cannot hand back) is read through the tensor that feeds the ZipMap: the
 * model bytes get that tensor appended as an extra graph output (see `withExtraOutputs`).
 *
 * Reading it: a tensor [N] or [N, 1] is P(positive) ('probability') or its log-odds ('logit');
 * [N, K] is read at one column: `manifest.model.index` when given, else the column of the
 * class whose label equals `target.positive` when the classifier's class labels are known
 * (ZipMap, TreeEnsembleClassifier, LinearClassifier, SVMClassifier), else 1. Under 'logit' an
 * [N, 2] output gives sigmoid(z1 − z0), the two-class softmax.
 */
import { WorkbenchError } from '../errors';
import type { Manifest } from '../manifest';
import type { OnnxGraphInfo } from './protobuf';

/** One output as ORT declares it. */
export interface DeclaredOutput {
  name: string;
  isTensor: boolean;
  type?: string;
}

export interface OutputPlan {
  /** the tensor to fetch */
  fetch: string;
  /** the column of an [N, K] output; undefined → 1 */
  index: number | undefined;
  logit: boolean;
  describe: string;
}

const CLASSIFIERS = new Set(['ZipMap', 'TreeEnsembleClassifier', 'LinearClassifier', 'SVMClassifier']);
const HINT_OUTPUT = 'Name the probability output in the manifest: "model": {"outputName": "...", "index": 1} (docs/model-manifest.md, ONNX models).';

/** Picks the output and how to read it; throws 'model-shape-mismatch' when none fits. */
export function planOutput(outputs: DeclaredOutput[], graph: OnnxGraphInfo, manifest: Manifest): OutputPlan {
  const chosen = chooseOutput(outputs, manifest);
  const zipMap = chosen.isTensor ? undefined : graph.nodes.find((n) => n.opType === 'ZipMap' && n.outputs.includes(chosen.name));
  if (!chosen.isTensor && !zipMap) {
    throw new WorkbenchError('model-shape-mismatch', `the ONNX model's output '${chosen.name}' is not a tensor and not a ZipMap of class probabilities: it cannot be read as a score`, HINT_OUTPUT);
  }
  if (chosen.isTensor && chosen.type !== 'float32' && chosen.type !== 'float64') {
    throw new WorkbenchError('model-shape-mismatch', `the ONNX model's output '${chosen.name}' holds ${chosen.type}, not scores (it may be the predicted label)`, HINT_OUTPUT);
  }
  const fetch = zipMap ? zipMap.inputs[0] : chosen.name;
  if (zipMap && !outputs.some((o) => o.name === fetch)) {
    throw new WorkbenchError('internal', `the tensor '${fetch}' behind the ZipMap '${chosen.name}' was not exposed as an output`);
  }
  const labels = classLabels(graph, zipMap ? zipMap.outputs[0] : fetch);
  const index = columnOf(labels, manifest, chosen.name);
  const logit = manifest.output === 'logit';
  const via = zipMap ? ` (the tensor behind the ZipMap '${chosen.name}')` : '';
  const col = index === undefined ? '' : `, column ${index}${labels ? ` (class '${labels[index]}')` : ''}`;
  return { fetch, index, logit, describe: `score: output '${fetch}'${via}${col}, read as ${logit ? 'log-odds' : 'P(positive)'}` };
}

/**
 * The tensors to append as graph outputs before the session opens: the input of the ZipMap
 * that produces the output the rules above would pick by name (ORT's metadata is not needed
 * to see that: a ZipMap output is never a float tensor, so the last rule never picks one).
 */
export function tensorsToExpose(graph: OnnxGraphInfo, manifest: Manifest): string[] {
  const named = manifest.model?.outputName;
  const candidate = named ?? ['probabilities', 'output_probability'].find((n) => graph.outputNames.includes(n));
  const zipMap = graph.nodes.find((n) => n.opType === 'ZipMap' && candidate !== undefined && n.outputs.includes(candidate));
  return zipMap && zipMap.inputs[0] && !graph.outputNames.includes(zipMap.inputs[0]) ? [zipMap.inputs[0]] : [];
}

function chooseOutput(outputs: DeclaredOutput[], manifest: Manifest): DeclaredOutput {
  const named = manifest.model?.outputName;
  const list = () => outputs.map((o) => `'${o.name}' (${o.isTensor ? o.type : 'map'})`).join(', ');
  if (named !== undefined) {
    const o = outputs.find((x) => x.name === named);
    if (!o) throw new WorkbenchError('model-shape-mismatch', `the manifest names the output '${named}', which the ONNX model does not have; its outputs are ${list()}`, HINT_OUTPUT);
    return o;
  }
  const byName = outputs.find((o) => o.name === 'probabilities') ?? outputs.find((o) => o.name === 'output_probability');
  if (byName) return byName;
  const floats = outputs.filter((o) => o.isTensor && (o.type === 'float32' || o.type === 'float64'));
  if (floats.length === 1) return floats[0];
  throw new WorkbenchError('model-shape-mismatch',
    floats.length === 0 ? `the ONNX model has no float output to read a score from; its outputs are ${list()}` : `the ONNX model has ${floats.length} float outputs and the manifest does not say which holds the score: ${list()}`,
    HINT_OUTPUT);
}

/**
 * The class labels of the classifier that produced `tensor` (or of the ZipMap it feeds), in
 * column order; null when no such node is found.
 */
function classLabels(graph: OnnxGraphInfo, tensor: string): string[] | null {
  const producer = graph.nodes.find((n) => CLASSIFIERS.has(n.opType) && (n.outputs.includes(tensor) || n.inputs[0] === tensor));
  const zip = graph.nodes.find((n) => n.opType === 'ZipMap' && n.inputs[0] === tensor);
  for (const node of [zip, producer]) {
    if (!node) continue;
    const strings = node.attributes.find((a) => a.name === 'classlabels_strings' && a.strings.length > 0);
    if (strings) return strings.strings;
    const ints = node.attributes.find((a) => a.name === 'classlabels_int64s' && a.ints.length > 0);
    if (ints) return ints.ints.map(String);
  }
  return null;
}

/** The column to read: model.index, else the positive class's label, else undefined (→ 1). */
function columnOf(labels: string[] | null, manifest: Manifest, output: string): number | undefined {
  const explicit = manifest.model?.index;
  if (explicit !== undefined) return explicit;
  if (!labels) return undefined;
  const positive = manifest.target.positive;
  const j = labels.indexOf(positive);
  if (j >= 0) return j;
  throw new WorkbenchError('model-shape-mismatch',
    `the classifier behind '${output}' has the classes ${labels.map((l) => `'${l}'`).join(', ')}, and none is the manifest's positive class '${positive}'`,
    `Set "model": {"index": <column of the positive class>} in the manifest (e.g. 1 for the classes ['0', '1']), or make target.positive one of the class labels.`);
}

/**
 * P(positive) per row from the fetched tensor's data and dims, into out[start…]. Throws
 * 'model-shape-mismatch' when the tensor is not [n], [n, 1] or [n, K] with the column inside.
 */
export function readScores(plan: OutputPlan, data: ArrayLike<number>, dims: readonly number[], n: number, out: Float32Array, start: number): void {
  const K = dims.length === 1 ? 1 : dims.length === 2 ? dims[1] : -1;
  if (dims[0] !== n || K < 1) {
    throw new WorkbenchError('model-shape-mismatch', `the ONNX model's output '${plan.fetch}' came back with shape [${dims.join(', ')}] for ${n} rows; expected [${n}], [${n}, 1] or [${n}, K]`, HINT_OUTPUT);
  }
  if (K === 1) {
    for (let i = 0; i < n; i++) out[start + i] = plan.logit ? sigmoid(data[i]) : data[i];
    return;
  }
  const j = plan.index ?? 1;
  if (j < 0 || j >= K) throw new WorkbenchError('model-shape-mismatch', `the manifest reads column ${j} of the output '${plan.fetch}', which has ${K} columns`, HINT_OUTPUT);
  if (plan.logit && K !== 2) {
    throw new WorkbenchError('model-shape-mismatch', `the output '${plan.fetch}' has ${K} columns of log-odds; only one or two columns can be read as a logit`, 'Export the model with probabilities (a softmax) and set "output": "probability".');
  }
  if (plan.logit) {
    for (let i = 0; i < n; i++) out[start + i] = sigmoid(data[2 * i + j] - data[2 * i + 1 - j]);
    return;
  }
  for (let i = 0; i < n; i++) out[start + i] = data[i * K + j];
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
