/**
 * The slice of onnxruntime-web that core uses, as types only: the caller (worker or CLI) loads
 * the runtime and passes it in, so nothing in core pulls onnxruntime into a bundle until an
 * ONNX model is opened.
 */
import type { InferenceSession, Tensor, TensorConstructor } from 'onnxruntime-common';
import { WorkbenchError } from '../errors';

export type OrtSession = InferenceSession;
export type OrtTensor = Tensor;

/** What core needs of `import('onnxruntime-web')` (or `onnxruntime-web/wasm`). */
export interface OrtModule {
  InferenceSession: { create(buffer: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: TensorConstructor;
}

/** The element types the scorer feeds and reads. */
export type ElemType = 'float32' | 'float64' | 'int64' | 'int32' | 'string' | 'bool';

/** The text of whatever ORT threw, without its error-code prefix noise. */
export function ortMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  return raw.replace(/\s+/g, ' ').trim();
}

/** Opens a session on the bytes; ORT's refusal becomes a 'model-invalid' a person can act on. */
export async function createSession(ort: OrtModule, bytes: Uint8Array, fileName: string): Promise<InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  } catch (e) {
    throw new WorkbenchError('model-invalid', `ONNX Runtime could not open '${fileName}': ${ortMessage(e)}`,
      'The file may use an operator or opset this ONNX Runtime (onnxruntime-web, CPU/wasm) does not support, or it may be damaged. Export it again with a current skl2onnx/onnxmltools and target_opset ≤ 21 (ai.onnx.ml ≤ 3).');
  }
}
