/**
 * Sort the files a user chose for "load model": the model (a TensorFlow.js model.json — Layers
 * or graph — with its weight shards, or one ONNX .onnx file) and the Bias Workbench manifest.
 * Names are not trusted alone: JSON files are recognised by content. Which runtime opens the
 * model is core's openModel's decision; here we only check that a model is among the files.
 */
import { WorkbenchError } from '../core/errors';

export interface SortedModelFiles {
  files: { name: string; data: ArrayBuffer }[];
  manifest: unknown;
  modelName: string;
}

const HINT_FILES = 'Choose the model — model.json with its .bin weight files, or one .onnx file — and its manifest together.';

export async function sortModelFiles(chosen: { name: string; arrayBuffer(): Promise<ArrayBuffer> }[]): Promise<SortedModelFiles> {
  const read = await Promise.all(chosen.map(async (f) => ({ name: f.name, data: await f.arrayBuffer() })));
  let manifest: unknown;
  let modelJson: { name: string; data: ArrayBuffer } | undefined;
  const onnx: { name: string; data: ArrayBuffer }[] = [];
  const rest: { name: string; data: ArrayBuffer }[] = [];
  for (const f of read) {
    const lower = f.name.toLowerCase();
    if (lower.endsWith('.json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(f.data));
      } catch {
        throw new WorkbenchError('model-invalid', `${f.name} is not valid JSON`, 'Choose the model.json written by tensorflowjs_converter or model.save, and the manifest.');
      }
      // a Layers or a graph model: both keep their graph under modelTopology
      if (parsed && typeof parsed === 'object' && 'modelTopology' in parsed) modelJson = { name: 'model.json', data: f.data };
      else if (parsed && typeof parsed === 'object' && ('format' in parsed || 'features' in parsed)) manifest = parsed;
      else throw new WorkbenchError('model-invalid', `${f.name} is neither a TensorFlow.js model.json nor a Bias Workbench manifest`, 'See docs/model-manifest.md.');
    } else if (lower.endsWith('.onnx')) {
      onnx.push(f);
    } else {
      rest.push(f);
    }
  }
  if (onnx.length > 0 && modelJson)
    throw new WorkbenchError('model-invalid', `both an ONNX model (${onnx[0].name}) and a TensorFlow.js model.json were chosen`, 'Choose one model: either the .onnx file or model.json with its .bin files, with its manifest.');
  if (onnx.length > 1) throw new WorkbenchError('model-invalid', `${onnx.length} ONNX files were chosen (${onnx.map((f) => f.name).join(', ')})`, 'An ONNX model is one .onnx file: choose one, with its manifest.');
  if (!modelJson && onnx.length === 0) throw new WorkbenchError('model-invalid', 'no model among the chosen files (no model.json and no .onnx file)', HINT_FILES);
  if (manifest === undefined)
    throw new WorkbenchError('manifest-invalid', 'no manifest among the chosen files', 'Choose the model.manifest.json that maps your columns to the model inputs (docs/model-manifest.md).');
  if (onnx.length === 1) return { files: [onnx[0]], manifest, modelName: onnx[0].name };
  const base = chosen.find((f) => f.name.toLowerCase().endsWith('.json'))?.name ?? 'model';
  return { files: [modelJson!, ...rest], manifest, modelName: base };
}
