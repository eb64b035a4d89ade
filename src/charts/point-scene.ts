/**
 * A light drawing of a scatter spec (the beeswarm, the dependence plot, the curves, the Pareto
 * chart): thousands of markers
 * are cheap to paint on one canvas and expensive as one SVG element each, which is what Plotly
 * makes of them (a 1,000-lead beeswarm — 8,000 points — took 460–540 ms of main thread in one
 * draw here). This lays the spec out in pixels: the points (positions, colours, sizes), the
 * axes with their ticks, the title, a legend and the colour bar; the page paints the points on
 * a canvas and the rest as SVG, and finds the point under the pointer for its hover text.
 *
 * Handled: `scatter` traces with numeric x and y in any of the modes 'markers', 'lines',
 * 'lines+markers', 'markers+text', 'text'; marker colour per trace, per point, or as numbers on
 * a 0–1 scale through the Viridis colour scale; marker size, opacity and symbol ('circle',
 * 'circle-open', 'star', 'diamond', …-open) per trace or per point, with an outline; line
 * colour, width and dash, broken at missing values; text labels by `textposition`; horizontal
 * error bars (`error_x`); `tickvals`/`ticktext`, percent tick formats, `autorange: 'reversed'`,
 * `range`, zero lines; annotations in paper units. Anything else returns null and the page
 * uses Plotly. Pure.
 */
import type { PlotSpec } from './types';
import { runSlices, type Slices } from './slices';
import { layoutLegend, legendRows, legendTop, niceTicks, titleSize, plainText, tickDecimals, tickText, type SceneLine, type SceneText } from './bar-scene';

/** Viridis at 17 evenly spaced stops (the matplotlib colour map Plotly also uses). */
const VIRIDIS = [
  '#440154', '#48186a', '#472d7b', '#424086', '#3b528b', '#33638d', '#2c728e', '#26828e', '#21918c',
  '#1fa088', '#28ae80', '#3fbc73', '#5ec962', '#84d44b', '#addc30', '#d8e219', '#fde725',
];

function hexToRgb(h: string): [number, number, number] {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** 64 precomputed steps of the scale: a point's colour is one of these strings (no string built per point). */
const VIRIDIS_STEPS = 64;
let viridisTable: string[] | null = null;

/** A value in [0, 1] on the Viridis scale, quantised to 64 steps (visually indistinguishable, and cheap to paint by colour). */
export function viridisStep(t: number): string {
  viridisTable ??= Array.from({ length: VIRIDIS_STEPS }, (_, k) => viridis(k / (VIRIDIS_STEPS - 1)));
  return viridisTable[Math.round(Math.min(1, Math.max(0, t)) * (VIRIDIS_STEPS - 1))];
}

/** A value in [0, 1] on the Viridis scale, as an rgb() colour (interpolated between stops). */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(VIRIDIS[i]);
  const b = hexToRgb(VIRIDIS[i + 1]);
  return `rgb(${Math.round(a[0] + (b[0] - a[0]) * f)}, ${Math.round(a[1] + (b[1] - a[1]) * f)}, ${Math.round(a[2] + (b[2] - a[2]) * f)})`;
}

export interface PointScene {
  width: number;
  height: number;
  plot: { left: number; top: number; width: number; height: number };
  /** the x axis range drawn (data units), for a marker placed over the chart */
  xRange: [number, number];
  /** point positions in pixels, interleaved x, y */
  xy: Float32Array;
  /** per point: its colour, radius, opacity, symbol and outline */
  colors: string[];
  radius: Float32Array;
  opacity: Float32Array;
  symbols: string[];
  outlines: { color: string; width: number }[];
  /** floating horizontal bars (a waterfall's steps), in pixels, with their hover text */
  bars: { x: number; y: number; width: number; height: number; fill: string; title: string }[];
  /** lines through points, in pixels (x, y interleaved), drawn under the markers */
  paths: { xy: number[]; color: string; width: number; dash?: number[] }[];
  /** per point: the trace and index into that trace's hovertext */
  trace: Uint16Array;
  index: Uint32Array;
  hover: string[][];
  lines: SceneLine[];
  texts: SceneText[];
  legend: { name: string; color: string; x: number; y: number }[];
  colorbar: { title: string; low: string; high: string } | null;
}

type Obj = Record<string, unknown>;

function nums(v: unknown): number[] | null {
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number' || x === null) ? (v as number[]) : null;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return null;
}

function textOf(t: unknown): string {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && typeof (t as Obj).text === 'string') return (t as Obj).text as string;
  return '';
}

const MODES = new Set(['markers', 'lines', 'lines+markers', 'markers+lines', 'markers+text', 'text+markers', 'text', 'lines+markers+text']);

function per<T>(v: unknown, i: number, fallback: T): T {
  if (Array.isArray(v)) return (v[i] ?? fallback) as T;
  return v === undefined || v === null ? fallback : (v as T);
}

/** The scene of a scatter spec, or null when it is not one this drawing handles. */
export function pointScene(spec: PlotSpec, width: number): PointScene | null {
  return runSlices(pointSceneSlices(spec, width));
}

/** Markers placed between two pauses of `pointSceneSlices` (a few ms of work). */
const POINTS_PER_SLICE = 2048;

/** The markers a scatter spec asks for (what decides whether its scene is worth building in slices). */
export function markerCount(spec: PlotSpec): number {
  let n = 0;
  for (const t of spec.data) if (String(t.mode ?? 'markers').includes('markers') && (Array.isArray(t.x) || ArrayBuffer.isView(t.x))) n += (t.x as ArrayLike<unknown>).length;
  return n;
}

/**
 * `pointScene` in slices: it pauses after every few thousand markers placed, so a page can lay
 * out a chart of many points between frames. Run to its end it returns `pointScene`'s scene.
 */
export function* pointSceneSlices(spec: PlotSpec, width: number): Slices<PointScene | null> {
  const traces = spec.data;
  if (traces.length === 0) return null;
  for (const t of traces) {
    const floatingBar = t.type === 'bar' && t.orientation === 'h' && nums(t.x) && nums(t.y);
    if (!floatingBar && (t.type !== 'scatter' || !MODES.has(String(t.mode ?? 'markers')) || !nums(t.x) || !nums(t.y))) return null;
  }
  const layout = spec.layout as Obj;
  const xaxis = (layout.xaxis ?? {}) as Obj;
  const yaxis = (layout.yaxis ?? {}) as Obj;
  const height = typeof layout.height === 'number' ? layout.height : 380;
  const margin = { t: 56, r: 24, b: 72, l: 64, ...((layout.margin ?? {}) as Record<string, number>) };
  const hasBar = traces.some((t) => ((t.marker ?? {}) as Obj).showscale === true);
  const right = margin.r + (hasBar ? 70 : 0);
  const legendNames = traces.filter((t) => t.showlegend !== false && typeof t.name === 'string' && t.name && layout.showlegend !== false && (traces.length > 1 || layout.showlegend === true)).map((t) => plainText(String(t.name)));
  const top = legendTop(margin.t, legendRows(legendNames, width - margin.l - right));
  const plot = { left: margin.l, top, width: Math.max(40, width - margin.l - right), height: Math.max(40, height - top - margin.b) };

  let n = 0;
  let xlo = Infinity;
  let xhi = -Infinity;
  let ylo = Infinity;
  let yhi = -Infinity;
  for (const t of traces) {
    const xs = nums(t.x)!;
    const ys = nums(t.y)!;
    const err = (t.error_x ?? {}) as Obj;
    const base = t.type === 'bar' ? nums(t.base) : null;
    for (let i = 0; i < xs.length; i++) {
      const y = ys[i];
      const x0 = xs[i];
      if (typeof x0 !== 'number' || typeof y !== 'number' || !Number.isFinite(x0) || !Number.isFinite(y)) continue;
      n++;
      const b = base?.[i] ?? 0;
      if (t.type === 'bar') {
        xlo = Math.min(xlo, b, b + x0);
        xhi = Math.max(xhi, b, b + x0);
        ylo = Math.min(ylo, y);
        yhi = Math.max(yhi, y);
        continue;
      }
      const x = x0;
      const up = per<number>(err.array, i, 0);
      const down = per<number>(err.arrayminus, i, 0);
      xlo = Math.min(xlo, x - (Number.isFinite(down) ? down : 0));
      xhi = Math.max(xhi, x + (Number.isFinite(up) ? up : 0));
      if (y < ylo) ylo = y;
      if (y > yhi) yhi = y;
    }
  }
  if (n === 0) [xlo, xhi, ylo, yhi] = [0, 1, 0, 1];
  const xr = nums(xaxis.range);
  const yr = nums(yaxis.range);
  const yTickVals = nums(yaxis.tickvals);
  const xTickVals = nums(xaxis.tickvals);
  if (xr && xr.length === 2) [xlo, xhi] = xr as [number, number];
  else {
    if (xaxis.rangemode === 'tozero') xlo = Math.min(0, xlo);
    const pad = (xhi - xlo || 1) * 0.05;
    if (xaxis.rangemode !== 'tozero' || xlo < 0) xlo -= pad;
    xhi += pad;
  }
  if (yr && yr.length === 2) [ylo, yhi] = yr as [number, number];
  else if (yTickVals && yTickVals.length) {
    ylo = Math.min(ylo, ...yTickVals) - 0.6;
    yhi = Math.max(yhi, ...yTickVals) + 0.6;
  } else {
    const pad = (yhi - ylo || 1) * 0.06;
    ylo -= pad;
    yhi += pad;
  }
  const reversed = yaxis.autorange === 'reversed';
  const X = (v: number) => plot.left + ((v - xlo) / (xhi - xlo)) * plot.width;
  const Y = (v: number) => (reversed ? plot.top + ((v - ylo) / (yhi - ylo)) * plot.height : plot.top + plot.height * (1 - (v - ylo) / (yhi - ylo)));

  const markerCount = traces.reduce((c, t) => c + (String(t.mode ?? 'markers').includes('markers') ? nums(t.x)!.length : 0), 0);
  const scene: PointScene = {
    width,
    height,
    plot,
    xRange: [xlo, xhi],
    xy: new Float32Array(2 * markerCount),
    colors: [],
    radius: new Float32Array(markerCount),
    opacity: new Float32Array(markerCount),
    symbols: [],
    outlines: [],
    bars: [],
    paths: [],
    trace: new Uint16Array(markerCount),
    index: new Uint32Array(markerCount),
    hover: traces.map((t) => (t.hoverinfo !== 'skip' && Array.isArray(t.hovertext) ? (t.hovertext as unknown[]).map(String) : [])),
    lines: [],
    texts: [],
    legend: [],
    colorbar: null,
  };

  // axes: ticks (given or round), zero lines, grid
  const xFormat = typeof xaxis.tickformat === 'string' ? xaxis.tickformat : undefined;
  const yFormat = typeof yaxis.tickformat === 'string' ? yaxis.tickformat : undefined;
  const xTicks = xTickVals ?? niceTicks(xlo, xhi, 6);
  const xDecimals = tickDecimals(xTicks, Boolean(xFormat?.includes('%')));
  const xTickText = (xaxis.ticktext as string[] | undefined) ?? xTicks.map((v) => tickText(v, xFormat, xDecimals));
  xTicks.forEach((v, k) => {
    const x = X(v);
    if (x < plot.left - 1 || x > plot.left + plot.width + 1) return;
    scene.lines.push({ x1: x, y1: plot.top, x2: x, y2: plot.top + plot.height, stroke: '#eef0f3', width: 1 });
    scene.texts.push({ x, y: plot.top + plot.height + 6, text: String(xTickText[k] ?? ''), anchor: 'middle', baseline: 'top', size: 11, color: '#3d4756' });
  });
  const yTicks = yTickVals ?? niceTicks(Math.min(ylo, yhi), Math.max(ylo, yhi), 6);
  const yDecimals = tickDecimals(yTicks, Boolean(yFormat?.includes('%')));
  const yTickText = (yaxis.ticktext as string[] | undefined) ?? yTicks.map((v) => tickText(v, yFormat, yDecimals));
  yTicks.forEach((v, k) => {
    const y = Y(v);
    if (y < plot.top - 1 || y > plot.top + plot.height + 1) return;
    if (yaxis.showgrid !== false) scene.lines.push({ x1: plot.left, y1: y, x2: plot.left + plot.width, y2: y, stroke: '#eef0f3', width: 1 });
    scene.texts.push({ x: plot.left - 6, y, text: String(yTickText[k] ?? ''), anchor: 'end', baseline: 'middle', size: 11, color: '#1d2430' });
  });
  if (xaxis.zeroline === true && xlo < 0 && xhi > 0) scene.lines.push({ x1: X(0), y1: plot.top, x2: X(0), y2: plot.top + plot.height, stroke: '#999999', width: 1 });
  if (yaxis.zeroline === true && Math.min(ylo, yhi) < 0 && Math.max(ylo, yhi) > 0) scene.lines.push({ x1: plot.left, y1: Y(0), x2: plot.left + plot.width, y2: Y(0), stroke: '#999999', width: 1 });
  scene.lines.push(
    { x1: plot.left, y1: plot.top + plot.height, x2: plot.left + plot.width, y2: plot.top + plot.height, stroke: '#555555', width: 1 },
    { x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.top + plot.height, stroke: '#555555', width: 1 },
  );

  // lines, markers, error bars, labels
  let p = 0;
  for (let k = 0; k < traces.length; k++) {
    const t = traces[k];
    const xs = nums(t.x)!;
    const ys = nums(t.y)!;
    if (t.type === 'bar') {
      const base = nums(t.base);
      const marker = (t.marker ?? {}) as Obj;
      const labels = Array.isArray(t.text) ? (t.text as unknown[]) : null;
      const hover = Array.isArray(t.hovertext) ? (t.hovertext as unknown[]) : [];
      const half = Math.abs(Y(0.35) - Y(0));
      for (let i = 0; i < xs.length; i++) {
        const v = xs[i];
        const y = ys[i];
        if (typeof v !== 'number' || typeof y !== 'number' || !Number.isFinite(v) || !Number.isFinite(y)) continue;
        const b = base?.[i] ?? 0;
        const a = X(b);
        const e = X(b + v);
        scene.bars.push({ x: Math.min(a, e), y: Y(y) - half, width: Math.abs(e - a), height: 2 * half, fill: per<string>(marker.color, i, '#4477AA'), title: plainText(String(hover[i] ?? '')) });
        if (labels && labels[i] !== undefined) scene.texts.push({ x: v >= 0 ? Math.max(a, e) + 4 : Math.min(a, e) - 4, y: Y(y), text: plainText(String(labels[i])), anchor: v >= 0 ? 'start' : 'end', baseline: 'middle', size: 11, color: '#1d2430' });
      }
      continue;
    }
    const mode = String(t.mode ?? 'markers');
    const marker = (t.marker ?? {}) as Obj;
    const mline = (marker.line ?? {}) as Obj;
    const line = (t.line ?? {}) as Obj;
    const perPoint = nums(marker.color);
    const colorList = Array.isArray(marker.color) && !perPoint ? (marker.color as string[]) : null;
    const fixed = typeof marker.color === 'string' ? marker.color : typeof line.color === 'string' ? line.color : '#4477AA';
    const cmin = typeof marker.cmin === 'number' ? marker.cmin : 0;
    const cmax = typeof marker.cmax === 'number' ? marker.cmax : 1;
    const name = typeof t.name === 'string' ? plainText(t.name) : '';
    if (t.showlegend !== false && name && layout.showlegend !== false && (traces.length > 1 || layout.showlegend === true)) scene.legend.push({ name, color: perPoint ? viridis(0.5) : String(line.color ?? fixed), x: 0, y: 0 });
    if (marker.showscale === true) {
      const bar = (marker.colorbar ?? {}) as Obj;
      const labels = (bar.ticktext as string[] | undefined) ?? ['low', 'high'];
      scene.colorbar = { title: plainText(textOf(bar.title)), low: labels[0] ?? 'low', high: labels[labels.length - 1] ?? 'high' };
    }
    if (mode.includes('lines')) {
      const dash = line.dash === 'dot' ? [2, 3] : line.dash === 'dash' ? [6, 4] : undefined;
      let cur: number[] = [];
      const flush = () => {
        if (cur.length >= 4) scene.paths.push({ xy: cur, color: String(line.color ?? fixed), width: Number(line.width ?? 2), ...(dash ? { dash } : {}) });
        cur = [];
      };
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        const y = ys[i];
        if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) flush();
        else cur.push(X(x), Y(y));
      }
      flush();
    }
    const traceOutline = { color: per<string>(mline.color, 0, '#333333'), width: per<number>(mline.width, 0, 0) };
    const err = (t.error_x ?? {}) as Obj;
    const labels = Array.isArray(t.text) ? (t.text as unknown[]) : null;
    const textfont = (t.textfont ?? {}) as Obj;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      const y = ys[i];
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      const px = X(x);
      const py = Y(y);
      const up = per<number>(err.array, i, NaN);
      const down = per<number>(err.arrayminus, i, NaN);
      if (Number.isFinite(up) || Number.isFinite(down)) {
        const a = X(x + (Number.isFinite(up) ? up : 0));
        const b = X(x - (Number.isFinite(down) ? down : 0));
        const stroke = String(err.color ?? '#777777');
        scene.lines.push({ x1: b, y1: py, x2: a, y2: py, stroke, width: 1 }, { x1: a, y1: py - 3, x2: a, y2: py + 3, stroke, width: 1 }, { x1: b, y1: py - 3, x2: b, y2: py + 3, stroke, width: 1 });
      }
      if (labels && labels[i] !== undefined && mode.includes('text')) {
        const pos = per<string>(t.textposition, i, 'top center');
        const size = per<number>(marker.size, i, 6);
        const color = String(textfont.color ?? '#1d2430');
        const text = plainText(String(labels[i]));
        if (pos.startsWith('middle')) {
          const right = pos.endsWith('right');
          scene.texts.push({ x: px + (right ? 1 : -1) * (size / 2 + 4), y: py, text, anchor: right ? 'start' : 'end', baseline: 'middle', size: 11, color });
        } else {
          const below = pos.startsWith('bottom');
          scene.texts.push({ x: px, y: py + (below ? 1 : -1) * (size / 2 + 3), text, anchor: 'middle', baseline: below ? 'top' : 'bottom', size: 11, color });
        }
      }
      if (!mode.includes('markers')) continue;
      const c = perPoint?.[i];
      scene.xy[2 * p] = px;
      scene.xy[2 * p + 1] = py;
      scene.colors[p] = perPoint ? (typeof c === 'number' && Number.isFinite(c) ? viridisStep((c - cmin) / (cmax - cmin || 1)) : '#AAAAAA') : colorList ? String(colorList[i] ?? fixed) : fixed;
      scene.radius[p] = per<number>(marker.size, i, 6) / 2;
      scene.opacity[p] = per<number>(marker.opacity, i, 1);
      scene.symbols[p] = per<string>(marker.symbol, i, 'circle');
      scene.outlines[p] = Array.isArray(mline.color) || Array.isArray(mline.width) ? { color: per<string>(mline.color, i, '#333333'), width: per<number>(mline.width, i, 0) } : traceOutline;
      scene.trace[p] = k;
      scene.index[p] = i;
      p++;
      if (p % POINTS_PER_SLICE === 0) yield;
    }
  }
  // only the markers that were placed
  scene.xy = scene.xy.subarray(0, 2 * p);
  scene.radius = scene.radius.subarray(0, p);
  scene.opacity = scene.opacity.subarray(0, p);
  scene.trace = scene.trace.subarray(0, p);
  scene.index = scene.index.subarray(0, p);

  scene.legend = layoutLegend(scene.legend, plot.left, 38, plot.width);

  // line shapes in data or paper units (the waterfall's guides)
  for (const sh of (Array.isArray(layout.shapes) ? layout.shapes : []) as Obj[]) {
    if (sh.type !== 'line') continue;
    const sx = (v: unknown) => (sh.xref === 'paper' ? plot.left + Number(v) * plot.width : X(Number(v)));
    const sy = (v: unknown) => (sh.yref === 'paper' ? plot.top + plot.height * (1 - Number(v)) : Y(Number(v)));
    const line = (sh.line ?? {}) as Obj;
    scene.lines.push({ x1: sx(sh.x0), y1: sy(sh.y0), x2: sx(sh.x1), y2: sy(sh.y1), stroke: String(line.color ?? '#888888'), width: Number(line.width ?? 1), ...(line.dash ? { dash: line.dash === 'dot' ? '2 3' : '6 4' } : {}) });
  }

  // texts: title, axis titles, annotations
  const title = plainText(textOf(layout.title));
  if (title) scene.texts.push({ x: plot.left, y: 18, text: title, anchor: 'start', baseline: 'top', size: titleSize(title, width - plot.left - 8), color: '#1d2430', bold: true });
  const xt = plainText(textOf(xaxis.title));
  if (xt) scene.texts.push({ x: plot.left + plot.width / 2, y: plot.top + plot.height + 26, text: xt, anchor: 'middle', baseline: 'top', size: 12, color: '#1d2430' });
  const yt = plainText(textOf(yaxis.title));
  if (yt) scene.texts.push({ x: 16, y: plot.top + plot.height / 2, text: yt, anchor: 'middle', baseline: 'top', size: 12, color: '#1d2430', rotate: -90 });
  for (const a of (Array.isArray(layout.annotations) ? layout.annotations : []) as Obj[]) {
    if (a.xref !== 'paper' || a.yref !== 'paper') continue;
    const text = plainText(String(a.text ?? ''));
    if (!text) continue;
    scene.texts.push({
      x: plot.left + Number(a.x) * plot.width,
      y: plot.top + plot.height * (1 - Number(a.y)),
      text,
      anchor: a.xanchor === 'left' ? 'start' : a.xanchor === 'right' ? 'end' : 'middle',
      baseline: a.yanchor === 'bottom' ? 'bottom' : a.yanchor === 'top' ? 'top' : 'middle',
      size: 11,
      color: '#3d4756',
      ...(a.hovertext ? { title: plainText(String(a.hovertext)) } : {}),
    });
  }
  return scene;
}

/** The point nearest to (x, y) within `radius` pixels, as an index into the scene's points; -1 if none. */
export function nearestPoint(scene: PointScene, x: number, y: number, radius = 8): number {
  let best = -1;
  let bestD = radius * radius;
  const xy = scene.xy;
  for (let p = 0; p < scene.radius.length; p++) {
    const dx = xy[2 * p] - x;
    const dy = xy[2 * p + 1] - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}
