/**
 * Chart specs: shapes, gaps for undefined values (null, never 0) with the reason on hover or in
 * an annotation, sorting, waterfall arithmetic, the Pareto frontier, the four-fifths band.
 * Inputs are hand-made or come from the real core functions on tiny data.
 */
import { describe, expect, it } from 'vitest';
import {
  FOUR_FIFTHS_BAND,
  GROUP_PALETTE,
  beeswarmSpec,
  calibrationSpec,
  dependenceSpec,
  disparityBarsSpec,
  disparityDifferenceSpec,
  groupColor,
  groupDifferenceSpec,
  groupMetricBarsSpec,
  importanceSpec,
  paretoSpec,
  proxyRankingSpec,
  rocCurvesSpec,
  selectionVsThresholdSpec,
  shapBarSpec,
  swarmOffsets,
  waterfallSpec,
  withFrontier,
  type ParetoPoint,
  type PlotSpec,
  type ShapleyView,
} from '../../src/charts';
import { computeMetricFrame, createThresholdIndex, type AttributeResult } from '../../src/core/metrics';
import { parityGapAttribution, proxyStrength, type PermutationImportanceResult, type ProxyReport } from '../../src/core/explain';

// ---------------------------------------------------------------------------------------
// data

/**
 * 24 leads, attribute with levels A (12 rows), B (6: nobody selected at 0.5), C (6: nobody
 * converted), D (no rows). Threshold 0.5.
 */
const LEVELS = ['A', 'B', 'C', 'D'];
const codes = Int32Array.from([...Array(12).fill(0), ...Array(6).fill(1), ...Array(6).fill(2)]);
const labels = Uint8Array.from([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, /* B */ 1, 1, 0, 0, 0, 1, /* C */ 0, 0, 0, 0, 0, 0]);
const scores = Float64Array.from([
  0.95, 0.85, 0.75, 0.62, 0.35, 0.7, 0.55, 0.3, 0.2, 0.12, 0.45, 0.05,
  0.4, 0.3, 0.2, 0.1, 0.35, 0.45,
  0.8, 0.6, 0.3, 0.2, 0.1, 0.48,
]);
const attribute = { columns: ['group'], codes, levels: LEVELS, levelValues: LEVELS.map((l) => [l]), name: 'group' };

function frame(bootstrap = false) {
  return computeMetricFrame(
    { labels, scores, attributes: [attribute] },
    { minGroupSize: 10, reference: 'A', ...(bootstrap ? { bootstrap: { resamples: 40, seed: 3 } } : {}) },
  );
}
const attr: AttributeResult = frame().attributes[0];
const attrBoot: AttributeResult = frame(true).attributes[0];
const index = createThresholdIndex({ scores, labels, weights: null, groupCodes: [codes], groupCounts: [LEVELS.length] });

/** N = 3 leads, M = 4 columns; mean |SHAP| order: b, a, d, c. */
const BASE = 0.3;
const VALUES = [
  [0.2, -0.05, 0.01, 0.1],
  [-0.1, 0.02, 0.0, 0.05],
  [0.05, -0.3, 0.02, -0.01],
];
const shap: ShapleyView = {
  output: 'probability',
  players: ['a', 'b', 'c', 'd'].map((name, j) => ({ name, start: j, end: j + 1 })),
  nRows: 3,
  nPlayers: 4,
  baseValue: BASE,
  predictions: Float64Array.from(VALUES.map((r) => BASE + r.reduce((s, v) => s + v, 0))),
  values: Float64Array.from(VALUES.flat()),
};

// ---------------------------------------------------------------------------------------
// helpers

type Trace = Record<string, unknown>;
const trace = (spec: PlotSpec, i: number) => spec.data[i] as Trace;
const arr = <T = number | null>(t: Trace, key: string) => t[key] as T[];
const annotations = (spec: PlotSpec) => (spec.layout.annotations ?? []) as Trace[];
const shapes = (spec: PlotSpec) => (spec.layout.shapes ?? []) as Trace[];
const annotationText = (spec: PlotSpec) => annotations(spec).map((a) => `${a.text} ${a.hovertext ?? ''}`).join('\n');
const titleOf = (spec: PlotSpec) => (spec.layout.title as { text: string }).text;

/** Plain data: no typed arrays, functions or class instances anywhere (Plotly- and JSON-safe). */
function expectPlain(x: unknown, path = 'spec'): void {
  if (x === null || typeof x !== 'object') {
    expect(typeof x, path).not.toBe('function');
    return;
  }
  expect(ArrayBuffer.isView(x), `${path} is a typed array`).toBe(false);
  if (Array.isArray(x)) x.forEach((v, i) => expectPlain(v, `${path}[${i}]`));
  else {
    expect(Object.getPrototypeOf(x), path).toBe(Object.prototype);
    for (const [k, v] of Object.entries(x)) expectPlain(v, `${path}.${k}`);
  }
}

/** Title, axis titles, and every spec plain. */
function expectWellFormed(spec: PlotSpec): void {
  expectPlain(spec);
  expect(titleOf(spec).length).toBeGreaterThan(10);
  const xa = spec.layout.xaxis as { title?: { text: string } } | undefined;
  const ya = spec.layout.yaxis as { title?: { text: string } } | undefined;
  expect(xa?.title?.text !== undefined || ya?.title?.text !== undefined).toBe(true);
  for (const t of spec.data) expect(['scatter', 'bar']).toContain(t.type);
}

// ---------------------------------------------------------------------------------------

describe('palette', () => {
  it('gives each group index one fixed colour, distinct for the first 16', () => {
    expect(new Set(GROUP_PALETTE).size).toBe(GROUP_PALETTE.length);
    expect(GROUP_PALETTE.length).toBeGreaterThanOrEqual(16);
    expect(groupColor(2)).toBe(GROUP_PALETTE[2]);
    expect(groupColor(GROUP_PALETTE.length + 1)).toBe(GROUP_PALETTE[1]);
  });

  it('uses the same colour for a group across audit charts', () => {
    const bars = trace(disparityBarsSpec(attr, 'selectionRate', 'A'), 0);
    const colors = (bars.marker as { color: string[] }).color;
    const roc = rocCurvesSpec(LEVELS.map((level, g) => ({ level, ...index.rocCurve(0, g) })));
    const sweep = selectionVsThresholdSpec(index.sweep([0.25, 0.5, 0.75]), LEVELS, 0.5);
    const cal = calibrationSpec(attr.groups.map((g) => ({ level: g.level, bins: g.metrics.calibration })));
    LEVELS.forEach((_, g) => {
      expect(colors[g]).toBe(groupColor(g));
      expect((trace(roc, g + 1).line as { color: string }).color).toBe(groupColor(g));
      expect((trace(sweep, g).line as { color: string }).color).toBe(groupColor(g));
      expect((trace(cal, g + 1).line as { color: string }).color).toBe(groupColor(g));
    });
  });
});

describe('disparityBarsSpec', () => {
  it('draws each group relative to the reference with the four-fifths band', () => {
    const spec = disparityBarsSpec(attr, 'selectionRate', 'A');
    expectWellFormed(spec);
    expect(spec.data).toHaveLength(1);
    const t = trace(spec, 0);
    expect(arr<string>(t, 'x')).toEqual(['A (n=12)', 'B (n=6)', 'C (n=6)', 'D (n=0)']);
    const sr = attr.groups.map((g) => g.metrics.selectionRate.value as number);
    const y = arr(t, 'y');
    expect(y[0]).toBe(1);
    expect(y[1]).toBe(0); // B really selects nobody: a true 0
    expect(y[2]).toBeCloseTo(sr[2] / sr[0], 12);
    expect(y[3]).toBeNull(); // D is empty: undefined, not 0
    const band = shapes(spec).find((s) => s.type === 'rect') as Trace;
    expect(band).toMatchObject({ xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: 0.8, y1: 1.25 });
    expect(FOUR_FIFTHS_BAND).toEqual([0.8, 1.25]);
    expect(shapes(spec).some((s) => s.type === 'line' && s.y0 === 1 && s.y1 === 1)).toBe(true);
    expect(annotationText(spec)).toContain('the group has no leads');
    expect(arr<string>(t, 'hovertext')[3]).toMatch(/undefined \(the group has no leads\)/);
    expect(arr<string>(t, 'hovertext')[2]).toMatch(/outside the four-fifths band/);
    expect(((spec.layout.yaxis as { range: number[] }).range)[1]).toBeGreaterThan(1.25);
  });

  it('leaves a gap with the reason when the metric is undefined for a group', () => {
    const spec = disparityBarsSpec(attr, 'truePositiveRate', 'A');
    const y = arr(trace(spec, 0), 'y');
    expect(y[2]).toBeNull(); // C has no converters
    expect(y[3]).toBeNull();
    const text = annotationText(spec);
    expect(text).toContain('undefined (no lead in this group converted)');
    const a = annotations(spec).find((x) => String(x.hovertext).startsWith('C:')) as Trace;
    expect(a).toMatchObject({ x: 'C (n=6)', y: 0 });
  });

  it('says why every ratio is undefined when the reference rate is 0', () => {
    const spec = disparityBarsSpec(attr, 'selectionRate', 'B');
    expect(arr(trace(spec, 0), 'y')).toEqual([null, null, null, null]);
    expect(annotationText(spec)).toContain("the reference group's value is 0");
  });

  it('gives a difference variant without the band, and error bars from bootstrap intervals', () => {
    const spec = disparityDifferenceSpec(attrBoot, 'selectionRate', 'A');
    expectWellFormed(spec);
    const t = trace(spec, 0);
    const y = arr(t, 'y');
    const sr = attrBoot.groups.map((g) => g.metrics.selectionRate.value as number);
    expect(y[0]).toBe(0);
    expect(y[2]).toBeCloseTo(sr[2] - sr[0], 12);
    expect(y[3]).toBeNull();
    expect(shapes(spec).some((s) => s.type === 'rect')).toBe(false);
    const e = t.error_y as { type: string; symmetric: boolean; array: number[]; arrayminus: number[] };
    expect(e).toMatchObject({ type: 'data', symmetric: false });
    expect(e.array).toHaveLength(4);
    expect(Number.isNaN(e.array[0])).toBe(true); // the reference itself has no bar
    expect(e.array[2]).toBeGreaterThanOrEqual(0);
    expect(e.arrayminus[2]).toBeGreaterThanOrEqual(0);
    const iv = attrBoot.groups[2].intervals?.selectionRate;
    expect(y[2]! + e.array[2]).toBeCloseTo((iv?.upper as number) - sr[0], 12);
    expect(arr<string>(t, 'hovertext')[2]).toMatch(/95% interval/);
  });

  it('says so when there is no reference group', () => {
    const spec = disparityBarsSpec(attr, 'selectionRate', null);
    expect(arr(trace(spec, 0), 'y')).toEqual([null, null, null, null]);
    expect(annotationText(spec)).toContain('no reference group is set');
  });
});

describe('groupMetricBarsSpec', () => {
  it('draws grouped bars, n in the ticks, gaps with reasons, small groups flagged', () => {
    const spec = groupMetricBarsSpec(attrBoot, ['selectionRate', 'truePositiveRate', 'precision'], { minGroupSize: 10 });
    expectWellFormed(spec);
    expect(spec.data).toHaveLength(3);
    expect(spec.layout.barmode).toBe('group');
    for (const t of spec.data) expect(arr<string>(t, 'x')).toEqual(['A (n=12)', 'B (n=6)', 'C (n=6)', 'D (n=0)']);
    const [sel, tpr, prec] = spec.data;
    expect(arr(sel, 'y')[1]).toBe(0); // a real 0
    expect(arr(sel, 'y')[3]).toBeNull();
    expect(arr(tpr, 'y')[2]).toBeNull();
    expect(arr(prec, 'y')[1]).toBeNull(); // B: nobody selected
    expect(arr(prec, 'y')[0]).toBeCloseTo(attrBoot.groups[0].metrics.precision.value as number, 12);
    const text = annotationText(spec);
    expect(text).toContain('B: precision (PPV) undefined (the model selects nobody in this group)');
    expect(text).toContain('C: true positive rate undefined (no lead in this group converted)');
    expect(text).toMatch(/fewer than 10 leads/);
    const pattern = (sel.marker as { pattern: { shape: string[] } }).pattern.shape;
    expect(pattern).toEqual(['', '/', '/', '/']);
    const e = sel.error_y as { type: string; symmetric: boolean; array: number[]; arrayminus: number[] };
    expect(e).toMatchObject({ type: 'data', symmetric: false });
    const iv = attrBoot.groups[0].intervals?.selectionRate;
    const v0 = arr(sel, 'y')[0] as number;
    expect(v0 + e.array[0]).toBeCloseTo(iv?.upper as number, 12);
    expect(v0 - e.arrayminus[0]).toBeCloseTo(iv?.lower as number, 12);
    expect(Number.isNaN(e.array[3])).toBe(true);
    // the "undefined" marker of B's precision sits over B's third bar
    const a = annotations(spec).find((x) => String(x.hovertext).startsWith('B: precision')) as Trace;
    expect(a.x).toBeCloseTo(1 - 0.4 + 2.5 * (0.8 / 3), 12);
  });

  it('has no error bars without intervals', () => {
    const spec = groupMetricBarsSpec(attr, ['selectionRate']);
    expect(trace(spec, 0).error_y).toBeUndefined();
  });
});

describe('rocCurvesSpec and calibrationSpec', () => {
  it('draws one ROC curve per group, the chance line, and no curve for a one-class group', () => {
    const curves = LEVELS.map((level, g) => ({ level, ...index.rocCurve(0, g) }));
    const spec = rocCurvesSpec(curves, { overall: index.rocCurve(null) });
    expectWellFormed(spec);
    expect(spec.data).toHaveLength(1 + 4 + 1);
    expect(trace(spec, 0)).toMatchObject({ x: [0, 1], y: [0, 1] });
    const a = trace(spec, 1);
    expect(a.name).toBe(`A (AUC ${(attr.groups[0].metrics.rocAuc.value as number).toFixed(3)})`);
    const ax = arr<number>(a, 'x');
    expect(ax[0]).toBe(0);
    expect(ax[ax.length - 1]).toBe(1);
    const c = trace(spec, 3);
    expect(arr(c, 'y').every((v) => v === null)).toBe(true);
    expect(String(c.name)).toContain('undefined');
    const text = annotationText(spec);
    expect(text).toContain('C: undefined (only one outcome occurs in this group)');
    expect(text).toContain('D: undefined (the group has no leads)');
  });

  it('thins long curves but keeps their ends', () => {
    const n = 5000;
    const fpr = Float64Array.from({ length: n }, (_, i) => i / (n - 1));
    const tpr = Float64Array.from(fpr, (v) => Math.sqrt(v));
    const spec = rocCurvesSpec([{ level: 'all', fpr, tpr, thresholds: Float64Array.from(fpr, (v) => 1 - v), auc: { value: 2 / 3 } }]);
    const x = arr<number>(trace(spec, 1), 'x');
    expect(x.length).toBeLessThan(1200);
    expect(x[0]).toBe(0);
    expect(x[x.length - 1]).toBe(1);
  });

  it('draws a reliability diagram with gaps for empty bins and marker size by count', () => {
    const spec = calibrationSpec(attr.groups.map((g) => ({ level: g.level, bins: g.metrics.calibration })));
    expectWellFormed(spec);
    expect(spec.data).toHaveLength(1 + 4);
    expect(trace(spec, 0)).toMatchObject({ x: [0, 1], y: [0, 1] });
    const a = trace(spec, 1);
    const bins = attr.groups[0].metrics.calibration;
    const y = arr(a, 'y');
    expect(y).toHaveLength(10);
    bins.forEach((b, k) => {
      if (b.count === 0) expect(y[k]).toBeNull();
      else expect(y[k]).toBe(b.observedRate);
    });
    const sizes = (a.marker as { size: number[] }).size;
    const big = bins.reduce((m, b, k) => (b.count > bins[m].count ? k : m), 0);
    const small = bins.findIndex((b) => b.count > 0 && b.count < bins[big].count);
    expect(sizes[big]).toBeGreaterThan(sizes[small]);
    expect(arr(trace(spec, 4), 'y').every((v) => v === null)).toBe(true);
    expect(annotationText(spec)).toContain('D: undefined (the group has no leads)');
  });
});

describe('selectionVsThresholdSpec', () => {
  it('draws selection rate per group against the threshold with the current threshold line', () => {
    const th = [0.1, 0.3, 0.5, 0.7, 0.9];
    const spec = selectionVsThresholdSpec(index.sweep(th), LEVELS, 0.5);
    expectWellFormed(spec);
    expect(spec.data).toHaveLength(5); // 4 groups + everyone
    const a = trace(spec, 0);
    expect(arr<number>(a, 'x')).toEqual(th);
    expect(arr(a, 'y')[2]).toBeCloseTo(attr.groups[0].metrics.selectionRate.value as number, 12);
    expect(arr(trace(spec, 3), 'y')).toEqual([null, null, null, null, null]);
    expect(annotationText(spec)).toContain('D: undefined (the group has no leads)');
    expect(shapes(spec)).toContainEqual(expect.objectContaining({ type: 'line', x0: 0.5, x1: 0.5, yref: 'paper' }));
    expect(annotationText(spec)).toContain('current threshold 0.50');
  });

  it('draws no threshold line for a top-k rule and shows TPR gaps with reasons', () => {
    const spec = selectionVsThresholdSpec(index.sweep([0.2, 0.6]), LEVELS, null, { metric: 'truePositiveRate', overall: false });
    expect(spec.data).toHaveLength(4);
    expect(shapes(spec)).toHaveLength(0);
    expect(arr(trace(spec, 2), 'y')).toEqual([null, null]);
    expect(annotationText(spec)).toContain('C: undefined (no lead in this group converted)');
  });
});

describe('SHAP charts', () => {
  it('shapBarSpec sorts columns by mean |SHAP|, largest first and on top', () => {
    const spec = shapBarSpec(shap);
    expectWellFormed(spec);
    const t = trace(spec, 0);
    expect(arr<string>(t, 'y')).toEqual(['b', 'a', 'd', 'c']);
    const x = arr<number>(t, 'x');
    expect(x[0]).toBeCloseTo((0.05 + 0.02 + 0.3) / 3, 15);
    expect(x[1]).toBeCloseTo((0.2 + 0.1 + 0.05) / 3, 15);
    for (let k = 1; k < x.length; k++) expect(x[k]).toBeLessThanOrEqual(x[k - 1]);
    expect((spec.layout.yaxis as { autorange: string }).autorange).toBe('reversed');
  });

  it('shapBarSpec folds columns beyond maxColumns and adds group bars in group colours', () => {
    const spec = shapBarSpec(shap, {
      maxColumns: 3,
      byGroup: [
        { level: 'A', code: 0, meanAbs: [1, 2, 3, 4] },
        { level: 'B', code: 1, meanAbs: [0, 0, 0, 0] },
      ],
    });
    const t = trace(spec, 0);
    expect(arr<string>(t, 'y')).toEqual(['b', 'a', 'other 2 columns (sum)']);
    expect(arr<number>(t, 'x')[2]).toBeCloseTo(0.01 + (0.1 + 0.05 + 0.01) / 3, 15);
    expect(spec.data).toHaveLength(3);
    expect(arr<number>(trace(spec, 1), 'x')).toEqual([2, 1, 7]);
    expect((trace(spec, 2).marker as { color: string }).color).toBe(groupColor(1));
  });

  it('swarmOffsets stacks equal values alternately, within ±0.4', () => {
    expect(Array.from(swarmOffsets([0, 0, 0, 0, 0], 0, 1))).toEqual([0, 0.2, -0.2, 0.4, -0.4]);
    expect(Array.from(swarmOffsets([0, 0.5, 1], 0, 1))).toEqual([0, 0, 0]);
  });

  it('beeswarmSpec: one row per column sorted by importance, coloured by value, missing grey', () => {
    const fv = [
      [0, 0.5, 1],
      [1, null, 0],
      [0.2, 0.4, 0.6],
      [null, null, 0.9],
    ];
    const spec = beeswarmSpec(shap, fv);
    expectWellFormed(spec);
    expect(spec.data).toHaveLength(2);
    const [col, miss] = spec.data;
    expect(arr(col, 'x')).toHaveLength(12 - 3);
    expect(arr(miss, 'x')).toHaveLength(3);
    const yaxis = spec.layout.yaxis as { tickvals: number[]; ticktext: string[] };
    expect(yaxis.ticktext).toEqual(['b', 'a', 'd', 'c']);
    // each point sits within ±0.4 of its column's row, and carries its own SHAP value and colour
    const rank: Record<string, number> = { b: 0, a: 1, d: 2, c: 3 };
    const x = arr<number>(col, 'x');
    const y = arr<number>(col, 'y');
    const c = (col.marker as { color: number[] }).color;
    const seen = new Set<string>();
    for (let k = 0; k < x.length; k++) {
      const hit = ['a', 'b', 'c', 'd'].flatMap((n, j) =>
        VALUES.map((r, i) => ({ n, i, j, v: r[j] })).filter((p) => p.v === x[k] && Math.abs(y[k] - rank[p.n]) <= 0.4 && fv[p.j][p.i] === c[k]),
      );
      expect(hit.length).toBeGreaterThan(0);
      seen.add(`${hit[0].n}${hit[0].i}`);
    }
    expect(seen.size).toBe(9);
    expect((col.marker as { cmin: number; cmax: number }).cmax).toBe(1);
    expect(arr<string>(miss, 'hovertext').every((h) => h.includes('missing'))).toBe(true);
    expect(beeswarmSpec(shap, fv)).toEqual(spec); // deterministic
  });

  it('waterfallSpec: bars run from the base value to the prediction', () => {
    for (const row of [0, 1, 2]) {
      const spec = waterfallSpec(shap, row);
      expectWellFormed(spec);
      const bars = trace(spec, 0);
      const x = arr<number>(bars, 'x');
      const base = arr<number>(bars, 'base');
      const pred = shap.predictions[row];
      expect(Math.abs(x.reduce((s, v) => s + v, 0) - (pred - BASE))).toBeLessThan(1e-12);
      expect(base[0]).toBe(BASE);
      for (let k = 1; k < x.length; k++) expect(base[k]).toBeCloseTo(base[k - 1] + x[k - 1], 14);
      expect(Math.abs(base[x.length - 1] + x[x.length - 1] - pred)).toBeLessThan(1e-12);
      const ends = trace(spec, 1);
      expect(arr<number>(ends, 'x')).toEqual([BASE, pred]);
    }
    const spec = waterfallSpec(shap, 0, ['a = 1', 'b = x', 'c = 3', 'd = 4']);
    // largest |value| last (on top, ending at the score); colours by sign
    expect((spec.layout.yaxis as { ticktext: string[] }).ticktext).toEqual(['average score', 'c = 3', 'b = x', 'd = 4', 'a = 1', 'this lead']);
    expect(arr<number>(trace(spec, 0), 'x')).toEqual([0.01, -0.05, 0.1, 0.2]);
    const colors = (trace(spec, 0).marker as { color: string[] }).color;
    expect(colors[1]).not.toBe(colors[0]);
    expect(colors[0]).toBe(colors[2]);
  });

  it('waterfallSpec folds small columns into "other N columns" and closes a residual', () => {
    const spec = waterfallSpec(shap, 0, undefined, { maxBars: 3 });
    const t = trace(spec, 0);
    expect((spec.layout.yaxis as { ticktext: string[] }).ticktext).toEqual(['average score', 'other 2 columns', 'd', 'a', 'this lead']);
    expect(arr<number>(t, 'x')[0]).toBeCloseTo(-0.04, 15);
    expect(Math.abs(arr<number>(t, 'x').reduce((s, v) => s + v, 0) - (shap.predictions[0] - BASE))).toBeLessThan(1e-12);

    const off: ShapleyView = { ...shap, predictions: Float64Array.from([shap.predictions[0] + 0.01, 0, 0]) };
    const r = waterfallSpec(off, 0);
    const x = arr<number>(trace(r, 0), 'x');
    expect((r.layout.yaxis as { ticktext: string[] }).ticktext[1]).toBe('not attributed');
    expect(Math.abs(x.reduce((s, v) => s + v, 0) - (off.predictions[0] - BASE))).toBeLessThan(1e-12);
    // a lead that was not explained gives a message, not a crash
    expect(waterfallSpec(shap, 7).data).toHaveLength(0);
  });

  it('dependenceSpec: SHAP against value per group; missing numeric values are not drawn', () => {
    const spec = dependenceSpec(shap, 0, [1.5, Number.NaN, 3], Int32Array.from([1, 0, 1]), ['F', 'M']);
    expectWellFormed(spec);
    expect(spec.data).toHaveLength(1); // lead 2 (group 0) has no value
    const t = trace(spec, 0);
    expect(t.name).toBe('M (n=2)');
    expect(arr(t, 'x')).toEqual([1.5, 3]);
    expect(arr(t, 'y')).toEqual([0.2, 0.05]);
    expect((t.marker as { color: string }).color).toBe(groupColor(1));
    expect(annotationText(spec)).toContain('1 lead with no value for a not shown');

    const cat = dependenceSpec(shap, 1, ['x', 'y', Number.NaN] as unknown as string[], Int32Array.from([0, 1, -1]), ['F', 'M']);
    expect(cat.data).toHaveLength(3);
    expect((cat.layout.xaxis as { ticktext: string[] }).ticktext).toEqual(['x', 'y', '(missing)']);
    expect(trace(cat, 2).name).toBe('group missing');
    const x0 = arr<number>(trace(cat, 0), 'x')[0];
    expect(Math.abs(x0 - 0)).toBeLessThanOrEqual(0.25);
    expect(Math.abs(arr<number>(trace(cat, 2), 'x')[0] - 2)).toBeLessThanOrEqual(0.25);
  });

  it('groupDifferenceSpec: bars per column sum to the gap, which is annotated', () => {
    const gap = parityGapAttribution(shap, Int32Array.from([0, 0, 1]), 0, 1);
    const spec = groupDifferenceSpec(gap, shap.players, 'F', 'M');
    expectWellFormed(spec);
    const t = trace(spec, 0);
    const x = arr<number>(t, 'x');
    expect(Math.abs(x.reduce((s, v) => s + v, 0) - gap.gap)).toBeLessThan(1e-12);
    const abs = x.map(Math.abs);
    for (let k = 1; k < abs.length; k++) expect(abs[k]).toBeLessThanOrEqual(abs[k - 1]);
    expect(arr<string>(t, 'y')[0]).toBe('b'); // b: (−0.05 + 0.02)/2 − (−0.3) = 0.285
    expect(annotationText(spec)).toContain(`Total gap +${gap.gap.toFixed(4)}`);

    const folded = groupDifferenceSpec(gap, ['a', 'b', 'c', 'd'], 'F', 'M', { maxColumns: 2 });
    const fx = arr<number>(trace(folded, 0), 'x');
    expect(arr<string>(trace(folded, 0), 'y')).toEqual(['b', 'other 3 columns']);
    expect(Math.abs(fx[0] + fx[1] - gap.gap)).toBeLessThan(1e-12);
  });

  it('groupDifferenceSpec: an empty group gives null bars and the reason', () => {
    const gap = parityGapAttribution(shap, Int32Array.from([0, 0, 0]), 0, 1);
    expect(Number.isNaN(gap.gap)).toBe(true);
    const spec = groupDifferenceSpec(gap, ['a', 'b', 'c', 'd'], 'F', 'M');
    expect(arr(trace(spec, 0), 'x')).toEqual([null, null, null, null]);
    expect(annotationText(spec)).toContain('undefined (one of the two groups has no explained leads)');
  });
});

describe('proxyRankingSpec and importanceSpec', () => {
  const groups = Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
  const report = proxyStrength(
    [
      { name: 'noise', kind: 'numeric', values: Float64Array.from({ length: 40 }, (_, i) => (i * 7919) % 13) },
      { name: 'postcode', kind: 'numeric', values: Float64Array.from({ length: 40 }, (_, i) => i + (i < 20 ? 0 : 100)) },
      { name: 'channel', kind: 'categorical', codes: Int32Array.from({ length: 40 }, (_, i) => (i < 15 ? 0 : 1)), nLevels: 2 },
    ],
    groups,
  );

  it('ranks columns by strength with the likely-proxy line at 1', () => {
    const spec = proxyRankingSpec(report, { groupLevels: ['F', 'M'], attributeName: 'gender' });
    expectWellFormed(spec);
    const t = trace(spec, 0);
    expect(arr<string>(t, 'y')).toEqual(report.columns.map((c) => c.name));
    const xs = arr<number>(t, 'x');
    for (let k = 1; k < xs.length; k++) expect(xs[k]).toBeLessThanOrEqual(xs[k - 1]);
    expect(arr<number>(t, 'x')).toEqual(report.columns.map((c) => c.strength));
    expect(shapes(spec)).toContainEqual(expect.objectContaining({ type: 'line', x0: 1, x1: 1 }));
    expect(arr<string>(t, 'hovertext')[0]).toMatch(/likely proxy/);
    expect(arr<string>(t, 'hovertext')[0]).toMatch(/group "(F|M)"/);
    const colors = (t.marker as { color: string[] }).color;
    expect(colors[0]).not.toBe(colors[colors.length - 1]);
  });

  it('shows NMI or AUC with their own thresholds, and undefined AUC as a gap', () => {
    const nmi = proxyRankingSpec(report, { measure: 'nmi' });
    expect(shapes(nmi)[0]).toMatchObject({ x0: report.nmiThreshold });
    const x = arr<number>(trace(nmi, 0), 'x');
    for (let k = 1; k < x.length; k++) expect(x[k]).toBeLessThanOrEqual(x[k - 1]);
    const broken: ProxyReport = {
      ...report,
      columns: [{ ...report.columns[0], name: 'empty', maxAuc: Number.NaN, bestGroup: -1, auc: Float64Array.of(Number.NaN, Number.NaN) }, report.columns[1]],
    };
    const auc = proxyRankingSpec(broken, { measure: 'auc' });
    expect(shapes(auc)[0]).toMatchObject({ x0: 0.7 });
    const t = trace(auc, 0);
    expect(arr<string>(t, 'y')[1]).toBe('empty'); // undefined sorts last
    expect(arr(t, 'x')[1]).toBeNull();
    expect(annotationText(auc)).toContain('empty: AUC undefined (the group has no leads)');
  });

  it('importanceSpec sorts by mean with ± std whiskers; NaN is a gap', () => {
    const result: PermutationImportanceResult = {
      score: 'demographic-parity',
      baseline: 0.2,
      evaluations: 100,
      players: [
        { name: 'a', mean: 0.02, std: 0.01, repeats: Float64Array.of(0.01, 0.03) },
        { name: 'b', mean: 0.1, std: 0.02, repeats: Float64Array.of(0.08, 0.12) },
        { name: 'c', mean: Number.NaN, std: Number.NaN, repeats: Float64Array.of(Number.NaN) },
        { name: 'd', mean: -0.01, std: 0.005, repeats: Float64Array.of(-0.01) },
      ],
    };
    const spec = importanceSpec(result);
    expectWellFormed(spec);
    const t = trace(spec, 0);
    expect(arr<string>(t, 'y')).toEqual(['b', 'a', 'd', 'c']);
    expect(arr(t, 'x')).toEqual([0.1, 0.02, -0.01, null]);
    expect((t.error_x as { array: number[] }).array.slice(0, 3)).toEqual([0.02, 0.01, 0.005]);
    expect(arr<string>(t, 'hovertext')[0]).toContain('50.0% of the gap');
    expect(annotationText(spec)).toContain('c: importance undefined');
  });
});

describe('paretoSpec', () => {
  const points: ParetoPoint[] = [
    { name: 'baseline', accuracy: 0.85, disparity: 0.2, onFrontier: true, interval: [0.15, 0.26] },
    { name: 'reweighing', accuracy: 0.84, disparity: 0.1, onFrontier: true },
    { name: 'drop postcode', accuracy: 0.8, disparity: 0.15, onFrontier: false },
    { name: 't=0.4', accuracy: 0.83, disparity: 0.05, onFrontier: true, sweep: 'group thresholds' },
    { name: 't=0.5', accuracy: 0.82, disparity: 0.08, onFrontier: false, sweep: 'group thresholds' },
    { name: 't=0.6', accuracy: 0.81, disparity: 0.03, onFrontier: true, sweep: 'group thresholds' },
    { name: 'broken', accuracy: Number.NaN, disparity: 0.1, onFrontier: false },
  ];

  it('draws the frontier through the frontier points sorted by disparity', () => {
    const spec = paretoSpec(points, 'demographic parity difference');
    expectWellFormed(spec);
    const frontier = trace(spec, 0);
    expect(frontier.mode).toBe('lines');
    expect(arr(frontier, 'x')).toEqual([0.03, 0.05, 0.1, 0.2]);
    expect(arr(frontier, 'y')).toEqual([0.81, 0.83, 0.84, 0.85]);
  });

  it('connects sweeps in order, labels scenarios, highlights the baseline, notes undrawable points', () => {
    const spec = paretoSpec(points, 'demographic parity difference');
    expect(spec.data).toHaveLength(4); // frontier, one sweep, scenarios, baseline
    const sweep = trace(spec, 1);
    expect(sweep.name).toBe('sweep: group thresholds');
    expect(sweep.mode).toBe('lines+markers');
    expect(arr(sweep, 'x')).toEqual([0.05, 0.08, 0.03]);
    const single = trace(spec, 2);
    expect(arr<string>(single, 'text')).toEqual(['reweighing', 'drop postcode']);
    const base = trace(spec, 3);
    expect(base).toMatchObject({ x: [0.2], y: [0.85], text: ['baseline'] });
    expect((base.marker as { symbol: string }).symbol).toBe('star');
    expect(base.error_x).toMatchObject({ type: 'data', symmetric: false });
    expect((base.error_x as { array: number[] }).array[0]).toBeCloseTo(0.06, 12);
    expect((base.error_x as { arrayminus: number[] }).arrayminus[0]).toBeCloseTo(0.05, 12);
    expect(annotationText(spec)).toContain('broken');
    expect((spec.layout.xaxis as { title: { text: string } }).title.text).toContain('lower is fairer');
    expect((spec.layout.yaxis as { title: { text: string } }).title.text).toContain('accuracy');
    expect(titleOf(spec)).toContain('demographic parity difference');
  });

  it('takes the baseline by name when given', () => {
    const spec = paretoSpec(points.slice(1, 3), 'DPD', { baseline: 'drop postcode' });
    expect(trace(spec, spec.data.length - 1)).toMatchObject({ text: ['drop postcode'] });
  });

  describe('degenerate scenarios', () => {
    const nobody = { kind: 'selects-nobody' as const, selectionRate: 0.008, message: 'selects 4 of 500 held-out rows (0.8%, under 1.0%): not a trade-off' };
    const everybody = { kind: 'selects-everybody' as const, selectionRate: 1, message: 'selects 500 of 500 held-out rows (100.0%, over 99.0%): not a trade-off' };
    const raw = [
      { name: 'baseline', accuracy: 0.85, disparity: 0.2 },
      { name: 'reweighing', accuracy: 0.84, disparity: 0.1 },
      { name: 'DP constraint', accuracy: 0.88, disparity: 0.004, degenerate: nobody },
      { name: 'everyone', accuracy: 0.3, disparity: 0.0, degenerate: everybody },
      { name: 't=0.9', accuracy: 0.86, disparity: 0.01, sweep: 'thresholds', degenerate: nobody },
      { name: 't=0.5', accuracy: 0.83, disparity: 0.05, sweep: 'thresholds', degenerate: null },
    ];

    it('withFrontier keeps them off the frontier, which then runs through the real trade-offs', () => {
      const pts = withFrontier(raw);
      expect(pts.map((p) => p.onFrontier)).toEqual([true, true, false, false, false, true]);
      expect(pts[2].degenerate).toBe(nobody);
    });

    it('draws them as labelled grey hollow markers that say why, never on the frontier line', () => {
      // even when a caller marks one onFrontier, the line leaves it out
      const pts = withFrontier(raw).map((p) => (p.name === 'DP constraint' ? { ...p, onFrontier: true } : p));
      const spec = paretoSpec(pts, 'demographic parity difference');
      expectWellFormed(spec);
      const line = trace(spec, 0);
      expect(arr(line, 'x')).toEqual([0.05, 0.1, 0.2]);
      const flagged = spec.data.find((t) => /not a trade-off/.test(String(t.name))) as Trace;
      expect(arr(flagged, 'x')).toEqual([0.004, 0.0, 0.01]);
      expect(arr<string>(flagged, 'text')).toEqual(['DP constraint (selects almost nobody)', 'everyone (selects almost everybody)', 't=0.9 (selects almost nobody)']);
      expect(flagged.marker).toMatchObject({ symbol: 'circle-open', color: '#888888' });
      const hover = arr<string>(flagged, 'hovertext');
      expect(hover[0]).toContain(`not a trade-off: ${nobody.message}`);
      expect(hover[0]).not.toContain('a best trade-off');
      expect(hover[1]).toContain(everybody.message);
      // not drawn again among the scenarios or on the sweep curve
      const sweep = spec.data.find((t) => t.name === 'sweep: thresholds') as Trace;
      expect(arr(sweep, 'x')).toEqual([0.05]);
      const single = spec.data.find((t) => t.name === 'scenario') as Trace;
      expect(arr<string>(single, 'text')).toEqual(['reweighing']);
    });

    it('a degenerate baseline stays the baseline, as a hollow grey star', () => {
      const spec = paretoSpec(withFrontier([{ ...raw[0], degenerate: nobody }, raw[1]]), 'DPD');
      const base = spec.data.find((t) => t.name === 'baseline (no mitigation)') as Trace;
      expect(base.marker).toMatchObject({ symbol: 'star-open', color: '#888888' });
      expect(arr<string>(base, 'hovertext')[0]).toContain('not a trade-off');
      expect(arr(trace(spec, 0), 'x')).toEqual([0.1]);
    });
  });
});
