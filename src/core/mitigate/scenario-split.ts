/**
 * The one seeded held-out split that every scenario of a comparison shares, and the groups
 * (one protected attribute or the intersection of several) that split and metrics use.
 */
import { WorkbenchError } from '../errors';
import { encodeTarget } from '../manifest';
import { createRng, shuffleInPlace } from '../rng';
import { groupColumn, intersectGroups } from '../roles';
import type { DatasetRoles, ProtectedAttribute } from '../roles';
import type { CategoricalColumn, ColumnTable } from '../table';
import { invalid } from './common';

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
