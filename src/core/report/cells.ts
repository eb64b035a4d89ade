/**
 * The report's group tables as cells for small-cell suppression: every group of every
 * audited attribute (one-column attributes and intersections) and each attribute's rows with
 * no group are one cell, keyed `attribute␀group`. The lines — sets of cells whose total the
 * report publishes or that sum to another published cell — are:
 * - per attribute: its groups and its rows with no group (they sum to all rows, published);
 * - per intersection and per column of it: the groups that agree on every other column,
 *   together with the group of the smaller table (the intersection without that column, or
 *   the one-column attribute) that they sum to, when the report has that table.
 * With these lines, {@link suppressSmallCells} leaves no published total from which one
 * hidden group can be recovered by subtraction.
 */
import type { AttributeJson } from '../audit';
import { suppressSmallCells, type SuppressionResult } from '../anonymise';

const SEP = '\u0000';
export const NO_GROUP = '(no value)';

/** The cell key of a group. */
export function cellKey(attribute: string, group: string): string {
  return `${attribute}${SEP}${group}`;
}

/** The key's attribute and group, for the list of what was suppressed. */
export function splitCellKey(key: string): { attribute: string; group: string } {
  const i = key.indexOf(SEP);
  return { attribute: key.slice(0, i), group: key.slice(i + 1) };
}

function marginKey(attrs: readonly AttributeJson[], columns: readonly string[], values: Record<string, string>): string | null {
  const name = columns.join('&');
  const a = attrs.find((x) => x.columns.join('&') === name);
  if (!a) return null;
  const g = a.groups.find((x) => columns.every((c) => x.values[c] === values[c]));
  return g ? cellKey(a.name, g.group) : null;
}

/** Cells and lines of the audit's attributes. */
export function groupCells(attrs: readonly AttributeJson[]): { counts: Map<string, number>; lines: string[][] } {
  const counts = new Map<string, number>();
  const lines: string[][] = [];
  for (const a of attrs) {
    const line: string[] = [];
    for (const g of a.groups) {
      const key = cellKey(a.name, g.group);
      counts.set(key, g.count);
      line.push(key);
    }
    const none = cellKey(a.name, NO_GROUP);
    counts.set(none, a.missingRows);
    line.push(none);
    lines.push(line);
  }
  for (const a of attrs) {
    if (a.columns.length < 2) continue;
    a.columns.forEach((col) => {
      const others = a.columns.filter((c) => c !== col);
      const byRest = new Map<string, string[]>();
      const restValues = new Map<string, Record<string, string>>();
      for (const g of a.groups) {
        const rest = others.map((c) => g.values[c] ?? '').join(SEP);
        if (!byRest.has(rest)) {
          byRest.set(rest, []);
          restValues.set(rest, g.values);
        }
        byRest.get(rest)!.push(cellKey(a.name, g.group));
      }
      for (const [rest, cells] of byRest) {
        const margin = marginKey(attrs, others, restValues.get(rest)!);
        lines.push(margin ? [...cells, margin] : cells);
      }
    });
  }
  return { counts, lines };
}

/** Which groups of the audit the report hides at k. */
export function suppressGroups(attrs: readonly AttributeJson[], k: number): SuppressionResult & { lines: string[][] } {
  const { counts, lines } = groupCells(attrs);
  return { ...suppressSmallCells(counts, lines, k), lines };
}
