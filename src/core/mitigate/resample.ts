/**
 * Resampling: change the training rows so that group × label cells have the shares asked for
 * (Kamiran & Calders' "uniform/preferential sampling" family; imbalanced-learn's
 * RandomOverSampler / RandomUnderSampler applied per group × label cell).
 *
 * Let a_{g,y} be the rows of cell (g, y) (rows with a group; y = label code) and b_{g,y} the
 * rows the resampled set will hold.
 *
 * Default target (no `proportions`): the label rate of every group becomes the overall base
 * rate p = Σ_g a_{g,1} / Σ_g a_g (over rows with a group). Per group, the label that is
 * under-represented relative to p is the "minority" one:
 * - oversample grows the minority label and keeps the majority: b_maj = a_maj,
 *   b_min = round(a_maj · p_min / (1 − p_min)), where p_min is the target share of that label;
 * - undersample shrinks the majority label and keeps the minority: b_min = a_min,
 *   b_maj = round(a_min · (1 − p_min) / p_min).
 * (With exactly p in a group nothing changes.) Only binary labels have a default; for more
 * classes pass `proportions`.
 *
 * Explicit `proportions[g][y]` = q_{g,y}, the share of cell (g, y) in the resampled rows that
 * have a group (normalised to sum to 1). The size N is the smallest (oversample: every
 * b ≥ a, N = max_{q>0} a/q) or largest (undersample: every b ≤ a, N = min_{q>0} a/q) that
 * keeps every row / draws no row twice, and b_{g,y} = round(q_{g,y} · N). So the shares are met
 * exactly up to that rounding (at most 0.5 row per cell).
 *
 * Which rows: oversampling keeps every row of a cell and adds b − a more, as ⌊(b−a)/a⌋ full
 * copies of the cell plus (b−a) mod a rows drawn without replacement (every row appears ⌊b/a⌋
 * or ⌈b/a⌉ times; imbalanced-learn draws the extra rows with replacement, which adds needless
 * variance). Undersampling draws b rows of the cell without replacement. Rows with a missing
 * group (code −1) are kept once each and are outside every share. All draws are seeded.
 *
 * Errors: a cell asked to hold rows but with none to draw from ('roles-invalid'); oversampling
 * asked to give share 0 to a cell that has rows (it never removes rows). Under the default
 * target, a group with no rows of its minority label is kept as it is and a note says so.
 */
import { createRng } from '../rng';
import type { Rng } from '../rng';
import { checkRows, internal, invalid } from './common';

export interface ResampleOptions {
  method: 'oversample' | 'undersample';
  /** target share per group × label cell (rows: groups, columns: label codes); see module comment */
  proportions?: number[][];
  seed: number;
}

export interface ResamplePlan {
  /** a_{g,y}: rows per cell before */
  before: number[][];
  /** b_{g,y}: rows per cell after */
  after: number[][];
  /** rows with a missing group, kept once each */
  missingGroupRows: number;
  /** cells that could not be moved to the target (default target only), in words */
  notes: string[];
}

/** Target cell counts b_{g,y} (exported for tests and the UI's "what will change" preview). */
export function planResample(labels: Uint8Array, groupCodes: Int32Array, nGroups: number, options: Omit<ResampleOptions, 'seed'>): ResamplePlan {
  checkRows(labels, groupCodes, nGroups);
  let nClasses = 2;
  for (let i = 0; i < labels.length; i++) if (labels[i] + 1 > nClasses) nClasses = labels[i] + 1;
  const before: number[][] = Array.from({ length: nGroups }, () => new Array<number>(nClasses).fill(0));
  let missing = 0;
  for (let i = 0; i < labels.length; i++) {
    const g = groupCodes[i];
    if (g < 0) missing++;
    else before[g][labels[i]]++;
  }
  const method = options.method;
  if (method !== 'oversample' && method !== 'undersample') throw internal(`method must be 'oversample' or 'undersample', not ${String(method)}`);

  let after: number[][];
  const notes: string[] = [];
  if (options.proportions === undefined) {
    if (nClasses !== 2) {
      throw invalid(`the labels have ${nClasses} classes; the default resampling target is defined for two`, 'Give proportions for every group × class cell.');
    }
    let pos = 0;
    let all = 0;
    for (const row of before) {
      pos += row[1];
      all += row[0] + row[1];
    }
    const p = all > 0 ? pos / all : 0;
    after = before.map(([a0, a1], g) => {
      const ng = a0 + a1;
      if (ng === 0) return [0, 0];
      const rate = a1 / ng;
      if (rate === p || p === 0 || p === 1) return [a0, a1];
      // minority label (relative to the target p): 1 when the group's rate is below p
      const minority = rate < p ? 1 : 0;
      const pMin = minority === 1 ? p : 1 - p; // target share of the minority label
      const aMin = minority === 1 ? a1 : a0;
      const aMaj = minority === 1 ? a0 : a1;
      if (aMin === 0) {
        notes.push(`group ${g} has no rows with label ${minority}: it is kept as it is (no rows to draw from)`);
        return [a0, a1];
      }
      let bMin: number;
      let bMaj: number;
      if (method === 'oversample') {
        bMaj = aMaj;
        bMin = Math.round((aMaj * pMin) / (1 - pMin));
      } else {
        bMin = aMin;
        bMaj = Math.round((aMin * (1 - pMin)) / pMin);
      }
      return minority === 1 ? [bMaj, bMin] : [bMin, bMaj];
    });
  } else {
    const q = options.proportions;
    if (!Array.isArray(q) || q.length !== nGroups) throw invalid(`proportions must have one row per group (${nGroups}), not ${Array.isArray(q) ? q.length : typeof q}`, 'List a share for every group × label cell.');
    let sum = 0;
    q.forEach((row, g) => {
      if (!Array.isArray(row) || row.length !== nClasses) throw invalid(`proportions[${g}] must list ${nClasses} shares (one per label)`, 'List a share for every group × label cell.');
      row.forEach((x, y) => {
        if (typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x)) throw invalid(`proportions[${g}][${y}] must be a finite number ≥ 0, not ${String(x)}`, 'Shares are non-negative numbers; they are scaled to sum to 1.');
        sum += x;
      });
    });
    if (!(sum > 0)) throw invalid('proportions sum to 0', 'Give at least one cell a positive share.');
    let N = method === 'oversample' ? 0 : Infinity;
    for (let g = 0; g < nGroups; g++) {
      for (let y = 0; y < nClasses; y++) {
        const share = q[g][y] / sum;
        const a = before[g][y];
        if (share > 0 && a === 0) {
          throw invalid(`proportions[${g}][${y}] asks for a share of ${share.toFixed(3)} but group ${g} has no rows with label ${y}`, 'Give that cell share 0, or merge groups.');
        }
        if (share === 0 && a > 0 && method === 'oversample') {
          throw invalid(`proportions[${g}][${y}] is 0 but the cell has ${a} rows, and oversampling never removes rows`, 'Use undersampling to drop cells, or give the cell a share.');
        }
        if (share > 0) N = method === 'oversample' ? Math.max(N, a / share) : Math.min(N, a / share);
      }
    }
    after = q.map((row) => row.map((x) => Math.round((x / sum) * N)));
  }
  return { before, after, missingGroupRows: missing, notes };
}

/** k distinct picks from idx (partial Fisher–Yates), appended to out. */
function drawWithoutReplacement(idx: number[], k: number, rng: Rng, out: number[]): void {
  const a = idx.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
    out.push(a[i]);
  }
}

/**
 * Row indices of the resampled training set (ascending; repeated for oversampled rows),
 * deterministic under `seed`. See the module comment for the targets and the draws.
 */
export function resample(labels: Uint8Array, groupCodes: Int32Array, nGroups: number, options: ResampleOptions): Uint32Array {
  const plan = planResample(labels, groupCodes, nGroups, options);
  const nClasses = plan.before[0]?.length ?? 2;
  const cells: number[][] = Array.from({ length: nGroups * nClasses }, () => []);
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const g = groupCodes[i];
    if (g < 0) out.push(i);
    else cells[g * nClasses + labels[i]].push(i);
  }
  const rng = createRng(options.seed);
  for (let g = 0; g < nGroups; g++) {
    for (let y = 0; y < nClasses; y++) {
      const rows = cells[g * nClasses + y];
      const a = rows.length;
      const b = plan.after[g][y];
      if (b >= a) {
        if (a === 0) continue;
        const copies = Math.floor(b / a);
        for (let c = 0; c < copies; c++) for (const r of rows) out.push(r);
        drawWithoutReplacement(rows, b - copies * a, rng, out);
      } else {
        drawWithoutReplacement(rows, b, rng, out);
      }
    }
  }
  return Uint32Array.from(out).sort();
}
