/**
 * The one door from core to TensorFlow.js. Every other core file imports `tf` from here, so
 * a single place decides which tfjs entry point core uses (see ./tf-entry). Core never
 * chooses a backend: the worker or CLI calls `tf.setBackend('wasm')` before running a job.
 */
import * as tf from './tf-entry';

export { tf };
/** The tfjs converter (graph models), loaded lazily: see ./tf-entry. */
export { loadConverter } from './tf-entry';
export type { GraphModel } from './tf-entry';
export type { LayersModel, Sequential } from './tf-entry';
export type { Tensor, Tensor2D } from './tf-entry';
