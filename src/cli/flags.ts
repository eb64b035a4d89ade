/**
 * The CLI's flags: one tokenizer for every command, and one validator per kind of value.
 * Every mistake becomes a {@link UsageError} whose message is one line (the caller adds
 * "See bias-workbench <command> --help."), whatever form the flag took: `--seed -1`,
 * `--seed=-1`, a flag given twice, a flag with no value, an unknown flag, a stray word.
 *
 * Values that start with '-' followed by a digit or a point ("-1", "-0.5") are values, not
 * flags, so a negative number reaches the validator and gets its own message there.
 */
import type { DecisionRule } from '../core/metrics';

/** Bad usage (missing or malformed flags): exit status 2 with a pointer to the command's help. */
export class UsageError extends Error {}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** may be given more than once (values collected in order) */
  multiple?: boolean;
  /** takes every value up to the next flag (`--results a.json b.json`), collected in order; implies `multiple` */
  variadic?: boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/** Whether a token is a flag (`--x`, `-x`) rather than a value ("-1" and "-" are values). */
function isFlagToken(t: string): boolean {
  return t.startsWith('-') && t !== '-' && !NEGATIVE_NUMBER.test(t);
}

/** Edit distance, for "did you mean" on a mistyped flag. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

function unknownFlag(name: string, specs: FlagSpecs): UsageError {
  const near = Object.keys(specs)
    .map((k) => ({ k, d: distance(name, k) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d)[0];
  return new UsageError(`unknown flag --${name}${near ? ` (did you mean --${near.k}?)` : ''}`);
}

/**
 * Reads `args` against the command's flags. `--name value` and `--name=value` are the same;
 * a boolean flag takes no value; a flag not marked `multiple` may be given once.
 */
export function parseFlags(args: readonly string[], specs: FlagSpecs): FlagValues {
  const values: FlagValues = {};
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (!isFlagToken(token)) throw new UsageError(`unexpected argument "${token}"`);
    if (!token.startsWith('--')) throw new UsageError(`unknown flag ${token}`);
    const eq = token.indexOf('=');
    const name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
    const spec = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (!spec) throw unknownFlag(name, specs);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value, not "${token.slice(eq + 1)}"`);
      if (values[name] !== undefined) throw new UsageError(`--${name} is given twice`);
      values[name] = true;
      continue;
    }
    let value: string;
    if (eq >= 0) value = token.slice(eq + 1);
    else {
      const next = args[i + 1];
      if (next === undefined || isFlagToken(next)) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (spec.variadic) {
      const more: string[] = [value];
      while (i + 1 < args.length && !isFlagToken(args[i + 1])) more.push(args[++i]);
      values[name] = [...((values[name] as string[] | undefined) ?? []), ...more];
    } else if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else if (values[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    else values[name] = value;
  }
  return values;
}

// ---------------------------------------------------------------------------------------
// values

export function need(values: FlagValues, key: string): string {
  const v = values[key];
  if (typeof v !== 'string' || !v) throw new UsageError(v === '' ? `--${key} needs a value` : `--${key} is required`);
  return v;
}

export function optString(values: FlagValues, key: string): string | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${key} needs a value`);
  return v;
}

/** The allowed range of a numeric flag; bounds are inclusive unless marked open. */
export interface NumberRange {
  /** whole numbers only */
  whole?: boolean;
  min?: number;
  max?: number;
  /** min itself is not allowed */
  minOpen?: boolean;
  /** max itself is not allowed */
  maxOpen?: boolean;
}

/** "a whole number ≥ 1", "a number in (0, 100]", "a whole number from 0 to 4294967295" */
export function describeRange(r: NumberRange): string {
  const what = r.whole ? 'a whole number' : 'a number';
  if (r.min !== undefined && r.max !== undefined) {
    if (r.whole && !r.minOpen && !r.maxOpen) return `${what} from ${r.min} to ${r.max}`;
    return `${what} in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  }
  if (r.min !== undefined) return `${what} ${r.minOpen ? '>' : '≥'} ${r.min}`;
  if (r.max !== undefined) return `${what} ${r.maxOpen ? '<' : '≤'} ${r.max}`;
  return what;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const WHOLE = /^[+-]?\d+$/;

/** Whether a number lies in the range. */
function inRange(x: number, r: NumberRange): boolean {
  if (r.whole && !Number.isSafeInteger(x)) return false;
  if (r.min !== undefined && (r.minOpen ? !(x > r.min) : !(x >= r.min))) return false;
  if (r.max !== undefined && (r.maxOpen ? !(x < r.max) : !(x <= r.max))) return false;
  return true;
}

/** A numeric flag in its range, or `def` when the flag is absent. */
export function numberFlag(values: FlagValues, key: string, range: NumberRange, def: number): number;
export function numberFlag(values: FlagValues, key: string, range: NumberRange, def?: undefined): number | undefined;
export function numberFlag(values: FlagValues, key: string, range: NumberRange, def?: number): number | undefined {
  const v = optString(values, key);
  if (v === undefined) return def;
  const text = v.trim();
  const x = Number(text);
  if (!(range.whole ? WHOLE : DECIMAL).test(text) || !Number.isFinite(x) || !inRange(x, range)) {
    throw new UsageError(`--${key} must be ${describeRange(range)}, not "${v}"`);
  }
  return x;
}

/** Ranges of the flags several commands share. */
export const RANGES = {
  /** seeds are taken modulo 2³² by the core's generator, so larger ones are refused */
  seed: { whole: true, min: 0, max: 4294967295 },
  count: { whole: true, min: 1 },
  countOrZero: { whole: true, min: 0 },
  probability: { min: 0, max: 1 },
  percent: { min: 0, max: 100, minOpen: true },
  level: { min: 0, max: 1, minOpen: true, maxOpen: true },
} as const satisfies Record<string, NumberRange>;

/** One of the allowed words, or `def`. */
export function optChoice<T extends string>(values: FlagValues, key: string, choices: readonly T[], def: T): T {
  const v = optString(values, key);
  if (v === undefined) return def;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${key} must be one of ${choices.join(', ')}, not "${v}"`);
  return v as T;
}

/** --threshold: a number in [0, 1], or undefined when the flag is absent. */
export function optThreshold(values: FlagValues): number | undefined {
  return numberFlag(values, 'threshold', RANGES.probability);
}

/**
 * The decision rule the flags give: at most one of --threshold, --top-k, --top-percent; null
 * when none is given (the caller then uses the model's threshold, or 0.5).
 */
export function decisionRuleFlag(values: FlagValues): DecisionRule | null {
  const given = (['threshold', 'top-k', 'top-percent'] as const).filter((k) => values[k] !== undefined);
  if (given.length > 1) throw new UsageError(`give at most one of --threshold, --top-k, --top-percent (got ${given.map((g) => `--${g}`).join(' and ')})`);
  const t = numberFlag(values, 'threshold', RANGES.probability);
  if (t !== undefined) return { rule: 'threshold', threshold: t };
  const k = numberFlag(values, 'top-k', RANGES.count);
  if (k !== undefined) return { rule: 'top-k', k };
  const p = numberFlag(values, 'top-percent', RANGES.percent);
  if (p !== undefined) return { rule: 'top-percent', percent: p };
  return null;
}
