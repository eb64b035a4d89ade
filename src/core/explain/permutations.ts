/**
 * Where permutation SHAP's permutations come from. Each permutation π is walked forward
 * (players switched on in π's order) and backward (off again in the same order); the backward
 * pass credits each player with its marginal contribution in the reversed permutation, so one
 * walk always evaluates the pair {π, reverse(π)}. The samplers differ in how the π of one
 * explained row relate to each other:
 *
 * - 'antithetic': independent uniform permutations (Fisher–Yates on one running array), the
 *   pair {π, reverse(π)} being the only coupling — shap's PermutationExplainer.
 * - 'orthogonal': orthogonal spherical codes (Mitchell, Cooper, Frank & Holmes, "Sampling
 *   Permutations for Shapley Value Estimation", JMLR 2022). Permutations of M players are the
 *   vertices of the permutohedron, which lies in the (M − 1)-dimensional subspace orthogonal to
 *   (1, …, 1); a direction v in that subspace maps to the vertex nearest it, π = argsort(v), and
 *   −v to reverse(π). Each block of M − 1 walks takes the directions from one uniformly random
 *   orthonormal basis of that subspace, so the permutations of a block are spread as evenly
 *   over the permutohedron as M − 1 antipodal pairs can be. Each single permutation is still
 *   uniform (the basis is rotation-invariant), so the estimate stays unbiased; the spread lowers
 *   its variance at the same number of model evaluations.
 *
 * Both draw from the explained row's own seeded stream, so a row's permutations do not depend
 * on which other rows are explained with it (splitting rows over workers gives the same values).
 */
import { shuffleInPlace } from '../rng';
import type { Rng } from '../rng';
import { internal } from './common';

export type PermutationSampling = 'antithetic' | 'orthogonal';

/**
 * The default sampler: 'orthogonal', chosen by measured error at equal model evaluations
 * (bench/shap.ts prints both; test/node/shap-sampling.test.ts holds the comparison).
 */
export const DEFAULT_SAMPLING: PermutationSampling = 'orthogonal';

/** Fills `perm` with the next permutation of one explained row's stream. */
export interface PermutationSource {
  next(perm: Int32Array): void;
}

export function checkSampling(s: string): PermutationSampling {
  if (s === 'antithetic' || s === 'orthogonal') return s;
  throw internal(`unknown permutation sampling ${JSON.stringify(s)}; use 'antithetic' or 'orthogonal'`);
}

/** A fresh source of permutations of M players for one explained row, drawing from `rng`. */
export function permutationSource(sampling: PermutationSampling, M: number, rng: Rng): PermutationSource {
  return sampling === 'orthogonal' && M > 2 ? new OrthogonalSource(M, rng) : new ShuffleSource(M, rng);
}

/** Independent uniform permutations: each call shuffles the running array again. */
class ShuffleSource implements PermutationSource {
  private readonly cur: Int32Array;
  constructor(M: number, private readonly rng: Rng) {
    this.cur = Int32Array.from({ length: M }, (_, j) => j);
  }
  next(perm: Int32Array): void {
    shuffleInPlace(this.cur, this.rng);
    perm.set(this.cur);
  }
}

/**
 * Blocks of M − 1 permutations from random orthonormal bases of the plane Σ v = 0. A basis
 * vector is drawn when its permutation is asked for (Gram–Schmidt needs only the ones before
 * it), so a row that walks fewer than M − 1 permutations draws no more than it uses, and the
 * stream gives the same vectors as drawing the whole basis at once.
 */
class OrthogonalSource implements PermutationSource {
  /** the current block's directions, row-major (M − 1) × M */
  private readonly basis: Float64Array;
  private used: number;
  private readonly order: Int32Array;
  constructor(private readonly M: number, private readonly rng: Rng) {
    this.basis = new Float64Array((M - 1) * M);
    this.used = M - 1;
    this.order = new Int32Array(M);
  }

  next(perm: Int32Array): void {
    const M = this.M;
    if (this.used === M - 1) this.used = 0;
    const k = this.used++;
    sumZeroBasisVector(this.basis, k, M, this.rng);
    // argsort of the direction by insertion (M is small); ties (probability 0) broken by player
    // index, so the order is the one any sort gives
    const v = this.basis;
    const o = k * M;
    const order = this.order;
    for (let j = 0; j < M; j++) {
      const vj = v[o + j];
      let q = j;
      while (q > 0) {
        const prev = order[q - 1];
        const d = v[o + prev] - vj;
        if (d < 0 || (d === 0 && prev < j)) break;
        order[q] = prev;
        q--;
      }
      order[q] = j;
    }
    perm.set(order);
  }
}

/** Standard normal draw (Box–Muller on two uniforms of the stream). */
function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Writes M − 1 orthonormal vectors of R^M, each summing to 0, into `out` (row-major): Gaussian
 * vectors projected onto the plane Σ v = 0 and orthonormalised by modified Gram–Schmidt. The
 * result is a uniformly random orthonormal basis of that plane. A (probability 0) degenerate
 * draw is drawn again.
 */
export function randomSumZeroBasis(out: Float64Array, M: number, rng: Rng): void {
  for (let k = 0; k < M - 1; k++) sumZeroBasisVector(out, k, M, rng);
}

/** Vector k of randomSumZeroBasis, given vectors 0 … k − 1 already in `out`. */
function sumZeroBasisVector(out: Float64Array, k: number, M: number, rng: Rng): void {
  const o = k * M;
  for (let attempt = 0; ; attempt++) {
    let mean = 0;
    for (let j = 0; j < M; j++) mean += (out[o + j] = gaussian(rng));
    mean /= M;
    for (let j = 0; j < M; j++) out[o + j] -= mean;
    for (let q = 0; q < k; q++) {
      const u = q * M;
      let dot = 0;
      for (let j = 0; j < M; j++) dot += out[u + j] * out[o + j];
      for (let j = 0; j < M; j++) out[o + j] -= dot * out[u + j];
    }
    let norm = 0;
    for (let j = 0; j < M; j++) norm += out[o + j] * out[o + j];
    norm = Math.sqrt(norm);
    if (norm > 1e-9) {
      for (let j = 0; j < M; j++) out[o + j] /= norm;
      return;
    }
    if (attempt > 100) throw internal('could not draw an orthonormal basis');
  }
}
