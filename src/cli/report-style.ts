/**
 * The one look of the CLI's HTML reports, kept in core (src/core/report/style.ts) so the page
 * can make the same files; re-exported here for the CLI's report modules.
 */
export { REPORT_CSS, escapeHtml, reportDocument, type ReportPage } from '../core/report/style';
