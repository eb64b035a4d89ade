/**
 * Argsort for scores, descending, ties kept in ascending row-index order.
 *
 * An LSD radix sort on the IEEE-754 bits of each value (4 passes of 16 bits, a pass skipped
 * when every key shares its digit). It is stable, so rows with equal scores stay in row order:
 * that is the tie rule every "top-k" decision in this module relies on. −0 is folded into +0
 * (they compare equal as numbers). NaN must be rejected by the caller (see `assertFiniteScores`).
 */
import { WorkbenchError } from '../errors';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Throws a `model-invalid` problem at the first score that is NaN or infinite. */
export function assertFiniteScores(scores: ArrayLike<number>): void {
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) {
      throw new WorkbenchError(
        'model-invalid',
        `The score of row ${i + 1} is ${String(s)}; every row needs a finite probability.`,
        'Check the model output for rows with missing or non-numeric features.',
      );
    }
  }
}

/** Row indices ordered by descending value; equal values keep ascending row index. */
export function argsortDesc(values: ArrayLike<number>): Uint32Array {
  return argsortDescWithValues(values).order;
}

/**
 * `argsortDesc` plus the values in that order (decoded from the sorted keys, so no gather
 * through the permutation is needed; −0 comes back as +0).
 */
export function argsortDescWithValues(values: ArrayLike<number>): { order: Uint32Array; sorted: Float64Array } {
  const n = values.length;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = values[i] + 0; // -0 → +0
  const bits = new Uint32Array(f.buffer);
  const hiOff = LITTLE_ENDIAN ? 1 : 0;
  const loOff = 1 - hiOff;
  // Descending key: positive v → flip every bit but the sign; negative v → bits unchanged.
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + hiOff];
    const l = bits[2 * i + loOff];
    if (h & 0x80000000) {
      hi[i] = h;
      lo[i] = l;
    } else {
      hi[i] = (h ^ 0x7fffffff) >>> 0;
      lo[i] = (l ^ 0xffffffff) >>> 0;
    }
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const useHi = pass >= 2;
    const shift = pass % 2 === 0 ? 0 : 16;
    const src = useHi ? hi : lo;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(src[i] >>> shift) & 0xffff]++;
    let skip = false;
    for (let d = 0; d < 65536; d++) {
      if (count[d] === n) {
        skip = true;
        break;
      }
      if (count[d] !== 0) break;
    }
    if (skip || n === 0) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const d = (src[i] >>> shift) & 0xffff;
      const p = count[d]++;
      hi2[p] = hi[i];
      lo2[p] = lo[i];
      idx2[p] = idx[i];
    }
    let t = hi;
    hi = hi2;
    hi2 = t;
    t = lo;
    lo = lo2;
    lo2 = t;
    t = idx;
    idx = idx2;
    idx2 = t;
  }
  // decode the keys back into the values, reusing f's buffer
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    if (h & 0x80000000) {
      bits[2 * i + hiOff] = h;
      bits[2 * i + loOff] = lo[i];
    } else {
      bits[2 * i + hiOff] = (h ^ 0x7fffffff) >>> 0;
      bits[2 * i + loOff] = (lo[i] ^ 0xffffffff) >>> 0;
    }
  }
  return { order: idx, sorted: f };
}
