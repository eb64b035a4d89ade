/**
 * What a CSV cell's text means: a number, a true/false token, a missing value, and the order
 * in which category levels are listed. Pure functions on strings; no parsing state.
 */

const SPACE = 32;
const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a text denotes, or NaN. Accepts plain decimal notation with optional sign and
 * exponent, surrounded by optional whitespace; the result must be finite. '' → NaN.
 * No hex, no thousands separators, no decimal commas, no Infinity: such text is categorical.
 */
export function parseNumber(text: string): number {
  let t = text;
  if (t.length === 0) return NaN;
  const c0 = t.charCodeAt(0);
  const c1 = t.charCodeAt(t.length - 1);
  if (c0 <= SPACE || c1 <= SPACE) t = t.trim();
  if (!NUM_RE.test(t)) return NaN;
  const x = Number(t);
  return Number.isFinite(x) ? x : NaN;
}

const TRUE_TOKENS = new Set(['true', 'yes', 'y', 't']);
const FALSE_TOKENS = new Set(['false', 'no', 'n', 'f']);

/** 1 for a true-like token (true/yes/y/t), 0 for a false-like one (false/no/n/f), -1 otherwise; case-insensitive, trimmed. */
export function booleanToken(text: string): 1 | 0 | -1 {
  const t = text.trim().toLowerCase();
  if (TRUE_TOKENS.has(t)) return 1;
  if (FALSE_TOKENS.has(t)) return 0;
  return -1;
}

/**
 * Deterministic order of category levels (locale-independent): numbers first, by value;
 * then texts by their lower-case code units, ties broken by the exact code units.
 */
export function compareLevels(a: string, b: string): number {
  return compareKeyed(levelKey(a), levelKey(b));
}

interface LevelKey { num: number; lower: string; raw: string }
function levelKey(s: string): LevelKey {
  return { num: parseNumber(s), lower: s.toLowerCase(), raw: s };
}
function compareKeyed(a: LevelKey, b: LevelKey): number {
  const an = !Number.isNaN(a.num);
  const bn = !Number.isNaN(b.num);
  if (an && bn && a.num !== b.num) return a.num - b.num;
  if (an !== bn) return an ? -1 : 1;
  if (a.lower !== b.lower) return a.lower < b.lower ? -1 : 1;
  return a.raw < b.raw ? -1 : a.raw > b.raw ? 1 : 0;
}

/** The permutation that sorts `levels` by {@link compareLevels}: order[newCode] = oldCode. */
export function levelOrder(levels: string[]): number[] {
  const keys = levels.map(levelKey);
  const order = levels.map((_, i) => i);
  order.sort((i, j) => compareKeyed(keys[i], keys[j]) || i - j);
  return order;
}

/** Codes and levels with levels rearranged by `order` (order[newCode] = oldCode). */
export function reorder(codes: Int32Array, levels: string[], order: number[]): { codes: Int32Array; levels: string[] } {
  const map = new Int32Array(levels.length);
  for (let k = 0; k < order.length; k++) map[order[k]] = k;
  const out = new Int32Array(codes.length);
  for (let r = 0; r < codes.length; r++) {
    const c = codes[r];
    out[r] = c < 0 ? -1 : map[c];
  }
  return { codes: out, levels: order.map((k) => levels[k]) };
}

/** Whether a cell's text means "missing". */
export type MissingTest = (v: string) => boolean;

/** The default missing tokens, lower-case: matched after trimming, case-insensitively. */
const DEFAULT_MISSING = new Set(['', '?', 'na', 'n/a', 'nan', 'null']);

/**
 * The missing-value test for a `missing` option: undefined → the defaults ('', '?', and
 * case-insensitively 'NA', 'N/A', 'NaN', 'null', after trimming); a list → exactly those
 * texts (after trimming), replacing the defaults.
 */
export function missingTest(missing: string[] | undefined): MissingTest {
  if (!missing) {
    return (v) => {
      const t = v.trim();
      return t.length <= 4 && DEFAULT_MISSING.has(t.toLowerCase());
    };
  }
  const set = new Set(missing.map((m) => m.trim()));
  return (v) => set.has(v) || set.has(v.trim());
}
