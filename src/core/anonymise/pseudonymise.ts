/**
 * Dropping or pseudonymising identifier columns. A pseudonym is the first 16 hex digits of
 * SHA-256(salt ‖ value), with one random salt per output (a report, a file): equal values stay
 * equal inside one output, so joins and counts still work there, but the same person gets
 * another pseudonym in the next output, and nobody can test a guessed value without the
 * salt. The salt is never written anywhere; once the output is made, it is gone.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { cellText, type CategoricalColumn, type Column, type ColumnTable } from '../table';
import type { IdentifierFinding, IdentifierKind } from './identifiers';

export type IdentifierAction = 'drop' | 'hash';

/** What was done to one column. */
export interface IdentifierTreatment {
  column: string;
  kind: IdentifierKind;
  action: IdentifierAction;
  reason: string;
}

/** 32 random bytes as hex, from the platform's cryptographic generator. */
export function randomSalt(): string {
  return bytesToHex(randomBytes(32));
}

/** The pseudonym of a value under a salt: 16 hex digits of SHA-256(salt ‖ value). */
export function saltedHash(salt: string, value: string): string {
  return bytesToHex(sha256(utf8ToBytes(`${salt}\u0000${value}`))).slice(0, 16);
}

/** A column whose values are replaced by their pseudonyms (missing stays missing). */
export function pseudonymiseColumn(col: Column, salt: string): CategoricalColumn {
  const n = col.type === 'numeric' ? col.values.length : col.codes.length;
  const codes = new Int32Array(n);
  const levels: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const text = cellText(col, i);
    if (text === '') {
      codes[i] = -1;
      continue;
    }
    let code = index.get(text);
    if (code === undefined) {
      code = levels.length;
      levels.push(saltedHash(salt, text));
      index.set(text, code);
    }
    codes[i] = code;
  }
  return { type: 'categorical', name: col.name, codes, levels };
}

/**
 * The table with each flagged column dropped (`drop`) or pseudonymised (`hash`); the other
 * columns are shared, not copied. `salt` is required for `hash` (use {@link randomSalt}).
 */
export function anonymiseTable(
  table: ColumnTable,
  findings: readonly IdentifierFinding[],
  options: { action: IdentifierAction; salt?: string },
): { table: ColumnTable; treated: IdentifierTreatment[] } {
  const flagged = new Map(findings.map((f) => [f.column, f]));
  if (options.action === 'hash' && !options.salt) throw new Error('anonymiseTable: hashing needs a salt');
  const columns: Column[] = [];
  for (const col of table.columns) {
    if (!flagged.has(col.name)) columns.push(col);
    else if (options.action === 'hash') columns.push(pseudonymiseColumn(col, options.salt!));
  }
  const treated = findings.map((f) => ({ column: f.column, kind: f.kind, action: options.action, reason: f.reason }));
  return { table: { nRows: table.nRows, columns }, treated };
}
