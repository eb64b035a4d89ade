/**
 * Permutation feature importance, sklearn semantics (`sklearn.inspection.permutation_importance`):
 * score the model on the rows as they are, then again with one column's block row-permuted
 * (the whole one-hot block moves together), `repeats` times per column, seeded.
 *
 * Sign convention — a positive importance always means "this column's information matters":
 * - 'accuracy', 'auc': baseline − permuted (the drop in performance; sklearn's definition);
 * - 'logloss': permuted − baseline (the rise in loss; = sklearn with scoring='neg_log_loss');
 * - 'demographic-parity', 'equalized-odds': baseline disparity − permuted disparity. Positive:
 *   breaking the column's link to the rows removes that much disparity, i.e. the column's
 *   information creates it. Negative: without the column the disparity would be larger.
 *   `baseline` is the baseline disparity, so importance / baseline is the share it explains.
 *
 * Disparities (fairlearn's between-group differences, sample-weighted, decisions p ≥ threshold):
 * - demographic parity: max − min selection rate over the groups;
 * - equalized odds: max(TPR max − min, FPR max − min). A group without positives (negatives)
 *   has no TPR (FPR) and is left out of that difference (fairlearn would count a 0).
 * Rows with a negative group code are left out of the disparity (still permuted and scored).
 *
 * Cost: nRows × (1 + players × repeats) model rows, in batches of `batchRows`.
 */
import { weightedRocAuc } from '../metrics/roc-auc';
import { WorkbenchError } from '../errors';
import { createRng, shuffleInPlace } from '../rng';
import type { Rng } from '../rng';
import { aborted, checkMatrix, checkPlayers, internal, mixSeed, predictAll, predictBatch, resolveBatchRows } from './common';
import type { ExplainScorer, JobHooks, Player } from './common';

export type ImportanceScore = 'accuracy' | 'auc' | 'logloss' | 'demographic-parity' | 'equalized-odds';

export interface PermutationImportanceInput extends JobHooks {
  scorer: ExplainScorer;
  /** row-major nRows × width (encoded) */
  X: Float32Array;
  nRows: number;
  /** default scorer.nFeatures */
  width?: number;
  players: readonly Player[];
  /** 0/1 per row */
  labels: Uint8Array;
  /** sample weights (default 1) */
  weights?: ArrayLike<number>;
  /** needed for the fairness scores */
  groupCodes?: Int32Array;
  score: ImportanceScore;
  /** default 0.5 */
  threshold?: number;
  /** default 5 (sklearn's n_repeats) */
  repeats?: number;
  /** default 0 */
  seed?: number;
  /** default 8192 */
  batchRows?: number;
}

export interface PlayerImportance {
  name: string;
  /** mean over repeats (see the sign convention above) */
  mean: number;
  /** population std over repeats (np.std, as sklearn) */
  std: number;
  /** one importance per repeat */
  repeats: Float64Array;
}

export interface PermutationImportanceResult {
  score: ImportanceScore;
  /** the score on the unpermuted rows: accuracy, AUC, log loss, or the disparity */
  baseline: number;
  players: PlayerImportance[];
  evaluations: number;
}

/** Scores predictions; returns the importance-oriented value (higher = more of what the column gives). */
interface Scoring {
  /** the metric in its natural units */
  value(p: Float64Array): number;
  /** importance from the baseline and permuted metric values */
  importance(baseline: number, permuted: number): number;
}

export async function permutationImportance(input: PermutationImportanceInput): Promise<PermutationImportanceResult> {
  const { scorer, X, nRows: N, players, labels, score } = input;
  const width = input.width ?? scorer.nFeatures;
  if (width !== scorer.nFeatures) throw internal(`width ${width} differs from the scorer's ${scorer.nFeatures} inputs`);
  checkPlayers(players, width);
  checkMatrix('X', X, N, width);
  if (labels.length < N) throw internal(`labels has ${labels.length} entries for ${N} rows`);
  const repeats = input.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1) throw internal(`repeats must be a whole number ≥ 1, not ${repeats}`);
  const threshold = input.threshold ?? 0.5;
  const batchRows = resolveBatchRows(input.batchRows);
  const w = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const v = input.weights ? input.weights[i] : 1;
    if (!(v >= 0) || !Number.isFinite(v)) throw internal(`weights[${i}] = ${v}; weights must be finite and ≥ 0`);
    w[i] = v;
  }
  const scoring = makeScoring(score, labels, w, input.groupCodes, threshold, N);

  const baseP = await predictAll(scorer, X, N, width, batchRows);
  const baseline = scoring.value(baseP);
  let evaluations = N;
  const M = players.length;
  const units = M * repeats;
  const out: PlayerImportance[] = players.map((p) => ({ name: p.name, mean: 0, std: 0, repeats: new Float64Array(repeats) }));
  if (N === 0) return { score, baseline, players: out, evaluations };

  const cap = batchRows;
  const batch = new Float32Array(cap * width);
  const perm = new Uint32Array(N);
  const preds = new Float64Array(N);
  let rng: Rng = createRng(0);
  let fill = 0;
  let pu = 0; // producer: unit, row within unit
  let pk = 0;
  let cu = 0; // consumer
  let ck = 0;

  const flush = async (): Promise<void> => {
    if (fill === 0) return;
    if (input.shouldStop?.()) throw aborted();
    const y = await predictBatch(scorer, batch, fill);
    evaluations += fill;
    for (let r = 0; r < fill; r++) {
      if (!Number.isFinite(y[r])) throw internal(`the model returned ${y[r]} for a permuted row`, 'Check the model for NaN or infinite outputs.');
      preds[ck++] = y[r];
      if (ck === N) {
        out[Math.floor(cu / repeats)].repeats[cu % repeats] = scoring.importance(baseline, scoring.value(preds));
        cu++;
        ck = 0;
      }
    }
    fill = 0;
    input.onProgress?.(cu, units);
  };

  while (pu < units) {
    const j = Math.floor(pu / repeats);
    if (pk === 0) {
      if (pu % repeats === 0) {
        rng = createRng(mixSeed(input.seed ?? 0, j));
        for (let i = 0; i < N; i++) perm[i] = i;
      }
      shuffleInPlace(perm, rng);
    }
    const { start, end } = players[j];
    const n = Math.min(cap - fill, N - pk);
    for (let r = 0; r < n; r++) {
      const i = pk + r;
      const o = (fill + r) * width;
      const src = i * width;
      const alt = perm[i] * width;
      for (let c = 0; c < width; c++) batch[o + c] = X[src + c];
      for (let c = start; c < end; c++) batch[o + c] = X[alt + c];
    }
    fill += n;
    pk += n;
    if (pk === N) {
      pu++;
      pk = 0;
    }
    if (fill === cap) await flush();
  }
  await flush();

  for (const p of out) {
    let s = 0;
    for (const v of p.repeats) s += v;
    p.mean = s / repeats;
    let ss = 0;
    for (const v of p.repeats) ss += (v - p.mean) ** 2;
    p.std = Math.sqrt(ss / repeats);
  }
  return { score, baseline, players: out, evaluations };
}

function makeScoring(
  score: ImportanceScore,
  labels: Uint8Array,
  w: Float64Array,
  groupCodes: Int32Array | undefined,
  threshold: number,
  N: number,
): Scoring {
  const higherBetter = (baseline: number, permuted: number): number => baseline - permuted;
  switch (score) {
    case 'accuracy':
      return { value: (p) => accuracy(p, labels, w, threshold), importance: higherBetter };
    case 'auc': {
      let pos = 0;
      let neg = 0;
      for (let i = 0; i < N; i++) {
        if (labels[i]) pos += w[i];
        else neg += w[i];
      }
      if (!(pos > 0 && neg > 0)) {
        throw new WorkbenchError('target-one-class', 'ROC AUC needs rows of both classes (with weight > 0).', 'Use accuracy or log loss, or include rows of both outcomes.');
      }
      return { value: (p) => rocAuc(p, labels, w), importance: higherBetter };
    }
    case 'logloss':
      return { value: (p) => logLoss(p, labels, w), importance: (b, q) => q - b };
    case 'demographic-parity':
    case 'equalized-odds': {
      if (!groupCodes) throw internal(`score '${score}' needs groupCodes`);
      if (groupCodes.length < N) throw internal(`groupCodes has ${groupCodes.length} entries for ${N} rows`);
      let G = 0;
      for (let i = 0; i < N; i++) if (groupCodes[i] + 1 > G) G = groupCodes[i] + 1;
      const f = score === 'demographic-parity' ? dpDifference : eoDifference;
      const check = f(new Float64Array(N), labels, w, groupCodes, G, threshold);
      if (Number.isNaN(check)) {
        throw new WorkbenchError('roles-invalid', `${score} needs at least two groups with rows${score === 'equalized-odds' ? ' (and positives or negatives)' : ''}.`, 'Choose a protected attribute with two or more groups among these rows.');
      }
      return { value: (p) => f(p, labels, w, groupCodes, G, threshold), importance: higherBetter };
    }
    default:
      throw internal(`unknown score ${JSON.stringify(score)}`);
  }
}

/** Weighted accuracy of decisions p ≥ threshold. */
export function accuracy(p: ArrayLike<number>, labels: Uint8Array, w: ArrayLike<number>, threshold: number): number {
  let ok = 0;
  let tot = 0;
  for (let i = 0; i < p.length; i++) {
    if ((p[i] >= threshold ? 1 : 0) === (labels[i] ? 1 : 0)) ok += w[i];
    tot += w[i];
  }
  return ok / tot;
}

/** Weighted log loss, p clipped to [1e-15, 1 − 1e-15]. */
export function logLoss(p: ArrayLike<number>, labels: Uint8Array, w: ArrayLike<number>): number {
  let s = 0;
  let tot = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]));
    s -= w[i] * (labels[i] ? Math.log(q) : Math.log(1 - q));
    tot += w[i];
  }
  return s / tot;
}

/** Weighted ROC AUC (ties count ½), as sklearn's roc_auc_score with sample_weight (see metrics/roc-auc). */
export function rocAuc(p: ArrayLike<number>, labels: Uint8Array, w: ArrayLike<number>): number {
  return weightedRocAuc(p, labels, w);
}

function dpDifference(p: Float64Array, _labels: Uint8Array, w: Float64Array, g: Int32Array, G: number, thr: number): number {
  const sel = new Float64Array(G);
  const tot = new Float64Array(G);
  for (let i = 0; i < p.length; i++) {
    const c = g[i];
    if (c < 0) continue;
    tot[c] += w[i];
    if (p[i] >= thr) sel[c] += w[i];
  }
  return spread(sel, tot);
}

function eoDifference(p: Float64Array, labels: Uint8Array, w: Float64Array, g: Int32Array, G: number, thr: number): number {
  const tp = new Float64Array(G);
  const pos = new Float64Array(G);
  const fp = new Float64Array(G);
  const neg = new Float64Array(G);
  for (let i = 0; i < p.length; i++) {
    const c = g[i];
    if (c < 0) continue;
    const s = p[i] >= thr;
    if (labels[i]) {
      pos[c] += w[i];
      if (s) tp[c] += w[i];
    } else {
      neg[c] += w[i];
      if (s) fp[c] += w[i];
    }
  }
  const dt = spread(tp, pos);
  const df = spread(fp, neg);
  if (Number.isNaN(dt)) return df;
  if (Number.isNaN(df)) return dt;
  return Math.max(dt, df);
}

/** max − min of num/den over the groups with den > 0; NaN with fewer than two such groups. */
function spread(num: Float64Array, den: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  let k = 0;
  for (let c = 0; c < num.length; c++) {
    if (!(den[c] > 0)) continue;
    const r = num[c] / den[c];
    if (r < lo) lo = r;
    if (r > hi) hi = r;
    k++;
  }
  return k < 2 ? NaN : hi - lo;
}
