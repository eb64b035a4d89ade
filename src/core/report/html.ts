/**
 * The assessment as one self-contained HTML file: every section of the JSON twin, numbers
 * formatted once by core/format.ts and labelled from core/definitions.ts, charts as inline
 * SVG (svg.ts), a print stylesheet for A4 (each section on a new page, tables and charts kept
 * whole, a running header and page numbers), and a Content-Security-Policy that lets the file
 * load nothing: no script, no font, no image but inline data. Pure string building; every
 * piece of text from the data, the flags or the person is escaped.
 */
import { count, exact, formatInterval, formatMetric, num, pct, points, signed, undefinedText } from '../format';
import { labelOf, unitOf } from '../definitions';
import { fewerThan } from '../anonymise';
import { REPORT_CSS, escapeHtml } from './style';
import { CHART_CSS, barChartSvg } from './svg';
import { NOT_STATED, SUPPRESSED, type Assessment, type AttributeFairness, type MetricValue } from './types';

/** The file's Content-Security-Policy: nothing may be loaded; inline styles and data images only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const e = escapeHtml;

/** Text for a CSS string literal (the running header): no quote, backslash, line break or markup. */
function cssString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ').replace(/</g, '\\3C ')}"`;
}

function printCss(a: Assessment): string {
  const system = a.system.name === NOT_STATED ? (a.data.file ?? 'the scoring system') : a.system.name;
  const foot = `${a.generatedBy}${a.data.sha256 ? ` · data SHA-256 ${a.data.sha256.slice(0, 16)}…` : ''}`;
  return `
.cover { border-bottom: 3px solid #0969da; padding-bottom: 1rem; margin-bottom: 1rem; }
.cover .kind { text-transform: uppercase; letter-spacing: .08em; color: #0969da; font-size: .8rem; font-weight: 600; }
.notstated { color: #8c959f; font-style: italic; }
.withheld { color: #7d4e00; font-style: italic; }
ol.toc { columns: 2; }
.sev-high { color: #cf222e; font-weight: 600; }
.sev-medium { color: #9a6700; font-weight: 600; }
.sev-low { color: #57606a; }
.sign td { height: 2.2rem; }
.chosen { background: #dafbe1; }
@page { size: A4; margin: 18mm 14mm 20mm 14mm;
  @top-left { content: "Algorithmic impact assessment"; font: 8pt system-ui, sans-serif; color: #57606a; }
  @top-right { content: ${cssString(system)}; font: 8pt system-ui, sans-serif; color: #57606a; }
  @bottom-left { content: ${cssString(foot)}; font: 7pt system-ui, sans-serif; color: #57606a; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, sans-serif; color: #57606a; }
}
@page :first { @top-left { content: none; } @top-right { content: none; } }
@media print {
  body { margin: 0; padding: 0; max-width: none; font-size: 9pt; }
  section.sec { break-before: page; }
  h2, h3 { break-after: avoid; }
  table, svg.chart, .keep { break-inside: avoid; }
  table.long { break-inside: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  footer { display: none; }
}
`;
}

// ---------------------------------------------------------------------------------------
// cells

function text(s: string): string {
  return s === NOT_STATED ? `<span class="notstated">${NOT_STATED}</span>` : e(s);
}

function withheld(k: number): string {
  return `<span class="withheld">withheld (${fewerThan(k)} rows)</span>`;
}

/** A metric's value with its interval, or the reason it has none. */
function metricCell(m: { key: string; value: number | null; interval: [number | null, number | null] | null; reason: string | null }, k: number): string {
  if (m.value === null) return m.reason === SUPPRESSED ? `<td>${withheld(k)}</td>` : `<td class="undef">${e(undefinedText(m.reason === 'undefined' ? undefined : (m.reason ?? undefined)))}</td>`;
  const iv = m.interval ? formatInterval(m.key, m.interval[0], m.interval[1]) : '';
  return `<td class="num">${e(formatMetric(m.key, m.value))}${iv ? `<br><span class="ci">${e(iv)}</span>` : ''}</td>`;
}

function countCell(n: number | null, k: number): string {
  return n === null ? `<td class="withheld">${fewerThan(k)}</td>` : `<td class="num">${count(n)}</td>`;
}

function kv(rows: [string, string][]): string {
  return `<table class="kv">${rows.map(([key, v]) => `<tr><th scope="row">${e(key)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function section(n: number, id: string, title: string, body: string): string {
  return `<section class="sec" id="${id}"><h2>${n}. ${e(title)}</h2>${body}</section>`;
}

// ---------------------------------------------------------------------------------------
// sections

function systemBody(a: Assessment): string {
  const s = a.system;
  return kv([
    ['system', text(s.name)],
    ['purpose', text(s.purpose)],
    ['intended use', text(s.intendedUse)],
    ['people affected', text(s.affectedPeople)],
    ['out of scope', text(s.outOfScope)],
    ['owner and accountable person', text(s.owner)],
    ['deployment', text(s.deployment)],
  ]);
}

function dataBody(a: Assessment): string {
  const d = a.data;
  const k = a.fairness.k;
  const prov = kv([
    ['file', d.file ? e(d.file) + (d.bytes !== null ? ` <span class="def">(${count(d.bytes)} bytes)</span>` : '') : text(NOT_STATED)],
    ['SHA-256', d.sha256 ? `<span class="hash">${e(d.sha256)}</span>` : text(NOT_STATED)],
    ['rows × columns', `${count(d.rows)} × ${count(d.columns)}`],
    ['target', `<code>${e(d.target.column)}</code> = <code>${e(d.target.positive)}</code> is the positive outcome`],
    ['sample weight', d.weight ? `<code>${e(d.weight)}</code>` : 'none (every row weighs 1)'],
  ]);
  const profRows = d.profile
    .map((p) => {
      let values: string;
      if (p.role === 'identifier') values = '<span class="withheld">identifier: no values shown</span>';
      else if (p.role === 'protected') values = '<span class="def">see representation below</span>';
      else if (p.numeric) values = `mean ${exact(p.numeric.mean)}, sd ${exact(p.numeric.std)}; quartiles ${exact(p.numeric.p25)} / ${exact(p.numeric.p50)} / ${exact(p.numeric.p75)}${p.numeric.p05 !== null && p.numeric.p95 !== null ? `; 5–95%: ${exact(p.numeric.p05)} to ${exact(p.numeric.p95)}` : ''}`;
      else if (p.top) values = p.top.map((t) => `${e(t.value)} (${count(t.count)})`).join(', ') + (p.hiddenValues > 0 ? `; <span class="withheld">${p.hiddenValues} value${p.hiddenValues === 1 ? '' : 's'} with ${fewerThan(k)} rows not named</span>` : '') + (p.distinct > p.top.length + p.hiddenValues ? ', …' : '');
      else values = p.count < k && p.type === 'numeric' ? withheld(k) : '';
      return `<tr><th scope="row"><code>${e(p.name)}</code></th><td>${e(p.type)}${p.role !== 'other' ? ` <span class="tag ref">${e(p.role)}</span>` : ''}</td><td class="num">${count(p.missing)}</td><td class="num">${count(p.distinct)}</td><td>${values}</td></tr>`;
    })
    .join('');
  const profile = `<h3>Profile</h3><p class="def">Minimum and maximum are not shown (they are single rows' values); values held by ${fewerThan(k)} rows are not named.</p><table class="long"><thead><tr><th>column</th><th>type</th><th>missing</th><th>distinct</th><th>values</th></tr></thead><tbody>${profRows}</tbody></table>`;
  const rep = d.representation
    .map((r) => {
      const rows = r.groups.map((g) => `<tr><th scope="row">${e(g.group)}</th>${countCell(g.count, k)}<td class="num">${g.share === null ? withheld(k) : pct(g.share)}</td><td class="num">${g.hidden ? withheld(k) : formatMetric('baseRate', g.baseRate)}</td></tr>`).join('');
      const none = r.missingRows === null ? `<tr><th scope="row">no value</th><td class="withheld">${fewerThan(k)}</td><td></td><td></td></tr>` : r.missingRows > 0 ? `<tr><th scope="row">no value</th><td class="num">${count(r.missingRows)}</td><td class="num">${pct(r.missingRows / r.rows)}</td><td></td></tr>` : '';
      const chart = barChartSvg({ title: `Share of rows by ${r.attribute}`, metric: 'baseRate', unit: 'percent', data: r.groups.map((g) => ({ label: g.group, value: g.share, note: fewerThan(k) })) });
      return `<div class="keep"><h3>Representation: ${e(r.attribute)}</h3><table><thead><tr><th>group</th><th>rows</th><th>share</th><th>${e(labelOf('baseRate'))}</th></tr></thead><tbody>${rows}${none}</tbody></table>${chart}</div>`;
    })
    .join('');
  return `<h3>Provenance</h3>${prov}${profile}${rep}`;
}

function protectedBody(a: Assessment): string {
  const rows = a.protectedAttributes.map((p) => `<tr><th scope="row"><code>${e(p.column)}</code></th><td>${p.cuts ? `binned at ${e(p.cuts.join(', '))}` : 'as recorded'}</td><td>${text(p.why)}</td></tr>`).join('');
  return `<table><thead><tr><th>attribute</th><th>groups</th><th>why it is assessed</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function decisionText(d: Assessment['model']['decision']): string {
  if (d.source === 'predictions') return `the decisions in column <code>${e(d.column ?? '')}</code>`;
  if (d.rule === 'threshold') return `select a lead when its score ≥ ${num(d.threshold, 3)}${d.thresholdFrom === 'manifest' ? " (the manifest's threshold)" : d.thresholdFrom === 'default' ? ' (default)' : ''}`;
  if (d.rule === 'top-k') return `select the ${count(d.k)} highest-scored leads`;
  return `select the top ${exact(d.percent, 2)}% of leads by score`;
}

function modelBody(a: Assessment): string {
  const m = a.model;
  const files = m.files.length > 0 ? `<table><thead><tr><th>file</th><th>role</th><th>bytes</th><th>SHA-256</th></tr></thead><tbody>${m.files.map((f) => `<tr><td>${e(f.name)}</td><td>${e(f.role)}</td><td class="num">${f.bytes === null ? '' : count(f.bytes)}</td><td class="hash">${e(f.sha256)}</td></tr>`).join('')}</tbody></table>` : `<p>${m.kind === 'model' ? text(NOT_STATED) : `The scores were read from a column of the data (${e(m.kind)}); no model file was assessed.`}</p>`;
  const man = m.manifest;
  const manifest = man
    ? kv([
        ['name', man.name ? e(man.name) : text(NOT_STATED)],
        ['description', man.description ? e(man.description) : text(NOT_STATED)],
        ['output', `${e(man.output)}; threshold ${num(man.threshold, 3)}${man.groupThresholds ? '; group thresholds declared' : ''}`],
        ['inputs', man.features.map((f) => `<code>${e(f.column)}</code> <span class="def">${e(f.kind)}</span>`).join(', ')],
        ['training', man.training ? `<code>${e(JSON.stringify(man.training))}</code>` : text(NOT_STATED)],
      ])
    : '';
  return `<h3>Files</h3>${files}${man ? `<h3>Manifest</h3>${manifest}` : ''}<h3>Decision rule</h3><p>${decisionText(m.decision)}.</p>`;
}

function metricsTable(ms: readonly MetricValue[], k: number): string {
  return `<table><thead><tr><th>metric</th><th>value</th><th>definition</th></tr></thead><tbody>${ms.map((m) => `<tr><th scope="row">${e(labelOf(m.key))}</th>${metricCell(m, k)}<td class="def">${e(m.key)}: see Definitions</td></tr>`).join('')}</tbody></table>`;
}

function performanceBody(a: Assessment): string {
  const p = a.performance;
  const iv = p.intervals ? `${Math.round(p.intervals.level * 100)}% bootstrap percentile intervals, ${count(p.intervals.resamples)} resamples, seed ${p.intervals.seed}.` : 'No intervals (no bootstrap was run).';
  return `<p>${count(p.selected)} of ${count(p.rows)} rows selected. ${iv}</p>${metricsTable(p.metrics, a.fairness.k)}`;
}

const GROUP_COLS = ['selectionRate', 'truePositiveRate', 'falsePositiveRate', 'precision', 'accuracy', 'rocAuc', 'baseRate'] as const;

function attributeBlock(at: AttributeFairness, a: Assessment): string {
  const k = a.fairness.k;
  const head = `<tr><th>group</th><th>rows</th>${GROUP_COLS.map((c) => `<th>${e(labelOf(c))}</th>`).join('')}</tr>`;
  const rows = at.groups
    .map((g) => {
      const tags = (g.reference ? '<span class="tag ref">reference</span>' : '') + (g.small && !g.hidden ? `<span class="tag small">n &lt; ${a.fairness.minGroupSize}</span>` : '') + (g.hidden === 'complementary' ? '<span class="tag small">hidden to protect another group</span>' : '');
      const cells = GROUP_COLS.map((c) => metricCell({ key: c, value: g.metrics[c] ?? null, interval: g.intervals[c] ?? null, reason: g.reasons[c] ?? null }, k)).join('');
      return `<tr><th scope="row">${e(g.group)}${tags}</th>${countCell(g.count, k)}${cells}</tr>`;
    })
    .join('');
  const overall = a.performance.metrics.find((m) => m.key === 'selectionRate')?.value ?? null;
  const chart = barChartSvg({
    title: `Selection rate by ${at.name}${a.performance.intervals ? ` with ${Math.round(a.performance.intervals.level * 100)}% intervals` : ''}`,
    metric: 'selectionRate',
    unit: 'percent',
    data: at.groups.map((g) => ({ label: g.group, value: g.metrics.selectionRate ?? null, lower: g.intervals.selectionRate?.[0] ?? null, upper: g.intervals.selectionRate?.[1] ?? null, note: g.hidden ? fewerThan(k) : undefinedText(g.reasons.selectionRate), accent: g.reference })),
    rule: overall === null ? null : { value: overall, label: `overall ${pct(overall)}` },
  });
  const disp = `<table><thead><tr><th>disparity</th><th>between groups</th></tr></thead><tbody>${at.disparities.map((d) => `<tr><th scope="row">${e(labelOf(d.key))}</th>${metricCell(d, k)}</tr>`).join('')}</tbody></table>`;
  const ff = at.fourFifthsRule;
  const verdict = ff.pass === null ? 'cannot be judged' : ff.pass ? '<span class="pass">passes</span>' : '<span class="fail">fails</span>';
  const rule = `<p class="keep">Four-fifths rule: disparate impact ${ff.disparateImpact === null ? 'undefined' : exact(ff.disparateImpact)} ${verdict} the ${ff.threshold} threshold.</p><p class="caveat">${e(ff.caveat)}</p>`;
  const missing = at.missingRows === null ? `<p class="def">Rows with no value: ${fewerThan(k)}.</p>` : at.missingRows > 0 ? `<p class="def">Rows with no value (in no group): ${count(at.missingRows)}.</p>` : '';
  const notes = at.notes.length > 0 ? `<ul class="def">${at.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul>` : '';
  const title = at.columns.length > 1 ? `Intersection ${at.columns.map(e).join(' × ')}` : `Attribute ${e(at.name)}`;
  return `<h3>${title}</h3><p class="sub">Reference group: ${at.reference === null ? 'none shown' : e(at.reference)}.</p><table><thead>${head}</thead><tbody>${rows}</tbody></table>${missing}${chart}${disp}${rule}${notes}`;
}

function fairnessBody(a: Assessment): string {
  return `<p>Groups with ${fewerThan(a.fairness.k)} rows are shown as "${fewerThan(a.fairness.k)}" with their rates withheld; groups with fewer than ${a.fairness.minGroupSize} rows stay in the tables but out of the headline disparities. Each metric's definition is in the Definitions section.</p>${a.fairness.attributes.map((at) => attributeBlock(at, a)).join('')}`;
}

function explanationsBody(a: Assessment): string {
  const x = a.explanations;
  if (!x.supplied) return `<p class="notstated">No explanations were supplied.</p>`;
  let out = '';
  if (x.importance) {
    const imp = x.importance;
    const rows = imp.columns.map((c) => `<tr><th scope="row"><code>${e(c.name)}</code></th><td class="num">${signed(c.mean, 4)}</td><td class="num">${exact(c.std, 4)}</td></tr>`).join('');
    out += `<h3>Global importance</h3><p>Permutation importance on ${e(imp.score)} (baseline ${exact(imp.baseline, 4)}), ${imp.repeats} repeats, seed ${imp.seed}: how much the score drops when the column's values are shuffled.</p><table><thead><tr><th>column</th><th>mean drop</th><th>sd</th></tr></thead><tbody>${rows}</tbody></table>`;
  }
  if (x.shap) {
    const sh = x.shap;
    const rows = sh.columns.map((c) => `<tr><th scope="row"><code>${e(c.name)}</code></th><td class="num">${exact(c.meanAbs, 4)}</td></tr>`).join('');
    out += `<h3>Mean |SHAP| by column</h3><p>Permutation SHAP values of ${count(sh.rows)} rows on the ${e(sh.output)} scale (${sh.permutations} permutations, ${e(sh.background.kind)} background of ${count(sh.background.size)} rows, seed ${sh.seed}): how far each column moves a score, on average, in either direction.</p><table><thead><tr><th>column</th><th>mean |SHAP|</th></tr></thead><tbody>${rows}</tbody></table>`;
  }
  for (const p of x.proxies) {
    const rows = p.columns.map((c) => `<tr><th scope="row"><code>${e(c.name)}</code>${c.likelyProxy ? '<span class="tag small">likely proxy</span>' : ''}</th><td class="num">${num(c.nmi)}</td><td class="num">${num(c.groupInformation)}</td><td class="num">${c.maxAuc === null ? 'undefined' : num(c.maxAuc)}${c.bestGroup ? ` <span class="def">(${e(c.bestGroup)})</span>` : ''}</td></tr>`).join('');
    out += `<h3>Proxies of ${e(p.attribute)}</h3><p class="def">Normalised mutual information with the groups, share of the groups' entropy explained, and the best one-column AUC for a shown group; a column is a likely proxy when NMI ≥ ${p.nmiThreshold} or AUC ≥ ${p.aucThreshold}.</p><table><thead><tr><th>column</th><th>NMI</th><th>group information</th><th>best AUC</th></tr></thead><tbody>${rows}</tbody></table>`;
  }
  if (x.gap) {
    const g = x.gap;
    out += g.withheld
      ? `<h3>Gap attribution</h3><p>${withheld(a.fairness.k)}: one of the two groups is too small.</p>`
      : `<h3>Gap attribution: ${e(g.groupA)} vs ${e(g.groupB)}</h3><p>Mean score gap ${points(g.gap)} over ${count(g.countA)} and ${count(g.countB)} explained rows, split by column (sums to the gap).</p><table><thead><tr><th>column</th><th>share of the gap</th></tr></thead><tbody>${g.contributions.map((c) => `<tr><th scope="row"><code>${e(c.name)}</code></th><td class="num">${points(c.value, 2)}</td></tr>`).join('')}</tbody></table>`;
  }
  return out;
}

function mitigationsBody(a: Assessment): string {
  const m = a.mitigations;
  if (!m.supplied) return `<p class="notstated">No mitigation scenarios were supplied.</p>`;
  const k = a.fairness.k;
  const keys = m.scenarios[0]?.metrics.map((x) => x.key) ?? [];
  const rows = m.scenarios
    .map((s) => `<tr class="${s.chosen ? 'chosen' : ''}"><th scope="row">${e(s.name)}${s.chosen ? '<span class="tag good">chosen</span>' : ''}${s.pareto ? '<span class="tag ref">Pareto</span>' : ''}<br><span class="def">${e(s.interventions.join('; ') || 'no intervention')}</span></th>${s.metrics.map((x) => metricCell(x, k)).join('')}</tr>`)
    .join('');
  const split = m.split ? `<p>Held-out split: ${count(m.split.test)} rows (${pct(m.split.testFraction, 0)}), seed ${m.split.seed}; differences from "${e(m.baselineScenario ?? 'none')}".${m.file ? ` File <code>${e(m.file)}</code>.` : ''}</p>` : '';
  const table = `<table><thead><tr><th>scenario</th>${keys.map((x) => `<th>${e(labelOf(x))}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
  const c = m.chosen;
  const chosen = c
    ? `<h3>Chosen: ${e(c.name)}</h3>${kv([
        ['accuracy cost (baseline − chosen)', c.accuracyCost === null ? 'undefined' : points(c.accuracyCost, 2)],
        ['change in demographic parity difference', c.demographicParityChange === null ? 'undefined' : points(c.demographicParityChange)],
        ['change in equal opportunity difference', c.equalOpportunityChange === null ? 'undefined' : points(c.equalOpportunityChange)],
        ['held-out disparate impact (shown groups)', c.disparateImpact === null ? 'undefined' : exact(c.disparateImpact)],
      ])}`
    : `<p class="notstated">No scenario was marked as chosen.</p>`;
  const chart = barChartSvg({ title: `Held-out accuracy by scenario${m.scenarios.some((s) => s.metrics[0]?.interval) ? ' with intervals' : ''}`, metric: 'accuracy', unit: 'percent', data: m.scenarios.map((s) => ({ label: s.name, value: s.metrics[0]?.value ?? null, lower: s.metrics[0]?.interval?.[0] ?? null, upper: s.metrics[0]?.interval?.[1] ?? null, accent: s.chosen })) });
  const dpd = barChartSvg({ title: 'Held-out demographic parity difference by scenario', metric: 'demographicParityDifference', unit: 'points', data: m.scenarios.map((s) => { const d = s.metrics.find((x) => x.key === 'demographicParityDifference'); return { label: s.name, value: d?.value ?? null, lower: d?.interval?.[0] ?? null, upper: d?.interval?.[1] ?? null, accent: s.chosen }; }) });
  return `${split}${table}${chart}${dpd}${chosen}`;
}

function risksBody(a: Assessment): string {
  if (a.residualRisks.length === 0) return '<p>No rule raised a residual risk.</p>';
  return `<table class="long"><thead><tr><th>severity</th><th>area</th><th>risk</th><th>rule</th></tr></thead><tbody>${a.residualRisks.map((r) => `<tr><td class="sev-${r.severity}">${r.severity}</td><td>${e(r.area)}</td><td>${e(r.message)}</td><td class="def">${e(r.rule)}</td></tr>`).join('')}</tbody></table>`;
}

function oversightBody(a: Assessment): string {
  const o = a.oversight;
  const k = a.fairness.k;
  let out = kv([['how people override and appeal', text(o.statement)]]);
  if (o.log) {
    const l = o.log;
    out += `<h3>Decision log</h3>${kv([
      ['file', `${e(l.file)}<br><span class="hash">SHA-256 ${e(l.sha256)}</span>`],
      ['chain', l.intact ? `<span class="pass">intact</span>: ${count(l.entries)} entries, head <span class="hash">${e(l.head ?? '')}</span>` : `<span class="fail">broken</span>: ${e(l.problem ?? '')}`],
      ['entries by kind', Object.entries(l.byKind).map(([kind, n]) => `${e(kind)} ${count(n)}`).join(', ') || 'none'],
      ['overrides of the model', count(l.overrides)],
    ])}`;
  }
  if (o.appeals.length > 0) {
    out += `<h3>Appeals by group</h3><table><thead><tr><th>group</th><th>decided</th><th>overturned</th><th>overturn rate</th></tr></thead><tbody>${o.appeals.map((x) => `<tr><th scope="row">${e(x.group)}</th>${countCell(x.decided, k)}<td class="num">${x.overturned === null ? withheld(k) : count(x.overturned)}</td><td class="num">${x.hidden ? withheld(k) : x.overturnRate === null ? 'undefined' : pct(x.overturnRate)}</td></tr>`).join('')}</tbody></table>`;
  }
  if (o.workshop) {
    const w = o.workshop;
    out += `<h3>Workshop findings</h3><p>${e(w.file)}: ${count(w.participants)} participants, ${count(w.decisions)} decisions.</p><ul>${w.findings.map((f) => `<li>${e(f)}</li>`).join('')}</ul>`;
  }
  return out;
}

function monitoringBody(a: Assessment): string {
  const m = a.monitoring;
  const policy = m.policy
    ? `<h3>Policy</h3>${kv([
        ['file', `${e(m.policy.file)}<br><span class="hash">SHA-256 ${e(m.policy.sha256)}</span>`],
        ['format', m.policy.format ? `<code>${e(m.policy.format)}</code>` : text(NOT_STATED)],
      ])}<pre class="keep"><code>${e(JSON.stringify(m.policy.content, null, 2))}</code></pre>`
    : `<p class="notstated">No monitoring policy was supplied.</p>`;
  const t = m.today;
  const today = t
    ? `<h3>The policy on this audit</h3><p>Verdict today: <strong>${e(t.verdict)}</strong>${t.driftRules > 0 ? ` (${t.driftRules} drift rule${t.driftRules === 1 ? '' : 's'} need a monitoring run on new data and are not judged here)` : ''}.</p>${t.rules.length > 0 ? `<table><thead><tr><th>rule</th><th>value</th><th>result</th><th>action</th></tr></thead><tbody>${t.rules.map((r) => `<tr><td>${e(r.rule)}</td><td class="num">${r.value === null ? 'undefined' : exact(r.value)}</td><td>${r.undetermined ? 'undetermined' : r.broken ? '<span class="fail">broken</span>' : '<span class="pass">holds</span>'}</td><td>${e(r.action)}</td></tr>`).join('')}</tbody></table>` : ''}`
    : '';
  return `${kv([['plan', text(m.plan)]])}${policy}${today}`;
}

function privacyBody(a: Assessment): string {
  const p = a.privacy;
  const ids = p.identifiers.length > 0 ? `<table><thead><tr><th>column</th><th>looks like</th><th>why</th><th>done</th></tr></thead><tbody>${p.identifiers.map((i) => `<tr><th scope="row"><code>${e(i.column)}</code></th><td>${e(i.kind)}</td><td>${e(i.reason)}</td><td>${i.action === 'drop' ? 'dropped' : 'replaced by salted hashes'}</td></tr>`).join('')}</tbody></table>` : '<p>No identifier-like column was found (ids, e-mail addresses, phone numbers, names).</p>';
  const sup = p.suppressed.length > 0 ? `<table><thead><tr><th>table</th><th>cell</th><th>why</th></tr></thead><tbody>${p.suppressed.map((s) => `<tr><td>${e(s.table)}</td><td>${e(s.cell)}</td><td>${s.kind === 'small' ? fewerThan(p.k) + ' rows' : 'hidden so that a smaller group cannot be derived from a total'}</td></tr>`).join('')}</tbody></table>` : `<p>No table had a group with ${fewerThan(p.k)} rows.</p>`;
  const ka = p.kAnonymity;
  const kan = `<h3>k-anonymity</h3><p>Over ${ka.columns.map((c) => `<code>${e(c)}</code>`).join(', ')}: ${count(ka.classes)} combinations; the smallest holds ${count(ka.smallestClass)} rows; ${count(ka.classesBelowK)} combinations (${count(ka.rowsBelowK)} rows) hold ${fewerThan(ka.k)}. ${ka.satisfied ? `<span class="pass">The data is ${ka.k}-anonymous over these columns.</span>` : `<span class="fail">The data is not ${ka.k}-anonymous over these columns</span>: the report shows only aggregates, but the rows themselves must not leave without coarsening.`}</p>`;
  return `<p>Nothing in this report is about a single row. k = ${p.k}.</p><h3>Identifier columns</h3>${ids}<p class="def">Salt: ${e(p.salt)}.</p><h3>Suppressed cells</h3><p class="def">${e(p.complementaryRule)}</p>${sup}${kan}`;
}

function reproducibilityBody(a: Assessment): string {
  const r = a.reproducibility;
  const list = (o: Record<string, string | number>) => Object.entries(o).map(([key, v]) => `${e(key)}: <code>${e(String(v))}</code>`).join('<br>') || text(NOT_STATED);
  return kv([
    ['generated by', e(r.generatedBy)],
    ['created', a.createdAt ? e(a.createdAt) : text(NOT_STATED)],
    ['versions', list(r.versions)],
    ['seeds', list(r.seeds)],
    ['SHA-256 of the inputs', Object.entries(r.hashes).map(([key, v]) => `${e(key)}: <span class="hash">${e(v)}</span>`).join('<br>') || text(NOT_STATED)],
    ['decision rule', decisionText(r.decision)],
    ['options', `minimum group size ${r.options.minGroupSize}; intersections ${r.options.intersections ? 'yes' : 'no'}; fairlearn-compatible ${r.options.fairlearnCompatible ? 'yes' : 'no'}`],
    ['command', r.command ? `<code>${e(r.command)}</code>` : text(NOT_STATED)],
  ]);
}

function signOffBody(a: Assessment): string {
  return `<p>By signing, each person confirms they have read this assessment, including its residual risks.</p><table class="sign"><thead><tr><th>role</th><th>name</th><th>date</th><th>decision</th><th>signature</th></tr></thead><tbody>${a.signOff.map((s) => `<tr><th scope="row">${e(s.role)}</th><td>${e(s.name)}</td><td>${e(s.date)}</td><td>${e(s.decision)}</td><td>${e(s.signature)}</td></tr>`).join('')}</tbody></table>`;
}

function definitionsBody(a: Assessment): string {
  return `<p class="def">TP, FP, TN, FN are (weighted) confusion counts at the decision rule; P = TP + FN, N = FP + TN; SR = selection rate. A rate whose denominator is 0 is undefined, with the reason, never 0.</p><table class="long"><thead><tr><th>metric</th><th>formula</th><th>meaning</th><th>unit</th></tr></thead><tbody>${Object.entries(a.definitions).map(([key, d]) => `<tr><th scope="row">${e(d.label)}<br><code>${e(key)}</code></th><td><code>${e(d.formula)}</code></td><td>${e(d.plain)}${d.convention ? ` <span class="def">(${e(d.convention)})</span>` : ''}</td><td>${e(unitOf(key))}</td></tr>`).join('')}</tbody></table>`;
}

const SECTIONS: [string, string, (a: Assessment) => string][] = [
  ['system', 'System and purpose', systemBody],
  ['data', 'Data', dataBody],
  ['protected', 'Protected attributes', protectedBody],
  ['model', 'Model', modelBody],
  ['performance', 'Performance', performanceBody],
  ['fairness', 'Fairness by group', fairnessBody],
  ['explanations', 'Explanations', explanationsBody],
  ['mitigations', 'Mitigations', mitigationsBody],
  ['risks', 'Residual risks', risksBody],
  ['oversight', 'Human oversight', oversightBody],
  ['monitoring', 'Monitoring', monitoringBody],
  ['privacy', 'Privacy and anonymisation', privacyBody],
  ['reproducibility', 'Reproducibility', reproducibilityBody],
  ['signoff', 'Sign-off', signOffBody],
  ['definitions', 'Definitions', definitionsBody],
];

/** The section ids and titles, in order (the JSON twin's sections and docs/report.md follow them). */
export const SECTION_TITLES: readonly { id: string; title: string }[] = SECTIONS.map(([id, title]) => ({ id, title }));

function cover(a: Assessment): string {
  const name = a.system.name === NOT_STATED ? 'Scoring system (name not stated)' : a.system.name;
  const high = a.residualRisks.filter((r) => r.severity === 'high').length;
  return (
    `<header class="cover"><div class="kind">Algorithmic impact assessment</div><h1>${e(name)}</h1>` +
    `<p class="sub">${e(a.generatedBy)} · ${e(a.format)}${a.createdAt ? ` · ${e(a.createdAt)}` : ''} · made offline: no data left this machine.</p>` +
    kv([
      ['purpose', text(a.system.purpose)],
      ['data', `${a.data.file ? e(a.data.file) : text(NOT_STATED)}, ${count(a.data.rows)} rows${a.data.sha256 ? `<br><span class="hash">SHA-256 ${e(a.data.sha256)}</span>` : ''}`],
      ['protected attributes', a.protectedAttributes.map((p) => `<code>${e(p.column)}</code>`).join(', ')],
      ['residual risks', `${a.residualRisks.length} (${high} high)`],
      ['small-cell threshold', `k = ${a.privacy.k}`],
    ]) +
    `<h2>Contents</h2><ol class="toc">${SECTIONS.map(([id, title]) => `<li><a href="#${id}">${e(title)}</a></li>`).join('')}</ol></header>`
  );
}

/** The whole assessment as one self-contained HTML page. */
export function renderAssessmentHtml(a: Assessment): string {
  const title = `Algorithmic impact assessment — ${a.system.name === NOT_STATED ? (a.data.file ?? 'scoring system') : a.system.name}`;
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<meta name="generator" content="${e(a.generatedBy)}">` +
    `<title>${e(title)}</title><style>${REPORT_CSS}${CHART_CSS}${printCss(a)}</style></head><body>` +
    cover(a) +
    SECTIONS.map(([id, t, body], i) => section(i + 1, id, t, body(a))).join('') +
    `<footer>${e(a.generatedBy)}${a.data.sha256 ? ` · data SHA-256 <span class="hash">${e(a.data.sha256)}</span>` : ''}</footer>` +
    '</body></html>\n'
  );
}
