/** Read a tfjs Layers model (model.json + the shards it names) and its manifest from disk. */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WorkbenchError } from '../core/errors';
import { validateManifest, type Manifest } from '../core/manifest';
import { loadLayersModelFromFiles } from '../core/model';
import type { tf } from '../core/tf';

export async function loadModelFromDisk(modelPath: string, manifestPath?: string): Promise<{ model: tf.LayersModel; manifest: Manifest; manifestPath: string }> {
  if (!existsSync(modelPath)) throw new WorkbenchError('model-invalid', `cannot read ${modelPath}: no such file`, 'Pass the path of the model.json written by tensorflowjs_converter or model.save.');
  const dir = dirname(modelPath);
  const modelBytes = await readFile(modelPath);
  let json: { weightsManifest?: { paths?: string[] }[] };
  try {
    json = JSON.parse(modelBytes.toString('utf8'));
  } catch {
    throw new WorkbenchError('model-invalid', `${modelPath} is not valid JSON`, 'Pass the model.json of a TensorFlow.js Layers model.');
  }
  const files: { name: string; data: Uint8Array }[] = [{ name: basename(modelPath), data: new Uint8Array(modelBytes) }];
  for (const group of json.weightsManifest ?? []) {
    for (const p of group.paths ?? []) {
      const full = join(dir, p);
      if (existsSync(full)) files.push({ name: p, data: new Uint8Array(await readFile(full)) });
    }
  }
  const mPath = manifestPath ?? join(dir, 'model.manifest.json');
  if (!existsSync(mPath))
    throw new WorkbenchError('manifest-invalid', `no manifest at ${mPath}`, 'Pass --manifest FILE, or put model.manifest.json beside model.json (docs/model-manifest.md).');
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(await readFile(mPath, 'utf8'));
  } catch {
    throw new WorkbenchError('manifest-invalid', `${mPath} is not valid JSON`, 'Fix the manifest file (docs/model-manifest.md).');
  }
  const manifest = validateManifest(manifestJson);
  const model = await loadLayersModelFromFiles(files);
  return { model, manifest, manifestPath: mPath };
}
