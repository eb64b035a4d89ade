/** The accuracy/disparity Pareto frontier: pure, no tfjs, so chart specs can use it. */
import type { DegenerateSelection } from './degenerate';

/** One scenario as the frontier sees it. */
export interface ParetoInput {
  accuracy: number | null;
  disparity: number | null;
  /**
   * A scenario that selects (nearly) nobody or everybody (see ./degenerate): its small gap is
   * no trade-off, so it is never on the frontier and never pushes another point off it.
   * Absent or null: an ordinary point.
   */
  degenerate?: DegenerateSelection | null;
}

/**
 * Indices of the Pareto frontier (maximise accuracy, minimise disparity), ordered by
 * increasing disparity. A point is on the frontier when no other point has accuracy ≥ and
 * disparity ≤ with at least one strict. Points with a null or non-finite value, and
 * degenerate points, are left out; identical points are all kept.
 */
export function paretoFrontier(points: readonly ParetoInput[]): number[] {
  const ok = (i: number): boolean => {
    const p = points[i];
    return p.accuracy !== null && p.disparity !== null && Number.isFinite(p.accuracy) && Number.isFinite(p.disparity) && !p.degenerate;
  };
  const idx = points.map((_, i) => i).filter(ok);
  // sort by disparity ascending, accuracy descending; sweep keeping the best accuracy so far
  idx.sort((i, j) => points[i].disparity! - points[j].disparity! || points[j].accuracy! - points[i].accuracy! || i - j);
  const out: number[] = [];
  let bestAcc = -Infinity;
  let lastKept: { a: number; d: number } | null = null;
  for (const i of idx) {
    const a = points[i].accuracy!;
    const d = points[i].disparity!;
    if (a > bestAcc) {
      out.push(i);
      bestAcc = a;
      lastKept = { a, d };
    } else if (lastKept && a === lastKept.a && d === lastKept.d) {
      out.push(i); // identical to a frontier point
    }
  }
  return out;
}
