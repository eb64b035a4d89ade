/**
 * One bridge per worker: comlink wrap, lazy start, abort by termination, progress proxies.
 *
 * Abort = terminate the worker and reject every pending call with an AbortError; the next
 * call starts a fresh worker. Because state lives in the worker behind handles, the bridge
 * runs `onRestart` (a replay of whatever the session had loaded) before the next call, so a
 * cancel never loses the user's dataset or model.
 */
import * as Comlink from 'comlink';
import { WorkbenchError, toProblem, type Problem } from '../core/errors';

export class AbortError extends Error {
  constructor(message = 'The job was cancelled.') {
    super(message);
    this.name = 'AbortError';
  }
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Turn whatever a worker threw (plain Problem data) back into a WorkbenchError. */
export function asWorkbenchError(e: unknown): WorkbenchError | AbortError {
  if (e instanceof AbortError || e instanceof WorkbenchError) return e;
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) return WorkbenchError.from(e as Problem);
  return new WorkbenchError('internal', e instanceof Error ? e.message : String(e));
}

/**
 * The one conversion from whatever a call threw to the Problem the page shows: a cancelled
 * job becomes an 'aborted' notice that says nothing was lost; a worker's Problem data and any
 * other error keep their code, message and hint.
 */
export function problemOf(e: unknown, cancelled = 'Cancelled. Everything loaded before is still here.'): Problem {
  if (isAbortError(e)) return { code: 'aborted', message: cancelled };
  return toProblem(asWorkbenchError(e));
}

export class WorkerBridge<Api> {
  private worker?: Worker;
  private remote?: Comlink.Remote<Api>;
  private pending = new Set<(e: AbortError) => void>();
  private generation = 0;
  private restoring?: Promise<void>;
  /** how many workers this bridge has started (for tests and diagnostics) */
  starts = 0;

  /** changes whenever the worker is terminated: state loaded before is gone */
  get epoch(): number {
    return this.generation;
  }

  constructor(
    private readonly createWorker: () => Worker,
    /** replays session state into a freshly started worker (after an abort) */
    public onRestart?: (api: Comlink.Remote<Api>) => Promise<void>,
  ) {}

  private ensure(): Comlink.Remote<Api> {
    if (!this.remote) {
      this.worker = this.createWorker();
      this.remote = Comlink.wrap<Api>(this.worker);
      this.starts++;
      if (this.starts > 1 && this.onRestart) {
        const api = this.remote;
        this.restoring = this.onRestart(api).finally(() => {
          this.restoring = undefined;
        });
      }
    }
    return this.remote;
  }

  /**
   * Run `fn` against the worker. If `signal` aborts, the worker is terminated and the call
   * rejects with AbortError. Errors from the worker come back as WorkbenchError.
   */
  async call<R>(signal: AbortSignal | undefined, fn: (api: Comlink.Remote<Api>) => Promise<R>): Promise<R> {
    if (signal?.aborted) throw new AbortError();
    const api = this.ensure();
    const generation = this.generation;
    return new Promise<R>((resolve, reject) => {
      const onAbortPending = (e: AbortError) => reject(e);
      this.pending.add(onAbortPending);
      const onSignal = () => this.abort();
      signal?.addEventListener('abort', onSignal, { once: true });
      const done = () => {
        this.pending.delete(onAbortPending);
        signal?.removeEventListener('abort', onSignal);
      };
      (async () => {
        if (this.restoring) await this.restoring;
        return fn(api);
      })().then(
        (v) => {
          done();
          if (generation === this.generation) resolve(v);
        },
        (e) => {
          done();
          if (generation === this.generation) reject(asWorkbenchError(e));
        },
      );
    });
  }

  /** Terminate the worker now; pending calls reject with AbortError; next call restarts. */
  abort(): void {
    this.generation++;
    this.worker?.terminate();
    this.worker = undefined;
    if (this.remote) this.remote[Comlink.releaseProxy]?.();
    this.remote = undefined;
    const pending = [...this.pending];
    this.pending.clear();
    for (const reject of pending) reject(new AbortError());
  }

  dispose(): void {
    this.onRestart = undefined;
    this.abort();
  }
}

export { Comlink };
