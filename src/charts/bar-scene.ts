/**
 * A light drawing of a bar-chart spec: the same Plotly {data, layout} our chart functions build
 * (groupMetricBarsSpec, disparityBarsSpec…), laid out as plain shapes — rectangles, lines and
 * texts in pixels — that the page renders as one small SVG without Plotly. Plotly's own draw
 * of such a chart costs 60–90 ms of main thread here (defaults, axes, text measuring); this
 * layout costs well under a millisecond, so the charts that follow a dragged threshold can be
 * redrawn on every step.
 *
 * Handled (what our bar specs use): vertical bar traces over categories, grouped (`barmode:
 * 'group'`), colours and opacities per bar, hatching (`marker.pattern.shape` '/' and the like),
 * outline widths per bar, asymmetric error bars, null values (no bar), `shapes` (rectangles and
 * lines with x in paper units and y in data units), `annotations` (text at a category or a
 * paper position), the y range or `rangemode: 'tozero'`, percent tick formats, axis titles, the
 * title, and a legend of trace names. Anything else — another trace type, horizontal bars —
 * returns null, and the page falls back to Plotly. Pure: no DOM.
 */
import type { PlotSpec } from './types';

export interface SceneBar {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  opacity: number;
  hatched: boolean;
  stroke: string;
  strokeWidth: number;
  /** the hover text, as plain lines */
  title: string;
}

export interface SceneLine {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  stroke: string;
  width: number;
  dash?: string;
}

export interface SceneRect {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
}

export interface SceneText {
  x: number;
  y: number;
  text: string;
  anchor: 'start' | 'middle' | 'end';
  /** vertical alignment of the text box against y */
  baseline: 'top' | 'middle' | 'bottom';
  size: number;
  color: string;
  bold?: boolean;
  rotate?: number;
  title?: string;
}

export interface BarScene {
  width: number;
  height: number;
  /** plot area */
  plot: { left: number; top: number; width: number; height: number };
  rects: SceneRect[];
  bars: SceneBar[];
  lines: SceneLine[];
  texts: SceneText[];
  legend: { name: string; color: string; hatched: boolean }[];
}

type Obj = Record<string, unknown>;

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function at<T>(v: T | T[] | undefined, i: number, fallback: T): T {
  if (Array.isArray(v)) return (v[i] ?? fallback) as T;
  return v === undefined ? fallback : v;
}

function textOf(t: unknown): string {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && typeof (t as Obj).text === 'string') return (t as Obj).text as string;
  return '';
}

/** Plotly's small HTML subset as plain text: <br> → newline, tags dropped, entities read. */
export function plainText(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Round tick values over [lo, hi]: about `count` steps of 1, 2 or 5 × 10^k. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function tickText(v: number, format: string | undefined): string {
  if (format && format.includes('%')) {
    const s = `${Math.round(v * 100)}%`;
    return format.startsWith('+') && v > 0 ? `+${s}` : s.replace('-', '−');
  }
  const s = Math.abs(v) >= 10 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toFixed(2);
  return s.replace('-', '−');
}

/** The scene of a bar spec at a given width, or null when the spec is not a plain vertical bar chart. */
export function barScene(spec: PlotSpec, width: number): BarScene | null {
  const traces = spec.data;
  if (traces.length === 0 || traces.some((t) => t.type !== 'bar' || t.orientation === 'h')) return null;
  const layout = spec.layout as Obj;
  const xaxis = (layout.xaxis ?? {}) as Obj;
  const yaxis = (layout.yaxis ?? {}) as Obj;
  const height = typeof layout.height === 'number' ? layout.height : 380;
  const margin = { t: 56, r: 24, b: 72, l: 64, ...((layout.margin ?? {}) as Record<string, number>) };
  const plot = { left: margin.l, top: margin.t, width: Math.max(40, width - margin.l - margin.r), height: Math.max(40, height - margin.t - margin.b) };

  const categories = (arr(xaxis.categoryarray).length ? arr(xaxis.categoryarray) : arr(traces[0].x)).map(String);
  const nCat = Math.max(1, categories.length);

  // y range: given, or from the data (with error bars) and zero
  let lo = 0;
  let hi = 0;
  for (const t of traces) {
    const ys = arr(t.y);
    const err = (t.error_y ?? {}) as Obj;
    ys.forEach((y, i) => {
      if (typeof y !== 'number' || !Number.isFinite(y)) return;
      const up = at(err.array as (number | null)[] | undefined, i, 0) ?? 0;
      const down = at(err.arrayminus as (number | null)[] | undefined, i, 0) ?? 0;
      hi = Math.max(hi, y + (Number.isFinite(up) ? up : 0));
      lo = Math.min(lo, y - (Number.isFinite(down) ? down : 0));
    });
  }
  const range = arr(yaxis.range);
  if (range.length === 2 && typeof range[0] === 'number' && typeof range[1] === 'number') [lo, hi] = range as [number, number];
  else {
    const pad = (hi - lo || 1) * 0.08;
    hi += pad;
    if (lo < 0) lo -= pad;
  }
  if (!(hi > lo)) hi = lo + 1;
  const yPx = (v: number) => plot.top + plot.height * (1 - (v - lo) / (hi - lo));

  const scene: BarScene = { width, height, plot, rects: [], bars: [], lines: [], texts: [], legend: [] };

  // shapes below the bars (paper x, data y)
  const xPaper = (f: number) => plot.left + f * plot.width;
  for (const sh of arr(layout.shapes) as Obj[]) {
    const y0 = sh.yref === 'paper' ? plot.top + plot.height * (1 - Number(sh.y0)) : yPx(Number(sh.y0));
    const y1 = sh.yref === 'paper' ? plot.top + plot.height * (1 - Number(sh.y1)) : yPx(Number(sh.y1));
    const x0 = xPaper(Number(sh.x0));
    const x1 = xPaper(Number(sh.x1));
    const line = (sh.line ?? {}) as Obj;
    if (sh.type === 'rect') scene.rects.push({ x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0), fill: String(sh.fillcolor ?? 'rgba(0,0,0,0.1)') });
    else if (sh.type === 'line') scene.lines.push({ x1: x0, y1: y0, x2: x1, y2: y1, stroke: String(line.color ?? '#888888'), width: Number(line.width ?? 1), ...(line.dash ? { dash: line.dash === 'dot' ? '2 3' : '6 4' } : {}) });
  }

  // gridlines and y ticks
  const format = typeof yaxis.tickformat === 'string' ? yaxis.tickformat : undefined;
  for (const v of niceTicks(lo, hi)) {
    const y = yPx(v);
    scene.lines.push({ x1: plot.left, y1: y, x2: plot.left + plot.width, y2: y, stroke: v === 0 ? '#444444' : '#e3e6eb', width: 1 });
    scene.texts.push({ x: plot.left - 6, y, text: tickText(v, format), anchor: 'end', baseline: 'middle', size: 11, color: '#3d4756' });
  }

  // bars
  const band = plot.width / nCat;
  const gap = typeof layout.bargap === 'number' ? layout.bargap : 0.2;
  const grouped = layout.barmode === 'group' || traces.length === 1 ? traces.length : 1;
  const slot = (band * (1 - gap)) / grouped;
  traces.forEach((t, k) => {
    const xs = arr(t.x).map(String);
    const ys = arr(t.y);
    const marker = (t.marker ?? {}) as Obj;
    const pattern = (marker.pattern ?? {}) as Obj;
    const mline = (marker.line ?? {}) as Obj;
    const err = (t.error_y ?? {}) as Obj;
    const hover = arr(t.hovertext);
    const color0 = Array.isArray(marker.color) ? String(marker.color[0]) : String(marker.color ?? '#4477AA');
    if (t.showlegend !== false && traces.length > 1) scene.legend.push({ name: plainText(String(t.name ?? `series ${k + 1}`)), color: color0, hatched: false });
    xs.forEach((cat, i) => {
      const c = categories.indexOf(cat);
      const y = ys[i];
      if (c < 0 || typeof y !== 'number' || !Number.isFinite(y)) return;
      const x = plot.left + c * band + (band * gap) / 2 + k * slot;
      const base = yPx(Math.min(hi, Math.max(lo, 0)));
      const end = yPx(Math.min(hi, Math.max(lo, y)));
      const shape = at(pattern.shape as string[] | string | undefined, i, '');
      scene.bars.push({
        x,
        y: Math.min(base, end),
        width: Math.max(1, slot - 1),
        height: Math.abs(base - end),
        fill: at(marker.color as string[] | string | undefined, i, '#4477AA'),
        opacity: at(marker.opacity as number[] | number | undefined, i, 1),
        hatched: shape !== '',
        stroke: String(mline.color ?? '#222222'),
        strokeWidth: at(mline.width as number[] | number | undefined, i, 0),
        title: plainText(String(hover[i] ?? `${cat}: ${y}`)),
      });
      const up = at(err.array as (number | null)[] | undefined, i, null);
      const down = at(err.arrayminus as (number | null)[] | undefined, i, null);
      if (err.visible !== false && ((typeof up === 'number' && Number.isFinite(up)) || (typeof down === 'number' && Number.isFinite(down)))) {
        const cx = x + slot / 2;
        const y1 = yPx(y + (typeof up === 'number' && Number.isFinite(up) ? up : 0));
        const y2 = yPx(y - (typeof down === 'number' && Number.isFinite(down) ? down : 0));
        const stroke = String(err.color ?? '#333333');
        const w = Number(err.thickness ?? 1.2);
        const cap = Math.min(Number(err.width ?? 4), slot / 2);
        scene.lines.push({ x1: cx, y1, x2: cx, y2, stroke, width: w }, { x1: cx - cap, y1, x2: cx + cap, y2: y1, stroke, width: w }, { x1: cx - cap, y1: y2, x2: cx + cap, y2, stroke, width: w });
      }
    });
  });

  // category labels (two lines when long: "25–39" over "(n=22,553)")
  categories.forEach((cat, c) => {
    const x = plot.left + c * band + band / 2;
    const m = /^(.*) (\(n=[^)]*\))$/.exec(cat);
    scene.texts.push({ x, y: plot.top + plot.height + 6, text: m ? m[1] : cat, anchor: 'middle', baseline: 'top', size: 12, color: '#1d2430' });
    if (m) scene.texts.push({ x, y: plot.top + plot.height + 21, text: m[2], anchor: 'middle', baseline: 'top', size: 10, color: '#3d4756' });
  });

  // annotations
  for (const a of arr(layout.annotations) as Obj[]) {
    const text = plainText(String(a.text ?? ''));
    if (!text) continue;
    let x: number;
    if (a.xref === 'paper') x = xPaper(Number(a.x));
    else {
      const c = typeof a.x === 'number' ? a.x : categories.indexOf(String(a.x));
      x = plot.left + (c + 0.5) * band;
    }
    const y = a.yref === 'paper' ? plot.top + plot.height * (1 - Number(a.y)) : yPx(Number(a.y));
    const anchor = a.xanchor === 'left' ? 'start' : a.xanchor === 'right' ? 'end' : 'middle';
    const baseline = a.yanchor === 'bottom' ? 'bottom' : a.yanchor === 'top' ? 'top' : 'middle';
    const font = (a.font ?? {}) as Obj;
    scene.texts.push({ x, y, text, anchor, baseline, size: Number(font.size ?? 11), color: String(font.color ?? '#3d4756'), ...(a.hovertext ? { title: plainText(String(a.hovertext)) } : {}) });
  }

  // title, axis titles, legend
  const title = plainText(textOf(layout.title));
  if (title) scene.texts.push({ x: plot.left, y: 18, text: title, anchor: 'start', baseline: 'top', size: 14, color: '#1d2430', bold: true });
  const xt = plainText(textOf(xaxis.title));
  if (xt) scene.texts.push({ x: plot.left + plot.width / 2, y: plot.top + plot.height + 38, text: xt, anchor: 'middle', baseline: 'top', size: 12, color: '#1d2430' });
  const yt = plainText(textOf(yaxis.title));
  if (yt) scene.texts.push({ x: 16, y: plot.top + plot.height / 2, text: yt, anchor: 'middle', baseline: 'top', size: 12, color: '#1d2430', rotate: -90 });
  return scene;
}
