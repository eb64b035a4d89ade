/**
 * Chart specs are pure functions from results to Plotly {data, layout}: no Plotly import,
 * no DOM, testable in Node.
 */
import type { PlotSpec } from './types';

export interface GroupRates {
  level: string;
  count: number;
  selectionRate: number | null;
  truePositiveRate: number | null;
}

const COLORS = { selection: '#3b6fb6', tpr: '#d9822b' };

/** Grouped bars: selection rate and true-positive rate per group; undefined rates are drawn as gaps and labelled. */
export function groupRatesSpec(groups: GroupRates[], attribute: string, threshold: number): PlotSpec {
  const x = groups.map((g) => `${g.level} (n=${g.count.toLocaleString('en-US')})`);
  const label = (v: number | null) => (v === null ? 'undefined' : `${(v * 100).toFixed(1)}%`);
  return {
    data: [
      {
        type: 'bar',
        name: 'Selection rate',
        x,
        y: groups.map((g) => g.selectionRate),
        text: groups.map((g) => label(g.selectionRate)),
        textposition: 'outside',
        marker: { color: COLORS.selection },
        hovertemplate: '%{x}<br>Selected: %{text}<extra></extra>',
      },
      {
        type: 'bar',
        name: 'True-positive rate',
        x,
        y: groups.map((g) => g.truePositiveRate),
        text: groups.map((g) => label(g.truePositiveRate)),
        textposition: 'outside',
        marker: { color: COLORS.tpr },
        hovertemplate: '%{x}<br>Converters found: %{text}<extra></extra>',
      },
    ],
    layout: {
      barmode: 'group',
      title: { text: `By ${attribute} at threshold ${threshold.toFixed(2)}` },
      yaxis: { title: { text: 'rate' }, range: [0, 1.1], tickformat: '.0%' },
      xaxis: { title: { text: attribute } },
      margin: { t: 48, r: 16, b: 64, l: 56 },
      legend: { orientation: 'h', y: -0.25 },
      height: 360,
    },
  };
}
