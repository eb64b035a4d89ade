/**
 * How a pool of workers splits the rows to explain (the page's Web Workers, the CLI's worker
 * threads): fixed chunks whose size depends on the number of rows only, about 64 of them, so
 * that a fast worker takes more chunks than a slow one, and the values never depend on how
 * many workers there are (each row's permutations come from its own stream, and a chunk's
 * model batches are the same whichever worker runs it).
 */

/** Rows per chunk: about 64 chunks, at least 8 rows each. */
export function chunkRows(nRows: number): number {
  return Math.max(8, Math.ceil(nRows / 64));
}

/** The chunks of nRows rows: first row and row count of each, in row order. */
export function rowChunks(nRows: number): { start: number; n: number }[] {
  const size = chunkRows(nRows);
  const out: { start: number; n: number }[] = [];
  for (let s = 0; s < nRows; s += size) out.push({ start: s, n: Math.min(size, nRows - s) });
  return out;
}
