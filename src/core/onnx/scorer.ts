/**
 * The ONNX model adapter: an ONNX file opened with onnxruntime-web (passed in by the caller)
 * and wrapped as a `Scorer` under a manifest. Inputs: see ./inputs (the encoded row as one
 * float input, or one input per raw column); output: see ./outputs.
 *
 * predict runs in batches of `batchSize` rows (default 8192), one `session.run` each, with the
 * feeds preallocated once; runs are queued, never concurrent on one session. Scores that are
 * not a number, or outside [0, 1] under 'probability', are refused as for tfjs models.
 */
import { WorkbenchError } from '../errors';
import { manifestWidth, type Manifest } from '../manifest';
import { assertValidOutput } from '../model';
import type { Scorer } from '../scorer';
import { declaredInputs, planInputs } from './inputs';
import { createSession, ortMessage, type OrtModule, type OrtSession, type OrtTensor } from './ort';
import { planOutput, readScores, tensorsToExpose, type DeclaredOutput } from './outputs';
import { NotProtobuf, readOnnxGraph, withExtraOutputs, type OnnxGraphInfo } from './protobuf';

export interface OnnxScorerOptions {
  /** rows per session.run; default 8192 */
  batchSize?: number;
  /** the file name, for messages */
  fileName?: string;
}

/** An opened ONNX model: the scorer and what it was found to be. */
export interface OnnxModel {
  scorer: Scorer;
  /** lines saying what the model is and how it is fed and read */
  describe: string[];
  /** the graph as the protobuf walk read it */
  graph: OnnxGraphInfo;
}

export const DEFAULT_ONNX_BATCH = 8192;

const HINT_NOT_ONNX = 'Choose the .onnx file written by skl2onnx, onnxmltools, tf2onnx or torch.onnx.export.';

/** Reads the graph, or says plainly that the bytes are not an ONNX model. */
export function readGraphOrThrow(bytes: Uint8Array, fileName: string): OnnxGraphInfo {
  try {
    return readOnnxGraph(bytes);
  } catch (e) {
    if (!(e instanceof NotProtobuf)) throw e;
    const looksText = bytes.length > 0 && (bytes[0] === 0x7b || bytes[0] === 0x3c || bytes[0] === 0x22);
    throw new WorkbenchError('model-invalid', `'${fileName}' is not an ONNX model${looksText ? ' (it looks like text: JSON, HTML or CSV)' : ''}: ${e.message}`, HINT_NOT_ONNX);
  }
}

/**
 * Opens the model bytes under the manifest. Throws 'model-invalid' (not ONNX, ORT refuses it)
 * or 'model-shape-mismatch' (inputs or output do not fit the manifest).
 */
export async function openOnnxModel(ort: OrtModule, bytes: Uint8Array, manifest: Manifest, options: OnnxScorerOptions = {}): Promise<OnnxModel> {
  const fileName = options.fileName ?? 'model.onnx';
  const graph = readGraphOrThrow(bytes, fileName);
  const expose = tensorsToExpose(graph, manifest);
  const session = await createSession(ort, withExtraOutputs(bytes, expose), fileName);
  try {
    const batch = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_ONNX_BATCH));
    const inputs = planInputs(ort, declaredInputs(session), manifest, batch);
    const output = planOutput(declaredOutputs(session), graph, manifest);
    const describe = [`ONNX model${graph.producer ? ` from ${graph.producer.trim()}` : ''} (${opsetText(graph)})`, ...inputs.describe, output.describe];
    const scorer = sessionScorer(session, manifest, (X, start, n) => inputs.feeds(X, start, n), output, batch);
    return { scorer, describe, graph };
  } catch (e) {
    void session.release();
    throw e;
  }
}

function declaredOutputs(session: OrtSession): DeclaredOutput[] {
  return session.outputMetadata.map((m) => (m.isTensor ? { name: m.name, isTensor: true, type: m.type } : { name: m.name, isTensor: false }));
}

function opsetText(graph: OnnxGraphInfo): string {
  return graph.opsets.map((o) => `${o.domain === '' ? 'ai.onnx' : o.domain} ${o.version}`).join(', ') || `IR ${graph.irVersion}`;
}

type Feeds = (X: Float32Array, start: number, n: number) => Record<string, OrtTensor>;

/** The Scorer over an open session; dispose releases the session. */
function sessionScorer(session: OrtSession, manifest: Manifest, feeds: Feeds, output: ReturnType<typeof planOutput>, batch: number): Scorer {
  const nFeatures = manifestWidth(manifest);
  let disposed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const runAll = async (X: Float32Array, nRows: number): Promise<Float32Array> => {
    const out = new Float32Array(nRows);
    for (let start = 0; start < nRows; start += batch) {
      const n = Math.min(batch, nRows - start);
      const result = await runBatch(session, feeds(X, start, n), output.fetch, start, n);
      const t = result[output.fetch];
      readScores(output, t.data as Float32Array, t.dims, n, out, start);
      t.dispose();
    }
    assertValidOutput(out, !output.logit);
    return out;
  };

  const predict = (X: Float32Array, nRows: number): Promise<Float32Array> => {
    if (disposed) return Promise.reject(new WorkbenchError('internal', 'predict was called on a disposed scorer'));
    if (!Number.isInteger(nRows) || nRows < 0) return Promise.reject(new WorkbenchError('internal', `nRows must be a whole number ≥ 0, not ${nRows}`));
    if (X.length < nRows * nFeatures) return Promise.reject(new WorkbenchError('internal', `X holds ${X.length} values, fewer than ${nRows} rows × ${nFeatures} features`));
    const next = queue.then(() => runAll(X, nRows));
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    nFeatures,
    predict,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      void queue.then(() => session.release());
    },
  };
}

async function runBatch(session: OrtSession, feeds: Record<string, OrtTensor>, fetch: string, start: number, n: number): Promise<Record<string, OrtTensor>> {
  try {
    return await session.run(feeds, [fetch]);
  } catch (e) {
    throw new WorkbenchError('model-invalid', `the ONNX model failed on rows ${start + 1}–${start + n}: ${ortMessage(e)}`,
      "Check that the manifest's columns, categories and input types are the ones the model was exported with (docs/model-manifest.md, ONNX models).");
  }
}
