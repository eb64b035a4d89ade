/**
 * Weighted ROC AUC (ties count ½), as sklearn's roc_auc_score with sample_weight: the weighted
 * share of (positive, negative) pairs ranked in the right order. NaN when a class is absent.
 * One sort, one pass over tie blocks. Shared by training, importance and benches.
 */
export function weightedRocAuc(p: ArrayLike<number>, labels: ArrayLike<number>, w?: ArrayLike<number>): number {
  const n = p.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => p[a] - p[b]);
  let negBelow = 0;
  let area = 0;
  let pos = 0;
  let neg = 0;
  for (let s = 0; s < n; ) {
    let e = s;
    let bp = 0;
    let bn = 0;
    while (e < n && p[idx[e]] === p[idx[s]]) {
      const i = idx[e];
      const wi = w ? w[i] : 1;
      if (labels[i] === 1) bp += wi;
      else bn += wi;
      e++;
    }
    area += bp * (negBelow + 0.5 * bn);
    negBelow += bn;
    pos += bp;
    neg += bn;
    s = e;
  }
  return pos > 0 && neg > 0 ? area / (pos * neg) : NaN;
}

