/** Small checks on parsed JSON, and phrasing of values and near-miss keys in messages. */

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Extension fields (`x-…`, `_…`) are allowed anywhere and ignored. */
export function isExtensionKey(k: string): boolean {
  return k.startsWith('x-') || k.startsWith('_');
}

/** A value as JSON, cut to 40 characters, for a message. */
export function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** ` (did you mean "threshold"?)` for a key within edit distance 2 of a known one, else ''. */
export function suggest(key: string, known: Set<string>): string {
  const k = key.toLowerCase();
  let best = '';
  let bestD = 3;
  for (const cand of known) {
    const d = editDistance(k, cand.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
