/**
 * The drift measures in the one metric table: every JSON key has its label, formula, columns
 * and digits there; the monitoring HTML prints its headers and definitions from it (PSI named
 * by its bins), and the policy's evidence names a measure a column kind lacks by its label.
 */
import { describe, expect, it } from 'vitest';
import { DRIFT_DEFINITIONS, DRIFT_MEASURES, definitionOf, labelOf, psiDefinition } from '../../src/core/definitions';
import { categoricalDrift, numericDrift } from '../../src/core/monitor/drift';
import { evaluatePolicy, validatePolicy } from '../../src/core/monitor/policy';
import { renderMonitorHtml, type MonitorReportJson } from '../../src/cli/monitor-html';

function report(bins: unknown): MonitorReportJson {
  const side = { file: 'x.csv', sha256: 'ab', rows: 4, rowsWithOutcome: 4 };
  return {
    generatedBy: 'test',
    input: { reference: side, current: { ...side, file: 'y.csv' }, target: 'y', positive: '1', bins },
    drift: {
      columns: [numericDrift('amount', Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 2, 3, 40)), categoricalDrift('channel', { levels: ['web', 'phone'], reference: Float64Array.of(5, 5), current: Float64Array.of(9, 1), missing: { reference: 0, current: 0 } })],
      skipped: [],
      score: numericDrift('score', Float64Array.of(0.1, 0.2, 0.3), Float64Array.of(0.1, 0.2, 0.35)),
      selectionRates: [],
    },
    windows: { unit: 'month', timeColumn: 'day', undated: 0, windows: [] },
  };
}

describe('drift measures in the metric table', () => {
  it('every JSON key has a label, a formula, the columns that have it and its digits', () => {
    for (const m of DRIFT_MEASURES) {
      expect(definitionOf(m)).toBe(DRIFT_DEFINITIONS[m]);
      expect(DRIFT_DEFINITIONS[m].formula.length).toBeGreaterThan(10);
    }
    expect(DRIFT_MEASURES.map(labelOf)).toEqual(['PSI', 'Jensen–Shannon distance', 'Wasserstein (normed)', 'KS p-value', 'χ² p-value']);
    expect(DRIFT_MEASURES.map((m) => DRIFT_DEFINITIONS[m].for)).toEqual(['all', 'all', 'numeric', 'numeric', 'categorical']);
    expect(psiDefinition('evidently')).toBe(DRIFT_DEFINITIONS.psi);
    expect(psiDefinition('deciles').label).toBe('PSI (reference deciles)');
    expect(psiDefinition(5).label).toBe('PSI (5 reference quantiles)');
  });

  it('the monitoring HTML takes its headers and definitions from the table', () => {
    const html = renderMonitorHtml(report('evidently'));
    for (const m of DRIFT_MEASURES) expect(html).toContain(`>${DRIFT_DEFINITIONS[m].label}</th>`);
    expect(html).toContain('<th>score PSI</th>');
    expect(html).toContain('<h2>Definitions</h2>');
    expect(html).not.toContain('reference deciles');
    const deciles = renderMonitorHtml(report('deciles'));
    expect(deciles).toContain('<th>score PSI (reference deciles)</th>');
    expect(deciles).toContain('PSI (reference deciles), numeric columns <code>psi</code>');
  });

  it('the policy names a measure no column has by its label', () => {
    const p = validatePolicy({ format: 'bias-workbench.policy/1', rules: [{ drift: 'chiSquarePValue', column: 'amount', min: 0.05, action: 'review' }] });
    const r = report('evidently');
    const res = evaluatePolicy(p, { audit: null, rows: 4, drift: { columns: r.drift.columns, score: r.drift.score }, selectionRates: [] });
    expect(res.rules[0].evidence).toBe('no column has chiSquarePValue (the χ² p-value: categorical columns only)');
  });
});
