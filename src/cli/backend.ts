/**
 * tfjs backend for the Node CLI: the same wasm SIMD backend the workers use (its .wasm files
 * ship inside the npm package, so nothing is downloaded), cpu as the fallback.
 */
import { tf } from '../core/tf';
import '@tensorflow/tfjs-backend-wasm';

export async function setupNodeBackend(): Promise<string> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend unavailable');
  } catch {
    await tf.setBackend('cpu');
  }
  await tf.ready();
  return tf.getBackend();
}
