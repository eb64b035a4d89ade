/**
 * Mitigation scenarios: accuracy against disparity, the Pareto frontier of the best trade-offs,
 * threshold/parameter sweeps as curves, and the baseline model highlighted. Degenerate
 * scenarios (selecting almost nobody or everybody, see core's mitigate/degenerate) are drawn
 * apart as grey hollow markers and never join the frontier.
 */
import type { DegenerateSelection } from '../core/mitigate/degenerate';
import { paretoFrontier } from '../core/mitigate/pareto';
import { NEUTRAL, axisTitle, baseLayout, finiteOrNull, num, seriesColor } from './palette';
import type { PlotSpec } from './types';

export interface ParetoPoint {
  name: string;
  accuracy: number;
  /** the parity metric's value (lower = fairer) */
  disparity: number;
  /** uncertainty interval of the disparity (drawn as horizontal error bars) */
  interval?: [number, number];
  onFrontier: boolean;
  /** points sharing a sweep name are joined, in input order, as one curve */
  sweep?: string;
  /** set for a scenario that selects (nearly) nobody or everybody: drawn apart, never on the frontier */
  degenerate?: DegenerateSelection | null;
}

export interface ParetoOptions {
  /** name of the baseline scenario (default: the first whose name contains "baseline") */
  baseline?: string;
}

const FRONTIER_COLOR = '#0072B2';
const BASELINE_COLOR = '#D55E00';
const DEGENERATE_COLOR = NEUTRAL.guide;

/**
 * Scatter of scenarios with accuracy up and disparity along (left = fairer): named scenarios
 * labelled, sweep points joined per sweep, the frontier as a line through the `onFrontier`
 * points sorted by disparity, and the baseline as a large star. A degenerate scenario is a
 * grey hollow marker in its own trace (a hollow grey star for a degenerate baseline), labelled,
 * its hover saying why it is no trade-off; it is left off the frontier line even when marked
 * `onFrontier`. A scenario whose accuracy or disparity is not a finite number is not drawn; a
 * note names it.
 */
export function paretoSpec(points: readonly ParetoPoint[], parityLabel: string, options: ParetoOptions = {}): PlotSpec {
  const baselineName = options.baseline ?? points.find((p) => /baseline/i.test(p.name))?.name;
  const ok = (p: ParetoPoint) => finiteOrNull(p.accuracy) !== null && finiteOrNull(p.disparity) !== null;
  const drawn = points.filter(ok);
  const dropped = points.filter((p) => !ok(p));
  const hover = (p: ParetoPoint) => {
    const lines = [
      `<b>${p.name}</b>${p.name === baselineName ? ' (baseline)' : ''}`,
      `accuracy ${num(p.accuracy, 3)}`,
      `${parityLabel} ${num(p.disparity, 3)}${p.interval ? ` (interval ${num(p.interval[0], 3)} – ${num(p.interval[1], 3)})` : ''}`,
    ];
    if (p.sweep) lines.push(`sweep: ${p.sweep}`);
    if (p.degenerate) lines.push(`not a trade-off: ${p.degenerate.message}`);
    else lines.push(p.onFrontier ? 'a best trade-off: no other scenario is both fairer and more accurate' : 'another scenario is at least as fair and as accurate');
    return lines.join('<br>');
  };
  const errorX = (ps: readonly ParetoPoint[]): Record<string, unknown> | undefined =>
    ps.some((p) => p.interval)
      ? {
          type: 'data',
          symmetric: false,
          array: ps.map((p) => (p.interval ? Math.max(0, p.interval[1] - p.disparity) : NaN)),
          arrayminus: ps.map((p) => (p.interval ? Math.max(0, p.disparity - p.interval[0]) : NaN)),
          color: '#777777',
          thickness: 1,
          width: 3,
        }
      : undefined;
  const withError = (trace: Record<string, unknown>, ps: readonly ParetoPoint[]) => {
    const e = errorX(ps);
    if (e) trace.error_x = e;
    return trace;
  };

  const frontier = drawn.filter((p) => p.onFrontier && !p.degenerate).sort((a, b) => a.disparity - b.disparity || b.accuracy - a.accuracy);
  const data: Record<string, unknown>[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'best trade-offs (Pareto frontier)',
      x: frontier.map((p) => p.disparity),
      y: frontier.map((p) => p.accuracy),
      line: { color: FRONTIER_COLOR, width: 2 },
      hoverinfo: 'skip',
    },
  ];

  // sweeps, as curves in input order
  const sweeps = new Map<string, ParetoPoint[]>();
  for (const p of drawn) {
    if (p.sweep === undefined || p.name === baselineName || p.degenerate) continue;
    const list = sweeps.get(p.sweep) ?? [];
    list.push(p);
    sweeps.set(p.sweep, list);
  }
  let s = 0;
  for (const [name, ps] of sweeps) {
    data.push(
      withError(
        {
          type: 'scatter',
          mode: 'lines+markers',
          name: `sweep: ${name}`,
          x: ps.map((p) => p.disparity),
          y: ps.map((p) => p.accuracy),
          line: { color: seriesColor(s + 1), width: 1.5, dash: 'dot' },
          marker: { color: seriesColor(s + 1), size: ps.map((p) => (p.onFrontier ? 9 : 6)), symbol: ps.map((p) => (p.onFrontier ? 'circle' : 'circle-open')) },
          hovertext: ps.map(hover),
          hoverinfo: 'text',
        },
        ps,
      ),
    );
    s++;
  }

  // single scenarios, labelled
  const single = drawn.filter((p) => p.sweep === undefined && p.name !== baselineName && !p.degenerate);
  data.push(
    withError(
      {
        type: 'scatter',
        mode: 'markers+text',
        name: 'scenario',
        x: single.map((p) => p.disparity),
        y: single.map((p) => p.accuracy),
        text: single.map((p) => p.name),
        textposition: 'top center',
        marker: {
          size: 10,
          color: single.map((p) => (p.onFrontier ? FRONTIER_COLOR : NEUTRAL.missing)),
          line: { color: '#333333', width: 1 },
        },
        hovertext: single.map(hover),
        hoverinfo: 'text',
      },
      single,
    ),
  );

  // degenerate scenarios: grey hollow markers, labelled, apart from every trade-off
  const degenerate = drawn.filter((p) => p.degenerate && p.name !== baselineName);
  if (degenerate.length) {
    data.push(
      withError(
        {
          type: 'scatter',
          mode: 'markers+text',
          name: 'not a trade-off (selects almost nobody or everybody)',
          x: degenerate.map((p) => p.disparity),
          y: degenerate.map((p) => p.accuracy),
          text: degenerate.map((p) => `${p.name} (selects almost ${p.degenerate!.kind === 'selects-nobody' ? 'nobody' : 'everybody'})`),
          textposition: 'top center',
          textfont: { color: DEGENERATE_COLOR },
          marker: { size: 10, symbol: 'circle-open', color: DEGENERATE_COLOR, line: { color: DEGENERATE_COLOR, width: 2 } },
          hovertext: degenerate.map(hover),
          hoverinfo: 'text',
        },
        degenerate,
      ),
    );
  }

  const base = drawn.filter((p) => p.name === baselineName);
  if (base.length) {
    const hollow = base.some((p) => p.degenerate);
    data.push(
      withError(
        {
          type: 'scatter',
          mode: 'markers+text',
          name: 'baseline (no mitigation)',
          x: base.map((p) => p.disparity),
          y: base.map((p) => p.accuracy),
          text: base.map((p) => p.name),
          textposition: 'bottom center',
          textfont: { color: BASELINE_COLOR },
          marker: hollow
            ? { symbol: 'star-open', size: 18, color: DEGENERATE_COLOR, line: { color: DEGENERATE_COLOR, width: 2 } }
            : { symbol: 'star', size: 18, color: BASELINE_COLOR, line: { color: '#222222', width: 1 } },
          hovertext: base.map(hover),
          hoverinfo: 'text',
        },
        base,
      ),
    );
  }

  const annotations: Record<string, unknown>[] = [];
  if (dropped.length) {
    const text = `not drawn, accuracy or ${parityLabel} undefined: ${dropped.map((p) => p.name).join(', ')}`;
    annotations.push({ xref: 'paper', yref: 'paper', x: 0, y: 1.02, xanchor: 'left', yanchor: 'bottom', text, hovertext: text, showarrow: false, font: { size: 11, color: '#555555' } });
  }
  annotations.push({
    xref: 'paper',
    yref: 'paper',
    x: 0,
    y: 1,
    xanchor: 'left',
    yanchor: 'top',
    text: 'better ↖ (fairer and more accurate)',
    showarrow: false,
    font: { size: 11, color: '#555555' },
  });
  return {
    data,
    layout: baseLayout(`Accuracy against ${parityLabel} for each mitigation scenario`, {
      xaxis: axisTitle(`${parityLabel} (lower is fairer)`, { rangemode: 'tozero', zeroline: true }),
      yaxis: axisTitle('accuracy (higher is better)'),
      annotations,
      height: 440,
    }),
  };
}

/**
 * Marks the points on the accuracy/disparity frontier (core's `paretoFrontier`), ready for
 * `paretoSpec`. A degenerate point is never on it.
 */
export function withFrontier(points: readonly Omit<ParetoPoint, 'onFrontier'>[]): ParetoPoint[] {
  const on = new Set(
    paretoFrontier(
      points.map((p) => ({
        accuracy: Number.isFinite(p.accuracy) ? p.accuracy : null,
        disparity: Number.isFinite(p.disparity) ? p.disparity : null,
        degenerate: p.degenerate ?? null,
      })),
    ),
  );
  return points.map((p, i) => ({ ...p, onFrontier: on.has(i) }));
}
