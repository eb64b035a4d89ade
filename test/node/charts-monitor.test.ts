/**
 * The Monitor tab's charts: pure specs from core's monitoring results, drawn by the light
 * scenes (no Plotly), with undefined values as gaps or notes, never 0.
 */
import { describe, expect, it } from 'vitest';
import { describeChart, groupColor } from '../../src/charts';
import { barScene } from '../../src/charts/bar-scene';
import { pointScene } from '../../src/charts/point-scene';
import { DRIFT_COLORS, driftBarsSpec, driftLevel, driftTableRows, JS_MAX, selectionRateDriftSpec, windowDriftSpec, windowMetricSpec } from '../../src/charts/monitor';
import { categoricalDrift, numericDrift, type ColumnDrift, type SelectionRateDrift, type WindowResult } from '../../src/core/monitor';

const age = numericDrift('age', Float64Array.from({ length: 200 }, (_, i) => 20 + (i % 40)), Float64Array.from({ length: 200 }, (_, i) => 35 + (i % 40)));
const job = categoricalDrift('job', { levels: ['a', 'b', 'c'], reference: Float64Array.of(50, 30, 20), current: Float64Array.of(48, 32, 20), missing: { reference: 0, current: 3 } });
const empty = numericDrift('balance', new Float64Array(0), Float64Array.of(1, 2, 3));

describe('drift levels', () => {
  it('reads PSI as stable / moderate / major at 0.1 and 0.25, distances at 0.1, p-values at 0.05', () => {
    expect([0.05, 0.1, 0.2, 0.25, 1].map((v) => driftLevel('psi', v))).toEqual(['stable', 'moderate', 'moderate', 'major', 'major']);
    expect([0.099, 0.1].map((v) => driftLevel('jensenShannon', v))).toEqual(['stable', 'major']);
    expect([0.099, 0.1].map((v) => driftLevel('wasserstein', v))).toEqual(['stable', 'major']);
    expect([0.049, 0.05].map((v) => driftLevel('ksPValue', v))).toEqual(['major', 'stable']);
    expect(driftLevel('chiSquarePValue', 0.01)).toBe('major');
    expect([null, undefined, NaN].map((v) => driftLevel('psi', v))).toEqual(['undefined', 'undefined', 'undefined']);
  });
});

describe('drift table rows', () => {
  it('sorts by PSI (undefined last), scales the bars and picks the p-value by kind', () => {
    const { rows, psiScale } = driftTableRows([job, empty, age]);
    expect(rows.map((r) => r.drift.column)).toEqual(['age', 'job', 'balance']);
    expect(age.psi as number).toBeGreaterThan(0.5);
    expect(psiScale).toBe(age.psi);
    expect(rows[0].psiBar).toBe(1);
    expect(rows[1].psiBar).toBeCloseTo((job.psi as number) / (age.psi as number), 12);
    expect(rows[0].jsBar).toBeCloseTo((age.jensenShannon as number) / JS_MAX, 12);
    expect(rows[0].pValue).toBe(age.ksPValue);
    expect(rows[1].pValue).toBe(job.chiSquarePValue);
    expect(rows[1].level).toBe('stable');
    expect(rows[0].level).toBe('major');
    expect(rows[2]).toMatchObject({ level: 'undefined', psiBar: 0, jsBar: 0, pValue: null });
    expect(rows[1].missingShare).toEqual({ reference: 0, current: 3 / 103 });
    expect(rows[2].missingShare.reference).toBeNull();
  });

  it('keeps a scale of at least 0.5 when every PSI is small', () => {
    expect(driftTableRows([job]).psiScale).toBe(0.5);
  });
});

describe('drift bars', () => {
  it('draws one bar per column and the score, most drifted first, coloured by level, undefined as a note', () => {
    const score = numericDrift('score', Float64Array.from({ length: 100 }, (_, i) => i / 100), Float64Array.from({ length: 100 }, (_, i) => i / 100));
    const spec = driftBarsSpec([job, empty, age], 'psi', score);
    const t = spec.data[0];
    expect(t.y).toEqual(['age', 'job', 'model score', 'balance']);
    expect((t.x as (number | null)[])[3]).toBeNull();
    expect((t.marker as { color: string[] }).color).toEqual([DRIFT_COLORS.major, DRIFT_COLORS.stable, DRIFT_COLORS.stable, DRIFT_COLORS.undefined]);
    expect((spec.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(['undefined (no-reference-values)']);
    expect((spec.layout.shapes as { x0: number }[]).map((s) => s.x0)).toEqual([0.1, 0.25]);
    const scene = barScene(spec, 600);
    expect(scene).not.toBeNull();
    expect(scene!.bars).toHaveLength(3);
    expect(describeChart(spec)).toMatch(/age/);
  });

  it('draws the Jensen–Shannon distance with one guide at 0.1', () => {
    const spec = driftBarsSpec([job, age], 'jensenShannon');
    expect(spec.data[0].x).toEqual([age.jensenShannon, job.jensenShannon]);
    expect((spec.layout.shapes as unknown[]).length).toBe(1);
  });
});

const side = (count: number, selected: number, lo: number, hi: number) => ({ count, selected, rate: selected / count, interval: [lo, hi] as [number, number] });

describe('selection-rate drift', () => {
  it('puts reference and current side by side per group with their Wilson intervals', () => {
    const rates: SelectionRateDrift[] = [
      { attribute: 'age', group: 'young', reference: side(100, 20, 0.13, 0.29), current: side(100, 40, 0.31, 0.5), difference: 0.2, psi: 0.1, jensenShannon: 0.1, chiSquarePValue: 0.01 },
      { attribute: 'age', group: 'old', reference: side(50, 10, 0.11, 0.33), current: { count: 0, selected: 0, rate: null, interval: null }, difference: null, psi: null, jensenShannon: null, chiSquarePValue: null },
      { attribute: 'marital', group: 'single', reference: side(10, 1, 0, 0.4), current: side(10, 1, 0, 0.4), difference: 0, psi: 0, jensenShannon: 0, chiSquarePValue: 1 },
    ];
    const spec = selectionRateDriftSpec(rates, 'age');
    expect(spec.data.map((t) => t.name)).toEqual(['reference', 'current']);
    expect(spec.data[0].x).toEqual(['young', 'old']);
    expect(spec.data[1].y).toEqual([0.4, null]);
    const err = spec.data[1].error_y as { array: number[]; arrayminus: number[] };
    expect(err.array[0]).toBeCloseTo(0.1, 12);
    expect(err.arrayminus[0]).toBeCloseTo(0.09, 12);
    expect(err.array[1]).toBeNaN();
    expect(String((spec.data[1].hovertext as string[])[0])).toMatch(/\+20\.0 points/);
    expect(barScene(spec, 600)).not.toBeNull();
  });
});

function windowOf(key: string, young: number | null, interval: [number, number] | null, drift: number | null): WindowResult {
  const metrics = { selectionRate: young } as Record<string, number | null>;
  return {
    key,
    start: `${key}-01`,
    end: `${key}-28`,
    rows: 100,
    rowsWithOutcome: young === null ? 0 : 100,
    audit:
      young === null
        ? null
        : {
            overall: { group: 'overall', count: 100, small: false, metrics: { selectionRate: 0.3 } as never, intervals: { selectionRate: [0.2, 0.4] } },
            attributes: [{ name: 'age', groups: [{ group: 'young', count: 60, small: false, metrics: metrics as never, intervals: interval ? { selectionRate: interval } : {} }], disparities: {} as never }],
          },
    ...(young === null ? { auditProblem: 'no row of this window has its outcome yet' } : {}),
    drift: { columns: drift === null ? [] : [{ ...job, column: 'job', psi: drift }, { ...job, column: 'age', psi: drift / 2 }], score: { ...age, psi: drift } as ColumnDrift },
  };
}

describe('windows', () => {
  const windows = [windowOf('2024-01', 0.2, [0.1, 0.3], 0.05), windowOf('2024-02', null, null, null), windowOf('2024-03', 0.4, [0.3, 0.5], 0.3)];

  it('draws a metric per window and group, a gap where no outcome is known, intervals as segments', () => {
    const spec = windowMetricSpec(windows, 'selectionRate', 'age');
    expect(spec.data.map((t) => t.name)).toEqual(['young', 'young (95% interval)']);
    expect(spec.data[0].y).toEqual([0.2, null, 0.4]);
    expect(spec.data[1].x).toEqual([0, 0, null, 2, 2, null]);
    expect(spec.data[1].y).toEqual([0.1, 0.3, null, 0.3, 0.5, null]);
    expect((spec.data[0].line as { color: string }).color).toBe(groupColor(0));
    expect((spec.layout.xaxis as { ticktext: string[] }).ticktext).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(pointScene(spec, 600)).not.toBeNull();
    const overall = windowMetricSpec(windows, 'selectionRate', null);
    expect(overall.data[0]).toMatchObject({ name: 'overall', y: [0.3, null, 0.3] });
  });

  it('draws the score PSI and the largest column PSI per window', () => {
    const spec = windowDriftSpec(windows);
    expect(spec.data[0].y).toEqual([0.05, null, 0.3]);
    expect(spec.data[1].y).toEqual([0.05, null, 0.3]);
    expect(String((spec.data[1].hovertext as string[])[2])).toMatch(/\(job\)/);
    expect(pointScene(spec, 600)).not.toBeNull();
  });
});
