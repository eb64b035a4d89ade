/**
 * The two primitives the decision log rests on: the canonical JSON text of a value (RFC 8785,
 * the JSON Canonicalization Scheme: object keys sorted by UTF-16 code unit, no whitespace,
 * numbers as ECMAScript prints them) and SHA-256 as lowercase hex. Both are synchronous and
 * need no DOM, so the page, its workers and the CLI hash the same bytes.
 */
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { WorkbenchError } from '../errors';

/**
 * The RFC 8785 text of a JSON value: two values that JSON.parse to the same thing (whatever
 * their key order, spacing or number spelling) give the same text. Throws 'log-invalid' for
 * what JSON cannot hold faithfully: NaN, ±Infinity, a lone surrogate, a cycle, undefined.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new WorkbenchError('log-invalid', `this value has no canonical JSON form: ${why}`, 'Log entries hold strings, finite numbers, booleans and null only.');
  }
  if (text === undefined) throw new WorkbenchError('log-invalid', `this value has no canonical JSON form: ${typeof value}`, 'Log entries hold strings, finite numbers, booleans and null only.');
  return text;
}

/** SHA-256 of the UTF-8 bytes of `text` (or of the bytes given), as 64 lowercase hex digits. */
export function sha256Hex(text: string | Uint8Array): string {
  return bytesToHex(sha256(typeof text === 'string' ? utf8ToBytes(text) : text));
}

/** The 8-byte big-endian form of a length (up to 2⁵³ − 1). */
function lengthBytes(n: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(n / 0x100000000));
  view.setUint32(4, n >>> 0);
  return out;
}

/**
 * The identity of a model: SHA-256 hex over its files taken in name order (UTF-16 code unit
 * order, as JavaScript sorts strings). Each file adds, in turn, the byte length of its UTF-8
 * name (8 bytes, big-endian), the name, the byte length of its data (8 bytes, big-endian) and
 * the data. The order the files are given in does not matter; a renamed, added, removed or
 * changed file changes the fingerprint; the length prefixes keep two different file lists
 * from running together into the same bytes. Throws 'model-invalid' for an empty list or a
 * name given twice.
 */
export function modelFingerprint(files: readonly { name: string; data: Uint8Array }[]): string {
  if (files.length === 0) throw new WorkbenchError('model-invalid', 'a model fingerprint needs at least one file', 'Pass the model files: model.json and its weight shards.');
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const h = sha256.create();
  for (let i = 0; i < sorted.length; i++) {
    const f = sorted[i];
    if (i > 0 && sorted[i - 1].name === f.name) throw new WorkbenchError('model-invalid', `the model file "${f.name}" is given twice`, 'Pass each model file once.');
    const name = utf8ToBytes(f.name);
    h.update(lengthBytes(name.length));
    h.update(name);
    h.update(lengthBytes(f.data.length));
    h.update(f.data);
  }
  return bytesToHex(h.digest());
}
