import { useEffect, useMemo, useState } from 'react';
import { runSlices, type Slices } from '../../charts/slices';

/** The longest a slice of chart work runs before the page takes a turn (half a 60 Hz frame). */
export const SLICE_MS = 8;

/** Runs `fn` in a later task, after the page has had its turn (input, rendering). */
export function nextTask(fn: () => void): () => void {
  const id = setTimeout(fn, 0);
  return () => clearTimeout(id);
}

/**
 * The value a sliced builder returns (charts/slices.ts). With `inSlices`, it is built in slices
 * of at most SLICE_MS, each in its own task, and the last finished value is returned meanwhile
 * (`undefined` before the first); without, it is built at once during render, as `useMemo`
 * would. `make === null`: nothing to build. `deps` are `make`'s inputs.
 */
export function useSlices<T>(make: (() => Slices<T>) | null, deps: readonly unknown[], inSlices: boolean): T | undefined {
  const now = useMemo(
    () => (make && !inSlices ? { value: runSlices(make()) } : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [...deps, inSlices, make === null],
  );
  const [later, setLater] = useState<{ value: T } | null>(null);
  useEffect(() => {
    if (!make || !inSlices) return;
    const work = make();
    let cancel = () => {};
    const step = () => {
      const from = performance.now();
      do {
        const s = work.next();
        if (s.done) {
          setLater({ value: s.value });
          return;
        }
      } while (performance.now() - from < SLICE_MS);
      cancel = nextTask(step);
    };
    cancel = nextTask(step);
    return () => cancel();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, inSlices, make === null]);
  if (!make) return undefined;
  return inSlices ? later?.value : now?.value;
}
