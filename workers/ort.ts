/**
 * onnxruntime-web for the worker, loaded only when an ONNX model is opened (the worker passes
 * `loadOrt` to core's openModel, which calls it for .onnx files only): its JavaScript is a lazy
 * chunk and its WebAssembly a separate asset, both served from our own origin, so the
 * Content-Security-Policy stays 'self' and a session that never opens an ONNX model never
 * downloads either.
 *
 * The wasm-only build (`onnxruntime-web/wasm`: CPU kernels, no WebGL/WebGPU), one thread (no
 * SharedArrayBuffer, no nested workers), the .wasm file given by the URL the bundler emits
 * for it, never a CDN.
 */
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { OrtModule } from '../src/core/onnx';

let loading: Promise<OrtModule> | undefined;

export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-web/wasm').then((ort) => {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, import.meta.url).href };
    return ort;
  });
  return loading;
}
