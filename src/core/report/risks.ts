/**
 * Residual risks, derived from the assessment's own numbers by fixed rules (each risk names
 * its rule). They are what remains for a person to accept or act on, not a verdict:
 * - fairness: an attribute whose disparate impact fails the four-fifths rule (< 0.8), or —
 *   when a mitigation was chosen — whose held-out selection rates still fail it after that
 *   mitigation; an equal opportunity difference above {@link EO_LIMIT}; a calibration gap
 *   above {@link CALIBRATION_LIMIT}; groups too small to judge;
 * - data: rows in no group;
 * - model: columns the proxy ranking flags as likely proxies of a protected attribute;
 * - privacy: classes below k over the protected and quasi-identifier columns; totals from
 *   which a hidden group could not be protected;
 * - oversight and monitoring: no evidence supplied.
 */
import { exact, points } from '../format';
import type { KAnonymityResult } from '../anonymise';
import type { Assessment, AttributeFairness, RiskJson } from './types';

/** Equal opportunity difference above which a risk is raised (10 percentage points: a rule of thumb). */
export const EO_LIMIT = 0.1;
/** Calibration gap (difference in expected calibration error) above which a risk is raised. */
export const CALIBRATION_LIMIT = 0.05;

function valueOf(a: AttributeFairness, key: string): number | null {
  return a.disparities.find((d) => d.key === key)?.value ?? null;
}

function fairnessRisks(a: AttributeFairness): RiskJson[] {
  const out: RiskJson[] = [];
  const ff = a.fourFifthsRule;
  if (ff.pass === false) {
    out.push({ area: 'fairness', severity: 'high', attribute: a.name, rule: 'disparate impact < 0.8 (four-fifths rule)', message: `${a.name}: the least-selected group is selected at ${exact(ff.disparateImpact)} times the rate of the most-selected group, below four fifths.` });
  }
  const eo = valueOf(a, 'equalOpportunityDifference');
  if (eo !== null && eo > EO_LIMIT) {
    out.push({ area: 'fairness', severity: 'medium', attribute: a.name, rule: `equal opportunity difference > ${points(EO_LIMIT, 0)}`, message: `${a.name}: the model finds converters at rates that differ by ${points(eo)} between groups.` });
  }
  const cal = valueOf(a, 'calibrationGap');
  if (cal !== null && cal > CALIBRATION_LIMIT) {
    out.push({ area: 'fairness', severity: 'medium', attribute: a.name, rule: `calibration gap > ${CALIBRATION_LIMIT}`, message: `${a.name}: the scores match reality worse in one group than another (gap in calibration error ${exact(cal)}).` });
  }
  const unjudged = a.groups.filter((g) => g.small || g.hidden);
  if (unjudged.length > 0) {
    out.push({ area: 'fairness', severity: 'low', attribute: a.name, rule: 'groups below the minimum group size or suppressed', message: `${a.name}: ${unjudged.length} group${unjudged.length === 1 ? ' is' : 's are'} too small to judge (${unjudged.map((g) => g.group).join(', ')}); the headline disparities leave ${unjudged.length === 1 ? 'it' : 'them'} out.` });
  }
  if (a.missingRows === null || a.missingRows > 0) {
    out.push({ area: 'data', severity: 'low', attribute: a.name, rule: 'rows with no value for a protected attribute', message: `${a.name}: ${a.missingRows === null ? 'a few' : a.missingRows} rows have no value and are in no group.` });
  }
  return out;
}

function mitigationRisks(m: Assessment['mitigations']): RiskJson[] {
  if (!m.chosen) return [];
  const di = m.chosen.disparateImpact;
  if (di !== null && di < 0.8) {
    return [{ area: 'fairness', severity: 'high', attribute: m.attribute, rule: 'held-out disparate impact < 0.8 after the chosen mitigation', message: `After the chosen mitigation "${m.chosen.name}", the held-out selection rates still fail the four-fifths rule (ratio ${exact(di)}).` }];
  }
  return [];
}

function privacyRisks(k: KAnonymityResult, unprotected: readonly string[]): RiskJson[] {
  const out: RiskJson[] = [];
  if (!k.satisfied) {
    out.push({ area: 'privacy', severity: 'medium', attribute: null, rule: `equivalence classes below k = ${k.k}`, message: `Over ${k.columns.join(', ')}, ${k.classesBelowK} of ${k.classes} combinations hold fewer than ${k.k} rows (${k.rowsBelowK} rows; the smallest holds ${k.smallestClass}): the data itself must not leave the organisation without further coarsening.` });
  }
  for (const line of unprotected) {
    out.push({ area: 'privacy', severity: 'medium', attribute: null, rule: 'a hidden cell that no other cell can cover', message: `${line}: a suppressed group could still be derived from a published total.` });
  }
  return out;
}

/** Every residual risk of an assessment whose other sections are built. */
export function residualRisks(a: Omit<Assessment, 'residualRisks'>): RiskJson[] {
  const out: RiskJson[] = [];
  for (const attr of a.fairness.attributes) out.push(...fairnessRisks(attr));
  out.push(...mitigationRisks(a.mitigations));
  for (const p of a.explanations.proxies) {
    const flagged = p.columns.filter((c) => c.likelyProxy);
    if (flagged.length > 0) {
      out.push({ area: 'model', severity: 'medium', attribute: p.attribute, rule: `likely proxy (NMI ≥ ${p.nmiThreshold} or one-column AUC ≥ ${p.aucThreshold})`, message: `${p.attribute} can be read from ${flagged.map((c) => c.name).join(', ')}: dropping the attribute alone would not stop the model using it.` });
    }
  }
  out.push(...privacyRisks(a.privacy.kAnonymity, a.privacy.unprotected));
  if (!a.oversight.supplied) out.push({ area: 'oversight', severity: 'medium', attribute: null, rule: 'no oversight evidence supplied', message: 'No decision log, appeals or workshop results were supplied: human oversight is not evidenced in this report.' });
  if (!a.monitoring.policy) out.push({ area: 'monitoring', severity: 'medium', attribute: null, rule: 'no monitoring policy supplied', message: 'No monitoring policy was supplied: nothing says when the disparities must be measured again or what happens if they grow.' });
  if (a.monitoring.today && a.monitoring.today.verdict !== 'ok') out.push({ area: 'monitoring', severity: a.monitoring.today.verdict === 'review' ? 'medium' : 'high', attribute: null, rule: 'the monitoring policy, applied to this audit', message: `The monitoring policy already says "${a.monitoring.today.verdict}" on this audit: ${a.monitoring.today.rules.filter((r) => r.broken || r.undetermined).map((r) => r.rule).join('; ')}.` });
  if (!a.performance.intervals) out.push({ area: 'fairness', severity: 'low', attribute: null, rule: 'no bootstrap intervals', message: 'The numbers have no intervals: how much they would move on other data of the same kind is not shown.' });
  const order = { high: 0, medium: 1, low: 2 };
  return out.sort((x, y) => order[x.severity] - order[y.severity]);
}
