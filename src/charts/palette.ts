/**
 * Shared look of every chart: a colour-blind-safe palette with one fixed colour per group
 * (by the group's index in its attribute's levels, so a group keeps its colour from chart to
 * chart), the colours for "raises / lowers the score", plain-language reasons for undefined
 * values, and number formatting. Pure data: no Plotly, no DOM.
 */

/**
 * Group colours: Okabe & Ito (2008), then Paul Tol's "muted" scheme for more groups; both are
 * designed to stay distinguishable with the common colour-vision deficiencies. Groups beyond
 * the list reuse colours (their legend names still differ).
 */
export const GROUP_PALETTE: readonly string[] = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#D55E00', // vermillion
  '#F0E442', // yellow
  '#332288', // Tol indigo
  '#88CCEE', // Tol cyan
  '#44AA99', // Tol teal
  '#117733', // Tol green
  '#999933', // Tol olive
  '#DDCC77', // Tol sand
  '#CC6677', // Tol rose
  '#882255', // Tol wine
  '#AA4499', // Tol purple
];

/** Colours for series that are not groups (metrics, sweeps): Paul Tol's "bright" scheme. */
export const SERIES_PALETTE: readonly string[] = ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB'];

/** A contribution that raises the score / lowers it (blue–orange: safe for red–green deficiencies). */
export const SIGN_COLORS = { raises: '#D55E00', lowers: '#0072B2' } as const;

/** Everyone / neutral marks, and "missing" points. */
export const NEUTRAL = { overall: '#555555', missing: '#AAAAAA', band: 'rgba(0, 158, 115, 0.12)', guide: '#888888' } as const;

/** Low → high colour scale for feature values (viridis: perceptually uniform and colour-blind safe). */
export const VALUE_COLORSCALE = 'Viridis';

/** The colour of the group at `index` in its attribute's levels. */
export function groupColor(index: number): string {
  const n = GROUP_PALETTE.length;
  return GROUP_PALETTE[((index % n) + n) % n];
}

/** One colour per level, in level order: `groupColors(levels)[i] === groupColor(i)`. */
export function groupColors(levels: readonly string[]): string[] {
  return levels.map((_, i) => groupColor(i));
}

export function seriesColor(index: number): string {
  return SERIES_PALETTE[index % SERIES_PALETTE.length];
}

/** Why a value is undefined, in words a workshop participant understands. */
export const REASON_TEXT: Record<string, string> = {
  // per-group rates
  'no-positives': 'no lead in this group converted',
  'no-negatives': 'every lead in this group converted',
  'no-predicted-positives': 'the model selects nobody in this group',
  'no-predicted-negatives': 'the model selects everybody in this group',
  'empty-group': 'the group has no leads',
  'one-class': 'only one outcome occurs in this group',
  // comparisons
  'no-reference': 'no reference group is set',
  'reference-undefined': "the reference group's value is itself undefined",
  'reference-zero': "the reference group's value is 0, and nothing can be divided by 0",
  'group-undefined': "this group's value is undefined",
  'fewer-than-two-groups': 'fewer than two groups have a value',
  'no-defined-groups': 'no group has a value',
  'zero-max': 'every group has a value of 0',
  'overall-undefined': 'the overall value is undefined',
  'overall-zero': 'the overall value is 0',
  // explanations
  'empty-comparison-group': 'one of the two groups has no explained leads',
  'not-finite': 'the computation gave no number',
};

/** The plain reason, or the code itself when unknown. */
export function reasonText(reason: string | undefined): string {
  if (!reason) return 'no reason recorded';
  return REASON_TEXT[reason] ?? reason;
}

/** "undefined (the model selects nobody in this group)" */
export function undefinedText(reason: string | undefined): string {
  return `undefined (${reasonText(reason)})`;
}

/** A finite number or null (NaN / ±Infinity / null / undefined → null), so gaps stay gaps. */
export function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function pct(v: number | null, digits = 1): string {
  return v === null || !Number.isFinite(v) ? 'undefined' : `${(v * 100).toFixed(digits)}%`;
}

export function num(v: number | null, digits = 3): string {
  return v === null || !Number.isFinite(v) ? 'undefined' : v.toFixed(digits);
}

/** "+0.042" / "−0.013" (a real minus sign). */
export function signed(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return 'undefined';
  const a = Math.abs(v);
  // tiny values keep two significant digits instead of rounding to 0.000
  const s = a > 0 && a < 10 ** -digits ? Number(a.toPrecision(2)).toString() : a.toFixed(digits);
  return v < 0 && Number(s) !== 0 ? `−${s}` : `+${s}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A group's axis label: "Female (n=1,204)". */
export function groupLabel(level: string, n: number): string {
  return `${level} (n=${count(n)})`;
}

/**
 * Common layout pieces. A horizontal legend goes below the x-axis title: its y (in plot
 * fractions) is worked out from the figure's height so it clears the axis at any size.
 */
export function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const layout: Record<string, unknown> = {
    title: { text: title },
    margin: { t: 56, r: 24, b: 72, l: 64 },
    hovermode: 'closest',
    height: 380,
    ...extra,
  };
  if (layout.showlegend === false) {
    // no legend container without a legend (Plotly.validate trips over it)
    delete layout.legend;
    return layout;
  }
  const legend: Record<string, unknown> = { orientation: 'h', ...((extra.legend as Record<string, unknown> | undefined) ?? {}) };
  if (legend.y === undefined) {
    const m = layout.margin as { t: number; b: number };
    const plotHeight = Math.max(100, (layout.height as number) - m.t - m.b);
    legend.y = -Math.min(0.8, 64 / plotHeight);
    legend.yanchor = 'top';
  }
  layout.legend = legend;
  return layout;
}

export function axisTitle(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text }, ...extra };
}
