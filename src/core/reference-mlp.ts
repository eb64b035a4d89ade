/**
 * The peer model format (test/fixtures/peer/mlp.json, logistic.json) and a plain TypeScript
 * forward pass for it: a tfjs-free reference that tests compare the tfjs adapter against.
 *
 * - logistic: `{type: 'logistic', feature_names, weights: [d], bias}` → p = sigmoid(w·x + b)
 * - mlp: `{type: 'mlp', feature_names, weights_layout: 'in_out', layers: [{weights: [in][out],
 *   biases: [out], activation}]}`; activations relu, sigmoid, tanh, linear. The last layer
 *   has one unit; its output is taken as the probability (the peer MLP ends in a sigmoid).
 *
 * Arithmetic is Float64 throughout, so the reference is at least as exact as tfjs (float32).
 */
import { WorkbenchError } from './errors';
import type { Scorer } from './scorer';
import { tf } from './tf';
import type { LayersModel } from './tf';

export type PeerActivation = 'relu' | 'sigmoid' | 'tanh' | 'linear';

export interface PeerLayer {
  /** [in][out] */
  weights: number[][];
  biases: number[];
  activation: PeerActivation;
}

export interface PeerMlp {
  type: 'mlp';
  feature_names?: string[];
  weights_layout: 'in_out';
  layers: PeerLayer[];
}

export interface PeerLogistic {
  type: 'logistic';
  feature_names?: string[];
  weights: number[];
  bias: number;
}

export type PeerModel = PeerMlp | PeerLogistic;

const ACTIVATIONS = new Set(['relu', 'sigmoid', 'tanh', 'linear']);

function invalid(msg: string): WorkbenchError {
  return new WorkbenchError('model-invalid', `peer model: ${msg}`, 'Expected {type: "mlp", weights_layout: "in_out", layers: [{weights, biases, activation}]} or {type: "logistic", weights, bias}.');
}

/** Checks the structure (shapes chain, activations known) and returns it typed. */
export function parsePeerModel(json: unknown): PeerModel {
  if (typeof json !== 'object' || json === null) throw invalid('not an object');
  const j = json as Record<string, unknown>;
  if (j.type === 'logistic') {
    if (!Array.isArray(j.weights) || j.weights.length === 0 || !j.weights.every((w) => typeof w === 'number')) throw invalid('weights must be a non-empty array of numbers');
    if (typeof j.bias !== 'number') throw invalid('bias must be a number');
    return json as PeerLogistic;
  }
  if (j.type === 'mlp') {
    if (j.weights_layout !== 'in_out') throw invalid(`weights_layout ${JSON.stringify(j.weights_layout)} is not supported (only "in_out")`);
    if (!Array.isArray(j.layers) || j.layers.length === 0) throw invalid('layers must be a non-empty array');
    let nIn = -1;
    j.layers.forEach((l: PeerLayer, i: number) => {
      if (!Array.isArray(l.weights) || l.weights.length === 0 || !Array.isArray(l.weights[0])) throw invalid(`layers[${i}].weights must be [in][out]`);
      const rows = l.weights.length;
      const cols = l.weights[0].length;
      if (nIn >= 0 && rows !== nIn) throw invalid(`layers[${i}] takes ${rows} inputs but the previous layer has ${nIn} outputs`);
      if (!l.weights.every((r) => Array.isArray(r) && r.length === cols)) throw invalid(`layers[${i}].weights rows differ in length`);
      if (!Array.isArray(l.biases) || l.biases.length !== cols) throw invalid(`layers[${i}].biases must have ${cols} entries`);
      if (!ACTIVATIONS.has(l.activation)) throw invalid(`layers[${i}].activation ${JSON.stringify(l.activation)} is not one of relu, sigmoid, tanh, linear`);
      nIn = cols;
    });
    if (nIn !== 1) throw invalid(`the last layer must have 1 output, not ${nIn}`);
    return json as PeerMlp;
  }
  throw invalid(`type ${JSON.stringify(j.type)} is not "mlp" or "logistic"`);
}

/** Number of inputs the peer model takes. */
export function peerInputWidth(m: PeerModel): number {
  return m.type === 'logistic' ? m.weights.length : m.layers[0].weights.length;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function activate(a: PeerActivation, z: number): number {
  switch (a) {
    case 'relu':
      return z > 0 ? z : 0;
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return Math.tanh(z);
    case 'linear':
      return z;
  }
}

type Forward = (X: ArrayLike<number>, nRows: number) => Float64Array;

/** Flattens the weights once and returns the forward pass. */
function compileForward(m: PeerModel): Forward {
  const d = peerInputWidth(m);
  if (m.type === 'logistic') {
    const w = Float64Array.from(m.weights);
    const bias = m.bias;
    return (X, nRows) => {
      const out = new Float64Array(nRows);
      for (let r = 0; r < nRows; r++) {
        let z = bias;
        const base = r * d;
        for (let k = 0; k < d; k++) z += w[k] * X[base + k];
        out[r] = sigmoid(z);
      }
      return out;
    };
  }
  // W[k * nOut + j] = weights[k][j]
  const layers = m.layers.map((l) => {
    const nIn = l.weights.length;
    const nOut = l.biases.length;
    const W = new Float64Array(nIn * nOut);
    for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) W[k * nOut + j] = l.weights[k][j];
    return { W, b: Float64Array.from(l.biases), nIn, nOut, act: l.activation };
  });
  const maxWidth = Math.max(d, ...layers.map((l) => l.nOut));
  return (X, nRows) => {
    const out = new Float64Array(nRows);
    let cur = new Float64Array(maxWidth);
    let next = new Float64Array(maxWidth);
    for (let r = 0; r < nRows; r++) {
      for (let k = 0; k < d; k++) cur[k] = X[r * d + k];
      for (const l of layers) {
        for (let j = 0; j < l.nOut; j++) next[j] = l.b[j];
        for (let k = 0; k < l.nIn; k++) {
          const x = cur[k];
          if (x === 0) continue;
          const row = k * l.nOut;
          for (let j = 0; j < l.nOut; j++) next[j] += x * l.W[row + j];
        }
        for (let j = 0; j < l.nOut; j++) next[j] = activate(l.act, next[j]);
        const t = cur;
        cur = next;
        next = t;
      }
      out[r] = cur[0];
    }
    return out;
  };
}

function checkX(d: number, X: ArrayLike<number>, nRows: number, nFeatures: number): void {
  if (d !== nFeatures) throw new WorkbenchError('model-shape-mismatch', `the peer model takes ${d} inputs but X has ${nFeatures} per row`);
  if (X.length < nRows * nFeatures) throw new WorkbenchError('internal', `X holds ${X.length} values, fewer than ${nRows} × ${nFeatures}`);
}

/**
 * P(positive) for each of nRows rows of X (row-major nRows × nFeatures), in Float64.
 * Throws if nFeatures differs from the model's input width.
 */
export function referenceForward(json: unknown, X: ArrayLike<number>, nRows: number, nFeatures: number): Float64Array {
  const m = parsePeerModel(json);
  checkX(peerInputWidth(m), X, nRows, nFeatures);
  return compileForward(m)(X, nRows);
}

/** A Scorer on the reference forward pass (Float32 out, like every Scorer). */
export function createReferenceScorer(json: unknown): Scorer {
  const m = parsePeerModel(json);
  const nFeatures = peerInputWidth(m);
  const forward = compileForward(m);
  return {
    nFeatures,
    predict: async (X: Float32Array, nRows: number) => {
      checkX(nFeatures, X, nRows, nFeatures);
      return Float32Array.from(forward(X, nRows));
    },
    dispose: () => {},
  };
}

/**
 * The same model as a tfjs Sequential of dense layers (weights copied in with setWeights).
 * For tests and benchmarks: feed it to `createModelScorer` with a manifest of matching width.
 * The caller owns the model (dispose it).
 */
export function peerModelToLayersModel(json: unknown): LayersModel {
  const m = parsePeerModel(json);
  const specs: { nIn: number; nOut: number; act: PeerActivation; W: Float32Array; b: Float32Array }[] =
    m.type === 'logistic'
      ? [{ nIn: m.weights.length, nOut: 1, act: 'sigmoid', W: Float32Array.from(m.weights), b: Float32Array.from([m.bias]) }]
      : m.layers.map((l) => ({
          nIn: l.weights.length,
          nOut: l.biases.length,
          act: l.activation,
          W: Float32Array.from(l.weights.flat()),
          b: Float32Array.from(l.biases),
        }));
  const model = tf.sequential({ name: `peer_${m.type}` });
  specs.forEach((s, i) => {
    model.add(tf.layers.dense({
      units: s.nOut,
      activation: s.act,
      name: `dense_${i + 1}`,
      ...(i === 0 ? { inputShape: [s.nIn] } : {}),
    }));
  });
  const tensors = specs.flatMap((s) => [tf.tensor2d(s.W, [s.nIn, s.nOut]), tf.tensor1d(s.b)]);
  try {
    model.setWeights(tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
  return model;
}
