/**
 * Reweighing (Kamiran & Calders 2012; AIF360 `Reweighing`, and its sklearn version for any
 * number of groups × classes).
 *
 * With n = Σ w over all rows, n_y = Σ w over rows of class y (all rows), n_g = Σ w over rows of
 * group g and n_{g,y} = Σ w over rows of group g and class y (w = the base weights, 1 without
 * them), every row of cell (g, y) is multiplied by
 *
 *     W(g, y) = n_y · n_g / (n · n_{g,y})
 *
 * i.e. the count the cell would have if group and class were independent, over the count it
 * has. After reweighing, every group g keeps its total weight Σ_y W(g,y)·n_{g,y} = n_g·(Σ_y n_y)/n
 * (= n_g when every row has a group), and its weighted share of class y is n_y / n: the same
 * base rate in every group.
 *
 * Where we differ from the peers, and why:
 * - Rows with a missing group (code −1) keep their weight (factor 1), as AIF360's classic
 *   version keeps rows that are in neither the privileged nor the unprivileged group. They
 *   still count in n and n_y (as in AIF360 classic), so the common base rate is the whole
 *   data's. A group is never invented for them.
 * - An empty cell (n_{g,y} = 0) has no rows to weight: its factor is null and is skipped
 *   (AIF360-sklearn skips it; AIF360 classic divides by zero). That group cannot reach the
 *   common base rate, and `emptyCells` lists it so the caller can say so.
 */
import { checkRows, internal } from './common';

export interface ReweighResult {
  /** one weight per row: base weight × W(g, y); base weight for rows with a missing group */
  weights: Float32Array;
  /** factors[g][y] = W(g, y); null for an empty cell */
  factors: (number | null)[][];
  /** number of classes (max label + 1, at least 2) */
  nClasses: number;
  /** weighted counts n_{g,y} before reweighing */
  cellWeights: number[][];
  /** [g, y] of every cell with no weight (its factor is null) */
  emptyCells: [number, number][];
}

/**
 * Kamiran–Calders reweighing factors and the new row weights (see the module comment).
 * `labels` are class codes 0..C−1 (C = max label + 1, at least 2); `groupCodes` are 0..nGroups−1
 * or −1 (missing); `baseWeights` (finite, ≥ 0) are multiplied, AIF360's `instance_weights`.
 */
export function reweigh(
  labels: Uint8Array,
  groupCodes: Int32Array,
  nGroups: number,
  baseWeights?: Float32Array | Float64Array,
): ReweighResult {
  checkRows(labels, groupCodes, nGroups, baseWeights);
  const n = labels.length;
  let nClasses = 2;
  for (let i = 0; i < n; i++) if (labels[i] + 1 > nClasses) nClasses = labels[i] + 1;
  if (nClasses > 256) throw internal('labels must be class codes below 256');

  const cell = new Float64Array(nGroups * nClasses); // n_{g,y}
  const byClass = new Float64Array(nClasses); // n_y over all rows
  let total = 0; // n over all rows
  for (let i = 0; i < n; i++) {
    const w = baseWeights ? baseWeights[i] : 1;
    const y = labels[i];
    total += w;
    byClass[y] += w;
    const g = groupCodes[i];
    if (g >= 0) cell[g * nClasses + y] += w;
  }

  const factors: (number | null)[][] = [];
  const cellWeights: number[][] = [];
  const emptyCells: [number, number][] = [];
  const flat = new Float64Array(nGroups * nClasses);
  for (let g = 0; g < nGroups; g++) {
    let ng = 0;
    for (let y = 0; y < nClasses; y++) ng += cell[g * nClasses + y];
    const row: (number | null)[] = [];
    const counts: number[] = [];
    for (let y = 0; y < nClasses; y++) {
      const ngy = cell[g * nClasses + y];
      counts.push(ngy);
      if (ngy > 0 && total > 0) {
        const f = (byClass[y] * ng) / (total * ngy);
        row.push(f);
        flat[g * nClasses + y] = f;
      } else {
        row.push(null);
        flat[g * nClasses + y] = 1; // no row of positive weight lives in this cell
        if (ng > 0) emptyCells.push([g, y]);
      }
    }
    factors.push(row);
    cellWeights.push(counts);
  }

  const weights = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const w = baseWeights ? baseWeights[i] : 1;
    const g = groupCodes[i];
    weights[i] = g < 0 ? w : w * flat[g * nClasses + labels[i]];
  }
  return { weights, factors, nClasses, cellWeights, emptyCells };
}
