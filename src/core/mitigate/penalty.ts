/**
 * The fairness penalty that `trainModel` can add to its loss (in-processing mitigation; a
 * Lagrangian-style soft constraint on the training batch).
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
 * models; this is one training run with a fixed multiplier λ (see ./constraint for the
 * "bound" mode, which raises λ until the hard training gap meets the bound). Batch-level
 * rates are noisy for small groups, which adds a small variance term to the penalty.
 */
import { internal } from './common';

export type FairnessConstraint = 'demographic-parity' | 'equal-opportunity' | 'equalized-odds' | 'error-rate-parity';

export const FAIRNESS_CONSTRAINTS: readonly FairnessConstraint[] = ['demographic-parity', 'equal-opportunity', 'equalized-odds', 'error-rate-parity'];

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

/**
 * Fills C (nb × K, row-major) and c0 (K) for one batch so that the vector of differences
 * r_g − r̄ (per component and group) equals sᵀC + c0. With m_i the row's membership in the
 * component's condition, D_g = Σ_{i∈g} m_i and D = Σ_g D_g:
 *   C[i, g] = m_i · ([g_i = g] / D_g − 1 / D)   for groups with D_g > 0, else 0;
 * error-rate parity uses v_i = y_i + (1 − 2y_i)s_i, so C[i, g] gets the factor (1 − 2y_i) and
 * c0_g = Σ_i C[i, g]·y_i.
 */
export function fillPenaltyMatrix(
  constraint: FairnessConstraint,
  nGroups: number,
  groups: Int32Array,
  labels: Float32Array,
  nb: number,
  C: Float32Array,
  c0: Float32Array,
): void {
  const K = constraint === 'equalized-odds' ? 2 * nGroups : nGroups;
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
