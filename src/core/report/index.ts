/**
 * The algorithmic impact assessment: {@link buildAssessment} makes the document
 * (`bias-workbench.assessment/1`) from the audit JSON and what else the caller has, and
 * {@link renderAssessmentHtml} makes its self-contained HTML twin. Pure; the CLI (`report`)
 * and the page make the same files. The shared report look (style.ts) lives here too.
 */
export { buildAssessment, COMPLEMENTARY_RULE, DEFAULT_SIGN_OFF_ROLES } from './build';
export { renderAssessmentHtml, REPORT_CSP, SECTION_TITLES } from './html';
export { barChartSvg, CHART_CSS, type BarChartSpec, type BarDatum } from './svg';
export { REPORT_CSS, escapeHtml, reportDocument, type ReportPage } from './style';
export { CALIBRATION_LIMIT, EO_LIMIT } from './risks';
export { GROUP_KEYS, PERFORMANCE_KEYS, DISPARITY_KEYS_SHOWN } from './fairness';
export * from './types';
