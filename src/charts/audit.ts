/**
 * Audit charts: per-group metrics and disparities from a MetricFrame's AttributeResult, ROC and
 * reliability curves per group, and selection rate against the threshold. Pure functions from
 * results to Plotly {data, layout}; undefined values are gaps (null), never 0, and say why.
 */
import {
  FOUR_FIFTHS_CAVEAT,
  FOUR_FIFTHS_THRESHOLD,
  METRIC_LABELS,
  type AttributeResult,
  type CalibrationBin,
  type Interval,
  type RateKey,
  type RocCurve,
  type SweepSeries,
  type ThresholdSweep,
} from '../core/metrics';
import {
  NEUTRAL,
  axisTitle,
  baseLayout,
  count,
  finiteOrNull,
  groupColor,
  groupLabel,
  num,
  pct,
  reasonText,
  seriesColor,
  undefinedText,
} from './palette';
import type { PlotSpec } from './types';
import { isPercentMetric } from '../core/definitions';

export { isPercentMetric } from '../core/definitions';

function fmtMetric(key: RateKey, v: number | null): string {
  return isPercentMetric(key) ? pct(v) : num(v);
}

function intervalText(key: RateKey, lo: number, hi: number, level: number, asRatio = false): string {
  const f = (v: number) => (asRatio ? num(v, 2) : fmtMetric(key, v));
  return `${Math.round(level * 100)}% interval ${f(lo)} – ${f(hi)}`;
}

function usable(iv: Interval | undefined): iv is Interval & { lower: number; upper: number } {
  return !!iv && iv.lower !== null && iv.upper !== null && Number.isFinite(iv.lower) && Number.isFinite(iv.upper);
}

/** Plotly's asymmetric data error bars; NaN entries draw nothing. */
export function errorBars(y: (number | null)[], lo: (number | null)[], hi: (number | null)[], color = '#333333'): Record<string, unknown> {
  return {
    type: 'data',
    symmetric: false,
    array: y.map((v, i) => (v === null || hi[i] === null ? NaN : Math.max(0, (hi[i] as number) - v))),
    arrayminus: y.map((v, i) => (v === null || lo[i] === null ? NaN : Math.max(0, v - (lo[i] as number)))),
    color,
    thickness: 1.2,
    width: 4,
  };
}

/** An "undefined (reason)" marker at a category's foot, with the full sentence on hover. */
function undefinedAnnotation(x: number | string, hovertext: string, y = 0, text = 'undefined'): Record<string, unknown> {
  return {
    x,
    y,
    xref: 'x',
    yref: 'y',
    text,
    hovertext,
    showarrow: false,
    yanchor: 'bottom',
    font: { size: 11, color: '#444444' },
    bgcolor: 'rgba(255,255,255,0.8)',
  };
}

// ---------------------------------------------------------------------------------------
// 1. disparity to the reference group

export type DisparityVariant = 'ratio' | 'difference';

export interface DisparityBarsOptions {
  /** 'ratio' (default): group ÷ reference, with the four-fifths band; 'difference': group − reference */
  variant?: DisparityVariant;
}

/** The four-fifths band: ratios in [0.8, 1.25] are within a fifth of the reference either way. */
export const FOUR_FIFTHS_BAND: readonly [number, number] = [FOUR_FIFTHS_THRESHOLD, 1 / FOUR_FIFTHS_THRESHOLD];

/**
 * Per group, the metric relative to the reference group: a ratio (with the four-fifths band
 * 0.8–1.25 shaded) or a signed difference. Error bars come from the bootstrap intervals when the
 * frame has them (the comparison's own interval when present; otherwise the group's interval
 * divided by — or minus — the reference's point value, which leaves out the reference's own
 * uncertainty, as the hover says). `reference` defaults to the frame's reference group.
 */
export function disparityBarsSpec(
  attr: AttributeResult,
  metricKey: RateKey,
  reference: string | null = attr.reference,
  options: DisparityBarsOptions = {},
): PlotSpec {
  const variant = options.variant ?? 'ratio';
  const isRatio = variant === 'ratio';
  const label = METRIC_LABELS[metricKey];
  const groups = attr.groups;
  const refIdx = reference === null ? -1 : groups.findIndex((g) => g.level === reference);
  const ref = refIdx >= 0 ? groups[refIdx] : null;
  const refRate = ref ? ref.metrics[metricKey] : null;
  const r = refRate?.value ?? null;
  // the frame's own comparisons (with intervals) are to attr.reference
  const fromFrame = ref && ref.level === attr.reference ? attr.disparities.perMetric[metricKey]?.toReference : undefined;
  const x = groups.map((g) => groupLabel(g.level, g.count));
  const y: (number | null)[] = [];
  const lo: (number | null)[] = [];
  const hi: (number | null)[] = [];
  const hover: string[] = [];
  const annotations: Record<string, unknown>[] = [];
  const what = isRatio ? `${label} ratio` : `${label} difference`;

  groups.forEach((g, i) => {
    const rate = g.metrics[metricKey];
    const v = rate.value;
    let value: number | null = null;
    let why: string | null = null;
    if (!ref) why = undefinedText(reference === null ? 'no-reference' : `there is no group "${reference}" to compare with`);
    else if (r === null) why = `undefined (the reference group's ${label} is undefined: ${reasonText(refRate?.reason)})`;
    else if (v === null) why = undefinedText(rate.reason ?? 'group-undefined');
    else if (isRatio && r === 0) why = undefinedText('reference-zero');
    else value = i === refIdx ? (isRatio ? 1 : 0) : isRatio ? v / r : v - r;
    y.push(value);
    let lower: number | null = null;
    let upper: number | null = null;
    let ivNote = '';
    if (value !== null && i !== refIdx) {
      const own = fromFrame?.[i]?.[variant].interval;
      const gi = g.intervals?.[metricKey];
      if (usable(own)) {
        lower = own.lower;
        upper = own.upper;
        ivNote = intervalText(metricKey, lower, upper, own.level, isRatio);
      } else if (usable(gi) && r !== null && r !== 0) {
        lower = isRatio ? gi.lower / r : gi.lower - r;
        upper = isRatio ? gi.upper / r : gi.upper - r;
        ivNote = `${intervalText(metricKey, lower, upper, gi.level, isRatio)} (this group's uncertainty only; the reference's rate held fixed)`;
      }
    }
    lo.push(lower);
    hi.push(upper);
    const head = `<b>${x[i]}</b>${i === refIdx ? ' — reference group' : ''}${g.small ? ' — small group, noisy' : ''}`;
    if (value === null) {
      const text = `${what} ${why}`;
      hover.push(`${head}<br>${text}`);
      annotations.push(undefinedAnnotation(x[i], `${g.level}: ${text}`));
      return;
    }
    const lines = [head, `${label}: ${fmtMetric(metricKey, v)} vs ${fmtMetric(metricKey, r)} for ${ref?.level} (reference)`];
    if (isRatio) {
      const inBand = value >= FOUR_FIFTHS_BAND[0] - 1e-12 && value <= FOUR_FIFTHS_BAND[1] + 1e-12;
      lines.push(`ratio ${num(value, 2)} — ${inBand ? 'inside' : 'outside'} the four-fifths band (0.80–1.25)`);
    } else {
      lines.push(`difference ${isPercentMetric(metricKey) ? `${value >= 0 ? '+' : '−'}${(Math.abs(value) * 100).toFixed(1)} percentage points` : num(value)}`);
    }
    if (ivNote) lines.push(ivNote);
    if (rate.reason) lines.push(`note: shown as ${fmtMetric(metricKey, v)} as fairlearn does, but it is ${undefinedText(rate.reason)}`);
    hover.push(lines.join('<br>'));
  });

  const anyInterval = hi.some((v) => v !== null);
  const bar: Record<string, unknown> = {
    type: 'bar',
    name: what,
    x,
    y,
    marker: {
      color: groups.map((_, i) => groupColor(i)),
      opacity: groups.map((g) => (g.small ? 0.5 : 0.9)),
      pattern: { shape: groups.map((g) => (g.small ? '/' : '')) },
      line: { color: '#222222', width: groups.map((_, i) => (i === refIdx ? 2 : 0)) },
    },
    hovertext: hover,
    hoverinfo: 'text',
    showlegend: false,
  };
  if (anyInterval) bar.error_y = errorBars(y, lo, hi);

  const shapes: Record<string, unknown>[] = [];
  if (isRatio) {
    shapes.push({
      type: 'rect',
      xref: 'paper',
      x0: 0,
      x1: 1,
      yref: 'y',
      y0: FOUR_FIFTHS_BAND[0],
      y1: FOUR_FIFTHS_BAND[1],
      fillcolor: NEUTRAL.band,
      line: { width: 0 },
      layer: 'below',
    });
    annotations.push({
      xref: 'paper',
      x: 1,
      yref: 'y',
      y: FOUR_FIFTHS_BAND[1],
      xanchor: 'right',
      yanchor: 'bottom',
      text: 'four-fifths band (0.80–1.25)',
      hovertext: FOUR_FIFTHS_CAVEAT,
      showarrow: false,
      font: { size: 11, color: '#00704f' },
    });
  }
  shapes.push({
    type: 'line',
    xref: 'paper',
    x0: 0,
    x1: 1,
    yref: 'y',
    y0: isRatio ? 1 : 0,
    y1: isRatio ? 1 : 0,
    line: { color: NEUTRAL.guide, width: 1, dash: 'dot' },
  });
  if (groups.some((g) => g.small)) {
    annotations.push({
      xref: 'paper',
      x: 0,
      yref: 'paper',
      y: 1.02,
      xanchor: 'left',
      yanchor: 'bottom',
      text: 'hatched, faded bars: small groups, noisy',
      showarrow: false,
      font: { size: 11, color: '#555555' },
    });
  }
  const yaxis: Record<string, unknown> = axisTitle(
    isRatio ? `${label} ÷ ${ref?.level ?? 'reference'}'s (1 = same)` : `${label} − ${ref?.level ?? 'reference'}'s (0 = same)`,
    { zeroline: true },
  );
  if (isRatio) {
    let top = 1.35;
    y.forEach((v, i) => {
      if (v !== null) top = Math.max(top, v, hi[i] ?? v);
    });
    yaxis.range = [0, top * 1.1];
  } else if (isPercentMetric(metricKey)) {
    yaxis.tickformat = '+.0%';
  }
  const title = isRatio
    ? `${capital(label)} of each ${attr.name} group relative to ${ref?.level ?? 'the reference group'}`
    : `${capital(label)}: gap of each ${attr.name} group to ${ref?.level ?? 'the reference group'}`;
  return {
    data: [bar],
    layout: baseLayout(title, {
      xaxis: axisTitle(attr.name, { type: 'category', categoryorder: 'array', categoryarray: x }),
      yaxis,
      shapes,
      annotations,
      showlegend: false,
    }),
  };
}

/** The difference variant of `disparityBarsSpec`: group − reference, no four-fifths band. */
export function disparityDifferenceSpec(attr: AttributeResult, metricKey: RateKey, reference: string | null = attr.reference): PlotSpec {
  return disparityBarsSpec(attr, metricKey, reference, { variant: 'difference' });
}

function capital(s: string): string {
  return s.length ? s[0].toUpperCase() + s.slice(1) : s;
}

// ---------------------------------------------------------------------------------------
// 2. grouped metric bars

export interface GroupMetricBarsOptions {
  /** the frame's minGroupSize, for the small-group note (default 30) */
  minGroupSize?: number;
}

/**
 * Grouped bars: one bar per metric per group, with bootstrap intervals as error bars when the
 * frame has them. Tick labels carry each group's size; small groups are hatched and faded, with a
 * note. An undefined metric leaves a gap marked "undefined" (the reason on hover).
 */
export function groupMetricBarsSpec(attr: AttributeResult, metricKeys: readonly RateKey[], options: GroupMetricBarsOptions = {}): PlotSpec {
  const groups = attr.groups;
  const x = groups.map((g) => groupLabel(g.level, g.count));
  const K = metricKeys.length;
  const bargap = 0.2;
  const slot = (1 - bargap) / Math.max(1, K);
  const annotations: Record<string, unknown>[] = [];
  const data = metricKeys.map((key, k) => {
    const label = METRIC_LABELS[key];
    const y: (number | null)[] = [];
    const lo: (number | null)[] = [];
    const hi: (number | null)[] = [];
    const hover: string[] = [];
    groups.forEach((g, i) => {
      const rate = g.metrics[key];
      const v = finiteOrNull(rate.value);
      y.push(v);
      const iv = g.intervals?.[key];
      const ok = v !== null && usable(iv);
      lo.push(ok ? iv.lower : null);
      hi.push(ok ? iv.upper : null);
      const head = `<b>${x[i]}</b>${g.small ? ' — small group, noisy' : ''}`;
      if (v === null) {
        const text = `${label} ${undefinedText(rate.reason)}`;
        hover.push(`${head}<br>${text}`);
        annotations.push({ ...undefinedAnnotation(i - (1 - bargap) / 2 + (k + 0.5) * slot, `${g.level}: ${text}`), textangle: K > 1 ? -90 : 0 });
        return;
      }
      const lines = [head, `${label}: ${fmtMetric(key, v)}`];
      if (ok) lines.push(intervalText(key, iv.lower, iv.upper, iv.level));
      if (rate.reason) lines.push(`note: shown as ${fmtMetric(key, v)} as fairlearn does, but it is ${undefinedText(rate.reason)}`);
      hover.push(lines.join('<br>'));
    });
    const trace: Record<string, unknown> = {
      type: 'bar',
      name: label,
      x,
      y,
      marker: {
        color: seriesColor(k),
        opacity: groups.map((g) => (g.small ? 0.55 : 0.95)),
        pattern: { shape: groups.map((g) => (g.small ? '/' : '')) },
      },
      hovertext: hover,
      hoverinfo: 'text',
    };
    if (hi.some((v) => v !== null)) trace.error_y = errorBars(y, lo, hi);
    return trace;
  });
  if (groups.some((g) => g.small)) {
    annotations.push({
      xref: 'paper',
      x: 0,
      yref: 'paper',
      y: 1.02,
      xanchor: 'left',
      yanchor: 'bottom',
      text: `hatched, faded bars: groups with fewer than ${options.minGroupSize ?? 30} leads — their rates are noisy`,
      showarrow: false,
      font: { size: 11, color: '#555555' },
    });
  }
  const allPercent = metricKeys.every(isPercentMetric);
  const names = metricKeys.map((k) => METRIC_LABELS[k]);
  return {
    data,
    layout: baseLayout(`${capital(names.join(', '))} by ${attr.name}`, {
      barmode: 'group',
      bargap,
      bargroupgap: 0,
      xaxis: axisTitle(attr.name, { type: 'category', categoryorder: 'array', categoryarray: x }),
      yaxis: axisTitle(allPercent ? 'share of the group' : 'value', allPercent ? { tickformat: '.0%', rangemode: 'tozero' } : { rangemode: 'tozero' }),
      annotations,
    }),
  };
}

// ---------------------------------------------------------------------------------------
// 3. ROC curves and reliability diagram

export type LabelledRocCurve = RocCurve & { level: string };

/** Whether every value is a finite number (a loop: a curve over every score has tens of thousands of points, and a copy of them was most of this spec's time). */
function allFinite(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** Keeps the first and last point and every point at least `step` (L1) from the last kept one. */
function thinCurve(x: ArrayLike<number>, y: ArrayLike<number>, step: number): number[] {
  const n = x.length;
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const keep = [0];
  let lx = x[0];
  let ly = y[0];
  for (let i = 1; i < n - 1; i++) {
    if (Math.abs(x[i] - lx) + Math.abs(y[i] - ly) >= step) {
      keep.push(i);
      lx = x[i];
      ly = y[i];
    }
  }
  keep.push(n - 1);
  return keep;
}

export interface RocCurvesOptions {
  /** the curve over everyone, drawn dashed in grey */
  overall?: RocCurve;
  /** minimum L1 distance between drawn points (default 0.002; curves over many scores are thinned) */
  step?: number;
}

/**
 * ROC curves per group (colour = the group's palette colour by its position in `curves`, i.e.
 * level order). A group with one outcome only has no curve: its legend entry and a note say why.
 */
export function rocCurvesSpec(curves: readonly LabelledRocCurve[], options: RocCurvesOptions = {}): PlotSpec {
  const step = options.step ?? 0.002;
  const annotations: Record<string, unknown>[] = [];
  const curveTrace = (c: RocCurve, name: string, color: string, dash?: string): Record<string, unknown> => {
    const auc = finiteOrNull(c.auc.value);
    const defined = auc !== null && allFinite(c.fpr) && allFinite(c.tpr);
    if (!defined) {
      const text = `${name}: ROC curve and AUC ${undefinedText(c.auc.reason ?? 'one-class')}`;
      annotations.push({
        xref: 'paper',
        yref: 'paper',
        x: 0.98,
        y: 0.04 + 0.07 * annotations.length,
        xanchor: 'right',
        text: `${name}: ${undefinedText(c.auc.reason ?? 'one-class')}`,
        hovertext: text,
        showarrow: false,
        font: { size: 11, color: '#444444' },
      });
      return {
        type: 'scatter',
        mode: 'lines',
        name: `${name} — AUC undefined`,
        x: Array.from(c.fpr, () => null),
        y: Array.from(c.tpr, () => null),
        line: dash ? { color, width: 2, dash } : { color, width: 2 },
        hovertext: Array.from(c.fpr, () => text),
        hoverinfo: 'text',
      };
    }
    const idx = thinCurve(c.fpr, c.tpr, step);
    return {
      type: 'scatter',
      mode: 'lines',
      name: `${name} (AUC ${num(auc)})`,
      x: idx.map((i) => c.fpr[i]),
      y: idx.map((i) => c.tpr[i]),
      line: dash ? { color, width: 2, dash } : { color, width: 2 },
      hovertext: idx.map((i) => {
        const t = c.thresholds[i];
        const at = Number.isFinite(t) ? `selecting scores ≥ ${num(t)}` : 'selecting nobody';
        return `<b>${name}</b>, ${at}<br>finds ${pct(c.tpr[i])} of those who converted<br>also selects ${pct(c.fpr[i])} of those who did not`;
      }),
      hoverinfo: 'text',
    };
  };
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'chance (random order)',
      x: [0, 1],
      y: [0, 1],
      line: { color: NEUTRAL.guide, dash: 'dot', width: 1 },
      hoverinfo: 'skip',
    },
  ];
  curves.forEach((c, g) => data.push(curveTrace(c, c.level, groupColor(g))));
  if (options.overall) data.push(curveTrace(options.overall, 'everyone', NEUTRAL.overall, 'dash'));
  return {
    data,
    layout: baseLayout('How well the score ranks converters above non-converters, per group (ROC)', {
      xaxis: axisTitle('false positive rate: share of non-converters selected', { range: [0, 1], tickformat: '.0%', constrain: 'domain' }),
      yaxis: axisTitle('true positive rate: share of converters found', { range: [0, 1.02], tickformat: '.0%', scaleanchor: 'x' }),
      annotations,
      height: 420,
    }),
  };
}

export interface CalibrationGroup {
  level: string;
  bins: readonly CalibrationBin[];
}

/**
 * Reliability diagram per group: mean score against observed conversion rate in each of the ten
 * score bins, marker area ~ leads in the bin, with the diagonal of perfect calibration. An empty
 * bin is a gap (null), not a point at 0.
 */
export function calibrationSpec(groups: readonly CalibrationGroup[]): PlotSpec {
  let maxCount = 0;
  for (const g of groups) for (const b of g.bins) if (b.count > maxCount) maxCount = b.count;
  const annotations: Record<string, unknown>[] = [];
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'perfectly calibrated',
      x: [0, 1],
      y: [0, 1],
      line: { color: NEUTRAL.guide, dash: 'dot', width: 1 },
      hoverinfo: 'skip',
    },
  ];
  groups.forEach((g, gi) => {
    const empty = g.bins.every((b) => b.meanScore === null || b.observedRate === null);
    if (empty) {
      annotations.push({
        xref: 'paper',
        yref: 'paper',
        x: 0.98,
        y: 0.04 + 0.07 * annotations.length,
        xanchor: 'right',
        text: `${g.level}: ${undefinedText('empty-group')}`,
        hovertext: `${g.level}: calibration ${undefinedText('empty-group')}`,
        showarrow: false,
        font: { size: 11, color: '#444444' },
      });
    }
    const range = (b: CalibrationBin) => `${num(b.lower, 1)}–${num(b.upper, 1)}`;
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: empty ? `${g.level} — no leads` : g.level,
      x: g.bins.map((b) => (b.meanScore === null ? (b.lower + b.upper) / 2 : b.meanScore)),
      y: g.bins.map((b) => (b.meanScore === null ? null : finiteOrNull(b.observedRate))),
      connectgaps: false,
      line: { color: groupColor(gi), width: 1.5 },
      marker: {
        color: groupColor(gi),
        size: g.bins.map((b) => (maxCount > 0 && b.count > 0 ? 5 + 17 * Math.sqrt(b.count / maxCount) : 0)),
        line: { color: '#ffffff', width: 0.5 },
      },
      hovertext: g.bins.map((b) =>
        b.meanScore === null || b.observedRate === null
          ? `<b>${g.level}</b>, scores ${range(b)}: no leads in this bin (nothing to compare)`
          : `<b>${g.level}</b>, scores ${range(b)} (${count(b.count)} leads)<br>average score ${pct(b.meanScore)}<br>actually converted ${pct(b.observedRate)}`,
      ),
      hoverinfo: 'text',
    });
  });
  return {
    data,
    layout: baseLayout('Do the scores mean the same for every group? (reliability diagram)', {
      xaxis: axisTitle('average score in the bin', { range: [0, 1], tickformat: '.0%', constrain: 'domain' }),
      yaxis: axisTitle('share that actually converted', { range: [0, 1.02], tickformat: '.0%', scaleanchor: 'x' }),
      annotations,
      height: 420,
    }),
  };
}

// ---------------------------------------------------------------------------------------
// 4. selection rate against the threshold

export type SweepMetric = 'selectionRate' | 'truePositiveRate' | 'falsePositiveRate';

export interface SelectionVsThresholdOptions {
  /** which attribute of the sweep (default 0) */
  attribute?: number;
  /** default 'selectionRate' */
  metric?: SweepMetric;
  /** draw the everyone curve (default true) */
  overall?: boolean;
}

const SWEEP_TEXT: Record<SweepMetric, { axis: string; verb: string }> = {
  selectionRate: { axis: 'share of the group selected', verb: 'selects' },
  truePositiveRate: { axis: 'share of converters found (TPR)', verb: 'finds (of its converters)' },
  falsePositiveRate: { axis: 'share of non-converters selected (FPR)', verb: 'selects (of its non-converters)' },
};

/**
 * Selection rate (or TPR / FPR) per group against the threshold, with a vertical line at the
 * current threshold (none when `threshold` is null, e.g. a top-k rule).
 */
export function selectionVsThresholdSpec(
  sweep: ThresholdSweep,
  levels: readonly string[],
  threshold: number | null = null,
  options: SelectionVsThresholdOptions = {},
): PlotSpec {
  const metric = options.metric ?? 'selectionRate';
  const a = options.attribute ?? 0;
  const th = Array.from(sweep.thresholds);
  const series = sweep.groups[a] ?? [];
  const annotations: Record<string, unknown>[] = [];
  const { axis, verb } = SWEEP_TEXT[metric];
  const trace = (s: SweepSeries, name: string, color: string, dash?: string): Record<string, unknown> => {
    const reason = s.reasons[metric];
    const y = Array.from(s[metric], finiteOrNull);
    const undef = reason !== undefined || y.every((v) => v === null);
    if (undef) {
      const text = `${name}: ${METRIC_LABELS[metric]} ${undefinedText(reason)}`;
      annotations.push({
        xref: 'paper',
        yref: 'paper',
        x: 0.98,
        y: 0.96 - 0.07 * annotations.length,
        xanchor: 'right',
        text: `${name}: ${undefinedText(reason)}`,
        hovertext: text,
        showarrow: false,
        font: { size: 11, color: '#444444' },
      });
    }
    return {
      type: 'scatter',
      mode: 'lines',
      name: undef ? `${name} — undefined` : name,
      x: th,
      y,
      connectgaps: false,
      line: dash ? { color, width: 2, dash } : { color, width: 2 },
      hovertext: th.map((t, k) =>
        y[k] === null ? `<b>${name}</b>, threshold ${num(t, 2)}: ${undefinedText(reason)}` : `<b>${name}</b>, threshold ${num(t, 2)}<br>${verb} ${pct(y[k])}`,
      ),
      hoverinfo: 'text',
    };
  };
  const data = series.map((s, g) => trace(s, levels[g] ?? `group ${g + 1}`, groupColor(g)));
  if (options.overall !== false) data.push(trace(sweep.overall, 'everyone', NEUTRAL.overall, 'dash'));
  const title =
    metric === 'selectionRate'
      ? 'How many of each group the model selects at each threshold'
      : `${capital(METRIC_LABELS[metric])} of each group at each threshold`;
  const spec: PlotSpec = {
    data,
    layout: baseLayout(title, {
      xaxis: axisTitle('threshold: leads scoring at least this are selected', { range: [0, 1] }),
      yaxis: axisTitle(axis, { range: [0, 1.02], tickformat: '.0%' }),
      shapes: [],
      annotations,
    }),
  };
  return withThresholdMarker(spec, threshold);
}

/**
 * The same chart with a dashed vertical line and a label at `threshold` (none for null, e.g.
 * a top-k rule). The data arrays are the very same objects as in `spec`, so Plotly.react
 * only moves the line when the threshold changes and the curves are not redrawn.
 */
export function withThresholdMarker(spec: PlotSpec, threshold: number | null): PlotSpec {
  if (threshold === null || !Number.isFinite(threshold)) return spec;
  const layout = spec.layout as { shapes?: Record<string, unknown>[]; annotations?: Record<string, unknown>[] };
  return {
    data: spec.data,
    layout: {
      ...spec.layout,
      shapes: [...(layout.shapes ?? []), { type: 'line', xref: 'x', x0: threshold, x1: threshold, yref: 'paper', y0: 0, y1: 1, line: { color: '#222222', width: 1.5, dash: 'dash' } }],
      annotations: [
        ...(layout.annotations ?? []),
        { xref: 'x', x: threshold, yref: 'paper', y: 1, yanchor: 'bottom', text: `current threshold ${num(threshold, 2)}`, showarrow: false, font: { size: 11 } },
      ],
    },
  };
}
