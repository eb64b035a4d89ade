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
import { groupColumn, targetLabels, type DatasetRoles, type ProtectedAttribute } from '../src/core/roles';
import type { ColumnTable } from '../src/core/table';
import type { Scorer } from '../src/core/scorer';

export interface BackgroundSpec {
  kind: 'sample' | 'kmeans' | 'stratified';
  size: number;
  seed: number;
  /** for 'stratified' */
  stratifyBy?: ProtectedAttribute;
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

const backgroundCache = new Map<string, Background>();

export function buildBackground(table: ColumnTable, manifest: Manifest, spec: BackgroundSpec, cacheKey: string): Background {
  const key = `${cacheKey}/${JSON.stringify(spec)}`;
  const hit = backgroundCache.get(key);
  if (hit) return hit;
  const X = encodeTable(table, manifest);
  const width = X.length / Math.max(1, table.nRows);
  let bg: Background;
  if (spec.kind === 'kmeans') bg = kmeansBackground(X, table.nRows, width, spec.size, spec.seed);
  else if (spec.kind === 'stratified' && spec.stratifyBy) bg = stratifiedBackground(X, table.nRows, width, groupColumn(table, spec.stratifyBy).codes, spec.size, spec.seed);
  else bg = sampleBackground(X, table.nRows, width, spec.size, spec.seed);
  backgroundCache.set(key, bg);
  return bg;
}

export function explainCost(manifest: Manifest, nRows: number, background: number, method: ExplainJob['method'], permutations: number) {
  const nPlayers = manifest.features.length;
  return estimateCost({ nRows, nPlayers, nBackground: background, permutations, method });
}

export async function runExplainJob(
  table: ColumnTable,
  manifest: Manifest,
  scorer: Scorer,
  job: ExplainJob,
  cacheKey: string,
  onProgress?: (done: number, total: number) => void,
): Promise<ShapleyResult> {
  const bg = buildBackground(table, manifest, job.background, cacheKey);
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

/** Per-column views of a (merged) explanation, for the explained rows' groups. */
export function explanationViews(
  table: ColumnTable,
  manifest: Manifest,
  attr: ProtectedAttribute,
  rows: Uint32Array,
  result: Pick<ShapleyResult, 'values' | 'predictions' | 'nRows' | 'nPlayers'>,
  pair?: [number, number],
) {
  const group = groupColumn(table, attr);
  const codes = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) codes[i] = group.codes[rows[i]];
  const t = { values: result.values, predictions: result.predictions, nRows: result.nRows, nPlayers: result.nPlayers };
  const byGroup = meanAbsByGroup(t, codes).map((g) => ({ ...g, level: group.levels[g.code] ?? 'missing' }));
  // default pair: the two largest groups among the explained rows
  const sizes = byGroup.filter((g) => g.code >= 0).sort((a, b) => b.count - a.count);
  const [a, b] = pair ?? [sizes[0]?.code ?? 0, sizes[1]?.code ?? 0];
  const gap = sizes.length >= 2 ? parityGapAttribution(t, codes, a, b) : null;
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
    features: manifest.features.map((f) => f.column),
    meanAbs: meanAbs(t),
    byGroup,
    gap: gap && { ...gap, levelA: group.levels[a], levelB: group.levels[b] },
    groupCodes: codes,
    groupLevels: group.levels,
    featureValues,
    rawValues,
  };
}

/** Which columns predict a protected attribute on their own (NMI and one-vs-rest AUC). */
export function proxyReport(table: ColumnTable, roles: DatasetRoles, attr: ProtectedAttribute, columns: string[]) {
  const group = groupColumn(table, attr);
  const cols: ProxyColumn[] = [];
  for (const name of columns) {
    if (name === attr.column || name === roles.target.column) continue;
    const c = table.columns.find((x) => x.name === name);
    if (!c) continue;
    cols.push(c.type === 'numeric' ? { name, kind: 'numeric', values: c.values } : { name, kind: 'categorical', codes: c.codes, nLevels: c.levels.length });
  }
  return { attribute: attr.column, levels: group.levels, report: proxyStrength(cols, group.codes) };
}

export async function importanceJob(
  table: ColumnTable,
  manifest: Manifest,
  scorer: Scorer,
  roles: DatasetRoles,
  attr: ProtectedAttribute | undefined,
  score: ImportanceScore,
  repeats: number,
  seed: number,
  threshold: number,
  onProgress?: (done: number, total: number) => void,
) {
  const X = encodeTable(table, manifest);
  return permutationImportance({
    scorer,
    X,
    nRows: table.nRows,
    players: playersFromSlices(featureSlices(manifest)),
    labels: targetLabels(table, roles.target),
    groupCodes: attr ? groupColumn(table, attr).codes : undefined,
    score,
    repeats,
    seed,
    threshold,
    onProgress,
  });
}
