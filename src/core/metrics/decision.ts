/**
 * Decision rules: which rows are selected (ŷ = 1).
 *
 * - `threshold`: selected iff score ≥ threshold (sklearn's `roc_curve` convention). Note that a
 *   classifier's `predict` (argmax of [1 − p, p]) selects p > 0.5, so a score of exactly 0.5
 *   differs from `threshold: 0.5`.
 * - `top-k`: the k rows with the highest scores. Ties at the cut are broken by **row index**
 *   (the earlier row wins) — deterministic, reproducible, and identical in `computeMetricFrame`
 *   and `createThresholdIndex` because both use the same stable argsort. k is floored and
 *   clamped to [0, n].
 * - `top-percent`: top-k with k = round(percent/100 · n) (Math.round: halves round up),
 *   percent clamped to [0, 100].
 *
 * Every rule reduces to a *cut* c in the descending-score order: the first c rows are selected.
 */
export type DecisionRule =
  | { rule: 'threshold'; threshold: number }
  | { rule: 'top-k'; k: number }
  | { rule: 'top-percent'; percent: number };

/** Number of rows with score ≥ t in a descending array (binary search). */
export function countAtLeast(sortedDesc: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sortedDesc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedDesc[mid] >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The number of selected rows (a prefix of the descending order) for a rule. */
export function resolveCut(rule: DecisionRule, sortedDesc: ArrayLike<number>): number {
  const n = sortedDesc.length;
  switch (rule.rule) {
    case 'threshold':
      return countAtLeast(sortedDesc, rule.threshold);
    case 'top-k': {
      const k = Math.floor(rule.k);
      return Number.isNaN(k) ? 0 : Math.max(0, Math.min(n, k));
    }
    case 'top-percent': {
      const p = Math.max(0, Math.min(100, rule.percent));
      return Number.isNaN(p) ? 0 : Math.max(0, Math.min(n, Math.round((p / 100) * n)));
    }
  }
}

/** 0/1 decisions for every row: the first `cut` rows of `order` are selected. */
export function decisionsFromCut(order: Uint32Array, cut: number): Uint8Array {
  const out = new Uint8Array(order.length);
  for (let j = 0; j < cut; j++) out[order[j]] = 1;
  return out;
}
