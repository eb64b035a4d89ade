/**
 * One thread of the CLI's explain pool (./explain-pool.ts): sets up the tfjs backend, opens the
 * model from its files, says 'ready', then explains each chunk of rows it is sent and posts
 * the chunk's values back. Errors go back as { code, message, hint }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WorkbenchError } from '../core/errors';
import { setupNodeBackend } from './backend';
import { explainChunk, type ChunkResult, type PoolJob } from './explain-pool';
import { openModelFromDisk } from './load-model';

const port = parentPort!;
const { modelPath, manifestPath, job } = workerData as { modelPath: string; manifestPath: string; job: PoolJob };

function report(e: unknown): void {
  if (e instanceof WorkbenchError) port.postMessage({ type: 'error', code: e.code, message: e.message, hint: e.hint });
  else port.postMessage({ type: 'error', code: 'internal', message: e instanceof Error ? e.message : String(e) });
}

try {
  await setupNodeBackend();
  const { opened } = await openModelFromDisk(modelPath, manifestPath);
  const scorer = opened.scorer;
  port.on('message', (m: { type: 'chunk'; start: number; n: number }) => {
    explainChunk(scorer, job, m.start, m.n).then(
      (chunk: ChunkResult) => port.postMessage({ type: 'done', chunk }, [chunk.values.buffer as ArrayBuffer, chunk.errors.buffer as ArrayBuffer, chunk.predictions.buffer as ArrayBuffer]),
      report,
    );
  });
  port.postMessage({ type: 'ready' });
} catch (e) {
  report(e);
}
