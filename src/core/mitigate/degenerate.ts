/**
 * Degenerate scenarios: decisions that select (nearly) nobody or (nearly) everybody.
 *
 * When a mitigation reaches parity by selecting almost nobody (a demographic-parity
 * constraint that selects 0.8 % of each group) or almost everybody, every group's selection
 * rate — and with it TPR and FPR — sits near 0 or near 1, so every parity gap is small. On an
 * accuracy-against-disparity chart such a scenario looks like the fairest one, but it is no
 * trade-off: nobody is being decided about. It is flagged, kept off the Pareto frontier, and
 * drawn apart.
 *
 * The rule, on the held-out decisions (unweighted row counts, as the metric frame reports
 * them): with r = selected / n,
 * - r < DEGENERATE_MIN_SELECTION_RATE (1 %) → 'selects-nobody';
 * - r > DEGENERATE_MAX_SELECTION_RATE (99 %) → 'selects-everybody';
 * - otherwise not degenerate. The bounds themselves are not flagged.
 * Why the overall rate and not "some group selects nobody": a group that selects nobody while
 * others select shows as a large gap, so the chart already places it among the unfair
 * scenarios; it is only when every group is near 0 or near 1 together that the gaps mislead.
 */

/** Below this held-out selection rate a scenario selects (nearly) nobody. */
export const DEGENERATE_MIN_SELECTION_RATE = 0.01;
/** Above this held-out selection rate a scenario selects (nearly) everybody. */
export const DEGENERATE_MAX_SELECTION_RATE = 0.99;

export interface DegenerateSelection {
  kind: 'selects-nobody' | 'selects-everybody';
  /** selected / n on the held-out rows */
  selectionRate: number;
  /** why this is no trade-off, in words a person reads next to the point */
  message: string;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/**
 * The rule above, for `selected` of `n` rows. null when the selection rate is within the
 * bounds (or there are no rows).
 */
export function degenerateSelection(decisions: { n: number; selected: number }): DegenerateSelection | null {
  const { n, selected } = decisions;
  if (!(n > 0)) return null;
  const selectionRate = selected / n;
  if (selectionRate < DEGENERATE_MIN_SELECTION_RATE) {
    return {
      kind: 'selects-nobody',
      selectionRate,
      message: `selects ${selected} of ${n} held-out rows (${percent(selectionRate)}, under ${percent(DEGENERATE_MIN_SELECTION_RATE)}): its parity gaps are small because almost nobody is selected, not because groups are treated alike — not a trade-off`,
    };
  }
  if (selectionRate > DEGENERATE_MAX_SELECTION_RATE) {
    return {
      kind: 'selects-everybody',
      selectionRate,
      message: `selects ${selected} of ${n} held-out rows (${percent(selectionRate)}, over ${percent(DEGENERATE_MAX_SELECTION_RATE)}): its parity gaps are small because almost everybody is selected, not because groups are treated alike — not a trade-off`,
    };
  }
  return null;
}
