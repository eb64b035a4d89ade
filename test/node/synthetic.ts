/**
 * Shared by the core tests: synthetic tables drawn from the core's seeded rng, and catchers
 * for the WorkbenchError a call is expected to throw.
 */
import { expect } from 'vitest';
import { WorkbenchError } from '../../src/core/errors';
import { createRng, type Rng } from '../../src/core/rng';
import type { ColumnTable } from '../../src/core/table';

/** Standard normal draws (Box–Muller) from `rng`; each draw takes two numbers from it. */
export function gaussian(rng: Rng): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * A small table where the score correlates with the protected group g (a, b; b = 40% with a
 * higher base rate) and x1 is a proxy for g; x2 is independent, c (u, v, w) leans on g, and
 * the target is y (no, yes). With `second`, h (p, q) is a second protected column that also
 * moves the target, and every 200th row (from row 7) lacks a target.
 */
export function groupProxyTable(n: number, seed: number, { second = false }: { second?: boolean } = {}): ColumnTable {
  const rng = createRng(seed);
  const gauss = gaussian(rng);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const c = new Int32Array(n);
  const g = new Int32Array(n);
  const h = new Int32Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    g[i] = rng.next() < 0.4 ? 1 : 0;
    if (second) h[i] = rng.int(2);
    x1[i] = gauss() + 1.2 * g[i];
    x2[i] = gauss();
    c[i] = rng.next() < 0.5 + 0.2 * g[i] ? 0 : rng.int(2) + 1;
    if (second) y[i] = i % 200 === 7 ? -1 : 0.9 * x2[i] + 1.0 * g[i] + 0.3 * h[i] + 0.5 * gauss() > 0.7 ? 1 : 0;
    else y[i] = 0.9 * x2[i] + 1.0 * g[i] + 0.5 * gauss() > 0.7 ? 1 : 0;
  }
  return {
    nRows: n,
    columns: [
      { type: 'numeric', name: 'x1', values: x1 },
      { type: 'numeric', name: 'x2', values: x2 },
      { type: 'categorical', name: 'c', codes: c, levels: ['u', 'v', 'w'] },
      { type: 'categorical', name: 'g', codes: g, levels: ['a', 'b'] },
      ...(second ? [{ type: 'categorical' as const, name: 'h', codes: h, levels: ['p', 'q'] }] : []),
      { type: 'categorical', name: 'y', codes: y, levels: ['no', 'yes'] },
    ],
  };
}

/** The WorkbenchError that `f` throws (fails the test when it throws something else or nothing). */
export function problem(f: () => unknown): WorkbenchError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error('expected a WorkbenchError');
}

/** The WorkbenchError that `p` rejects with (fails the test when it rejects with something else or resolves). */
export async function rejects(p: Promise<unknown>): Promise<WorkbenchError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error('expected a WorkbenchError');
}
