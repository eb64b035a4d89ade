/**
 * Explanation jobs as the worker runs them: encode the chosen rows, build the background
 * deterministically (every pool member builds the same one from the same seed), and call
 * core's Shapley, importance and proxy functions. Pure glue: no math lives here.
 */
import { encodeTable, featureSlices, type Manifest } from '../src/core/manifest';
import {
  explain,
  estimateCost,
  kmeansBackground,
  largestGapPair,
  meanAbs,
  meanAbsByGroup,
  parityGapAttribution,
  permutationImportance,
  playersFromSlices,
  proxyStrength,
  sampleBackground,
  stratifiedBackground,
  type Background,
  type ImportanceScore,
  type OutputSpace,
  type ProxyColumn,
  type ShapleyResult,
} from '../src/core/explain';
import { groupColumn, intersectGroups, targetLabels, type DatasetRoles, type ProtectedAttribute } from '../src/core/roles';
import type { CategoricalColumn } from '../src/core/table';
import type { ColumnTable } from '../src/core/table';
import type { Scorer } from '../src/core/scorer';

export interface BackgroundSpec {
  kind: 'sample' | 'kmeans' | 'stratified';
  size: number;
  seed: number;
  /** for 'stratified' */
  stratifyBy?: ProtectedAttribute | ProtectedAttribute[];
}

export interface ExplainJob {
  /** dataset rows to explain */
  rows: Uint32Array;
  /** global index of rows[0] among all explained rows (seeds each row's permutations) */
  rowIndexOffset: number;
  background: BackgroundSpec;
  method: 'auto' | 'exact' | 'permutation';
  permutations: number;
  output: OutputSpace;
  seed: number;
}

/** The groups of one protected attribute, or of the intersection of several (named like the audit's). */
export function groupsOf(table: ColumnTable, attribute: ProtectedAttribute | readonly ProtectedAttribute[]): CategoricalColumn {
  const list = Array.isArray(attribute) ? attribute : [attribute as ProtectedAttribute];
  return list.length === 1 ? groupColumn(table, list[0]) : intersectGroups(list.map((a) => groupColumn(table, a)));
}

/**
 * The background rows for a spec, built deterministically from the table (every pool member
 * builds the same one from the same seed). The worker keeps it in its state, under the table
 * and the model it was built for.
 */
export function buildBackground(table: ColumnTable, manifest: Manifest, spec: BackgroundSpec): Background {
  const X = encodeTable(table, manifest);
  const width = X.length / Math.max(1, table.nRows);
  if (spec.kind === 'kmeans') return kmeansBackground(X, table.nRows, width, spec.size, spec.seed);
  if (spec.kind === 'stratified' && spec.stratifyBy) return stratifiedBackground(X, table.nRows, width, groupsOf(table, spec.stratifyBy).codes, spec.size, spec.seed);
  return sampleBackground(X, table.nRows, width, spec.size, spec.seed);
}

export function explainCost(manifest: Manifest, nRows: number, background: number, method: ExplainJob['method'], permutations: number) {
  const nPlayers = manifest.features.length;
  return estimateCost({ nRows, nPlayers, nBackground: background, permutations, method });
}

export interface ExplainRun {
  table: ColumnTable;
  manifest: Manifest;
  scorer: Scorer;
  background: Background;
  job: ExplainJob;
  /** (units done, units in all, model rows evaluated so far) */
  onProgress?: (done: number, total: number, modelRows?: number) => void;
}

export async function runExplainJob({ table, manifest, scorer, background: bg, job, onProgress }: ExplainRun): Promise<ShapleyResult> {
  const X = encodeTable(table, manifest, job.rows);
  return explain(
    {
      scorer,
      X,
      nRows: job.rows.length,
      background: bg.X,
      nBackground: bg.nRows,
      backgroundWeights: bg.weights,
      players: playersFromSlices(featureSlices(manifest)),
    },
    { method: job.method, permutations: job.permutations, output: job.output, seed: job.seed, rowIndexOffset: job.rowIndexOffset, onProgress },
  );
}

export interface ViewsRequest {
  table: ColumnTable;
  manifest: Manifest;
  /** the attribute whose groups the views compare (the session's current one; several = their intersection) */
  attribute: ProtectedAttribute | ProtectedAttribute[];
  rows: Uint32Array;
  result: Pick<ShapleyResult, 'values' | 'predictions' | 'nRows' | 'nPlayers'>;
  /** the two group codes to compare; default: the pair with the largest gap in mean score */
  pair?: [number, number];
  /** explained rows a group needs to be chosen for the default pair (default 10) */
  minCount?: number;
}

/** Per-column views of a (merged) explanation, for the explained rows' groups of one attribute. */
export function explanationViews({ table, manifest, attribute, rows, result, pair, minCount = 10 }: ViewsRequest) {
  const group = groupsOf(table, attribute);
  const codes = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) codes[i] = group.codes[rows[i]];
  const t = { values: result.values, predictions: result.predictions, nRows: result.nRows, nPlayers: result.nPlayers };
  const byGroup = meanAbsByGroup(t, codes).map((g) => ({ ...g, level: group.levels[g.code] ?? 'missing' }));
  const largest = largestGapPair(t, codes, minCount);
  const chosen = pair && byGroup.some((g) => g.code === pair[0]) && byGroup.some((g) => g.code === pair[1]) && pair[0] !== pair[1] ? pair : largest ? ([largest.groupA, largest.groupB] as [number, number]) : null;
  const gap = chosen ? parityGapAttribution(t, codes, chosen[0], chosen[1]) : null;
  // feature values for colouring: numeric → rank in [0, 1]; categorical → level index / (levels − 1)
  const featureValues: (number | null)[][] = manifest.features.map((f) => {
    const col = table.columns.find((c) => c.name === f.column);
    if (!col) return Array.from(rows, () => null);
    if (col.type === 'numeric') {
      let lo = Infinity;
      let hi = -Infinity;
      for (const r of rows) {
        const v = col.values[r];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return Array.from(rows, (r) => (Number.isNaN(col.values[r]) ? null : hi > lo ? (col.values[r] - lo) / (hi - lo) : 0.5));
    }
    const L = Math.max(1, col.levels.length - 1);
    return Array.from(rows, (r) => (col.codes[r] < 0 ? null : col.codes[r] / L));
  });
  const rawValues: (number | string | null)[][] = manifest.features.map((f) => {
    const col = table.columns.find((c) => c.name === f.column);
    if (!col) return Array.from(rows, () => null);
    if (col.type === 'numeric') return Array.from(rows, (r) => (Number.isNaN(col.values[r]) ? null : col.values[r]));
    return Array.from(rows, (r) => (col.codes[r] < 0 ? null : col.levels[col.codes[r]]));
  });
  return {
    attribute: group.name,
    features: manifest.features.map((f) => f.column),
    meanAbs: meanAbs(t),
    byGroup,
    /** the pair compared, why it was chosen, and the attribution of its gap */
    pair: chosen && { a: chosen[0], b: chosen[1], source: chosen === pair ? ('chosen' as const) : ('largest-gap' as const), minCount },
    gap: gap && chosen && { ...gap, levelA: group.levels[chosen[0]], levelB: group.levels[chosen[1]] },
    groupCodes: codes,
    groupLevels: group.levels,
    featureValues,
    rawValues,
  };
}

export type ExplanationViews = ReturnType<typeof explanationViews>;

/** Which columns predict a protected attribute on their own (NMI and one-vs-rest AUC). */
export function proxyReport(table: ColumnTable, roles: DatasetRoles, attr: ProtectedAttribute | ProtectedAttribute[], columns: string[]) {
  const group = groupsOf(table, attr);
  const own = new Set((Array.isArray(attr) ? attr : [attr]).map((a) => a.column));
  const cols: ProxyColumn[] = [];
  for (const name of columns) {
    if (own.has(name) || name === roles.target.column) continue;
    const c = table.columns.find((x) => x.name === name);
    if (!c) continue;
    cols.push(c.type === 'numeric' ? { name, kind: 'numeric', values: c.values } : { name, kind: 'categorical', codes: c.codes, nLevels: c.levels.length });
  }
  return { attribute: group.name, levels: group.levels, report: proxyStrength(cols, group.codes) };
}

export interface ImportanceRequest {
  table: ColumnTable;
  manifest: Manifest;
  scorer: Scorer;
  roles: DatasetRoles;
  /** the groups a fairness score compares (several = their intersection) */
  attribute?: ProtectedAttribute | ProtectedAttribute[];
  score: ImportanceScore;
  repeats: number;
  seed: number;
  /** decisions for accuracy and the fairness scores: score ≥ threshold */
  threshold: number;
  onProgress?: (done: number, total: number) => void;
}

export async function importanceJob({ table, manifest, scorer, roles, attribute, score, repeats, seed, threshold, onProgress }: ImportanceRequest) {
  const X = encodeTable(table, manifest);
  return permutationImportance({
    scorer,
    X,
    nRows: table.nRows,
    players: playersFromSlices(featureSlices(manifest)),
    labels: targetLabels(table, roles.target),
    groupCodes: attribute ? groupsOf(table, attribute).codes : undefined,
    score,
    repeats,
    seed,
    threshold,
    onProgress,
  });
}
