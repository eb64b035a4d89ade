/**
 * A decision log for sharing: each lead id (which the page takes from the data's id column,
 * a row-level identifier) replaced by a salted pseudonym, `h` and the 16 hex digits of
 * {@link saltedHash}, with one fresh salt per export. Equal ids stay equal inside one export,
 * so a lead's review, override and appeal still line up.
 *
 * Changing an entry changes its hash, so the copy is chained again from the first entry
 * (same order, times and fields; core/oversight's appendEntry): it verifies on its own, but
 * its hashes are not the kept log's — the kept log, exported as it is, is the one to check
 * against. Free-text reasons are copied as written: a reviewer's words are not scanned.
 */
import { appendEntry, type LogEntry } from '../oversight/log';
import { randomSalt, saltedHash } from './pseudonymise';

export function pseudonymiseLog(entries: readonly LogEntry[], salt: string = randomSalt()): LogEntry[] {
  const out: LogEntry[] = [];
  for (const e of entries) out.push(appendEntry(out.length ? out[out.length - 1] : null, { ...e, leadId: `h${saltedHash(salt, e.leadId)}` }, e.at));
  return out;
}
