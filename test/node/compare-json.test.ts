/**
 * compare's JSON builder in core (src/core/mitigate/compare-json.ts), shared by the CLI, the
 * page's report and the assessment: a small hand-made set of scenario results gives exactly the
 * JSON `bias-workbench compare` wrote before the builder moved out of the CLI (values, reasons,
 * intervals, differences from the baseline, the constraint's and the group thresholds' reports,
 * seconds, the Pareto names).
 */
import { describe, expect, it } from 'vitest';
import { baselineIndex, compareScenariosJson, type ScenarioOutcome } from '../../src/core/mitigate';
import type { MetricValue, ScenarioMetrics } from '../../src/core/mitigate';

const iv = (lower: number | null, upper: number | null) => ({ lower, upper, level: 0.95, defined: 200, resamples: 200 });
const v = (value: number | null, interval?: ReturnType<typeof iv>, reason?: MetricValue['reason']): MetricValue => ({ value, ...(reason ? { reason } : {}), ...(interval ? { interval } : {}) });
const timings = (totalMs: number) => ({ trainMs: 0, scoreMs: 0, thresholdsMs: 0, metricsMs: 0, exportMs: 0, totalMs });

function metrics(o: { acc: number; dpd: number | null; rates: [number | null, number | null]; auc?: number | null; withIntervals?: boolean }): ScenarioMetrics {
  const ci = o.withIntervals;
  return {
    n: 300,
    selected: 90,
    accuracy: v(o.acc, ci ? iv(o.acc - 0.02, o.acc + 0.02) : undefined),
    balancedAccuracy: v(o.acc - 0.05),
    rocAuc: o.auc === null ? v(null, undefined, 'no-negatives') : v(o.auc ?? 0.8),
    selectionRate: [
      { level: 'a', count: 180, value: o.rates[0], ...(ci ? { interval: iv(0.2, 0.3) } : {}) },
      { level: 'b', count: 120, value: o.rates[1], ...(o.rates[1] === null ? { reason: 'empty-group' as const } : {}) },
    ],
    demographicParityDifference: o.dpd === null ? { value: null, reason: 'fewer-than-two-groups' } : { value: o.dpd, ...(ci ? { interval: iv(o.dpd - 0.03, o.dpd + 0.03) } : {}) },
    equalOpportunityDifference: { value: 0.1 },
    equalizedOddsDifference: { value: 0.12 },
    degenerate: null,
  };
}

const group = { name: 'g', levels: ['a', 'b'] };

const RESULTS: ScenarioOutcome[] = [
  { name: 'baseline', interventions: [], group, metrics: metrics({ acc: 0.8, dpd: 0.2, rates: [0.25, 0.45], withIntervals: true }), constraint: null, groupThresholds: null, trainRows: 700, notes: [], timings: timings(1234.4) },
  {
    name: 'DP in training',
    interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.05, method: 'penalty' }],
    group,
    metrics: metrics({ acc: 0.75, dpd: 0.04, rates: [0.3, 0.34] }),
    constraint: { constraint: 'demographic-parity', method: 'penalty', bound: 0.05, lambda: 4, trainingGap: 0.045, heldOutGap: 0.04, met: true, attempts: [{ lambda: 1, trainingGap: 0.1, met: false, ms: 500.6 }, { lambda: 4, trainingGap: 0.045, met: true, ms: 700 }] },
    groupThresholds: null,
    trainRows: 700,
    notes: ['a note'],
    timings: timings(2000),
  },
  {
    name: 'EO thresholds',
    interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }],
    group,
    metrics: metrics({ acc: 0.78, dpd: null, rates: [0.3, null], auc: null }),
    constraint: null,
    groupThresholds: {
      constraint: 'equal-opportunity',
      x: 0.6,
      y: null,
      topK: null,
      topKFit: null,
      topKMet: true,
      expectedSelectionRate: [0.31, null],
      expectedSelected: 93,
      fitted: { overall: { count: 700, weight: 700, expectedSelected: 210, selectionRate: 0.3, truePositiveRate: 0.6, falsePositiveRate: 0.1, accuracy: 0.8 }, groups: [] },
    },
    trainRows: 0,
    notes: [],
    timings: timings(10),
  },
];

/** What `bias-workbench compare --format json` wrote for these results before the move (its flattening code, run on them). */
const BEFORE = {
  "baselineScenario": "baseline",
  "scenarios": [
    {
      "name": "baseline",
      "interventions": [],
      "heldOutRows": 300,
      "selected": 90,
      "trainRows": 700,
      "metrics": {
        "accuracy": 0.8,
        "balancedAccuracy": 0.75,
        "rocAuc": 0.8,
        "demographicParityDifference": 0.2,
        "equalOpportunityDifference": 0.1,
        "equalizedOddsDifference": 0.12,
        "selectionRate": {
          "a": 0.25,
          "b": 0.45
        }
      },
      "undefined": {},
      "intervals": {
        "accuracy": [
          0.78,
          0.8200000000000001
        ],
        "demographicParityDifference": [
          0.17,
          0.23
        ],
        "selectionRate": {
          "a": [
            0.2,
            0.3
          ]
        }
      },
      "differencesFromBaseline": {
        "accuracy": 0,
        "balancedAccuracy": 0,
        "rocAuc": 0,
        "demographicParityDifference": 0,
        "equalOpportunityDifference": 0,
        "equalizedOddsDifference": 0,
        "selectionRate": {
          "a": 0,
          "b": 0
        }
      },
      "notes": [],
      "seconds": 1.234
    },
    {
      "name": "DP in training",
      "interventions": [
        {
          "kind": "constraint",
          "constraint": "demographic-parity",
          "bound": 0.05,
          "method": "penalty"
        }
      ],
      "heldOutRows": 300,
      "selected": 90,
      "trainRows": 700,
      "metrics": {
        "accuracy": 0.75,
        "balancedAccuracy": 0.7,
        "rocAuc": 0.8,
        "demographicParityDifference": 0.04,
        "equalOpportunityDifference": 0.1,
        "equalizedOddsDifference": 0.12,
        "selectionRate": {
          "a": 0.3,
          "b": 0.34
        }
      },
      "undefined": {},
      "intervals": {},
      "differencesFromBaseline": {
        "accuracy": -0.050000000000000044,
        "balancedAccuracy": -0.050000000000000044,
        "rocAuc": 0,
        "demographicParityDifference": -0.16,
        "equalOpportunityDifference": 0,
        "equalizedOddsDifference": 0,
        "selectionRate": {
          "a": 0.04999999999999999,
          "b": -0.10999999999999999
        }
      },
      "constraint": {
        "constraint": "demographic-parity",
        "bound": 0.05,
        "lambda": 4,
        "trainingGap": 0.045,
        "heldOutGap": 0.04,
        "met": true,
        "attempts": [
          {
            "lambda": 1,
            "trainingGap": 0.1,
            "met": false,
            "seconds": 0.501
          },
          {
            "lambda": 4,
            "trainingGap": 0.045,
            "met": true,
            "seconds": 0.7
          }
        ],
        "method": "penalty"
      },
      "notes": [
        "a note"
      ],
      "seconds": 2
    },
    {
      "name": "EO thresholds",
      "interventions": [
        {
          "kind": "group-thresholds",
          "constraint": "equal-opportunity"
        }
      ],
      "heldOutRows": 300,
      "selected": 90,
      "trainRows": 0,
      "metrics": {
        "accuracy": 0.78,
        "balancedAccuracy": 0.73,
        "rocAuc": null,
        "demographicParityDifference": null,
        "equalOpportunityDifference": 0.1,
        "equalizedOddsDifference": 0.12,
        "selectionRate": {
          "a": 0.3,
          "b": null
        }
      },
      "undefined": {
        "rocAuc": "no-negatives",
        "demographicParityDifference": "fewer-than-two-groups",
        "selectionRate.b": "empty-group"
      },
      "intervals": {},
      "differencesFromBaseline": {
        "accuracy": -0.020000000000000018,
        "balancedAccuracy": -0.020000000000000018,
        "rocAuc": null,
        "demographicParityDifference": null,
        "equalOpportunityDifference": 0,
        "equalizedOddsDifference": 0,
        "selectionRate": {
          "a": 0.04999999999999999,
          "b": null
        }
      },
      "groupThresholds": {
        "constraint": "equal-opportunity",
        "x": 0.6,
        "y": null,
        "topK": null,
        "topKFit": null,
        "topKMet": true,
        "expectedSelectionRate": {
          "a": 0.31,
          "b": null
        },
        "expectedSelected": 93,
        "fitted": {
          "overall": {
            "count": 700,
            "weight": 700,
            "expectedSelected": 210,
            "selectionRate": 0.3,
            "truePositiveRate": 0.6,
            "falsePositiveRate": 0.1,
            "accuracy": 0.8
          },
          "groups": []
        }
      },
      "notes": [],
      "seconds": 0.01
    }
  ],
  "pareto": [
    "DP in training",
    "baseline"
  ]
};

describe('compare JSON (core)', () => {
  it('builds the same scenarios, baseline and Pareto names as the CLI wrote before', () => {
    const bi = baselineIndex(RESULTS);
    expect(bi).toBe(0);
    const json = compareScenariosJson(RESULTS, RESULTS[bi].name);
    expect(JSON.parse(JSON.stringify(json))).toEqual(BEFORE);
  });

  it('differences are value − baseline, and null without a baseline', () => {
    const json = compareScenariosJson(RESULTS, 'baseline');
    const dp = json.scenarios[1];
    expect(dp.differencesFromBaseline!.accuracy).toBeCloseTo(0.75 - 0.8, 12);
    expect(dp.differencesFromBaseline!.selectionRate.b).toBeCloseTo(0.34 - 0.45, 12);
    expect(json.scenarios[2].differencesFromBaseline!.demographicParityDifference).toBeNull();
    const none = compareScenariosJson(RESULTS, null);
    expect(none.baselineScenario).toBeNull();
    expect(none.scenarios.every((s) => s.differencesFromBaseline === null)).toBe(true);
    expect(none.pareto).toEqual(json.pareto);
  });

  it('refuses a baseline that is not among the results', () => {
    expect(() => compareScenariosJson(RESULTS, 'nope')).toThrow(/no scenario is named "nope"/);
  });

  it('leaves out the exported model: results without artifacts are enough', () => {
    const json = compareScenariosJson(RESULTS, 'baseline');
    expect(JSON.stringify(json)).not.toContain('artifacts');
  });
});
