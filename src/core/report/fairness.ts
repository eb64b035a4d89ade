/**
 * Performance, fairness by group and representation, as the report publishes them: the audit
 * JSON's numbers (core/audit), copied, never recomputed, with the groups that small-cell
 * suppression hides shown as "fewer than k" and their rates withheld.
 */
import type { AttributeJson, AuditReport, DisparityKey, Num, Pair } from '../audit';
import type { SuppressionKind } from '../anonymise';
import { NO_GROUP, cellKey } from './cells';
import { SUPPRESSED, type AttributeFairness, type GroupRow, type MetricValue } from './types';

/** The overall metrics of the performance section, in this order. */
export const PERFORMANCE_KEYS = ['accuracy', 'balancedAccuracy', 'rocAuc', 'brierScore', 'expectedCalibrationError', 'precision', 'truePositiveRate', 'falsePositiveRate', 'selectionRate', 'baseRate'] as const;

/** The per-group metrics of the fairness section, in this order. */
export const GROUP_KEYS = ['selectionRate', 'truePositiveRate', 'falsePositiveRate', 'precision', 'accuracy', 'rocAuc', 'meanScore', 'baseRate'] as const;

/** The disparities of the fairness section, in this order. */
export const DISPARITY_KEYS_SHOWN: readonly DisparityKey[] = [
  'demographicParityDifference',
  'disparateImpact',
  'equalOpportunityDifference',
  'equalizedOddsDifference',
  'predictiveParityDifference',
  'aucGap',
  'calibrationGap',
];

export function performance(audit: AuditReport): MetricValue[] {
  const o = audit.overall;
  return PERFORMANCE_KEYS.map((key) => {
    const value = o[key];
    return { key, value, interval: o.intervals?.[key] ?? null, reason: value === null ? (o.undefined[key] ?? 'undefined') : null };
  });
}

function groupRow(a: AttributeJson, g: AttributeJson['groups'][number], rows: number, hidden: SuppressionKind | null): GroupRow {
  const metrics: Record<string, Num> = {};
  const intervals: Record<string, Pair> = {};
  const reasons: Record<string, string> = {};
  for (const key of GROUP_KEYS) {
    if (hidden) {
      metrics[key] = null;
      reasons[key] = SUPPRESSED;
      continue;
    }
    metrics[key] = g.metrics[key];
    const iv = g.intervals?.[key];
    if (iv) intervals[key] = iv;
    if (g.metrics[key] === null) reasons[key] = g.undefined[key] ?? 'undefined';
  }
  return {
    group: g.group,
    count: hidden ? null : g.count,
    share: hidden || rows === 0 ? null : g.count / rows,
    hidden,
    reference: g.reference && !hidden,
    small: g.small,
    metrics,
    intervals,
    reasons,
  };
}

/**
 * One attribute's fairness table. When a group hidden as small is still large enough to
 * enter the headline disparities (k above the audit's minimum group size), the disparities
 * could give its rates away: they are withheld too.
 */
export function attributeFairness(a: AttributeJson, rows: number, hidden: ReadonlyMap<string, SuppressionKind>, minGroupSize: number): AttributeFairness {
  const groups = a.groups.map((g) => groupRow(a, g, rows, hidden.get(cellKey(a.name, g.group)) ?? null));
  const leaks = a.groups.some((g) => hidden.get(cellKey(a.name, g.group)) === 'small' && g.count >= minGroupSize);
  const d = a.disparities;
  const disparities: MetricValue[] = DISPARITY_KEYS_SHOWN.map((key) =>
    leaks
      ? { key, value: null, interval: null, reason: SUPPRESSED }
      : { key, value: d[key], interval: d.intervals?.[key] ?? null, reason: d[key] === null ? (d.undefined[key] ?? 'undefined') : null },
  );
  const ff = d.fourFifthsRule;
  const referenceHidden = a.reference !== null && hidden.has(cellKey(a.name, a.reference));
  return {
    name: a.name,
    columns: a.columns,
    reference: referenceHidden ? null : a.reference,
    missingRows: hidden.has(cellKey(a.name, NO_GROUP)) ? null : a.missingRows,
    groups,
    disparities,
    fourFifthsRule: leaks ? { pass: null, threshold: ff.threshold, disparateImpact: null, caveat: ff.caveat } : { pass: ff.pass, threshold: ff.threshold, disparateImpact: ff.disparateImpact, caveat: ff.caveat },
    notes: publishedNotes(a, hidden, minGroupSize),
  };
}

/**
 * The audit's notes about an attribute, without what they would tell about hidden groups:
 * a note about one hidden group is left out, and the note that lists the groups below the
 * minimum size is said again without the hidden groups' sizes.
 */
function publishedNotes(a: AttributeJson, hidden: ReadonlyMap<string, SuppressionKind>, minGroupSize: number): string[] {
  const isHidden = (g: string) => hidden.has(cellKey(a.name, g));
  const out: string[] = [];
  for (const n of a.notes) {
    if (n.group !== undefined && isHidden(n.group)) continue;
    if (n.kind === 'small-group' && n.groups) {
      const parts = n.groups.map((g) => {
        const grp = a.groups.find((x) => x.group === g);
        return isHidden(g) ? `"${g}" (suppressed)` : `"${g}" (${grp ? grp.count : '?'} leads)`;
      });
      out.push(`Groups with fewer than ${minGroupSize} leads are left out of the headline disparities (their rates are noisy): ${parts.join(', ')}.`);
      continue;
    }
    out.push(n.message);
  }
  return out;
}

/** Representation by group: counts, shares and base rates of the one-column attributes. */
export function representation(audit: AuditReport, fairness: readonly AttributeFairness[]) {
  return fairness
    .filter((a) => a.columns.length === 1)
    .map((a) => ({
      attribute: a.name,
      rows: audit.rows,
      missingRows: a.missingRows,
      groups: a.groups.map((g) => ({ group: g.group, count: g.count, share: g.share, baseRate: g.metrics.baseRate ?? null, hidden: g.hidden })),
    }));
}
