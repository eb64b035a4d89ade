/**
 * tfjs for Node tests: the wasm backend (SIMD, single-threaded), the one the workers use.
 * Import `tf` from here (it is core's instance) and `await setupTf()` in beforeAll, or call
 * `setupTfAndCheckLeaks()` at the top of a test file.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../src/core/tf';

export { tf };

let ready: Promise<void> | undefined;

export function setupTf(): Promise<void> {
  ready ??= (async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tfjs wasm backend did not initialise');
    await tf.ready();
  })();
  return ready;
}

/** Number of live tensors; compare before and after a job. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/**
 * Registers the file's tf hooks: before its tests, set up tf and count the live tensors;
 * after them, expect the same count (no tensor leaked).
 */
export function setupTfAndCheckLeaks(): void {
  let before = 0;
  beforeAll(async () => {
    await setupTf();
    before = liveTensors();
  });
  afterAll(() => {
    expect(liveTensors()).toBe(before);
  });
}
