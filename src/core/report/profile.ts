/**
 * The data profile as the report publishes it: per column its type, counts and distinct
 * values; for numbers the mean, spread and quantiles (never the minimum and maximum, which
 * are single rows' values); for categories the most frequent values with their counts. Values
 * held by fewer than k rows are not named: they are counted in `hiddenValues`, and when only
 * one value of a column would be hidden while the rest are all shown, the next smallest is
 * hidden with it (so the column's total cannot give it away). Identifier columns show no
 * values at all; protected columns show theirs in the representation table instead.
 */
import { profileColumn } from '../profile';
import type { ColumnTable } from '../table';
import { suppressSmallCells } from '../anonymise';
import type { ColumnProfileJson } from './types';

export interface ProfileRoles {
  target: string;
  protected: readonly string[];
  weight: string | null;
  identifiers: readonly string[];
}

function roleOf(name: string, r: ProfileRoles): ColumnProfileJson['role'] {
  if (r.identifiers.includes(name)) return 'identifier';
  if (name === r.target) return 'target';
  if (r.protected.includes(name)) return 'protected';
  if (name === r.weight) return 'weight';
  return 'other';
}

const MAX_SHOWN = 10;

/** The values a categorical column's profile may show at k, and how many it hides. */
function shownValues(counts: { value: string; count: number }[], k: number): { top: { value: string; count: number }[]; hidden: number } {
  const map = new Map<string, number>();
  // the values sum to the column's non-missing count, which is published
  counts.forEach((c, i) => map.set(String(i), c.count));
  const line = [...map.keys()];
  // values beyond the first MAX_SHOWN are not published: one unknown cell that covers any single hidden value
  const unpublished = counts.length > MAX_SHOWN;
  const { hidden } = suppressSmallCells(map, unpublished ? [] : [line], k);
  const top: { value: string; count: number }[] = [];
  let nHidden = 0;
  counts.forEach((c, i) => {
    if (hidden.has(String(i))) nHidden++;
    else if (top.length < MAX_SHOWN) top.push(c);
  });
  return { top, hidden: nHidden };
}

/** Every column's profile as published at k. */
export function publishedProfile(table: ColumnTable, roles: ProfileRoles, k: number): ColumnProfileJson[] {
  return table.columns.map((col) => {
    const p = profileColumn(col);
    const role = roleOf(col.name, roles);
    const base = { name: p.name, type: p.type, count: p.count, missing: p.missing, distinct: p.distinct, role };
    if (role === 'identifier') return { ...base, numeric: null, top: null, hiddenValues: 0 };
    const numeric =
      p.numeric && p.count >= k
        ? { mean: p.numeric.mean, std: p.numeric.std, p05: p.numeric.quantiles.p05 ?? null, p25: p.numeric.quantiles.p25, p50: p.numeric.quantiles.p50, p75: p.numeric.quantiles.p75, p95: p.numeric.quantiles.p95 ?? null }
        : null;
    if (role === 'protected' || p.type === 'numeric' || !p.top) return { ...base, numeric, top: null, hiddenValues: 0 };
    // every level with its count, most frequent first (the profile keeps only ten)
    const codes = (col as { codes: Int32Array }).codes;
    const levels = (col as { levels: string[] }).levels;
    const n = new Array<number>(levels.length).fill(0);
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) n[codes[i]]++;
    const all = levels.map((value, i) => ({ value, count: n[i] })).filter((x) => x.count > 0).sort((a, b) => b.count - a.count);
    const { top, hidden } = shownValues(all, k);
    return { ...base, numeric, top, hiddenValues: hidden };
  });
}
