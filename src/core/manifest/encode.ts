/**
 * Encoding (row-major Float32Array, one row per table row):
 * - numeric → (value − mean) / std   (mean 0, std 1 when absent; missing → 0, i.e. the mean)
 * - categorical → one-hot over `categories` in the order given (unknown or missing → all zeros)
 * - label → the index of the value in `categories` (unknown or missing → −1)
 * - width = Σ (1 per numeric or label feature, #categories per categorical feature)
 * A text column read for a numeric feature is read through its levels' numbers; a numeric
 * column read for a categorical or label feature matches categories by the number they parse to.
 */
import { WorkbenchError } from '../errors';
import type { ColumnTable } from '../table';
import { checkManifestAgainstTable } from './check-table';
import { featureSlices, manifestWidth } from './layout';
import { levelsAsNumbers } from './levels';
import type { Manifest } from './types';

/** A per-feature plan: how to turn one table column into its inputs. */
type Plan =
  | { kind: 'num'; values: Float64Array; mean: number; std: number; at: number }
  | { kind: 'numFromCodes'; codes: Int32Array; levelValue: Float64Array; mean: number; std: number; at: number }
  | { kind: 'oneHot'; codes: Int32Array; slotOfLevel: Int32Array; at: number }
  | { kind: 'oneHotFromNumbers'; values: Float64Array; slotOfValue: Map<number, number>; at: number }
  | { kind: 'index'; codes: Int32Array; slotOfLevel: Int32Array; at: number }
  | { kind: 'indexFromNumbers'; values: Float64Array; slotOfValue: Map<number, number>; at: number };

/** category → its slot, for a numeric column: by the number the category's text spells (first one wins). */
function slotsByNumber(categories: readonly string[]): Map<number, number> {
  const slotOfValue = new Map<number, number>();
  categories.forEach((c, j) => {
    const x = c.trim() === '' ? NaN : Number(c);
    if (Number.isFinite(x) && !slotOfValue.has(x)) slotOfValue.set(x, j);
  });
  return slotOfValue;
}

/** level code → its slot among the categories (−1: not listed), for a text column. */
function slotsByLevel(categories: readonly string[], levels: readonly string[]): Int32Array {
  const slot = new Map<string, number>();
  categories.forEach((c, j) => slot.set(c, j));
  const slotOfLevel = new Int32Array(levels.length);
  levels.forEach((lv, j) => {
    slotOfLevel[j] = slot.get(lv) ?? -1;
  });
  return slotOfLevel;
}

function planEncoding(m: Manifest, table: ColumnTable): Plan[] {
  checkManifestAgainstTable(m, table, { requireTarget: false });
  const plans: Plan[] = [];
  const slices = featureSlices(m);
  m.features.forEach((f, i) => {
    const col = table.columns.find((c) => c.name === f.column)!;
    const at = slices[i].start;
    if (f.kind === 'numeric') {
      const mean = f.mean ?? 0;
      const std = f.std ?? 1;
      if (col.type === 'numeric') plans.push({ kind: 'num', values: col.values, mean, std, at });
      else plans.push({ kind: 'numFromCodes', codes: col.codes, levelValue: levelsAsNumbers(col), mean, std, at });
    } else if (col.type === 'numeric') {
      plans.push({ kind: f.kind === 'label' ? 'indexFromNumbers' : 'oneHotFromNumbers', values: col.values, slotOfValue: slotsByNumber(f.categories), at });
    } else {
      plans.push({ kind: f.kind === 'label' ? 'index' : 'oneHot', codes: col.codes, slotOfLevel: slotsByLevel(f.categories, col.levels), at });
    }
  });
  return plans;
}

/**
 * Encodes the table (or the given rows of it, in that order) into a row-major
 * Float32Array of n × manifestWidth(m). One pass per feature column; no row objects.
 * Throws like `checkManifestAgainstTable` (the target column is not needed here).
 */
export function encodeTable(table: ColumnTable, m: Manifest, rows?: Uint32Array): Float32Array {
  const width = manifestWidth(m);
  const n = rows ? rows.length : table.nRows;
  const out = new Float32Array(n * width);
  if (rows) {
    for (let i = 0; i < n; i++) {
      if (rows[i] >= table.nRows) throw new WorkbenchError('internal', `row ${rows[i]} is out of range: the table has ${table.nRows} rows`);
    }
  }
  for (const p of planEncoding(m, table)) {
    let o = p.at;
    switch (p.kind) {
      case 'num': {
        const { values, mean, std } = p;
        for (let i = 0; i < n; i++, o += width) {
          const v = values[rows ? rows[i] : i];
          out[o] = Number.isNaN(v) ? 0 : (v - mean) / std;
        }
        break;
      }
      case 'numFromCodes': {
        const { codes, levelValue, mean, std } = p;
        for (let i = 0; i < n; i++, o += width) {
          const c = codes[rows ? rows[i] : i];
          const v = c < 0 ? NaN : levelValue[c];
          out[o] = Number.isNaN(v) ? 0 : (v - mean) / std;
        }
        break;
      }
      case 'oneHot': {
        const { codes, slotOfLevel } = p;
        for (let i = 0; i < n; i++, o += width) {
          const c = codes[rows ? rows[i] : i];
          if (c >= 0) {
            const s = slotOfLevel[c];
            if (s >= 0) out[o + s] = 1;
          }
        }
        break;
      }
      case 'oneHotFromNumbers': {
        const { values, slotOfValue } = p;
        for (let i = 0; i < n; i++, o += width) {
          const s = slotOfValue.get(values[rows ? rows[i] : i]);
          if (s !== undefined) out[o + s] = 1;
        }
        break;
      }
      case 'index': {
        const { codes, slotOfLevel } = p;
        for (let i = 0; i < n; i++, o += width) {
          const c = codes[rows ? rows[i] : i];
          out[o] = c >= 0 ? slotOfLevel[c] : -1;
        }
        break;
      }
      case 'indexFromNumbers': {
        const { values, slotOfValue } = p;
        for (let i = 0; i < n; i++, o += width) out[o] = slotOfValue.get(values[rows ? rows[i] : i]) ?? -1;
        break;
      }
    }
  }
  return out;
}
