/**
 * The parts of TensorFlow.js the workbench uses: tensors and ops (tfjs-core), Layers models
 * (tfjs-layers) and the plain-JS cpu kernels as a fallback backend. Not the full
 * `@tensorflow/tfjs` bundle: its converter, data and webgl packages add ~1.2 MB to the worker
 * and we use none of them (the wasm backend is registered by the worker / CLI setup).
 */
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';

/**
 * The converter (TensorFlow.js graph models), imported on first use: a bundler splits it into
 * its own chunk, so the worker carries it only once a graph model is opened.
 */
export const loadConverter = (): Promise<typeof import('@tensorflow/tfjs-converter')> => import('@tensorflow/tfjs-converter');
export type { GraphModel } from '@tensorflow/tfjs-converter';
