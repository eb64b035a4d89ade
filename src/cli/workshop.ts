/**
 * `bias-workbench workshop summarize`: the facilitator's debrief from many participants'
 * results files (`bias-workbench.workshop-result/1`), the same numbers as the page's debrief
 * (both call core/workshop `summarizeWorkshop`).
 *
 * `--format json` (default) writes the core's WorkshopSummary (participants, decisions,
 * conditions, comparison, warnings, …) followed by `format` ('bias-workbench.workshop-summary/1'),
 * `generatedBy` and `files` (each file as given, with its workshop, participant and number of
 * decisions). `--format html` writes one self-contained report in the shared report look, in
 * large type for a projector. A file that cannot be read, is not JSON or is not a results file
 * exits 1 naming the file (and the place in it); the summary's warnings go to standard error as
 * notes.
 */
import { readFile } from 'node:fs/promises';
import { WorkbenchError } from '../core/errors';
import { count, pct, points, undefinedText } from '../core/format';
import {
  conditionLabel,
  parseWorkshopResult,
  workshopSummaryDocument,
  WORKSHOP_DEFINITIONS,
  WORKSHOP_RATE_KEYS,
  type ComparisonKey,
  type ConditionSummary,
  type WorkshopResult,
  type WorkshopSummary,
  type WorkshopSummaryJson,
} from '../core/workshop';
import { printNotes, toJson, writeResult } from './common';
import { RANGES, UsageError, numberFlag, optChoice, optString, parseFlags } from './flags';
import { escapeHtml, reportDocument } from './report-style';

export const WORKSHOP_SUBCOMMANDS = ['summarize'] as const;

const SUMMARIZE_OPTIONS = {
  results: { type: 'string', variadic: true },
  format: { type: 'string' },
  out: { type: 'string' },
  'confidence-level': { type: 'string' },
} as const;

export { WORKSHOP_SUMMARY_FORMAT, type SummarizedFile, type WorkshopSummaryJson } from '../core/workshop';

function unreadable(file: string, why: string): WorkbenchError {
  return new WorkbenchError('workshop-invalid', `cannot read ${file}: ${why}`, 'Check the path of each results file.');
}

/** One results file from disk, validated; errors name the file. */
export async function readResultFile(file: string): Promise<WorkshopResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    throw unreadable(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e));
  }
  return parseWorkshopResult(text, file);
}

async function summarizeCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, SUMMARIZE_OPTIONS);
  const files = (values.results as string[] | undefined) ?? [];
  if (files.length === 0) throw new UsageError('--results is required (one or more results files)');
  const format = optChoice(values, 'format', ['json', 'html'] as const, 'json');
  const out = optString(values, 'out');
  const level = numberFlag(values, 'confidence-level', RANGES.level, 0.95);
  const results: WorkshopResult[] = [];
  for (const f of files) results.push(await readResultFile(f));
  const json = workshopSummaryDocument(
    results.map((result, i) => ({ file: files[i], result })),
    { intervalLevel: level },
  );
  await writeResult(format === 'html' ? renderWorkshopHtml(json) : toJson(json), out);
  printNotes(json.warnings.map((message) => ({ kind: 'workshop', message })));
  process.stderr.write(`${count(json.participants)} participants, ${count(json.decisions)} decisions from ${files.length} files${out ? ` → ${out}` : ''}\n`);
  return 0;
}

/** `bias-workbench workshop <subcommand> …` */
export async function workshopCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub.startsWith('-')) throw new UsageError(`workshop needs a subcommand: ${WORKSHOP_SUBCOMMANDS.join(', ')}`);
  if (sub !== 'summarize') throw new UsageError(`unknown workshop subcommand "${sub}": the subcommands are ${WORKSHOP_SUBCOMMANDS.join(', ')}`);
  return summarizeCommand(rest);
}

// ---------------------------------------------------------------------------------------
// HTML (large type, for a projector)

const PROJECTOR_CSS = `
body { font-size: 20px; max-width: 96rem; }
h1 { font-size: 2.4rem; } h2 { font-size: 1.7rem; }
td.num { font-size: 1.35em; }
.ci { font-size: .65em; }
.headline { font-size: 1.5rem; line-height: 1.5; }
.headline strong { font-size: 1.25em; }
`;

function interval(iv: [number, number] | undefined, as: 'percent' | 'points'): string {
  if (!iv) return '';
  const f = as === 'percent' ? pct : points;
  return `<br><span class="ci">${f(iv[0])} – ${f(iv[1])}</span>`;
}

function valueCell(v: number | null, reason: string | undefined, iv: [number, number] | undefined, as: 'percent' | 'points' = 'percent'): string {
  if (v === null) return `<td class="undef">${escapeHtml(undefinedText(reason))}</td>`;
  return `<td class="num">${as === 'percent' ? pct(v) : points(v)}${interval(iv, as)}</td>`;
}

function headline(s: WorkshopSummary): string {
  const lines = s.conditions
    .filter((c) => c.followRateWhenModelWrong !== null && c.followRateWhenModelRight !== null)
    .map((c) => `<li><strong>${escapeHtml(conditionLabel(c.condition))}</strong>: followed the model <strong>${pct(c.followRateWhenModelWrong)}</strong> of the time when it was wrong, ${pct(c.followRateWhenModelRight)} when it was right.</li>`)
    .join('');
  return lines ? `<h2>Did people follow the score when it was wrong?</h2><ul class="headline">${lines}</ul>` : '';
}

function conditionRow(c: ConditionSummary): string {
  const r = c.undefinedReasons;
  return (
    `<tr><th scope="row">${escapeHtml(conditionLabel(c.condition))}</th><td class="num">${count(c.decisions)}</td>` +
    WORKSHOP_RATE_KEYS.map((k) => valueCell(c[k], r[k], c.intervals[k])).join('') +
    valueCell(c.humanDemographicParityDifference, r.humanDemographicParityDifference, undefined, 'points') +
    '</tr>'
  );
}

function conditionsSection(s: WorkshopSummary): string {
  const head = ['decisions', ...WORKSHOP_RATE_KEYS, 'humanDemographicParityDifference'] as const;
  return (
    `<h2>By condition</h2><p class="def">${Math.round(s.intervalLevel * 100)}% Wilson score intervals under each rate.</p>` +
    `<table><thead><tr><th>condition</th>${head.map((k) => `<th>${escapeHtml(WORKSHOP_DEFINITIONS[k].label)}</th>`).join('')}</tr></thead>` +
    `<tbody>${s.conditions.map(conditionRow).join('')}</tbody></table>`
  );
}

function comparisonSection(s: WorkshopSummary): string {
  const keys: ComparisonKey[] = ['humanPlusModel', 'modelAlone', 'humanAlone'];
  const rows = keys
    .map((k) => {
      const n = s.comparisonCounts[k];
      return `<tr><th scope="row">${escapeHtml(WORKSHOP_DEFINITIONS[k].label)}</th>${valueCell(s.comparison[k], s.comparisonReasons[k], s.comparisonIntervals[k])}<td class="num">${count(n.numerator)} of ${count(n.denominator)}</td><td class="def">${escapeHtml(WORKSHOP_DEFINITIONS[k].plain)}</td></tr>`;
    })
    .join('');
  return `<h2>Human + model, model alone, human alone</h2><table><thead><tr><th></th><th>accuracy</th><th>right</th><th>what it is</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function groupsSection(s: WorkshopSummary): string {
  const groups = [...new Set(s.conditions.flatMap((c) => c.callShareByGroup.map((g) => g.group)))].sort();
  if (groups.length === 0) return '';
  const rows = s.conditions
    .map((c) => {
      const cells = groups.map((g) => {
        const x = c.callShareByGroup.find((y) => y.group === g);
        return x ? `<td class="num">${pct(x.share)}<br><span class="ci">${count(x.calls)} of ${count(x.decisions)}</span></td>` : `<td class="undef">${escapeHtml(undefinedText('no decisions'))}</td>`;
      });
      return `<tr><th scope="row">${escapeHtml(conditionLabel(c.condition))}</th>${cells.join('')}</tr>`;
    })
    .join('');
  return `<h2>Who people chose to call</h2><p class="def">Share of "call" among each group's decisions.</p><table><thead><tr><th>condition</th>${groups.map((g) => `<th>${escapeHtml(g)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

function filesSection(j: WorkshopSummaryJson): string {
  const rows = j.files.map((f) => `<tr><td><code>${escapeHtml(f.file)}</code></td><td>${escapeHtml(f.workshopId)}</td><td>${escapeHtml(f.participantId)}</td><td class="num">${count(f.decisions)}</td></tr>`).join('');
  return `<h2>Results files</h2><table><thead><tr><th>file</th><th>workshop</th><th>participant</th><th>decisions</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function definitionsSection(): string {
  const rows = Object.values(WORKSHOP_DEFINITIONS)
    .map((d) => `<tr><th scope="row">${escapeHtml(d.label)}</th><td><code>${escapeHtml(d.formula)}</code></td><td>${escapeHtml(d.plain)}${d.convention ? ` <span class="def">(${escapeHtml(d.convention)})</span>` : ''}</td></tr>`)
    .join('');
  return `<h2>Definitions</h2><p class="def">A value whose denominator is 0 is shown as undefined, with the reason, never as 0.</p><table><thead><tr><th>measure</th><th>formula</th><th>meaning</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The debrief as one HTML document in large type. */
export function renderWorkshopHtml(j: WorkshopSummaryJson): string {
  const warnings = j.warnings.map((w) => `<p class="caveat">${escapeHtml(w)}</p>`).join('');
  return reportDocument({
    title: `Workshop debrief${j.workshopIds.length > 0 ? ` — ${j.workshopIds.join(', ')}` : ''}`,
    generatedBy: j.generatedBy,
    sha256: null,
    css: PROJECTOR_CSS,
    body:
      `<p class="sub">${count(j.participants)} participants, ${count(j.decisions)} decisions.</p>` +
      warnings +
      headline(j) +
      conditionsSection(j) +
      comparisonSection(j) +
      groupsSection(j) +
      filesSection(j) +
      definitionsSection(),
  });
}
