/**
 * AIF360's individual-level inequality indices (Speicher et al., KDD 2018), reproduced exactly
 * from `aif360/metrics/classification_metric.py` (`generalized_entropy_index`,
 * `_between_group_generalized_entropy_index`):
 *
 *   b_i = ŷ_i − y_i + 1 ∈ {0, 1, 2} (the "benefit" of row i), μ = mean(b) over **all rows,
 *   unweighted** (AIF360 ignores instance weights here, and so do we: the index is about
 *   rows/individuals, and matching AIF360 was asked for);
 *   - α = 1 (Theil):  (1/n) Σ (b_i/μ) · ln(b_i/μ)   (b_i = 0 contributes 0, as AIF360's
 *     `log((b/μ)^b)/μ`);
 *   - α = 0: AIF360's code returns  −(1/n) Σ ln(b_i/μ) / μ  — note the **extra 1/μ factor**
 *     compared with its own docstring (and the paper's mean log deviation −(1/n) Σ ln(b_i/μ)).
 *     We keep the quirk so numbers match AIF360; any b_i = 0 (a false negative) makes it +∞ in
 *     AIF360, which we report as null with reason 'infinite';
 *   - otherwise: (1/n) Σ ((b_i/μ)^α − 1) / (α(α − 1)); α < 0 with some b_i = 0 → +∞ → null.
 *
 * Since b only takes the values 0, 1, 2, every index is computed from the **row counts**
 * (0: FN rows, 1: TP + TN rows, 2: FP rows) — no row pass, and the bootstrap gets it for free.
 *
 * Between-group variant: every b_i is replaced by the mean b of its group (AIF360's
 * `between_all_groups_*` over the groups of one attribute). Rows whose attribute value is
 * missing are **left out** (n and μ over the grouped rows); AIF360 would leave them at b = 0
 * (its `np.zeros` initialisation), which silently lowers μ — a quirk we do not copy.
 */
import type { RowCounts } from './confusion';

export type InequalityReason = 'empty' | 'zero-mean' | 'infinite';

export interface InequalityValue {
  value: number | null;
  reason?: InequalityReason;
}

/** f(x) with x = b/μ, the per-row term of the index; mu for α = 0's AIF360 factor. */
function term(x: number, alpha: number, mu: number): number {
  if (alpha === 1) return x === 0 ? 0 : x * Math.log(x);
  if (alpha === 0) return -Math.log(x) / mu;
  return (Math.pow(x, alpha) - 1) / (alpha * (alpha - 1));
}

/**
 * Generalised entropy index of a set of (value, multiplicity) pairs, AIF360's formulas.
 * `values[k]` occurs `counts[k]` times.
 */
function geiOf(values: number[], counts: number[], alpha: number): InequalityValue {
  let n = 0;
  let sum = 0;
  for (let k = 0; k < values.length; k++) {
    n += counts[k];
    sum += counts[k] * values[k];
  }
  if (!(n > 0)) return { value: null, reason: 'empty' };
  const mu = sum / n;
  if (!(mu > 0)) return { value: null, reason: 'zero-mean' };
  let acc = 0;
  for (let k = 0; k < values.length; k++) {
    if (counts[k] === 0) continue;
    const t = term(values[k] / mu, alpha, mu);
    if (!Number.isFinite(t)) return { value: null, reason: 'infinite' };
    acc += counts[k] * t;
  }
  return { value: acc / n };
}

/** AIF360 `generalized_entropy_index(alpha)` from the row counts of everyone. */
export function generalizedEntropyIndex(rows: RowCounts, alpha = 2): InequalityValue {
  return geiOf([0, 1, 2], [rows.fn, rows.tp + rows.tn, rows.fp], alpha);
}

/** AIF360 `theil_index()` = generalized entropy index with α = 1. */
export function theilIndex(rows: RowCounts): InequalityValue {
  return generalizedEntropyIndex(rows, 1);
}

/**
 * AIF360 `between_all_groups_generalized_entropy_index(alpha)`: each row's b replaced by its
 * group's mean b; empty groups contribute nothing.
 */
export function betweenGroupGeneralizedEntropyIndex(groups: RowCounts[], alpha = 2): InequalityValue {
  const values: number[] = [];
  const counts: number[] = [];
  for (const g of groups) {
    const n = g.tp + g.fp + g.tn + g.fn;
    if (n === 0) continue;
    values.push((g.tp + g.tn + 2 * g.fp) / n);
    counts.push(n);
  }
  return geiOf(values, counts, alpha);
}

/** Between-group Theil index (α = 1). */
export function betweenGroupTheilIndex(groups: RowCounts[]): InequalityValue {
  return betweenGroupGeneralizedEntropyIndex(groups, 1);
}

/** Row counts straight from label / decision vectors (for callers without a frame). */
export function rowCounts(labels: Uint8Array, decisions: Uint8Array): RowCounts {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      if (decisions[i] === 1) tp++;
      else fn++;
    } else if (decisions[i] === 1) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}
