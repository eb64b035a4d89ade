/**
 * A round's numbers, all from the metrics core's metric frame (no metric is computed here):
 * one frame against the true outcomes (every lead), one against the recorded outcomes (the
 * leads the CRM holds an outcome for, as weight 1; the others weigh 0), both with the calls
 * made as the decisions and town size as the attribute.
 */
import { computeMetricFrame, type AttributeInput, type GroupMetrics, type MetricFrame, type Rate } from '../metrics';
import type { LabelPolicy } from './config';
import type { GeneratedLeads } from './generate';
import { TOWN_SIZES } from './knobs';
import type { RoundResult } from './result';

/** town_size as the frame's one attribute. */
export function townAttribute(townCodes: Int32Array): AttributeInput {
  return { columns: ['town_size'], codes: townCodes, levels: [...TOWN_SIZES], levelValues: TOWN_SIZES.map((t) => [t]), name: 'town_size' };
}

export interface RoundInput {
  round: number;
  batch: GeneratedLeads;
  scores: Float32Array;
  /** the calls made (1 = called) */
  calls: Uint8Array;
  /** the outcomes the CRM recorded */
  recorded: Uint8Array;
  labelPolicy: LabelPolicy;
  /** the scoring model's training rows: share per town size, their number, and its epochs */
  training: { shares: (number | null)[]; rows: number; epochs: number };
}

function byGroup<T>(f: (g: GroupMetrics, t: number) => T): (frame: MetricFrame) => Record<string, T> {
  return (frame) => Object.fromEntries(frame.attributes[0].groups.map((g, t) => [TOWN_SIZES[t], f(g.metrics, t)]));
}

const value = (r: Rate): number | null => r.value;

/** fn = FNR · positives, positives = base rate · weight (rounded back to the whole count it is). */
function missed(g: GroupMetrics): number {
  const fnr = g.falseNegativeRate.value;
  const base = g.baseRate.value;
  return fnr === null || base === null ? 0 : Math.round(fnr * base * g.weightSum);
}

/** The frame against the recorded outcomes: who has an outcome depends on the label policy. */
function observedFrame(input: RoundInput): MetricFrame {
  const { scores, calls, recorded, batch, labelPolicy } = input;
  const weights = labelPolicy === 'unknown' ? Float64Array.from(calls) : undefined;
  return computeMetricFrame({ labels: recorded, scores, predictions: calls, ...(weights ? { weights } : {}), attributes: [townAttribute(batch.townCodes)] });
}

/** The round's result (see RoundResult for each field). */
export function roundResult(input: RoundInput): RoundResult {
  const { batch, scores, calls } = input;
  const truth = computeMetricFrame({ labels: batch.truth, scores, predictions: calls, attributes: [townAttribute(batch.townCodes)] });
  const observed = observedFrame(input);
  const named = truth.attributes[0].disparities.named;
  return {
    round: input.round,
    leads: batch.table.nRows,
    calls: truth.decision.selected,
    selectionRate: byGroup((g) => value(g.selectionRate))(truth),
    trueConversionRate: byGroup((g) => value(g.baseRate))(truth),
    observedConversionRate: byGroup((g) => value(g.baseRate))(observed),
    missedConversions: byGroup(missed)(truth),
    trainingShare: Object.fromEntries(TOWN_SIZES.map((t, i) => [t, input.training.shares[i]])),
    meanScore: byGroup((g) => value(g.meanScore))(truth),
    trainingRows: input.training.rows,
    trainingEpochs: input.training.epochs,
    demographicParityDifference: named.demographicParityDifference.betweenGroups.value,
    trueEqualOpportunityDifference: named.equalOpportunityDifference.betweenGroups.value,
    accuracyTrue: truth.overall.metrics.accuracy.value,
    aucTrue: truth.overall.metrics.rocAuc.value,
    accuracyObserved: observed.overall.metrics.accuracy.value,
    aucObserved: observed.overall.metrics.rocAuc.value,
  };
}
