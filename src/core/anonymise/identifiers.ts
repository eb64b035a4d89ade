/**
 * Identifier-like columns: the columns that name a person or a record rather than describe
 * them, so that nothing built from a table (a report, a project file, an export) carries them
 * out of the page as they are.
 *
 * A column is flagged, with the evidence that decided it, when
 * - `email`: at least {@link VALUE_SHARE} of its non-missing values look like an e-mail
 *   address (local@domain.tld), or its header says e-mail and some values do;
 * - `phone`: at least {@link VALUE_SHARE} of its text values look like a phone number (7 to
 *   15 digits, with optional +, spaces, dots, dashes, parentheses) and at least half the rows
 *   have their own value; or its header says phone (phone, tel, mobile, cell, fax) and some
 *   values do (a numeric column: some whole numbers of 7 to 15 digits) — a yes/no "has phone"
 *   column is not flagged;
 * - `name`: its header says a person's name (name, first/last/full name, surname, given name,
 *   forename, contact name) and it is text, not a yes/no column;
 * - `id`: its header says identifier (id, *_id, *Id, uuid, guid, customer/account/client
 *   number, ssn, passport, iban), or every row has a distinct value (text, or whole numbers),
 *   which is what a record key looks like whatever its name.
 * Columns the caller names as roles (target, protected, weight) can be left out with
 * `exclude`: the audit needs them, so they are never dropped silently.
 *
 * One pass over each column's codes (categorical) or values (numeric); value patterns are
 * tried on the levels, not on every row.
 */
import type { Column, ColumnTable } from '../table';

export type IdentifierKind = 'id' | 'email' | 'phone' | 'name';

export interface IdentifierFinding {
  column: string;
  kind: IdentifierKind;
  /** what decided it: the header, the values' pattern, or one distinct value per row */
  evidence: 'header' | 'values' | 'unique';
  /** one sentence for the person */
  reason: string;
}

export interface DetectOptions {
  /** columns never flagged (the target, the protected attributes, a weight) */
  exclude?: readonly string[];
}

/** Share of non-missing values that must match a pattern for the values alone to decide. */
export const VALUE_SHARE = 0.8;

const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
const PHONE = /^\+?[\d\s().-]{7,22}$/;
const HEADER_EMAIL = /(^|[^a-z])e-?mail/i;
const HEADER_PHONE = /(^|[_\s-])(phone|tel|telephone|mobile|cell|fax)([_\s-]|$)|phone/i;
const HEADER_NAME = /^(name|full[_\s-]?name|first[_\s-]?name|last[_\s-]?name|given[_\s-]?name|family[_\s-]?name|surname|forename|middle[_\s-]?name|contact[_\s-]?name|person|customer[_\s-]?name|client[_\s-]?name|lead[_\s-]?name)$/i;
const HEADER_ID = /^(id|uuid|guid|ssn|passport|iban|nhs|nino)$|(^|[_\s-])(id|uuid|guid)$|[a-z]Id$|^(customer|account|client|lead|contact|member|record|row)[_\s-]?(id|no|nr|num|number|key|ref)$/;

function digitCount(s: string): number {
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) d++;
  }
  return d;
}

function looksLikePhone(s: string): boolean {
  if (!PHONE.test(s)) return false;
  const d = digitCount(s);
  return d >= 7 && d <= 15;
}

/** Whether some value is a whole number of 7 to 15 digits (a phone number read as a number). */
function someLongWholeNumbers(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (Number.isInteger(v) && v >= 1e6 && v < 1e15) return true;
  }
  return false;
}

/** Per level: how many rows carry it; and how many rows have a value. */
function levelCounts(col: Extract<Column, { codes: Int32Array }>): { counts: Int32Array; present: number } {
  const counts = new Int32Array(col.levels.length);
  let present = 0;
  for (let i = 0; i < col.codes.length; i++) {
    const c = col.codes[i];
    if (c >= 0) {
      counts[c]++;
      present++;
    }
  }
  return { counts, present };
}

/** Share of present rows whose level matches `test`. */
function matchingShare(levels: readonly string[], counts: Int32Array, present: number, test: (s: string) => boolean): number {
  if (present === 0) return 0;
  let hit = 0;
  levels.forEach((l, i) => {
    if (counts[i] > 0 && test(l.trim())) hit += counts[i];
  });
  return hit / present;
}

/** Whether every row has a value and no two rows share one. */
function uniquePerRow(col: Column, nRows: number): boolean {
  if (nRows < 2) return false;
  if (col.type === 'numeric') {
    const seen = new Set<number>();
    for (let i = 0; i < nRows; i++) {
      const v = col.values[i];
      if (Number.isNaN(v) || !Number.isInteger(v) || seen.has(v)) return false;
      seen.add(v);
    }
    return true;
  }
  if (col.levels.length < nRows) return false;
  const seen = new Uint8Array(col.levels.length);
  for (let i = 0; i < nRows; i++) {
    const c = col.codes[i];
    if (c < 0 || seen[c]) return false;
    seen[c] = 1;
  }
  return true;
}

function finding(column: string, kind: IdentifierKind, evidence: IdentifierFinding['evidence'], reason: string): IdentifierFinding {
  return { column, kind, evidence, reason };
}

/** The finding for one column, or null when it does not look like an identifier. */
export function detectIdentifier(col: Column, nRows: number): IdentifierFinding | null {
  const name = col.name.trim();
  if (col.type !== 'numeric') {
    const { counts, present } = levelCounts(col);
    const emails = matchingShare(col.levels, counts, present, (s) => EMAIL.test(s));
    if (emails >= VALUE_SHARE) return finding(col.name, 'email', 'values', `${Math.round(emails * 100)}% of its values are e-mail addresses.`);
    if (HEADER_EMAIL.test(name) && emails > 0) return finding(col.name, 'email', 'header', 'Its header says e-mail and its values include e-mail addresses.');
    const phones = matchingShare(col.levels, counts, present, looksLikePhone);
    if (phones >= VALUE_SHARE && col.levels.length >= present / 2) return finding(col.name, 'phone', 'values', `${Math.round(phones * 100)}% of its values look like phone numbers.`);
    if (HEADER_PHONE.test(name) && phones > 0) return finding(col.name, 'phone', 'header', 'Its header says phone number and its values include phone numbers.');
    if (HEADER_NAME.test(name) && col.type === 'categorical') return finding(col.name, 'name', 'header', "Its header says a person's name.");
  } else if (HEADER_PHONE.test(name) && someLongWholeNumbers(col.values)) {
    return finding(col.name, 'phone', 'header', 'Its header says phone number and its values are numbers of 7 to 15 digits.');
  }
  if (HEADER_ID.test(name) || HEADER_ID.test(name.toLowerCase())) return finding(col.name, 'id', 'header', 'Its header says identifier.');
  if (uniquePerRow(col, nRows)) return finding(col.name, 'id', 'unique', 'Every row has its own value, as a record key does.');
  return null;
}

/** Every identifier-like column of a table, in column order. */
export function detectIdentifiers(table: ColumnTable, options: DetectOptions = {}): IdentifierFinding[] {
  const skip = new Set(options.exclude ?? []);
  const out: IdentifierFinding[] = [];
  for (const col of table.columns) {
    if (skip.has(col.name)) continue;
    const f = detectIdentifier(col, table.nRows);
    if (f) out.push(f);
  }
  return out;
}
