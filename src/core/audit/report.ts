/**
 * The audit as JSON: one report built from a metric frame, the same from the CLI (`audit
 * --format json`, which writes it) and from the page's worker (which returns it for "export
 * audit JSON"). Pure: file metadata (names, sizes, hashes) comes from the caller.
 *
 * Every number is the core metric frame's; this module only flattens it:
 * `Rate { value, reason }` → `metrics[key] = value` plus `undefined[key] = reason`. A value
 * that does not exist is `null` with its reason code, never 0 (unless fairlearn-compatible
 * mode asked for fairlearn's substitute, which is then listed under `substituted`).
 *
 * Stages: {@link computeAuditFrame} (table + roles + scores → frame, through the shared input
 * builders), then {@link buildAuditReport} (frame + context → JSON); {@link auditReport}
 * runs both.
 */
import { WorkbenchError } from '../errors';
import { DISPARITY_DEFINITIONS, METRIC_DEFINITIONS, type Definition } from '../definitions';
import {
  RATE_KEYS,
  SCALAR_KEYS,
  computeMetricFrame,
  type Aggregate,
  type AttributeInput,
  type AttributeResult,
  type BootstrapOptions,
  type DecisionRule,
  type Disparity,
  type GroupMetrics,
  type Interval,
  type MetricFrame,
  type MetricFrameInput,
  type MetricFrameOptions,
  type Note,
  type RateIntervals,
  type RateKey,
} from '../metrics';
import type { DatasetRoles, ProtectedAttribute } from '../roles';
import type { ColumnTable } from '../table';
import { attributeName, attributeReferences, auditFrameInput } from './inputs';

/** The version every report names as its generator. */
export const VERSION = '0.1.0';
export const GENERATED_BY = `bias-workbench ${VERSION}`;

export type Num = number | null;
export type Pair = [Num, Num];

/** Metrics that need scores (not only decisions). */
export const SCORE_KEYS: readonly RateKey[] = ['rocAuc', 'brierScore', 'meanScore', 'expectedCalibrationError'];
/** Reason given for the score metrics when only decisions were given. */
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

/**
 * A note about the inputs or the run, kept in the report and shown to the person: CSV and
 * manifest warnings, values the model encoding imputes, rows in no group, missing scores.
 * `count` is the number of rows (or values) it concerns, where that is known.
 */
export interface ReportNote {
  kind: string;
  column?: string;
  count?: number;
  message: string;
}

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

/**
 * Where the data, the scores and the model came from: the caller fills in what it knows
 * (the CLI: paths, sizes and SHA-256 hashes; the page: file names); the rest is null.
 */
export interface AuditSources {
  file: string | null;
  path: string | null;
  bytes: number | null;
  sha256: string | null;
  /** the column the scores were read from (null when a model scored the rows) */
  score: string | null;
  /** the column the 0/1 decisions were read from */
  prediction: string | null;
  model: string | null;
  modelSha256: string | null;
  manifest: string | null;
  manifestSha256: string | null;
}

export const NO_SOURCES: AuditSources = {
  file: null,
  path: null,
  bytes: null,
  sha256: null,
  score: null,
  prediction: null,
  model: null,
  modelSha256: null,
  manifest: null,
  manifestSha256: null,
};

export interface AuditInputJson extends AuditSources {
  target: string;
  positive: string;
  protected: ProtectedAttribute[];
  weight: string | null;
}

/** Where a threshold came from: chosen by the person, the model's manifest, or the default 0.5. */
export type ThresholdSource = 'given' | 'manifest' | 'default';

export type DecisionJson =
  | ({ source: 'rule'; thresholdFrom?: ThresholdSource; selected: number; cutScore: Num } & DecisionRule)
  | { source: 'predictions'; rule: 'predictions'; column: string | null; selected: number };

export interface AuditOptionsJson {
  fairlearnCompatible: boolean;
  minGroupSize: number;
  intersections: boolean;
  /** attribute name → the reference group asked for (attributes not listed: the largest group) */
  references: Record<string, string>;
}

export interface AuditReport {
  generatedBy: string;
  input: AuditInputJson;
  rows: number;
  weightSum: number;
  decision: DecisionJson;
  options: AuditOptionsJson;
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
  notes: ReportNote[];
  definitions: Record<string, string>;
}

/** What the report's structural fields mean (the metrics' own formulas come from the metric table). */
export const REPORT_FIELD_DEFINITIONS: Record<string, string> = {
  toOverall: 'difference: max_g |m_g − m_overall|; ratio: min_g min(m_g/m_overall, m_overall/m_g) (fairlearn method="to_overall")',
  toReference: '[m_g − m_ref, m_g / m_ref] against the reference group (AIF360 convention: group minus reference)',
  intervals: 'bootstrap percentile interval: rows resampled with replacement, decisions kept, reference fixed',
  small: 'the group has fewer rows than the minimum group size (default 30); its rates are noisy',
  undefined: 'metric → reason it is null (its denominator is 0, or it needs scores); never reported as 0',
  substituted: "fairlearn-compatible mode: metric → reason the shown value is fairlearn's substitute (0) for an undefined rate",
};

function formulaLine(d: Definition): string {
  return d.convention ? `${d.formula} (${d.convention})` : d.formula;
}

/** key → one-line formula, for every number in the report. */
export function auditDefinitions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, d] of Object.entries(METRIC_DEFINITIONS)) out[k] = formulaLine(d);
  for (const [k, d] of Object.entries(DISPARITY_DEFINITIONS)) out[k] = formulaLine(d);
  return { ...out, ...REPORT_FIELD_DEFINITIONS };
}

// ---------------------------------------------------------------------------------------
// flattening the frame

function pair(i: Interval | undefined): Pair | undefined {
  return i ? [i.lower, i.upper] : undefined;
}

const isScoreKey = (k: string): boolean => (SCORE_KEYS as readonly string[]).includes(k);

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
    if (noScores && isScoreKey(k)) {
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
      if (noScores && isScoreKey(k)) continue;
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
    const blank = noScores && isScoreKey(k);
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

function attributeJson(a: AttributeResult, noScores: boolean): AttributeJson {
  return {
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
    notes: a.notes.filter((n) => !(noScores && n.metric !== undefined && isScoreKey(n.metric))),
  };
}

function inequalityJson(frame: MetricFrame): AuditReport['inequality'] {
  const undef: Record<string, string> = {};
  if (frame.inequality.theilIndex.value === null) undef.theilIndex = frame.inequality.theilIndex.reason ?? 'undefined';
  const gei: Record<string, Num> = {};
  for (const g of frame.inequality.generalizedEntropyIndex) {
    gei[`alpha=${g.alpha}`] = g.value.value;
    if (g.value.value === null) undef[`generalizedEntropyIndex.alpha=${g.alpha}`] = g.value.reason ?? 'undefined';
  }
  return { theilIndex: frame.inequality.theilIndex.value, generalizedEntropyIndex: gei, undefined: undef };
}

export interface ReportContext {
  input: AuditInputJson;
  /** the rule and where its threshold came from; null when the decisions were given */
  rule: { rule: DecisionRule; thresholdFrom?: ThresholdSource } | null;
  intersections: boolean;
  references: Record<string, string>;
  /** only decisions were given: score metrics are undefined */
  noScores: boolean;
  notes: ReportNote[];
}

/** The report's JSON from a computed frame. Pure: same frame and context → same report. */
export function buildAuditReport(frame: MetricFrame, ctx: ReportContext): AuditReport {
  const noScores = ctx.noScores;
  const ov = flatten(frame.overall.metrics, frame.overall.intervals, noScores);
  const decision: DecisionJson =
    ctx.rule === null
      ? { source: 'predictions', rule: 'predictions', column: ctx.input.prediction, selected: frame.decision.selected }
      : {
          source: 'rule',
          ...ctx.rule.rule,
          ...(ctx.rule.rule.rule === 'threshold' && ctx.rule.thresholdFrom ? { thresholdFrom: ctx.rule.thresholdFrom } : {}),
          selected: frame.decision.selected,
          cutScore: frame.decision.cutScore,
        };
  return {
    generatedBy: GENERATED_BY,
    input: ctx.input,
    rows: frame.n,
    weightSum: frame.weightSum,
    decision,
    options: { fairlearnCompatible: frame.fairlearnCompatible, minGroupSize: frame.minGroupSize, intersections: ctx.intersections, references: ctx.references },
    bootstrap: frame.bootstrap,
    overall: {
      count: frame.overall.metrics.count,
      weightSum: frame.overall.metrics.weightSum,
      ...ov.metrics,
      undefined: ov.undefined,
      ...(Object.keys(ov.substituted).length > 0 ? { substituted: ov.substituted } : {}),
      ...(ov.intervals ? { intervals: ov.intervals } : {}),
    },
    inequality: inequalityJson(frame),
    attributes: frame.attributes.map((a) => attributeJson(a, noScores)),
    notes: ctx.notes,
    definitions: auditDefinitions(),
  };
}

// ---------------------------------------------------------------------------------------
// from the table

/** One audit as the page and the CLI ask for it. */
export interface AuditRequest {
  table: ColumnTable;
  /** target, protected attributes and weight are read; features and ignored are not */
  roles: DatasetRoles;
  /** P(positive) per row; null when only decisions are given */
  scores: Float32Array | Float64Array | null;
  /** 0/1 decisions per row; when given, `decision` is not applied */
  predictions?: Uint8Array;
  /** default: threshold 0.5 */
  decision?: DecisionRule;
  /** where a threshold came from (default 'given') */
  thresholdFrom?: ThresholdSource;
  intersections?: boolean;
  fairlearnCompatible?: boolean;
  /** default 30 */
  minGroupSize?: number;
  /** one reference group for every attribute that has it (at least one must) */
  reference?: string | null;
  /** attribute name → reference group, before `reference`; absent or null: the largest group */
  references?: Record<string, string | null>;
  bootstrap?: BootstrapOptions;
  /** file metadata; absent fields are null */
  sources?: Partial<AuditSources>;
  notes?: ReportNote[];
}

/** A request turned into the metric frame's input and options. */
export interface PreparedAudit {
  input: MetricFrameInput;
  options: MetricFrameOptions;
  /** attribute name → the reference group asked for, as resolved */
  references: Record<string, string>;
}

const DEFAULT_RULE: DecisionRule = { rule: 'threshold', threshold: 0.5 };

function quoteLevels(levels: readonly string[], max = 10): string {
  const shown = levels.slice(0, max).map((l) => `'${l}'`).join(', ');
  return levels.length > max ? `${shown}, …` : shown;
}

/**
 * The reference group per attribute: `references[name]`, else `reference` when the attribute
 * has that group, else null (the largest group). Throws `roles-invalid` when `reference` is
 * a group of no attribute.
 */
export function resolveReferences(attributes: readonly AttributeInput[], reference: string | null | undefined, references: Readonly<Record<string, string | null>> | undefined): (string | null)[] {
  const out = attributeReferences(attributes, references);
  if (reference === null || reference === undefined) return out;
  if (!attributes.some((a) => a.levels.includes(reference))) {
    const first = attributes[0];
    throw new WorkbenchError(
      'roles-invalid',
      `The reference group '${reference}' is not a group of ${attributes.map((a) => a.name ?? attributeName(a.columns)).join(', ')}${first ? ` (groups of ${first.name ?? attributeName(first.columns)}: ${quoteLevels(first.levels)})` : ''}.`,
      'Name a group exactly as it appears in the data (intersections join values with |, binned columns use labels like 25–39).',
    );
  }
  attributes.forEach((a, i) => {
    if (out[i] === null && a.levels.includes(reference)) out[i] = reference;
  });
  return out;
}

/**
 * The metric frame's input and options for a request: labels, weights and attributes from
 * the shared builders ({@link auditFrameInput}); the scores (with only decisions, the
 * decisions stand in as scores so that the frame runs, and the report blanks the score
 * metrics); the references resolved per attribute.
 */
export function prepareAudit(req: AuditRequest): PreparedAudit {
  const { labels, weights, attributes } = auditFrameInput(req.table, req.roles, { intersections: req.intersections ?? false });
  const scores = req.scores ?? (req.predictions ? Float64Array.from(req.predictions) : null);
  if (!scores) throw new WorkbenchError('internal', 'An audit needs scores or decisions.');
  const refs = resolveReferences(attributes, req.reference, req.references);
  const references: Record<string, string> = {};
  attributes.forEach((a, i) => {
    const r = refs[i];
    if (r !== null) references[a.name ?? attributeName(a.columns)] = r;
  });
  const resamples = req.bootstrap?.resamples ?? 0;
  return {
    input: { labels, scores, ...(req.predictions ? { predictions: req.predictions } : {}), ...(weights ? { weights } : {}), attributes },
    options: {
      decision: req.decision ?? DEFAULT_RULE,
      fairlearnCompatible: req.fairlearnCompatible ?? false,
      ...(req.minGroupSize !== undefined ? { minGroupSize: req.minGroupSize } : {}),
      reference: refs,
      ...(resamples > 0 ? { bootstrap: req.bootstrap } : {}),
    },
    references,
  };
}

/** The metric frame of one audit request ({@link prepareAudit}, then the frame). */
export function computeAuditFrame(req: AuditRequest): MetricFrame {
  const p = prepareAudit(req);
  return computeMetricFrame(p.input, p.options);
}

/** The audit report for a table, its roles and its scores: the frame, then {@link buildAuditReport}. */
export function auditReport(req: AuditRequest): AuditReport {
  const p = prepareAudit(req);
  const frame = computeMetricFrame(p.input, p.options);
  return buildAuditReport(frame, {
    input: {
      ...NO_SOURCES,
      ...req.sources,
      target: req.roles.target.column,
      positive: req.roles.target.positive,
      protected: req.roles.protected,
      weight: req.roles.weight ?? null,
    },
    rule: req.predictions ? null : { rule: req.decision ?? DEFAULT_RULE, thresholdFrom: req.thresholdFrom ?? 'given' },
    intersections: req.intersections ?? false,
    references: p.references,
    noScores: req.scores === null,
    notes: req.notes ?? [],
  });
}
