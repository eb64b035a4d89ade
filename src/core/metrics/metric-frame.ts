/**
 * The metric frame: every metric overall and per group of every sensitive attribute, the
 * disparities between groups, and optional bootstrap intervals — fairlearn's `MetricFrame`
 * plus what an auditor needs next to it (undefined values with reasons, small-group flags,
 * reference comparisons, AIF360's signed metrics, uncertainty).
 *
 * Cost: one argsort of the scores, one pass over the rows for all confusion counts, score sums
 * and calibration bins of every group of every attribute, and one pass in score order for all
 * ROC AUCs. Each bootstrap resample repeats the two passes with a multiplicity vector.
 *
 * Groups: every level of an attribute is a group, including levels with no rows (empty
 * intersections are kept, with null metrics and reason 'empty-group', as in the fixture's
 * convention). Rows whose code is −1 (missing) are in no group of that attribute but are
 * counted in the overall metrics. fairlearn would instead treat a missing value as its own
 * group (or fail on NaN); a "missing" group is rarely what an auditor means.
 */
import { WorkbenchError } from '../errors';
import { createRng } from '../rng';
import type { CategoricalColumn } from '../table';
import {
  accumulate,
  gatherSorted,
  makeLayout,
  slotCounts,
  slotRows,
  slotScores,
  sortRows,
  STRIDE,
  type SlotLayout,
  type SortedRows,
} from './accumulate';
import { collectLeaves, drawMultiplicities, percentileInterval, type Leaf } from './bootstrap';
import {
  computeGroupMetrics,
  RATE_KEYS,
  type GroupMetrics,
  type RateKey,
  type RateReason,
  type RowCounts,
} from './confusion';
import { resolveCut, type DecisionRule } from './decision';
import { computeDisparities, type Disparities, type Interval, type Note } from './disparities';
import { generalizedEntropyIndex, theilIndex, type InequalityValue } from './inequality';
import { assertFiniteScores } from './sort';

export interface AttributeInput {
  /** the table columns this attribute combines (one for a plain attribute) */
  columns: string[];
  /** per row: index into `levels`, −1 = missing (row left out of this attribute's groups) */
  codes: Int32Array;
  /** labels of the (combined) groups; intersections join the values with '|' */
  levels: string[];
  /** per level, the value of each column */
  levelValues: string[][];
  /** display name; default the columns joined with '&' (the fixture's naming) */
  name?: string;
}

export interface MetricFrameInput {
  /** 1 = positive; every value must be 0 or 1 */
  labels: Uint8Array;
  /** P(positive) per row, finite */
  scores: Float32Array | Float64Array;
  /** if given, these are the decisions and `options.decision` is ignored */
  predictions?: Uint8Array;
  /** sample weights, finite and ≥ 0 (default 1) */
  weights?: Float64Array | Float32Array;
  attributes: AttributeInput[];
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** interval coverage, default 0.95 */
  level?: number;
}

export interface MetricFrameOptions {
  /** default `{ rule: 'threshold', threshold: 0.5 }`; ignored when predictions are given */
  decision?: DecisionRule;
  /** reproduce fairlearn's zeros for undefined rates (default false: null + reason) */
  fairlearnCompatible?: boolean;
  /** groups with fewer rows are flagged `small` (default 30) */
  minGroupSize?: number;
  /**
   * Reference level per attribute: one label for every attribute that has it, or an array
   * with one entry per attribute; null/missing = the largest group by weight (first on ties).
   */
  reference?: string | null | (string | null)[];
  bootstrap?: BootstrapOptions;
  /** α values for the generalized entropy indices (default [2], AIF360's default) */
  entropyAlphas?: number[];
}

export type RateIntervals = Partial<Record<RateKey, Interval>>;

export interface GroupResult {
  level: string;
  /** column → value */
  values: Record<string, string>;
  count: number;
  weightSum: number;
  /** count < minGroupSize */
  small: boolean;
  isReference: boolean;
  metrics: GroupMetrics;
  /** why each undefined (or, in compatible mode, substituted) rate is so */
  undefinedReasons: Partial<Record<RateKey, RateReason>>;
  intervals?: RateIntervals;
}

export interface AttributeResult {
  name: string;
  columns: string[];
  reference: string | null;
  referenceSource: 'given' | 'largest-weight' | 'none';
  /** rows with a missing value for this attribute (in overall, in no group) */
  missingRows: number;
  groups: GroupResult[];
  disparities: Disparities;
  /** disparities.notes plus small-group and reference notes */
  notes: Note[];
}

export interface InequalityResult {
  /** AIF360 `theil_index()` over all rows (unweighted) */
  theilIndex: InequalityValue & { interval?: Interval };
  generalizedEntropyIndex: { alpha: number; value: InequalityValue & { interval?: Interval } }[];
}

export interface MetricFrame {
  n: number;
  weightSum: number;
  fairlearnCompatible: boolean;
  minGroupSize: number;
  decision: {
    source: 'predictions' | 'rule';
    rule: DecisionRule | null;
    /** rows selected */
    selected: number;
    /** lowest selected score under a rule (null if none selected or predictions given) */
    cutScore: number | null;
  };
  overall: {
    metrics: GroupMetrics;
    undefinedReasons: Partial<Record<RateKey, RateReason>>;
    intervals?: RateIntervals;
  };
  attributes: AttributeResult[];
  inequality: InequalityResult;
  bootstrap: { resamples: number; seed: number; level: number } | null;
}

function invalid(message: string, hint?: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

/** The frame's input checks (shared with the audit index). */
export function validateFrameInput(input: MetricFrameInput): void {
  const n = input.labels.length;
  if (input.scores.length !== n) throw new WorkbenchError('internal', `scores has ${input.scores.length} rows, labels ${n}.`);
  if (input.predictions && input.predictions.length !== n) {
    throw new WorkbenchError('internal', `predictions has ${input.predictions.length} rows, labels ${n}.`);
  }
  if (input.weights && input.weights.length !== n) {
    throw new WorkbenchError('internal', `weights has ${input.weights.length} rows, labels ${n}.`);
  }
  for (let i = 0; i < n; i++) {
    if (input.labels[i] > 1) {
      throw invalid(
        `The outcome of row ${i + 1} is ${input.labels[i]}; the audit needs 0/1 outcomes.`,
        'Map the outcome column to 1 for the positive class and 0 otherwise.',
      );
    }
  }
  if (input.predictions) {
    for (let i = 0; i < n; i++) {
      if (input.predictions[i] > 1) throw invalid(`The prediction of row ${i + 1} is not 0/1.`, 'Predictions must be 0 or 1.');
    }
  }
  assertFiniteScores(input.scores);
  if (input.weights) {
    for (let i = 0; i < n; i++) {
      const w = input.weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw invalid(`The sample weight of row ${i + 1} is ${w}; weights must be finite and ≥ 0.`, 'Fix or drop the weight column.');
      }
    }
  }
  for (const a of input.attributes) {
    if (a.codes.length !== n) throw new WorkbenchError('internal', `attribute ${a.columns.join('|')} has ${a.codes.length} rows, labels ${n}.`);
    if (a.levelValues.length !== a.levels.length) {
      throw new WorkbenchError('internal', `attribute ${a.columns.join('|')}: levelValues and levels differ in length.`);
    }
    const L = a.levels.length;
    for (let i = 0; i < n; i++) {
      const c = a.codes[i];
      if (c < -1 || c >= L) throw new WorkbenchError('internal', `attribute ${a.columns.join('|')}: code ${c} at row ${i + 1} out of range.`);
    }
  }
}

export function reasonsOf(m: GroupMetrics): Partial<Record<RateKey, RateReason>> {
  const out: Partial<Record<RateKey, RateReason>> = {};
  for (const k of RATE_KEYS) {
    const r = m[k].reason;
    if (r) out[k] = r;
  }
  return out;
}

interface Evaluated {
  metrics: GroupMetrics[]; // per slot
  rows: RowCounts[]; // per slot
}

function evaluateSlots(
  sorted: SortedRows,
  decisions: Uint8Array,
  layout: SlotLayout,
  mult: Uint32Array | null,
  stats: Float64Array,
  area: Float64Array,
  fairlearnCompatible: boolean,
): Evaluated {
  accumulate(sorted, decisions, mult, layout, stats, area);
  const metrics: GroupMetrics[] = [];
  const rows: RowCounts[] = [];
  for (let s = 0; s < layout.nSlots; s++) {
    metrics.push(computeGroupMetrics(slotCounts(stats, s), slotScores(stats, area, s), { fairlearnCompatible }));
    rows.push(slotRows(stats, s));
  }
  return { metrics, rows };
}

/** The reference group: the one asked for, else the largest by weight (shared with the audit index). */
export function resolveReference(
  a: AttributeInput,
  ai: number,
  weightSums: number[],
  option: MetricFrameOptions['reference'],
  notes: Note[],
): { index: number | null; source: AttributeResult['referenceSource'] } {
  const wanted = Array.isArray(option) ? (option[ai] ?? null) : (option ?? null);
  if (wanted !== null) {
    const idx = a.levels.indexOf(wanted);
    if (idx >= 0) {
      if (!(weightSums[idx] > 0)) {
        notes.push({
          kind: 'reference',
          group: wanted,
          message: `The reference group "${wanted}" has no rows, so comparisons to it are undefined.`,
        });
      }
      return { index: idx, source: 'given' };
    }
    if (Array.isArray(option)) {
      notes.push({
        kind: 'reference',
        group: wanted,
        message: `"${wanted}" is not a group of ${a.name ?? a.columns.join('&')}; the largest group is the reference instead.`,
      });
    }
  }
  let best = -1;
  for (let g = 0; g < weightSums.length; g++) {
    if (weightSums[g] > 0 && (best < 0 || weightSums[g] > weightSums[best])) best = g;
  }
  return best < 0 ? { index: null, source: 'none' } : { index: best, source: 'largest-weight' };
}

/**
 * Compute the frame. Throws a `WorkbenchError` for invalid inputs (outcomes not 0/1, NaN scores,
 * negative weights, mismatched lengths).
 */
export function computeMetricFrame(input: MetricFrameInput, options: MetricFrameOptions = {}): MetricFrame {
  validateFrameInput(input);
  const n = input.labels.length;
  const fl = options.fairlearnCompatible === true;
  const minGroupSize = options.minGroupSize ?? 30;
  const alphas = options.entropyAlphas ?? [2];
  const rows = sortRows(
    input.scores,
    input.labels,
    input.weights,
    input.attributes.map((a) => a.codes),
  );

  // decisions in score order
  let decisions: Uint8Array;
  let decision: MetricFrame['decision'];
  if (input.predictions) {
    decisions = gatherSorted(input.predictions, rows.order);
    let selected = 0;
    for (let i = 0; i < n; i++) selected += decisions[i];
    decision = { source: 'predictions', rule: null, selected, cutScore: null };
  } else {
    const rule = options.decision ?? { rule: 'threshold', threshold: 0.5 };
    const cut = resolveCut(rule, rows.scores);
    decisions = new Uint8Array(n);
    decisions.fill(1, 0, cut);
    decision = { source: 'rule', rule, selected: cut, cutScore: cut > 0 ? rows.scores[cut - 1] : null };
  }

  const layout = makeLayout(input.attributes.map((a) => a.levels.length));
  const stats = new Float64Array(layout.nSlots * STRIDE);
  const area = new Float64Array(layout.nSlots);
  const point = evaluateSlots(rows, decisions, layout, null, stats, area, fl);

  const refs: (number | null)[] = [];
  const attributes: AttributeResult[] = input.attributes.map((a, ai) => {
    const off = layout.offsets[ai];
    const L = a.levels.length;
    const gm = point.metrics.slice(off, off + L);
    const notes: Note[] = [];
    const ref = resolveReference(a, ai, gm.map((g) => g.weightSum), options.reference, notes);
    refs.push(ref.index);
    const disparities = computeDisparities({
      levels: a.levels,
      groups: gm,
      overall: point.metrics[0],
      reference: ref.index,
      fairlearnCompatible: fl,
      groupRows: point.rows.slice(off, off + L),
      entropyAlphas: alphas,
    });
    let missingRows = 0;
    for (let i = 0; i < n; i++) if (a.codes[i] < 0) missingRows++;
    const groups: GroupResult[] = gm.map((m, g) => {
      const values: Record<string, string> = {};
      a.columns.forEach((c, k) => {
        values[c] = a.levelValues[g][k];
      });
      const small = m.count < minGroupSize;
      if (small && m.count > 0) {
        notes.push({
          kind: 'small-group',
          group: a.levels[g],
          message: `Group "${a.levels[g]}" has only ${m.count} rows (fewer than ${minGroupSize}); its rates are noisy.`,
        });
      }
      return {
        level: a.levels[g],
        values,
        count: m.count,
        weightSum: m.weightSum,
        small,
        isReference: ref.index === g,
        metrics: m,
        undefinedReasons: reasonsOf(m),
      };
    });
    return {
      name: a.name ?? a.columns.join('&'),
      columns: a.columns,
      reference: ref.index === null ? null : a.levels[ref.index],
      referenceSource: ref.source,
      missingRows,
      groups,
      disparities,
      notes: [...disparities.notes, ...notes],
    };
  });

  const inequality: InequalityResult = {
    theilIndex: theilIndex(point.rows[0]),
    generalizedEntropyIndex: alphas.map((alpha) => ({ alpha, value: generalizedEntropyIndex(point.rows[0], alpha) })),
  };

  const frame: MetricFrame = {
    n,
    weightSum: point.metrics[0].weightSum,
    fairlearnCompatible: fl,
    minGroupSize,
    decision,
    overall: { metrics: point.metrics[0], undefinedReasons: reasonsOf(point.metrics[0]) },
    attributes,
    inequality,
    bootstrap: null,
  };

  if (options.bootstrap && options.bootstrap.resamples > 0) {
    runBootstrap(frame, input, rows, decisions, layout, stats, area, refs, alphas, options.bootstrap);
  }
  return frame;
}

/**
 * Percentile intervals for every rate of every group (and overall), every named disparity and
 * the inequality indices. The decisions are those of the original sample (a resample carries
 * each drawn row's decision; top-k is not re-applied), the reference groups stay fixed.
 */
function runBootstrap(
  frame: MetricFrame,
  input: MetricFrameInput,
  rows: SortedRows,
  decisions: Uint8Array,
  layout: SlotLayout,
  stats: Float64Array,
  area: Float64Array,
  refs: (number | null)[],
  alphas: number[],
  opts: BootstrapOptions,
): void {
  const R = Math.floor(opts.resamples);
  const level = opts.level ?? 0.95;
  const n = input.labels.length;
  const fl = frame.fairlearnCompatible;
  const rng = createRng(opts.seed);
  const mult = new Uint32Array(n);
  const K = RATE_KEYS.length;
  const rateBuf = new Float64Array(layout.nSlots * K * R);
  const pointLeaves: Leaf[][] = frame.attributes.map((a) => collectLeaves(a.disparities.named));
  const ineqLeaves = collectLeaves(frame.inequality);
  const leafBufs = pointLeaves.map((l) => new Float64Array(l.length * R));
  const ineqBuf = new Float64Array(ineqLeaves.length * R);

  for (let r = 0; r < R; r++) {
    drawMultiplicities(rng, n, mult);
    const ev = evaluateSlots(rows, decisions, layout, mult, stats, area, fl);
    for (let s = 0; s < layout.nSlots; s++) {
      const m = ev.metrics[s];
      for (let k = 0; k < K; k++) {
        const v = m[RATE_KEYS[k]].value;
        rateBuf[(s * K + k) * R + r] = v === null ? NaN : v;
      }
    }
    input.attributes.forEach((a, ai) => {
      const off = layout.offsets[ai];
      const L = a.levels.length;
      const d = computeDisparities({
        levels: a.levels,
        groups: ev.metrics.slice(off, off + L),
        overall: ev.metrics[0],
        reference: refs[ai],
        fairlearnCompatible: fl,
        groupRows: ev.rows.slice(off, off + L),
        entropyAlphas: alphas,
        withNotes: false,
      });
      const leaves = collectLeaves(d.named);
      const buf = leafBufs[ai];
      for (let j = 0; j < leaves.length; j++) buf[j * R + r] = leaves[j].value === null ? NaN : (leaves[j].value as number);
    });
    const ineq: InequalityResult = {
      theilIndex: theilIndex(ev.rows[0]),
      generalizedEntropyIndex: alphas.map((alpha) => ({ alpha, value: generalizedEntropyIndex(ev.rows[0], alpha) })),
    };
    const il = collectLeaves(ineq);
    for (let j = 0; j < il.length; j++) ineqBuf[j * R + r] = il[j].value === null ? NaN : (il[j].value as number);
  }

  const intervalsOf = (slot: number): RateIntervals => {
    const out: RateIntervals = {};
    for (let k = 0; k < K; k++) {
      out[RATE_KEYS[k]] = percentileInterval(rateBuf.subarray((slot * K + k) * R, (slot * K + k + 1) * R), level);
    }
    return out;
  };
  frame.overall.intervals = intervalsOf(0);
  frame.attributes.forEach((a, ai) => {
    a.groups.forEach((g, gi) => {
      g.intervals = intervalsOf(layout.offsets[ai] + gi);
    });
    const leaves = pointLeaves[ai];
    const buf = leafBufs[ai];
    for (let j = 0; j < leaves.length; j++) leaves[j].interval = percentileInterval(buf.subarray(j * R, (j + 1) * R), level);
  });
  for (let j = 0; j < ineqLeaves.length; j++) {
    ineqLeaves[j].interval = percentileInterval(ineqBuf.subarray(j * R, (j + 1) * R), level);
  }
  frame.bootstrap = { resamples: R, seed: opts.seed, level };
}

/**
 * Build an attribute (plain or intersectional) from categorical table columns: the groups are
 * the Cartesian product of the columns' levels (empty combinations kept), labels joined with
 * '|', and a row is missing (−1) when any of its columns is missing.
 */
export function attributeFromColumns(columns: CategoricalColumn[], name?: string): AttributeInput {
  if (columns.length === 0) throw new WorkbenchError('internal', 'attributeFromColumns needs at least one column.');
  const n = columns[0].codes.length;
  let levelValues: string[][] = [[]];
  for (const c of columns) {
    const next: string[][] = [];
    for (const prefix of levelValues) for (const l of c.levels) next.push([...prefix, l]);
    levelValues = next;
  }
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    for (const c of columns) {
      const k = c.codes[i];
      if (k < 0) {
        code = -1;
        break;
      }
      code = code * c.levels.length + k;
    }
    codes[i] = code;
  }
  return {
    columns: columns.map((c) => c.name),
    codes,
    levels: levelValues.map((v) => v.join('|')),
    levelValues,
    ...(name ? { name } : {}),
  };
}
