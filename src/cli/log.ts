/**
 * `bias-workbench log verify --log decisions.jsonl [--head HASH]`: checks a decision log
 * (bias-workbench.decision-log/1, JSON Lines) entry by entry with core/oversight's verifyLog.
 * Exit 0 with the entry count and head hash on standard output when it is intact; exit 1
 * naming the first entry that was edited, deleted, inserted or reordered (or the first line
 * that is not JSON); exit 2 on bad usage. With --head, the log must also end at that hash,
 * which catches entries removed from (or added to) the end.
 */
import { readFile } from 'node:fs/promises';
import { WorkbenchError } from '../core/errors';
import { parseJsonLines, verifyLog } from '../core/oversight';
import { UsageError, need, optString, parseFlags } from './flags';

const SUBCOMMANDS = ['verify'] as const;
const VERIFY_FLAGS = { log: { type: 'string' }, head: { type: 'string' } } as const;
const HINT = 'The log is not as it was written; see docs/oversight.md for what each problem means.';

async function readLog(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : e instanceof Error ? e.message : String(e);
    throw new WorkbenchError('log-invalid', `cannot read ${path}: ${why}`, 'Pass the decision log exported from the Oversight tab (JSON Lines).');
  }
}

/** --head: 64 hex digits (any case), or undefined. */
function headFlag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new UsageError(`--head must be a SHA-256 hash (64 hex digits), not "${value}"`);
  return value.toLowerCase();
}

async function verifyCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, VERIFY_FLAGS);
  const path = need(values, 'log');
  const head = headFlag(optString(values, 'head'));
  const entries = parseJsonLines(await readLog(path));
  const r = verifyLog(entries);
  if (!r.ok) throw new WorkbenchError('log-invalid', `${path}: ${r.message}`, HINT);
  if (head !== undefined && r.head !== head) {
    throw new WorkbenchError('log-invalid', `${path}: the log ends at ${r.head} (after ${r.entries} entries), not at the recorded head ${head}`, 'Entries were removed from the end of the log, or added after the head was recorded.');
  }
  process.stdout.write(`${path}: intact, ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'}, head ${r.head}\n`);
  return 0;
}

/** `bias-workbench log <subcommand> ...` */
export async function logCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub.startsWith('-')) throw new UsageError(`log needs a subcommand first: ${SUBCOMMANDS.join(', ')}`);
  if (sub !== 'verify') throw new UsageError(`unknown log subcommand "${sub}": the subcommands are ${SUBCOMMANDS.join(', ')}`);
  return verifyCommand(rest);
}
