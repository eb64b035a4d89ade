/**
 * Pieces shared by the CLI commands: protected attributes and roles from the flags, notes on
 * standard error, file hashing, and writing the result to --out or standard output.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { WorkbenchError } from '../core/errors';
import type { Manifest } from '../core/manifest';
import type { DatasetRoles, ProtectedAttribute } from '../core/roles';
import { inputNotes, type InputNotesRequest, type ReportNote } from '../core/audit';
import type { ColumnTable } from '../core/table';
import { UsageError, optString, type FlagValues } from './flags';

export { VERSION, GENERATED_BY } from '../core/audit';

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

/** Prints each note on standard error as one line `bias-workbench: note: <message>`. */
export function printNotes(notes: readonly ReportNote[]): void {
  for (const n of notes) process.stderr.write(`bias-workbench: note: ${n.message.replace(/\s*\n\s*/g, ' ')}\n`);
}

/** Plain warnings (CSV reader, manifest check) as notes of one kind. */
export function warningNotes(kind: string, warnings: readonly string[]): ReportNote[] {
  return warnings.map((message) => ({ kind, message }));
}

/**
 * Every note about one data file, in order: the CSV reader's warnings, the manifest check's
 * warnings, then the input notes (imputed model inputs, a many-valued target, rows in no
 * group). A manifest warning that a column "encodes as all zeros" is left out when an input
 * note counts that column's rows already.
 */
export function collectNotes(table: ColumnTable, req: InputNotesRequest & { csvWarnings?: readonly string[]; manifestWarnings?: readonly string[] }): ReportNote[] {
  const notes = inputNotes(table, req);
  const counted = notes.filter((n) => n.kind === 'unlisted-category' || n.kind === 'missing-category').map((n) => `'${n.column}'`);
  const manifest = (req.manifestWarnings ?? []).filter((w) => !(/all zeros\.?$/.test(w) && counted.some((c) => w.includes(c))));
  return [...warningNotes('csv', req.csvWarnings ?? []), ...warningNotes('manifest', manifest), ...notes];
}
