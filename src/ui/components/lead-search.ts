/**
 * Which explained leads the Explain tab's lead picker lists for what was typed: the leads whose
 * row number (1-based, as the page shows it) is nearest to the number typed, at most `limit`,
 * in row order. Nearest rather than equal, since the explained leads are a spread over the
 * data (every 45th row of the bank demo): a row that was not explained still finds its
 * neighbours. Plain DOM-free code, so Node tests can check it.
 */

/** The row number in what was typed ("4521", "row 4,521", " 4 521 "), or null when it holds none. */
export function typedRow(text: string): number | null {
  const digits = text.replace(/[\s,.'_]/g, '').match(/\d+/);
  if (!digits) return null;
  const n = Number(digits[0]);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Indices into `rows` (0-based row indices of the explained leads, in any order) of the `limit`
 * leads whose 1-based row number is nearest to `row`, ties to the lower row; returned in row
 * order. One pass over the leads, keeping the best `limit` found so far.
 */
export function nearestLeads(rows: ArrayLike<number>, row: number, limit: number): number[] {
  const best: number[] = [];
  const distance = (i: number) => Math.abs(rows[i] + 1 - row);
  const before = (i: number, j: number) => distance(i) < distance(j) || (distance(i) === distance(j) && rows[i] < rows[j]);
  for (let i = 0; i < rows.length; i++) {
    if (best.length === limit && !before(i, best[limit - 1])) continue;
    let at = best.length === limit ? limit - 1 : best.length;
    while (at > 0 && before(i, best[at - 1])) at--;
    best.splice(at, 0, i);
    if (best.length > limit) best.pop();
  }
  return best.sort((i, j) => rows[i] - rows[j]);
}
