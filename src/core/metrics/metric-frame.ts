/**
 * The metric frame: every metric overall and per group of every sensitive attribute, the
 * disparities between groups, and optional bootstrap intervals — fairlearn's `MetricFrame`
 * plus what an auditor needs next to it (undefined values with reasons, small groups flagged
 * and kept out of the headline disparities, reference comparisons, AIF360's signed metrics,
 * uncertainty).
 *
 * Cost: one argsort of the scores, one pass over the rows for all confusion counts, score sums
 * and calibration bins of every group of every attribute, and one pass in score order for all
 * ROC AUCs. Each bootstrap resample repeats the two passes with a multiplicity vector.
 *
 * Multiplicity: an input row may stand for several identical rows (`counts`, a counts table's
 * cells: see audit/counts.ts). The pass takes each row `count` times (the multiplicity a
 * bootstrap resample also uses), so every count, sum and tie block is what the rows it stands
 * for would give; `n`, group sizes, missing rows and selections are then in rows (Σ counts).
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
import { collectLeaves, multiplicityDrawer, percentileInterval, type Leaf } from './bootstrap';
import {
  computeGroupMetrics,
  RATE_KEYS,
  type GroupMetrics,
  type RateKey,
  type RateReason,
  type RowCounts,
} from './confusion';
import { resolveCut, type DecisionRule } from './decision';
import { computeDisparities, DEFAULT_MIN_GROUP_SIZE, type Disparities, type Interval, type Note } from './disparities';
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
  /** sample weights, finite and ≥ 0 (default 1); with `counts`, the weight of each row it stands for */
  weights?: Float64Array | Float32Array;
  /**
   * per row: how many identical rows it stands for (whole numbers in [1, 2³²); default 1 each).
   * With counts, a top-k or top-% cut that falls among rows of one score is refused.
   */
  counts?: ArrayLike<number>;
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
  /**
   * groups with fewer rows are flagged `small` and left out of the between-group and
   * to-overall disparities (default 30; in fairlearn-compatible mode they take part, as in
   * fairlearn). See disparities.ts.
   */
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
  /** disparities.notes (undefined rates, the small-group note) plus reference notes */
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
  if (input.counts) validateCounts(input.counts, n);
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

/** Row counts: one per row, whole numbers in [1, 2³²). */
function validateCounts(counts: ArrayLike<number>, n: number): void {
  if (counts.length !== n) throw new WorkbenchError('internal', `counts has ${counts.length} cells, labels ${n}.`);
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    if (!(Number.isInteger(c) && c >= 1 && c <= 0xffffffff)) {
      throw new WorkbenchError('internal', `cell ${i + 1} counts ${c} rows; counts are whole numbers in [1, 2³²).`);
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

/** Every slot's metrics and unweighted row counts at one rule (slot 0 = everyone). */
export interface Evaluated {
  metrics: GroupMetrics[];
  rows: RowCounts[];
}

/** What one pass over the sorted rows needs, reused by every bootstrap resample. */
interface PassContext {
  rows: SortedRows;
  /** rows each sorted row stands for (score order); null = one each */
  counts: Uint32Array | null;
  /** Σ counts (= rows.n without counts) */
  total: number;
  /** 0/1 per row in score order */
  decisions: Uint8Array;
  layout: SlotLayout;
  /** scratch for `accumulate`: nSlots × STRIDE sums and nSlots ROC areas */
  stats: Float64Array;
  area: Float64Array;
  fairlearnCompatible: boolean;
}

/** One pass (× multiplicity when given), then every slot's metrics and row counts. */
function evaluateSlots(ctx: PassContext, mult: Uint32Array | null): Evaluated {
  const { layout, stats, area } = ctx;
  accumulate({ rows: ctx.rows, decisions: ctx.decisions, mult, layout, stats, area });
  const metrics: GroupMetrics[] = [];
  const rows: RowCounts[] = [];
  for (let s = 0; s < layout.nSlots; s++) {
    metrics.push(computeGroupMetrics(slotCounts(stats, s), slotScores(stats, area, s), { fairlearnCompatible: ctx.fairlearnCompatible }));
    rows.push(slotRows(stats, s));
  }
  return { metrics, rows };
}

export interface ReferenceQuery {
  attribute: AttributeInput;
  /** the attribute's position (an array `option` has one entry per attribute) */
  attributeIndex: number;
  /** per level of the attribute */
  weightSums: number[];
  option: MetricFrameOptions['reference'];
}

/**
 * The reference group: the one asked for, else the largest by weight (shared with the audit
 * index). Notes about a reference that is empty or not a group are pushed onto `notes`.
 */
export function resolveReference(
  query: ReferenceQuery,
  notes: Note[],
): { index: number | null; source: AttributeResult['referenceSource'] } {
  const { attribute: a, attributeIndex: ai, weightSums, option } = query;
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
 * What an attribute's result holds that no decision rule changes: names, the columns' values
 * per level, the reference group, missing rows and the reference notes. Shared with the audit
 * index, which fixes them once.
 */
export interface AttributeFacts {
  name: string;
  columns: string[];
  levels: string[];
  /** per level: column → value */
  values: Record<string, string>[];
  /** first slot of the attribute's groups (see accumulate.ts) */
  offset: number;
  reference: number | null;
  referenceSource: AttributeResult['referenceSource'];
  missingRows: number;
  referenceNotes: Note[];
}

/**
 * The fixed facts of one attribute, from its groups' weight sums; `offset` is its first slot,
 * `counts` (row order) the rows each input row stands for.
 */
export function attributeFacts(query: ReferenceQuery & { offset: number; counts?: ArrayLike<number> }): AttributeFacts {
  const a = query.attribute;
  const referenceNotes: Note[] = [];
  const ref = resolveReference(query, referenceNotes);
  const counts = query.counts;
  let missingRows = 0;
  for (let i = 0; i < a.codes.length; i++) if (a.codes[i] < 0) missingRows += counts ? counts[i] : 1;
  const values = a.levelValues.map((lv) => {
    const v: Record<string, string> = {};
    a.columns.forEach((c, k) => {
      v[c] = lv[k];
    });
    return v;
  });
  return {
    name: a.name ?? a.columns.join('&'),
    columns: [...a.columns],
    levels: [...a.levels],
    values,
    offset: query.offset,
    reference: ref.index,
    referenceSource: ref.source,
    missingRows,
    referenceNotes,
  };
}

/** The settings every attribute's disparities share. */
export interface FrameSettings {
  fairlearnCompatible: boolean;
  minGroupSize: number;
  entropyAlphas: number[];
}

/** An attribute's result from every slot's metrics and row counts at one rule (fresh objects). */
export function attributeResultAt(f: AttributeFacts, at: Evaluated, settings: FrameSettings): AttributeResult {
  const L = f.levels.length;
  const gm = at.metrics.slice(f.offset, f.offset + L);
  const disparities = computeDisparities({
    levels: f.levels,
    groups: gm,
    overall: at.metrics[0],
    reference: f.reference,
    fairlearnCompatible: settings.fairlearnCompatible,
    groupRows: at.rows.slice(f.offset, f.offset + L),
    entropyAlphas: settings.entropyAlphas,
    minGroupSize: settings.minGroupSize,
  });
  const groups: GroupResult[] = gm.map((m, g) => ({
    level: f.levels[g],
    values: { ...f.values[g] },
    count: m.count,
    weightSum: m.weightSum,
    small: m.count < settings.minGroupSize,
    isReference: f.reference === g,
    metrics: m,
    undefinedReasons: reasonsOf(m),
  }));
  return {
    name: f.name,
    columns: [...f.columns],
    reference: f.reference === null ? null : f.levels[f.reference],
    referenceSource: f.referenceSource,
    missingRows: f.missingRows,
    groups,
    disparities,
    notes: [...disparities.notes, ...f.referenceNotes.map((note) => ({ ...note }))],
  };
}

/** The population-wide inequality indices from the overall row counts. */
export function inequalityOf(overall: RowCounts, alphas: number[]): InequalityResult {
  return {
    theilIndex: theilIndex(overall),
    generalizedEntropyIndex: alphas.map((alpha) => ({ alpha, value: generalizedEntropyIndex(overall, alpha) })),
  };
}

/** The decisions in score order: the given predictions, or the rule's first `cut` rows. */
function decide(input: MetricFrameInput, ctx: Pick<PassContext, 'rows' | 'counts' | 'total'>, rule: DecisionRule): { decisions: Uint8Array; decision: MetricFrame['decision'] } {
  const { rows, counts } = ctx;
  const n = rows.n;
  if (input.predictions) {
    const decisions = gatherSorted(input.predictions, rows.order);
    let selected = 0;
    for (let i = 0; i < n; i++) selected += counts ? decisions[i] * counts[i] : decisions[i];
    return { decisions, decision: { source: 'predictions', rule: null, selected, cutScore: null } };
  }
  const cut = counts && rule.rule !== 'threshold' ? topCutInCounts(rule, rows, counts, ctx.total) : resolveCut(rule, rows.scores);
  const decisions = new Uint8Array(n);
  decisions.fill(1, 0, cut);
  let selected = cut;
  if (counts) {
    selected = 0;
    for (let j = 0; j < cut; j++) selected += counts[j];
  }
  return { decisions, decision: { source: 'rule', rule, selected, cutScore: cut > 0 ? rows.scores[cut - 1] : null } };
}

/**
 * The cut, in sorted rows, of a top-k or top-% rule when rows stand for several: the rule's
 * cut over all Σ counts rows must fall between two rows of different scores (the rows one
 * row stands for share its score, and their order among equal scores is not kept).
 */
function topCutInCounts(rule: DecisionRule, rows: SortedRows, counts: Uint32Array, total: number): number {
  const k = resolveCut(rule, { length: total });
  let acc = 0;
  let j = 0;
  while (j < rows.n && acc + counts[j] <= k) acc += counts[j++];
  const inside = acc !== k || (j > 0 && j < rows.n && rows.scores[j] === rows.scores[j - 1]);
  if (inside) {
    const s = rows.scores[Math.min(j, rows.n - 1)];
    throw invalid(
      `The ${rule.rule === 'top-k' ? `top ${k}` : `top ${k} rows (${(rule as { percent: number }).percent} %)`} cut falls among rows that share the score ${s}; a counts table does not keep the row order the row-level audit breaks such ties with.`,
      'Use a threshold rule (--threshold), which selects whole cells, or count with unrounded scores.',
    );
  }
  return j;
}

/** The rule when none is given (copy it: frames hold the rule they were computed with). */
export const DEFAULT_DECISION: Readonly<DecisionRule> = Object.freeze({ rule: 'threshold', threshold: 0.5 });

/** The frame's settings with their defaults. */
export function frameSettings(options: Pick<MetricFrameOptions, 'fairlearnCompatible' | 'minGroupSize' | 'entropyAlphas'>): FrameSettings {
  return {
    fairlearnCompatible: options.fairlearnCompatible === true,
    minGroupSize: options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE,
    entropyAlphas: [...(options.entropyAlphas ?? [2])],
  };
}

/**
 * Compute the frame. Throws a `WorkbenchError` for invalid inputs (outcomes not 0/1, NaN scores,
 * negative weights, mismatched lengths).
 */
export function computeMetricFrame(input: MetricFrameInput, options: MetricFrameOptions = {}): MetricFrame {
  validateFrameInput(input);
  const settings = frameSettings(options);
  const rows = sortRows(
    input.scores,
    input.labels,
    input.weights,
    input.attributes.map((a) => a.codes),
  );
  const { counts, total } = sortedCounts(input.counts, rows);
  const { decisions, decision } = decide(input, { rows, counts, total }, options.decision ?? { ...DEFAULT_DECISION });
  const layout = makeLayout(input.attributes.map((a) => a.levels.length));
  const pass: PassContext = {
    rows,
    counts,
    total,
    decisions,
    layout,
    stats: new Float64Array(layout.nSlots * STRIDE),
    area: new Float64Array(layout.nSlots),
    fairlearnCompatible: settings.fairlearnCompatible,
  };
  const point = evaluateSlots(pass, counts);
  const facts = input.attributes.map((a, ai) => {
    const offset = layout.offsets[ai];
    const weightSums = point.metrics.slice(offset, offset + a.levels.length).map((m) => m.weightSum);
    return attributeFacts({ attribute: a, attributeIndex: ai, offset, weightSums, option: options.reference, ...(input.counts ? { counts: input.counts } : {}) });
  });
  const frame: MetricFrame = {
    n: total,
    weightSum: point.metrics[0].weightSum,
    fairlearnCompatible: settings.fairlearnCompatible,
    minGroupSize: settings.minGroupSize,
    decision,
    overall: { metrics: point.metrics[0], undefinedReasons: reasonsOf(point.metrics[0]) },
    attributes: facts.map((f) => attributeResultAt(f, point, settings)),
    inequality: inequalityOf(point.rows[0], settings.entropyAlphas),
    bootstrap: null,
  };
  if (options.bootstrap && options.bootstrap.resamples > 0) {
    runBootstrap(frame, { pass, facts, settings, options: options.bootstrap });
  }
  return frame;
}

/** The counts gathered into score order, and the rows they stand for in all. */
function sortedCounts(counts: ArrayLike<number> | undefined, rows: SortedRows): { counts: Uint32Array | null; total: number } {
  if (!counts) return { counts: null, total: rows.n };
  const out = new Uint32Array(rows.n);
  let total = 0;
  for (let j = 0; j < rows.n; j++) total += out[j] = counts[rows.order[j]];
  return { counts: out, total };
}

interface BootstrapContext {
  pass: PassContext;
  facts: AttributeFacts[];
  settings: FrameSettings;
  options: BootstrapOptions;
}

/**
 * Percentile intervals for every rate of every group (and overall), every named disparity and
 * the inequality indices. The decisions are those of the original sample (a resample carries
 * each drawn row's decision; top-k is not re-applied), the reference groups stay fixed, and so
 * do the groups large enough to enter the aggregates (decided on the original sample's sizes).
 * With counts, a resample draws Σ counts rows, each landing in the input row that stands for
 * it (bootstrap.ts, `multiplicityDrawer`).
 */
function runBootstrap(frame: MetricFrame, ctx: BootstrapContext): void {
  const { pass, facts, settings } = ctx;
  const { layout } = pass;
  const R = Math.floor(ctx.options.resamples);
  const level = ctx.options.level ?? 0.95;
  const rng = createRng(ctx.options.seed);
  const draw = multiplicityDrawer(pass.counts, pass.total);
  const mult = new Uint32Array(pass.rows.n);
  const K = RATE_KEYS.length;
  const rateBuf = new Float64Array(layout.nSlots * K * R);
  const pointLeaves: Leaf[][] = frame.attributes.map((a) => collectLeaves(a.disparities.named));
  const sizes = frame.attributes.map((a) => a.groups.map((g) => g.count));
  const ineqLeaves = collectLeaves(frame.inequality);
  const leafBufs = pointLeaves.map((l) => new Float64Array(l.length * R));
  const ineqBuf = new Float64Array(ineqLeaves.length * R);

  for (let r = 0; r < R; r++) {
    draw(rng, mult);
    const ev = evaluateSlots(pass, mult);
    for (let s = 0; s < layout.nSlots; s++) {
      const m = ev.metrics[s];
      for (let k = 0; k < K; k++) {
        const v = m[RATE_KEYS[k]].value;
        rateBuf[(s * K + k) * R + r] = v === null ? NaN : v;
      }
    }
    facts.forEach((f, ai) => {
      const L = f.levels.length;
      const d = computeDisparities({
        levels: f.levels,
        groups: ev.metrics.slice(f.offset, f.offset + L),
        overall: ev.metrics[0],
        reference: f.reference,
        fairlearnCompatible: settings.fairlearnCompatible,
        groupRows: ev.rows.slice(f.offset, f.offset + L),
        entropyAlphas: settings.entropyAlphas,
        minGroupSize: settings.minGroupSize,
        groupSizes: sizes[ai],
        withNotes: false,
      });
      const leaves = collectLeaves(d.named);
      const buf = leafBufs[ai];
      for (let j = 0; j < leaves.length; j++) buf[j * R + r] = leaves[j].value === null ? NaN : (leaves[j].value as number);
    });
    const il = collectLeaves(inequalityOf(ev.rows[0], settings.entropyAlphas));
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
  frame.bootstrap = { resamples: R, seed: ctx.options.seed, level };
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
