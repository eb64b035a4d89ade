/**
 * The light bar-chart scene (charts/bar-scene.ts): the same spec Plotly would draw, laid out as
 * shapes in pixels, so the charts that follow a threshold drag need no Plotly draw.
 */
import { describe, expect, it } from 'vitest';
import { barScene, niceTicks, plainText } from '../../src/charts/bar-scene';
import { disparityBarsSpec, groupMetricBarsSpec, proxyRankingSpec, shapBarSpec, withThresholdMarker, selectionVsThresholdSpec } from '../../src/charts';
import { attributeFromColumns, computeMetricFrame } from '../../src/core/metrics';
import { proxyStrength } from '../../src/core/explain';

const labels = Uint8Array.from([1, 0, 1, 0, 1, 0, 0, 0]);
const scores = Float64Array.from([0.9, 0.8, 0.7, 0.2, 0.6, 0.1, 0.3, 0.4]);
const g = { type: 'categorical' as const, name: 'sex', codes: Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]), levels: ['F', 'M'] };
const frame = computeMetricFrame({ labels, scores, attributes: [attributeFromColumns([g], 'sex')] }, { minGroupSize: 1 });
const attr = frame.attributes[0];

describe('barScene', () => {
  it('draws one bar per group and metric at the right height', () => {
    const spec = groupMetricBarsSpec(attr, ['selectionRate']);
    const scene = barScene(spec, 500)!;
    expect(scene).not.toBeNull();
    expect(scene.bars).toHaveLength(2);
    // F selects 3 of 4 (75 %), M 1 of 4 (25 %): the F bar is three times as tall
    const [f, m] = scene.bars;
    expect(f.height / m.height).toBeCloseTo(3, 6);
    expect(f.title).toContain('75.0%');
    // the tick labels are percentages
    expect(scene.texts.some((t) => t.text === '20%')).toBe(true);
  });

  it('draws the four-fifths band as a rectangle behind ratio bars', () => {
    const scene = barScene(disparityBarsSpec(attr, 'selectionRate', 'F'), 500)!;
    expect(scene.rects.length).toBeGreaterThan(0);
    expect(scene.bars).toHaveLength(2);
    expect(scene.texts.some((t) => t.text.includes('four-fifths'))).toBe(true);
  });

  it('refuses what it cannot draw (a line chart), so the page falls back to Plotly', () => {
    const sweep = { thresholds: Float64Array.of(0.25, 0.5, 0.75), overall: { selectionRate: Float64Array.of(0.7, 0.5, 0.2), truePositiveRate: Float64Array.of(1, 1, 0.3), falsePositiveRate: Float64Array.of(0.6, 0.2, 0.2), reasons: {} }, groups: [] };
    expect(barScene(selectionVsThresholdSpec(sweep as never, []), 500)).toBeNull();
  });

  it('lays horizontal bars down the categories, first on top, with the proxy line', () => {
    const shap = { method: 'exact' as const, output: 'probability' as const, players: [{ name: 'age' }, { name: 'job' }], nRows: 2, nPlayers: 2, baseValue: 0.1, predictions: Float64Array.of(0.2, 0.3), values: Float64Array.of(0.3, -0.2, -0.1, 0.3), errors: new Float64Array(4), permutations: 0, evaluations: 0, plannedEvaluations: 0, batches: 0 };
    const scene = barScene(shapBarSpec(shap as never), 600)!;
    expect(scene.bars).toHaveLength(2);
    // mean |SHAP|: job 0.25 > age 0.2; the larger is drawn first, on top, and longer
    const [first, second] = [...scene.bars].sort((a, b) => a.y - b.y);
    expect(first.width / second.width).toBeCloseTo(0.25 / 0.2, 6);
    expect(first.title).toContain('job');
    const groups = Int32Array.from({ length: 40 }, (_, i) => i % 2);
    const report = proxyStrength(
      [
        { name: 'zip', kind: 'categorical', codes: Int32Array.from(groups), nLevels: 2 },
        { name: 'income', kind: 'numeric', values: Float64Array.from({ length: 40 }, (_, i) => (i * 37) % 11) },
      ],
      groups,
    );
    const proxy = proxyRankingSpec(report);
    const ps = barScene(proxy, 600)!;
    expect(ps.bars).toHaveLength(2);
    expect(ps.lines.some((l) => l.dash && Math.abs(l.x1 - l.x2) < 1e-9)).toBe(true);
  });

  it('rounds ticks and reads Plotly text', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
    expect(plainText('<b>A</b><br>x &lt; 2')).toBe('A\nx < 2');
  });
});

describe('withThresholdMarker', () => {
  it('adds the line and its label and keeps the data arrays themselves', () => {
    const sweep = { thresholds: Float64Array.of(0.25, 0.5), overall: { selectionRate: Float64Array.of(0.7, 0.5), truePositiveRate: Float64Array.of(1, 1), falsePositiveRate: Float64Array.of(0.6, 0.2), reasons: {} }, groups: [] };
    const base = selectionVsThresholdSpec(sweep as never, []);
    const marked = withThresholdMarker(base, 0.3);
    expect(marked.data).toBe(base.data);
    expect((marked.layout.shapes as unknown[]).length).toBe(1);
    expect(withThresholdMarker(base, null)).toBe(base);
  });
});
