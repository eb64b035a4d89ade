/**
 * Explanation charts from SHAP values and the explainers' reports: global importance, beeswarm,
 * one lead's waterfall, dependence by group, the columns behind a gap between two groups, proxy
 * ranking and permutation importance. Only scatter and bar traces (plotly.js-basic): the
 * waterfall is bars with `base`, the beeswarm a scatter with deterministic offsets.
 */
import { meanAbs } from '../core/explain/groups';
import type { OutputSpace, ParityGapAttribution, PermutationImportanceResult, ProxyReport, ShapleyResult } from '../core/explain';
import {
  NEUTRAL,
  SIGN_COLORS,
  VALUE_COLORSCALE,
  axisTitle,
  baseLayout,
  count,
  finiteOrNull,
  groupColor,
  num,
  pct,
  signed,
  undefinedText,
} from './palette';
import type { PlotSpec } from './types';
import { runSlices, type Slices } from './slices';

/** What the SHAP charts read from a ShapleyResult (any result with these fields will do). */
export type ShapleyView = Pick<ShapleyResult, 'values' | 'nRows' | 'nPlayers' | 'players' | 'baseValue' | 'predictions' | 'output'>;

/** The unit of SHAP values in an output space, for axis titles. */
export function outputUnit(output: OutputSpace): string {
  return output === 'probability' ? 'score (probability)' : 'log-odds of the score';
}

function verb(v: number): string {
  return v >= 0 ? 'raises' : 'lowers';
}

/** Indices sorted by key descending; ties keep index order. */
function argsortDesc(keys: ArrayLike<number>): number[] {
  const idx = Array.from({ length: keys.length }, (_, i) => i);
  const k = (i: number) => (Number.isFinite(keys[i]) ? keys[i] : -Infinity);
  return idx.sort((a, b) => k(b) - k(a) || a - b);
}

function playerNames(result: Pick<ShapleyView, 'players' | 'nPlayers'>): string[] {
  return Array.from({ length: result.nPlayers }, (_, j) => result.players[j]?.name ?? `column ${j + 1}`);
}

function messageSpec(title: string, message: string): PlotSpec {
  return {
    data: [],
    layout: baseLayout(title, {
      xaxis: { visible: false },
      yaxis: { visible: false },
      annotations: [{ xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, text: message, hovertext: message, showarrow: false }],
    }),
  };
}

// ---------------------------------------------------------------------------------------
// global bar

export interface ShapBarOptions {
  /** bars shown; beyond, the rest are summed into "other N columns" (default 20) */
  maxColumns?: number;
  /** per-group mean |SHAP| (e.g. meanAbsByGroup with levels): adds one bar per group, group colours by `code` */
  byGroup?: readonly { level: string; code?: number; count?: number; meanAbs: ArrayLike<number> }[];
}

/**
 * Global importance: mean |SHAP| per column over the explained leads, largest first (top).
 * Trace arrays are in descending order; the y axis is reversed so the first bar is on top.
 */
export function shapBarSpec(result: ShapleyView, options: ShapBarOptions = {}): PlotSpec {
  const title = 'Which columns move the score most (mean |SHAP value|)';
  if (result.nRows === 0 || result.nPlayers === 0) return messageSpec(title, 'No leads were explained yet.');
  const names = playerNames(result);
  const imp = meanAbs(result);
  const order = argsortDesc(imp);
  const maxColumns = Math.max(2, options.maxColumns ?? 20);
  const shown = order.length > maxColumns ? order.slice(0, maxColumns - 1) : order;
  const rest = order.slice(shown.length);
  const labels = shown.map((j) => names[j]);
  const unit = outputUnit(result.output);
  const sumOf = (arr: ArrayLike<number>, js: number[]) => js.reduce((s, j) => s + arr[j], 0);
  const x = shown.map((j) => imp[j]);
  if (rest.length) {
    labels.push(`other ${rest.length} columns (sum)`);
    x.push(sumOf(imp, rest));
  }
  const data: Record<string, unknown>[] = [
    {
      type: 'bar',
      orientation: 'h',
      name: `all ${count(result.nRows)} explained leads`,
      y: labels,
      x,
      marker: { color: options.byGroup ? NEUTRAL.overall : SIGN_COLORS.lowers },
      hovertext: labels.map((l, k) => `<b>${l}</b><br>moves a lead's ${unit} by ${num(x[k], 4)} on average (either way)`),
      hoverinfo: 'text',
    },
  ];
  options.byGroup?.forEach((g, gi) => {
    const gx = shown.map((j) => g.meanAbs[j]);
    if (rest.length) gx.push(sumOf(g.meanAbs, rest));
    data.push({
      type: 'bar',
      orientation: 'h',
      name: g.count === undefined ? g.level : `${g.level} (n=${count(g.count)})`,
      y: labels,
      x: gx.map(finiteOrNull),
      marker: { color: groupColor(g.code ?? gi) },
      hovertext: labels.map((l, k) => `<b>${l}</b>, group ${g.level}<br>moves a lead's ${unit} by ${num(gx[k], 4)} on average`),
      hoverinfo: 'text',
    });
  });
  return {
    data,
    layout: baseLayout(title, {
      barmode: 'group',
      xaxis: axisTitle(`average size of the column's effect on the ${unit}`, { rangemode: 'tozero', exponentformat: 'none' }),
      yaxis: axisTitle('', { type: 'category', autorange: 'reversed', automargin: true }),
      showlegend: Boolean(options.byGroup),
      height: Math.max(300, 120 + labels.length * (options.byGroup ? 14 * (1 + options.byGroup.length) : 24)),
      margin: { t: 56, r: 24, b: 64, l: 140 },
    }),
  };
}

// ---------------------------------------------------------------------------------------
// beeswarm

/**
 * Vertical offsets that stack points falling in the same of `nbins` x bins alternately above and
 * below the centre line (0, +1, −1, +2, …), scaled so the widest stack spans ±`halfHeight`.
 * Deterministic: the order is the rows' order.
 */
export function swarmOffsets(xs: ArrayLike<number>, lo: number, hi: number, nbins = 100, halfHeight = 0.4): Float64Array {
  const n = xs.length;
  const out = new Float64Array(n);
  const span = hi > lo ? hi - lo : 1;
  const fill = new Int32Array(nbins);
  let maxLayer = 0;
  for (let i = 0; i < n; i++) {
    const b = Math.min(nbins - 1, Math.max(0, Math.floor(((xs[i] - lo) / span) * nbins)));
    const k = fill[b]++;
    const layer = k === 0 ? 0 : k % 2 === 1 ? (k + 1) / 2 : -k / 2;
    out[i] = layer;
    if (Math.abs(layer) > maxLayer) maxLayer = Math.abs(layer);
  }
  const scale = maxLayer > 0 ? halfHeight / maxLayer : 0;
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}

export interface BeeswarmOptions {
  /** rows shown; beyond, the rest are summed per lead into "other N columns" (default 15) */
  maxColumns?: number;
  /** hover label per explained lead (default "lead #i") */
  rowLabels?: readonly string[];
}

function valueWord(v: number): string {
  return v < 1 / 3 ? 'low' : v < 2 / 3 ? 'middle' : 'high';
}

/**
 * One row per column, sorted by mean |SHAP| (most important on top), one point per explained lead
 * at its SHAP value, spread vertically where points pile up, coloured by the lead's value of the
 * column (`featureValues[column][lead]` in [0, 1], low → high; null = missing, drawn grey).
 */
export function beeswarmSpec(
  result: ShapleyView,
  featureValues: readonly (readonly (number | null)[] | undefined)[],
  options: BeeswarmOptions = {},
): PlotSpec {
  return runSlices(beeswarmSpecSlices(result, featureValues, options));
}

/**
 * The beeswarm's spec built one row (column) at a time: the generator pauses after each row, so
 * a page can build a 1,000-lead spec (15,000 points, each with its hover text: tens of ms in one
 * go) in slices between frames; run to its end it returns exactly `beeswarmSpec`'s spec.
 */
export function* beeswarmSpecSlices(
  result: ShapleyView,
  featureValues: readonly (readonly (number | null)[] | undefined)[],
  options: BeeswarmOptions = {},
): Slices<PlotSpec> {
  const title = 'Every lead, every column: how each value pushes the score';
  const { nRows: N, nPlayers: M, values } = result;
  if (N === 0 || M === 0) return messageSpec(title, 'No leads were explained yet.');
  const names = playerNames(result);
  const order = argsortDesc(meanAbs(result));
  const maxColumns = Math.max(2, options.maxColumns ?? 15);
  const shown = order.length > maxColumns ? order.slice(0, maxColumns - 1) : order;
  const rest = order.slice(shown.length);
  const rows: { label: string; xs: Float64Array; col: number | null }[] = shown.map((j) => {
    const xs = new Float64Array(N);
    for (let i = 0; i < N; i++) xs[i] = values[i * M + j];
    return { label: names[j], xs, col: j };
  });
  if (rest.length) {
    const xs = new Float64Array(N);
    for (let i = 0; i < N; i++) for (const j of rest) xs[i] += values[i * M + j];
    rows.push({ label: `other ${rest.length} columns (sum)`, xs, col: null });
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) for (const v of r.xs) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (!(hi >= lo)) [lo, hi] = [0, 1];
  const unit = outputUnit(result.output);
  const lead = (i: number) => options.rowLabels?.[i] ?? `lead #${i + 1}`;
  const colored = { x: [] as number[], y: [] as number[], c: [] as number[], h: [] as string[] };
  const missing = { x: [] as number[], y: [] as number[], h: [] as string[] };
  const other = { x: [] as number[], y: [] as number[], h: [] as string[] };
  for (let pos = 0; pos < rows.length; pos++) {
    const r = rows[pos];
    const off = swarmOffsets(r.xs, lo, hi);
    for (let i = 0; i < N; i++) {
      const x = r.xs[i];
      if (!Number.isFinite(x)) continue;
      const y = pos + off[i];
      const head = `<b>${r.label}</b>, ${lead(i)}<br>${verb(x)} the ${unit} by ${num(Math.abs(x), 4)}`;
      if (r.col === null) {
        other.x.push(x);
        other.y.push(y);
        other.h.push(head);
        continue;
      }
      const fv = finiteOrNull(featureValues[r.col]?.[i] ?? null);
      if (fv === null) {
        missing.x.push(x);
        missing.y.push(y);
        missing.h.push(`${head}<br>value: missing`);
      } else {
        colored.x.push(x);
        colored.y.push(y);
        colored.c.push(fv);
        colored.h.push(`${head}<br>value: ${valueWord(fv)} (${num(fv, 2)} on a 0–1 scale)`);
      }
    }
    yield;
  }
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'lead (colour = its value)',
      x: colored.x,
      y: colored.y,
      marker: {
        size: 5,
        opacity: 0.8,
        color: colored.c,
        colorscale: VALUE_COLORSCALE,
        cmin: 0,
        cmax: 1,
        showscale: true,
        colorbar: { title: { text: 'value' }, tickvals: [0, 1], ticktext: ['low', 'high'], len: 0.6, thickness: 12 },
      },
      hovertext: colored.h,
      hoverinfo: 'text',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'value missing',
      x: missing.x,
      y: missing.y,
      marker: { size: 5, opacity: 0.8, color: NEUTRAL.missing },
      hovertext: missing.h,
      hoverinfo: 'text',
    },
  ];
  if (rest.length) {
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'several columns summed',
      x: other.x,
      y: other.y,
      marker: { size: 5, opacity: 0.6, color: NEUTRAL.overall },
      hovertext: other.h,
      hoverinfo: 'text',
    });
  }
  return {
    data,
    layout: baseLayout(title, {
      xaxis: axisTitle(`SHAP value: change in the ${unit} (right = higher score)`, { zeroline: true, zerolinecolor: '#999999', exponentformat: 'none' }),
      yaxis: axisTitle('', {
        tickvals: rows.map((_, k) => k),
        ticktext: rows.map((r) => r.label),
        autorange: 'reversed',
        zeroline: false,
        showgrid: false,
        automargin: true,
      }),
      showlegend: missing.x.length > 0 || rest.length > 0,
      height: Math.max(300, 120 + rows.length * 34),
      margin: { t: 56, r: 24, b: 64, l: 140 },
    }),
  };
}

// ---------------------------------------------------------------------------------------
// waterfall

export interface WaterfallOptions {
  /** bars shown; beyond, the smallest columns are folded into "other N columns" (default 10) */
  maxBars?: number;
  /** the lead's name in the title (default "this lead") */
  leadLabel?: string;
}

/**
 * One lead's score built up from the average score (base value): one horizontal bar per column
 * (largest |SHAP| nearest the final score, on top; the smallest folded into "other N columns"),
 * each starting where the previous ended (`base`), so the bars run from the base value to the
 * lead's score. Positive bars orange, negative blue; markers at both ends.
 * If the values do not add up exactly (an approximation), a "not attributed" bar closes the gap.
 */
export function waterfallSpec(result: ShapleyView, row: number, featureLabels?: readonly string[], options: WaterfallOptions = {}): PlotSpec {
  const who = options.leadLabel ?? 'this lead';
  if (!(Number.isInteger(row) && row >= 0 && row < result.nRows)) {
    return messageSpec('Why this lead scores as it does', `No explained lead number ${row + 1}.`);
  }
  const M = result.nPlayers;
  const names = playerNames(result).map((n, j) => featureLabels?.[j] ?? n);
  const vals = Array.from(result.values.subarray(row * M, (row + 1) * M));
  const base = result.baseValue;
  const pred = result.predictions[row];
  const abs = vals.map(Math.abs);
  const order = argsortDesc(abs);
  const maxBars = Math.max(2, options.maxBars ?? 10);
  const kept = order.length > maxBars ? order.slice(0, maxBars - 1) : order;
  const folded = order.slice(kept.length);
  // steps in drawing order, bottom (starting at the base value) to top (ending at the score)
  const steps: { label: string; value: number; hover: string }[] = [];
  const total = vals.reduce((s, v) => s + v, 0);
  const residual = pred - base - total;
  if (Math.abs(residual) > 1e-9 * Math.max(1, Math.abs(pred), Math.abs(base))) {
    steps.push({ label: 'not attributed', value: residual, hover: 'the part of the score the approximation did not assign to any column' });
  }
  if (folded.length) {
    const v = folded.reduce((s, j) => s + vals[j], 0);
    steps.push({ label: `other ${folded.length} columns`, value: v, hover: `${folded.length} columns with small effects, together` });
  }
  for (let k = kept.length - 1; k >= 0; k--) {
    const j = kept[k];
    steps.push({ label: names[j], value: vals[j], hover: names[j] });
  }
  const unit = outputUnit(result.output);
  const starts: number[] = [];
  let at = base;
  for (const s of steps) {
    starts.push(at);
    at += s.value;
  }
  const K = steps.length;
  const y = steps.map((_, k) => k);
  const bars: Record<string, unknown> = {
    type: 'bar',
    orientation: 'h',
    name: 'effect of the column',
    y,
    x: steps.map((s) => s.value),
    base: starts,
    marker: { color: steps.map((s) => (s.value >= 0 ? SIGN_COLORS.raises : SIGN_COLORS.lowers)) },
    text: steps.map((s) => signed(s.value)),
    textposition: 'outside',
    cliponaxis: false,
    hovertext: steps.map(
      (s, k) =>
        `<b>${s.hover}</b><br>${verb(s.value)} the ${unit} by ${num(Math.abs(s.value), 4)}<br>from ${num(starts[k], 4)} to ${num(starts[k] + s.value, 4)}`,
    ),
    hoverinfo: 'text',
    showlegend: false,
  };
  const ends: Record<string, unknown> = {
    type: 'scatter',
    mode: 'markers+text',
    name: 'average score → this lead’s score',
    x: [base, pred],
    y: [-1, K],
    text: [`average ${num(base, 3)}`, `${who}: ${num(pred, 3)}`],
    textposition: pred >= base ? ['middle right', 'middle left'] : ['middle left', 'middle right'],
    marker: { symbol: 'diamond', size: 11, color: ['#777777', '#222222'] },
    hovertext: [
      `<b>Average score over the background leads</b> (base value): ${num(base, 4)}`,
      `<b>Score of ${who}</b>: ${num(pred, 4)} = ${num(base, 4)} ${signed(pred - base, 4)} from the columns`,
    ],
    hoverinfo: 'text',
    showlegend: false,
  };
  const guide = (x: number, color: string): Record<string, unknown> => ({
    type: 'line',
    xref: 'x',
    x0: x,
    x1: x,
    yref: 'y',
    y0: -1,
    y1: K,
    line: { color, width: 1, dash: 'dot' },
    layer: 'below',
  });
  // room on both sides for the value labels outside the bars
  let lo = Math.min(base, pred);
  let hi = Math.max(base, pred);
  steps.forEach((st, k) => {
    lo = Math.min(lo, starts[k], starts[k] + st.value);
    hi = Math.max(hi, starts[k], starts[k] + st.value);
  });
  const pad = (hi - lo || Math.max(1e-3, Math.abs(hi) * 0.01)) * 0.18;
  return {
    data: [bars, ends],
    layout: baseLayout(`Why ${who} scores ${num(pred, 3)}: from the average ${num(base, 3)}, column by column`, {
      xaxis: axisTitle(unit, { zeroline: false, exponentformat: 'none', range: [lo - pad, hi + pad] }),
      yaxis: axisTitle('', {
        tickvals: [-1, ...y, K],
        ticktext: ['average score', ...steps.map((s) => s.label), who],
        range: [-1.6, K + 0.6],
        zeroline: false,
        automargin: true,
      }),
      shapes: [guide(base, '#777777'), guide(pred, '#222222')],
      showlegend: false,
      height: Math.max(300, 140 + (K + 2) * 26),
      margin: { t: 56, r: 90, b: 56, l: 160 },
    }),
  };
}

// ---------------------------------------------------------------------------------------
// dependence

/** A deterministic pseudo-random number in [0, 1) for row i (Knuth multiplicative hash). */
function hash01(i: number): number {
  return (Math.imul(i + 1, 2654435761) >>> 0) / 4294967296;
}

export interface DependenceOptions {
  /** name of the protected attribute, for the legend title */
  attributeName?: string;
}

/**
 * SHAP value of one column against the column's value, one colour per group (the group's
 * palette colour by its code). Numeric values on a numeric axis (a missing value, NaN or null, is
 * not drawn, and a note says how many); categorical values (strings) as jittered columns, with
 * "(missing)" as its own category.
 */
export function dependenceSpec(
  result: ShapleyView,
  player: number,
  xValues: readonly (number | string | null)[],
  groupCodes: Int32Array | readonly number[],
  groupLevels: readonly string[],
  options: DependenceOptions = {},
): PlotSpec {
  const M = result.nPlayers;
  const name = playerNames(result)[player];
  const title = `How ${name ?? 'a column'} changes the score, by group`;
  if (name === undefined) return messageSpec(title, `No column number ${player + 1}.`);
  const N = result.nRows;
  const categorical = xValues.some((v) => typeof v === 'string');
  const MISSING = '(missing)';
  let categories: string[] = [];
  if (categorical) {
    const set = new Set<string>();
    let hasMissing = false;
    for (let i = 0; i < N; i++) {
      const v = xValues[i];
      if (typeof v === 'string') set.add(v);
      else hasMissing = true;
    }
    categories = [...set].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (hasMissing) categories.push(MISSING);
  }
  const catIndex = new Map(categories.map((c, k) => [c, k]));
  const unit = outputUnit(result.output);
  const byGroup = new Map<number, { x: number[]; y: number[]; h: string[] }>();
  let skipped = 0;
  for (let i = 0; i < N; i++) {
    const raw = xValues[i];
    let x: number;
    let shown: string;
    if (categorical) {
      const c = typeof raw === 'string' ? raw : MISSING;
      x = (catIndex.get(c) as number) + (hash01(i) - 0.5) * 0.5;
      shown = c;
    } else {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) {
        skipped++;
        continue;
      }
      x = raw;
      shown = String(raw);
    }
    const code = groupCodes[i] ?? -1;
    const g = code >= 0 && code < groupLevels.length ? code : -1;
    let e = byGroup.get(g);
    if (!e) byGroup.set(g, (e = { x: [], y: [], h: [] }));
    const v = result.values[i * M + player];
    e.x.push(x);
    e.y.push(v);
    e.h.push(`<b>lead #${i + 1}</b>, ${g >= 0 ? groupLevels[g] : 'group missing'}<br>${name} = ${shown}<br>${verb(v)} the ${unit} by ${num(Math.abs(v), 4)}`);
  }
  const codes = [...byGroup.keys()].sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b));
  const data = codes.map((g) => {
    const e = byGroup.get(g) as { x: number[]; y: number[]; h: string[] };
    return {
      type: 'scatter',
      mode: 'markers',
      name: g >= 0 ? `${groupLevels[g]} (n=${count(e.x.length)})` : 'group missing',
      x: e.x,
      y: e.y,
      marker: { color: g >= 0 ? groupColor(g) : NEUTRAL.missing, size: 6, opacity: 0.7 },
      hovertext: e.h,
      hoverinfo: 'text',
    };
  });
  const annotations: Record<string, unknown>[] = [];
  if (skipped > 0) {
    const text = `${count(skipped)} lead${skipped === 1 ? '' : 's'} with no value for ${name} not shown`;
    annotations.push({ xref: 'paper', yref: 'paper', x: 1, y: 1.02, xanchor: 'right', yanchor: 'bottom', text, hovertext: text, showarrow: false, font: { size: 11, color: '#555555' } });
  }
  return {
    data,
    layout: baseLayout(title, {
      xaxis: categorical
        ? axisTitle(name, { tickvals: categories.map((_, k) => k), ticktext: categories, zeroline: false, range: [-0.6, categories.length - 0.4] })
        : axisTitle(name, { zeroline: false }),
      yaxis: axisTitle(`SHAP value of ${name} (${unit})`, { zeroline: true, zerolinecolor: '#999999', exponentformat: 'none' }),
      legend: { title: { text: options.attributeName ?? 'group' } },
      annotations,
    }),
  };
}

// ---------------------------------------------------------------------------------------
// gap between two groups

/** What the group-difference chart needs: ParityGapAttribution (or a view of it) will do. */
export type GapAttributionView = Pick<ParityGapAttribution, 'gap' | 'perPlayer'> &
  Partial<Pick<ParityGapAttribution, 'residual' | 'countA' | 'countB' | 'meanPredictionA' | 'meanPredictionB'>>;

export interface GroupDifferenceOptions {
  /** bars shown; beyond, the smallest are summed into "other N columns" (default 15) */
  maxColumns?: number;
  /** output space of the values (default 'probability') */
  output?: OutputSpace;
}

/**
 * The gap in mean score between groups A and B split over the columns: one horizontal bar per
 * column (largest on top), positive = the column raises A's scores relative to B's. The bars add
 * up to the gap, which an annotation states (with a "not attributed" bar if the values were not
 * exactly additive).
 */
export function groupDifferenceSpec(
  gap: GapAttributionView,
  players: readonly (string | { name: string })[],
  labelA: string,
  labelB: string,
  options: GroupDifferenceOptions = {},
): PlotSpec {
  const unit = options.output ? outputUnit(options.output) : 'score';
  const names = players.map((p) => (typeof p === 'string' ? p : p.name));
  const M = gap.perPlayer.length;
  const title = `Which columns make the mean score of ${labelA} differ from ${labelB}`;
  const nA = gap.countA === undefined ? '' : ` (n=${count(gap.countA)})`;
  const nB = gap.countB === undefined ? '' : ` (n=${count(gap.countB)})`;
  if (!Number.isFinite(gap.gap)) {
    const text = `Gap ${undefinedText('empty-comparison-group')}`;
    return {
      data: [
        {
          type: 'bar',
          orientation: 'h',
          name: 'contribution to the gap',
          y: names.slice(0, M),
          x: names.slice(0, M).map(() => null),
          hovertext: names.slice(0, M).map((n) => `${n}: contribution ${undefinedText('empty-comparison-group')}`),
          hoverinfo: 'text',
        },
      ],
      layout: baseLayout(title, {
        xaxis: axisTitle(`difference in mean ${unit}, ${labelA} − ${labelB}`),
        yaxis: axisTitle('', { type: 'category', autorange: 'reversed', automargin: true }),
        annotations: [{ xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, text, hovertext: text, showarrow: false }],
      }),
    };
  }
  const per = Array.from(gap.perPlayer);
  const order = argsortDesc(per.map(Math.abs));
  const maxColumns = Math.max(2, options.maxColumns ?? 15);
  const kept = order.length > maxColumns ? order.slice(0, maxColumns - 1) : order;
  const folded = order.slice(kept.length);
  const bars = kept.map((j) => ({ label: names[j] ?? `column ${j + 1}`, value: per[j] }));
  if (folded.length) bars.push({ label: `other ${folded.length} columns`, value: folded.reduce((s, j) => s + per[j], 0) });
  const residual = gap.gap - per.reduce((s, v) => s + v, 0);
  if (Math.abs(residual) > 1e-9 * Math.max(1, Math.abs(gap.gap))) bars.push({ label: 'not attributed', value: residual });
  const means =
    gap.meanPredictionA !== undefined && gap.meanPredictionB !== undefined
      ? `: ${num(gap.meanPredictionA, 3)} vs ${num(gap.meanPredictionB, 3)}`
      : '';
  const lo = Math.min(0, ...bars.map((b) => b.value));
  const hi = Math.max(0, ...bars.map((b) => b.value));
  const pad = (hi - lo || 1e-3) * 0.22;
  const total = `Total gap ${signed(gap.gap, 4)} (mean ${unit} of ${labelA}${nA} minus ${labelB}${nB}${means}); the bars add up to it`;
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        name: 'contribution to the gap',
        y: bars.map((b) => b.label),
        x: bars.map((b) => b.value),
        marker: { color: bars.map((b) => (b.value >= 0 ? SIGN_COLORS.raises : SIGN_COLORS.lowers)) },
        text: bars.map((b) => signed(b.value, 4)),
        textposition: 'outside',
        cliponaxis: false,
        hovertext: bars.map(
          (b) => `<b>${b.label}</b><br>${verb(b.value)} ${labelA}'s mean ${unit} relative to ${labelB}'s by ${num(Math.abs(b.value), 4)}`,
        ),
        hoverinfo: 'text',
        showlegend: false,
      },
    ],
    layout: baseLayout(title, {
      xaxis: axisTitle(`difference in mean ${unit}, ${labelA} − ${labelB} (right = ${labelA} higher)`, {
        zeroline: true,
        zerolinecolor: '#444444',
        exponentformat: 'none',
        range: [lo - pad, hi + pad],
      }),
      yaxis: axisTitle('', { type: 'category', autorange: 'reversed', automargin: true }),
      annotations: [
        { xref: 'paper', yref: 'paper', x: 0, y: 1.02, xanchor: 'left', yanchor: 'bottom', text: total, hovertext: total, showarrow: false, font: { size: 12 } },
      ],
      showlegend: false,
      height: Math.max(300, 140 + bars.length * 24),
      margin: { t: 72, r: 80, b: 64, l: 140 },
    }),
  };
}

// ---------------------------------------------------------------------------------------
// proxies

export type ProxyMeasure = 'strength' | 'nmi' | 'auc';

export interface ProxyRankingOptions {
  /** what the bars show (default 'strength': 1 = at a threshold) */
  measure?: ProxyMeasure;
  /** group labels by code, to name the group a column reveals best */
  groupLevels?: readonly string[];
  /** name of the protected attribute, for the title */
  attributeName?: string;
}

/**
 * Proxy ranking: how well each column alone reveals the protected group — strength (the larger of
 * NMI / NMI threshold and (AUC − 0.5) / (AUC threshold − 0.5)), NMI, or the best one-vs-rest AUC —
 * with the "likely proxy" threshold as a vertical line. Strongest on top; likely proxies orange.
 */
export function proxyRankingSpec(report: ProxyReport, options: ProxyRankingOptions = {}): PlotSpec {
  const measure = options.measure ?? 'strength';
  const who = options.attributeName ?? 'the protected group';
  const value = (c: ProxyReport['columns'][number]) => finiteOrNull(measure === 'strength' ? c.strength : measure === 'nmi' ? c.nmi : c.maxAuc);
  const cols = [...report.columns].sort((a, b) => (value(b) ?? -Infinity) - (value(a) ?? -Infinity) || a.rank - b.rank);
  const line = measure === 'strength' ? 1 : measure === 'nmi' ? report.nmiThreshold : report.aucThreshold;
  const names = cols.map((c) => c.name);
  const x = cols.map(value);
  const annotations: Record<string, unknown>[] = [];
  const hover = cols.map((c, k) => {
    const best = c.bestGroup >= 0 ? ` for group "${options.groupLevels?.[c.bestGroup] ?? c.bestGroup}"` : '';
    const auc = Number.isFinite(c.maxAuc) ? `${num(c.maxAuc, 2)}${best}` : undefinedText('empty-group');
    const lines = [
      `<b>${c.name}</b> (${c.kind}, ${count(c.levels)} distinct values) — ${c.likelyProxy ? 'likely proxy' : 'weak signal'}`,
      `strength ${num(c.strength, 2)} (1 = at a threshold)`,
      `shared information (NMI) ${num(c.nmi, 3)}; it explains ${pct(c.groupInformation)} of the group's information`,
      `best single-group AUC ${auc}`,
    ];
    if (x[k] === null) {
      const text = `${c.name}: ${measure === 'auc' ? 'AUC' : measure} ${undefinedText('empty-group')}`;
      lines.push(text);
      annotations.push({ x: line, y: c.name, xref: 'x', yref: 'y', xanchor: 'left', text: 'undefined', hovertext: text, showarrow: false, font: { size: 11, color: '#444444' } });
    }
    return lines.join('<br>');
  });
  annotations.push({
    xref: 'x',
    x: line,
    yref: 'paper',
    y: 1,
    xanchor: 'left',
    yanchor: 'bottom',
    text: ' likely proxy beyond this line',
    showarrow: false,
    font: { size: 11, color: SIGN_COLORS.raises },
  });
  const axis =
    measure === 'strength'
      ? 'proxy strength (1 = a "likely proxy" threshold reached)'
      : measure === 'nmi'
        ? 'normalised mutual information with the group (0 = none, 1 = determines it)'
        : 'best one-vs-rest ROC AUC (0.5 = no signal, 1 = perfect)';
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        name: measure,
        y: names,
        x,
        marker: { color: cols.map((c) => (c.likelyProxy ? SIGN_COLORS.raises : NEUTRAL.missing)) },
        hovertext: hover,
        hoverinfo: 'text',
        showlegend: false,
      },
    ],
    layout: baseLayout(`Which columns reveal ${who} on their own (possible proxies)`, {
      xaxis: axisTitle(axis, measure === 'auc' ? { range: [0.5, 1] } : { rangemode: 'tozero' }),
      yaxis: axisTitle('', { type: 'category', autorange: 'reversed', automargin: true }),
      shapes: [{ type: 'line', xref: 'x', x0: line, x1: line, yref: 'paper', y0: 0, y1: 1, layer: 'above', line: { color: '#222222', width: 1.5, dash: 'dash' } }],
      annotations,
      showlegend: false,
      height: Math.max(300, 140 + cols.length * 24),
      margin: { t: 72, r: 24, b: 64, l: 140 },
    }),
  };
}

// ---------------------------------------------------------------------------------------
// permutation importance

const IMPORTANCE_TEXT: Record<PermutationImportanceResult['score'], { title: string; axis: string; baseline: string }> = {
  accuracy: { title: 'How much accuracy drops when a column is shuffled', axis: 'drop in accuracy', baseline: 'accuracy' },
  auc: { title: 'How much ROC AUC drops when a column is shuffled', axis: 'drop in ROC AUC', baseline: 'ROC AUC' },
  logloss: { title: 'How much the log loss rises when a column is shuffled', axis: 'rise in log loss', baseline: 'log loss' },
  'demographic-parity': {
    title: 'How much of the selection-rate gap disappears when a column is shuffled',
    axis: 'drop in the demographic parity difference',
    baseline: 'demographic parity difference',
  },
  'equalized-odds': {
    title: 'How much of the equalized-odds gap disappears when a column is shuffled',
    axis: 'drop in the equalized odds difference',
    baseline: 'equalized odds difference',
  },
};

/** Permutation importance: mean over repeats per column (± one standard deviation), largest on top. */
export function importanceSpec(result: PermutationImportanceResult): PlotSpec {
  const t = IMPORTANCE_TEXT[result.score];
  const fairness = result.score === 'demographic-parity' || result.score === 'equalized-odds';
  const order = argsortDesc(result.players.map((p) => p.mean));
  const ps = order.map((j) => result.players[j]);
  const x = ps.map((p) => finiteOrNull(p.mean));
  const annotations: Record<string, unknown>[] = [];
  const hover = ps.map((p, k) => {
    if (x[k] === null) {
      const text = `${p.name}: importance ${undefinedText('not-finite')}`;
      annotations.push({ x: 0, y: p.name, xref: 'x', yref: 'y', xanchor: 'left', text: 'undefined', hovertext: text, showarrow: false, font: { size: 11 } });
      return text;
    }
    const share = fairness && result.baseline > 0 ? ` (${pct(p.mean / result.baseline)} of the gap)` : '';
    const sense = p.mean > 0 ? (fairness ? 'the column creates this much of the gap' : 'the model relies on this column') : fairness ? 'without the column the gap would be larger' : 'shuffling it does not hurt';
    return `<b>${p.name}</b><br>${t.axis}: ${num(p.mean, 4)} ± ${num(p.std, 4)}${share}<br>${sense}`;
  });
  const baselineText = `${t.baseline} before shuffling: ${num(result.baseline, 4)}`;
  annotations.push({ xref: 'paper', yref: 'paper', x: 0, y: 1.02, xanchor: 'left', yanchor: 'bottom', text: baselineText, showarrow: false, font: { size: 11, color: '#555555' } });
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        name: t.axis,
        y: ps.map((p) => p.name),
        x,
        error_x: { type: 'data', array: ps.map((p) => (Number.isFinite(p.std) ? p.std : NaN)), visible: true, color: '#333333', thickness: 1.2, width: 3 },
        marker: { color: x.map((v) => (v !== null && v > 0 ? SIGN_COLORS.lowers : NEUTRAL.missing)) },
        hovertext: hover,
        hoverinfo: 'text',
        showlegend: false,
      },
    ],
    layout: baseLayout(t.title, {
      xaxis: axisTitle(`${t.axis} (bars: mean of the repeats, whiskers: ± 1 standard deviation)`, { zeroline: true, zerolinecolor: '#444444' }),
      yaxis: axisTitle('', { type: 'category', autorange: 'reversed', automargin: true }),
      annotations,
      showlegend: false,
      height: Math.max(300, 140 + ps.length * 24),
      margin: { t: 72, r: 24, b: 64, l: 140 },
    }),
  };
}
