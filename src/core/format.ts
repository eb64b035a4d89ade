/**
 * The one number formatter: how every number reaches a person, in the page, in chart hover
 * texts and in the reports. A value that does not exist is shown as "undefined" (with its
 * reason where one is known), never as 0 and never as "NaN".
 *
 * Conventions: shares as percentages with one decimal ("12.3%"); differences of shares as
 * percentage points ("12.3 pp"); other numbers with three decimals; counts with thousands
 * separators ("45,211"); signs with a real minus ("−0.013"). Locale-independent (en-US
 * grouping), so the same inputs give the same text in every browser, in Node and in tests.
 */
import { reasonText, unitOf, type MetricUnit } from './definitions';

/** A metric as the frame gives it: a number, null, or a {value, reason} rate. */
export type Shown = number | null | undefined | { value: number | null; reason?: string };

/** The finite number inside a shown value, or null. */
export function valueOf(x: Shown): number | null {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  return x.value !== null && Number.isFinite(x.value) ? x.value : null;
}

/** The reason code carried by a shown value, if any. */
export function reasonOf(x: Shown): string | undefined {
  return x && typeof x === 'object' ? x.reason : undefined;
}

/** "undefined (the model selects nobody in this group)" */
export function undefinedText(reason: string | undefined): string {
  return reason ? `undefined (${reasonText(reason)})` : 'undefined';
}

/** A share as a percentage: 0.1234 → "12.3%". */
export function pct(x: Shown, digits = 1): string {
  const v = valueOf(x);
  return v === null ? 'undefined' : `${(v * 100).toFixed(digits)}%`;
}

/** A plain number: 0.12345 → "0.123". */
export function num(x: Shown, digits = 3): string {
  const v = valueOf(x);
  return v === null ? 'undefined' : v.toFixed(digits);
}

/** A difference of two shares in percentage points: 0.1234 → "12.3 pp". */
export function points(x: Shown, digits = 1): string {
  const v = valueOf(x);
  return v === null ? 'undefined' : `${(v * 100).toFixed(digits)} pp`;
}

/** "+0.042" / "−0.013"; tiny values keep two significant digits instead of rounding to 0. */
export function signed(x: Shown, digits = 3): string {
  const v = valueOf(x);
  if (v === null) return 'undefined';
  const a = Math.abs(v);
  const s = a > 0 && a < 10 ** -digits ? Number(a.toPrecision(2)).toString() : a.toFixed(digits);
  return v < 0 && Number(s) !== 0 ? `−${s}` : `+${s}`;
}

/**
 * One formatter for counts that are not whole numbers, made at first use: `toLocaleString`
 * builds a new one per call (slow in a render of many cells), and making it when this module
 * loads was most of the page's first script's own time (the first Intl object loads the
 * locale data).
 */
let countFormat: Intl.NumberFormat | null = null;

/** A count with thousands separators: 45211 → "45,211" (whole numbers grouped here, as en-US does). */
export function count(n: number): string {
  if (!Number.isFinite(n)) return 'undefined';
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    const digits = String(Math.abs(n));
    let out = '';
    for (let end = digits.length; end > 0; end -= 3) out = (end > 3 ? ',' : '') + digits.slice(Math.max(0, end - 3), end) + out;
    return n < 0 ? `-${out}` : out;
  }
  countFormat ??= new Intl.NumberFormat('en-US');
  return countFormat.format(n);
}

/** A large count in short form: 6,600,000 → "6.6 M", 12,000 → "12 k". */
export function compactCount(n: number): string {
  if (!Number.isFinite(n)) return 'undefined';
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k` : String(Math.round(n));
}

/** A number for an archived report: integers as they are, tiny or huge values in exponent form. */
export function exact(x: Shown, digits = 3): string {
  const v = valueOf(x);
  if (v === null) return 'undefined';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e6)) return v.toExponential(2);
  return v.toFixed(digits);
}

/** A value in a given unit. */
export function formatUnit(unit: MetricUnit, x: Shown): string {
  switch (unit) {
    case 'percent':
      return pct(x);
    case 'points':
      return points(x);
    case 'count': {
      const v = valueOf(x);
      return v === null ? 'undefined' : count(v);
    }
    default:
      return num(x);
  }
}

/** A metric or disparity by its key, in the unit the metric table gives it. */
export function formatMetric(key: string, x: Shown): string {
  return formatUnit(unitOf(key), x);
}

/** A metric with "undefined (reason)" spelled out when it has no value. */
export function formatMetricWithReason(key: string, x: Shown): string {
  return valueOf(x) === null ? undefinedText(reasonOf(x)) : formatMetric(key, x);
}

/** An interval in a metric's unit: "12.1–14.0%" / "0.712–0.744"; '' when a bound is missing. */
export function formatInterval(key: string, lower: number | null | undefined, upper: number | null | undefined): string {
  if (lower === null || lower === undefined || upper === null || upper === undefined) return '';
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) return '';
  const unit = unitOf(key);
  if (unit === 'percent') return `${(lower * 100).toFixed(1)}–${(upper * 100).toFixed(1)}%`;
  if (unit === 'points') return `${(lower * 100).toFixed(1)}–${(upper * 100).toFixed(1)} pp`;
  return `${lower.toFixed(3)}–${upper.toFixed(3)}`;
}

/** A decision rule in words: "threshold 0.50", "call list of the top 200 leads", "top 10% of leads". */
export function describeDecision(rule: { rule: 'threshold'; threshold: number } | { rule: 'top-k'; k: number } | { rule: 'top-percent'; percent: number }): string {
  switch (rule.rule) {
    case 'threshold':
      return `threshold ${num(rule.threshold, 2)}`;
    case 'top-k':
      return `call list of the top ${count(rule.k)} leads`;
    case 'top-percent':
      return `top ${Number(rule.percent.toFixed(2))}% of leads`;
  }
}
