/**
 * A light drawing of a bar-chart spec: the same Plotly {data, layout} our chart functions build
 * (groupMetricBarsSpec, disparityBarsSpec…), laid out as plain shapes — rectangles, lines and
 * texts in pixels — that the page renders as one small SVG without Plotly. Plotly's own draw
 * of such a chart costs 60–90 ms of main thread here (defaults, axes, text measuring); this
 * layout costs well under a millisecond, so the charts that follow a dragged threshold can be
 * redrawn on every step.
 *
 * Handled (what our bar specs use): bar traces over categories, vertical or horizontal
 * (`orientation: 'h'`, the column rankings), grouped (`barmode: 'group'`), colours and
 * opacities per bar, hatching (`marker.pattern.shape`), outline widths per bar, error bars
 * either way, text written beside a bar, null values (no bar), `shapes` (rectangles and lines
 * in paper, value or category coordinates), `annotations`, the value range or zero, percent
 * tick formats, axis titles, the title, and a legend of trace names. Anything else — another
 * trace type, floating bars (`base`) — returns null, and the page falls back to Plotly. Pure:
 * no DOM.
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
  /** gridlines, drawn under the bars */
  grid: SceneLine[];
  bars: SceneBar[];
  /** error bars and shape lines, drawn over the bars */
  lines: SceneLine[];
  texts: SceneText[];
  legend: { name: string; color: string; hatched: boolean; x: number; y: number }[];
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

/** Round tick values over [lo, hi]: about `count` steps of 1, 2, 2.5 or 5 × 10^k. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Decimals that tell neighbouring ticks apart (from their step): 1 → 0, 0.2 → 1, 0.005 → 3, 0.25 → 2. */
export function tickDecimals(ticks: readonly number[], percent = false): number {
  if (ticks.length < 2) return percent ? 0 : 2;
  const step = Math.abs(ticks[1] - ticks[0]) * (percent ? 100 : 1);
  if (!(step > 0)) return 2;
  let d = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  // a step like 0.25 or 2.5 needs one digit more than its magnitude says
  const scaled = step * 10 ** d;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6) d++;
  return Math.min(6, d);
}

/** How far down the plot must start so `rows` legend rows (from y = 38, 16 px each) clear it. */
export function legendTop(marginTop: number, rows: number): number {
  return rows <= 1 ? marginTop : Math.max(marginTop, 38 + 16 * rows + 6);
}

/** Rows a legend of these names takes in `width` pixels (see layoutLegend). */
export function legendRows(names: readonly string[], width: number): number {
  if (names.length === 0) return 0;
  const placed = layoutLegend(names.map((name) => ({ name })), 0, 0, width);
  return 1 + Math.round(placed[placed.length - 1].y / 16);
}

/** A tick label: percentages for a '%' format, else a number with the given decimals; a real minus. */
export function tickText(v: number, format: string | undefined, decimals: number): string {
  const pct = Boolean(format && format.includes('%'));
  const s = pct ? `${(v * 100).toFixed(decimals)}%` : v.toFixed(decimals);
  return (format?.startsWith('+') && v > 0 ? `+${s}` : s).replace('-', '−');
}

/** The title's font size: 14 px, smaller (down to 11) when the title would run past `room` pixels. */
export function titleSize(title: string, room: number): number {
  const at14 = title.length * 7.6;
  return at14 <= room ? 14 : Math.max(11, Math.floor((14 * room) / at14));
}

/** Legend entries laid out left to right from `left`, wrapping within `width` (about 6.5 px a character). */
export function layoutLegend<T extends { name: string }>(items: readonly T[], left: number, top: number, width: number): (T & { x: number; y: number })[] {
  let x = left;
  let y = top;
  return items.map((it) => {
    const w = 24 + 6.5 * it.name.length;
    if (x > left && x + w > left + width) {
      x = left;
      y += 16;
    }
    const placed = { ...it, x, y };
    x += w + 12;
    return placed;
  });
}

/** Which reference a shape or annotation coordinate uses. */
type Ref = 'paper' | 'value' | 'category';

/**
 * The scene of a bar spec at a given width, or null when the spec is not a plain bar chart.
 * Vertical bars stand on categories along the x axis; horizontal ones (`orientation: 'h'`)
 * lie along categories down the y axis (first category on top when the axis is reversed,
 * as our specs ask).
 */
export function barScene(spec: PlotSpec, width: number): BarScene | null {
  const traces = spec.data;
  if (traces.length === 0 || traces.some((t) => t.type !== 'bar' || t.base !== undefined)) return null;
  const horizontal = traces[0].orientation === 'h';
  if (traces.some((t) => (t.orientation === 'h') !== horizontal)) return null;
  const layout = spec.layout as Obj;
  const xaxis = (layout.xaxis ?? {}) as Obj;
  const yaxis = (layout.yaxis ?? {}) as Obj;
  const catAxis = horizontal ? yaxis : xaxis;
  const valAxis = horizontal ? xaxis : yaxis;
  const height = typeof layout.height === 'number' ? layout.height : 380;
  const margin = { t: 56, r: 24, b: 72, l: 64, ...((layout.margin ?? {}) as Record<string, number>) };

  const categories = (arr(catAxis.categoryarray).length ? arr(catAxis.categoryarray) : arr(horizontal ? traces[0].y : traces[0].x)).map(String);
  const nCat = Math.max(1, categories.length);
  // horizontal: room on the left for the longest category label (about 6.5 px a character at 12 px)
  const left = horizontal ? Math.max(margin.l, 16 + 6.5 * Math.max(0, ...categories.map((c) => plainText(c).length))) : margin.l;
  // text written beside horizontal bars needs room on the right
  const hasText = traces.some((t) => Array.isArray(t.text) && t.textposition === 'outside');
  const right = margin.r + (horizontal && hasText ? 56 : 0);
  const legendNames = traces.length > 1 && layout.showlegend !== false ? traces.filter((t) => t.showlegend !== false).map((t, k) => plainText(String(t.name ?? `series ${k + 1}`))) : [];
  const top = legendTop(margin.t, legendRows(legendNames, width - left - right));
  const plot = { left, top, width: Math.max(40, width - left - right), height: Math.max(40, height - top - margin.b) };

  // value range: given, or from the data (with error bars) and zero
  let lo = 0;
  let hi = 0;
  const errKey = horizontal ? 'error_x' : 'error_y';
  for (const t of traces) {
    const vs = arr(horizontal ? t.x : t.y);
    const err = (t[errKey] ?? {}) as Obj;
    vs.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      const up = at(err.array as (number | null)[] | undefined, i, 0) ?? 0;
      const down = at((err.arrayminus ?? err.array) as (number | null)[] | undefined, i, 0) ?? 0;
      hi = Math.max(hi, v + (Number.isFinite(up) ? up : 0));
      lo = Math.min(lo, v - (Number.isFinite(down) ? down : 0));
    });
  }
  for (const sh of arr(layout.shapes) as Obj[]) {
    // a data-valued line (e.g. the proxy line at 1) must be inside the range
    const ref = horizontal ? sh.xref : sh.yref;
    if (ref === (horizontal ? 'x' : 'y')) for (const k of horizontal ? ['x0', 'x1'] : ['y0', 'y1']) if (typeof sh[k] === 'number') [lo, hi] = [Math.min(lo, sh[k] as number), Math.max(hi, sh[k] as number)];
  }
  const range = arr(valAxis.range);
  if (range.length === 2 && typeof range[0] === 'number' && typeof range[1] === 'number') [lo, hi] = range as [number, number];
  else {
    const pad = (hi - lo || 1) * 0.08;
    hi += pad;
    if (lo < 0) lo -= pad;
  }
  if (!(hi > lo)) hi = lo + 1;

  // coordinate maps: value → pixel along the value axis; category index → band start
  const valPx = horizontal ? (v: number) => plot.left + ((v - lo) / (hi - lo)) * plot.width : (v: number) => plot.top + plot.height * (1 - (v - lo) / (hi - lo));
  const catLength = horizontal ? plot.height : plot.width;
  const band = catLength / nCat;
  const reversedCats = horizontal ? catAxis.autorange === 'reversed' : catAxis.autorange === 'reversed';
  // vertical: first category on the left; horizontal: Plotly puts the first at the bottom unless reversed
  const bandStart = (c: number) => {
    const k = horizontal ? (reversedCats ? c : nCat - 1 - c) : reversedCats ? nCat - 1 - c : c;
    return (horizontal ? plot.top : plot.left) + k * band;
  };
  const paperX = (f: number) => plot.left + f * plot.width;
  const paperY = (f: number) => plot.top + plot.height * (1 - f);
  const coordX = (ref: Ref, v: unknown) => (ref === 'paper' ? paperX(Number(v)) : ref === 'value' ? valPx(Number(v)) : bandStart(catIndex(v)) + band / 2);
  const coordY = (ref: Ref, v: unknown) => (ref === 'paper' ? paperY(Number(v)) : ref === 'value' ? valPx(Number(v)) : bandStart(catIndex(v)) + band / 2);
  const catIndex = (v: unknown) => (typeof v === 'number' ? v : categories.indexOf(String(v)));
  const refOf = (axis: 'x' | 'y', r: unknown): Ref => (r === 'paper' ? 'paper' : (axis === 'x') === horizontal ? 'value' : 'category');

  const scene: BarScene = { width, height, plot, rects: [], grid: [], bars: [], lines: [], texts: [], legend: [] };

  // shapes (paper, value or category coordinates)
  for (const sh of arr(layout.shapes) as Obj[]) {
    const xr = refOf('x', sh.xref);
    const yr = refOf('y', sh.yref);
    const x0 = coordX(xr, sh.x0);
    const x1 = coordX(xr, sh.x1);
    const y0 = coordY(yr, sh.y0);
    const y1 = coordY(yr, sh.y1);
    const line = (sh.line ?? {}) as Obj;
    if (sh.type === 'rect') scene.rects.push({ x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0), fill: String(sh.fillcolor ?? 'rgba(0,0,0,0.1)') });
    else if (sh.type === 'line') scene.lines.push({ x1: x0, y1: y0, x2: x1, y2: y1, stroke: String(line.color ?? '#888888'), width: Number(line.width ?? 1), ...(line.dash ? { dash: line.dash === 'dot' ? '2 3' : '6 4' } : {}) });
  }

  // gridlines and value ticks
  const format = typeof valAxis.tickformat === 'string' ? valAxis.tickformat : undefined;
  const ticks = niceTicks(lo, hi);
  const decimals = tickDecimals(ticks, Boolean(format?.includes('%')));
  for (const v of ticks) {
    const p = valPx(v);
    const stroke = v === 0 ? '#444444' : '#e3e6eb';
    if (horizontal) {
      scene.grid.push({ x1: p, y1: plot.top, x2: p, y2: plot.top + plot.height, stroke, width: 1 });
      scene.texts.push({ x: p, y: plot.top + plot.height + 6, text: tickText(v, format, decimals), anchor: 'middle', baseline: 'top', size: 11, color: '#3d4756' });
    } else {
      scene.grid.push({ x1: plot.left, y1: p, x2: plot.left + plot.width, y2: p, stroke, width: 1 });
      scene.texts.push({ x: plot.left - 6, y: p, text: tickText(v, format, decimals), anchor: 'end', baseline: 'middle', size: 11, color: '#3d4756' });
    }
  }

  // bars, their error bars and their text
  const gap = typeof layout.bargap === 'number' ? layout.bargap : 0.2;
  const grouped = layout.barmode === 'group' ? traces.length : 1;
  const slot = (band * (1 - gap)) / grouped;
  const zero = valPx(Math.min(hi, Math.max(lo, 0)));
  traces.forEach((t, k) => {
    const cats = arr(horizontal ? t.y : t.x).map(String);
    const vs = arr(horizontal ? t.x : t.y);
    const marker = (t.marker ?? {}) as Obj;
    const pattern = (marker.pattern ?? {}) as Obj;
    const mline = (marker.line ?? {}) as Obj;
    const err = (t[errKey] ?? {}) as Obj;
    const hover = arr(t.hovertext);
    const labels = arr(t.text);
    const color0 = Array.isArray(marker.color) ? String(marker.color[0]) : String(marker.color ?? '#4477AA');
    if (t.showlegend !== false && traces.length > 1 && layout.showlegend !== false) scene.legend.push({ name: plainText(String(t.name ?? `series ${k + 1}`)), color: color0, hatched: false, x: 0, y: 0 });
    cats.forEach((cat, i) => {
      const c = categories.indexOf(cat);
      const v = vs[i];
      if (c < 0 || typeof v !== 'number' || !Number.isFinite(v)) return;
      // within the band: traces side by side; for horizontal bars the first trace on top
      const offset = (band * gap) / 2 + (grouped > 1 ? k * slot : 0);
      const along = bandStart(c) + offset;
      const end = valPx(Math.min(hi, Math.max(lo, v)));
      const shape = at(pattern.shape as string[] | string | undefined, i, '');
      const bar: SceneBar = horizontal
        ? { x: Math.min(zero, end), y: along, width: Math.abs(end - zero), height: Math.max(1, slot - 1), fill: '', opacity: 1, hatched: false, stroke: '', strokeWidth: 0, title: '' }
        : { x: along, y: Math.min(zero, end), width: Math.max(1, slot - 1), height: Math.abs(end - zero), fill: '', opacity: 1, hatched: false, stroke: '', strokeWidth: 0, title: '' };
      bar.fill = at(marker.color as string[] | string | undefined, i, '#4477AA');
      bar.opacity = at(marker.opacity as number[] | number | undefined, i, 1);
      bar.hatched = shape !== '';
      bar.stroke = String(mline.color ?? '#222222');
      bar.strokeWidth = at(mline.width as number[] | number | undefined, i, 0);
      bar.title = plainText(String(hover[i] ?? `${cat}: ${v}`));
      scene.bars.push(bar);
      const mid = along + slot / 2;
      const up = at(err.array as (number | null)[] | undefined, i, null);
      const down = at((err.arrayminus ?? (err.symmetric === false ? undefined : err.array)) as (number | null)[] | undefined, i, null);
      const hasUp = typeof up === 'number' && Number.isFinite(up);
      const hasDown = typeof down === 'number' && Number.isFinite(down);
      if (err.visible !== false && (hasUp || hasDown)) {
        const a = valPx(v + (hasUp ? (up as number) : 0));
        const b = valPx(v - (hasDown ? (down as number) : 0));
        const stroke = String(err.color ?? '#333333');
        const w = Number(err.thickness ?? 1.2);
        const cap = Math.min(Number(err.width ?? 4), slot / 2);
        if (horizontal) scene.lines.push({ x1: a, y1: mid, x2: b, y2: mid, stroke, width: w }, { x1: a, y1: mid - cap, x2: a, y2: mid + cap, stroke, width: w }, { x1: b, y1: mid - cap, x2: b, y2: mid + cap, stroke, width: w });
        else scene.lines.push({ x1: mid, y1: a, x2: mid, y2: b, stroke, width: w }, { x1: mid - cap, y1: a, x2: mid + cap, y2: a, stroke, width: w }, { x1: mid - cap, y1: b, x2: mid + cap, y2: b, stroke, width: w });
      }
      const label = labels[i];
      if (typeof label === 'string' && label !== '') {
        if (horizontal) scene.texts.push({ x: v >= 0 ? end + 4 : end - 4, y: mid, text: plainText(label), anchor: v >= 0 ? 'start' : 'end', baseline: 'middle', size: 11, color: '#1d2430' });
        else scene.texts.push({ x: mid, y: v >= 0 ? end - 3 : end + 3, text: plainText(label), anchor: 'middle', baseline: v >= 0 ? 'bottom' : 'top', size: 11, color: '#1d2430' });
      }
    });
  });

  // category labels: below vertical bars (two lines for "25–39 (n=22,553)"), left of horizontal ones
  categories.forEach((cat, c) => {
    const mid = bandStart(c) + band / 2;
    if (horizontal) {
      scene.texts.push({ x: plot.left - 6, y: mid, text: plainText(cat), anchor: 'end', baseline: 'middle', size: 12, color: '#1d2430' });
      return;
    }
    const m = /^(.*) (\(n=[^)]*\))$/.exec(cat);
    scene.texts.push({ x: mid, y: plot.top + plot.height + 6, text: m ? m[1] : cat, anchor: 'middle', baseline: 'top', size: 12, color: '#1d2430' });
    if (m) scene.texts.push({ x: mid, y: plot.top + plot.height + 21, text: m[2], anchor: 'middle', baseline: 'top', size: 10, color: '#3d4756' });
  });

  // annotations
  for (const a of arr(layout.annotations) as Obj[]) {
    const text = plainText(String(a.text ?? ''));
    if (!text) continue;
    const x = coordX(refOf('x', a.xref), a.x);
    const y = coordY(refOf('y', a.yref), a.y);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const anchor = a.xanchor === 'left' ? 'start' : a.xanchor === 'right' ? 'end' : 'middle';
    const baseline = a.yanchor === 'bottom' ? 'bottom' : a.yanchor === 'top' ? 'top' : 'middle';
    const font = (a.font ?? {}) as Obj;
    scene.texts.push({ x, y, text, anchor, baseline, size: Number(font.size ?? 11), color: String(font.color ?? '#3d4756'), ...(a.hovertext ? { title: plainText(String(a.hovertext)) } : {}) });
  }

  scene.legend = layoutLegend(scene.legend, plot.left, 38, plot.width);

  // title, axis titles
  const title = plainText(textOf(layout.title));
  if (title) scene.texts.push({ x: plot.left, y: 18, text: title, anchor: 'start', baseline: 'top', size: titleSize(title, width - plot.left - 8), color: '#1d2430', bold: true });
  const xt = plainText(textOf(xaxis.title));
  if (xt) scene.texts.push({ x: plot.left + plot.width / 2, y: plot.top + plot.height + (horizontal ? 24 : 38), text: xt, anchor: 'middle', baseline: 'top', size: 12, color: '#1d2430' });
  const yt = plainText(textOf(yaxis.title));
  if (yt) scene.texts.push({ x: 16, y: plot.top + plot.height / 2, text: yt, anchor: 'middle', baseline: 'top', size: 12, color: '#1d2430', rotate: -90 });
  return scene;
}
