/**
 * The first-audit view the page needs now: four headline metrics overall and, per group of one
 * attribute, its size, selection rate and true positive rate. A thin view on
 * `computeMetricFrame` (unweighted, threshold rule score ≥ threshold), with the same
 * `Rate` conventions: an undefined value is `{ value: null, reason }`, never a silent 0.
 */
import type { Rate } from './confusion';
import { computeMetricFrame } from './metric-frame';

export interface FirstAudit {
  overall: {
    accuracy: Rate;
    precision: Rate;
    /** = true positive rate */
    recall: Rate;
    rocAuc: Rate;
  };
  groups: {
    level: string;
    count: number;
    selectionRate: Rate;
    truePositiveRate: Rate;
  }[];
}

/**
 * @param groupCodes per row, index into `groupLevels`; −1 = missing (row counted overall only)
 * @param threshold a row is selected when its score ≥ threshold
 */
export function computeFirstAudit(
  labels: Uint8Array,
  scores: Float32Array | Float64Array,
  groupCodes: Int32Array,
  groupLevels: string[],
  threshold: number,
): FirstAudit {
  const frame = computeMetricFrame(
    {
      labels,
      scores,
      attributes: [{ columns: ['group'], codes: groupCodes, levels: groupLevels, levelValues: groupLevels.map((l) => [l]) }],
    },
    { decision: { rule: 'threshold', threshold } },
  );
  const o = frame.overall.metrics;
  return {
    overall: { accuracy: o.accuracy, precision: o.precision, recall: o.truePositiveRate, rocAuc: o.rocAuc },
    groups: frame.attributes[0].groups.map((g) => ({
      level: g.level,
      count: g.count,
      selectionRate: g.metrics.selectionRate,
      truePositiveRate: g.metrics.truePositiveRate,
    })),
  };
}
