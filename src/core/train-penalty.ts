/**
 * The fairness penalty that `trainModel` can add to its loss: a Lagrangian-style soft
 * constraint on the training batch. It lives next to the trainer (not with the scenario code
 * that chooses λ) so training depends on nothing above it.
 *
 * Soft decision of row i: s_i = σ((logit p_i − logit t) / τ), with p_i the model's P(positive),
 * t the decision threshold (default 0.5) and τ the temperature (default 1). With t = 0.5 and
 * τ = 1, s_i = p_i. A smaller τ makes s_i closer to the hard decision [p_i ≥ t] that the
 * reported metrics use, at the price of steeper gradients.
 *
 * Soft group rates over the rows of a batch (unweighted, like the reported metrics):
 * - demographic-parity: r_g = mean of s_i over the group's rows (soft selection rate);
 * - equal-opportunity: r_g = mean of s_i over the group's positive rows (soft TPR);
 * - equalized-odds: soft TPR and soft FPR (mean over the group's negative rows), both;
 * - error-rate-parity: r_g = mean of e_i = y_i(1 − s_i) + (1 − y_i)s_i (soft error rate).
 * Each is compared with the same rate over every row of the batch that has a group (r̄), as
 * fairlearn's moments compare each group with the overall population, and
 *
 *     penalty = Σ_components Σ_g (r_g − r̄)²,   loss = mean_i(w_i · bce_i) + λ · penalty
 *
 * over the groups present in the batch (a group without rows in the condition adds nothing).
 * Squared rather than |r_g − r̄| so the gradient shrinks as the gap closes (no oscillation
 * around zero at a fixed λ). All groups count equally, so a small group's gap is not drowned by
 * a large one's (the reported max − min difference is decided by the extreme groups, often
 * small ones). Because r_g − r̄ is linear in s, the penalty is ‖sᵀC + c₀‖² with a constant
 * matrix C (batch × components·groups) and offset c₀ built here on the CPU per batch; rows
 * with a missing group (−1) train but are in no rate.
 *
 * Where we differ from the peers: fairlearn's ExponentiatedGradient (Agarwal et al. 2018)
 * solves the constrained problem exactly with a randomized mixture of up to 50 retrained
 * models; this is one training run with a fixed multiplier λ (the constrained-training
 * intervention's "bound" mode raises λ until the hard training gap meets the bound). Batch-level
 * rates are noisy for small groups, which adds a small variance term to the penalty.
 */
import { WorkbenchError } from './errors';
import { FAIRNESS_CONSTRAINTS, type FairnessConstraint } from './fairness-constraints';
import { tf } from './tf';
import type { Tensor } from './tf';

export { FAIRNESS_CONSTRAINTS, type FairnessConstraint };

export interface FairnessPenalty {
  constraint: FairnessConstraint;
  /** one code per table row: 0..nGroups−1, −1 = missing (trains, but in no group's rate) */
  groupCodes: Int32Array;
  nGroups: number;
  /** the multiplier λ ≥ 0 */
  lambda: number;
  /** decision threshold t approximated by the soft decision; default 0.5 */
  threshold?: number;
  /** temperature τ > 0 of the soft decision; default 1 */
  temperature?: number;
}

export const defaultFairnessPenalty = { threshold: 0.5, temperature: 1 } as const;

function internal(message: string): WorkbenchError {
  return new WorkbenchError('internal', message);
}

/** Checks a penalty against the table size; throws 'internal'. */
export function checkFairnessPenalty(f: FairnessPenalty, nRows: number): void {
  if (!FAIRNESS_CONSTRAINTS.includes(f.constraint)) throw internal(`unknown fairness constraint ${String(f.constraint)}`);
  if (f.groupCodes.length !== nRows) throw internal(`fairness groupCodes has ${f.groupCodes.length} entries for ${nRows} rows`);
  if (!Number.isInteger(f.nGroups) || f.nGroups < 1) throw internal(`fairness nGroups must be a whole number ≥ 1, not ${f.nGroups}`);
  for (let i = 0; i < nRows; i++) {
    const g = f.groupCodes[i];
    if (g < -1 || g >= f.nGroups) throw internal(`fairness group code ${g} at row ${i} is outside [-1, ${f.nGroups})`);
  }
  if (!(f.lambda >= 0) || !Number.isFinite(f.lambda)) throw internal(`fairness lambda must be finite and ≥ 0, not ${f.lambda}`);
  const t = f.threshold ?? defaultFairnessPenalty.threshold;
  if (!(t > 0 && t < 1)) throw internal(`fairness threshold must be in (0, 1), not ${t}`);
  const tau = f.temperature ?? defaultFairnessPenalty.temperature;
  if (!(tau > 0) || !Number.isFinite(tau)) throw internal(`fairness temperature must be > 0, not ${tau}`);
}

/** Number of penalty columns K: groups × components. */
export function penaltyColumns(f: Pick<FairnessPenalty, 'constraint' | 'nGroups'>): number {
  return f.constraint === 'equalized-odds' ? 2 * f.nGroups : f.nGroups;
}

/** One training batch as the penalty sees it: group code and label of each of its rows. */
export interface PenaltyBatch {
  constraint: FairnessConstraint;
  nGroups: number;
  /** group code per batch row (−1 = missing); only the first `nRows` are read */
  groups: Int32Array;
  /** label (0/1) per batch row; only the first `nRows` are read */
  labels: Float32Array;
  /** rows in the batch */
  nRows: number;
}

/**
 * Fills C (nRows × K, row-major) and c0 (K) for one batch so that the vector of differences
 * r_g − r̄ (per component and group) equals sᵀC + c0. With m_i the row's membership in the
 * component's condition, D_g = Σ_{i∈g} m_i and D = Σ_g D_g:
 *   C[i, g] = m_i · ([g_i = g] / D_g − 1 / D)   for groups with D_g > 0, else 0;
 * error-rate parity uses v_i = y_i + (1 − 2y_i)s_i, so C[i, g] gets the factor (1 − 2y_i) and
 * c0_g = Σ_i C[i, g]·y_i. The buffers may be longer than needed (reused across batches).
 */
export function fillPenaltyMatrix(batch: PenaltyBatch, out: { C: Float32Array; c0: Float32Array }): void {
  const { constraint, nGroups, groups, labels, nRows: nb } = batch;
  const { C, c0 } = out;
  const K = penaltyColumns(batch);
  C.fill(0, 0, nb * K);
  c0.fill(0, 0, K);
  const comps: { cond: (y: number) => boolean; offset: number }[] =
    constraint === 'equal-opportunity'
      ? [{ cond: (y) => y === 1, offset: 0 }]
      : constraint === 'equalized-odds'
        ? [{ cond: (y) => y === 1, offset: 0 }, { cond: (y) => y === 0, offset: nGroups }]
        : [{ cond: () => true, offset: 0 }];
  const Dg = new Float64Array(nGroups);
  for (const comp of comps) {
    Dg.fill(0);
    let D = 0;
    for (let i = 0; i < nb; i++) {
      const g = groups[i];
      if (g >= 0 && comp.cond(labels[i])) {
        Dg[g]++;
        D++;
      }
    }
    if (D === 0) continue;
    for (let i = 0; i < nb; i++) {
      const gi = groups[i];
      if (gi < 0 || !comp.cond(labels[i])) continue;
      const sign = constraint === 'error-rate-parity' ? 1 - 2 * labels[i] : 1;
      const row = i * K + comp.offset;
      for (let g = 0; g < nGroups; g++) {
        if (Dg[g] === 0) continue;
        const c = ((gi === g ? 1 / Dg[g] : 0) - 1 / D) * sign;
        C[row + g] = c;
        if (constraint === 'error-rate-parity') c0[comp.offset + g] += (c / sign) * labels[i];
      }
    }
  }
}

/** The soft decision's constants, resolved once per training: logit t, τ, and whether s = p. */
export interface SoftDecision {
  /** logit of the threshold t */
  logitThreshold: number;
  temperature: number;
  /** t = 0.5 and τ = 1: the soft decision is p itself */
  identity: boolean;
}

export function softDecision(f: Pick<FairnessPenalty, 'threshold' | 'temperature'>): SoftDecision {
  const t = f.threshold ?? defaultFairnessPenalty.threshold;
  const logitThreshold = Math.log(t / (1 - t));
  const temperature = f.temperature ?? defaultFairnessPenalty.temperature;
  return { logitThreshold, temperature, identity: logitThreshold === 0 && temperature === 1 };
}

/**
 * λ · ‖sᵀC + c0‖² for a batch's predictions p ([nb, 1]), C ([nb, K]) and c0 ([1, K]); call it
 * inside the optimiser's loss function (tensors are tracked by the caller's tidy).
 */
export function penaltyTerm(p: Tensor, matrices: { C: Tensor; c0: Tensor }, lambda: number, soft: SoftDecision): Tensor {
  // soft decision s = σ((logit p − logit t)/τ); = p when t = 0.5 and τ = 1
  let s: Tensor = p;
  if (!soft.identity) {
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    const z = tf.sub(tf.log(q), tf.log1p(tf.neg(q)));
    s = tf.sigmoid(tf.div(tf.sub(z, soft.logitThreshold), soft.temperature));
  }
  const gaps = tf.add(tf.matMul(s, matrices.C, true, false), matrices.c0); // [1, K]: r_g − r̄
  return tf.mul(lambda, tf.sum(tf.square(gaps)));
}
