/**
 * Proxy detection: how well each column *alone* reveals a protected group. A model can
 * discriminate through such a column even when the protected attribute is not an input.
 *
 * Per column, against the group codes (negative code = missing group, row left out):
 * - `nmi`: normalised mutual information, I(X; G) / mean(H(X), H(G)) (sklearn's
 *   `normalized_mutual_info_score`, arithmetic mean; 0 when X or G is constant). Numeric columns
 *   are cut into ~`bins` quantile bins (ties merge bins; NaN is its own bin); categorical codes
 *   are used as they are (a negative code is its own "missing" level).
 * - `groupInformation`: I(X; G) / H(G), the share of the group's entropy the column explains.
 *   Binning dilutes `nmi` (a perfect numeric proxy cut into 10 bins has nmi ≈ 0.46 but
 *   groupInformation 1), so both are given.
 * - `auc[g]`: one-vs-rest ROC AUC of the column's best univariate ordering for group g —
 *   numeric: max(AUC, 1 − AUC) of the raw values (NaN rows left out); categorical: levels
 *   ordered by their rate of group g (the optimal ordering, so ≥ 0.5). In-sample, so columns with
 *   many rare levels (postcodes) score optimistically; `levels` says how many there are.
 * - `strength` = max(nmi / nmiThreshold, (maxAuc − 0.5) / (aucThreshold − 0.5)); the column is
 *   flagged `likelyProxy` when strength ≥ 1, i.e. nmi ≥ 0.1 or maxAuc ≥ 0.7 by default.
 * Results are sorted by strength, strongest first. MI estimates from small samples are biased
 * upwards (≈ (levels − 1)(groups − 1) / 2n nats), so read weak signals on few rows with care.
 */
import { internal } from './common';

export type ProxyColumn =
  | { name: string; kind: 'numeric'; values: Float64Array }
  | { name: string; kind: 'categorical'; codes: Int32Array; nLevels: number };

export interface ProxyOptions {
  /** quantile bins for numeric columns (default 10) */
  bins?: number;
  /** default 0.1 */
  nmiThreshold?: number;
  /** default 0.7 */
  aucThreshold?: number;
  /** row weights (default 1) */
  weights?: ArrayLike<number>;
}

export interface ProxyStrength {
  name: string;
  kind: 'numeric' | 'categorical';
  nmi: number;
  groupInformation: number;
  /** per group code 0..nGroups−1; NaN where the group (or everyone else) is empty */
  auc: Float64Array;
  maxAuc: number;
  /** the group code with the highest AUC (−1 if none) */
  bestGroup: number;
  /** distinct values after binning (numeric) or levels present (categorical) */
  levels: number;
  strength: number;
  likelyProxy: boolean;
  /** 1 = strongest */
  rank: number;
}

export interface ProxyReport {
  nGroups: number;
  /** H(G) in nats */
  groupEntropy: number;
  nmiThreshold: number;
  aucThreshold: number;
  /** sorted by strength, strongest first */
  columns: ProxyStrength[];
}

export function proxyStrength(columns: readonly ProxyColumn[], groupCodes: Int32Array, options: ProxyOptions = {}): ProxyReport {
  const n = groupCodes.length;
  const bins = Math.max(2, Math.floor(options.bins ?? 10));
  const nmiThreshold = options.nmiThreshold ?? 0.1;
  const aucThreshold = options.aucThreshold ?? 0.7;
  if (!(nmiThreshold > 0) || !(aucThreshold > 0.5 && aucThreshold <= 1)) throw internal('nmiThreshold must be > 0 and aucThreshold in (0.5, 1]');
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = options.weights ? options.weights[i] : 1;
  let G = 0;
  for (let i = 0; i < n; i++) if (groupCodes[i] + 1 > G) G = groupCodes[i] + 1;
  const gW = new Float64Array(G);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (groupCodes[i] < 0) continue;
    gW[groupCodes[i]] += w[i];
    total += w[i];
  }
  const hG = entropy(gW, total);

  const out: ProxyStrength[] = columns.map((col) => {
    const len = col.kind === 'numeric' ? col.values.length : col.codes.length;
    if (len !== n) throw internal(`column ${JSON.stringify(col.name)} has ${len} rows, groupCodes ${n}`);
    const { level, nLevels } = col.kind === 'numeric' ? quantileBins(col.values, bins) : categoricalLevels(col.codes, col.nLevels);
    // contingency table levels × groups
    const table = new Float64Array(nLevels * G);
    const lW = new Float64Array(nLevels);
    for (let i = 0; i < n; i++) {
      const g = groupCodes[i];
      if (g < 0) continue;
      table[level[i] * G + g] += w[i];
      lW[level[i]] += w[i];
    }
    let levels = 0;
    for (let l = 0; l < nLevels; l++) if (lW[l] > 0) levels++;
    const hX = entropy(lW, total);
    let mi = 0;
    for (let l = 0; l < nLevels; l++) {
      for (let g = 0; g < G; g++) {
        const c = table[l * G + g];
        if (c > 0) mi += (c / total) * Math.log((c * total) / (lW[l] * gW[g]));
      }
    }
    mi = Math.max(0, mi);
    const nmi = hX > 0 && hG > 0 ? Math.min(1, (2 * mi) / (hX + hG)) : 0;
    const groupInformation = hG > 0 ? Math.min(1, mi / hG) : 0;
    const auc = col.kind === 'numeric' ? numericAuc(col.values, groupCodes, w, G) : categoricalAuc(table, lW, gW, nLevels, G);
    let maxAuc = NaN;
    let bestGroup = -1;
    for (let g = 0; g < G; g++) {
      if (!Number.isNaN(auc[g]) && !(auc[g] <= maxAuc)) {
        maxAuc = auc[g];
        bestGroup = g;
      }
    }
    const aucStrength = Number.isNaN(maxAuc) ? 0 : (maxAuc - 0.5) / (aucThreshold - 0.5);
    const strength = Math.max(nmi / nmiThreshold, aucStrength);
    return { name: col.name, kind: col.kind, nmi, groupInformation, auc, maxAuc, bestGroup, levels, strength, likelyProxy: strength >= 1, rank: 0 };
  });
  out.sort((a, b) => b.strength - a.strength);
  out.forEach((c, r) => (c.rank = r + 1));
  return { nGroups: G, groupEntropy: hG, nmiThreshold, aucThreshold, columns: out };
}

function entropy(counts: Float64Array, total: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log(c / total);
  return Math.max(0, h);
}

/** Level per row from quantile cut points (unique); NaN → the last level. */
function quantileBins(values: Float64Array, bins: number): { level: Int32Array; nLevels: number } {
  const finite = values.filter((v) => !Number.isNaN(v)).sort();
  const m = finite.length;
  const cuts: number[] = [];
  for (let q = 1; q < bins; q++) {
    if (m === 0) break;
    const c = finite[Math.min(m - 1, Math.floor((q * m) / bins))];
    if (cuts.length === 0 || c > cuts[cuts.length - 1]) cuts.push(c);
  }
  const level = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      level[i] = cuts.length + 1;
      continue;
    }
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cuts[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    level[i] = lo;
  }
  return { level, nLevels: cuts.length + 2 };
}

function categoricalLevels(codes: Int32Array, nLevels: number): { level: Int32Array; nLevels: number } {
  let max = nLevels;
  for (const c of codes) if (c + 1 > max) max = c + 1;
  const level = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) level[i] = codes[i] < 0 ? max : codes[i];
  return { level, nLevels: max + 1 };
}

function numericAuc(values: Float64Array, groups: Int32Array, w: Float64Array, G: number): Float64Array {
  const n = values.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (groups[i] >= 0 && !Number.isNaN(values[i])) keep.push(i);
  const idx = Uint32Array.from(keep).sort((a, b) => values[a] - values[b]);
  const area = new Float64Array(G);
  const cumG = new Float64Array(G);
  const blockG = new Float64Array(G);
  const posG = new Float64Array(G);
  let cum = 0;
  let tot = 0;
  for (let s = 0; s < idx.length; ) {
    let e = s;
    let block = 0;
    while (e < idx.length && values[idx[e]] === values[idx[s]]) {
      const i = idx[e];
      blockG[groups[i]] += w[i];
      block += w[i];
      e++;
    }
    for (let k = s; k < e; k++) {
      const g = groups[idx[k]];
      if (blockG[g] === 0) continue; // group already handled in this block (or weight 0)
      const bp = blockG[g];
      area[g] += bp * (cum - cumG[g] + 0.5 * (block - bp));
      cumG[g] += bp;
      posG[g] += bp;
      blockG[g] = 0;
    }
    cum += block;
    tot += block;
    s = e;
  }
  const auc = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const neg = tot - posG[g];
    if (!(posG[g] > 0 && neg > 0)) {
      auc[g] = NaN;
      continue;
    }
    const a = area[g] / (posG[g] * neg);
    auc[g] = Math.max(a, 1 - a);
  }
  return auc;
}

function categoricalAuc(table: Float64Array, lW: Float64Array, gW: Float64Array, nLevels: number, G: number): Float64Array {
  let tot = 0;
  for (const v of gW) tot += v;
  const auc = new Float64Array(G);
  const order: number[] = [];
  for (let l = 0; l < nLevels; l++) if (lW[l] > 0) order.push(l);
  for (let g = 0; g < G; g++) {
    const pos = gW[g];
    const neg = tot - pos;
    if (!(pos > 0 && neg > 0)) {
      auc[g] = NaN;
      continue;
    }
    order.sort((a, b) => table[a * G + g] / lW[a] - table[b * G + g] / lW[b]);
    let negBelow = 0;
    let area = 0;
    for (const l of order) {
      const bp = table[l * G + g];
      const bn = lW[l] - bp;
      area += bp * (negBelow + 0.5 * bn);
      negBelow += bn;
    }
    auc[g] = area / (pos * neg);
  }
  return auc;
}
