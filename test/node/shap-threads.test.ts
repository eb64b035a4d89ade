/**
 * `bias-workbench explain --threads N`: the rows are explained in fixed chunks, on worker
 * threads when N > 1, and the values do not depend on N; --sampling picks the permutations.
 * The model is the 8-column peer MLP saved as a TensorFlow.js Layers model (bench/shap-fixture.ts).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run } from './cli-harness';
import { setupTf } from './tf-setup';
import { writeShapWorkload, type ShapWorkload } from '../../bench/shap-fixture';
import { explainInChunks, explainOnThreads, mergeChunks, type ChunkResult, type PoolJob } from '../../src/cli/explain-pool';
import { openModelFromDisk } from '../../src/cli/load-model';
import { chunkRows, rowChunks, singleInputPlayers } from '../../src/core/explain';

afterEach(() => vi.restoreAllMocks());

interface ExplainJson {
  method: string;
  sampling?: string;
  threads: number;
  baseValue: number;
  evaluations: number;
  rows: { prediction: number; values: number[]; errors: (number | null)[] }[];
}

let w: ShapWorkload;
beforeAll(async () => {
  await setupTf();
  w = await writeShapWorkload(makeTempDir('bw-shap-threads-'), 40);
});

async function explainWith(extra: string[]): Promise<ExplainJson> {
  const out = join(w.dir, `out-${extra.join('_')}.json`);
  const r = await run([
    'explain', '--data', w.rows, '--rows', '40', '--background-from', w.background, '--model', w.model, '--manifest', w.manifest,
    '--method', 'permutation', '--permutations', '5', '--seed', '3', '--out', out, ...extra,
  ]);
  expect(r.err).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as ExplainJson;
}

describe('explain on worker threads', () => {
  it('1 and 2 threads give identical values, errors, predictions and evaluation counts', async () => {
    const one = await explainWith(['--threads', '1']);
    const two = await explainWith(['--threads', '2']);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.rows).toEqual(one.rows);
    expect(two.baseValue).toBe(one.baseValue);
    expect(two.evaluations).toBe(one.evaluations);
    expect(one.sampling).toBe('orthogonal');
    // efficiency holds on the merged result
    for (const row of two.rows) expect(Math.abs(two.baseValue + row.values.reduce((a, b) => a + b, 0) - row.prediction)).toBeLessThan(1e-9);
  }, 60_000);

  it('--sampling antithetic gives other (still efficient) values; a bad --threads or --sampling is a usage error', async () => {
    const orth = await explainWith(['--threads', '1']);
    const anti = await explainWith(['--threads', '1', '--sampling', 'antithetic']);
    expect(anti.sampling).toBe('antithetic');
    expect(anti.rows.map((r) => r.values)).not.toEqual(orth.rows.map((r) => r.values));
    for (const row of anti.rows) expect(Math.abs(anti.baseValue + row.values.reduce((a, b) => a + b, 0) - row.prediction)).toBeLessThan(1e-9);
    for (const bad of [['--threads', '0'], ['--threads', 'x'], ['--sampling', 'sobol']]) {
      const r = await run(['explain', '--data', w.rows, '--model', w.model, ...bad]);
      expect(r.code).toBe(2);
    }
  }, 60_000);
});

describe('the pool itself', () => {
  it('workers alone (no chunk on this thread) give the values of the chunks run here, for exact and permutation', async () => {
    const { opened } = await openModelFromDisk(w.model, w.manifest);
    try {
      for (const options of [{ method: 'permutation' as const, permutations: 3, seed: 9 }, { method: 'exact' as const }]) {
        const job: PoolJob = { X: w.X, nRows: w.nRows, background: w.bg, nBackground: w.nBackground, players: singleInputPlayers(8), options };
        const here = await explainInChunks(opened.scorer, job);
        const pooled = await explainOnThreads(opened.scorer, job, 2, w.model, w.manifest, { mainThread: false });
        expect(Array.from(pooled.values)).toEqual(Array.from(here.values));
        expect(Array.from(pooled.errors)).toEqual(Array.from(here.errors));
        expect(Array.from(pooled.predictions)).toEqual(Array.from(here.predictions));
        expect(pooled.evaluations).toBe(here.evaluations);
        expect(pooled.method).toBe(options.method);
      }
    } finally {
      opened.dispose();
    }
  }, 60_000);

  it('this thread lets the event loop turn between its chunks, so workers are heard while it computes', async () => {
    // the wasm scorer answers through microtasks: without a turn of the event loop between
    // chunks, no worker message (its 'ready', its chunks) was read until this thread had done
    // every chunk itself, and the second thread never helped
    const { opened } = await openModelFromDisk(w.model, w.manifest);
    try {
      const job: PoolJob = { X: w.X, nRows: w.nRows, background: w.bg, nBackground: w.nBackground, players: singleInputPlayers(8), options: { method: 'permutation', permutations: 2 } };
      let timerFired = false;
      const firedByChunk: boolean[] = [];
      setTimeout(() => (timerFired = true), 0);
      await explainOnThreads(opened.scorer, job, 2, w.model, w.manifest, { onChunk: (_c, by) => by === 'this thread' && firedByChunk.push(timerFired) });
      expect(firedByChunk.length).toBeGreaterThanOrEqual(3);
      // a timer set before the run has fired by the time this thread finishes its third chunk
      expect(firedByChunk[2]).toBe(true);
    } finally {
      opened.dispose();
    }
  }, 60_000);

  it('a worker that cannot open the model leaves the work to this thread, with the same values', async () => {
    const { opened } = await openModelFromDisk(w.model, w.manifest);
    try {
      const job: PoolJob = { X: w.X, nRows: w.nRows, background: w.bg, nBackground: w.nBackground, players: singleInputPlayers(8), options: { method: 'permutation', permutations: 2 } };
      const here = await explainInChunks(opened.scorer, job);
      const pooled = await explainOnThreads(opened.scorer, job, 2, join(w.dir, 'no-such-model.json'), w.manifest, { mainThread: false });
      expect(Array.from(pooled.values)).toEqual(Array.from(here.values));
    } finally {
      opened.dispose();
    }
  }, 60_000);
});

describe('chunks and their merge', () => {
  it('chunk size depends on the row count only; merge puts chunks in row order whatever order they arrive in', () => {
    expect(chunkRows(10)).toBe(8);
    expect(chunkRows(1000)).toBe(16);
    expect(rowChunks(20)).toEqual([{ start: 0, n: 8 }, { start: 8, n: 8 }, { start: 16, n: 4 }]);
    const players = singleInputPlayers(2);
    const job: PoolJob = { X: new Float32Array(6), nRows: 3, background: new Float32Array(2), nBackground: 1, players, options: { method: 'permutation', permutations: 2 } };
    const chunk = (start: number, n: number, v: number): ChunkResult => ({
      start, nRows: n, method: 'permutation', baseValue: 0.5, predictions: new Float64Array(n).fill(v), values: new Float64Array(2 * n).fill(v),
      errors: new Float64Array(2 * n), evaluations: 10 * n, plannedEvaluations: 20 * n, batches: 1, modelSeconds: 0.5,
    });
    const m = mergeChunks(job, [chunk(2, 1, 3), chunk(0, 2, 1)]);
    expect(Array.from(m.values)).toEqual([1, 1, 1, 1, 3, 3]);
    expect(Array.from(m.predictions)).toEqual([1, 1, 3]);
    expect(m.evaluations).toBe(30);
    expect(m.batches).toBe(2);
    expect(m.modelSeconds).toBe(1);
  });
});
