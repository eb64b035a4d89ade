/**
 * Background sets for interventional SHAP. The cost of every explanation is linear in the
 * number of background rows, so a small representative set (20–100 rows) is the main lever.
 *
 * - `sampleBackground`: uniform sample without replacement (shap's `shap.utils.sample`).
 * - `kmeansBackground`: k-means++ then Lloyd iterations in the encoded space, weighted by
 *   cluster size (shap's `shap.kmeans`). Pass `weights` as `backgroundWeights` to the
 *   explainers so E_b f(b) stays a population mean.
 * - `stratifiedBackground`: proportional per group, at least one row per non-empty group, with
 *   weights that undo the over-representation of small groups.
 *
 * Every builder returns row-major Float32 rows of the same width as the input.
 */
import { createRng, shuffleInPlace } from '../rng';
import type { Rng } from '../rng';
import { checkMatrix, internal } from './common';

export interface Background {
  /** row-major nRows × width */
  X: Float32Array;
  nRows: number;
  /** per-row weights summing to 1 (absent: uniform) */
  weights?: Float64Array;
  /** source row of each background row (absent for unsnapped k-means centres) */
  indices?: Uint32Array;
}

function gather(X: Float32Array, width: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * width);
  for (let r = 0; r < idx.length; r++) out.set(X.subarray(idx[r] * width, (idx[r] + 1) * width), r * width);
  return out;
}

/** k distinct indices from [0, n), sorted ascending (partial Fisher–Yates). */
function sampleIndices(n: number, k: number, rng: Rng): Uint32Array {
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.slice(0, k).sort();
}

function checkSize(what: string, size: number): void {
  if (!Number.isInteger(size) || size < 1) throw internal(`${what} must be a whole number ≥ 1, not ${size}`);
}

/** `size` rows drawn uniformly without replacement (all rows when size ≥ nRows), in row order. */
export function sampleBackground(X: Float32Array, nRows: number, width: number, size: number, seed: number): Background {
  checkMatrix('X', X, nRows, width);
  checkSize('size', size);
  if (nRows < 1) throw internal('no rows to sample a background from');
  const indices = sampleIndices(nRows, Math.min(size, nRows), createRng(seed));
  return { X: gather(X, width, indices), nRows: indices.length, indices };
}

export interface KmeansOptions {
  /** Lloyd iterations after k-means++ (default 10; stops early when no assignment changes) */
  iterations?: number;
  /**
   * 'nearest-row' (default): replace each centre by the data row nearest to it, so every
   * background row is a valid encoded row (a centre's one-hot block would be fractional);
   * 'none': return the centres themselves (shap.kmeans without rounding).
   */
  snap?: 'nearest-row' | 'none';
  /** fit on at most this many rows, sampled uniformly (default 20,000) */
  fitRows?: number;
}

/**
 * k-means background: k centres (fewer if clusters come out empty or snap to the same row)
 * with weights = share of the (fitted) rows in each cluster. Distances are Euclidean in the
 * encoded space (numeric columns as the manifest standardises them, one-hots 0/1).
 */
export function kmeansBackground(X: Float32Array, nRows: number, width: number, k: number, seed: number, options: KmeansOptions = {}): Background {
  checkMatrix('X', X, nRows, width);
  checkSize('k', k);
  if (nRows < 1) throw internal('no rows to cluster');
  const rng = createRng(seed);
  const fitRows = Math.max(1, Math.floor(options.fitRows ?? 20000));
  const iterations = Math.max(0, Math.floor(options.iterations ?? 10));
  const rows = nRows > fitRows ? sampleIndices(nRows, fitRows, rng) : null;
  const n = rows ? rows.length : nRows;
  const D = rows ? gather(X, width, rows) : X;
  k = Math.min(k, n);

  // k-means++ seeding
  const C = new Float64Array(k * width);
  const d2 = new Float64Array(n).fill(Infinity);
  let next = rng.int(n);
  for (let c = 0; c < k; c++) {
    for (let f = 0; f < width; f++) C[c * width + f] = D[next * width + f];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let f = 0; f < width; f++) {
        const d = D[i * width + f] - C[c * width + f];
        s += d * d;
      }
      if (s < d2[i]) d2[i] = s;
      total += d2[i];
    }
    if (c + 1 === k) break;
    if (!(total > 0)) {
      k = c + 1; // every row coincides with a centre already
      break;
    }
    let r = rng.next() * total;
    next = n - 1;
    for (let i = 0; i < n; i++) {
      r -= d2[i];
      if (r < 0) {
        next = i;
        break;
      }
    }
  }

  // Lloyd iterations
  const assign = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * width);
  const counts = new Float64Array(k);
  const assignAll = (): boolean => {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let f = 0; f < width; f++) {
          const d = D[i * width + f] - C[c * width + f];
          s += d * d;
        }
        if (s < bestD) {
          bestD = s;
          best = c;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        changed = true;
      }
    }
    return changed;
  };
  const updateCentres = (): void => {
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      for (let f = 0; f < width; f++) sums[c * width + f] += D[i * width + f];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // empty cluster keeps its centre (dropped below)
      for (let f = 0; f < width; f++) C[c * width + f] = sums[c * width + f] / counts[c];
    }
  };
  assignAll();
  let converged = false;
  for (let it = 0; it < iterations && !converged; it++) {
    updateCentres();
    converged = !assignAll();
  }
  // centres are the means of their members, so Σ weight · centre = the data mean
  updateCentres();

  const snap = options.snap ?? 'nearest-row';
  if (snap === 'none') {
    const keep: number[] = [];
    for (let c = 0; c < k; c++) if (counts[c] > 0) keep.push(c);
    const out = new Float32Array(keep.length * width);
    const weights = new Float64Array(keep.length);
    keep.forEach((c, r) => {
      for (let f = 0; f < width; f++) out[r * width + f] = C[c * width + f];
      weights[r] = counts[c] / n;
    });
    return { X: out, nRows: keep.length, weights };
  }
  // nearest data row to each non-empty centre (among its members); merge centres that share a row
  const nearest = new Int32Array(k).fill(-1);
  const nearestD = new Float64Array(k).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const c = assign[i];
    let s = 0;
    for (let f = 0; f < width; f++) {
      const d = D[i * width + f] - C[c * width + f];
      s += d * d;
    }
    if (s < nearestD[c]) {
      nearestD[c] = s;
      nearest[c] = i;
    }
  }
  const byRow = new Map<number, number>();
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    byRow.set(nearest[c], (byRow.get(nearest[c]) ?? 0) + counts[c]);
  }
  const local = [...byRow.keys()].sort((a, b) => a - b);
  const indices = Uint32Array.from(local, (i) => (rows ? rows[i] : i));
  const weights = Float64Array.from(local, (i) => byRow.get(i)! / n);
  return { X: gather(X, width, indices), nRows: indices.length, weights, indices };
}

/**
 * A sample with each group's share of rows (largest-remainder rounding), at least one row per
 * non-empty group; negative codes (missing group) form one more stratum. If there are more
 * non-empty groups than `size`, the sample takes one row per group. `weights` give each row
 * its group's population share divided by the rows drawn from the group, so weighted means
 * over the sample estimate population means even where small groups were topped up to 1.
 */
export function stratifiedBackground(
  X: Float32Array,
  nRows: number,
  width: number,
  groupCodes: Int32Array,
  size: number,
  seed: number,
): Background & { groups: { code: number; rows: number; drawn: number }[] } {
  checkMatrix('X', X, nRows, width);
  checkSize('size', size);
  if (groupCodes.length < nRows) throw internal(`groupCodes has ${groupCodes.length} entries for ${nRows} rows`);
  if (nRows < 1) throw internal('no rows to sample a background from');
  const members = new Map<number, number[]>();
  for (let i = 0; i < nRows; i++) {
    const g = groupCodes[i] < 0 ? -1 : groupCodes[i];
    let m = members.get(g);
    if (!m) members.set(g, (m = []));
    m.push(i);
  }
  const codes = [...members.keys()].sort((a, b) => a - b);
  const G = codes.length;
  const nG = codes.map((g) => members.get(g)!.length);
  const target = Math.min(nRows, Math.max(size, G));
  const quota = nG.map((c) => (target * c) / nRows);
  const alloc = quota.map((q, g) => Math.min(nG[g], Math.max(1, Math.floor(q))));
  let total = alloc.reduce((a, b) => a + b, 0);
  while (total < target) {
    let best = -1;
    for (let g = 0; g < G; g++) if (alloc[g] < nG[g] && (best < 0 || quota[g] - alloc[g] > quota[best] - alloc[best])) best = g;
    alloc[best]++;
    total++;
  }
  while (total > target) {
    let best = -1;
    for (let g = 0; g < G; g++) if (alloc[g] > 1 && (best < 0 || quota[g] - alloc[g] < quota[best] - alloc[best])) best = g;
    if (best < 0) break;
    alloc[best]--;
    total--;
  }
  const rng = createRng(seed);
  const picked: { i: number; w: number }[] = [];
  codes.forEach((code, g) => {
    const m = Uint32Array.from(members.get(code)!);
    shuffleInPlace(m, rng);
    const w = nG[g] / nRows / alloc[g];
    for (let r = 0; r < alloc[g]; r++) picked.push({ i: m[r], w });
  });
  picked.sort((a, b) => a.i - b.i);
  const indices = Uint32Array.from(picked, (p) => p.i);
  const weights = Float64Array.from(picked, (p) => p.w);
  let s = 0;
  for (const v of weights) s += v;
  for (let r = 0; r < weights.length; r++) weights[r] /= s;
  return {
    X: gather(X, width, indices),
    nRows: indices.length,
    weights,
    indices,
    groups: codes.map((code, g) => ({ code, rows: nG[g], drawn: alloc[g] })),
  };
}
