/**
 * A small dense linear-programme solver for the reductions approach (./reductions): the
 * saddle point over the classifiers found so far is an LP with a few dozen variables and
 * constraints, so a textbook two-phase simplex on a full tableau is plenty.
 *
 *     minimise c·x   subject to   A_ub x ≤ b_ub,   A_eq x = b_eq,   x_j ≥ 0 (or free where asked)
 *
 * Free variables are split into a positive and a negative part. Rows are first made to have a
 * right-hand side ≥ 0 (a ≤ row with b < 0 becomes a ≥ row); ≤ rows get a slack variable, ≥ and
 * = rows an artificial one. Phase 1 minimises the sum of the artificials (a positive minimum
 * means no feasible point); phase 2 the objective. Pivots follow Bland's rule (the entering
 * column is the lowest-indexed one with a negative reduced cost, ties in the ratio test go to
 * the lowest-indexed basic variable), which cannot cycle: the programmes here are degenerate
 * (the primal's b_ub is all zeros). Deterministic: same inputs, same pivots, same bits.
 */
import { WorkbenchError } from '../errors';

export interface LinearProgram {
  c: ArrayLike<number>;
  /** rows of A_ub (each as long as c) */
  aUb?: ArrayLike<number>[];
  bUb?: ArrayLike<number>;
  aEq?: ArrayLike<number>[];
  bEq?: ArrayLike<number>;
  /** per variable: true when it is free (no lower bound of 0) */
  free?: ArrayLike<boolean>;
}

export type LinearProgramResult =
  | { status: 'optimal'; x: Float64Array; value: number; pivots: number }
  | { status: 'infeasible' | 'unbounded' | 'iteration-limit'; pivots: number };

/** Reduced costs and ratios closer to 0 than this are 0. */
const tolerance = 1e-10;

/** One simplex tableau: m constraint rows and the objective row, each `width` long (last entry: right-hand side). */
interface Tableau {
  m: number;
  width: number;
  /** (m + 1) × width, row-major; row m is the objective (reduced costs, −value in the last entry) */
  t: Float64Array;
  /** basic variable of each constraint row */
  basis: Int32Array;
}

/** Solves the programme (see the module comment). Throws WorkbenchError('internal') on malformed input. */
export function linprog(lp: LinearProgram, maxPivots = 10_000): LinearProgramResult {
  const n = lp.c.length;
  const aUb = lp.aUb ?? [];
  const aEq = lp.aEq ?? [];
  const bUb = lp.bUb ?? [];
  const bEq = lp.bEq ?? [];
  if (aUb.length !== bUb.length || aEq.length !== bEq.length) throw new WorkbenchError('internal', 'linprog: each constraint row needs its right-hand side');
  for (const row of [...aUb, ...aEq]) if (row.length !== n) throw new WorkbenchError('internal', `linprog: a constraint row has ${row.length} entries for ${n} variables`);
  // columns: split variables (x⁺, then x⁻ for free ones), slacks/surpluses, artificials
  const free = lp.free ?? [];
  const negOf: number[] = [];
  let cols = n;
  for (let j = 0; j < n; j++) negOf.push(free[j] ? cols++ : -1);
  const rows = [...aUb.map((r, i) => ({ a: r, b: bUb[i], kind: 'ub' as const })), ...aEq.map((r, i) => ({ a: r, b: bEq[i], kind: 'eq' as const }))];
  const m = rows.length;
  const slackCol: number[] = [];
  for (const r of rows) slackCol.push(r.kind === 'ub' ? cols++ : -1);
  const firstArtificial = cols;
  const needsArtificial = rows.map((r) => r.kind === 'eq' || r.b < 0);
  const artCol: number[] = needsArtificial.map((need) => (need ? cols++ : -1));
  const width = cols + 1;
  const tab: Tableau = { m, width, t: new Float64Array((m + 1) * width), basis: new Int32Array(m) };
  const { t } = tab;
  rows.forEach((r, i) => {
    const sign = r.b < 0 ? -1 : 1;
    const o = i * width;
    for (let j = 0; j < n; j++) {
      t[o + j] = sign * r.a[j];
      if (negOf[j] >= 0) t[o + negOf[j]] = -sign * r.a[j];
    }
    if (slackCol[i] >= 0) t[o + slackCol[i]] = sign;
    if (artCol[i] >= 0) t[o + artCol[i]] = 1;
    t[o + cols] = sign * r.b;
    tab.basis[i] = artCol[i] >= 0 ? artCol[i] : slackCol[i];
  });
  let pivots = 0;
  // phase 1: minimise the artificials' sum
  if (firstArtificial < cols) {
    const cost = new Float64Array(cols);
    for (let j = firstArtificial; j < cols; j++) cost[j] = 1;
    setObjective(tab, cost);
    const r1 = runSimplex(tab, cols, maxPivots);
    pivots += r1.pivots;
    if (r1.status !== 'optimal') return { status: r1.status === 'unbounded' ? 'infeasible' : r1.status, pivots };
    if (-t[m * width + cols] > 1e-9 * Math.max(1, maxAbsRhs(tab))) return { status: 'infeasible', pivots };
    driveOutArtificials(tab, firstArtificial);
  }
  // phase 2: the objective, artificials barred from entering
  const cost = new Float64Array(cols);
  for (let j = 0; j < n; j++) {
    cost[j] = lp.c[j];
    if (negOf[j] >= 0) cost[negOf[j]] = -lp.c[j];
  }
  setObjective(tab, cost);
  const r2 = runSimplex(tab, firstArtificial, maxPivots - pivots);
  pivots += r2.pivots;
  if (r2.status !== 'optimal') return { status: r2.status, pivots };
  const full = new Float64Array(cols);
  for (let i = 0; i < m; i++) full[tab.basis[i]] = t[i * width + cols];
  const x = new Float64Array(n);
  let value = 0;
  for (let j = 0; j < n; j++) {
    x[j] = full[j] - (negOf[j] >= 0 ? full[negOf[j]] : 0);
    value += lp.c[j] * x[j];
  }
  return { status: 'optimal', x, value, pivots };
}

function maxAbsRhs(tab: Tableau): number {
  let v = 0;
  for (let i = 0; i < tab.m; i++) v = Math.max(v, Math.abs(tab.t[i * tab.width + tab.width - 1]));
  return v;
}

/** Writes the reduced costs of `cost` for the current basis into the objective row. */
function setObjective(tab: Tableau, cost: Float64Array): void {
  const { m, width, t, basis } = tab;
  const o = m * width;
  for (let j = 0; j < width; j++) t[o + j] = j < cost.length ? cost[j] : 0;
  for (let i = 0; i < m; i++) {
    const cb = cost[basis[i]];
    if (cb === 0) continue;
    for (let j = 0; j < width; j++) t[o + j] -= cb * t[i * width + j];
  }
}

/** Pivots on (row r, column q). */
function pivot(tab: Tableau, r: number, q: number): void {
  const { m, width, t, basis } = tab;
  const pr = r * width;
  const p = t[pr + q];
  for (let j = 0; j < width; j++) t[pr + j] /= p;
  for (let i = 0; i <= m; i++) {
    if (i === r) continue;
    const f = t[i * width + q];
    if (f === 0) continue;
    const o = i * width;
    for (let j = 0; j < width; j++) t[o + j] -= f * t[pr + j];
    t[o + q] = 0;
  }
  basis[r] = q;
}

/** Simplex iterations with Bland's rule over the columns below `enterLimit`. */
function runSimplex(tab: Tableau, enterLimit: number, maxPivots: number): { status: 'optimal' | 'unbounded' | 'iteration-limit'; pivots: number } {
  const { m, width, t, basis } = tab;
  const rhs = width - 1;
  for (let pivots = 0; pivots < maxPivots; pivots++) {
    let q = -1;
    for (let j = 0; j < enterLimit; j++) {
      if (t[m * width + j] < -tolerance) {
        q = j;
        break;
      }
    }
    if (q < 0) return { status: 'optimal', pivots };
    let r = -1;
    let best = Infinity;
    for (let i = 0; i < m; i++) {
      const a = t[i * width + q];
      if (a <= tolerance) continue;
      const ratio = t[i * width + rhs] / a;
      if (ratio < best - tolerance || (Math.abs(ratio - best) <= tolerance && basis[i] < basis[r])) {
        best = ratio;
        r = i;
      }
    }
    if (r < 0) return { status: 'unbounded', pivots };
    pivot(tab, r, q);
  }
  return { status: 'iteration-limit', pivots: maxPivots };
}

/**
 * After phase 1, an artificial still basic sits at 0: pivot it out on any non-artificial
 * column of its row; a row with none is redundant and is left with its artificial, which
 * phase 2 never lets enter and whose row then stays at 0.
 */
function driveOutArtificials(tab: Tableau, firstArtificial: number): void {
  const { m, width, t, basis } = tab;
  for (let i = 0; i < m; i++) {
    if (basis[i] < firstArtificial) continue;
    for (let j = 0; j < firstArtificial; j++) {
      if (Math.abs(t[i * width + j]) > 1e-9) {
        pivot(tab, i, j);
        break;
      }
    }
  }
}
