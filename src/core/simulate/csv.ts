/**
 * A generated batch as CSV text: comma-separated, a header row, one line per lead, '\n' line
 * ends, numbers as JavaScript prints them, fields quoted only when they hold a comma, a quote
 * or a line break. Read back with the core's CSV reader it gives the same table.
 */
import { cellText } from '../table';
import type { GeneratedLeads } from './generate';

export interface LeadsCsvOptions {
  /** include `converted_true`, the true outcome (default false: what a CRM export holds) */
  truth?: boolean;
}

function field(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV the CLI and the page write; without `truth`, no converted_true column. */
export function leadsToCsv(g: GeneratedLeads, options: LeadsCsvOptions = {}): string {
  const columns = g.table.columns.filter((c) => options.truth === true || c.name !== 'converted_true');
  const lines: string[] = [columns.map((c) => field(c.name)).join(',')];
  for (let r = 0; r < g.table.nRows; r++) lines.push(columns.map((c) => field(cellText(c, r))).join(','));
  return lines.join('\n') + '\n';
}
