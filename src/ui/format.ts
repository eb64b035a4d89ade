/** Display helpers: a metric is a number, null, or a {value, reason} Rate. Undefined is shown as such, never as 0. */
export type Shown = number | null | undefined | { value: number | null; reason?: string };

export function valueOf(x: Shown): number | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  return x.value;
}

export function reasonOf(x: Shown): string | undefined {
  return x && typeof x === 'object' ? x.reason : undefined;
}

const REASONS: Record<string, string> = {
  'no-positives': 'no actual converters in this group',
  'no-negatives': 'every lead in this group converted',
  'no-predicted-positives': 'the model selects nobody in this group',
  'no-predicted-negatives': 'the model selects everybody in this group',
  'empty-group': 'the group is empty',
  'one-class': 'only one outcome occurs in this group',
};

export function explainReason(reason: string | undefined): string {
  return reason ? (REASONS[reason] ?? reason) : 'undefined';
}

export function pct(x: Shown, digits = 1): string {
  const v = valueOf(x);
  return v === null ? 'undefined' : `${(v * 100).toFixed(digits)}%`;
}

export function num(x: Shown, digits = 3): string {
  const v = valueOf(x);
  return v === null ? 'undefined' : v.toFixed(digits);
}
