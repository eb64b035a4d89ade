/**
 * Reading a model and its manifest from disk: a TensorFlow.js Layers model (model.json + the
 * shards it names) or an ONNX file (.onnx, run by onnxruntime-web's wasm build, loaded only
 * when an ONNX model is opened). The manifest is `--manifest FILE`, else, beside the model,
 * `<name>.manifest.json` (ONNX only) or `model.manifest.json`.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WorkbenchError } from '../core/errors';
import { validateManifest, type Manifest } from '../core/manifest';
import { loadLayersModelFromFiles } from '../core/model';
import type { OrtModule } from '../core/onnx';
import { openModel, type ModelFile, type OpenedModel } from '../core/open-model';
import type { tf } from '../core/tf';

/** onnxruntime-web for Node: its wasm build, one thread (no worker threads to start). */
export async function loadOrtNode(): Promise<OrtModule> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  return ort as unknown as OrtModule;
}

function isOnnxPath(p: string): boolean {
  return p.toLowerCase().endsWith('.onnx');
}

/** model.json and the weight shards it lists that exist beside it. */
async function readLayersFiles(modelPath: string): Promise<ModelFile[]> {
  if (!existsSync(modelPath)) throw new WorkbenchError('model-invalid', `cannot read ${modelPath}: no such file`, 'Pass the path of the model.json written by tensorflowjs_converter or model.save.');
  const dir = dirname(modelPath);
  const modelBytes = await readFile(modelPath);
  let json: { weightsManifest?: { paths?: string[] }[] };
  try {
    json = JSON.parse(modelBytes.toString('utf8'));
  } catch {
    throw new WorkbenchError('model-invalid', `${modelPath} is not valid JSON`, 'Pass the model.json of a TensorFlow.js Layers model.');
  }
  const files: ModelFile[] = [{ name: basename(modelPath), data: new Uint8Array(modelBytes) }];
  for (const group of json.weightsManifest ?? []) {
    for (const p of group.paths ?? []) {
      const full = join(dir, p);
      if (existsSync(full)) files.push({ name: p, data: new Uint8Array(await readFile(full)) });
    }
  }
  return files;
}

async function readOnnxFile(modelPath: string): Promise<ModelFile[]> {
  if (!existsSync(modelPath)) throw new WorkbenchError('model-invalid', `cannot read ${modelPath}: no such file`, 'Pass the path of the .onnx file (skl2onnx, onnxmltools, tf2onnx or torch.onnx.export write one).');
  return [{ name: basename(modelPath), data: new Uint8Array(await readFile(modelPath)) }];
}

/** The manifest's path: the one given, else `<name>.manifest.json` (ONNX) or `model.manifest.json` beside the model. */
function manifestPathFor(modelPath: string, given: string | undefined): string {
  if (given) return given;
  const dir = dirname(modelPath);
  if (isOnnxPath(modelPath)) {
    const own = join(dir, `${basename(modelPath).replace(/\.onnx$/i, '')}.manifest.json`);
    if (existsSync(own) || !existsSync(join(dir, 'model.manifest.json'))) return own;
  }
  return join(dir, 'model.manifest.json');
}

async function readManifest(mPath: string, modelPath: string): Promise<Manifest> {
  if (!existsSync(mPath)) {
    const beside = isOnnxPath(modelPath) ? `${basename(mPath)} (or model.manifest.json) beside ${basename(modelPath)}` : 'model.manifest.json beside model.json';
    throw new WorkbenchError('manifest-invalid', `no manifest at ${mPath}`, `Pass --manifest FILE, or put ${beside} (docs/model-manifest.md).`);
  }
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(await readFile(mPath, 'utf8'));
  } catch {
    throw new WorkbenchError('manifest-invalid', `${mPath} is not valid JSON`, 'Fix the manifest file (docs/model-manifest.md).');
  }
  return validateManifest(manifestJson);
}

/** A tfjs Layers model and its manifest (the commands that retrain or save need the Layers model itself). */
export async function loadModelFromDisk(modelPath: string, manifestPath?: string): Promise<{ model: tf.LayersModel; manifest: Manifest; manifestPath: string }> {
  if (isOnnxPath(modelPath)) {
    throw new WorkbenchError('model-invalid', `${basename(modelPath)} is an ONNX model; this command needs a TensorFlow.js Layers model (model.json)`,
      'score, audit, explain and importance take ONNX models; compare retrains the model and needs a Layers model.');
  }
  const files = await readLayersFiles(modelPath);
  const mPath = manifestPathFor(modelPath, manifestPath);
  const manifest = await readManifest(mPath, modelPath);
  const model = await loadLayersModelFromFiles(files);
  return { model, manifest, manifestPath: mPath };
}

/** Any model the CLI can score with (Layers or ONNX), opened under its manifest. */
export async function openModelFromDisk(modelPath: string, manifestPath?: string): Promise<{ opened: OpenedModel; manifest: Manifest; manifestPath: string }> {
  const files = isOnnxPath(modelPath) ? await readOnnxFile(modelPath) : await readLayersFiles(modelPath);
  const mPath = manifestPathFor(modelPath, manifestPath);
  const manifest = await readManifest(mPath, modelPath);
  const opened = await openModel(files, manifest, { ort: loadOrtNode });
  return { opened, manifest, manifestPath: mPath };
}
