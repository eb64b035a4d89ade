/**
 * The page's model file picker (src/client/model-files.ts sortModelFiles): which of the chosen
 * files is the model — a Layers or graph model.json with its shards, or one .onnx file — and
 * which the manifest, and the refusals when the choice holds no model, two models or no manifest.
 */
import { describe, expect, it } from 'vitest';
import { sortModelFiles } from '../../src/client/model-files';
import { rejects } from './synthetic';

const file = (name: string, content: string | Uint8Array) => {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { name, arrayBuffer: async () => bytes.slice().buffer };
};
const manifest = { format: 'bias-workbench.manifest/1', target: { column: 'y', positive: '1' }, features: [], output: 'probability' };
const manifestFile = file('model.manifest.json', JSON.stringify(manifest));
const layersJson = file('model.json', JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: [] }));
const graphJson = file('model.json', JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
const shard = file('group1-shard1of1.bin', new Uint8Array(8));
const onnx = file('gbm.onnx', new Uint8Array([0x08, 0x08, 0x12, 0x04]));

describe('sortModelFiles', () => {
  it('takes a Layers model.json with its shards and the manifest', async () => {
    const s = await sortModelFiles([shard, manifestFile, layersJson]);
    expect(s.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(s.manifest).toEqual(manifest);
  });

  it('takes a graph model.json with its shards', async () => {
    const s = await sortModelFiles([graphJson, shard, manifestFile]);
    expect(s.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(s.modelName).toBe('model.json');
  });

  it('takes one .onnx file with the manifest, named after the file', async () => {
    const s = await sortModelFiles([manifestFile, onnx]);
    expect(s.files.map((f) => f.name)).toEqual(['gbm.onnx']);
    expect(new Uint8Array(s.files[0].data)).toEqual(new Uint8Array([0x08, 0x08, 0x12, 0x04]));
    expect(s.modelName).toBe('gbm.onnx');
    expect(s.manifest).toEqual(manifest);
  });

  it('refuses a choice without a model, with two models, or without a manifest', async () => {
    let e = await rejects(sortModelFiles([manifestFile, shard]));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/no model among the chosen files/);
    e = await rejects(sortModelFiles([onnx, graphJson, shard, manifestFile]));
    expect(e.message).toMatch(/both an ONNX model \(gbm.onnx\) and a TensorFlow.js model.json/);
    e = await rejects(sortModelFiles([onnx, file('other.onnx', new Uint8Array(2)), manifestFile]));
    expect(e.message).toMatch(/2 ONNX files/);
    e = await rejects(sortModelFiles([onnx]));
    expect(e.code).toBe('manifest-invalid');
  });
});
