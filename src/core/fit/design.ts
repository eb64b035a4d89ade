/**
 * The design a linear model is fitted on: the rows that carry weight, their nonzero inputs in
 * compressed-row form (CSR), their labels and their weights, all on 64-bit typed arrays.
 *
 * Why compressed rows: encoded lead data is mostly one-hot columns, so a row of 50 inputs
 * holds about a dozen nonzeros (the bank split: 13 of 50). Every pass of a fit (scores,
 * gradient, Hessian) then costs the nonzeros, not the width; on dense data the index reads
 * cost little beside the multiplications. Zeros are skipped exactly (no thresholding), so
 * every sum equals the dense one term for term, in the same order.
 */
import { WorkbenchError } from '../errors';

export interface Design {
  /** rows kept (weight > 0) */
  n: number;
  /** inputs per row (without the intercept) */
  d: number;
  /** row i's nonzeros are entries rowStart[i] .. rowStart[i+1]−1 */
  rowStart: Int32Array;
  /** input index of each nonzero */
  col: Int32Array;
  /** value of each nonzero */
  val: Float64Array;
  /** label of each kept row: 0 or 1 */
  y: Float64Array;
  /** weight of each kept row (> 0) */
  w: Float64Array;
  /** Σ weights */
  weightSum: number;
}

function internal(message: string): WorkbenchError {
  return new WorkbenchError('internal', message);
}

/**
 * The design of row-major `X` (n × d), labels `y` (0/1) and optional weights (≥ 0, finite;
 * rows of weight 0 are left out: they change neither the objective nor its gradient).
 */
export function buildDesign(X: Float32Array | Float64Array, y: ArrayLike<number>, d: number, sampleWeight?: ArrayLike<number>): Design {
  const n = y.length;
  if (!Number.isInteger(d) || d < 1) throw internal(`the width must be a whole number ≥ 1, not ${d}`);
  if (X.length !== n * d) throw internal(`X holds ${X.length} values, not ${n} rows × ${d}`);
  if (sampleWeight && sampleWeight.length !== n) throw internal(`sampleWeight has ${sampleWeight.length} entries for ${n} rows`);
  let kept = 0;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    const wi = sampleWeight ? sampleWeight[i] : 1;
    if (!(wi >= 0) || !Number.isFinite(wi)) throw internal(`sampleWeight[${i}] is ${wi}: weights must be finite and ≥ 0`);
    if (y[i] !== 0 && y[i] !== 1) throw internal(`label ${i} is ${y[i]}: labels must be 0 or 1`);
    if (wi === 0) continue;
    kept++;
    for (let j = i * d, e = j + d; j < e; j++) {
      const v = X[j];
      if (!Number.isFinite(v)) throw internal(`X[${Math.floor(j / d)}, ${j % d}] is ${v}: inputs must be finite`);
      if (v !== 0) nnz++;
    }
  }
  const rowStart = new Int32Array(kept + 1);
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  const yk = new Float64Array(kept);
  const wk = new Float64Array(kept);
  let weightSum = 0;
  let r = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const wi = sampleWeight ? sampleWeight[i] : 1;
    if (wi === 0) continue;
    for (let j = 0, o = i * d; j < d; j++) {
      const v = X[o + j];
      if (v !== 0) {
        col[k] = j;
        val[k] = v;
        k++;
      }
    }
    yk[r] = y[i];
    wk[r] = wi;
    weightSum += wi;
    rowStart[++r] = k;
  }
  return { n: kept, d, rowStart, col, val, y: yk, w: wk, weightSum };
}
