/**
 * Shapley values on a pool of Node worker threads, as the page explains on its pool of Web
 * Workers: the explained rows are cut into chunks whose size depends on the number of rows
 * only, the workers take chunks as they free up, and each chunk's values are written at its
 * rows' places. A row's permutations come from its own seeded stream (rowIndexOffset), and a
 * chunk's model batches do not depend on which thread runs it, so the values are the same on
 * 1 thread (the chunks run here, in order) or on any number of threads.
 *
 * Each worker (./explain-worker.ts) opens the model itself from its files and sets up the
 * same tfjs backend as the main thread; the main thread computes chunks too, so nothing waits
 * for the workers to start.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { WorkbenchError, type ProblemCode } from '../core/errors';
import { explain, rowChunks, type ExplainOptions, type Player, type ShapleyInput, type ShapleyResult } from '../core/explain';

/** What a worker needs besides the model: everything in ShapleyInput but the scorer. */
export interface PoolJob {
  X: Float32Array;
  nRows: number;
  background: Float32Array;
  nBackground: number;
  backgroundWeights?: ArrayLike<number>;
  players: readonly Player[];
  options: Pick<ExplainOptions, 'method' | 'permutations' | 'seed' | 'output' | 'sampling' | 'logitClip' | 'batchRows'>;
}

/** One chunk's result, as a worker posts it back. */
export interface ChunkResult {
  start: number;
  nRows: number;
  method: ShapleyResult['method'];
  baseValue: number;
  predictions: Float64Array;
  values: Float64Array;
  errors: Float64Array;
  evaluations: number;
  plannedEvaluations: number;
  batches: number;
  modelSeconds: number;
}

/** Threads to use: the flag's number, or (auto) one per core when the work is worth a start-up. */
export function resolveThreads(flag: number | 'auto', maxEvaluations: number): number {
  if (flag !== 'auto') return Math.max(1, Math.floor(flag));
  // a worker takes ~0.3–0.5 s to load tfjs and the model; below ~2 M model rows one thread wins
  return maxEvaluations >= 2e6 ? availableParallelism() : 1;
}

/** Explains rows [start, start + n) of the job with this scorer (on whichever thread holds it). */
export async function explainChunk(scorer: ShapleyInput['scorer'], job: PoolJob, start: number, n: number): Promise<ChunkResult> {
  const width = scorer.nFeatures;
  const r = await explain(
    {
      scorer,
      X: job.X.subarray(start * width, (start + n) * width),
      nRows: n,
      background: job.background,
      nBackground: job.nBackground,
      ...(job.backgroundWeights ? { backgroundWeights: job.backgroundWeights } : {}),
      players: job.players,
    },
    { ...job.options, rowIndexOffset: start },
  );
  return {
    start, nRows: n, method: r.method, baseValue: r.baseValue, predictions: r.predictions, values: r.values, errors: r.errors,
    evaluations: r.evaluations, plannedEvaluations: r.plannedEvaluations, batches: r.batches, modelSeconds: r.modelSeconds ?? 0,
  };
}

/** Places chunk results (any order) into one result, in row order; sums are in chunk order. */
export function mergeChunks(job: PoolJob, chunks: ChunkResult[]): ShapleyResult {
  const M = job.players.length;
  const N = job.nRows;
  const sorted = [...chunks].sort((a, b) => a.start - b.start);
  const first = sorted[0];
  const res: ShapleyResult = {
    method: first?.method ?? (job.options.method === 'exact' ? 'exact' : 'permutation'),
    output: job.options.output ?? 'probability',
    players: job.players.map((p) => ({ ...p })),
    nRows: N,
    nPlayers: M,
    baseValue: first?.baseValue ?? NaN,
    predictions: new Float64Array(N),
    values: new Float64Array(N * M),
    errors: new Float64Array(N * M),
    permutations: first?.method === 'exact' ? 0 : (job.options.permutations ?? 0),
    evaluations: 0,
    plannedEvaluations: 0,
    batches: 0,
    modelSeconds: 0,
  };
  if (res.method === 'permutation' && job.options.sampling) res.sampling = job.options.sampling;
  for (const c of sorted) {
    res.predictions.set(c.predictions, c.start);
    res.values.set(c.values, c.start * M);
    res.errors.set(c.errors, c.start * M);
    res.evaluations += c.evaluations;
    res.plannedEvaluations += c.plannedEvaluations;
    res.batches += c.batches;
    res.modelSeconds! += c.modelSeconds;
  }
  return res;
}

/** The chunks run here, one after another, on the main thread's scorer. */
export async function explainInChunks(scorer: ShapleyInput['scorer'], job: PoolJob): Promise<ShapleyResult> {
  const results: ChunkResult[] = [];
  for (const c of rowChunks(job.nRows)) results.push(await explainChunk(scorer, job, c.start, c.n));
  return mergeChunks(job, results);
}

/** Where the worker's code is: compiled beside the compiled CLI, else the TypeScript source through tsx. */
function workerEntry(): { code: string } {
  const here = import.meta.url;
  const compiled = here.endsWith('.mjs');
  const entry = new URL(compiled ? './explain-worker.mjs' : './explain-worker.ts', here).href;
  const tsx = compiled ? null : import.meta.resolve('tsx/esm/api');
  // an eval'd CommonJS bootstrap: register tsx in this thread when running from source, then load the worker
  const code =
    `(async () => {` +
    (tsx ? ` const { register } = await import(${JSON.stringify(tsx)}); register();` : '') +
    ` await import(${JSON.stringify(entry)}); })().catch((e) => { require('node:worker_threads').parentPort.postMessage({ type: 'error', code: 'internal', message: String(e && e.stack || e) }); });`;
  return { code };
}

type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; chunk: ChunkResult }
  | { type: 'error'; code: string; message: string; hint?: string };

/** Chunks a worker holds at once: one running, one waiting, so it never idles on the main thread. */
const IN_FLIGHT = 2;

/**
 * Explains the job on `threads` threads: this one, with `scorer`, and threads − 1 workers, each
 * opening the model at modelPath (manifest at manifestPath). This thread starts on the chunks at
 * once and the workers join as they finish loading (`mainThread: false`: only the `threads`
 * workers compute). Resolves when every chunk is back; the first error stops them all.
 */
export async function explainOnThreads(
  scorer: ShapleyInput['scorer'],
  job: PoolJob,
  threads: number,
  modelPath: string,
  manifestPath: string,
  {
    mainThread = true,
    onChunk,
  }: {
    mainThread?: boolean;
    /** called as each chunk comes back, with who ran it */
    onChunk?: (chunk: ChunkResult, by: 'this thread' | 'worker') => void;
  } = {},
): Promise<ShapleyResult> {
  const chunks = rowChunks(job.nRows);
  const nWorkers = mainThread ? Math.max(0, Math.min(threads - 1, chunks.length - 1)) : Math.max(1, Math.min(threads, chunks.length));
  const { code } = workerEntry();
  const workers: Worker[] = [];
  const results: ChunkResult[] = [];
  let next = 0;
  let failure: Error | null = null;
  let alive = nWorkers;
  let wake: (() => void) | null = null as (() => void) | null;
  const settle = (): void => {
    wake?.();
    wake = null;
  };
  const fail = (e: Error): void => {
    failure ??= e;
    settle();
  };
  const give = (w: Worker): void => {
    if (failure || next >= chunks.length) return;
    const c = chunks[next++];
    w.postMessage({ type: 'chunk', start: c.start, n: c.n });
  };
  try {
    for (let k = 0; k < nWorkers; k++) {
      const w = new Worker(code, { eval: true, workerData: { modelPath, manifestPath, job } });
      workers.push(w);
      // a worker that cannot start holds no chunk: the others (and this thread) do its share
      let ready = false;
      let gone = false;
      const lost = (e: Error): void => {
        if (ready) return fail(e);
        if (gone) return;
        gone = true;
        alive--;
        void w.terminate();
        settle();
      };
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          ready = true;
          for (let q = 0; q < IN_FLIGHT; q++) give(w);
        } else if (m.type === 'done') {
          results.push(m.chunk);
          onChunk?.(m.chunk, 'worker');
          give(w);
          settle();
        } else lost(new WorkbenchError(m.code as ProblemCode, m.message, m.hint));
      });
      w.on('error', (e) => lost(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (exitCode) => {
        if (exitCode !== 0 && !failure) lost(new WorkbenchError('internal', `an explain worker thread stopped (exit code ${exitCode})`));
      });
    }
    // this thread takes chunks too (or, when no worker could start, all that are left)
    for (;;) {
      if (failure) throw failure;
      if (results.length === chunks.length) break;
      if ((mainThread || alive === 0) && next < chunks.length) {
        const c = chunks[next++];
        const done = await explainChunk(scorer, job, c.start, c.n);
        results.push(done);
        onChunk?.(done, 'this thread');
        // a chunk's awaits settle as microtasks (the wasm backend answers at once), so without
        // this turn of the event loop no worker message (its 'ready', a finished chunk) would
        // be read until this thread had done every chunk itself
        await new Promise<void>((r) => setImmediate(r));
        continue;
      }
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return mergeChunks(job, results);
}
