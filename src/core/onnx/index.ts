/**
 * ONNX models behind the Scorer interface, on an onnxruntime-web module the caller passes in
 * (core never imports the runtime itself). See ./scorer, ./inputs and ./outputs.
 */
export { openOnnxModel, DEFAULT_ONNX_BATCH, type OnnxModel, type OnnxScorerOptions } from './scorer';
export { inspectOnnx, type OnnxInspection, type OnnxValueInfo } from './inspect';
export type { OrtModule } from './ort';
export { readOnnxGraph, withExtraOutputs, type OnnxGraphInfo, type GraphNode } from './protobuf';
