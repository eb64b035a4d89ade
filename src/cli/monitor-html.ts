/**
 * The monitoring report as one self-contained HTML file, on the shared report page
 * (report-style.ts): the verdict and each rule with its evidence, the drift table, the score
 * drift, selection rates per group with their intervals, the windows, and the drift
 * measures' definitions. Pure string building; text from the data is escaped; numbers go
 * through core/format.ts; every measure's label, digits and definition come from the metric
 * table (core/definitions.ts).
 */
import { DRIFT_DEFINITIONS, DRIFT_MEASURES, labelOf, psiDefinition, type DriftDefinition, type DriftMeasure } from '../core/definitions';
import { count, exact, pct } from '../core/format';
import type { ColumnDrift, PolicyResult, SelectionRateDrift, WindowResult } from '../core/monitor';
import { escapeHtml, reportDocument } from './report-style';

export interface MonitorReportJson {
  generatedBy: string;
  input: {
    reference: { file: string; sha256: string; rows: number; rowsWithOutcome: number };
    current: { file: string; sha256: string; rows: number; rowsWithOutcome: number };
    target: string;
    positive: string;
    bins: unknown;
  };
  drift: { columns: ColumnDrift[]; skipped: { column: string; reason: string }[]; score: ColumnDrift; selectionRates: SelectionRateDrift[] };
  windows?: { unit: string; timeColumn: string; undated: number; windows: WindowResult[] };
  policy?: PolicyResult & { name: string | null };
}

const cell = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? '<td class="undef">—</td>' : `<td class="num">${exact(v, digits)}</td>`);
const measureCell = (c: ColumnDrift, m: DriftMeasure): string => cell(c[m], DRIFT_DEFINITIONS[m].digits);
/** A column header with the measure's formula as its tooltip. */
const measureHead = (d: DriftDefinition): string => `<th title="${escapeHtml(d.formula)}">${escapeHtml(d.label)}</th>`;

function policySection(p: MonitorReportJson['policy']): string {
  if (!p) return '';
  const rows = p.rules
    .map((r) => `<tr><td>${escapeHtml(r.rule)}</td>${cell(r.value)}<td>${r.broken ? '<span class="fail">broken</span>' : r.undetermined ? 'undetermined' : '<span class="pass">holds</span>'}</td><td>${r.action}</td><td>${escapeHtml(r.evidence)}</td></tr>`)
    .join('');
  return `<h2>Policy${p.name ? ` — ${escapeHtml(p.name)}` : ''}: verdict <span class="${p.verdict === 'ok' ? 'pass' : 'fail'}">${p.verdict}</span></h2><table><thead><tr><th>rule</th><th>value</th><th>state</th><th>action</th><th>evidence</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function driftRow(c: ColumnDrift): string {
  const unseen = c.unseen && c.unseen.length > 0 ? c.unseen.slice(0, 5).map((u) => `${escapeHtml(u.value)} (${count(u.count)})`).join(', ') + (c.unseen.length > 5 ? ', …' : '') : '';
  return (
    `<tr><th scope="row">${escapeHtml(c.column)}</th><td>${c.kind}</td>${DRIFT_MEASURES.map((m) => measureCell(c, m)).join('')}` +
    `<td class="num">${count(c.missing.reference)} / ${count(c.missing.current)}</td><td>${unseen}</td></tr>`
  );
}

function driftSection(r: MonitorReportJson): string {
  const head = `<thead><tr><th>column</th><th>kind</th>${DRIFT_MEASURES.map((m) => measureHead(DRIFT_DEFINITIONS[m])).join('')}<th>missing ref / cur</th><th>unseen values</th></tr></thead>`;
  const skipped = r.drift.skipped.length > 0 ? `<p>Not compared: ${r.drift.skipped.map((s) => `${escapeHtml(s.column)} (${escapeHtml(s.reason)})`).join(', ')}.</p>` : '';
  return `<h2>Drift</h2><table>${head}<tbody>${r.drift.columns.map(driftRow).join('')}${driftRow(r.drift.score)}</tbody></table>${skipped}`;
}

function ratesSection(rates: SelectionRateDrift[]): string {
  if (rates.length === 0) return '';
  const iv = (i: [number, number] | null) => (i ? ` <span class="ci">[${pct(i[0])}, ${pct(i[1])}]</span>` : '');
  const rows = rates
    .map((s) => `<tr><th scope="row">${escapeHtml(s.attribute)} = ${escapeHtml(s.group)}</th><td class="num">${pct(s.reference.rate)}${iv(s.reference.interval)}</td><td class="num">${pct(s.current.rate)}${iv(s.current.interval)}</td>${cell(s.difference)}${cell(s.psi, DRIFT_DEFINITIONS.psi.digits)}</tr>`)
    .join('');
  return `<h2>${escapeHtml(cap(labelOf('selectionRate')))} by group</h2><table><thead><tr><th>group</th><th>reference</th><th>current</th><th>difference</th>${measureHead(DRIFT_DEFINITIONS.psi)}</tr></thead><tbody>${rows}</tbody></table>`;
}

function windowsSection(w: MonitorReportJson['windows'], bins: unknown): string {
  if (!w) return '';
  const psi = psiDefinition(bins);
  const rows = w.windows
    .map((x) => {
      const maxPsi = x.drift ? Math.max(...x.drift.columns.map((c) => c.psi ?? 0)) : null;
      const dp = x.audit?.attributes.map((a) => `${escapeHtml(a.name)} ${a.disparities.demographicParityDifference === null ? '—' : exact(a.disparities.demographicParityDifference, 3)}`).join('; ') ?? escapeHtml(x.auditProblem ?? '');
      return `<tr><th scope="row">${escapeHtml(x.key)}</th><td class="num">${count(x.rows)}</td><td class="num">${count(x.rowsWithOutcome)}</td><td class="num">${pct(x.audit?.overall.metrics.selectionRate ?? null)}</td><td>${dp}</td>${cell(x.drift?.score.psi, psi.digits)}${cell(maxPsi, psi.digits)}</tr>`;
    })
    .join('');
  return `<h2>By ${escapeHtml(w.unit)} (${escapeHtml(w.timeColumn)})</h2><table><thead><tr><th>window</th><th>rows</th><th>with outcome</th><th>${escapeHtml(labelOf('selectionRate'))}</th><th>${escapeHtml(labelOf('demographicParityDifference'))}</th><th>score ${escapeHtml(psi.label)}</th><th>largest column ${escapeHtml(psi.label)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The measures shown, each with its formula, meaning and Evidently counterpart; PSI as binned for numeric columns. */
function definitionsSection(bins: unknown): string {
  const psi = psiDefinition(bins);
  const defs: [string, DriftDefinition][] = DRIFT_MEASURES.map((m) => [m, DRIFT_DEFINITIONS[m]]);
  if (psi !== DRIFT_DEFINITIONS.psi) defs.splice(1, 0, ['psi', { ...psi, label: `${psi.label}, numeric columns` }]);
  const rows = defs
    .map(([k, d]) => `<tr><th scope="row">${escapeHtml(d.label)} <code>${escapeHtml(k)}</code></th><td><code>${escapeHtml(d.formula)}</code></td><td>${escapeHtml(d.plain)} <span class="def">(${d.for === 'all' ? '' : `${d.for} columns; `}${escapeHtml(d.convention ?? '')})</span></td></tr>`)
    .join('');
  return `<h2>Definitions</h2><p class="def">r, c: the reference and current shares over the same bins; missing values are counted and left out.</p><table><thead><tr><th>measure</th><th>definition</th><th>meaning</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderMonitorHtml(r: MonitorReportJson): string {
  const i = r.input;
  const inputs = `<h2>Inputs</h2><table><tr><th scope="row">reference</th><td>${escapeHtml(i.reference.file)} (${count(i.reference.rows)} rows) <span class="hash">SHA-256 ${escapeHtml(i.reference.sha256)}</span></td></tr><tr><th scope="row">current</th><td>${escapeHtml(i.current.file)} (${count(i.current.rows)} rows) <span class="hash">SHA-256 ${escapeHtml(i.current.sha256)}</span></td></tr><tr><th scope="row">target</th><td>${escapeHtml(i.target)} = ${escapeHtml(i.positive)}</td></tr><tr><th scope="row">PSI bins</th><td>${escapeHtml(String(i.bins))}</td></tr></table>`;
  return reportDocument({
    title: `Monitoring — ${i.current.file} against ${i.reference.file}`,
    generatedBy: r.generatedBy,
    sha256: i.current.sha256,
    body: policySection(r.policy) + inputs + driftSection(r) + ratesSection(r.drift.selectionRates) + windowsSection(r.windows, i.bins) + definitionsSection(i.bins),
  });
}
