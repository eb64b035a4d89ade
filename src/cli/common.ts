/**
 * Pieces shared by the CLI commands: usage errors, flag parsing helpers, file hashing and
 * writing the result to --out or standard output.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { WorkbenchError } from '../core/errors';
import type { Manifest } from '../core/manifest';
import type { DatasetRoles, ProtectedAttribute } from '../core/roles';

export const VERSION = '0.1.0';
export const GENERATED_BY = `bias-workbench ${VERSION}`;

/** Bad usage (missing or malformed flags): exit status 2 with a pointer to --help. */
export class UsageError extends Error {}

export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export function need(values: FlagValues, key: string): string {
  const v = values[key];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${key} is required`);
  return v;
}

export function optString(values: FlagValues, key: string): string | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${key} needs a value`);
  return v;
}

/** A whole number ≥ min, or `def` when the flag is absent. */
export function optInt(values: FlagValues, key: string, def: number, min?: number): number;
export function optInt(values: FlagValues, key: string, def: undefined, min?: number): number | undefined;
export function optInt(values: FlagValues, key: string, def: number | undefined, min = 0): number | undefined {
  const v = optString(values, key);
  if (v === undefined) return def;
  const x = Number(v);
  if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(x) || x < min) throw new UsageError(`--${key} must be a whole number ≥ ${min}, not "${v}"`);
  return x;
}

/** A finite number, or undefined when the flag is absent. */
export function optNumber(values: FlagValues, key: string): number | undefined {
  const v = optString(values, key);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${key} must be a number, not "${v}"`);
  return x;
}

/** One of the allowed words, or `def`. */
export function optChoice<T extends string>(values: FlagValues, key: string, choices: readonly T[], def: T): T {
  const v = optString(values, key);
  if (v === undefined) return def;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${key} must be one of ${choices.join(', ')}, not "${v}"`);
  return v as T;
}

/** "a,b, c" → ['a', 'b', 'c'] (empty parts dropped). */
export function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/**
 * `--bins COL=c1,c2,...` (repeatable) → column → ascending cut points. Cut points must be
 * finite and strictly ascending; a column may be given once.
 */
export function parseBins(specs: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--bins expects COL=c1,c2,..., not "${spec}"`);
    const column = spec.slice(0, eq).trim();
    const parts = splitList(spec.slice(eq + 1));
    if (parts.length === 0) throw new UsageError(`--bins ${column}= needs at least one cut point`);
    const cuts = parts.map((p) => Number(p));
    cuts.forEach((c, i) => {
      if (!Number.isFinite(c)) throw new UsageError(`--bins ${column}: "${parts[i]}" is not a number`);
      if (i > 0 && !(c > cuts[i - 1])) throw new UsageError(`--bins ${column}: cut points must be strictly ascending (${parts.join(',')})`);
    });
    if (out.has(column)) throw new UsageError(`--bins ${column} is given twice`);
    out.set(column, cuts);
  }
  return out;
}

/** The repeatable --bins flags, parsed with {@link parseBins}. */
export function binsFlag(values: FlagValues): Map<string, number[]> {
  return parseBins((values.bins as string[] | undefined) ?? []);
}

/** --threshold: a number in [0, 1], or undefined when the flag is absent. */
export function optThreshold(values: FlagValues): number | undefined {
  const t = optNumber(values, 'threshold');
  if (t !== undefined && !(t >= 0 && t <= 1)) throw new UsageError(`--threshold must be between 0 and 1, not ${t}`);
  return t;
}

/** Protected attributes from --protected and --bins; every --bins column must be protected. */
export function protectedAttributes(columns: string[], bins: Map<string, number[]>, protectedFlag = '--protected'): ProtectedAttribute[] {
  for (const c of bins.keys()) {
    if (!columns.includes(c)) throw new UsageError(`--bins names '${c}', which is not among ${protectedFlag} (${columns.join(', ')})`);
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new UsageError(`${protectedFlag} lists '${c}' twice`);
    seen.add(c);
  }
  return columns.map((column) => (bins.has(column) ? { column, cuts: bins.get(column)! } : { column }));
}

/** The required --protected COL[,COL...] (at least one column) with its --bins. */
export function requiredProtected(values: FlagValues): ProtectedAttribute[] {
  const protectedFlag = optString(values, 'protected');
  if (!protectedFlag) throw new UsageError('--protected is required');
  const protectedCols = splitList(protectedFlag);
  if (protectedCols.length === 0) throw new UsageError('--protected needs at least one column');
  return protectedAttributes(protectedCols, binsFlag(values));
}

/**
 * --target and --positive; without them, the manifest's target column, and its positive label
 * when the target is that column.
 */
export function targetFlags(values: FlagValues, manifest: Manifest | null): { target: string; positive: string } {
  const target = optString(values, 'target') ?? manifest?.target.column;
  const positive = optString(values, 'positive') ?? (manifest && target === manifest.target.column ? manifest.target.positive : undefined);
  if (!target) throw new UsageError('--target is required');
  if (positive === undefined) throw new UsageError('--positive is required');
  return { target, positive };
}

/** Roles with the target, the protected attributes and the optional weight column; no features yet. */
export function baseRoles(target: string, positive: string, attrs: ProtectedAttribute[], weightCol: string | undefined): DatasetRoles {
  return { target: { column: target, positive }, protected: attrs, features: [], ignored: [], ...(weightCol ? { weight: weightCol } : {}) };
}

/** Hex SHA-256 of a file's bytes (streamed). */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Writes the text to `out` (a file) or to standard output. */
export async function writeResult(text: string, out: string | undefined): Promise<void> {
  if (out) {
    try {
      await writeFile(out, text);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new WorkbenchError('internal', `cannot write ${out}: ${why}`, 'Check that the folder exists and is writable.');
    }
    return;
  }
  const chunk = 1 << 16;
  for (let i = 0; i < text.length; i += chunk) process.stdout.write(text.slice(i, i + chunk));
}

/** A CSV field, quoted when it contains the delimiter, a quote or a line break. */
export function csvField(s: string, delimiter: string): string {
  return s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s;
}

/** JSON with a trailing newline; non-finite numbers become null. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}
