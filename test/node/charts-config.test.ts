/**
 * How charts are mounted and described: no Plotly control that can send data away, and a text
 * summary for every chart that matches what is drawn.
 */
import { describe, expect, it } from 'vitest';
import { PLOTLY_CONFIG, describeChart, groupMetricBarsSpec, paretoSpec, withFrontier } from '../../src/charts';
import { computeMetricFrame, attributeFromColumns } from '../../src/core/metrics';

describe('PLOTLY_CONFIG', () => {
  it('turns off the mode bar and every cloud, share and link feature', () => {
    expect(PLOTLY_CONFIG.displayModeBar).toBe(false);
    expect(PLOTLY_CONFIG.showSendToCloud).toBe(false);
    expect(PLOTLY_CONFIG.showEditInChartStudio).toBe(false);
    expect(PLOTLY_CONFIG.showLink).toBe(false);
    expect(PLOTLY_CONFIG.displaylogo).toBe(false);
    expect(PLOTLY_CONFIG.sendData).toBe(false);
    expect(PLOTLY_CONFIG.plotlyServerURL).toBe('');
    // Plotly 4 names the share button sendChartToCloud (3.x: sendDataToCloud): both removed
    expect(PLOTLY_CONFIG.modeBarButtonsToRemove).toEqual(expect.arrayContaining(['sendChartToCloud', 'sendDataToCloud']));
  });
});

describe('describeChart', () => {
  const labels = Uint8Array.from([1, 0, 1, 0, 1, 0, 0, 0]);
  const scores = Float64Array.from([0.9, 0.8, 0.7, 0.2, 0.6, 0.1, 0.3, 0.4]);
  const g = { type: 'categorical' as const, name: 'sex', codes: Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]), levels: ['F', 'M'] };
  const frame = computeMetricFrame({ labels, scores, attributes: [attributeFromColumns([g], 'sex')] }, { minGroupSize: 1 });

  it('lists each group value of a bar chart, as percentages on a percent axis', () => {
    const text = describeChart(groupMetricBarsSpec(frame.attributes[0], ['selectionRate']));
    expect(text).toMatch(/selection rate/i);
    // F: 2 of 4 selected at 0.5 (0.9, 0.8, 0.7 ≥ 0.5 → 3 of 4); M: 0.6 → 1 of 4
    expect(text).toContain('75.0%');
    expect(text).toContain('25.0%');
  });

  it('summarises long series by size and range and keeps the notes', () => {
    const pts = withFrontier([
      { name: 'baseline', accuracy: 0.9, disparity: 0.1 },
      { name: 'b', accuracy: 0.85, disparity: 0.02 },
      { name: 'c', accuracy: Number.NaN, disparity: 0.05 },
    ]);
    const text = describeChart(paretoSpec(pts, 'DP difference'));
    expect(text).toContain('Accuracy against DP difference');
    expect(text).toMatch(/not drawn/);
  });
});
