/**
 * A chart in words, for people who cannot see it (the page puts it beside the chart for screen
 * readers) and for everyone in print: the title, the axes, then each series with its values.
 *
 * Derived from the Plotly spec itself, so every chart gets one and it can never disagree with
 * what is drawn: bar charts list category → value; line and scatter series with more than
 * `maxPoints` points give their size and range instead of every point; annotations (the
 * "undefined (reason)" notes) follow. Values on an axis formatted as a percentage are written
 * as percentages. Pure: no Plotly, no DOM.
 */
import type { PlotSpec } from './types';
import { count } from '../core/format';

export interface SummaryOptions {
  /** points listed per series before switching to size + range (default 12) */
  maxPoints?: number;
  /** series described before "and N more" (default 8) */
  maxSeries?: number;
}

type Obj = Record<string, unknown>;

function textOf(t: unknown): string {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && typeof (t as Obj).text === 'string') return (t as Obj).text as string;
  return '';
}

/** Plain text from Plotly's small HTML subset (<b>, <br>, entities). */
function plain(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, '; ')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
}

function isPercentAxis(axis: unknown): boolean {
  return Boolean(axis && typeof axis === 'object' && typeof (axis as Obj).tickformat === 'string' && ((axis as Obj).tickformat as string).includes('%'));
}

function fmt(v: unknown, percent: boolean): string {
  if (typeof v === 'string') return v;
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'no value';
  if (percent) return `${(v * 100).toFixed(1)}%`;
  // count's one shared formatter: toLocaleString builds a new one per call
  return Math.abs(v) >= 1000 || Number.isInteger(v) ? count(v) : v.toFixed(3);
}

function arrayOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return [];
}

function describeTrace(trace: Obj, layout: Obj, maxPoints: number): string {
  const horizontal = trace.orientation === 'h';
  const cats = arrayOf(horizontal ? trace.y : trace.x);
  const vals = arrayOf(horizontal ? trace.x : trace.y);
  const valueAxis = horizontal ? layout.xaxis : layout.yaxis;
  const catAxis = horizontal ? layout.yaxis : layout.xaxis;
  const pv = isPercentAxis(valueAxis);
  const pc = isPercentAxis(catAxis);
  const name = typeof trace.name === 'string' && trace.name ? plain(trace.name) : 'series';
  const n = Math.max(cats.length, vals.length);
  if (n === 0) return `${name}: no values`;
  if (trace.type === 'bar' || n <= maxPoints) {
    const shown = Math.min(n, Math.max(maxPoints, trace.type === 'bar' ? 40 : 0));
    const parts: string[] = [];
    for (let i = 0; i < shown; i++) parts.push(`${fmt(cats[i], pc)}: ${fmt(vals[i], pv)}`);
    return `${name}: ${parts.join(', ')}${n > shown ? `, and ${n - shown} more` : ''}`;
  }
  const finite = vals.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return `${name}: ${n} points, none with a value`;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of finite) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return `${name}: ${n} points, values from ${fmt(lo, pv)} to ${fmt(hi, pv)}`;
}

/** The chart as a few sentences of plain text. */
export function describeChart(spec: PlotSpec, options: SummaryOptions = {}): string {
  const maxPoints = options.maxPoints ?? 12;
  const maxSeries = options.maxSeries ?? 8;
  const layout = spec.layout as Obj;
  const parts: string[] = [];
  const title = plain(textOf(layout.title));
  if (title) parts.push(`${title}.`);
  const xTitle = plain(textOf((layout.xaxis as Obj | undefined)?.title));
  const yTitle = plain(textOf((layout.yaxis as Obj | undefined)?.title));
  if (xTitle || yTitle) parts.push(`Horizontal axis: ${xTitle || 'unnamed'}; vertical axis: ${yTitle || 'unnamed'}.`);
  const traces = spec.data.filter((t) => t.visible !== false);
  const described = traces.slice(0, maxSeries).map((t) => describeTrace(t, layout, maxPoints));
  if (described.length) parts.push(`${described.join('. ')}.`);
  if (traces.length > maxSeries) parts.push(`And ${traces.length - maxSeries} more series.`);
  const notes = arrayOf(layout.annotations)
    .map((a) => plain(textOf((a as Obj).hovertext) || textOf((a as Obj).text)))
    .filter((s) => s.length > 0);
  if (notes.length) parts.push(`Notes: ${notes.join('; ')}.`);
  return parts.join(' ');
}
