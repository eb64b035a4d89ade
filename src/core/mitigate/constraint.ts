/**
 * Fairness constraint in training (in-processing): `trainModel` with the soft group-rate
 * penalty of ../train-penalty, and a "bound" mode that raises λ until the **hard** gap on the training
 * rows meets a bound.
 *
 * One of two ways to enforce a constraint in training (see ./scenario-spec constraintMethod):
 * a scenario on a logistic baseline with a bound uses the reductions approach (./reductions:
 * exponentiated gradient over exact weighted logistic fits, fairlearn's method, which reaches
 * the bound at the best accuracy); this penalty is what runs for an MLP, for a fixed λ, or when
 * the constraint asks for method "penalty". It is one ordinary training run (a few in bound
 * mode) and yields one deterministic model for any learner. What it gives up: a penalty at a
 * fixed λ is a soft constraint, and bound mode finds a λ that meets the bound on the training
 * rows, not the best-accuracy λ that does — on the bank demo it met DP ≤ 0.02 mostly by
 * selecting fewer people in every group (docs/mitigations.md).
 *
 * Bound mode: λ_1 = `lambda` (default 1), λ_{k+1} = growth · λ_k (default 2), at most
 * `maxRuns` trainings (default 6, so λ ≤ 32). Each run is a fresh, seeded training (no warm
 * start, so every run is reproducible on its own). After each run the hard gap on the
 * measurement rows is computed at the decision threshold (see {@link hardGap}); the first run
 * with gap ≤ bound is kept (the smallest λ that meets it, so the least accuracy given up). If none meets it, the run with the smallest gap is kept and `met` is false. The
 * held-out gap is never used to choose λ (the caller reports it separately).
 */
import { WorkbenchError } from '../errors';
import { encodeTable, encodeTarget } from '../manifest';
import { createModelScorer } from '../model';
import type { ColumnTable } from '../table';
import { trainModel } from '../train';
import type { TrainOptions, TrainResult, TrainSpec } from '../train';
import { internal } from './common';
import { FAIRNESS_CONSTRAINTS } from '../fairness-constraints';
import type { FairnessConstraint } from '../train-penalty';

export interface HardGap {
  /** max_g rate_g − min_g rate_g over groups where the rate is defined; equalized odds: max(ΔTPR, ΔFPR); null with fewer than two defined groups */
  value: number | null;
  /** per group: the rate(s) the gap is taken over (null where undefined) */
  perGroup: { count: number; rate: number | null; falsePositiveRate?: number | null }[];
}

/** Rows to measure a hard gap on: scores, labels and group codes in the same order. */
export interface HardGapOptions {
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** 0..nGroups−1, −1 = in no group */
  groupCodes: Int32Array;
  nGroups: number;
  constraint: FairnessConstraint;
  /** decision: score ≥ threshold; default 0.5 */
  threshold?: number;
  /** 'between-groups' (default): max − min; 'overall': the largest |group rate − the rate over all rows| */
  parity?: 'between-groups' | 'overall';
}

/**
 * The between-group difference of the hard decisions [score ≥ threshold] (unweighted), as the
 * metric frame reports it (fairlearn's `difference(method='between_groups')`), or with parity
 * 'overall' the largest distance of a group's rate from the rate over all grouped rows
 * (fairlearn's `difference(method='to_overall')`, the form its reductions constrain):
 * - demographic-parity: selection rates;
 * - equal-opportunity: true positive rates (groups with positives);
 * - equalized-odds: max(TPR difference, FPR difference) — fairlearn's worst case;
 * - error-rate-parity: error rates 1 − accuracy.
 * Rows with group −1 are in no group.
 */
export function hardGap(options: HardGapOptions): HardGap {
  const { scores, labels, groupCodes, nGroups, constraint } = options;
  const threshold = options.threshold ?? 0.5;
  if (scores.length !== labels.length || groupCodes.length !== labels.length) throw internal('scores, labels and groupCodes must have the same length');
  const n = new Float64Array(nGroups);
  const pos = new Float64Array(nGroups);
  const sel = new Float64Array(nGroups);
  const tp = new Float64Array(nGroups);
  const err = new Float64Array(nGroups);
  for (let i = 0; i < labels.length; i++) {
    const g = groupCodes[i];
    if (g < 0) continue;
    const d = scores[i] >= threshold ? 1 : 0;
    const y = labels[i] === 1 ? 1 : 0;
    n[g]++;
    pos[g] += y;
    sel[g] += d;
    tp[g] += d * y;
    if (d !== y) err[g]++;
  }
  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
  const [N, P, S, TP, E] = [sum(n), sum(pos), sum(sel), sum(tp), sum(err)];
  // the rate over all rows in a group, for parity 'overall'
  const overallRate = constraint === 'demographic-parity' ? S / N : constraint === 'error-rate-parity' ? E / N : TP / P;
  const overallFpr = (S - TP) / (N - P);
  const spread = (rates: (number | null)[], overall = overallRate): number | null => {
    const v = rates.filter((r): r is number => r !== null);
    if (v.length < 2) return null;
    return options.parity === 'overall' ? Math.max(...v.map((r) => Math.abs(r - overall))) : Math.max(...v) - Math.min(...v);
  };
  const perGroup: HardGap['perGroup'] = [];
  const rates: (number | null)[] = [];
  const fprs: (number | null)[] = [];
  for (let g = 0; g < nGroups; g++) {
    let rate: number | null;
    if (constraint === 'demographic-parity') rate = n[g] > 0 ? sel[g] / n[g] : null;
    else if (constraint === 'error-rate-parity') rate = n[g] > 0 ? err[g] / n[g] : null;
    else rate = pos[g] > 0 ? tp[g] / pos[g] : null;
    rates.push(rate);
    if (constraint === 'equalized-odds') {
      const neg = n[g] - pos[g];
      const fpr = neg > 0 ? (sel[g] - tp[g]) / neg : null;
      fprs.push(fpr);
      perGroup.push({ count: n[g], rate, falsePositiveRate: fpr });
    } else perGroup.push({ count: n[g], rate });
  }
  let value = spread(rates);
  if (constraint === 'equalized-odds') {
    const f = spread(fprs, overallFpr);
    value = value === null || f === null ? null : Math.max(value, f);
  }
  return { value, perGroup };
}

export interface ConstraintOptions {
  constraint: FairnessConstraint;
  /** one code per table row: 0..nGroups−1, −1 = missing */
  groupCodes: Int32Array;
  nGroups: number;
  /** bound on the hard training gap; absent: one run at `lambda` */
  bound?: number;
  /** λ of the single run, or the first λ of the bound search; default 1 */
  lambda?: number;
  /** λ multiplier between runs in bound mode; default 2 */
  growth?: number;
  /** most training runs in bound mode; default 6 (λ up to 32 from 1) */
  maxRuns?: number;
  /** decision threshold of the gap and of the soft decision; default 0.5 */
  threshold?: number;
  /** temperature of the soft decision; default 1 */
  temperature?: number;
  /** rows the training gap is measured on; default the distinct training rows */
  measureRows?: Uint32Array;
  /** called after every run */
  onRun?: (a: ConstraintAttempt) => void;
}

export const defaultConstraintOptions = { lambda: 1, growth: 2, maxRuns: 6, threshold: 0.5, temperature: 1 } as const;

export interface ConstraintAttempt {
  lambda: number;
  trainingGap: number | null;
  met: boolean;
  ms: number;
}

export interface ConstrainedTrainResult extends TrainResult {
  constraint: FairnessConstraint;
  bound: number | null;
  lambda: number;
  /** hard gap of the kept model on the measurement rows */
  trainingGap: number | null;
  /** true when the kept model meets the bound (always true without a bound) */
  met: boolean;
  attempts: ConstraintAttempt[];
}

function now(): number {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p ? p.now() : Date.now();
}

/** Scores of `rows` under a freshly trained model (tensors disposed). */
async function scoreRows(r: TrainResult, table: ColumnTable, rows: Uint32Array): Promise<Float32Array> {
  const scorer = createModelScorer(r.model, r.manifest);
  try {
    return await scorer.predict(encodeTable(table, r.manifest, rows), rows.length);
  } finally {
    scorer.dispose();
  }
}

/**
 * Trains with the fairness penalty; in bound mode retrains with growing λ (see the module
 * comment). The caller owns the returned model; every other model is disposed here.
 */
export async function trainWithConstraint(table: ColumnTable, spec: TrainSpec, trainOptions: TrainOptions, options: ConstraintOptions): Promise<ConstrainedTrainResult> {
  if (!FAIRNESS_CONSTRAINTS.includes(options.constraint)) throw internal(`unknown fairness constraint ${String(options.constraint)}`);
  const bound = options.bound;
  if (bound !== undefined && !(bound >= 0 && bound <= 1)) throw internal(`bound must be in [0, 1], not ${bound}`);
  const growth = options.growth ?? defaultConstraintOptions.growth;
  const maxRuns = bound === undefined ? 1 : (options.maxRuns ?? defaultConstraintOptions.maxRuns);
  if (!(growth > 1)) throw internal(`growth must be > 1, not ${growth}`);
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw internal(`maxRuns must be a whole number ≥ 1, not ${maxRuns}`);
  const threshold = options.threshold ?? defaultConstraintOptions.threshold;
  const labels = encodeTarget(table, spec.target);

  let lambda = options.lambda ?? defaultConstraintOptions.lambda;
  const attempts: ConstraintAttempt[] = [];
  let kept: { r: TrainResult; gap: number | null; lambda: number; met: boolean } | null = null;
  try {
    for (let run = 0; run < maxRuns; run++) {
      const t0 = now();
      const r = await trainModel(table, spec, {
        ...trainOptions,
        fairnessPenalty: {
          constraint: options.constraint,
          groupCodes: options.groupCodes,
          nGroups: options.nGroups,
          lambda,
          threshold,
          temperature: options.temperature ?? defaultConstraintOptions.temperature,
        },
      });
      let rows = options.measureRows;
      if (!rows) {
        const seen = new Uint8Array(table.nRows);
        const list: number[] = [];
        for (const x of r.split.train) if (!seen[x]) {
          seen[x] = 1;
          list.push(x);
        }
        rows = Uint32Array.from(list).sort();
      }
      let gap: number | null;
      try {
        const scores = await scoreRows(r, table, rows);
        const y = new Uint8Array(rows.length);
        const g = new Int32Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
          if (labels[rows[i]] < 0) throw new WorkbenchError('target-missing', 'a measurement row has no target value', 'Measure the gap on labelled rows.');
          y[i] = labels[rows[i]];
          g[i] = options.groupCodes[rows[i]];
        }
        gap = hardGap({ scores, labels: y, groupCodes: g, nGroups: options.nGroups, constraint: options.constraint, threshold }).value;
      } catch (e) {
        r.model.dispose();
        throw e;
      }
      const met = bound === undefined || gap === null || gap <= bound;
      const a: ConstraintAttempt = { lambda, trainingGap: gap, met, ms: now() - t0 };
      attempts.push(a);
      options.onRun?.(a);
      const better = !kept || (!kept.met && (met || (gap !== null && (kept.gap === null || gap < kept.gap))));
      if (better) {
        kept?.r.model.dispose();
        kept = { r, gap, lambda, met };
      } else r.model.dispose();
      if (met) break;
      lambda *= growth;
    }
  } catch (e) {
    kept?.r.model.dispose();
    throw e;
  }
  const k = kept!;
  k.r.manifest.training = {
    ...k.r.manifest.training,
    fairnessConstraint: {
      constraint: options.constraint,
      bound: bound ?? null,
      lambda: k.lambda,
      trainingGap: k.gap,
      met: k.met,
      runs: attempts.map((a) => ({ lambda: a.lambda, trainingGap: a.trainingGap })),
    },
  };
  return {
    ...k.r,
    constraint: options.constraint,
    bound: bound ?? null,
    lambda: k.lambda,
    trainingGap: k.gap,
    met: k.met,
    attempts,
  };
}
