/**
 * What-if scenarios: a baseline model plus a list of interventions, each evaluated on one
 * seeded held-out split shared by every scenario, so their numbers are comparable.
 *
 * Interventions and where they act (they compose; order in the list does not matter, the
 * pipeline order below does):
 * 1. pre-processing, change what the model is trained on (a trained baseline only):
 *    `drop-features` (retrain without the columns), `resample` (training rows; see
 *    ./resample), `reweigh` (row weights; see ./reweigh — after resampling when both are
 *    given, computed over the resampled rows);
 * 2. in-processing: `constraint` (fairness penalty in the training loss, bound mode; see
 *    ./constraint) — a trained baseline only;
 * 3. at the model's input: `neutralise` (column blocks replaced by training-row values at
 *    prediction time; not retraining; see ./neutralise) — trained or imported;
 * 4. post-processing: `group-thresholds` (per-group randomised thresholds fitted on the
 *    training rows' scores, applied to the held-out rows with a seeded draw; see
 *    ./group-thresholds) — trained or imported.
 * An imported model cannot be retrained here, so 1 and 2 on an imported baseline throw
 * 'roles-invalid' with a hint (neutralise instead, or train a workbench model).
 *
 * The trained baseline retrains on the split's training rows with the context's seed, so
 * two scenarios differ only by their interventions (a `roles.weight` column weights every
 * training, and reweighing multiplies it); the imported one is evaluated as it is.
 * Metrics are computed on the held-out rows by `computeMetricFrame` (decision: the manifest's
 * threshold, or the group-threshold decisions) with percentile bootstrap intervals.
 * Every number is deterministic under the seed (timings aside).
 */
import { WorkbenchError } from '../errors';
import { encodeTable, encodeTarget, featureSlices } from '../manifest';
import type { Manifest } from '../manifest';
import { attributeFromColumns, computeMetricFrame } from '../metrics';
import type { Disparity, Interval, MetricFrame, RateReason } from '../metrics';
import { createModelScorer, saveModelArtifacts } from '../model';
import { createRng, shuffleInPlace } from '../rng';
import { groupColumn, intersectGroups } from '../roles';
import type { DatasetRoles, ProtectedAttribute } from '../roles';
import type { Scorer } from '../scorer';
import type { CategoricalColumn, ColumnTable } from '../table';
import { findColumn } from '../table';
import type { LayersModel } from '../tf';
import { trainModel } from '../train';
import type { TrainOptions, TrainResult, TrainSpec } from '../train';
import { invalid } from './common';
import { trainWithConstraint } from './constraint';
import type { ConstraintAttempt } from './constraint';
import {
  applyGroupThresholds,
  deterministicThresholds,
  fitGroupThresholds,
  ruleToJson,
  selectionProbability,
} from './group-thresholds';
import type { FittedRates, ThresholdRuleJson } from './group-thresholds';
import { neutralise, NEUTRALISE_NOTE } from './neutralise';
import type { FairnessConstraint } from '../train-penalty';
import { resample } from './resample';
import { reweigh } from './reweigh';

export type ThresholdConstraintKind = 'demographic-parity' | 'equal-opportunity' | 'equalized-odds';

export type Intervention =
  | { kind: 'drop-features'; columns: string[] }
  | { kind: 'neutralise'; columns: string[] }
  | { kind: 'reweigh' }
  | { kind: 'resample'; method: 'oversample' | 'undersample'; proportions?: number[][] }
  | { kind: 'group-thresholds'; constraint: ThresholdConstraintKind; topK?: number }
  | { kind: 'constraint'; constraint: FairnessConstraint; bound?: number; lambda?: number };

export interface Scenario {
  name: string;
  interventions: Intervention[];
}

export const INTERVENTION_KINDS = ['drop-features', 'neutralise', 'reweigh', 'resample', 'group-thresholds', 'constraint'] as const;

const THRESHOLD_CONSTRAINTS = ['demographic-parity', 'equal-opportunity', 'equalized-odds'];
const TRAINING_CONSTRAINTS = ['demographic-parity', 'equal-opportunity', 'equalized-odds', 'error-rate-parity'];
const HINT_SCENARIOS =
  'A scenario is {"name": "...", "interventions": [{"kind": "drop-features", "columns": [...]}, {"kind": "reweigh"}, ...]}; kinds: ' +
  INTERVENTION_KINDS.join(', ') + '.';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Checks parsed scenario JSON (an array of scenarios, or `{ "scenarios": [...] }`) and returns
 * typed copies. Throws WorkbenchError('roles-invalid') naming the path of each problem (the
 * first three), e.g. `scenarios[1].interventions[0].bound must be a number in [0, 1]`.
 * Rejects unknown fields, unknown kinds, duplicate scenario names and an intervention kind
 * listed twice in one scenario.
 */
export function validateScenarios(json: unknown): Scenario[] {
  const problems: string[] = [];
  const bad = (m: string): void => {
    problems.push(m);
  };
  let list: unknown = json;
  if (isObject(json) && 'scenarios' in json) list = json.scenarios;
  if (!Array.isArray(list)) {
    throw new WorkbenchError('roles-invalid', `scenarios must be an array of {"name", "interventions"}, not ${show(json)}`, HINT_SCENARIOS);
  }
  const out: Scenario[] = [];
  const names = new Map<string, number>();
  list.forEach((s: unknown, i: number) => {
    const at = `scenarios[${i}]`;
    if (!isObject(s)) {
      bad(`${at} must be an object {"name", "interventions"}`);
      return;
    }
    for (const k of Object.keys(s)) if (k !== 'name' && k !== 'interventions') bad(`unknown field "${at}.${k}"`);
    let name = '';
    if (typeof s.name !== 'string' || s.name.trim() === '') bad(`${at}.name must be a non-empty string`);
    else {
      name = s.name;
      const prev = names.get(name);
      if (prev !== undefined) bad(`${at}.name "${name}" repeats scenarios[${prev}].name: names must be unique`);
      else names.set(name, i);
    }
    const interventions: Intervention[] = [];
    const ivs = s.interventions === undefined ? [] : s.interventions;
    if (!Array.isArray(ivs)) bad(`${at}.interventions must be an array (empty for the baseline)`);
    else {
      const kinds = new Map<string, number>();
      ivs.forEach((iv: unknown, j: number) => {
        const p = `${at}.interventions[${j}]`;
        const parsed = parseIntervention(iv, p, bad);
        if (!parsed) return;
        const prev = kinds.get(parsed.kind);
        if (prev !== undefined) bad(`${p}.kind "${parsed.kind}" repeats ${at}.interventions[${prev}]: list each kind once per scenario`);
        else kinds.set(parsed.kind, j);
        interventions.push(parsed);
      });
    }
    out.push({ name, interventions });
  });
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new WorkbenchError('roles-invalid', `scenarios: ${problems.slice(0, 3).join('; ')}${more}`, HINT_SCENARIOS);
  }
  return out;
}

function parseIntervention(iv: unknown, p: string, bad: (m: string) => void): Intervention | null {
  if (!isObject(iv)) {
    bad(`${p} must be an object {"kind", ...}`);
    return null;
  }
  const kind = iv.kind;
  if (typeof kind !== 'string' || !(INTERVENTION_KINDS as readonly string[]).includes(kind)) {
    bad(`${p}.kind must be one of ${INTERVENTION_KINDS.map((k) => `"${k}"`).join(', ')}, not ${show(kind)}`);
    return null;
  }
  const allowed: Record<string, string[]> = {
    'drop-features': ['columns'],
    neutralise: ['columns'],
    reweigh: [],
    resample: ['method', 'proportions'],
    'group-thresholds': ['constraint', 'topK'],
    constraint: ['constraint', 'bound', 'lambda'],
  };
  for (const k of Object.keys(iv)) if (k !== 'kind' && !allowed[kind].includes(k)) bad(`unknown field "${p}.${k}" for kind "${kind}"`);
  let ok = true;
  const fail = (m: string): void => {
    ok = false;
    bad(m);
  };
  switch (kind) {
    case 'drop-features':
    case 'neutralise': {
      const c = iv.columns;
      if (!Array.isArray(c) || c.length === 0 || !c.every((x) => typeof x === 'string' && x !== '')) {
        fail(`${p}.columns must be a non-empty array of column names`);
        return null;
      }
      if (new Set(c).size !== c.length) fail(`${p}.columns lists a column twice`);
      return ok ? { kind, columns: [...(c as string[])] } : null;
    }
    case 'reweigh':
      return { kind };
    case 'resample': {
      const m = iv.method;
      if (m !== 'oversample' && m !== 'undersample') fail(`${p}.method must be "oversample" or "undersample", not ${show(m)}`);
      let proportions: number[][] | undefined;
      if (iv.proportions !== undefined) {
        const q = iv.proportions;
        if (!Array.isArray(q) || q.length === 0 || !q.every((r) => Array.isArray(r) && r.length > 0 && r.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0))) {
          fail(`${p}.proportions must be an array (one per group) of arrays (one share ≥ 0 per label)`);
        } else proportions = (q as number[][]).map((r) => [...r]);
      }
      if (!ok) return null;
      return { kind, method: m as 'oversample' | 'undersample', ...(proportions ? { proportions } : {}) };
    }
    case 'group-thresholds': {
      const c = iv.constraint;
      if (typeof c !== 'string' || !THRESHOLD_CONSTRAINTS.includes(c)) fail(`${p}.constraint must be one of ${THRESHOLD_CONSTRAINTS.map((x) => `"${x}"`).join(', ')}, not ${show(c)}`);
      const k = iv.topK;
      if (k !== undefined && !(typeof k === 'number' && Number.isInteger(k) && k >= 1)) fail(`${p}.topK must be a whole number ≥ 1, not ${show(k)}`);
      if (!ok) return null;
      return { kind, constraint: c as ThresholdConstraintKind, ...(k !== undefined ? { topK: k as number } : {}) };
    }
    case 'constraint': {
      const c = iv.constraint;
      if (typeof c !== 'string' || !TRAINING_CONSTRAINTS.includes(c)) fail(`${p}.constraint must be one of ${TRAINING_CONSTRAINTS.map((x) => `"${x}"`).join(', ')}, not ${show(c)}`);
      const b = iv.bound;
      if (b !== undefined && !(typeof b === 'number' && b >= 0 && b <= 1)) fail(`${p}.bound must be a number in [0, 1], not ${show(b)}`);
      const l = iv.lambda;
      if (l !== undefined && !(typeof l === 'number' && Number.isFinite(l) && l >= 0)) fail(`${p}.lambda must be a finite number ≥ 0, not ${show(l)}`);
      if (b === undefined && l === undefined) fail(`${p} needs a "bound" (the largest training gap to accept) or a "lambda" (a fixed penalty weight)`);
      if (!ok) return null;
      return { kind, constraint: c as FairnessConstraint, ...(b !== undefined ? { bound: b as number } : {}), ...(l !== undefined ? { lambda: l as number } : {}) };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Split

export interface ScenarioSplit {
  /** training rows, ascending */
  train: Uint32Array;
  /** held-out rows, ascending */
  test: Uint32Array;
  seed: number;
  testFraction: number;
}

/** Codes of the intersection of the given protected attributes (one column → its groups). */
export function protectedGroups(table: ColumnTable, attrs: ProtectedAttribute | ProtectedAttribute[]): { column: CategoricalColumn; parts: CategoricalColumn[] } {
  const list = Array.isArray(attrs) ? attrs : [attrs];
  if (list.length === 0) throw invalid('no protected attribute to group by', 'Choose at least one protected attribute.');
  const parts = list.map((a) => groupColumn(table, a));
  return { column: intersectGroups(parts), parts };
}

/**
 * One seeded held-out split for every scenario: stratified by label × the intersection of
 * `roles.protected` (rows with a missing group form their own stratum); in each stratum,
 * round(testFraction · size) rows (shuffled with the seed) are held out. Rows without a target
 * value are in neither part. Throws 'internal' for a fraction outside (0, 1).
 */
export function createSplit(table: ColumnTable, roles: DatasetRoles, seed: number, testFraction = 0.3): ScenarioSplit {
  if (!(testFraction > 0 && testFraction < 1)) throw new WorkbenchError('internal', `testFraction must be in (0, 1), not ${testFraction}`);
  const labels = encodeTarget(table, roles.target);
  const groups = roles.protected.length > 0 ? protectedGroups(table, roles.protected).column : null;
  const G = groups ? groups.levels.length + 1 : 1;
  const strata = new Map<number, number[]>();
  for (let r = 0; r < table.nRows; r++) {
    if (labels[r] < 0) continue;
    const key = labels[r] * G + (groups ? groups.codes[r] + 1 : 0);
    let s = strata.get(key);
    if (!s) strata.set(key, (s = []));
    s.push(r);
  }
  const rng = createRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...strata.keys()].sort((a, b) => a - b)) {
    const idx = Uint32Array.from(strata.get(key)!);
    shuffleInPlace(idx, rng);
    const nTest = Math.round(testFraction * idx.length);
    for (let i = 0; i < idx.length; i++) (i < nTest ? test : train).push(idx[i]);
  }
  return { train: Uint32Array.from(train).sort(), test: Uint32Array.from(test).sort(), seed, testFraction };
}

// ---------------------------------------------------------------------------------------------
// Running a scenario

export type ScenarioBaseline =
  | { kind: 'trained'; trainKind: 'logistic' | 'mlp'; epochs?: number; batchSize?: number; learningRate?: number; hidden?: number[] }
  | { kind: 'imported'; scorer: Scorer; manifest: Manifest };

export interface ScenarioContext {
  table: ColumnTable;
  roles: DatasetRoles;
  split: ScenarioSplit;
  baseline: ScenarioBaseline;
  seed: number;
  /** the groups every metric and every intervention uses: one attribute or the intersection of several */
  protectedAttribute: ProtectedAttribute | ProtectedAttribute[];
  /** bootstrap resamples for the intervals; default 200, 0 = none */
  bootstrap?: number;
  /** polled between training batches */
  shouldStop?: () => boolean;
}

export const defaultScenarioOptions = { bootstrap: 200, testFraction: 0.3 } as const;

export interface ScenarioProgress {
  stage: 'train' | 'score' | 'thresholds' | 'metrics' | 'export';
  message: string;
}

export interface MetricValue {
  value: number | null;
  reason?: RateReason;
  interval?: Interval;
}

export interface ScenarioMetrics {
  /** held-out rows */
  n: number;
  /** rows selected on the held-out split */
  selected: number;
  accuracy: MetricValue;
  balancedAccuracy: MetricValue;
  /** of the scores (group thresholds change decisions, not scores) */
  rocAuc: MetricValue;
  selectionRate: { level: string; count: number; value: number | null; reason?: RateReason; interval?: Interval }[];
  demographicParityDifference: Disparity;
  equalOpportunityDifference: Disparity;
  /** worst case: max(ΔTPR, ΔFPR) */
  equalizedOddsDifference: Disparity;
}

export interface ScenarioConstraintReport {
  constraint: FairnessConstraint;
  bound: number | null;
  lambda: number;
  /** hard gap (threshold decisions) on the training rows, which chose λ */
  trainingGap: number | null;
  /** the same gap on the held-out rows (never used to choose λ) */
  heldOutGap: number | null;
  met: boolean;
  attempts: ConstraintAttempt[];
}

export interface ScenarioThresholdReport {
  constraint: ThresholdConstraintKind;
  /** common operating point on the training rows */
  x: number;
  y: number | null;
  /** capacity on the held-out rows, and as fitted on the training rows (scaled by size) */
  topK: number | null;
  topKFit: number | null;
  topKMet: boolean;
  /** expected selection rate per group on the held-out rows (no randomisation) */
  expectedSelectionRate: (number | null)[];
  expectedSelected: number;
  fitted: { overall: FittedRates; groups: FittedRates[] };
}

export interface GroupThresholdRulesExport {
  column: string;
  columns: string[];
  cuts?: (number[] | null)[];
  levels: string[];
  constraint: ThresholdConstraintKind;
  /** P(select | score) = (1 − pIgnore)(p0[score ≥ t0] + p1[score ≥ t1]) + pIgnore·predictionConstant */
  rules: Record<string, ThresholdRuleJson>;
  /** for rows whose group is missing or was undefined when fitting */
  fallback: ThresholdRuleJson;
  note: string;
}

/** The exported manifest: `groupThresholds` holds deterministic stand-ins, the extension the exact rules. */
export type ScenarioManifest = Manifest & { 'x-groupThresholdRules'?: GroupThresholdRulesExport };

export interface ScenarioResult {
  name: string;
  interventions: Intervention[];
  group: { name: string; levels: string[] };
  metrics: ScenarioMetrics;
  constraint: ScenarioConstraintReport | null;
  groupThresholds: ScenarioThresholdReport | null;
  /** training rows the model saw (after resampling; 0 for an imported model) */
  trainRows: number;
  notes: string[];
  timings: { trainMs: number; scoreMs: number; thresholdsMs: number; metricsMs: number; exportMs: number; totalMs: number };
  artifacts: { manifest: ScenarioManifest; files: { name: string; data: Uint8Array }[] | null };
}

export const GROUP_THRESHOLDS_NOTE =
  'Group thresholds use the protected attribute at decision time: each lead is scored with the rule of its group, so the group must be known when deciding, and people in different groups with the same score can be treated differently.';

function now(): number {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p ? p.now() : Date.now();
}

/** A seed for one stage, derived from the context seed (so stages draw independent streams). */
function stageSeed(seed: number, stage: number): number {
  let h = (seed ^ Math.imul(stage + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function gather<T extends Int32Array | Int8Array>(src: T, rows: Uint32Array, out: T): T {
  for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
  return out;
}

function metricValue(r: { value: number | null; reason?: RateReason }, interval?: Interval): MetricValue {
  return { value: r.value, ...(r.reason ? { reason: r.reason } : {}), ...(interval ? { interval } : {}) };
}

function find<K extends Intervention['kind']>(s: Scenario, kind: K): Extract<Intervention, { kind: K }> | undefined {
  return s.interventions.find((i) => i.kind === kind) as Extract<Intervention, { kind: K }> | undefined;
}

/** Checks a scenario against the context; throws 'roles-invalid' with a path-naming message. */
function checkScenario(ctx: ScenarioContext, s: Scenario): void {
  validateScenarios([s]);
  const imported = ctx.baseline.kind === 'imported';
  const where = (j: number): string => `scenario "${s.name}" interventions[${j}]`;
  const features = imported ? (ctx.baseline as { manifest: Manifest }).manifest.features.map((f) => f.column) : ctx.roles.features;
  s.interventions.forEach((iv, j) => {
    if (imported && (iv.kind === 'drop-features' || iv.kind === 'reweigh' || iv.kind === 'resample' || iv.kind === 'constraint')) {
      throw invalid(
        `${where(j)}: "${iv.kind}" retrains the model, and an imported model cannot be retrained here`,
        iv.kind === 'drop-features'
          ? 'Use "neutralise" on those columns to see the imported model without them, or train a workbench model on this data and drop them there.'
          : 'Train a workbench model on this data (baseline "trained"), or use "group-thresholds", which works on any model\'s scores.',
      );
    }
    if (iv.kind === 'drop-features' || iv.kind === 'neutralise') {
      for (const c of iv.columns) {
        if (!features.includes(c)) {
          const isProt = ctx.roles.protected.some((p) => p.column === c);
          throw invalid(
            `${where(j)}: "${c}" is not a feature of the ${imported ? 'imported model' : 'model'}${isProt ? ' (it is a protected attribute the model does not read)' : ''}`,
            `Choose among the features: ${features.slice(0, 12).join(', ')}${features.length > 12 ? ', …' : ''}.`,
          );
        }
      }
      if (iv.kind === 'drop-features' && iv.columns.length >= features.length) {
        throw invalid(`${where(j)}: dropping ${iv.columns.length} columns leaves no feature`, 'Keep at least one feature.');
      }
    }
  });
  const drop = find(s, 'drop-features');
  const neu = find(s, 'neutralise');
  if (drop && neu) {
    const both = neu.columns.filter((c) => drop.columns.includes(c));
    if (both.length > 0) throw invalid(`scenario "${s.name}": ${both.map((c) => `"${c}"`).join(', ')} is both dropped and neutralised`, 'A dropped column is not in the retrained model; neutralise only kept columns.');
  }
}

/**
 * Runs one scenario (see the module comment) and returns its held-out metrics, reports,
 * notes, timings and exportable artifacts. Every tensor it creates is disposed; an imported
 * scorer is not disposed (the caller owns it).
 */
export async function runScenario(ctx: ScenarioContext, scenario: Scenario, onProgress?: (p: ScenarioProgress) => void): Promise<ScenarioResult> {
  const tStart = now();
  checkScenario(ctx, scenario);
  const { table, roles, split } = ctx;
  const seed = ctx.seed >>> 0;
  const notes: string[] = [];
  const timings = { trainMs: 0, scoreMs: 0, thresholdsMs: 0, metricsMs: 0, exportMs: 0, totalMs: 0 };
  const labelsAll = encodeTarget(table, roles.target);
  const { column: groupCol, parts } = protectedGroups(table, ctx.protectedAttribute);
  const nGroups = groupCol.levels.length;
  for (const rows of [split.train, split.test]) {
    for (const r of rows) {
      if (r >= table.nRows) throw new WorkbenchError('internal', `split row ${r} is outside the table (${table.nRows} rows)`);
      if (labelsAll[r] < 0) throw new WorkbenchError('target-missing', `split row ${r} has no target value`, 'Create the split with createSplit on this table.');
    }
  }
  if (split.test.length === 0) throw invalid('the held-out split is empty', 'Create the split with a test fraction that leaves rows to evaluate on.');

  let model: LayersModel | null = null;
  let scorer: Scorer | null = null;
  let ownsScorer = false;
  let manifest: Manifest;
  let trainedRows = 0;
  let constraintReport: ScenarioConstraintReport | null = null;
  try {
    // 1–2: model
    const t0 = now();
    if (ctx.baseline.kind === 'imported') {
      scorer = ctx.baseline.scorer;
      manifest = ctx.baseline.manifest;
      notes.push('The imported model is evaluated as it is (not retrained).');
    } else {
      const b = ctx.baseline;
      const drop = find(scenario, 'drop-features');
      const features = roles.features.filter((f) => !drop || !drop.columns.includes(f));
      if (drop) notes.push(`Retrained without ${drop.columns.map((c) => `'${c}'`).join(', ')}; the model can still pick up what those columns said through correlated columns.`);
      const spec: TrainSpec = { target: roles.target, features, protected: roles.protected, name: scenario.name };
      let trainRows = split.train;
      const rs = find(scenario, 'resample');
      if (rs) {
        const y = new Uint8Array(split.train.length);
        const g = new Int32Array(split.train.length);
        for (let i = 0; i < y.length; i++) {
          y[i] = labelsAll[split.train[i]];
          g[i] = groupCol.codes[split.train[i]];
        }
        const idx = resample(y, g, nGroups, { method: rs.method, ...(rs.proportions ? { proportions: rs.proportions } : {}), seed: stageSeed(seed, 1) });
        trainRows = new Uint32Array(idx.length);
        for (let i = 0; i < idx.length; i++) trainRows[i] = split.train[idx[i]];
        notes.push(`Resampled (${rs.method}) the ${split.train.length} training rows to ${trainRows.length}.`);
      }
      let sampleWeight: Float32Array | undefined;
      const base = roles.weight ? findColumn(table, roles.weight) : undefined;
      if (base && base.type === 'numeric') sampleWeight = Float32Array.from(base.values);
      if (find(scenario, 'reweigh')) {
        const y = new Uint8Array(trainRows.length);
        const g = new Int32Array(trainRows.length);
        const bw = sampleWeight ? new Float32Array(trainRows.length) : undefined;
        for (let i = 0; i < y.length; i++) {
          y[i] = labelsAll[trainRows[i]];
          g[i] = groupCol.codes[trainRows[i]];
          if (bw) bw[i] = sampleWeight![trainRows[i]];
        }
        const rw = reweigh(y, g, nGroups, bw);
        // W(g, y) is per cell, so a per-table-row weight carries it (repeated rows included)
        const w = new Float32Array(table.nRows);
        for (let r = 0; r < table.nRows; r++) {
          const gr = groupCol.codes[r];
          const f = gr >= 0 && labelsAll[r] >= 0 ? rw.factors[gr][labelsAll[r]] : null;
          w[r] = (sampleWeight ? sampleWeight[r] : 1) * (f ?? 1);
        }
        sampleWeight = w;
        for (const [g2, y2] of rw.emptyCells) notes.push(`Reweighing: group '${groupCol.levels[g2]}' has no training rows with label ${y2}; its rate cannot be evened out.`);
      }
      const trainOptions: TrainOptions = {
        kind: b.trainKind,
        seed,
        ...(b.epochs !== undefined ? { epochs: b.epochs } : {}),
        ...(b.batchSize !== undefined ? { batchSize: b.batchSize } : {}),
        ...(b.learningRate !== undefined ? { learningRate: b.learningRate } : {}),
        ...(b.hidden !== undefined ? { hidden: b.hidden } : {}),
        trainRows,
        validationRows: new Uint32Array(0),
        ...(sampleWeight ? { sampleWeight } : {}),
        date: null,
        ...(ctx.shouldStop ? { shouldStop: ctx.shouldStop } : {}),
        onEpoch: (e) => onProgress?.({ stage: 'train', message: `epoch ${e.epoch} of ${e.epochs}` }),
      };
      const con = find(scenario, 'constraint');
      let result: TrainResult;
      if (con) {
        const cr = await trainWithConstraint(table, spec, trainOptions, {
          constraint: con.constraint,
          groupCodes: groupCol.codes,
          nGroups,
          ...(con.bound !== undefined ? { bound: con.bound } : {}),
          ...(con.lambda !== undefined ? { lambda: con.lambda } : {}),
          measureRows: split.train,
          onRun: (a) => onProgress?.({ stage: 'train', message: `λ = ${a.lambda}: training gap ${a.trainingGap === null ? 'undefined' : a.trainingGap.toFixed(4)}` }),
        });
        result = cr;
        constraintReport = {
          constraint: con.constraint,
          bound: cr.bound,
          lambda: cr.lambda,
          trainingGap: cr.trainingGap,
          heldOutGap: null,
          met: cr.met,
          attempts: cr.attempts,
        };
        notes.push(
          cr.bound === null
            ? `Trained with a ${con.constraint} penalty at λ = ${cr.lambda}; training gap ${fmt(cr.trainingGap)}.`
            : cr.met
              ? `Trained with a ${con.constraint} penalty; λ = ${cr.lambda} met the bound ${cr.bound} on the training rows (gap ${fmt(cr.trainingGap)}) after ${cr.attempts.length} run${cr.attempts.length === 1 ? '' : 's'}. The held-out gap is reported separately and may exceed the bound.`
              : `Trained with a ${con.constraint} penalty; no λ up to ${cr.attempts[cr.attempts.length - 1].lambda} met the bound ${cr.bound} on the training rows; the run with the smallest gap (${fmt(cr.trainingGap)}, λ = ${cr.lambda}) is kept.`,
        );
      } else {
        result = await trainModel(table, spec, trainOptions);
      }
      model = result.model;
      manifest = result.manifest;
      trainedRows = trainRows.length;
      scorer = createModelScorer(model, manifest);
      ownsScorer = true;
    }
    timings.trainMs = now() - t0;

    // 3: scores (neutralised inputs where asked)
    const t1 = now();
    onProgress?.({ stage: 'score', message: 'scoring the held-out rows' });
    const gt = find(scenario, 'group-thresholds');
    const neu = find(scenario, 'neutralise');
    const needTrainScores = gt !== undefined || constraintReport !== null;
    const slices = neu ? featureSlices(manifest).filter((s) => neu.columns.includes(s.column)) : [];
    let Xtrain: Float32Array | null = needTrainScores || neu ? encodeTable(table, manifest, split.train) : null;
    let Xtest = encodeTable(table, manifest, split.test);
    const width = scorer.nFeatures;
    if (neu) {
      const bg = { X: Xtrain!, nRows: split.train.length };
      Xtest = neutralise({ X: Xtest, nRows: split.test.length, width }, { blocks: slices, background: bg, seed: stageSeed(seed, 3) }).X;
      if (needTrainScores) Xtrain = neutralise({ X: Xtrain!, nRows: split.train.length, width }, { blocks: slices, background: bg, seed: stageSeed(seed, 4) }).X;
      notes.push(NEUTRALISE_NOTE.replace('the columns', neu.columns.map((c) => `'${c}'`).join(', ')));
    }
    const testScores = await scorer.predict(Xtest, split.test.length);
    const trainScores = needTrainScores ? await scorer.predict(Xtrain!, split.train.length) : null;
    timings.scoreMs = now() - t1;

    const yTest = new Uint8Array(split.test.length);
    const gTest = gather(groupCol.codes, split.test, new Int32Array(split.test.length));
    for (let i = 0; i < yTest.length; i++) yTest[i] = labelsAll[split.test[i]];
    const yTrain = new Uint8Array(split.train.length);
    const gTrain = gather(groupCol.codes, split.train, new Int32Array(split.train.length));
    for (let i = 0; i < yTrain.length; i++) yTrain[i] = labelsAll[split.train[i]];

    // 4: group thresholds
    const t2 = now();
    let predictions: Uint8Array | undefined;
    let thresholdReport: ScenarioThresholdReport | null = null;
    let thresholdExport: GroupThresholdRulesExport | undefined;
    let plainThresholds: number[] | undefined;
    if (gt) {
      onProgress?.({ stage: 'thresholds', message: `fitting ${gt.constraint} group thresholds` });
      const topKFit = gt.topK !== undefined ? (gt.topK * split.train.length) / split.test.length : undefined;
      const rules = fitGroupThresholds({
        scores: trainScores!,
        labels: yTrain,
        groupCodes: gTrain,
        nGroups,
        constraint: gt.constraint,
        ...(topKFit !== undefined ? { topK: topKFit } : {}),
      });
      predictions = applyGroupThresholds(rules, testScores, gTest, { seed: stageSeed(seed, 5), ...(gt.topK !== undefined ? { capacity: gt.topK } : {}) });
      const p = selectionProbability(rules, testScores, gTest);
      const sum = new Float64Array(nGroups);
      const cnt = new Float64Array(nGroups);
      let expectedSelected = 0;
      for (let i = 0; i < p.length; i++) {
        expectedSelected += p[i];
        if (gTest[i] >= 0) {
          sum[gTest[i]] += p[i];
          cnt[gTest[i]]++;
        }
      }
      thresholdReport = {
        constraint: gt.constraint,
        x: rules.x,
        y: rules.y,
        topK: gt.topK ?? null,
        topKFit: topKFit ?? null,
        topKMet: rules.topKMet,
        expectedSelectionRate: Array.from(sum, (s, g) => (cnt[g] > 0 ? s / cnt[g] : null)),
        expectedSelected,
        fitted: rules.fitted,
      };
      notes.push(GROUP_THRESHOLDS_NOTE);
      notes.push('Group-threshold decisions are randomised (a seeded draw per row) where a group mixes two thresholds; expectedSelectionRate gives the exact expected rates.');
      if (gt.topK !== undefined) notes.push(`Capacity: the operating point was chosen so that at most ${topKFit!.toFixed(1)} of the ${split.train.length} training rows are selected in expectation (${gt.topK} scaled to the training size); on the ${split.test.length} held-out rows, if the draw selects more than ${gt.topK}, a uniformly random ${gt.topK} of them are kept.`);
      for (const n of rules.notes) notes.push(`Group thresholds: ${n}`);
      thresholdExport = {
        column: groupCol.name,
        columns: parts.map((c) => c.name),
        cuts: (Array.isArray(ctx.protectedAttribute) ? ctx.protectedAttribute : [ctx.protectedAttribute]).map((a) => (a.cuts ? [...a.cuts] : null)),
        levels: [...groupCol.levels],
        constraint: gt.constraint,
        rules: Object.fromEntries(groupCol.levels.map((l, g) => [l, ruleToJson(rules.rules[g])])),
        fallback: ruleToJson(rules.fallback),
        note: GROUP_THRESHOLDS_NOTE,
      };
      plainThresholds = deterministicThresholds(rules, trainScores!, gTrain);
    }
    timings.thresholdsMs = now() - t2;

    // metrics on the held-out rows
    const t3 = now();
    onProgress?.({ stage: 'metrics', message: 'held-out metrics' });
    const attr = attributeFromColumns(parts, groupCol.name);
    const attrTest = { ...attr, codes: gather(attr.codes, split.test, new Int32Array(split.test.length)) };
    const resamples = ctx.bootstrap ?? defaultScenarioOptions.bootstrap;
    const frame = computeMetricFrame(
      { labels: yTest, scores: testScores, ...(predictions ? { predictions } : {}), attributes: [attrTest] },
      {
        decision: { rule: 'threshold', threshold: manifest.threshold },
        ...(resamples > 0 ? { bootstrap: { resamples, seed: stageSeed(seed, 6) } } : {}),
      },
    );
    const metrics = frameMetrics(frame);
    if (constraintReport) {
      constraintReport.heldOutGap = heldOutGapOf(frame, constraintReport.constraint);
    }
    timings.metricsMs = now() - t3;

    // artifacts
    const t4 = now();
    onProgress?.({ stage: 'export', message: 'exporting the model' });
    const outManifest: ScenarioManifest = JSON.parse(JSON.stringify(manifest)) as ScenarioManifest;
    if (thresholdExport && plainThresholds) {
      const cuts = thresholdExport.cuts;
      outManifest.groupThresholds = [{
        column: groupCol.name,
        thresholds: Object.fromEntries(groupCol.levels.map((l, g) => [l, plainThresholds![g]])),
        ...(parts.length === 1 && cuts && cuts[0] ? { cuts: cuts[0] } : {}),
      }];
      outManifest['x-groupThresholdRules'] = thresholdExport;
      notes.push('The exported manifest holds deterministic per-group thresholds (groupThresholds, approximate parity) and the exact randomised rules (x-groupThresholdRules).');
    }
    const files = model ? await saveModelArtifacts(model) : null;
    timings.exportMs = now() - t4;
    timings.totalMs = now() - tStart;

    return {
      name: scenario.name,
      interventions: scenario.interventions.map((i) => JSON.parse(JSON.stringify(i)) as Intervention),
      group: { name: groupCol.name, levels: [...groupCol.levels] },
      metrics,
      constraint: constraintReport,
      groupThresholds: thresholdReport,
      trainRows: trainedRows,
      notes,
      timings,
      artifacts: { manifest: outManifest, files },
    };
  } finally {
    if (ownsScorer) scorer?.dispose();
    model?.dispose();
  }
}

function fmt(x: number | null): string {
  return x === null ? 'undefined' : x.toFixed(4);
}

function frameMetrics(frame: MetricFrame): ScenarioMetrics {
  const o = frame.overall;
  const a = frame.attributes[0];
  const named = a.disparities.named;
  return {
    n: frame.n,
    selected: frame.decision.selected,
    accuracy: metricValue(o.metrics.accuracy, o.intervals?.accuracy),
    balancedAccuracy: metricValue(o.metrics.balancedAccuracy, o.intervals?.balancedAccuracy),
    rocAuc: metricValue(o.metrics.rocAuc, o.intervals?.rocAuc),
    selectionRate: a.groups.map((g) => ({
      level: g.level,
      count: g.count,
      value: g.metrics.selectionRate.value,
      ...(g.metrics.selectionRate.reason ? { reason: g.metrics.selectionRate.reason } : {}),
      ...(g.intervals?.selectionRate ? { interval: g.intervals.selectionRate } : {}),
    })),
    demographicParityDifference: named.demographicParityDifference.betweenGroups,
    equalOpportunityDifference: named.equalOpportunityDifference.betweenGroups,
    equalizedOddsDifference: named.equalizedOddsDifference.worstCase.betweenGroups,
  };
}

/** The held-out counterpart of the constraint's training gap, from the frame. */
function heldOutGapOf(frame: MetricFrame, c: FairnessConstraint): number | null {
  const a = frame.attributes[0].disparities;
  switch (c) {
    case 'demographic-parity':
      return a.named.demographicParityDifference.betweenGroups.value;
    case 'equal-opportunity':
      return a.named.equalOpportunityDifference.betweenGroups.value;
    case 'equalized-odds':
      return a.named.equalizedOddsDifference.worstCase.betweenGroups.value;
    case 'error-rate-parity':
      return a.perMetric.accuracy.differenceBetweenGroups.value;
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing scenarios

export { paretoFrontier } from './pareto';

export interface MetricDelta {
  value: number | null;
  baseline: number | null;
  /** value − baseline (null when either is null) */
  difference: number | null;
}

export interface ScenarioComparison {
  name: string;
  accuracy: MetricDelta;
  balancedAccuracy: MetricDelta;
  rocAuc: MetricDelta;
  demographicParityDifference: MetricDelta;
  equalOpportunityDifference: MetricDelta;
  equalizedOddsDifference: MetricDelta;
  selectionRate: ({ level: string } & MetricDelta)[];
  totalMs: MetricDelta;
}

function delta(value: number | null, baseline: number | null): MetricDelta {
  return { value, baseline, difference: value === null || baseline === null ? null : value - baseline };
}

/**
 * Each result's metrics next to the baseline's and their differences (value − baseline; for a
 * disparity, negative = smaller gap). The baseline itself is included (differences 0).
 * Throws 'roles-invalid' when no result has the baseline's name.
 */
export function compareScenarios(results: readonly ScenarioResult[], baselineName: string): { baseline: string; rows: ScenarioComparison[] } {
  const base = results.find((r) => r.name === baselineName);
  if (!base) {
    throw invalid(`no scenario is named "${baselineName}" (there are: ${results.map((r) => `"${r.name}"`).join(', ')})`, 'Pick the baseline among the scenarios that were run.');
  }
  const b = base.metrics;
  return {
    baseline: baselineName,
    rows: results.map((r) => {
      const m = r.metrics;
      return {
        name: r.name,
        accuracy: delta(m.accuracy.value, b.accuracy.value),
        balancedAccuracy: delta(m.balancedAccuracy.value, b.balancedAccuracy.value),
        rocAuc: delta(m.rocAuc.value, b.rocAuc.value),
        demographicParityDifference: delta(m.demographicParityDifference.value, b.demographicParityDifference.value),
        equalOpportunityDifference: delta(m.equalOpportunityDifference.value, b.equalOpportunityDifference.value),
        equalizedOddsDifference: delta(m.equalizedOddsDifference.value, b.equalizedOddsDifference.value),
        selectionRate: m.selectionRate.map((s) => ({ level: s.level, ...delta(s.value, b.selectionRate.find((x) => x.level === s.level)?.value ?? null) })),
        totalMs: delta(r.timings.totalMs, base.timings.totalMs),
      };
    }),
  };
}
