/**
 * Reading the levels of a text column as values: numbers where they parse, and true/false-like
 * words (true/t/yes/y/1, false/f/no/n/0, any case) as 1/0 in a boolean column.
 */
import type { CategoricalColumn } from '../table';

export const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
export const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/** The numeric value of each level of a categorical column (NaN where a level is not a number). */
export function levelsAsNumbers(col: CategoricalColumn): Float64Array {
  const out = new Float64Array(col.levels.length);
  col.levels.forEach((lv, i) => {
    const s = lv.trim();
    const n = s === '' ? NaN : Number(s);
    if (Number.isFinite(n)) out[i] = n;
    else if (col.type === 'boolean' && TRUE_WORDS.has(s.toLowerCase())) out[i] = 1;
    else if (col.type === 'boolean' && FALSE_WORDS.has(s.toLowerCase())) out[i] = 0;
    else out[i] = NaN;
  });
  return out;
}
