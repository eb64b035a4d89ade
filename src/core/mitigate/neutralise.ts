/**
 * Neutralise columns at prediction time: every row's encoded block of each chosen column is
 * replaced by the block of a background row drawn at random (uniformly, with replacement,
 * seeded). The same background row supplies every neutralised block of a row, so several
 * neutralised columns keep their joint distribution.
 *
 * The model is unchanged — **this is not retraining**. The score of a row becomes one draw of
 * the interventional expectation E_b f(x_keep, b_neutralised) that SHAP uses (averaged over
 * many draws it is that expectation). The model can still use whatever those columns told it
 * through other, correlated columns (proxies); only retraining without the column (drop
 * features) lets the model re-fit its other weights. Where the model is additive in the
 * column (a logistic model on its logit), one draw of the block adds noise around the
 * column's mean contribution rather than zeroing it as interpret#421 suggests for EBMs; the
 * draw keeps every neutralised row a valid encoded row (a one-hot block stays one-hot).
 */
import { createRng } from '../rng';
import { internal } from './common';

export interface ColumnBlock {
  /** first encoded input of the column */
  start: number;
  /** one past its last input */
  end: number;
  /** optional name, copied into the metadata */
  column?: string;
}

export interface NeutraliseResult {
  /** a new row-major nRows × width matrix (the input is not modified) */
  X: Float32Array;
  meta: {
    method: 'neutralise';
    /** always false: the model is not retrained */
    retrained: false;
    columns: string[];
    backgroundRows: number;
    seed: number;
    note: string;
  };
}

export const NEUTRALISE_NOTE =
  'Neutralise replaces the columns with values drawn from background rows at prediction time; the model is not retrained and can still use correlated columns.';

/** The rows to neutralise: a row-major nRows × width matrix. */
export interface NeutraliseInput {
  X: Float32Array;
  nRows: number;
  width: number;
}

export interface NeutraliseOptions {
  /** the encoded blocks of the columns to neutralise */
  blocks: readonly ColumnBlock[];
  /** rows (same width) whose blocks are drawn */
  background: { X: Float32Array; nRows: number };
  seed: number;
}

/** See the module comment. Throws 'internal' for blocks outside the row or an empty background. */
export function neutralise(input: NeutraliseInput, options: NeutraliseOptions): NeutraliseResult {
  const { X, nRows, width } = input;
  const { blocks: slices, background, seed } = options;
  if (!Number.isInteger(nRows) || nRows < 0 || !Number.isInteger(width) || width < 1) throw internal(`bad shape ${nRows} × ${width}`);
  if (X.length < nRows * width) throw internal(`X holds ${X.length} values, fewer than ${nRows} × ${width}`);
  if (background.X.length < background.nRows * width) throw internal(`background holds ${background.X.length} values, fewer than ${background.nRows} × ${width}`);
  for (const s of slices) {
    if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end > s.start && s.end <= width)) {
      throw internal(`block [${s.start}, ${s.end}) is not inside a row of width ${width}`);
    }
  }
  if (slices.length > 0 && nRows > 0 && background.nRows < 1) throw internal('neutralise needs at least one background row');
  const out = X.slice(0, nRows * width);
  const rng = createRng(seed);
  const B = background.X;
  for (let i = 0; i < nRows && slices.length > 0; i++) {
    const b = rng.int(background.nRows) * width;
    const o = i * width;
    for (const s of slices) out.set(B.subarray(b + s.start, b + s.end), o + s.start);
  }
  return {
    X: out,
    meta: {
      method: 'neutralise',
      retrained: false,
      columns: slices.map((s, k) => s.column ?? `[${s.start}, ${s.end})#${k}`),
      backgroundRows: background.nRows,
      seed,
      note: NEUTRALISE_NOTE,
    },
  };
}
