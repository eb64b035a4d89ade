/**
 * Small hooks the panels share: the newest-result-wins call with at most one request in
 * flight, Escape to cancel, and a settings key.
 */
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';

export interface LatestCall<R> {
  /** the newest result that arrived */
  result: R | null;
  /** the key of the settings `result` was computed for */
  resultKey: string | null;
  /** true while the shown result is not the one for the current settings */
  stale: boolean;
  error: unknown;
}

/**
 * Runs `run()` for the settings identified by `key`, with at most one call in flight. While a
 * call runs, newer settings replace each other and only the newest is sent when it returns
 * (so dragging a slider never builds a queue in the worker, and the numbers on screen are
 * never older than one round trip). The shown result stays until a newer one arrives and is
 * marked `stale` meanwhile. `key === null` means "nothing to compute". With `transition`, a
 * result is rendered as a React transition (in slices that yield to input).
 */
export function useLatestCall<R>(key: string | null, run: () => Promise<R>, options: { transition?: boolean } = {}): LatestCall<R> {
  const transition = options.transition === true;
  const [state, setState] = useState<{ result: R | null; resultKey: string | null; error: unknown }>({ result: null, resultKey: null, error: null });
  const runRef = useRef(run);
  runRef.current = run;
  const inFlight = useRef(false);
  const wanted = useRef<string | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const pump = useCallback(() => {
    if (inFlight.current || wanted.current === null) return;
    const k = wanted.current;
    inFlight.current = true;
    runRef.current().then(
      (result) => {
        inFlight.current = false;
        if (!alive.current) return;
        // a heavy result (many chart points) renders as a transition: in slices, input first
        if (transition) startTransition(() => setState({ result, resultKey: k, error: null }));
        else setState({ result, resultKey: k, error: null });
        if (wanted.current !== k) pump();
      },
      (error: unknown) => {
        inFlight.current = false;
        if (!alive.current) return;
        setState((s) => ({ ...s, resultKey: k, error }));
        if (wanted.current !== k) pump();
      },
    );
  }, [transition]);

  useEffect(() => {
    wanted.current = key;
    if (key !== null) pump();
  }, [key, pump]);

  return { ...state, stale: key !== null && state.resultKey !== key };
}

/** Calls `onEscape` when Escape is pressed anywhere in the page, while `active`. */
export function useEscape(active: boolean, onEscape: () => void): void {
  const handler = useRef(onEscape);
  handler.current = onEscape;
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) handler.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}

/**
 * `flag` once it has been true for `ms` milliseconds (false at once). The stale marks use it:
 * an answer that comes back within a frame or two (the usual case, the worker answers a
 * threshold move in a few ms) never makes the page flicker grey, and a slow one is marked.
 */
export function useDelayedFlag(flag: boolean, ms: number): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!flag) {
      setShown(false);
      return;
    }
    const t = setTimeout(() => setShown(true), ms);
    return () => clearTimeout(t);
  }, [flag, ms]);
  return flag && shown;
}
