/**
 * What everything above the model adapter depends on: a batch scorer on a row-major
 * Float32Array. Tests use closed-form scorers; the app and CLI use the tfjs adapter.
 */
export interface Scorer {
  /** input width (encoded) */
  readonly nFeatures: number;
  /** P(positive) for each of the `nRows` rows of X (row-major, nRows × nFeatures). */
  predict(X: Float32Array, nRows: number): Promise<Float32Array>;
  dispose(): void;
}
