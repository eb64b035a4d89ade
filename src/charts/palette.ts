/**
 * Shared look of every chart: a colour-blind-safe palette with one fixed colour per group
 * (by the group's index in its attribute's levels, so a group keeps its colour from chart to
 * chart) and the colours for "raises / lowers the score". Reasons and number formatting come
 * from core (definitions.ts, format.ts), re-exported here for the chart modules. Pure data: no
 * Plotly, no DOM.
 */

import { count } from '../core/format';

export { REASON_TEXT, reasonText } from '../core/definitions';
export { count, num, pct, signed, undefinedText } from '../core/format';

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

/** A finite number or null (NaN / ±Infinity / null / undefined → null), so gaps stay gaps. */
export function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
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
