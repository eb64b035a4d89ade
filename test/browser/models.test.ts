/**
 * Real headless Chromium: models in every format opened by the real worker (core's openModel
 * behind the worker's loadModel) score the fixtures' data equal to their reference values to
 * 1e-6 — a TensorFlow.js graph model (test/fixtures/graph) and the ONNX models of
 * test/fixtures/onnx on onnxruntime-web's wasm build, fetched from our own origin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkbenchBridge, type WorkbenchBridge } from '../../src/client/workbench';

let bridges: { dispose(): void }[] = [];
afterEach(() => {
  for (const b of bridges) b.dispose();
  bridges = [];
});

function bridge(): WorkbenchBridge {
  const b = createWorkbenchBridge();
  bridges.push(b);
  return b;
}

async function bytes(path: string): Promise<Uint8Array> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
async function json<T>(path: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await bytes(path))) as T;
}

function expectClose(scores: Float32Array, reference: number[], tolerance = 1e-6): void {
  expect(scores.length).toBe(reference.length);
  let worst = 0;
  for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(scores[i] - reference[i]));
  expect(worst).toBeLessThan(tolerance);
}

describe('models of every format in the worker', () => {
  it('scores the graph fixture equal to its float64 reference, and releasing it frees its tensors', async () => {
    const b = bridge();
    const dir = '/test/fixtures/graph/';
    await b.call(undefined, async (api) => api.loadCsv({ id: 'd', source: { kind: 'bytes', bytes: await bytes(dir + 'data.csv'), name: 'data.csv' } }));
    await b.call(undefined, (api) => api.backend());
    const before = await b.call(undefined, (api) => api.tensorCount());
    const files = [
      { name: 'model.json', data: await bytes(dir + 'model.json') },
      { name: 'group1-shard1of1.bin', data: await bytes(dir + 'group1-shard1of1.bin') },
    ];
    const manifest = await json<unknown>(dir + 'model.manifest.json');
    const summary = await b.call(undefined, (api) => api.loadModel({ id: 'm', files, manifest, name: 'graph', fitDataset: 'd' }));
    expect(summary.format).toBe('tfjs-graph');
    expect(summary.can).toEqual({ explain: true, export: false });
    expect(summary.layers).toContain('input serving_default_x [N, 5] float32');
    const { scores: reference } = await json<{ scores: number[] }>(dir + 'reference.json');
    expectClose(await b.call(undefined, (api) => api.scores({ dataset: 'd', model: 'm' })), reference);
    await b.call(undefined, (api) => api.release('m'));
    expect(await b.call(undefined, (api) => api.tensorCount())).toBe(before);
  });

  for (const name of ['logistic', 'pipeline', 'trees']) {
    it(`scores the ONNX fixture ${name}.onnx equal to its float64 reference on onnxruntime-web's wasm build`, async () => {
      const b = bridge();
      const dir = '/test/fixtures/onnx/';
      await b.call(undefined, async (api) => api.loadCsv({ id: 'd', source: { kind: 'bytes', bytes: await bytes(dir + 'data.csv'), name: 'data.csv' } }));
      const files = [{ name: `${name}.onnx`, data: await bytes(`${dir}${name}.onnx`) }];
      const manifest = await json<unknown>(`${dir}${name}.manifest.json`);
      const summary = await b.call(undefined, (api) => api.loadModel({ id: 'm', files, manifest, name, fitDataset: 'd' }));
      expect(summary.format).toBe('onnx');
      expect(summary.can).toEqual({ explain: true, export: false });
      expect(summary.layers.length).toBeGreaterThan(0);
      const { scores: reference } = await json<{ scores: number[] }>(`${dir}${name}.reference.json`);
      expectClose(await b.call(undefined, (api) => api.scores({ dataset: 'd', model: 'm' })), reference);
      // released, the session is gone; loaded again (the runtime already in the worker), the same scores
      await b.call(undefined, (api) => api.release('m'));
      await b.call(undefined, (api) => api.loadModel({ id: 'm2', files, manifest, name }));
      expectClose(await b.call(undefined, (api) => api.scores({ dataset: 'd', model: 'm2' })), reference);
    });
  }
});
