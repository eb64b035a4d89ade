/**
 * Small-cell suppression for published tables of counts. A cell (a group) with 1 to k − 1
 * rows is *primary*-suppressed: its count is shown as "fewer than k" and every rate computed
 * on it is withheld.
 *
 * The complementary problem: a table also publishes margins (the attribute's total rows, the
 * overall selection), so a line of cells whose sum is known and in which exactly one cell is
 * hidden gives that cell away by subtraction. The rule here: in every such line with exactly
 * one hidden cell, the smallest other non-empty cell is hidden too (*complementary*
 * suppression), and this repeats until no line has exactly one hidden cell — a cell hidden
 * for one line can open another. Then a reader can derive only the sum of two or more hidden
 * cells. Empty cells (0 rows) are published: "nobody" is not about anyone. A line whose only
 * other cells are empty cannot be protected by hiding cells; it is returned in `unprotected`
 * so the caller can withhold the margin or say so.
 *
 * Lines for a report's tables: each attribute's groups (plus its rows with no group), whose
 * total is the row count; for an intersection, each set of groups that differ in one column
 * only, whose total is a group of the one-column table.
 */

export type SuppressionKind = 'small' | 'complementary';

export interface SuppressionResult {
  /** cell key → why it is hidden; cells not listed are published */
  hidden: Map<string, SuppressionKind>;
  /** lines (by index) where one hidden cell could not be covered by another */
  unprotected: number[];
}

/**
 * Hides the cells with fewer than k rows and, in every line with exactly one hidden cell, the
 * smallest other non-empty cell, until stable.
 */
export function suppressSmallCells(counts: ReadonlyMap<string, number>, lines: readonly (readonly string[])[], k: number): SuppressionResult {
  const hidden = new Map<string, SuppressionKind>();
  for (const [key, c] of counts) if (c > 0 && c < k) hidden.set(key, 'small');
  const unprotected = new Set<number>();
  let changed = hidden.size > 0;
  while (changed) {
    changed = false;
    lines.forEach((line, li) => {
      const inLine = line.filter((key) => hidden.has(key));
      if (inLine.length !== 1) return;
      let best: string | null = null;
      for (const key of line) {
        const c = counts.get(key) ?? 0;
        if (hidden.has(key) || c <= 0) continue;
        if (best === null || c < (counts.get(best) ?? 0)) best = key;
      }
      if (best === null) unprotected.add(li);
      else {
        hidden.set(best, 'complementary');
        changed = true;
      }
    });
  }
  return { hidden, unprotected: [...unprotected].sort((a, b) => a - b) };
}

/** "fewer than 10": how a hidden count is shown. */
export function fewerThan(k: number): string {
  return `fewer than ${k}`;
}
