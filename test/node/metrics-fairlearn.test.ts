/**
 * The metric frame against fairlearn 0.9.0's MetricFrame (weighted by sample_weight) on the
 * peer fixture: every number in fairness_ref.out.json, to 1e-9, in both modes.
 */
import { readFileSync } from 'node:fs';
import { fairnessRef } from './fairness-ref';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CategoricalColumn } from '../../src/core/table';
import {
  attributeFromColumns,
  computeMetricFrame,
  type MetricFrame,
  type MetricFrameInput,
  type ScalarKey,
} from '../../src/core/metrics';

const dir = fileURLToPath(new URL('../fixtures/peer/', import.meta.url));

const ref = fairnessRef;

/** A tiny split-by-comma reader: the fixture has no quoting. */
function readCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function categorical(name: string, values: string[]): CategoricalColumn {
  const levels = [...new Set(values)].sort();
  const codes = Int32Array.from(values.map((v) => levels.indexOf(v)));
  return { type: 'categorical', name, codes, levels };
}

const csv = readCsv(readFileSync(dir + 'fairness.csv', 'utf8'));
const col = (name: string): string[] => {
  const j = csv.header.indexOf(name);
  return csv.rows.map((r) => r[j]);
};
const sex = categorical('sex', col('sex'));
const region = categorical('region', col('region'));
const baseInput = {
  labels: Uint8Array.from(col('y_true').map(Number)),
  scores: Float64Array.from(col('score').map(Number)),
  weights: Float64Array.from(col('sample_weight').map(Number)),
  attributes: [attributeFromColumns([sex]), attributeFromColumns([region]), attributeFromColumns([sex, region])],
};
const predictions = Uint8Array.from(col('y_pred').map(Number));

/** fixture name → our key */
const KEY: Record<string, ScalarKey> = {
  count: 'count',
  weight_sum: 'weightSum',
  selection_rate: 'selectionRate',
  true_positive_rate: 'truePositiveRate',
  false_positive_rate: 'falsePositiveRate',
  false_negative_rate: 'falseNegativeRate',
  true_negative_rate: 'trueNegativeRate',
  accuracy: 'accuracy',
  precision: 'precision',
  roc_auc: 'rocAuc',
  mean_score: 'meanScore',
};

let compared = 0;
function close(actual: number | null | undefined, expected: number | null, what: string): void {
  compared++;
  if (expected === null) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(actual, what).not.toBeUndefined();
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  if (Math.abs((actual as number) - expected) > tol) {
    expect.fail(`${what}: ${actual} vs fairlearn ${expected}`);
  }
}

function scalarOf(m: MetricFrame['overall']['metrics'], key: ScalarKey): number | null {
  if (key === 'count') return m.count;
  if (key === 'weightSum') return m.weightSum;
  return m[key].value;
}

function checkFrame(frame: MetricFrame, label: string): void {
  expect(frame.attributes.map((a) => a.name)).toEqual(ref.analyses.map((a) => a.name));
  ref.analyses.forEach((an, ai) => {
    const attr = frame.attributes[ai];
    expect(attr.columns).toEqual(an.sensitive_features);
    expect(attr.groups.length).toBe(an.n_groups);
    for (const [k, v] of Object.entries(an.overall)) {
      close(scalarOf(frame.overall.metrics, KEY[k]), v, `${label} ${an.name} overall ${k}`);
    }
    for (const g of an.by_group) {
      const ours = attr.groups.find((x) => x.level === g.key);
      expect(ours, `${an.name} group ${g.key}`).toBeDefined();
      expect(ours!.values).toEqual(g.values);
      for (const [k, v] of Object.entries(g.metrics)) {
        close(scalarOf(ours!.metrics, KEY[k]), v, `${label} ${an.name}[${g.key}] ${k}`);
      }
    }
    for (const [k, pm] of Object.entries(an.per_metric)) {
      const d = attr.disparities.perMetric[KEY[k]];
      close(d.overall.value, pm.overall, `${label} ${an.name} ${k} overall`);
      close(d.groupMin?.value ?? null, pm.group_min, `${label} ${an.name} ${k} group_min`);
      close(d.groupMax?.value ?? null, pm.group_max, `${label} ${an.name} ${k} group_max`);
      close(d.differenceBetweenGroups.value, pm.difference_between_groups, `${label} ${an.name} ${k} diff between`);
      close(d.ratioBetweenGroups.value, pm.ratio_between_groups, `${label} ${an.name} ${k} ratio between`);
      close(d.differenceToOverall.value, pm.difference_to_overall, `${label} ${an.name} ${k} diff to overall`);
      close(d.ratioToOverall.value, pm.ratio_to_overall, `${label} ${an.name} ${k} ratio to overall`);
    }
    const named = attr.disparities.named;
    const pm = attr.disparities.perMetric;
    for (const method of ['between_groups', 'to_overall'] as const) {
      const m = method === 'between_groups' ? 'betweenGroups' : 'toOverall';
      const a = an.aggregates[method];
      const t = `${label} ${an.name} ${method}`;
      close(named.demographicParityDifference[m].value, a.demographic_parity_difference, `${t} dp diff`);
      close(named.demographicParityRatio[m].value, a.demographic_parity_ratio, `${t} dp ratio`);
      close(named.equalizedOddsDifference.worstCase[m].value, a.equalized_odds_difference, `${t} eo diff`);
      close(named.equalizedOddsRatio.worstCase[m].value, a.equalized_odds_ratio, `${t} eo ratio`);
      close(named.equalOpportunityDifference[m].value, a.equal_opportunity_difference, `${t} eop diff`);
      close(named.equalOpportunityRatio[m].value, a.equal_opportunity_ratio, `${t} eop ratio`);
      close(named.disparateImpact[m].value, a.disparate_impact, `${t} disparate impact`);
      const diff = method === 'between_groups' ? 'differenceBetweenGroups' : 'differenceToOverall';
      close(pm.falsePositiveRate[diff].value, a.false_positive_rate_difference, `${t} fpr diff`);
      close(pm.falseNegativeRate[diff].value, a.false_negative_rate_difference, `${t} fnr diff`);
      close(pm.accuracy[diff].value, a.accuracy_difference, `${t} accuracy diff`);
    }
  });
}

describe('metric frame vs fairlearn 0.9 MetricFrame (fairness_ref.out.json)', () => {
  it('the fixture has no group where fairlearn substituted a 0 for an undefined rate', () => {
    // Every group of every analysis has weighted positives, negatives, selected and rejected
    // rows, so fairlearn's silent zeros never occur here: default mode must match it exactly and
    // report no reason anywhere. The zero case is constructed in metrics-confusion.test.ts.
    const frame = computeMetricFrame({ ...baseInput, predictions });
    for (const a of frame.attributes) {
      for (const g of a.groups) {
        expect(g.undefinedReasons, `${a.name} ${g.level}`).toEqual({});
        expect(g.metrics.truePositiveRate.value).toBeGreaterThan(0);
        expect(g.metrics.falsePositiveRate.value).toBeGreaterThan(0);
        expect(g.metrics.precision.value).toBeGreaterThan(0);
      }
      expect(a.notes.filter((n) => n.kind !== 'small-group')).toEqual([]);
    }
  });

  const cases: [string, Partial<MetricFrameInput>, boolean][] = [
    ['predictions, default mode', { predictions }, false],
    ['predictions, fairlearnCompatible', { predictions }, true],
    ['threshold rule 0.5, default mode', {}, false],
    ['threshold rule 0.5, fairlearnCompatible', {}, true],
  ];
  for (const [name, extra, fl] of cases) {
    it(`matches every fixture number: ${name}`, () => {
      compared = 0;
      const frame = computeMetricFrame(
        { ...baseInput, ...extra },
        { fairlearnCompatible: fl, decision: { rule: 'threshold', threshold: 0.5 } },
      );
      checkFrame(frame, name);
      // 3 analyses × (11 overall + groups × 11 + 11 × 7 per-metric + 2 × 10 aggregates)
      expect(compared).toBe(3 * (11 + 77 + 20) + 11 * (2 + 3 + 6));
    });
  }

  it('threshold rule reproduces the fixture y_pred (score ≥ 0.5; no score is exactly 0.5)', () => {
    const frame = computeMetricFrame(baseInput, { decision: { rule: 'threshold', threshold: 0.5 } });
    let selected = 0;
    for (const p of predictions) selected += p;
    expect(frame.decision.selected).toBe(selected);
  });
});
