/**
 * Simulation charts: the feedback loop round by round. Pure functions from simulation results
 * (src/core/simulate) to Plotly {data, layout}; every group keeps its palette colour, every
 * remedy its series colour, and a value that does not exist is a gap, never 0.
 *
 * - gapByRoundSpec: the demographic parity difference (or the equal opportunity difference on
 *   true outcomes) by round, one line per remedy — the loop running away or closing.
 * - beliefVsTruthSpec: per group, the conversion rate the CRM believes (observed labels,
 *   dashed) against the true one (solid) — the selective-labels gap made visible.
 * - missedConversionsSpec: per group, true converters nobody called, by round.
 * - selectionByRoundSpec: per group, the share of leads called, by round.
 */
import type { RoundResult, SimulationResult } from '../core/simulate';
import { axisTitle, baseLayout, count, groupColor, num, pct, seriesColor } from './palette';
import type { PlotSpec } from './types';

/** A simulation shown under a name (e.g. its remedy). */
export interface NamedSimulation {
  name: string;
  result: Pick<SimulationResult, 'rounds' | 'groups' | 'disfavoured'>;
}

type GapMetric = 'demographicParityDifference' | 'trueEqualOpportunityDifference';

const GAP_TEXT: Record<GapMetric, { title: string; axis: string; hover: string }> = {
  demographicParityDifference: {
    title: 'Gap in who gets called, round by round',
    axis: 'selection-rate gap (largest − smallest)',
    hover: 'selection-rate gap',
  },
  trueEqualOpportunityDifference: {
    title: 'Gap in which true converters get called, round by round',
    axis: 'gap in true converters called',
    hover: 'gap in the share of true converters called',
  },
};

function rounds(r: Pick<SimulationResult, 'rounds'>): number[] {
  return r.rounds.map((x) => x.round);
}

/** One line per simulation: a between-group gap by round (lower = fairer). */
export function gapByRoundSpec(sims: readonly NamedSimulation[], metric: GapMetric = 'demographicParityDifference'): PlotSpec {
  const t = GAP_TEXT[metric];
  const data = sims.map((s, k) => {
    const y = s.result.rounds.map((r) => r[metric]);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: s.name,
      x: rounds(s.result),
      y,
      line: { color: seriesColor(k), width: 2 },
      marker: { color: seriesColor(k), size: 7 },
      hovertext: s.result.rounds.map((r, i) => `<b>${s.name}</b>, round ${r.round}<br>${t.hover}: ${y[i] === null ? 'undefined' : pct(y[i], 1)}`),
      hoverinfo: 'text',
    };
  });
  return {
    data,
    layout: baseLayout(t.title, {
      xaxis: axisTitle('round (each: score → call → observe → retrain)', { tickformat: 'd', dtick: 1 }),
      yaxis: axisTitle(t.axis, { tickformat: '.0%', rangemode: 'tozero' }),
      height: 360,
    }),
  };
}

/** Per group: the conversion rate the CRM believes (dashed) against the true one (solid), by round. */
export function beliefVsTruthSpec(sim: NamedSimulation): PlotSpec {
  const { groups, disfavoured } = sim.result;
  const x = rounds(sim.result);
  const data: Record<string, unknown>[] = [];
  groups.forEach((g, gi) => {
    const color = groupColor(gi);
    const label = g === disfavoured ? `${g} (disfavoured)` : g;
    const truth = sim.result.rounds.map((r) => r.trueConversionRate[g] ?? null);
    const believed = sim.result.rounds.map((r) => r.observedConversionRate[g] ?? null);
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `${label}: true`,
      x,
      y: truth,
      line: { color, width: 2 },
      hovertext: truth.map((v, i) => `<b>${label}</b>, round ${x[i]}<br>true conversion rate ${pct(v)}`),
      hoverinfo: 'text',
    });
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${label}: what the CRM believes`,
      x,
      y: believed,
      line: { color, width: 2, dash: 'dash' },
      marker: { color, size: 6 },
      hovertext: believed.map((v, i) => `<b>${label}</b>, round ${x[i]}<br>the CRM records ${pct(v)} converting (true: ${pct(truth[i])})`),
      hoverinfo: 'text',
    });
  });
  return {
    data,
    layout: baseLayout(`What the CRM believes against the truth (${sim.name})`, {
      xaxis: axisTitle('round', { tickformat: 'd', dtick: 1 }),
      yaxis: axisTitle('conversion rate (solid true, dashed recorded)', { tickformat: '.0%', rangemode: 'tozero' }),
      height: 400,
    }),
  };
}

/** One line per group over the rounds, in the group's colour, the disfavoured group named so. */
function perGroupLines(sim: NamedSimulation, value: (r: RoundResult, group: string) => number | null, hover: (v: number | null) => string): Record<string, unknown>[] {
  const { groups, disfavoured } = sim.result;
  const x = rounds(sim.result);
  return groups.map((g, gi) => {
    const y = sim.result.rounds.map((r) => value(r, g));
    const label = g === disfavoured ? `${g} (disfavoured)` : g;
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: label,
      x,
      y,
      line: { color: groupColor(gi), width: 2 },
      marker: { color: groupColor(gi), size: 6 },
      hovertext: y.map((v, i) => `<b>${label}</b>, round ${x[i]}<br>${hover(v)}`),
      hoverinfo: 'text',
    };
  });
}

/** Per group: true converters nobody called, by round. */
export function missedConversionsSpec(sim: NamedSimulation): PlotSpec {
  return {
    data: perGroupLines(sim, (r, g) => r.missedConversions[g] ?? 0, (v) => `${count(v ?? 0)} true converters never called`),
    layout: baseLayout(`Conversions missed: true converters nobody called (${sim.name})`, {
      xaxis: axisTitle('round', { tickformat: 'd', dtick: 1 }),
      yaxis: axisTitle('leads', { rangemode: 'tozero' }),
      height: 360,
    }),
  };
}

/** Per group: the share of its leads called, by round. */
export function selectionByRoundSpec(sim: NamedSimulation): PlotSpec {
  return {
    data: perGroupLines(sim, (r, g) => r.selectionRate[g] ?? null, (v) => `${pct(v)} of its leads called`),
    layout: baseLayout(`Who gets called, by group (${sim.name})`, {
      xaxis: axisTitle('round', { tickformat: 'd', dtick: 1 }),
      yaxis: axisTitle('share of the group called', { tickformat: '.0%', rangemode: 'tozero' }),
      height: 360,
    }),
  };
}

/** The last round's state in one line per simulation, for a summary table or a caption. */
export function lastRoundSummary(sim: NamedSimulation): string {
  const last: RoundResult | undefined = sim.result.rounds[sim.result.rounds.length - 1];
  if (!last) return `${sim.name}: no rounds`;
  const d = sim.result.disfavoured;
  return `${sim.name}, round ${last.round}: selection-rate gap ${pct(last.demographicParityDifference)}; ${d} called ${pct(last.selectionRate[d] ?? null)}, believed to convert at ${pct(last.observedConversionRate[d] ?? null)} (truly ${pct(last.trueConversionRate[d] ?? null)}); accuracy on true outcomes ${num(last.accuracyTrue)}`;
}

