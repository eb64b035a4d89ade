/**
 * Scenario results as compare's JSON (`bias-workbench compare --format json`), built once for
 * every caller: the CLI writes it, the page's report hands it to the impact assessment, and the
 * assessment reads it back from a file. Each metric `{ value, reason, interval }` is flattened:
 * `metrics[key] = value`, `undefined[key] = reason` (only for a null value),
 * `intervals[key] = [lower, upper]` (only with bootstrap intervals); a group's selection rate
 * goes under `selectionRate.<group>` the same way. Differences are value − the baseline
 * scenario's (core's compareScenarios), and the Pareto names are core's paretoFrontier's.
 */
import type { ReportNote } from '../audit';
import type { ModelFormat } from '../manifest';
import type { Interval } from '../metrics';
import type { ProtectedAttribute } from '../roles';
import { compareScenarios, type ScenarioComparison } from './compare';
import { paretoFrontier } from './pareto';
import type { ReductionsReport, ScenarioResult, ScenarioThresholdReport } from './scenario-result';
import type { Intervention, Scenario } from './scenario-spec';

type Num = number | null;
type Pair = [Num, Num];

/** The held-out metrics of a scenario, flattened. */
export const COMPARE_METRIC_KEYS = [
  'accuracy',
  'balancedAccuracy',
  'rocAuc',
  'demographicParityDifference',
  'equalOpportunityDifference',
  'equalizedOddsDifference',
] as const;
export type CompareMetricKey = (typeof COMPARE_METRIC_KEYS)[number];

/** A scenario's result as compare's JSON reads it: everything but the exportable model. */
export type ScenarioOutcome = Omit<ScenarioResult, 'artifacts'>;

export interface CompareScenarioJson {
  name: string;
  interventions: Intervention[];
  /** held-out rows, and how many of them were selected */
  heldOutRows: number;
  selected: number;
  /** rows the model was trained on (after resampling; 0 for an imported model) */
  trainRows: number;
  metrics: Record<CompareMetricKey, Num> & { selectionRate: Record<string, Num> };
  /** metric (or `selectionRate.<group>`) → why it is null */
  undefined: Record<string, string>;
  /** bootstrap percentile intervals, [lower, upper]; empty with --bootstrap 0 */
  intervals: Partial<Record<CompareMetricKey, Pair>> & { selectionRate?: Record<string, Pair> };
  /** value − the baseline scenario's (for a disparity, negative = smaller gap); null without a baseline scenario */
  differencesFromBaseline: (Record<CompareMetricKey, Num> & { selectionRate: Record<string, Num> }) | null;
  constraint?: {
    constraint: string;
    bound: Num;
    lambda: number;
    trainingGap: Num;
    heldOutGap: Num;
    met: boolean;
    attempts: { lambda: number; trainingGap: Num; met: boolean; seconds: number }[];
    /** how it was enforced: 'reductions' (a logistic baseline) or 'penalty' */
    method: 'reductions' | 'penalty';
    /** with reductions: the mixture and how it was found (core's ReductionsReport) */
    reductions?: ReductionsReport;
  };
  groupThresholds?: Omit<ScenarioThresholdReport, 'expectedSelectionRate'> & { expectedSelectionRate: Record<string, Num> };
  notes: string[];
  seconds: number;
}

export interface CompareReport {
  generatedBy: string;
  input: {
    file: string;
    path: string;
    sha256: string;
    rows: number;
    target: string;
    positive: string;
    protected: ProtectedAttribute[];
    weight: string | null;
  };
  groups: { name: string; levels: string[] };
  split: { seed: number; train: number; test: number; testFraction: number };
  baseline:
    | { kind: 'imported'; model: string; /** the model's format (Layers, graph, ONNX) */ format: ModelFormat; manifest: string; features: string[]; threshold: number }
    | {
        kind: 'trained';
        trainKind: 'logistic' | 'mlp';
        epochs: number;
        features: string[];
        featuresFrom: 'model' | 'data';
        includeProtected: boolean;
        model: string | null;
      };
  bootstrap: { resamples: number; level: number | null };
  /** the scenario the differences are taken from (the first with no interventions, or named "baseline") */
  baselineScenario: string | null;
  scenarios: CompareScenarioJson[];
  /** names on the frontier of accuracy (higher) vs demographic parity difference (lower), by increasing difference */
  pareto: string[];
  /** notes about the data and the model (CSV and manifest warnings, imputed inputs, rows in no group, …) */
  notes: ReportNote[];
}

/** The scenario part of {@link CompareReport}: what the scenarios' results alone decide. */
export type CompareScenariosJson = Pick<CompareReport, 'baselineScenario' | 'scenarios' | 'pareto'>;

function pair(i: Interval | undefined): Pair | undefined {
  return i ? [i.lower, i.upper] : undefined;
}

/** A scenario's held-out metrics as values, reasons and intervals (see the module comment). */
export function flattenMetrics(r: ScenarioOutcome): Pick<CompareScenarioJson, 'metrics' | 'undefined' | 'intervals'> {
  const m = r.metrics;
  const values = {} as Record<CompareMetricKey, Num>;
  const undef: Record<string, string> = {};
  const intervals: CompareScenarioJson['intervals'] = {};
  for (const k of COMPARE_METRIC_KEYS) {
    const v: { value: Num; reason?: string; interval?: Interval } = m[k];
    values[k] = v.value;
    if (v.value === null) undef[k] = v.reason ?? 'undefined';
    const p = pair(v.interval);
    if (p) intervals[k] = p;
  }
  const selectionRate: Record<string, Num> = {};
  const srIntervals: Record<string, Pair> = {};
  for (const s of m.selectionRate) {
    selectionRate[s.level] = s.value;
    if (s.value === null) undef[`selectionRate.${s.level}`] = s.reason ?? 'undefined';
    const p = pair(s.interval);
    if (p) srIntervals[s.level] = p;
  }
  if (Object.keys(srIntervals).length > 0) intervals.selectionRate = srIntervals;
  return { metrics: { ...values, selectionRate }, undefined: undef, intervals };
}

/** A comparison row's differences (value − baseline), flattened like the metrics. */
export function differences(row: ScenarioComparison): NonNullable<CompareScenarioJson['differencesFromBaseline']> {
  const out = {} as Record<CompareMetricKey, Num>;
  for (const k of COMPARE_METRIC_KEYS) out[k] = row[k].difference;
  return { ...out, selectionRate: Object.fromEntries(row.selectionRate.map((s) => [s.level, s.difference])) };
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

/** One scenario as compare's JSON writes it; `diff` is its row of compareScenarios (none without a baseline). */
export function scenarioJson(r: ScenarioOutcome, diff: ScenarioComparison | undefined): CompareScenarioJson {
  const levels = r.group.levels;
  return {
    name: r.name,
    interventions: r.interventions,
    heldOutRows: r.metrics.n,
    selected: r.metrics.selected,
    trainRows: r.trainRows,
    ...flattenMetrics(r),
    differencesFromBaseline: diff ? differences(diff) : null,
    ...(r.constraint
      ? {
          constraint: {
            constraint: r.constraint.constraint,
            bound: r.constraint.bound,
            lambda: r.constraint.lambda,
            trainingGap: r.constraint.trainingGap,
            heldOutGap: r.constraint.heldOutGap,
            met: r.constraint.met,
            attempts: r.constraint.attempts.map((a) => ({ lambda: a.lambda, trainingGap: a.trainingGap, met: a.met, seconds: seconds(a.ms) })),
            method: r.constraint.method ?? 'penalty',
            ...(r.constraint.reductions ? { reductions: r.constraint.reductions } : {}),
          },
        }
      : {}),
    ...(r.groupThresholds
      ? {
          groupThresholds: {
            ...r.groupThresholds,
            expectedSelectionRate: Object.fromEntries(levels.map((l, g) => [l, r.groupThresholds!.expectedSelectionRate[g] ?? null])),
          },
        }
      : {}),
    notes: r.notes,
    seconds: seconds(r.timings.totalMs),
  };
}

/** Index of the scenario the differences are taken from: the first with no interventions or named "baseline". */
export function baselineIndex(scenarios: readonly Pick<Scenario, 'name' | 'interventions'>[]): number {
  return scenarios.findIndex((s) => s.interventions.length === 0 || s.name === 'baseline');
}

/**
 * The scenarios' results as compare's JSON: each scenario with its differences from
 * `baseline` (a scenario's name; null: no differences), and the names on the Pareto frontier
 * of accuracy against demographic parity difference. Throws 'roles-invalid' when no result has
 * the baseline's name.
 */
export function compareScenariosJson(results: readonly ScenarioOutcome[], baseline: string | null): CompareScenariosJson {
  const cmp = baseline !== null ? compareScenarios(results, baseline) : null;
  const frontier = paretoFrontier(results.map((r) => ({ accuracy: r.metrics.accuracy.value, disparity: r.metrics.demographicParityDifference.value, degenerate: r.metrics.degenerate })));
  return {
    baselineScenario: baseline,
    scenarios: results.map((r, i) => scenarioJson(r, cmp?.rows[i])),
    pareto: frontier.map((i) => results[i].name),
  };
}
