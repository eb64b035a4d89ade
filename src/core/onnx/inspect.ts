/**
 * What an ONNX file declares, for a person writing its manifest (the page's manifest writer):
 * inputs and outputs with element types and shapes, the class labels of its classifier, and
 * which outputs are ZipMaps (read through the tensor that feeds them).
 */
import { createSession, type OrtModule } from './ort';
import { readGraphOrThrow } from './scorer';

export interface OnnxValueInfo {
  name: string;
  /** 'float32', 'int64', 'string', ...; 'map' for a ZipMap output, 'non-tensor' for another */
  type: string;
  /** dimensions; a symbolic one (the batch) is its name, e.g. 'N' or 'None' */
  shape: (number | string)[];
}

export interface OnnxInspection {
  producer: string;
  opsets: { domain: string; version: number }[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** the class labels of the (first) classifier or ZipMap, in column order; null when none */
  classLabels: string[] | null;
  /** ZipMap outputs, with the tensor each reads */
  zipMaps: { output: string; tensor: string }[];
}

/** Opens the model once to read what it declares; the session is released before returning. */
export async function inspectOnnx(bytes: Uint8Array, ort: OrtModule, fileName = 'model.onnx'): Promise<OnnxInspection> {
  const graph = readGraphOrThrow(bytes, fileName);
  const session = await createSession(ort, bytes, fileName);
  try {
    const zipMaps = graph.nodes.filter((n) => n.opType === 'ZipMap').map((n) => ({ output: n.outputs[0], tensor: n.inputs[0] }));
    const info = (m: (typeof session.inputMetadata)[number]): OnnxValueInfo =>
      m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: zipMaps.some((z) => z.output === m.name) ? 'map' : 'non-tensor', shape: [] };
    const classifier = graph.nodes.find((n) => n.attributes.some((a) => (a.name === 'classlabels_strings' && a.strings.length > 0) || (a.name === 'classlabels_int64s' && a.ints.length > 0)));
    const strings = classifier?.attributes.find((a) => a.name === 'classlabels_strings' && a.strings.length > 0)?.strings;
    const ints = classifier?.attributes.find((a) => a.name === 'classlabels_int64s' && a.ints.length > 0)?.ints;
    return {
      producer: graph.producer.trim(),
      opsets: graph.opsets,
      inputs: session.inputMetadata.map(info),
      outputs: session.outputMetadata.map(info),
      classLabels: strings ?? ints?.map(String) ?? null,
      zipMaps,
    };
  } finally {
    await session.release();
  }
}
