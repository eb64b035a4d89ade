/**
 * Scenarios side by side: each result's held-out metrics next to the baseline's, with the
 * difference (value − baseline).
 */
import { invalid } from './common';
import type { ScenarioResult } from './scenario-result';

export interface MetricDelta {
  value: number | null;
  baseline: number | null;
  /** value − baseline (null when either is null) */
  difference: number | null;
}

export interface ScenarioComparison {
  name: string;
  accuracy: MetricDelta;
  balancedAccuracy: MetricDelta;
  rocAuc: MetricDelta;
  demographicParityDifference: MetricDelta;
  equalOpportunityDifference: MetricDelta;
  equalizedOddsDifference: MetricDelta;
  selectionRate: ({ level: string } & MetricDelta)[];
  totalMs: MetricDelta;
}

function delta(value: number | null, baseline: number | null): MetricDelta {
  return { value, baseline, difference: value === null || baseline === null ? null : value - baseline };
}

/**
 * Each result's metrics next to the baseline's and their differences (value − baseline; for a
 * disparity, negative = smaller gap). The baseline itself is included (differences 0).
 * Throws 'roles-invalid' when no result has the baseline's name.
 */
export function compareScenarios(results: readonly Pick<ScenarioResult, 'name' | 'metrics' | 'timings'>[], baselineName: string): { baseline: string; rows: ScenarioComparison[] } {
  const base = results.find((r) => r.name === baselineName);
  if (!base) {
    throw invalid(`no scenario is named "${baselineName}" (there are: ${results.map((r) => `"${r.name}"`).join(', ')})`, 'Pick the baseline among the scenarios that were run.');
  }
  const b = base.metrics;
  return {
    baseline: baselineName,
    rows: results.map((r) => {
      const m = r.metrics;
      return {
        name: r.name,
        accuracy: delta(m.accuracy.value, b.accuracy.value),
        balancedAccuracy: delta(m.balancedAccuracy.value, b.balancedAccuracy.value),
        rocAuc: delta(m.rocAuc.value, b.rocAuc.value),
        demographicParityDifference: delta(m.demographicParityDifference.value, b.demographicParityDifference.value),
        equalOpportunityDifference: delta(m.equalOpportunityDifference.value, b.equalOpportunityDifference.value),
        equalizedOddsDifference: delta(m.equalizedOddsDifference.value, b.equalizedOddsDifference.value),
        selectionRate: m.selectionRate.map((s) => ({ level: s.level, ...delta(s.value, b.selectionRate.find((x) => x.level === s.level)?.value ?? null) })),
        totalMs: delta(r.timings.totalMs, base.timings.totalMs),
      };
    }),
  };
}
