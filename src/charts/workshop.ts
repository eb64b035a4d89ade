/**
 * The workshop debrief's chart: per condition, how often people followed the model when it was
 * wrong beside when it was right, with the Wilson intervals of the summary. The gap between the
 * two bars is the workshop's lesson: a high bar on "wrong" is automation bias. Pure: results to
 * a Plotly spec, drawn by the light renderer.
 */
import { conditionLabel, WORKSHOP_DEFINITIONS, type WorkshopSummary } from '../core/workshop';
import { errorBars } from './audit';
import { axisTitle, baseLayout, finiteOrNull, pct, seriesColor, undefinedText } from './palette';
import type { PlotSpec } from './types';

const KEYS = ['followRateWhenModelWrong', 'followRateWhenModelRight'] as const;

export function workshopFollowSpec(summary: WorkshopSummary): PlotSpec {
  const x = summary.conditions.map((c) => conditionLabel(c.condition));
  const data = KEYS.map((key, k) => {
    const label = WORKSHOP_DEFINITIONS[key].label;
    const y = summary.conditions.map((c) => finiteOrNull(c[key]));
    const lo = summary.conditions.map((c) => c.intervals[key]?.[0] ?? null);
    const hi = summary.conditions.map((c) => c.intervals[key]?.[1] ?? null);
    const hover = summary.conditions.map((c, i) => {
      const n = c.counts[key];
      const v = y[i];
      return v === null
        ? `<b>${x[i]}</b><br>${label} ${undefinedText(c.undefinedReasons[key])}`
        : `<b>${x[i]}</b><br>${label}: ${pct(v)} (${n.numerator} of ${n.denominator})${lo[i] !== null ? `<br>${Math.round(summary.intervalLevel * 100)}% interval ${pct(lo[i])} – ${pct(hi[i])}` : ''}`;
    });
    return {
      type: 'bar',
      name: label,
      x,
      y,
      marker: { color: seriesColor(k), opacity: 0.95 },
      error_y: errorBars(y, lo, hi),
      hovertext: hover,
      hoverinfo: 'text',
    };
  });
  return {
    data,
    layout: baseLayout('Did people follow the score when it was wrong?', {
      barmode: 'group',
      bargap: 0.25,
      xaxis: axisTitle('condition', { type: 'category', categoryorder: 'array', categoryarray: x }),
      yaxis: axisTitle('share of decisions that followed the model', { tickformat: '.0%', range: [0, 1] }),
    }),
  };
}
