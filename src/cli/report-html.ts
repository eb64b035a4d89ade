/**
 * The audit as one self-contained HTML file (the look is report-style.ts's): inputs with
 * their hashes, the decision rule, the overall metrics, then per attribute its groups, its
 * disparities with their formulas, the four-fifths rule with its caveat, and the notes. Pure
 * string building from the core report (src/core/audit/report.ts); labels, formulas and
 * reasons come from the metric table (core/definitions.ts), numbers from the formatter
 * (core/format.ts); every piece of text from the data or the flags is HTML-escaped.
 */
import { DISPARITY_DEFINITIONS, METRIC_DEFINITIONS, definitionOf, labelOf, reasonText } from '../core/definitions';
import { count, exact, undefinedText } from '../core/format';
import type { AttributeJson, AuditReport, DisparityKey, GroupJson, Num, Pair } from '../core/audit';
import { escapeHtml, reportDocument } from './report-style';

function interval(p: Pair | undefined): string {
  if (!p) return '';
  const [l, u] = p;
  return `<span class="ci">[${l === null ? '–' : exact(l)}, ${u === null ? '–' : exact(u)}]</span>`;
}

/** A value cell: the number (with its interval), or "undefined (reason)" as text, never 0. */
function valueCell(v: Num, reason: string | undefined, iv?: Pair, substituted?: string): string {
  if (v === null) return `<td class="undef">${escapeHtml(undefinedText(reason === 'undefined' ? undefined : reason))}</td>`;
  const sub = substituted ? ` <span class="subst" title="fairlearn's substitute for an undefined rate">substituted: ${escapeHtml(reasonText(substituted))}</span>` : '';
  return `<td class="num">${exact(v)}${iv ? '<br>' + interval(iv) : ''}${sub}</td>`;
}

/** The metrics shown per group, in this order. */
const GROUP_KEYS = ['selectionRate', 'truePositiveRate', 'falsePositiveRate', 'precision', 'accuracy', 'rocAuc', 'baseRate'] as const;

/** The disparities shown per attribute, in this order. */
const DISPARITY_ROWS: readonly DisparityKey[] = [
  'demographicParityDifference',
  'demographicParityRatio',
  'disparateImpact',
  'equalOpportunityDifference',
  'equalOpportunityRatio',
  'equalizedOddsDifference',
  'equalizedOddsRatio',
  'predictiveParityDifference',
  'predictiveParityRatio',
  'aucGap',
  'calibrationGap',
];

const headCells = (): string => GROUP_KEYS.map((k) => `<th>${escapeHtml(labelOf(k))}</th>`).join('');

function inputsSection(r: AuditReport): string {
  const i = r.input;
  const rows: [string, string][] = [];
  if (i.file) rows.push(['data file', `${escapeHtml(i.file)}${i.bytes !== null ? ` <span class="def">(${count(i.bytes)} bytes)</span>` : ''}`]);
  if (i.sha256) rows.push(['data SHA-256', `<span class="hash">${escapeHtml(i.sha256)}</span>`]);
  rows.push(
    ['rows', count(r.rows)],
    ['target', `<code>${escapeHtml(i.target)}</code> = <code>${escapeHtml(i.positive)}</code> is the positive outcome`],
    ['protected', i.protected.map((p) => `<code>${escapeHtml(p.column)}</code>${p.cuts ? ` (cut points ${escapeHtml(p.cuts.join(', '))})` : ''}`).join(', ')],
    ['sample weight', i.weight ? `<code>${escapeHtml(i.weight)}</code> (weighted size ${exact(r.weightSum)})` : 'none (every row weighs 1)'],
  );
  if (i.score) rows.push(['score column', `<code>${escapeHtml(i.score)}</code> (P(positive))`]);
  if (i.prediction) rows.push(['decision column', `<code>${escapeHtml(i.prediction)}</code>`]);
  if (i.model) {
    rows.push(['model', `${escapeHtml(i.model)}${i.modelSha256 ? `<br><span class="hash">SHA-256 ${escapeHtml(i.modelSha256)}</span>` : ''}`]);
    rows.push(['manifest', `${escapeHtml(i.manifest ?? '')}${i.manifestSha256 ? `<br><span class="hash">SHA-256 ${escapeHtml(i.manifestSha256)}</span>` : ''}`]);
  }
  rows.push(['fairlearn-compatible', r.options.fairlearnCompatible ? 'yes: undefined rates are shown as fairlearn\'s 0 and marked "substituted"' : 'no: undefined rates are shown as undefined, with the reason']);
  if (r.bootstrap) rows.push(['intervals', `${Math.round(r.bootstrap.level * 100)}% bootstrap percentile intervals, ${r.bootstrap.resamples} resamples, seed ${r.bootstrap.seed}`]);
  return `<h2>Inputs</h2><table>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function decisionSection(r: AuditReport): string {
  const d = r.decision;
  let rule: string;
  if (d.source === 'predictions') rule = `the decisions in column <code>${escapeHtml(d.column ?? '')}</code> (1 = selected)`;
  else if (d.rule === 'threshold') rule = `select a lead when its score ≥ ${exact(d.threshold, 4)}${d.thresholdFrom === 'manifest' ? " (the manifest's threshold)" : d.thresholdFrom === 'default' ? ' (default)' : ''}`;
  else if (d.rule === 'top-k') rule = `select the ${count(d.k)} highest-scored leads (ties broken by row order)`;
  else rule = `select the top ${exact(d.percent, 2)}% of leads by score (ties broken by row order)`;
  return `<h2>Decision rule</h2><p>${rule}: ${count(d.selected)} of ${count(r.rows)} rows selected.</p>`;
}

function overallSection(r: AuditReport): string {
  const o = r.overall;
  const cells = GROUP_KEYS.map((k) => valueCell(o[k], o.undefined[k], o.intervals?.[k], o.substituted?.[k])).join('');
  return `<h2>Overall</h2><table><thead><tr><th>rows</th>${headCells()}</tr></thead><tbody><tr><td class="num">${count(o.count)}</td>${cells}</tr></tbody></table>`;
}

function groupRow(g: GroupJson, minGroupSize: number): string {
  const tags =
    (g.reference ? '<span class="tag ref">reference</span>' : '') +
    (g.small ? `<span class="tag small" title="fewer than ${minGroupSize} rows: noisy">small (n &lt; ${minGroupSize})</span>` : '');
  const cells = GROUP_KEYS.map((k) => valueCell(g.metrics[k], g.undefined[k], g.intervals?.[k], g.substituted?.[k])).join('');
  return `<tr><th scope="row">${escapeHtml(g.group)}${tags}</th><td class="num">${count(g.count)}</td>${cells}</tr>`;
}

function disparityTable(a: AttributeJson): string {
  const d = a.disparities;
  const rows = DISPARITY_ROWS.map((key) => {
    const def = definitionOf(key);
    const to = d.toOverall[key];
    return (
      `<tr><th scope="row">${escapeHtml(labelOf(key))}</th>${valueCell(d[key], d.undefined[key], d.intervals?.[key])}` +
      `${to === null ? `<td class="undef">${undefinedText(undefined)}</td>` : `<td class="num">${exact(to)}</td>`}` +
      `<td class="def">${def ? `<code>${escapeHtml(def.formula)}</code> — ${escapeHtml(def.plain)}` : ''}</td></tr>`
    );
  }).join('');
  return `<table><thead><tr><th>disparity</th><th>between groups</th><th>to overall</th><th>definition</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function fourFifthsSection(a: AttributeJson): string {
  const ff = a.disparities.fourFifthsRule;
  const verdict = ff.pass === null ? '<span>cannot be judged (the ratio is undefined)</span>' : ff.pass ? '<span class="pass">passes</span>' : '<span class="fail">fails</span>';
  return (
    `<h3>${escapeHtml(labelOf('fourFifthsRule').replace(/^./, (c) => c.toUpperCase()))}</h3>` +
    `<p>${escapeHtml(labelOf('disparateImpact').replace(/^./, (c) => c.toUpperCase()))} ${ff.disparateImpact === null ? 'undefined' : exact(ff.disparateImpact)}: ${verdict} the ${ff.threshold} threshold.</p>` +
    `<p class="caveat">${escapeHtml(ff.caveat)}</p>`
  );
}

function attributeSection(a: AttributeJson, r: AuditReport): string {
  const title = a.columns.length > 1 ? `Intersection ${a.columns.map(escapeHtml).join(' × ')}` : `Attribute ${escapeHtml(a.columns[0])}`;
  const ref = a.reference === null ? 'no reference group' : `reference group ${escapeHtml(a.reference)} (${a.referenceSource === 'given' ? 'as asked' : 'the largest by weight'})`;
  const missing = a.missingRows > 0 ? ` ${count(a.missingRows)} ${a.missingRows === 1 ? 'row has' : 'rows have'} no value for it and ${a.missingRows === 1 ? 'is' : 'are'} in no group (counted overall).` : '';
  const groups = `<table><thead><tr><th>group</th><th>rows</th>${headCells()}</tr></thead><tbody>${a.groups.map((g) => groupRow(g, r.options.minGroupSize)).join('')}</tbody></table>`;
  const notes = a.notes.length > 0 ? `<h3>Notes</h3><ul>${a.notes.map((n) => `<li>${escapeHtml(n.message)}</li>`).join('')}</ul>` : '';
  return `<h2>${title}</h2><p class="sub">${a.groups.length} groups; ${ref}.${missing}</p>${groups}<h3>Disparities</h3>${disparityTable(a)}${fourFifthsSection(a)}${notes}`;
}

function definitionsSection(): string {
  const rows = [...Object.entries(METRIC_DEFINITIONS), ...Object.entries(DISPARITY_DEFINITIONS)]
    .map(([k, d]) => `<tr><th scope="row">${escapeHtml(d.label)} <code>${escapeHtml(k)}</code></th><td><code>${escapeHtml(d.formula)}</code></td><td>${escapeHtml(d.plain)}${d.convention ? ` <span class="def">(${escapeHtml(d.convention)})</span>` : ''}</td></tr>`)
    .join('');
  return (
    '<h2>Definitions</h2><p class="def">TP, FP, TN, FN are (weighted) confusion counts at the decision rule; P = TP + FN, N = FP + TN; SR = selection rate. A rate whose denominator is 0 is reported as undefined with the reason, never as 0.</p>' +
    `<table><thead><tr><th>metric</th><th>formula</th><th>meaning</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

/** The whole report as one HTML document. */
export function renderAuditHtml(r: AuditReport): string {
  const notes = r.notes.length > 0 ? `<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n.message)}</li>`).join('')}</ul>` : '';
  return reportDocument({
    title: `Fairness audit${r.input.file ? ` — ${r.input.file}` : ''}`,
    generatedBy: r.generatedBy,
    sha256: r.input.sha256,
    body: inputsSection(r) + decisionSection(r) + overallSection(r) + r.attributes.map((a) => attributeSection(a, r)).join('') + notes + definitionsSection(),
  });
}
