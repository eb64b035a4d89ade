/**
 * Sort the files a user chose for "load model": the tfjs model.json, its weight shards, and
 * the Bias Workbench manifest. Names are not trusted alone: JSON files are recognised by content.
 */
import { WorkbenchError } from '../core/errors';

export interface SortedModelFiles {
  files: { name: string; data: ArrayBuffer }[];
  manifest: unknown;
  modelName: string;
}

export async function sortModelFiles(chosen: { name: string; arrayBuffer(): Promise<ArrayBuffer> }[]): Promise<SortedModelFiles> {
  const read = await Promise.all(chosen.map(async (f) => ({ name: f.name, data: await f.arrayBuffer() })));
  let manifest: unknown;
  let modelJson: { name: string; data: ArrayBuffer } | undefined;
  const rest: { name: string; data: ArrayBuffer }[] = [];
  for (const f of read) {
    if (f.name.toLowerCase().endsWith('.json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(f.data));
      } catch {
        throw new WorkbenchError('model-invalid', `${f.name} is not valid JSON`, 'Choose the model.json written by tensorflowjs_converter or model.save, and the manifest.');
      }
      if (parsed && typeof parsed === 'object' && 'modelTopology' in parsed) modelJson = { name: 'model.json', data: f.data };
      else if (parsed && typeof parsed === 'object' && ('format' in parsed || 'features' in parsed)) manifest = parsed;
      else throw new WorkbenchError('model-invalid', `${f.name} is neither a TensorFlow.js model.json nor a Bias Workbench manifest`, 'See docs/model-manifest.md.');
    } else {
      rest.push(f);
    }
  }
  if (!modelJson) throw new WorkbenchError('model-invalid', 'no model.json among the chosen files', 'Choose model.json, its .bin weight files and its manifest together.');
  if (manifest === undefined)
    throw new WorkbenchError('manifest-invalid', 'no manifest among the chosen files', 'Choose the model.manifest.json that maps your columns to the model inputs (docs/model-manifest.md).');
  const base = chosen.find((f) => f.name.toLowerCase().endsWith('.json'))?.name ?? 'model';
  return { files: [modelJson, ...rest], manifest, modelName: base };
}
