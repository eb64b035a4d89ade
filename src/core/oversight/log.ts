/**
 * The decision log (`bias-workbench.decision-log/1`): an append-only list of what people and
 * the model decided about leads, each entry chained to the one before it by a hash, so that
 * an edited, deleted, inserted or reordered entry shows. The format field by field, and what
 * verification can and cannot detect, are in docs/oversight.md.
 *
 * An entry's `hash` is the SHA-256 hex of the RFC 8785 canonical JSON of the entry without
 * its `hash` field (fields a later version adds are hashed too); `prevHash` is the hash of the
 * entry before it (64 zeros for the first), and `seq` counts from 1 without gaps.
 */
import { WorkbenchError } from '../errors';
import { canonicalJson, sha256Hex } from './hash';

export const DECISION_LOG_FORMAT = 'bias-workbench.decision-log/1';

/**
 * What an entry records: an automated `decision`, a human `review` that upheld it, an
 * `override` of it, an `escalation` to someone else, and the three steps of an appeal.
 */
export const LOG_KINDS = ['decision', 'review', 'override', 'escalation', 'appeal-opened', 'appeal-review', 'appeal-decided'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** What the caller says about one event; the log adds format, seq, time and the chain. */
export interface LogEntryInput {
  kind: LogKind;
  leadId: string;
  /** SHA-256 hex of the model files (see modelFingerprint), '' when no model is involved */
  modelId: string;
  score: number | null;
  threshold: number | null;
  /** 'call' | 'skip' | 'escalate' | 'upheld' | 'overturned' | 'under-review' | … */
  decision: string | null;
  override: boolean;
  reason: string | null;
  /** pseudonymous, e.g. 'reviewer-7c1e' */
  actor: string;
}

export interface LogEntry extends LogEntryInput {
  format: typeof DECISION_LOG_FORMAT;
  /** 1 for the first entry, then one more per entry */
  seq: number;
  /** ISO 8601 time of the event */
  at: string;
  /** the previous entry's hash; GENESIS_HASH for the first */
  prevHash: string;
  /** SHA-256 hex of the canonical JSON of this entry without `hash` */
  hash: string;
}

/** The `prevHash` of the first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

const HEX64 = /^[0-9a-f]{64}$/;
const HINT_ENTRY = 'See docs/oversight.md for the fields of a decision-log entry.';

/** The hash an entry must carry: SHA-256 hex of canonicalJson(entry without `hash`). */
export function entryHash(entry: Omit<LogEntry, 'hash'>): string {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (k !== 'hash') body[k] = v;
  return sha256Hex(canonicalJson(body));
}

/** Whether `at` is a time JavaScript can read (ISO 8601 is what the log writes). */
function isTime(at: unknown): at is string {
  return typeof at === 'string' && at !== '' && Number.isFinite(Date.parse(at));
}

const isStringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isNumberOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));

/** The first field of `input` that does not hold what LogEntryInput says, in words; null when all do. */
function inputProblem(input: Record<string, unknown>): string | null {
  if (typeof input.kind !== 'string' || !(LOG_KINDS as readonly string[]).includes(input.kind)) return `kind must be one of ${LOG_KINDS.join(', ')}, not ${JSON.stringify(input.kind)}`;
  if (typeof input.leadId !== 'string' || input.leadId === '') return 'leadId must be a non-empty string';
  if (typeof input.modelId !== 'string') return 'modelId must be a string (the model fingerprint, or "" when no model is involved)';
  if (!isNumberOrNull(input.score)) return 'score must be a finite number or null';
  if (!isNumberOrNull(input.threshold)) return 'threshold must be a finite number or null';
  if (!isStringOrNull(input.decision)) return 'decision must be a string or null';
  if (typeof input.override !== 'boolean') return 'override must be true or false';
  if (!isStringOrNull(input.reason)) return 'reason must be a string or null';
  if (typeof input.actor !== 'string' || input.actor === '') return 'actor must be a non-empty string';
  return null;
}

/**
 * The entry that follows `prev` (null: the log is empty): seq = prev.seq + 1 (1 for the
 * first), prevHash = prev.hash (GENESIS_HASH for the first), `at` as given, and its hash.
 * Only the LogEntryInput fields of `input` are copied. Throws 'log-invalid' naming the field
 * when the input or the time is malformed.
 */
export function appendEntry(prev: LogEntry | null, input: LogEntryInput, at: string): LogEntry {
  const problem = inputProblem(input as unknown as Record<string, unknown>);
  if (problem) throw new WorkbenchError('log-invalid', `cannot log this event: ${problem}`, HINT_ENTRY);
  if (!isTime(at)) throw new WorkbenchError('log-invalid', `cannot log this event: at must be an ISO 8601 time, not ${JSON.stringify(at)}`, HINT_ENTRY);
  const body: Omit<LogEntry, 'hash'> = {
    format: DECISION_LOG_FORMAT,
    seq: prev ? prev.seq + 1 : 1,
    at,
    kind: input.kind,
    leadId: input.leadId,
    modelId: input.modelId,
    score: input.score,
    threshold: input.threshold,
    decision: input.decision,
    override: input.override,
    reason: input.reason,
    actor: input.actor,
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  return { ...body, hash: entryHash(body) };
}

export type VerifyResult =
  | { ok: true; entries: number; head: string }
  | { ok: false; index: number; seq: number | null; problem: 'format' | 'seq' | 'chain' | 'hash'; message: string };

/** Why a parsed value is not a well-formed entry, in words; null when it is one. */
function formatProblem(e: unknown): string | null {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'is not a JSON object';
  const o = e as Record<string, unknown>;
  if (o.format !== DECISION_LOG_FORMAT) return `has format ${JSON.stringify(o.format)}, not "${DECISION_LOG_FORMAT}"`;
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 1) return 'has no seq (a whole number ≥ 1)';
  if (!isTime(o.at)) return 'has no readable time in "at"';
  const problem = inputProblem(o);
  if (problem) return `is malformed: ${problem}`;
  if (typeof o.prevHash !== 'string' || !HEX64.test(o.prevHash)) return 'has no prevHash (64 lowercase hex digits)';
  if (typeof o.hash !== 'string' || !HEX64.test(o.hash)) return 'has no hash (64 lowercase hex digits)';
  return null;
}

/** The seq of a parsed value, when it has a numeric one. */
function seqOf(x: unknown): number | null {
  const s = typeof x === 'object' && x !== null ? (x as Record<string, unknown>).seq : undefined;
  return typeof s === 'number' && Number.isFinite(s) ? s : null;
}

/**
 * Checks a log from its first entry and stops at the first that does not fit. For entry i
 * (0-based), in this order:
 * - format: a well-formed entry of this format (a malformed line, a foreign format);
 * - hash: its hash equals entryHash of its other fields (a field was edited);
 * - seq: its seq is i + 1 (an entry before it was deleted, or entries were reordered or
 *   inserted without renumbering — renumbering changes the hash instead);
 * - chain: its prevHash is the previous entry's hash, or GENESIS_HASH for the first (an entry
 *   before it was edited and re-hashed, or one was replaced by another).
 * Key order and spacing in the stored entries do not matter (the hash is over canonical JSON).
 * Deleting the newest entries cannot be detected from the log alone: compare the head hash
 * with one recorded elsewhere.
 */
export function verifyLog(entries: readonly unknown[]): VerifyResult {
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const where = `entry ${i + 1}`;
    const bad = formatProblem(e);
    if (bad) return { ok: false, index: i, seq: seqOf(e), problem: 'format', message: `${where} ${bad}` };
    const entry = e as LogEntry;
    const named = `${where} (seq ${entry.seq})`;
    if (entryHash(entry) !== entry.hash) {
      return { ok: false, index: i, seq: entry.seq, problem: 'hash', message: `${named} was changed: its hash does not match its contents` };
    }
    if (entry.seq !== i + 1) {
      const what = entry.seq > i + 1 ? 'an entry before it was deleted, or entries were reordered' : 'an entry was inserted before it, or entries were reordered';
      return { ok: false, index: i, seq: entry.seq, problem: 'seq', message: `${named} is out of sequence (expected seq ${i + 1}): ${what}` };
    }
    if (entry.prevHash !== prevHash) {
      return {
        ok: false,
        index: i,
        seq: entry.seq,
        problem: 'chain',
        message: i === 0 ? `${named} does not start the chain: its prevHash is not 64 zeros` : `${named} does not follow the entry before it: its prevHash is not that entry's hash (that entry was replaced or re-hashed)`,
      };
    }
    prevHash = entry.hash;
  }
  return { ok: true, entries: entries.length, head: prevHash };
}

/**
 * One JSON value per non-empty line (a byte-order mark and CR line ends are fine). Throws
 * 'log-invalid' naming the first line that is not JSON.
 */
export function parseJsonLines(text: string): unknown[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: unknown[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new WorkbenchError('log-invalid', `line ${i + 1} is not JSON: ${why}`, 'A decision log is JSON Lines: one entry per line, as the workbench exports it.');
    }
  }
  return out;
}

/** The entries as JSON Lines: one JSON object per line, each line ending in a newline. */
export function toJsonLines(entries: readonly LogEntry[]): string {
  return entries.map((e) => JSON.stringify(e) + '\n').join('');
}
