/**
 * `bias-workbench audit`: the fairness audit of one scored (or decided) dataset, as JSON or as
 * one self-contained HTML report. Every number is the core metric frame's
 * (`computeMetricFrame`); this file only gathers the inputs and flattens the result:
 * `Rate { value, reason }` → `metrics[key] = value` plus `undefined[key] = reason`.
 */
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { WorkbenchError } from '../core/errors';
import { checkManifestAgainstTable, encodeTable, type Manifest } from '../core/manifest';
import { createModelScorer } from '../core/model';
import { parseNumber, retypeColumn } from '../core/csv';
import { validateRoles, type ProtectedAttribute } from '../core/roles';
import { findColumn, type ColumnTable, type NumericColumn } from '../core/table';
import { auditFrameInput } from '../core/audit';
import { DISPARITY_DEFINITIONS, METRIC_DEFINITIONS } from '../core/definitions';
import {
  RATE_KEYS,
  SCALAR_KEYS,
  attributeFromColumns,
  computeMetricFrame,
  type AttributeInput,
  type AttributeResult,
  type Aggregate,
  type DecisionRule,
  type Disparity,
  type GroupMetrics,
  type Interval,
  type MetricFrame,
  type Note,
  type RateIntervals,
  type RateKey,
} from '../core/metrics';
import { readCsvFile } from './read-csv';
import { setupNodeBackend } from './backend';
import { loadModelFromDisk } from './load-model';
import {
  GENERATED_BY,
  UsageError,
  baseRoles,
  optChoice,
  optInt,
  optNumber,
  optString,
  optThreshold,
  requiredProtected,
  sha256File,
  targetFlags,
  toJson,
  writeResult,
  type FlagValues,
} from './common';
import { renderAuditHtml } from './report-html';

export type Num = number | null;
export type Pair = [Num, Num];

/** Metrics that need scores (not only decisions). */
export const SCORE_KEYS: readonly RateKey[] = ['rocAuc', 'brierScore', 'meanScore', 'expectedCalibrationError'];
/** Reason given for the score metrics when only decisions (--prediction) were given. */
export const NO_SCORES = 'no-scores';

/** The named disparities, flattened to their between-group value. */
export const DISPARITY_KEYS = [
  'demographicParityDifference',
  'demographicParityRatio',
  'disparateImpact',
  'equalOpportunityDifference',
  'equalOpportunityRatio',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'equalizedOddsDifferenceMean',
  'equalizedOddsRatioMean',
  'predictiveParityDifference',
  'predictiveParityRatio',
  'aucGap',
  'calibrationGap',
] as const;
export type DisparityKey = (typeof DISPARITY_KEYS)[number];

export interface GroupJson {
  group: string;
  values: Record<string, string>;
  count: number;
  weightSum: number;
  reference: boolean;
  small: boolean;
  metrics: Record<RateKey, Num>;
  /** metric → why it is undefined (null) */
  undefined: Partial<Record<RateKey, string>>;
  /** fairlearn-compatible mode: metric → why the shown value is a substitute (fairlearn's 0) */
  substituted?: Partial<Record<RateKey, string>>;
  intervals?: Partial<Record<RateKey, Pair>>;
}

export type DisparitiesJson = Record<DisparityKey, Num> & {
  fourFifthsRule: { pass: boolean | null; threshold: number; disparateImpact: Num; caveat: string };
  /** AIF360, signed: group − reference, per non-reference group */
  averageOddsDifference: Record<string, Num>;
  averageAbsOddsDifference: Record<string, Num>;
  betweenGroupTheilIndex: Num;
  betweenGroupGeneralizedEntropyIndex: Record<string, Num>;
  /** the same named disparities against the whole population (fairlearn's method="to_overall") */
  toOverall: Record<DisparityKey, Num>;
  /** disparity → why it is null */
  undefined: Partial<Record<string, string>>;
  intervals?: Partial<Record<string, Pair>>;
};

export interface PerMetricJson {
  overall: Num;
  groupMin: Num;
  groupMinGroup: string | null;
  groupMax: Num;
  groupMaxGroup: string | null;
  differenceBetweenGroups: Num;
  ratioBetweenGroups: Num;
  differenceToOverall: Num;
  ratioToOverall: Num;
  /** group → [m_g − m_ref, m_g / m_ref] */
  toReference: Record<string, Pair>;
}

export interface AttributeJson {
  name: string;
  columns: string[];
  reference: string | null;
  referenceSource: AttributeResult['referenceSource'];
  missingRows: number;
  groups: GroupJson[];
  disparities: DisparitiesJson;
  perMetric: Record<string, PerMetricJson>;
  notes: Note[];
}

export interface AuditInputJson {
  file: string;
  path: string;
  bytes: number;
  sha256: string;
  target: string;
  positive: string;
  protected: ProtectedAttribute[];
  weight: string | null;
  score: string | null;
  prediction: string | null;
  model: string | null;
  modelSha256: string | null;
  manifest: string | null;
  manifestSha256: string | null;
}

export type DecisionJson =
  | ({ source: 'rule'; thresholdFrom?: 'flag' | 'manifest' | 'default'; selected: number; cutScore: Num } & DecisionRule)
  | { source: 'predictions'; rule: 'predictions'; column: string; selected: number };

export interface AuditReport {
  generatedBy: string;
  input: AuditInputJson;
  rows: number;
  weightSum: number;
  decision: DecisionJson;
  options: { fairlearnCompatible: boolean; minGroupSize: number; intersections: boolean; reference: string | null };
  bootstrap: { resamples: number; seed: number; level: number } | null;
  overall: Record<RateKey, Num> & {
    count: number;
    weightSum: number;
    undefined: Partial<Record<RateKey, string>>;
    substituted?: Partial<Record<RateKey, string>>;
    intervals?: Partial<Record<RateKey, Pair>>;
  };
  inequality: { theilIndex: Num; generalizedEntropyIndex: Record<string, Num>; undefined: Record<string, string> };
  attributes: AttributeJson[];
  notes: string[];
  definitions: Record<string, string>;
}

const EXTRA_DEFINITIONS: Record<string, string> = {
  equalizedOddsDifferenceMean: '(ΔTPR + ΔFPR) / 2, Δ = max − min over groups (fairlearn agg="mean")',
  equalizedOddsRatioMean: '(TPR ratio + FPR ratio) / 2 (fairlearn agg="mean")',
  fourFifthsRule: 'pass when disparateImpact ≥ 0.8 (a rule of thumb, not a test; see caveat)',
  toOverall: 'difference: max_g |m_g − m_overall|; ratio: min_g min(m_g/m_overall, m_overall/m_g) (fairlearn method="to_overall")',
  toReference: '[m_g − m_ref, m_g / m_ref] against the reference group (AIF360 convention: group minus reference)',
  intervals: 'bootstrap percentile interval: rows resampled with replacement, decisions kept, reference fixed',
  small: 'the group has fewer rows than --min-group-size (default 30); its rates are noisy',
  undefined: 'metric → reason it is null (its denominator is 0, or it needs scores); never reported as 0',
  substituted: 'with --fairlearn-compatible: metric → reason the shown value is fairlearn\'s substitute (0) for an undefined rate',
};

/** key → one-line formula, for every number in the report. */
export function auditDefinitions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, d] of Object.entries(METRIC_DEFINITIONS)) out[k] = d.convention ? `${d.formula} (${d.convention})` : d.formula;
  for (const [k, d] of Object.entries(DISPARITY_DEFINITIONS)) out[k] = d.convention ? `${d.formula} (${d.convention})` : d.formula;
  return { ...out, ...EXTRA_DEFINITIONS };
}

// ---------------------------------------------------------------------------------------
// inputs

function rolesError(message: string, hint: string): WorkbenchError {
  return new WorkbenchError('roles-invalid', message, hint);
}

/** P(positive) from a numeric column in [0, 1]; throws on missing, text or out-of-range values. */
export function scoreColumn(table: ColumnTable, name: string): Float64Array {
  let col = findColumn(table, name);
  if (!col) throw rolesError(`The score column '${name}' is not in the table.`, 'Check the column name (names are case-sensitive).');
  if (col.type !== 'numeric') {
    const { column, lostValues } = retypeColumn(col, 'numeric');
    if (lostValues > 0) {
      const bad = col.levels.filter((l) => l.trim() !== '' && Number.isNaN(parseNumber(l))).slice(0, 3);
      throw rolesError(`The score column '${name}' holds text that is not a number (${bad.map((b) => `'${b}'`).join(', ')}).`, '--score expects a numeric column of P(positive) in [0, 1]; for 0/1 decisions use --prediction.');
    }
    col = column as NumericColumn;
  }
  const v = (col as NumericColumn).values;
  let missing = 0;
  let firstMissing = -1;
  let outside = 0;
  let firstOutside = -1;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) {
      if (missing++ === 0) firstMissing = i;
    } else if (!(x >= 0 && x <= 1)) {
      if (outside++ === 0) firstOutside = i;
    }
  }
  if (missing > 0) {
    throw rolesError(`${missing} row${missing === 1 ? ' has' : 's have'} no value in the score column '${name}' (first: data row ${firstMissing + 1}).`, 'Every row needs a score; remove those rows or fill them in.');
  }
  if (outside > 0) {
    throw rolesError(
      `The score column '${name}' has ${outside} value${outside === 1 ? '' : 's'} outside [0, 1] (first: data row ${firstOutside + 1}: ${v[firstOutside]}).`,
      '--score expects P(positive) in [0, 1]: apply a sigmoid to log-odds first, or use --prediction for 0/1 decisions.',
    );
  }
  return Float64Array.from(v);
}

const TRUE_WORDS = new Set(['1', 'true', 't', 'yes', 'y']);
const FALSE_WORDS = new Set(['0', 'false', 'f', 'no', 'n']);

/**
 * 0/1 decisions from a prediction column: a numeric column must hold 0 and 1 only; a text
 * column is 1 where it equals the positive value (or, when no row does, a true/false-like
 * column is read as true = 1). Missing values throw.
 */
export function predictionColumn(table: ColumnTable, name: string, positive: string): Uint8Array {
  const col = findColumn(table, name);
  if (!col) throw rolesError(`The prediction column '${name}' is not in the table.`, 'Check the column name (names are case-sensitive).');
  const n = table.nRows;
  const out = new Uint8Array(n);
  let missing = 0;
  if (col.type === 'numeric') {
    let bad = -1;
    for (let i = 0; i < n; i++) {
      const x = col.values[i];
      if (Number.isNaN(x)) missing++;
      else if (x === 1) out[i] = 1;
      else if (x !== 0 && bad < 0) bad = i;
    }
    if (bad >= 0) {
      throw rolesError(
        `The prediction column '${name}' holds ${col.values[bad]} (data row ${bad + 1}); decisions must be 0 or 1.`,
        'Pass 0/1 decisions with --prediction, or probabilities in [0, 1] with --score.',
      );
    }
  } else {
    let pos = col.levels.indexOf(positive);
    let posLevels: Set<number>;
    if (pos >= 0) posLevels = new Set([pos]);
    else {
      const lower = col.levels.map((l) => l.trim().toLowerCase());
      if (!lower.every((l) => TRUE_WORDS.has(l) || FALSE_WORDS.has(l))) {
        throw rolesError(
          `No row of the prediction column '${name}' equals the positive value '${positive}' (its values: ${col.levels.slice(0, 10).map((l) => `'${l}'`).join(', ')}).`,
          'The prediction column must hold the positive value for selected rows, or 0/1.',
        );
      }
      posLevels = new Set(lower.map((l, i) => (TRUE_WORDS.has(l) ? i : -1)).filter((i) => i >= 0));
      pos = -1;
    }
    for (let i = 0; i < n; i++) {
      const c = col.codes[i];
      if (c < 0) missing++;
      else if (posLevels.has(c)) out[i] = 1;
    }
  }
  if (missing > 0) {
    throw rolesError(`${missing} row${missing === 1 ? ' has' : 's have'} no value in the prediction column '${name}'.`, 'Every row needs a decision; remove those rows or fill them in.');
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// flattening the frame

function pair(i: Interval | undefined): Pair | undefined {
  return i ? [i.lower, i.upper] : undefined;
}

interface FlatMetrics {
  metrics: Record<RateKey, Num>;
  undefined: Partial<Record<RateKey, string>>;
  substituted: Partial<Record<RateKey, string>>;
  intervals?: Partial<Record<RateKey, Pair>>;
}

function flatten(m: GroupMetrics, intervals: RateIntervals | undefined, noScores: boolean): FlatMetrics {
  const metrics = {} as Record<RateKey, Num>;
  const undef: Partial<Record<RateKey, string>> = {};
  const subst: Partial<Record<RateKey, string>> = {};
  for (const k of RATE_KEYS) {
    const r = m[k];
    if (noScores && SCORE_KEYS.includes(k)) {
      metrics[k] = null;
      undef[k] = r.reason === 'empty-group' ? 'empty-group' : NO_SCORES;
      continue;
    }
    metrics[k] = r.value;
    if (r.value === null) undef[k] = r.reason ?? 'undefined';
    else if (r.reason) subst[k] = r.reason;
  }
  let iv: Partial<Record<RateKey, Pair>> | undefined;
  if (intervals) {
    iv = {};
    for (const k of RATE_KEYS) {
      if (noScores && SCORE_KEYS.includes(k)) continue;
      const p = pair(intervals[k]);
      if (p) iv[k] = p;
    }
  }
  return { metrics, undefined: undef, substituted: subst, ...(iv ? { intervals: iv } : {}) };
}

function aggregates(a: AttributeResult): Record<DisparityKey, { between: Disparity; overall: Disparity }> {
  const n = a.disparities.named;
  const ag = (x: Aggregate) => ({ between: x.betweenGroups, overall: x.toOverall });
  return {
    demographicParityDifference: ag(n.demographicParityDifference),
    demographicParityRatio: ag(n.demographicParityRatio),
    disparateImpact: ag(n.disparateImpact),
    equalOpportunityDifference: ag(n.equalOpportunityDifference),
    equalOpportunityRatio: ag(n.equalOpportunityRatio),
    equalizedOddsDifference: ag(n.equalizedOddsDifference.worstCase),
    equalizedOddsRatio: ag(n.equalizedOddsRatio.worstCase),
    equalizedOddsDifferenceMean: ag(n.equalizedOddsDifference.mean),
    equalizedOddsRatioMean: ag(n.equalizedOddsRatio.mean),
    predictiveParityDifference: ag(n.predictiveParityDifference),
    predictiveParityRatio: ag(n.predictiveParityRatio),
    aucGap: ag(n.aucGap),
    calibrationGap: ag(n.calibrationGap),
  };
}

const SCORE_DISPARITIES = new Set<string>(['aucGap', 'calibrationGap']);

function disparitiesJson(a: AttributeResult, noScores: boolean): DisparitiesJson {
  const named = a.disparities.named;
  const between = {} as Record<DisparityKey, Num>;
  const overall = {} as Record<DisparityKey, Num>;
  const undef: Partial<Record<string, string>> = {};
  let intervals: Partial<Record<string, Pair>> | undefined;
  for (const [k, { between: b, overall: o }] of Object.entries(aggregates(a)) as [DisparityKey, { between: Disparity; overall: Disparity }][]) {
    if (noScores && SCORE_DISPARITIES.has(k)) {
      between[k] = null;
      overall[k] = null;
      undef[k] = NO_SCORES;
      continue;
    }
    between[k] = b.value;
    overall[k] = o.value;
    if (b.value === null) undef[k] = b.reason ?? 'undefined';
    if (b.interval) (intervals ??= {})[k] = [b.interval.lower, b.interval.upper];
  }
  const perGroup = (list: { level: string; value: Disparity }[], key: string): Record<string, Num> => {
    const out: Record<string, Num> = {};
    for (const x of list) {
      out[x.level] = x.value.value;
      if (x.value.value === null) undef[`${key}.${x.level}`] = x.value.reason ?? 'undefined';
    }
    return out;
  };
  const gei: Record<string, Num> = {};
  for (const g of named.betweenGroupGeneralizedEntropyIndex) gei[`alpha=${g.alpha}`] = g.value.value;
  if (named.betweenGroupTheilIndex.value === null) undef.betweenGroupTheilIndex = named.betweenGroupTheilIndex.reason ?? 'undefined';
  const di = named.disparateImpact;
  return {
    ...between,
    fourFifthsRule: { pass: di.fourFifthsRule.pass, threshold: di.fourFifthsRule.threshold, disparateImpact: di.betweenGroups.value, caveat: di.fourFifthsRule.caveat },
    averageOddsDifference: perGroup(named.averageOddsDifference, 'averageOddsDifference'),
    averageAbsOddsDifference: perGroup(named.averageAbsOddsDifference, 'averageAbsOddsDifference'),
    betweenGroupTheilIndex: named.betweenGroupTheilIndex.value,
    betweenGroupGeneralizedEntropyIndex: gei,
    toOverall: overall,
    undefined: undef,
    ...(intervals ? { intervals } : {}),
  };
}

function perMetricJson(a: AttributeResult, noScores: boolean): Record<string, PerMetricJson> {
  const out: Record<string, PerMetricJson> = {};
  for (const k of SCALAR_KEYS) {
    const d = a.disparities.perMetric[k];
    const blank = noScores && (SCORE_KEYS as readonly string[]).includes(k);
    const v = (x: Disparity | { value: Num }): Num => (blank ? null : x.value);
    const toReference: Record<string, Pair> = {};
    for (const r of d.toReference) toReference[r.level] = [v(r.difference), v(r.ratio)];
    out[k] = {
      overall: v(d.overall),
      groupMin: blank ? null : (d.groupMin?.value ?? null),
      groupMinGroup: blank ? null : (d.groupMin?.level ?? null),
      groupMax: blank ? null : (d.groupMax?.value ?? null),
      groupMaxGroup: blank ? null : (d.groupMax?.level ?? null),
      differenceBetweenGroups: v(d.differenceBetweenGroups),
      ratioBetweenGroups: v(d.ratioBetweenGroups),
      differenceToOverall: v(d.differenceToOverall),
      ratioToOverall: v(d.ratioToOverall),
      toReference,
    };
  }
  return out;
}

export interface ReportContext {
  input: AuditInputJson;
  decision: DecisionJson;
  intersections: boolean;
  reference: string | null;
  /** only decisions were given: score metrics are undefined */
  noScores: boolean;
  notes: string[];
}

/** The report's JSON from a computed frame. Pure: same frame and context → same report. */
export function buildAuditReport(frame: MetricFrame, ctx: ReportContext): AuditReport {
  const noScores = ctx.noScores;
  const ov = flatten(frame.overall.metrics, frame.overall.intervals, noScores);
  const attributes: AttributeJson[] = frame.attributes.map((a) => ({
    name: a.name,
    columns: a.columns,
    reference: a.reference,
    referenceSource: a.referenceSource,
    missingRows: a.missingRows,
    groups: a.groups.map((g) => {
      const f = flatten(g.metrics, g.intervals, noScores);
      return {
        group: g.level,
        values: g.values,
        count: g.count,
        weightSum: g.weightSum,
        reference: g.isReference,
        small: g.small,
        metrics: f.metrics,
        undefined: f.undefined,
        ...(Object.keys(f.substituted).length > 0 ? { substituted: f.substituted } : {}),
        ...(f.intervals ? { intervals: f.intervals } : {}),
      };
    }),
    disparities: disparitiesJson(a, noScores),
    perMetric: perMetricJson(a, noScores),
    notes: a.notes.filter((n) => !(noScores && n.metric !== undefined && (SCORE_KEYS as readonly string[]).includes(n.metric))),
  }));
  const decision: DecisionJson =
    ctx.decision.source === 'predictions'
      ? { ...ctx.decision, selected: frame.decision.selected }
      : { ...ctx.decision, selected: frame.decision.selected, cutScore: frame.decision.cutScore };
  const ineqUndef: Record<string, string> = {};
  if (frame.inequality.theilIndex.value === null) ineqUndef.theilIndex = frame.inequality.theilIndex.reason ?? 'undefined';
  const gei: Record<string, Num> = {};
  for (const g of frame.inequality.generalizedEntropyIndex) {
    gei[`alpha=${g.alpha}`] = g.value.value;
    if (g.value.value === null) ineqUndef[`generalizedEntropyIndex.alpha=${g.alpha}`] = g.value.reason ?? 'undefined';
  }
  return {
    generatedBy: GENERATED_BY,
    input: ctx.input,
    rows: frame.n,
    weightSum: frame.weightSum,
    decision,
    options: { fairlearnCompatible: frame.fairlearnCompatible, minGroupSize: frame.minGroupSize, intersections: ctx.intersections, reference: ctx.reference },
    bootstrap: frame.bootstrap,
    overall: {
      count: frame.overall.metrics.count,
      weightSum: frame.overall.metrics.weightSum,
      ...ov.metrics,
      undefined: ov.undefined,
      ...(Object.keys(ov.substituted).length > 0 ? { substituted: ov.substituted } : {}),
      ...(ov.intervals ? { intervals: ov.intervals } : {}),
    },
    inequality: { theilIndex: frame.inequality.theilIndex.value, generalizedEntropyIndex: gei, undefined: ineqUndef },
    attributes,
    notes: ctx.notes,
    definitions: auditDefinitions(),
  };
}

// ---------------------------------------------------------------------------------------
// the command

const OPTIONS = {
  data: { type: 'string' },
  target: { type: 'string' },
  positive: { type: 'string' },
  protected: { type: 'string' },
  score: { type: 'string' },
  prediction: { type: 'string' },
  model: { type: 'string' },
  manifest: { type: 'string' },
  threshold: { type: 'string' },
  'top-k': { type: 'string' },
  'top-percent': { type: 'string' },
  weight: { type: 'string' },
  reference: { type: 'string' },
  intersections: { type: 'boolean' },
  bootstrap: { type: 'string' },
  'confidence-level': { type: 'string' },
  seed: { type: 'string' },
  'min-group-size': { type: 'string' },
  'fairlearn-compatible': { type: 'boolean' },
  bins: { type: 'string', multiple: true },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

function decisionRule(values: FlagValues, manifest: Manifest | null): { rule: DecisionRule; from: 'flag' | 'manifest' | 'default' } {
  const given = (['threshold', 'top-k', 'top-percent'] as const).filter((k) => values[k] !== undefined);
  if (given.length > 1) throw new UsageError(`give at most one of --threshold, --top-k, --top-percent (got ${given.map((g) => `--${g}`).join(' and ')})`);
  const t = optThreshold(values);
  if (t !== undefined) return { rule: { rule: 'threshold', threshold: t }, from: 'flag' };
  const k = optInt(values, 'top-k', undefined, 0);
  if (k !== undefined) return { rule: { rule: 'top-k', k }, from: 'flag' };
  const p = optNumber(values, 'top-percent');
  if (p !== undefined) {
    if (!(p >= 0 && p <= 100)) throw new UsageError(`--top-percent must be between 0 and 100, not ${p}`);
    return { rule: { rule: 'top-percent', percent: p }, from: 'flag' };
  }
  if (manifest) return { rule: { rule: 'threshold', threshold: manifest.threshold }, from: 'manifest' };
  return { rule: { rule: 'threshold', threshold: 0.5 }, from: 'default' };
}

export async function auditCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  const v = values as FlagValues;
  const dataPath = optString(v, 'data');
  if (!dataPath) throw new UsageError('--data is required');
  const scoreCol = optString(v, 'score');
  const predCol = optString(v, 'prediction');
  const modelPath = optString(v, 'model');
  const manifestPath = optString(v, 'manifest');
  if (scoreCol && modelPath) throw new UsageError('give --score or --model, not both');
  if (!scoreCol && !predCol && !modelPath) throw new UsageError('one of --score, --prediction or --model is required');
  if (manifestPath && !modelPath) throw new UsageError('--manifest goes with --model');
  if (predCol && (v.threshold !== undefined || v['top-k'] !== undefined || v['top-percent'] !== undefined)) {
    throw new UsageError('--prediction gives the decisions: leave out --threshold, --top-k and --top-percent');
  }
  const attrs = requiredProtected(v);
  const format = optChoice(v, 'format', ['json', 'html'] as const, 'json');
  const resamples = optInt(v, 'bootstrap', 0, 0);
  const seed = optInt(v, 'seed', 0, 0);
  const levelFlag = optNumber(v, 'confidence-level');
  if (levelFlag !== undefined && !(levelFlag > 0 && levelFlag < 1)) throw new UsageError(`--confidence-level must be between 0 and 1, not ${levelFlag}`);
  const minGroupSize = optInt(v, 'min-group-size', 30, 0);
  const weightCol = optString(v, 'weight');
  const reference = optString(v, 'reference') ?? null;
  const intersections = v.intersections === true;
  const out = optString(v, 'out');

  let model: Awaited<ReturnType<typeof loadModelFromDisk>> | null = null;
  if (modelPath) {
    await setupNodeBackend();
    model = await loadModelFromDisk(modelPath, manifestPath);
  }
  try {
    const manifest = model?.manifest ?? null;
    const { rule, from } = decisionRule(v, manifest);
    const { target, positive } = targetFlags(v, manifest);

    const parsed = await readCsvFile(dataPath);
    const table = parsed.table;
    const roles = baseRoles(target, positive, attrs, weightCol);
    validateRoles(table, roles);
    const { labels, weights, attributes } = auditFrameInput(table, roles, { intersections });
    const notes: string[] = [...parsed.warnings];

    let scores: Float64Array | Float32Array | null = null;
    if (scoreCol) scores = scoreColumn(table, scoreCol);
    if (model) {
      const check = checkManifestAgainstTable(model.manifest, table, { requireTarget: false });
      notes.push(...check.warnings);
      const scorer = createModelScorer(model.model, model.manifest);
      try {
        scores = await scorer.predict(encodeTable(table, model.manifest), table.nRows);
      } finally {
        scorer.dispose();
      }
    }
    const predictions = predCol ? predictionColumn(table, predCol, positive) : undefined;
    const noScores = scores === null;
    if (noScores) {
      notes.push(
        `Only decisions were given (--prediction ${predCol}), no scores: ROC AUC, Brier score, mean score, calibration error and the AUC and calibration gaps are undefined (reason '${NO_SCORES}'). Add --score COL or --model to get them.`,
      );
    }

    if (reference !== null && !attributes.some((a) => a.levels.includes(reference))) {
      throw rolesError(
        `--reference '${reference}' is not a group of ${attributes.map((a) => a.name ?? a.columns.join('&')).join(', ')} (groups of ${attributes[0].columns[0]}: ${attributes[0].levels.slice(0, 10).map((l) => `'${l}'`).join(', ')}).`,
        'Name a group exactly as it appears in the data (intersections join values with |, binned columns use labels like 25–39).',
      );
    }
    const frame = computeMetricFrame(
      { labels, scores: scores ?? Float64Array.from(predictions!), ...(predictions ? { predictions } : {}), ...(weights ? { weights } : {}), attributes },
      {
        decision: rule,
        fairlearnCompatible: v['fairlearn-compatible'] === true,
        minGroupSize,
        reference,
        ...(resamples > 0 ? { bootstrap: { resamples, seed, ...(levelFlag !== undefined ? { level: levelFlag } : {}) } } : {}),
      },
    );

    const [sha, st] = await Promise.all([sha256File(dataPath), stat(dataPath)]);
    const input: AuditInputJson = {
      file: basename(dataPath),
      path: dataPath,
      bytes: st.size,
      sha256: sha,
      target,
      positive,
      protected: attrs,
      weight: weightCol ?? null,
      score: scoreCol ?? null,
      prediction: predCol ?? null,
      model: modelPath ?? null,
      modelSha256: modelPath ? await sha256File(modelPath) : null,
      manifest: model ? model.manifestPath : null,
      manifestSha256: model ? await sha256File(model.manifestPath) : null,
    };
    const decision: DecisionJson = predCol
      ? { source: 'predictions', rule: 'predictions', column: predCol, selected: 0 }
      : { source: 'rule', ...rule, ...(rule.rule === 'threshold' ? { thresholdFrom: from } : {}), selected: 0, cutScore: null };
    const report = buildAuditReport(frame, { input, decision, intersections, reference, noScores, notes });
    await writeResult(format === 'html' ? renderAuditHtml(report) : toJson(report), out);
    if (out) process.stderr.write(`audit of ${frame.n} rows → ${out}\n`);
    return 0;
  } finally {
    model?.model.dispose();
  }
}
