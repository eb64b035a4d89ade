/**
 * core's inspectModelFiles, what the page's manifest writer reads from model files chosen
 * without a manifest: an ONNX model's inputs, outputs, class labels and ZipMaps (an input per
 * column → no row width), the [N, F] width of a row-input ONNX model, a graph model and a
 * Layers model.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectModelFiles, type ModelFile } from '../../src/core/open-model';
import { loadOrtNode } from '../../src/cli/load-model';
import { setupNodeBackend } from '../../src/cli/backend';
import { onnxDir } from './onnx-fixtures';
import { demo, root } from './cli-harness';

const file = (dir: string, name: string): ModelFile => ({ name, data: new Uint8Array(readFileSync(join(dir, name))) });

beforeAll(async () => {
  await setupNodeBackend();
});

describe('inspectModelFiles', () => {
  it('reads the named inputs, outputs, classes and ZipMap of the skl2onnx-shaped pipeline', async () => {
    const r = await inspectModelFiles([file(onnxDir, 'pipeline.onnx')], { ort: loadOrtNode });
    expect(r.format).toBe('onnx');
    expect(r.inputWidth).toBeNull();
    expect(r.onnx!.inputs.map((i) => `${i.name}:${i.type}`)).toEqual(['age:float32', 'campaign:int64', 'job:string']);
    expect(r.onnx!.classLabels).toEqual(['no', 'yes']);
    expect(r.onnx!.zipMaps).toEqual([{ output: 'output_probability', tensor: 'probabilities' }]);
    expect(r.describe).toContain("output 'output_probability' map");
  });

  it('gives the row width of a one-input ONNX, graph and Layers model', async () => {
    expect((await inspectModelFiles([file(onnxDir, 'logistic.onnx')], { ort: loadOrtNode })).inputWidth).toBe(7);
    expect((await inspectModelFiles([file(onnxDir, 'trees.onnx')], { ort: loadOrtNode })).inputWidth).toBe(5);
    const graph = join(root, 'test/fixtures/graph');
    const g = await inspectModelFiles([file(graph, 'model.json'), file(graph, 'group1-shard1of1.bin')]);
    expect(g).toMatchObject({ format: 'tfjs-graph', inputWidth: 5, onnx: null });
    const l = await inspectModelFiles([file(demo, 'model.json'), file(demo, 'model.weights.bin')]);
    expect(l).toMatchObject({ format: 'tfjs-layers', inputWidth: 50, onnx: null });
  });
});
