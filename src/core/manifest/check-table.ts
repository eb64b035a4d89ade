/**
 * Can this table be encoded with this manifest? Missing columns are an error that lists them
 * (with the columns the table has); a numeric feature holding text is an error; things that
 * encode but may surprise (unlisted categories encode as all zeros) are warnings.
 */
import { WorkbenchError } from '../errors';
import type { Column, ColumnTable } from '../table';
import { levelsAsNumbers } from './levels';
import type { Manifest } from './types';

export interface ManifestCheck {
  /** things that are allowed but worth telling the user (unseen categories, ...) */
  warnings: string[];
}

/** 'a', 'b', ... (n more): column names for a message. */
export function listColumns(names: string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => `'${n}'`).join(', ');
  return names.length > max ? `${shown}, ... (${names.length - max} more)` : shown;
}

/**
 * Checks that a table can be encoded with this manifest. Throws
 * - 'manifest-missing-column' listing every manifest column (features and, unless
 *   `requireTarget` is false, the target) that the table lacks, with the columns it has;
 * - 'manifest-invalid' when a numeric feature's column holds text that is not a number.
 * Returns warnings for things that encode but may surprise (e.g. table values not among a
 * feature's categories, which encode as all zeros, or as index −1 for a label feature).
 */
export function checkManifestAgainstTable(m: Manifest, table: ColumnTable, options: { requireTarget?: boolean } = {}): ManifestCheck {
  const byName = new Map<string, Column>();
  for (const c of table.columns) byName.set(c.name, c);
  const missing: string[] = [];
  for (const f of m.features) if (!byName.has(f.column)) missing.push(f.column);
  const requireTarget = options.requireTarget ?? true;
  if (requireTarget && !byName.has(m.target.column)) missing.push(`${m.target.column} (target)`);
  if (missing.length > 0) {
    const what = missing.length === 1 ? 'column' : `${missing.length} columns`;
    throw new WorkbenchError('manifest-missing-column',
      `the manifest needs ${what} the CSV does not have: ${listColumns(missing)}. The CSV has ${table.columns.length} columns: ${listColumns(table.columns.map((c) => c.name))}`,
      'Choose the CSV the model was trained on, or rename the columns in the CSV or the manifest so they match (names are case-sensitive).');
  }

  const warnings: string[] = [];
  for (const f of m.features) {
    const col = byName.get(f.column)!;
    if (f.kind === 'numeric') {
      if (col.type !== 'numeric') {
        const nums = levelsAsNumbers(col);
        const bad: string[] = [];
        col.levels.forEach((lv, i) => {
          if (Number.isNaN(nums[i]) && lv.trim() !== '') bad.push(lv);
        });
        if (bad.length > 0) {
          throw new WorkbenchError('manifest-invalid',
            `feature '${f.column}' is numeric in the manifest, but the CSV column holds text that is not a number: ${listColumns(bad, 5)}`,
            `Make the manifest list '${f.column}' as {"kind": "categorical", "categories": [...]}, or clean the CSV column so it holds only numbers.`);
        }
        warnings.push(`'${f.column}' is numeric in the manifest but was read as text; its values are read as numbers.`);
      }
    } else if (col.type === 'numeric') {
      const cats = new Set(f.categories.map((c) => Number(c)).filter((x) => Number.isFinite(x)));
      if (cats.size === 0) {
        warnings.push(`'${f.column}' is ${f.kind} in the manifest but numeric in the CSV, and none of its categories is a number: every row encodes as ${noCategory(f.kind)}.`);
      }
    } else {
      const known = new Set(f.categories);
      const unseenInManifest = col.levels.filter((lv) => !known.has(lv));
      const present = new Set(col.levels);
      if (!f.categories.some((c) => present.has(c))) {
        warnings.push(`none of the manifest categories of '${f.column}' occurs in the CSV: every row encodes as ${noCategory(f.kind)}.`);
      } else if (unseenInManifest.length > 0) {
        warnings.push(`'${f.column}' has values the manifest does not list (${listColumns(unseenInManifest, 5)}); they encode as ${noCategory(f.kind)}.`);
      }
    }
  }
  return { warnings };
}

/** How a value with no listed category encodes, in words. */
function noCategory(kind: 'categorical' | 'label'): string {
  return kind === 'label' ? 'no category (index −1)' : 'all zeros';
}
