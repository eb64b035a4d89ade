/**
 * Monitoring charts (the Monitor tab): pure functions from core's monitoring results
 * (src/core/monitor) to Plotly {data, layout}, drawn by the light scenes. A value that does not
 * exist is a gap or an "undefined" note, never 0.
 *
 * Drift levels, the conventional readings shown beside each number (not the policy's verdict,
 * which only the committee's rules decide):
 * - PSI: below 0.1 stable, 0.1 to 0.25 moderate, 0.25 and above major (the credit-scoring
 *   rule of thumb);
 * - Jensen–Shannon distance and normed Wasserstein: 0.1 and above is drift (Evidently's
 *   default thresholds for these tests), below stable;
 * - Kolmogorov–Smirnov and chi-square p-values: below 0.05 is drift (Evidently's default).
 */
import type { ColumnDrift, DriftMeasure, SelectionRateDrift, WindowResult } from '../core/monitor';
import { DRIFT_DEFINITIONS, DRIFT_MEASURES, labelOf, isPercentMetric } from '../core/definitions';
import { axisTitle, baseLayout, count, groupColor, NEUTRAL, num, pct, seriesColor } from './palette';
import type { PlotSpec } from './types';

export type DriftLevel = 'stable' | 'moderate' | 'major' | 'undefined';

/** Colours of the drift levels (Okabe & Ito: green, orange, vermillion; grey for undefined). */
export const DRIFT_COLORS: Record<DriftLevel, string> = { stable: '#009E73', moderate: '#E69F00', major: '#D55E00', undefined: NEUTRAL.missing };

/** Each measure's label, from the one metric table (core/definitions DRIFT_DEFINITIONS). */
export const DRIFT_MEASURE_LABELS: Record<DriftMeasure, string> = Object.fromEntries(DRIFT_MEASURES.map((m) => [m, DRIFT_DEFINITIONS[m].label])) as Record<DriftMeasure, string>;

/** The conventional reading of one drift value (see the module's doc). */
export function driftLevel(measure: DriftMeasure, value: number | null | undefined): DriftLevel {
  if (value === null || value === undefined || Number.isNaN(value)) return 'undefined';
  switch (measure) {
    case 'psi':
      return value >= 0.25 ? 'major' : value >= 0.1 ? 'moderate' : 'stable';
    case 'jensenShannon':
    case 'wasserstein':
      return value >= 0.1 ? 'major' : 'stable';
    case 'ksPValue':
    case 'chiSquarePValue':
      return value < 0.05 ? 'major' : 'stable';
  }
}

/** The largest Jensen–Shannon distance (natural log): √ln 2, for two samples with no bin in common. */
export const JS_MAX = Math.sqrt(Math.LN2);

/** One row of the drift table: the column's drift, its PSI level and the lengths (0–1) of its inline bars. */
export interface DriftTableRow {
  drift: ColumnDrift;
  level: DriftLevel;
  /** PSI on a scale from 0 to the larger of 0.5 and the largest PSI shown */
  psiBar: number;
  /** Jensen–Shannon distance on its own scale, 0 to √ln 2 */
  jsBar: number;
  /** p-value shown: KS for numeric columns, chi-square for categorical ones */
  pValue: number | null;
  /** missing values per side as shares of its rows */
  missingShare: { reference: number | null; current: number | null };
}

/** The drift table's rows, most drifted first by PSI (columns whose PSI is undefined last, by name). */
export function driftTableRows(columns: readonly ColumnDrift[]): { rows: DriftTableRow[]; psiScale: number } {
  const psiScale = Math.max(0.5, ...columns.map((c) => (c.psi !== null && Number.isFinite(c.psi) ? c.psi : 0)));
  const share = (n: number, of: number) => (of > 0 ? n / of : null);
  const rows = columns.map((c) => ({
    drift: c,
    level: driftLevel('psi', c.psi),
    psiBar: c.psi === null ? 0 : Math.min(1, Math.max(0, c.psi) / psiScale),
    jsBar: c.jensenShannon === null ? 0 : Math.min(1, c.jensenShannon / JS_MAX),
    pValue: (c.kind === 'numeric' ? c.ksPValue : c.chiSquarePValue) ?? null,
    missingShare: { reference: share(c.missing.reference, c.rows.reference), current: share(c.missing.current, c.rows.current) },
  }));
  rows.sort((a, b) => (b.drift.psi ?? -Infinity) - (a.drift.psi ?? -Infinity) || (a.drift.column < b.drift.column ? -1 : 1));
  return { rows, psiScale };
}

/** Guide lines across the value axis of a horizontal bar chart, at each of `at`. */
function verticalGuides(at: readonly number[]): Record<string, unknown>[] {
  return at.map((x) => ({ type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1, line: { color: NEUTRAL.guide, width: 1, dash: 'dash' } }));
}

/**
 * One horizontal bar per column (the score too when given) for one drift measure, most drifted
 * at the top, coloured by its level; for PSI dashed guides at 0.1 and 0.25. A column without the
 * measure (or with it undefined) has no bar and says so in an annotation.
 */
export function driftBarsSpec(columns: readonly ColumnDrift[], measure: 'psi' | 'jensenShannon' = 'psi', score?: ColumnDrift): PlotSpec {
  const all = score ? [{ ...score, column: 'model score' }, ...columns] : [...columns];
  const sorted = all.sort((a, b) => (b[measure] ?? -Infinity) - (a[measure] ?? -Infinity) || (a.column < b.column ? -1 : 1));
  const y = sorted.map((c) => c.column);
  const x = sorted.map((c) => c[measure] ?? null);
  const levels = x.map((v) => driftLevel(measure, v));
  const label = DRIFT_MEASURE_LABELS[measure];
  const annotations = sorted
    .map((c, i) => (x[i] === null ? { x: 0, y: c.column, xref: 'x', yref: 'y', xanchor: 'left', text: `undefined (${c.undefined?.[measure] ?? 'no value'})`, showarrow: false, font: { size: 11, color: '#555555' } } : null))
    .filter((a) => a !== null);
  return {
    data: [
      {
        type: 'bar',
        orientation: 'h',
        name: label,
        x,
        y,
        marker: { color: levels.map((l) => DRIFT_COLORS[l]) },
        text: x.map((v) => (v === null ? '' : num(v))),
        textposition: 'outside',
        hovertext: sorted.map((c, i) => `<b>${c.column}</b> (${c.kind})<br>${label} ${x[i] === null ? 'undefined' : num(x[i])}: ${levels[i]}`),
        hoverinfo: 'text',
        showlegend: false,
      },
    ],
    layout: baseLayout(`${label} by column, reference → current`, {
      xaxis: axisTitle(`${label}${measure === 'psi' ? ' (dashed: 0.1 moderate, 0.25 major)' : ' (0 = same distribution)'}`, { rangemode: 'tozero' }),
      yaxis: { automargin: true, autorange: 'reversed' },
      shapes: measure === 'psi' ? verticalGuides([0.1, 0.25]) : verticalGuides([0.1]),
      annotations,
      showlegend: false,
      height: Math.max(220, 90 + 24 * sorted.length),
    }),
  };
}

/**
 * Each group's selection rate in the reference (light) and the current data (solid), grouped by
 * group, with Wilson intervals; the change in points in the hover text.
 */
export function selectionRateDriftSpec(rates: readonly SelectionRateDrift[], attribute: string): PlotSpec {
  const rows = rates.filter((r) => r.attribute === attribute);
  const groups = rows.map((r) => r.group);
  const side = (which: 'reference' | 'current', k: number) => {
    const y = rows.map((r) => r[which].rate);
    const lo = rows.map((r) => r[which].interval?.[0] ?? null);
    const hi = rows.map((r) => r[which].interval?.[1] ?? null);
    return {
      type: 'bar',
      name: which === 'reference' ? 'reference' : 'current',
      x: groups,
      y,
      marker: { color: seriesColor(k), opacity: which === 'reference' ? 0.55 : 1 },
      error_y: {
        type: 'data',
        symmetric: false,
        array: y.map((v, i) => (v === null || hi[i] === null ? NaN : Math.max(0, (hi[i] as number) - v))),
        arrayminus: y.map((v, i) => (v === null || lo[i] === null ? NaN : Math.max(0, v - (lo[i] as number)))),
        color: '#333333',
        thickness: 1.2,
        width: 4,
      },
      hovertext: rows.map(
        (r) => `<b>${attribute}=${r.group}</b>, ${which}<br>selection rate ${pct(r[which].rate)} (${count(r[which].selected)} of ${count(r[which].count)})<br>change ${r.difference === null ? 'undefined' : `${r.difference >= 0 ? '+' : ''}${(r.difference * 100).toFixed(1)} points`}`,
      ),
      hoverinfo: 'text',
    };
  };
  return {
    data: [side('reference', 0), side('current', 1)],
    layout: baseLayout(`Selection rate by ${attribute}: reference and current (95% Wilson intervals)`, {
      barmode: 'group',
      xaxis: axisTitle(attribute),
      yaxis: axisTitle('selection rate', { tickformat: '.0%', rangemode: 'tozero' }),
      height: 360,
    }),
  };
}

/** Windows on a numeric axis (0, 1, 2, …) labelled by their keys. */
function windowAxis(windows: readonly Pick<WindowResult, 'key'>[], title: string): Record<string, unknown> {
  return axisTitle(title, { tickvals: windows.map((_, i) => i), ticktext: windows.map((w) => w.key), range: [-0.5, Math.max(0.5, windows.length - 0.5)] });
}

/**
 * One audit metric per window: a line per group of the attribute (the overall value without
 * one), each window's 95% Wilson interval as a vertical segment in the group's colour. Windows
 * where no outcome is known are gaps.
 */
export function windowMetricSpec(windows: readonly WindowResult[], metric: string, attribute: string | null): PlotSpec {
  const percent = isPercentMetric(metric);
  const fmt = (v: number | null) => (percent ? pct(v) : num(v));
  const series: { name: string; color: string; at: (w: WindowResult) => { value: number | null; interval: readonly [number | null, number | null] | null; n: number } | null }[] = [];
  if (attribute === null) {
    series.push({
      name: 'overall',
      color: NEUTRAL.overall,
      at: (w) => (w.audit ? { value: w.audit.overall.metrics[metric as keyof typeof w.audit.overall.metrics] ?? null, interval: w.audit.overall.intervals[metric as keyof typeof w.audit.overall.intervals] ?? null, n: w.audit.overall.count } : null),
    });
  } else {
    const groups: string[] = [];
    for (const w of windows) for (const g of w.audit?.attributes.find((a) => a.name === attribute)?.groups ?? []) if (!groups.includes(g.group)) groups.push(g.group);
    groups.forEach((group, gi) =>
      series.push({
        name: group,
        color: groupColor(gi),
        at: (w) => {
          const g = w.audit?.attributes.find((a) => a.name === attribute)?.groups.find((x) => x.group === group);
          return g ? { value: g.metrics[metric as keyof typeof g.metrics] ?? null, interval: g.intervals[metric as keyof typeof g.intervals] ?? null, n: g.count } : null;
        },
      }),
    );
  }
  const data: Record<string, unknown>[] = [];
  for (const s of series) {
    const points = windows.map((w) => s.at(w));
    const x = windows.map((_, i) => i);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: s.name,
      x,
      y: points.map((p) => p?.value ?? null),
      line: { color: s.color, width: 2 },
      marker: { color: s.color, size: 7 },
      hovertext: points.map((p, i) => `<b>${s.name}</b>, ${windows[i].key}<br>${labelOf(metric)} ${p ? fmt(p.value) : 'no outcomes'}${p?.interval && p.interval[0] !== null ? ` (95% ${fmt(p.interval[0])}–${fmt(p.interval[1])})` : ''}${p ? `<br>n=${count(p.n)}` : ''}`),
      hoverinfo: 'text',
    });
    // intervals: one vertical segment per window, broken by nulls
    const ix: (number | null)[] = [];
    const iy: (number | null)[] = [];
    points.forEach((p, i) => {
      if (!p?.interval || p.interval[0] === null || p.interval[1] === null) return;
      ix.push(i, i, null);
      iy.push(p.interval[0], p.interval[1], null);
    });
    if (ix.length > 0) data.push({ type: 'scatter', mode: 'lines', name: `${s.name} (95% interval)`, x: ix, y: iy, line: { color: s.color, width: 1 }, opacity: 0.6, showlegend: false, hoverinfo: 'skip' });
  }
  return {
    data,
    layout: baseLayout(`${labelOf(metric)} by window${attribute ? ` and ${attribute}` : ''} (rows with known outcomes)`, {
      xaxis: windowAxis(windows, 'window'),
      yaxis: axisTitle(labelOf(metric), percent ? { tickformat: '.0%', rangemode: 'tozero' } : { rangemode: 'tozero' }),
      height: 380,
    }),
  };
}

/**
 * Drift of each window against the reference: the scores' PSI and the largest column PSI
 * (its column named in the hover text), with the 0.1 and 0.25 levels as dashed lines.
 */
export function windowDriftSpec(windows: readonly WindowResult[]): PlotSpec {
  const x = windows.map((_, i) => i);
  const scorePsi = windows.map((w) => w.drift?.score.psi ?? null);
  const worst = windows.map((w) => (w.drift?.columns ?? []).reduce<ColumnDrift | null>((m, c) => (c.psi !== null && (m === null || (m.psi as number) < c.psi) ? c : m), null));
  const guide = (v: number) => ({ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: v, y1: v, line: { color: NEUTRAL.guide, width: 1, dash: 'dash' } });
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'model score',
        x,
        y: scorePsi,
        line: { color: seriesColor(0), width: 2 },
        marker: { color: seriesColor(0), size: 7 },
        hovertext: windows.map((w, i) => `<b>${w.key}</b> (${count(w.rows)} rows)<br>score PSI ${scorePsi[i] === null ? 'undefined' : num(scorePsi[i])}`),
        hoverinfo: 'text',
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'largest column PSI',
        x,
        y: worst.map((c) => c?.psi ?? null),
        line: { color: seriesColor(1), width: 2, dash: 'dot' },
        marker: { color: seriesColor(1), size: 7 },
        hovertext: windows.map((w, i) => `<b>${w.key}</b><br>largest column PSI ${worst[i] ? `${num(worst[i].psi)} (${worst[i].column})` : 'undefined'}`),
        hoverinfo: 'text',
      },
    ],
    layout: baseLayout('Drift of each window against the reference (PSI; dashed: 0.1, 0.25)', {
      xaxis: windowAxis(windows, 'window'),
      yaxis: axisTitle('PSI', { rangemode: 'tozero' }),
      shapes: [guide(0.1), guide(0.25)],
      height: 340,
    }),
  };
}
