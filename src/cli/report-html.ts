/**
 * The audit as one self-contained HTML file: inline CSS, no scripts, no fonts or images from
 * anywhere, so it can be printed, mailed and archived next to the data's hash. Pure string
 * building; every piece of text from the data or the flags is HTML-escaped.
 */
import { DISPARITY_DEFINITIONS, METRIC_DEFINITIONS, type Definition } from '../core/definitions';
import type { AttributeJson, AuditReport, DisparityKey, GroupJson, Num, Pair } from './audit';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

const REASONS: Record<string, string> = {
  'no-positives': 'no positives',
  'no-negatives': 'no negatives',
  'no-predicted-positives': 'nobody selected',
  'no-predicted-negatives': 'everybody selected',
  'empty-group': 'empty group',
  'one-class': 'one outcome class only',
  'no-scores': 'no scores given',
  'no-defined-groups': 'no group has it',
  'fewer-than-two-groups': 'fewer than two groups have it',
  'zero-max': 'largest value is 0',
  'overall-undefined': 'overall value undefined',
  'overall-zero': 'overall value is 0',
  'no-reference': 'no reference group',
  'reference-undefined': 'undefined for the reference group',
  'reference-zero': 'reference value is 0',
  'group-undefined': 'undefined for the group',
  empty: 'no rows',
  'zero-mean': 'mean benefit is 0',
  infinite: 'infinite',
};

function reasonText(r: string | undefined): string {
  return r ? (REASONS[r] ?? r) : 'undefined';
}

function fmt(x: number, digits = 3): string {
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 0.001 || a >= 1e6)) return x.toExponential(2);
  return x.toFixed(digits);
}

function interval(p: Pair | undefined): string {
  if (!p) return '';
  const [l, u] = p;
  return `<span class="ci">[${l === null ? '–' : fmt(l)}, ${u === null ? '–' : fmt(u)}]</span>`;
}

/** A value cell: the number (with its interval), or "undefined (reason)" as text, never 0. */
function valueCell(v: Num, reason: string | undefined, iv?: Pair, substituted?: string): string {
  if (v === null) return `<td class="undef">undefined (${escapeHtml(reasonText(reason))})</td>`;
  const sub = substituted ? ` <span class="subst" title="fairlearn's substitute for an undefined rate">substituted: ${escapeHtml(reasonText(substituted))}</span>` : '';
  return `<td class="num">${fmt(v)}${iv ? '<br>' + interval(iv) : ''}${sub}</td>`;
}

function definitionOf(key: string): Definition | undefined {
  return METRIC_DEFINITIONS[key] ?? DISPARITY_DEFINITIONS[key];
}

const GROUP_COLUMNS: { key: keyof GroupJson['metrics']; label: string }[] = [
  { key: 'selectionRate', label: 'selection rate' },
  { key: 'truePositiveRate', label: 'TPR' },
  { key: 'falsePositiveRate', label: 'FPR' },
  { key: 'precision', label: 'precision' },
  { key: 'accuracy', label: 'accuracy' },
  { key: 'rocAuc', label: 'ROC AUC' },
  { key: 'baseRate', label: 'base rate' },
];

const DISPARITY_ROWS: { key: DisparityKey; label: string; defKey: string }[] = [
  { key: 'demographicParityDifference', label: 'demographic parity difference', defKey: 'demographicParityDifference' },
  { key: 'demographicParityRatio', label: 'demographic parity ratio', defKey: 'demographicParityRatio' },
  { key: 'disparateImpact', label: 'disparate impact', defKey: 'disparateImpact' },
  { key: 'equalOpportunityDifference', label: 'equal opportunity difference', defKey: 'equalOpportunityDifference' },
  { key: 'equalOpportunityRatio', label: 'equal opportunity ratio', defKey: 'equalOpportunityRatio' },
  { key: 'equalizedOddsDifference', label: 'equalized odds difference (worst case)', defKey: 'equalizedOddsDifference' },
  { key: 'equalizedOddsRatio', label: 'equalized odds ratio (worst case)', defKey: 'equalizedOddsRatio' },
  { key: 'predictiveParityDifference', label: 'predictive parity difference', defKey: 'predictiveParityDifference' },
  { key: 'predictiveParityRatio', label: 'predictive parity ratio', defKey: 'predictiveParityRatio' },
  { key: 'aucGap', label: 'AUC gap', defKey: 'aucGap' },
  { key: 'calibrationGap', label: 'calibration gap', defKey: 'calibrationGap' },
];

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 70rem; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
.sub { color: #57606a; margin-top: 0; }
table { border-collapse: collapse; margin: .6rem 0 1rem; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; }
td.undef { color: #8250df; font-style: italic; }
.ci { color: #57606a; font-size: .8em; white-space: nowrap; }
.subst { color: #9a6700; font-size: .8em; }
.tag { display: inline-block; font-size: .75em; padding: 0 .35rem; border-radius: .6rem; margin-left: .3rem; }
.small { background: #fff8c5; color: #7d4e00; border: 1px solid #d4a72c; }
.ref { background: #ddf4ff; color: #0969da; border: 1px solid #54aeff; }
.pass { color: #1a7f37; font-weight: 600; }
.fail { color: #cf222e; font-weight: 600; }
.caveat { background: #fff8c5; border-left: 4px solid #d4a72c; padding: .5rem .8rem; }
code, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; word-break: break-all; }
.def { color: #57606a; font-size: .9em; }
footer { margin-top: 3rem; color: #57606a; font-size: .85em; border-top: 1px solid #d0d7de; padding-top: .6rem; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-after: avoid; } table { break-inside: auto; } tr { break-inside: avoid; } }
`;

function inputsSection(r: AuditReport): string {
  const i = r.input;
  const rows: [string, string][] = [
    ['data file', `${escapeHtml(i.file)} <span class="def">(${i.bytes} bytes)</span>`],
    ['data SHA-256', `<span class="hash">${escapeHtml(i.sha256)}</span>`],
    ['rows', String(r.rows)],
    ['target', `<code>${escapeHtml(i.target)}</code> = <code>${escapeHtml(i.positive)}</code> is the positive outcome`],
    ['protected', i.protected.map((p) => `<code>${escapeHtml(p.column)}</code>${p.cuts ? ` (cut points ${escapeHtml(p.cuts.join(', '))})` : ''}`).join(', ')],
    ['sample weight', i.weight ? `<code>${escapeHtml(i.weight)}</code> (weighted size ${fmt(r.weightSum)})` : 'none (every row weighs 1)'],
  ];
  if (i.score) rows.push(['score column', `<code>${escapeHtml(i.score)}</code> (P(positive))`]);
  if (i.prediction) rows.push(['decision column', `<code>${escapeHtml(i.prediction)}</code>`]);
  if (i.model) {
    rows.push(['model', `${escapeHtml(i.model)}<br><span class="hash">SHA-256 ${escapeHtml(i.modelSha256 ?? '')}</span>`]);
    rows.push(['manifest', `${escapeHtml(i.manifest ?? '')}<br><span class="hash">SHA-256 ${escapeHtml(i.manifestSha256 ?? '')}</span>`]);
  }
  rows.push(['fairlearn-compatible', r.options.fairlearnCompatible ? 'yes: undefined rates are shown as fairlearn\'s 0 and marked "substituted"' : 'no: undefined rates are shown as undefined, with the reason']);
  if (r.bootstrap) rows.push(['intervals', `${Math.round(r.bootstrap.level * 100)}% bootstrap percentile intervals, ${r.bootstrap.resamples} resamples, seed ${r.bootstrap.seed}`]);
  return `<h2>Inputs</h2><table>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function decisionText(r: AuditReport): string {
  const d = r.decision;
  let rule: string;
  if (d.source === 'predictions') rule = `the decisions in column <code>${escapeHtml(d.column)}</code> (1 = selected)`;
  else if (d.rule === 'threshold') rule = `select a lead when its score ≥ ${fmt(d.threshold, 4)}${d.thresholdFrom === 'manifest' ? ' (the manifest\'s threshold)' : d.thresholdFrom === 'default' ? ' (default)' : ''}`;
  else if (d.rule === 'top-k') rule = `select the ${d.k} highest-scored leads (ties broken by row order)`;
  else rule = `select the top ${fmt(d.percent, 2)}% of leads by score (ties broken by row order)`;
  return `<h2>Decision rule</h2><p>${rule}: ${d.selected} of ${r.rows} rows selected.</p>`;
}

function overallSection(r: AuditReport): string {
  const o = r.overall;
  const cells = GROUP_COLUMNS.map((c) => valueCell(o[c.key], o.undefined[c.key], o.intervals?.[c.key], o.substituted?.[c.key])).join('');
  return (
    `<h2>Overall</h2><table><thead><tr><th>rows</th>${GROUP_COLUMNS.map((c) => `<th>${c.label}</th>`).join('')}</tr></thead>` +
    `<tbody><tr><td class="num">${o.count}</td>${cells}</tr></tbody></table>`
  );
}

function groupRow(g: GroupJson, minGroupSize: number): string {
  const tags =
    (g.reference ? '<span class="tag ref">reference</span>' : '') +
    (g.small ? `<span class="tag small" title="fewer than ${minGroupSize} rows: noisy">small (n &lt; ${minGroupSize})</span>` : '');
  const cells = GROUP_COLUMNS.map((c) => valueCell(g.metrics[c.key], g.undefined[c.key], g.intervals?.[c.key], g.substituted?.[c.key])).join('');
  return `<tr><th scope="row">${escapeHtml(g.group)}${tags}</th><td class="num">${g.count}</td>${cells}</tr>`;
}

function attributeSection(a: AttributeJson, r: AuditReport): string {
  const d = a.disparities;
  const title = a.columns.length > 1 ? `Intersection ${a.columns.map(escapeHtml).join(' × ')}` : `Attribute ${escapeHtml(a.columns[0])}`;
  const ref = a.reference === null ? 'no reference group' : `reference group ${escapeHtml(a.reference)} (${a.referenceSource === 'given' ? 'given with --reference' : 'the largest by weight'})`;
  const missing = a.missingRows > 0 ? ` ${a.missingRows} rows have no value for it and are in no group (they count overall).` : '';
  const groups =
    `<table><thead><tr><th>group</th><th>rows</th>${GROUP_COLUMNS.map((c) => `<th>${c.label}</th>`).join('')}</tr></thead><tbody>` +
    a.groups.map((g) => groupRow(g, r.options.minGroupSize)).join('') +
    '</tbody></table>';
  const disp =
    '<table><thead><tr><th>disparity</th><th>between groups</th><th>to overall</th><th>definition</th></tr></thead><tbody>' +
    DISPARITY_ROWS.map((x) => {
      const def = definitionOf(x.defKey);
      const to = d.toOverall[x.key];
      return (
        `<tr><th scope="row">${x.label}</th>${valueCell(d[x.key], d.undefined[x.key], d.intervals?.[x.key])}` +
        `${to === null ? '<td class="undef">undefined</td>' : `<td class="num">${fmt(to)}</td>`}` +
        `<td class="def">${def ? `<code>${escapeHtml(def.formula)}</code> — ${escapeHtml(def.plain)}` : ''}</td></tr>`
      );
    }).join('') +
    '</tbody></table>';
  const ff = d.fourFifthsRule;
  const verdict = ff.pass === null ? '<span>undefined (the ratio is undefined)</span>' : ff.pass ? '<span class="pass">passes</span>' : '<span class="fail">fails</span>';
  const fourFifths =
    `<h3>Four-fifths rule</h3><p>Disparate impact ${ff.disparateImpact === null ? 'undefined' : fmt(ff.disparateImpact)} ${verdict} the ${ff.threshold} threshold.</p>` +
    `<p class="caveat">${escapeHtml(ff.caveat)}</p>`;
  const notes = a.notes.length > 0 ? `<h3>Notes</h3><ul>${a.notes.map((n) => `<li>${escapeHtml(n.message)}</li>`).join('')}</ul>` : '';
  return `<h2>${title}</h2><p class="sub">${a.groups.length} groups; ${ref}.${missing}</p>${groups}<h3>Disparities</h3>${disp}${fourFifths}${notes}`;
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
  const title = `Fairness audit — ${r.input.file}`;
  const notes = r.notes.length > 0 ? `<h2>Notes</h2><ul>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<meta name="generator" content="${escapeHtml(r.generatedBy)}">` +
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>` +
    `<h1>${escapeHtml(title)}</h1><p class="sub">Generated by ${escapeHtml(r.generatedBy)}, offline: no data left this machine.</p>` +
    inputsSection(r) +
    decisionText(r) +
    overallSection(r) +
    r.attributes.map((a) => attributeSection(a, r)).join('') +
    notes +
    definitionsSection() +
    `<footer>${escapeHtml(r.generatedBy)} · data SHA-256 <span class="hash">${escapeHtml(r.input.sha256)}</span></footer>` +
    '</body></html>\n'
  );
}
