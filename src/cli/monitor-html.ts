/**
 * The monitoring report as one self-contained HTML file, on the shared report page
 * (report-style.ts): the verdict and each rule with its evidence, the drift table, the score
 * drift, selection rates per group with their intervals, and the windows. Pure string
 * building; text from the data is escaped; numbers go through core/format.ts.
 */
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
    `<tr><th scope="row">${escapeHtml(c.column)}</th><td>${c.kind}</td>${cell(c.psi)}${cell(c.jensenShannon)}${cell(c.wasserstein)}${cell(c.ksPValue)}${cell(c.chiSquarePValue)}` +
    `<td class="num">${count(c.missing.reference)} / ${count(c.missing.current)}</td><td>${unseen}</td></tr>`
  );
}

function driftSection(r: MonitorReportJson): string {
  const head = '<thead><tr><th>column</th><th>kind</th><th>PSI</th><th>Jensen–Shannon</th><th>Wasserstein (normed)</th><th>KS p-value</th><th>χ² p-value</th><th>missing ref / cur</th><th>unseen values</th></tr></thead>';
  const skipped = r.drift.skipped.length > 0 ? `<p>Not compared: ${r.drift.skipped.map((s) => `${escapeHtml(s.column)} (${escapeHtml(s.reason)})`).join(', ')}.</p>` : '';
  return `<h2>Drift</h2><table>${head}<tbody>${r.drift.columns.map(driftRow).join('')}${driftRow(r.drift.score)}</tbody></table>${skipped}`;
}

function ratesSection(rates: SelectionRateDrift[]): string {
  if (rates.length === 0) return '';
  const iv = (i: [number, number] | null) => (i ? ` <span class="ci">[${pct(i[0])}, ${pct(i[1])}]</span>` : '');
  const rows = rates
    .map((s) => `<tr><th scope="row">${escapeHtml(s.attribute)} = ${escapeHtml(s.group)}</th><td class="num">${pct(s.reference.rate)}${iv(s.reference.interval)}</td><td class="num">${pct(s.current.rate)}${iv(s.current.interval)}</td>${cell(s.difference)}${cell(s.psi)}</tr>`)
    .join('');
  return `<h2>Selection rate by group</h2><table><thead><tr><th>group</th><th>reference</th><th>current</th><th>difference</th><th>PSI</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function windowsSection(w: MonitorReportJson['windows']): string {
  if (!w) return '';
  const rows = w.windows
    .map((x) => {
      const maxPsi = x.drift ? Math.max(...x.drift.columns.map((c) => c.psi ?? 0)) : null;
      const dp = x.audit?.attributes.map((a) => `${escapeHtml(a.name)} ${a.disparities.demographicParityDifference === null ? '—' : exact(a.disparities.demographicParityDifference, 3)}`).join('; ') ?? escapeHtml(x.auditProblem ?? '');
      return `<tr><th scope="row">${escapeHtml(x.key)}</th><td class="num">${count(x.rows)}</td><td class="num">${count(x.rowsWithOutcome)}</td><td class="num">${pct(x.audit?.overall.metrics.selectionRate ?? null)}</td><td>${dp}</td>${cell(x.drift?.score.psi)}${cell(maxPsi)}</tr>`;
    })
    .join('');
  return `<h2>By ${escapeHtml(w.unit)} (${escapeHtml(w.timeColumn)})</h2><table><thead><tr><th>window</th><th>rows</th><th>with outcome</th><th>selection rate</th><th>demographic parity difference</th><th>score PSI</th><th>largest column PSI</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderMonitorHtml(r: MonitorReportJson): string {
  const i = r.input;
  const inputs = `<h2>Inputs</h2><table><tr><th scope="row">reference</th><td>${escapeHtml(i.reference.file)} (${count(i.reference.rows)} rows) <span class="hash">SHA-256 ${escapeHtml(i.reference.sha256)}</span></td></tr><tr><th scope="row">current</th><td>${escapeHtml(i.current.file)} (${count(i.current.rows)} rows) <span class="hash">SHA-256 ${escapeHtml(i.current.sha256)}</span></td></tr><tr><th scope="row">target</th><td>${escapeHtml(i.target)} = ${escapeHtml(i.positive)}</td></tr><tr><th scope="row">PSI bins</th><td>${escapeHtml(String(i.bins))}</td></tr></table>`;
  return reportDocument({
    title: `Monitoring — ${i.current.file} against ${i.reference.file}`,
    generatedBy: r.generatedBy,
    sha256: i.current.sha256,
    body: policySection(r.policy) + inputs + driftSection(r) + ratesSection(r.drift.selectionRates) + windowsSection(r.windows),
  });
}
