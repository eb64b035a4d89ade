/**
 * Explanations across the worker pool in real Chromium: the pool's merged result equals one
 * worker's, efficiency holds per row, and cancelling one run leaves the pool usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchSession } from '../../src/client/session';
import { isAbortError } from '../../src/client/bridge';
import type { DatasetSummary, ModelSummary } from '../../workers/workbench.worker';

let session: WorkbenchSession;
let ds: DatasetSummary;
let model: ModelSummary;

async function bytes(path: string): Promise<ArrayBuffer> {
  return (await fetch(path)).arrayBuffer();
}

beforeAll(async () => {
  session = new WorkbenchSession();
  ds = await session.loadCsv({ kind: 'url', url: new URL('/demo/bank/bank-full.csv', location.href).href, name: 'bank-full.csv' }, {});
  const manifest = JSON.parse(new TextDecoder().decode(await bytes('/demo/bank/model.manifest.json')));
  model = await session.loadModel(
    [
      { name: 'model.json', data: await bytes('/demo/bank/model.json') },
      { name: 'model.weights.bin', data: await bytes('/demo/bank/model.weights.bin') },
    ],
    manifest,
    'demo',
  );
});
afterAll(() => session.dispose());

const options = { background: { kind: 'sample' as const, size: 20, seed: 7 }, method: 'permutation' as const, permutations: 4, output: 'probability' as const, seed: 3 };

describe('explanations on the worker pool', () => {
  it('splits rows across workers and equals a single-worker run', async () => {
    const rows = Uint32Array.from({ length: 24 }, (_, i) => i * 97);
    let progress = 0;
    const pooled = await session.explain(ds.id, model.id, rows, options, (d) => (progress = d));
    expect(pooled.workers).toBe(Math.min(session.poolSize, 3));
    expect(pooled.nRows).toBe(24);
    expect(progress).toBeGreaterThan(0);
    const M = pooled.nPlayers;
    for (let r = 0; r < pooled.nRows; r++) {
      let sum = pooled.baseValue;
      for (let j = 0; j < M; j++) sum += pooled.values[r * M + j];
      expect(sum).toBeCloseTo(pooled.predictions[r], 6);
    }
    const single = await session.audit.call(undefined, (api) => api.explainRows({ dataset: ds.id, model: model.id, job: { ...options, rows, rowIndexOffset: 0 } }));
    expect(Array.from(single.values)).toEqual(Array.from(pooled.values));
  });

  it('cancels a long explanation and explains again afterwards', async () => {
    const controller = new AbortController();
    const rows = Uint32Array.from({ length: 2000 }, (_, i) => i);
    const long = session.explain(ds.id, model.id, rows, { ...options, background: { kind: 'sample', size: 100, seed: 1 }, permutations: 10 }, undefined, controller.signal);
    setTimeout(() => controller.abort(), 300);
    await expect(long).rejects.toSatisfy(isAbortError);
    const again = await session.explain(ds.id, model.id, Uint32Array.of(1, 2, 3, 4), options);
    expect(again.nRows).toBe(4);
  });
});
