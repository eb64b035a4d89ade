import { describe, expect, it } from 'vitest';
import { compactCount, count, exact, formatInterval, formatMetric, formatMetricWithReason, num, pct, points, signed, undefinedText, valueOf } from '../../src/core/format';
import { DISPARITY_DEFINITIONS, METRIC_DEFINITIONS, REASON_TEXT, isPercentMetric, labelOf, reasonText, unitOf } from '../../src/core/definitions';
import { RATE_KEYS, SCALAR_KEYS } from '../../src/core/metrics';

describe('the one formatter', () => {
  it('shows shares, points, numbers, counts and signs one way', () => {
    expect(pct(0.1234)).toBe('12.3%');
    expect(points(0.284)).toBe('28.4 pp');
    expect(num(0.12345)).toBe('0.123');
    expect(count(45211)).toBe('45,211');
    expect(compactCount(6_600_000)).toBe('6.6 M');
    expect(compactCount(12_345)).toBe('12 k');
    expect(signed(-0.0134)).toBe('−0.013');
    expect(signed(0.0000123)).toBe('+0.000012');
    expect(exact(3)).toBe('3');
    expect(exact(0.00012)).toBe('1.20e-4');
  });

  it('never shows a missing or non-finite value as a number', () => {
    for (const x of [null, undefined, NaN, Infinity, { value: null, reason: 'no-positives' }]) {
      expect(pct(x)).toBe('undefined');
      expect(num(x)).toBe('undefined');
      expect(valueOf(x)).toBeNull();
    }
    expect(formatMetricWithReason('truePositiveRate', { value: null, reason: 'no-positives' })).toBe('undefined (no lead in this group converted)');
    expect(undefinedText(undefined)).toBe('undefined');
  });

  it('formats each key in the unit the metric table gives it', () => {
    expect(formatMetric('selectionRate', 0.5)).toBe('50.0%');
    expect(formatMetric('demographicParityDifference', 0.05)).toBe('5.0 pp');
    expect(formatMetric('disparateImpact', 0.8)).toBe('0.800');
    expect(formatMetric('count', 1234)).toBe('1,234');
    expect(formatInterval('selectionRate', 0.121, 0.14)).toBe('12.1–14.0%');
    expect(formatInterval('rocAuc', 0.7121, 0.7444)).toBe('0.712–0.744');
    expect(formatInterval('rocAuc', null, 0.7)).toBe('');
  });
});

describe('the one metric table', () => {
  it('has a label, formula, plain sentence and unit for every metric the frame computes', () => {
    for (const k of SCALAR_KEYS) {
      const d = METRIC_DEFINITIONS[k];
      expect(d, k).toBeDefined();
      expect(d.label.length && d.formula.length && d.plain.length, k).toBeTruthy();
      expect(unitOf(k), k).toBe(d.unit);
    }
    expect(Object.keys(DISPARITY_DEFINITIONS).length).toBeGreaterThan(10);
    expect(labelOf('selectionRate')).toBe('selection rate');
    expect(RATE_KEYS.filter(isPercentMetric)).toContain('truePositiveRate');
    expect(isPercentMetric('rocAuc')).toBe(false);
  });

  it('has one wording for every reason code', () => {
    for (const code of ['no-positives', 'no-negatives', 'no-predicted-positives', 'no-predicted-negatives', 'empty-group', 'one-class', 'zero-max', 'fewer-than-two-groups']) {
      expect(REASON_TEXT[code], code).toBeTruthy();
    }
    expect(reasonText('unknown-code')).toBe('unknown-code');
  });
});

describe('describeProblem', () => {
  it('puts a full stop between a message and its hint where the message has none', async () => {
    const { describeProblem } = await import('../../src/core/errors');
    expect(describeProblem({ code: 'csv-empty', message: 'cannot read x.csv: no such file', hint: 'Check the path.' })).toBe('cannot read x.csv: no such file. Check the path.');
    expect(describeProblem({ code: 'csv-empty', message: 'The file is empty.', hint: 'Choose another.' })).toBe('The file is empty. Choose another.');
    expect(describeProblem({ code: 'csv-empty', message: 'No hint here' })).toBe('No hint here');
  });
});

describe('count', () => {
  it("groups whole numbers exactly as Intl.NumberFormat('en-US') does, and leaves the rest to it", () => {
    const intl = new Intl.NumberFormat('en-US');
    const xs = [0, -0, 1, -1, 999, 1000, -1000, 45211, 123456, 1234567, -9876543210, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, 0.5, 1234.5678, -0.0004];
    for (let k = 0; k < 2000; k++) xs.push(Math.round(Math.sin(k) * 10 ** (k % 16)));
    for (const x of xs) expect(count(x)).toBe(intl.format(x));
    expect(count(NaN)).toBe('undefined');
  });
});
