/**
 * tfjs backend for a worker: wasm with SIMD, single-threaded binary (measured fastest here,
 * see docs/performance notes in README), cpu as the fallback. Never webgl/webgpu: on a machine
 * without a GPU they are software-rendered and 15–100× slower.
 *
 * The .wasm binaries are bundled by Vite (`?url`) and served from our own origin: no CDN.
 */
import { tf } from '../src/core/tf';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export interface BackendInfo {
  backend: string;
  simd: boolean;
  fallbackReason?: string;
}

let ready: Promise<BackendInfo> | undefined;

export function setupBackend(): Promise<BackendInfo> {
  ready ??= (async () => {
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlain,
      'tfjs-backend-wasm-simd.wasm': wasmSimd,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
    });
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    try {
      const ok = await tf.setBackend('wasm');
      if (!ok) throw new Error('tf.setBackend("wasm") returned false');
      await tf.ready();
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      return { backend: tf.getBackend(), simd };
    } catch (e) {
      await tf.setBackend('cpu');
      await tf.ready();
      return { backend: tf.getBackend(), simd: false, fallbackReason: e instanceof Error ? e.message : String(e) };
    }
  })();
  return ready;
}
