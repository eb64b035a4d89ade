/**
 * Small charts as inline SVG strings, for reports that must open with no script and no
 * request: a horizontal bar per group with its interval as a whisker, and a value a group does
 * not have (undefined, or withheld) written where its bar would be. Pure: data in, markup out;
 * every label is escaped. The `<svg>` carries no namespace attribute (HTML parses inline SVG
 * without one), so the file names no address at all.
 */
import { formatInterval, formatUnit } from '../format';
import type { MetricUnit } from '../definitions';
import { escapeHtml } from './style';

export interface BarDatum {
  label: string;
  value: number | null;
  lower?: number | null;
  upper?: number | null;
  /** shown instead of the bar when value is null ("fewer than 10", "undefined") */
  note?: string;
  /** drawn in the accent colour (the reference group, the chosen scenario) */
  accent?: boolean;
}

export interface BarChartSpec {
  title: string;
  /** the metric key, for the interval text (core/format formatInterval) */
  metric: string;
  unit: MetricUnit;
  data: BarDatum[];
  /** a vertical line across the bars (the overall rate), with its label */
  rule?: { value: number; label: string } | null;
  /** axis maximum; default the largest value or upper bound, at least 1 for shares */
  max?: number;
  width?: number;
}

const ROW = 22;
const TOP = 40;
const LABEL_W = 170;
const VALUE_W = 150;

/** The smallest of 1, 2, 2.5, 5 × 10^n at or above x (1 for x ≤ 0), so the axis ticks read well. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

function fix(x: number): string {
  return Number(x.toFixed(1)).toString();
}

/** A horizontal bar chart with interval whiskers, as an SVG element. */
export function barChartSvg(spec: BarChartSpec): string {
  const width = spec.width ?? 640;
  const plotW = width - LABEL_W - VALUE_W;
  const values = spec.data.flatMap((d) => [d.value, d.upper ?? null]).filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(spec.max ?? 0, ...values, spec.rule?.value ?? 0, spec.unit === 'percent' ? 0 : 1e-9);
  const max = spec.unit === 'percent' ? Math.min(1, niceCeil(top * 1.05)) : niceCeil(top * 1.05);
  const x = (v: number) => LABEL_W + (Math.max(0, Math.min(v, max)) / max) * plotW;
  const height = TOP + spec.data.length * ROW + 26;
  const parts: string[] = [];
  parts.push(`<text x="0" y="16" class="ct">${escapeHtml(spec.title)}</text>`);
  spec.data.forEach((d, i) => {
    const y = TOP + i * ROW;
    parts.push(`<text x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end" class="cl">${escapeHtml(d.label)}</text>`);
    if (d.value === null || !Number.isFinite(d.value)) {
      parts.push(`<text x="${LABEL_W + 4}" y="${y + 15}" class="cn">${escapeHtml(d.note ?? 'undefined')}</text>`);
      return;
    }
    parts.push(`<rect x="${LABEL_W}" y="${y + 4}" width="${fix(x(d.value) - LABEL_W)}" height="${ROW - 8}" class="${d.accent ? 'ba' : 'b'}"/>`);
    const lo = d.lower;
    const hi = d.upper;
    if (lo !== null && lo !== undefined && hi !== null && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)) {
      const my = y + ROW / 2;
      parts.push(`<path d="M${fix(x(lo))} ${my}H${fix(x(hi))}M${fix(x(lo))} ${my - 5}V${my + 5}M${fix(x(hi))} ${my - 5}V${my + 5}" class="w"/>`);
    }
    const iv = lo !== null && lo !== undefined && hi !== null && hi !== undefined ? formatInterval(spec.metric, lo, hi) : '';
    parts.push(`<text x="${width - VALUE_W + 6}" y="${y + 15}" class="cv">${escapeHtml(formatUnit(spec.unit, d.value))}${iv ? ` (${escapeHtml(iv)})` : ''}</text>`);
  });
  const axisY = TOP + spec.data.length * ROW + 4;
  parts.push(`<path d="M${LABEL_W} ${axisY}H${LABEL_W + plotW}" class="ax"/>`);
  for (const t of [0, 0.5, 1]) {
    parts.push(`<text x="${fix(LABEL_W + t * plotW)}" y="${axisY + 14}" text-anchor="middle" class="cx">${escapeHtml(formatUnit(spec.unit, t * max))}</text>`);
  }
  if (spec.rule) {
    const rx = fix(x(spec.rule.value));
    parts.push(`<path d="M${rx} ${TOP - 2}V${axisY}" class="rl"/><text x="${rx}" y="${TOP - 5}" text-anchor="middle" class="cx">${escapeHtml(spec.rule.label)}</text>`);
  }
  const alt = spec.data.map((d) => `${d.label}: ${d.value === null ? (d.note ?? 'undefined') : formatUnit(spec.unit, d.value)}`).join('; ');
  return `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${escapeHtml(`${spec.title}. ${alt}`)}">${parts.join('')}</svg>`;
}

/** The charts' stylesheet (classes used by {@link barChartSvg}). */
export const CHART_CSS = `
svg.chart { max-width: 100%; height: auto; font: 12px system-ui, sans-serif; break-inside: avoid; }
svg.chart .ct { font-weight: 600; font-size: 13px; fill: #1b1f24; }
svg.chart .cl, svg.chart .cv { fill: #1b1f24; }
svg.chart .cn { fill: #8250df; font-style: italic; }
svg.chart .cx { fill: #57606a; font-size: 10px; }
svg.chart .b { fill: #54aeff; }
svg.chart .ba { fill: #0969da; }
svg.chart .w { stroke: #1b1f24; stroke-width: 1.2; fill: none; }
svg.chart .ax { stroke: #8c959f; stroke-width: 1; }
svg.chart .rl { stroke: #cf222e; stroke-width: 1; stroke-dasharray: 4 3; }
`;
