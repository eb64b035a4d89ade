/**
 * `bias-workbench simulate`: the feedback loop of prejudice round by round (core/simulate),
 * as the `bias-workbench.simulation/1` JSON (exactly core's SimulationResult) or one
 * self-contained HTML report (the shared report look) with a table per round. Progress goes to
 * standard error, one line per round.
 *
 * `--seed S` seeds both the batches (knobs.seed) and the loop's own draws (config.seed).
 * `--exploration X` alone means `--mitigation exploration` with a share X of random calls.
 */
import {
  LABEL_POLICIES,
  MAX_ROUNDS,
  REMEDIES,
  SIMULATION_MODELS,
  simulate,
  TOWN_SIZES,
  type Remedy,
  type RoundResult,
  type SimulationRequest,
  type SimulationResult,
} from '../core/simulate';
import { count, exact, num, pct } from '../core/format';
import { GENERATED_BY, toJson, writeResult } from './common';
import { setupNodeBackend } from './backend';
import { KNOB_FLAGS, knobsFromFlags } from './generate';
import { RANGES, UsageError, numberFlag, optChoice, optString, parseFlags, type FlagValues } from './flags';
import { escapeHtml, reportDocument } from './report-style';

const OPTIONS = {
  ...KNOB_FLAGS,
  rounds: { type: 'string' },
  capacity: { type: 'string' },
  exploration: { type: 'string' },
  'label-policy': { type: 'string' },
  mitigation: { type: 'string' },
  'rep-follow': { type: 'string' },
  model: { type: 'string' },
  epochs: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

/** --mitigation and --exploration together: the remedy and the share of random calls. */
function remedyFlags(values: FlagValues): { remedy: Remedy; exploration?: number } {
  const exploration = numberFlag(values, 'exploration', RANGES.probability);
  const given = optString(values, 'mitigation');
  const remedy = optChoice(values, 'mitigation', REMEDIES, exploration !== undefined ? 'exploration' : 'none');
  if (exploration !== undefined && given !== undefined && remedy !== 'exploration') {
    throw new UsageError(`--exploration applies to --mitigation exploration, not --mitigation ${remedy}`);
  }
  return { remedy, ...(exploration !== undefined ? { exploration } : {}) };
}

/** The simulation the flags ask for (absent flags: the core's defaults). */
export function requestFromFlags(values: FlagValues): SimulationRequest {
  const knobs = knobsFromFlags(values);
  const rounds = numberFlag(values, 'rounds', { whole: true, min: 1, max: MAX_ROUNDS });
  const capacity = numberFlag(values, 'capacity', { min: 0, max: 1, minOpen: true });
  const repFollow = numberFlag(values, 'rep-follow', RANGES.probability);
  const epochs = numberFlag(values, 'epochs', RANGES.count);
  const labelPolicy = optString(values, 'label-policy') !== undefined ? optChoice(values, 'label-policy', LABEL_POLICIES, 'negative') : undefined;
  const model = optString(values, 'model') !== undefined ? optChoice(values, 'model', SIMULATION_MODELS, 'logistic') : undefined;
  return {
    knobs,
    ...remedyFlags(values),
    ...(labelPolicy !== undefined ? { labelPolicy } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(rounds !== undefined ? { rounds } : {}),
    ...(capacity !== undefined ? { capacity } : {}),
    ...(repFollow !== undefined ? { repFollow } : {}),
    ...(epochs !== undefined ? { epochs } : {}),
    ...(knobs.seed !== undefined ? { seed: knobs.seed } : {}),
  };
}

export async function simulateCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, OPTIONS);
  const request = requestFromFlags(values);
  const format = optChoice(values, 'format', ['json', 'html'] as const, 'json');
  const out = optString(values, 'out');
  await setupNodeBackend();
  const result = await simulate(request, {
    onRound: (r, p) => process.stderr.write(`[${p.round}/${p.rounds}] ${progressLine(r)}\n`),
  });
  await writeResult(format === 'html' ? renderSimulationHtml(result) : toJson(result), out);
  const seconds = num(result.timings.totalMs / 1000, 1);
  process.stderr.write(`${result.rounds.length} rounds of ${count(result.config.knobs.leads)} leads in ${seconds} s${out ? ` → ${out}` : ''}\n`);
  return 0;
}

function progressLine(r: RoundResult): string {
  const rates = TOWN_SIZES.map((t) => `${t} ${pct(r.selectionRate[t])}`).join(', ');
  return `selection-rate gap ${exact(r.demographicParityDifference)}; called: ${rates}`;
}

// ---------------------------------------------------------------------------------------
// HTML

function cell(v: number | null | undefined, as: 'share' | 'number' | 'count' = 'number'): string {
  if (v === null || v === undefined) return '<td class="undef">undefined</td>';
  return `<td class="num">${as === 'share' ? pct(v) : as === 'count' ? count(v) : exact(v)}</td>`;
}

function settingsSection(s: SimulationResult): string {
  const c = s.config;
  const k = c.knobs;
  const rows: [string, string][] = [
    ['leads per round', count(k.leads)],
    ['rounds', String(c.rounds)],
    ['capacity', `${pct(c.capacity)} of each batch is called`],
    ['remedy', c.remedy === 'exploration' ? `exploration (${pct(c.exploration)} of calls at random)` : c.remedy],
    ['label policy', c.labelPolicy === 'negative' ? 'negative: uncalled leads are recorded as not converted' : 'unknown: uncalled leads are left out of training'],
    ['reps follow the list', pct(c.repFollow)],
    ['model', `${c.model}${c.epochs !== undefined ? `, ${c.epochs} epochs` : ', automatic epochs'}`],
    ['town sizes', TOWN_SIZES.map((t, i) => `${escapeHtml(t)} ${pct(k.representation[i])}`).join(', ')],
    ['disfavoured group', escapeHtml(k.disfavoured)],
    ['historical bias', exact(k.historicalBias)],
    ['proxy strength', exact(k.proxyStrength)],
    ['label bias', exact(k.labelBias)],
    ['base-rate gap', exact(k.baseRateGap)],
    ['noise', exact(k.noise)],
    ['seeds', `batches ${k.seed}, loop ${c.seed}`],
  ];
  return `<h2>Settings</h2><table>${rows.map(([a, b]) => `<tr><th scope="row">${a}</th><td>${b}</td></tr>`).join('')}</table>`;
}

function summarySection(s: SimulationResult): string {
  const all = [...(s.history ? [s.history] : []), ...s.rounds];
  const rows = all
    .map(
      (r) =>
        `<tr><th scope="row">${r.round === 0 ? '0 (history)' : r.round}</th>${cell(r.demographicParityDifference)}${cell(r.trueEqualOpportunityDifference)}` +
        `${cell(r.selectionRate[s.disfavoured], 'share')}${cell(r.accuracyTrue)}${cell(r.aucTrue)}${cell(r.accuracyObserved)}${cell(r.aucObserved)}</tr>`,
    )
    .join('');
  return (
    '<h2>The gap by round</h2>' +
    '<p class="def">Demographic parity difference: largest minus smallest share of a town size called. Equal opportunity difference: the same for the share of true converters called. Accuracy and ROC AUC of the calls and scores against the true outcomes, and against what the CRM recorded.</p>' +
    `<table><thead><tr><th>round</th><th>demographic parity difference</th><th>equal opportunity difference (true outcomes)</th><th>${escapeHtml(s.disfavoured)}: share called</th>` +
    '<th>accuracy (true)</th><th>ROC AUC (true)</th><th>accuracy (recorded)</th><th>ROC AUC (recorded)</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

function roundSection(r: RoundResult, s: SimulationResult): string {
  const title = r.round === 0 ? 'History (round 0): the past reps\' calls' : `Round ${r.round}`;
  const rows = s.groups
    .map(
      (g) =>
        `<tr><th scope="row">${escapeHtml(g)}${g === s.disfavoured ? ' <span class="tag small">disfavoured</span>' : ''}</th>` +
        `${cell(r.selectionRate[g], 'share')}${cell(r.trueConversionRate[g], 'share')}${cell(r.observedConversionRate[g], 'share')}` +
        `${cell(r.missedConversions[g], 'count')}${cell(r.trainingShare[g], 'share')}${cell(r.meanScore?.[g])}</tr>`,
    )
    .join('');
  const facts = `${count(r.leads)} leads, ${r.calls !== undefined ? count(r.calls) : 'undefined'} called; the scoring model was trained on ${r.trainingRows !== undefined ? count(r.trainingRows) : 'undefined'} rows.`;
  return (
    `<h3>${escapeHtml(title)}</h3><p class="sub">${facts}</p>` +
    '<table><thead><tr><th>town size</th><th>called</th><th>truly convert</th><th>the CRM believes</th><th>missed conversions</th><th>share of training rows</th><th>mean score</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

/** The simulation as one HTML document. */
export function renderSimulationHtml(s: SimulationResult): string {
  const rounds = [...(s.history ? [s.history] : []), ...s.rounds].map((r) => roundSection(r, s)).join('');
  const stopped = s.stoppedEarly ? '<p class="caveat">The run was stopped before its last round.</p>' : '';
  return reportDocument({
    title: 'Feedback-loop simulation — synthetic CRM leads',
    generatedBy: GENERATED_BY,
    sha256: null,
    body:
      '<p class="caveat">Synthetic data with a known truth: every lead\'s true outcome is known, so the report can show what the CRM never sees (leads nobody called never get an outcome).</p>' +
      settingsSection(s) +
      stopped +
      summarySection(s) +
      '<h2>Rounds</h2><p class="def">Called: share of the town size\'s leads called. Truly convert: share that converts when called. The CRM believes: recorded conversions over the leads it holds an outcome for. Missed conversions: true converters never called.</p>' +
      rounds,
  });
}
