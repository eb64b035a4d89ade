/**
 * Dense symmetric positive-definite solves by Cholesky factorisation, for the small systems a
 * Newton step needs (one unknown per input plus the intercept: about 50). Row-major D × D.
 */

/**
 * Factors `A` in place into its lower Cholesky factor L (A = L Lᵀ; the strict upper triangle
 * is left as it was and never read). Returns false when a pivot is not positive, i.e. when A
 * is not numerically positive definite; A is then partly overwritten.
 */
export function choleskyInPlace(A: Float64Array, D: number): boolean {
  for (let j = 0; j < D; j++) {
    const rj = j * D;
    let s = A[rj + j];
    for (let k = 0; k < j; k++) s -= A[rj + k] * A[rj + k];
    if (!(s > 0)) return false;
    const ljj = Math.sqrt(s);
    A[rj + j] = ljj;
    for (let i = j + 1; i < D; i++) {
      const ri = i * D;
      let t = A[ri + j];
      for (let k = 0; k < j; k++) t -= A[ri + k] * A[rj + k];
      A[ri + j] = t / ljj;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b with the factor from {@link choleskyInPlace}; `b` is overwritten by x. */
export function choleskySolveInPlace(L: Float64Array, D: number, b: Float64Array): void {
  for (let i = 0; i < D; i++) {
    const ri = i * D;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[k];
    b[i] = s / L[ri + i];
  }
  for (let i = D - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < D; k++) s -= L[k * D + i] * b[k];
    b[i] = s / L[i * D + i];
  }
}
