/**
 * The decision log: canonical JSON (RFC 8785's own example), SHA-256 (FIPS 180-2's "abc" and
 * node:crypto as an independent implementation), the chain appendEntry builds, and verifyLog
 * naming the first entry each kind of tampering breaks.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appendEntry,
  canonicalJson,
  DECISION_LOG_FORMAT,
  entryHash,
  GENESIS_HASH,
  modelFingerprint,
  parseJsonLines,
  sha256Hex,
  toJsonLines,
  verifyLog,
  type LogEntry,
  type LogEntryInput,
} from '../../src/core/oversight';
import { problem } from './synthetic';

const nodeSha256 = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');

function input(i: number, over: Partial<LogEntryInput> = {}): LogEntryInput {
  return {
    kind: i % 3 === 0 ? 'override' : 'review',
    leadId: `lead-${i}`,
    modelId: 'a'.repeat(64),
    score: i / 10,
    threshold: 0.5,
    decision: i % 2 === 0 ? 'call' : 'skip',
    override: i % 3 === 0,
    reason: i % 3 === 0 ? `reason ${i}` : null,
    actor: 'reviewer-7c1e',
    ...over,
  };
}

/** A log of n entries, one minute apart. */
function buildLog(n: number): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = 1; i <= n; i++) out.push(appendEntry(out[out.length - 1] ?? null, input(i), `2027-01-05T10:${String(i).padStart(2, '0')}:00.000Z`));
  return out;
}

describe('canonicalJson and sha256Hex', () => {
  it('writes RFC 8785 section 3.2.2\'s example exactly', () => {
    const text = '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}';
    expect(canonicalJson(JSON.parse(text))).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('gives one text whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}');
    expect(canonicalJson({ a: { c: 'x', d: [1, { y: null, z: 0 }] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: 'x' } }));
  });

  it('refuses what JSON cannot hold, with log-invalid', () => {
    for (const v of [{ x: NaN }, { x: Infinity }, { s: 'a\ud800b' }, undefined]) expect(problem(() => canonicalJson(v)).code).toBe('log-invalid');
  });

  it('is SHA-256 in lowercase hex (FIPS 180-2 "abc"; node:crypto on UTF-8 text and on bytes)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('Zürich → €')).toBe(nodeSha256('Zürich → €'));
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) & 255);
    expect(sha256Hex(bytes)).toBe(nodeSha256(bytes));
  });
});

describe('appendEntry', () => {
  it('starts the chain at seq 1 and 64 zeros, then links each entry to the one before', () => {
    const log = buildLog(3);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log[0].prevHash).toBe(GENESIS_HASH);
    expect(log[1].prevHash).toBe(log[0].hash);
    expect(log[2].prevHash).toBe(log[1].hash);
    expect(log[0].format).toBe(DECISION_LOG_FORMAT);
    expect(DECISION_LOG_FORMAT).toBe('bias-workbench.decision-log/1');
  });

  it('hashes the canonical JSON of the entry without its hash (written out by hand here)', () => {
    const e = appendEntry(null, { kind: 'override', leadId: 'L-1', modelId: 'm', score: 0.25, threshold: 0.5, decision: 'call', override: true, reason: 'knows the customer', actor: 'rep-1' }, '2027-01-05T10:00:00.000Z');
    const text =
      '{"actor":"rep-1","at":"2027-01-05T10:00:00.000Z","decision":"call","format":"bias-workbench.decision-log/1","kind":"override","leadId":"L-1","modelId":"m","override":true,' +
      `"prevHash":"${'0'.repeat(64)}","reason":"knows the customer","score":0.25,"seq":1,"threshold":0.5}`;
    expect(e.hash).toBe(nodeSha256(text));
    expect(entryHash(e)).toBe(e.hash);
  });

  it('copies only the entry fields of the input', () => {
    const e = appendEntry(null, { ...input(1), extra: 'x' } as LogEntryInput, '2027-01-05T10:00:00Z');
    expect(Object.keys(e)).not.toContain('extra');
    expect(Object.keys(e).sort()).toEqual(['actor', 'at', 'decision', 'format', 'hash', 'kind', 'leadId', 'modelId', 'override', 'prevHash', 'reason', 'score', 'seq', 'threshold']);
  });

  it('refuses a malformed input or time, naming the field', () => {
    const cases: [Partial<LogEntryInput> | null, string, RegExp][] = [
      [{ kind: 'vote' as never }, 'x', /kind must be one of decision, review/],
      [{ leadId: '' }, 'x', /leadId/],
      [{ score: NaN }, 'x', /score must be a finite number or null/],
      [{ override: 'yes' as never }, 'x', /override must be true or false/],
      [{ actor: '' }, 'x', /actor/],
      [null, 'yesterday', /at must be an ISO 8601 time/],
    ];
    for (const [over, at, message] of cases) {
      const p = problem(() => appendEntry(null, input(1, over ?? {}), at === 'x' ? '2027-01-05T10:00:00Z' : at));
      expect(p.code).toBe('log-invalid');
      expect(p.message).toMatch(message);
    }
  });
});

describe('verifyLog', () => {
  const log = buildLog(6);
  const head = log[5].hash;

  it('accepts an intact log with its count and head; an empty log has the genesis head', () => {
    expect(verifyLog(log)).toEqual({ ok: true, entries: 6, head });
    expect(verifyLog([])).toEqual({ ok: true, entries: 0, head: GENESIS_HASH });
  });

  it('accepts entries stored with another key order and spacing (the hash is over canonical JSON)', () => {
    const shuffled = log.map((e) => {
      const keys = Object.keys(e).reverse();
      return '{ ' + keys.map((k) => `${JSON.stringify(k)} : ${JSON.stringify((e as unknown as Record<string, unknown>)[k])}`).join(' ,  ') + ' }';
    });
    expect(shuffled[0].startsWith('{ "hash"')).toBe(true);
    expect(verifyLog(parseJsonLines(shuffled.join('\r\n')))).toEqual({ ok: true, entries: 6, head });
  });

  it('names an edited entry by its hash', () => {
    const edited = log.map((e) => ({ ...e }));
    edited[2].decision = 'skip' === edited[2].decision ? 'call' : 'skip';
    expect(verifyLog(edited)).toMatchObject({ ok: false, index: 2, seq: 3, problem: 'hash' });
    const moved = log.map((e) => ({ ...e }));
    moved[3].seq = 9;
    expect(verifyLog(moved)).toMatchObject({ ok: false, index: 3, seq: 9, problem: 'hash' });
  });

  it('names the entry after an edited and re-hashed one by its chain', () => {
    const rehashed = log.map((e) => ({ ...e }));
    rehashed[2].reason = 'fabricated';
    rehashed[2].hash = entryHash(rehashed[2]);
    const r = verifyLog(rehashed);
    expect(r).toMatchObject({ ok: false, index: 3, seq: 4, problem: 'chain' });
    expect(!r.ok && r.message).toMatch(/entry 4 \(seq 4\) does not follow the entry before it/);
  });

  it('names the entry after a deleted one by its seq', () => {
    const r = verifyLog([...log.slice(0, 2), ...log.slice(3)]);
    expect(r).toMatchObject({ ok: false, index: 2, seq: 4, problem: 'seq' });
    expect(!r.ok && r.message).toMatch(/entry 3 \(seq 4\) is out of sequence \(expected seq 3\): an entry before it was deleted/);
    expect(verifyLog(log.slice(1))).toMatchObject({ ok: false, index: 0, seq: 2, problem: 'seq' });
  });

  it('names the first entry out of place when two are swapped', () => {
    expect(verifyLog([log[0], log[1], log[3], log[2], log[4], log[5]])).toMatchObject({ ok: false, index: 2, seq: 4, problem: 'seq' });
  });

  it('names the entry an insertion displaced, or the inserted entry itself when it does not fit', () => {
    // a well-forged entry: right seq, chained to the entry before, valid hash; the original then no longer fits
    const forged = appendEntry(log[1], input(99), '2027-01-05T10:02:30Z');
    const r = verifyLog([log[0], log[1], forged, ...log.slice(2)]);
    expect(r).toMatchObject({ ok: false, index: 3, seq: 3, problem: 'seq' });
    expect(!r.ok && r.message).toMatch(/an entry was inserted before it/);
    // a copy of an entry inserted again
    expect(verifyLog([log[0], log[1], log[1], ...log.slice(2)])).toMatchObject({ ok: false, index: 2, seq: 2, problem: 'seq' });
    // an entry chained to the genesis instead of its predecessor
    const detached = appendEntry(null, input(3), '2027-01-05T10:03:00Z');
    const renumbered = { ...detached, seq: 3 };
    renumbered.hash = entryHash(renumbered);
    expect(verifyLog([log[0], log[1], renumbered])).toMatchObject({ ok: false, index: 2, seq: 3, problem: 'chain' });
  });

  it('names a malformed entry by its format', () => {
    const cases: unknown[] = [
      'text',
      [1, 2],
      { ...log[2], format: 'bias-workbench.decision-log/2' },
      { ...log[2], seq: 0 },
      { ...log[2], at: 'soon' },
      { ...log[2], kind: 'vote' },
      { ...log[2], hash: 'ABC' },
      { ...log[2], prevHash: undefined },
      { ...log[2], score: '0.3' },
    ];
    for (const bad of cases) {
      const r = verifyLog([log[0], log[1], bad, ...log.slice(3)]);
      expect(r, JSON.stringify(bad)).toMatchObject({ ok: false, index: 2, problem: 'format' });
    }
  });

  it('hashes fields a later version adds, so editing them shows too', () => {
    const extended = { ...log[0], note: 'added later' } as LogEntry & { note: string };
    extended.hash = entryHash(extended);
    const second = appendEntry(extended, input(2), '2027-01-05T10:02:00Z');
    expect(verifyLog([extended, second])).toMatchObject({ ok: true, entries: 2 });
    expect(verifyLog([{ ...extended, note: 'edited' }, second])).toMatchObject({ ok: false, index: 0, problem: 'hash' });
  });
});

describe('JSON Lines', () => {
  it('round-trips a log: one entry per line, every line ending in a newline', () => {
    const log = buildLog(4);
    const text = toJsonLines(log);
    expect(text.split('\n')).toHaveLength(5);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseJsonLines(text)).toEqual(log);
    expect(toJsonLines([])).toBe('');
  });

  it('skips blank lines and a byte-order mark; names the first line that is not JSON', () => {
    expect(parseJsonLines('\uFEFF{"a":1}\n\n  \n[2]\n')).toEqual([{ a: 1 }, [2]]);
    const p = problem(() => parseJsonLines('{"a":1}\n\n{"b":\n{"c":3}'));
    expect(p.code).toBe('log-invalid');
    expect(p.message).toMatch(/^line 3 is not JSON/);
  });
});

describe('modelFingerprint', () => {
  const files = [
    { name: 'model.json', data: new TextEncoder().encode('{"format":"layers-model"}') },
    { name: 'group1-shard1of1.bin', data: Uint8Array.from([1, 2, 3, 4]) },
  ];

  it('is SHA-256 over (name length, name, data length, data) per file in name order', () => {
    const u64 = (n: number): number[] => [0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const bytes: number[] = [];
    for (const f of [files[1], files[0]]) {
      const name = new TextEncoder().encode(f.name);
      bytes.push(...u64(name.length), ...name, ...u64(f.data.length), ...f.data);
    }
    expect(modelFingerprint(files)).toBe(nodeSha256(Uint8Array.from(bytes)));
  });

  it('does not depend on the order given; changes with a byte, a name, or a file moved between names', () => {
    const fp = modelFingerprint(files);
    expect(modelFingerprint([files[1], files[0]])).toBe(fp);
    expect(modelFingerprint([files[0], { ...files[1], data: Uint8Array.from([1, 2, 3, 5]) }])).not.toBe(fp);
    expect(modelFingerprint([files[0], { ...files[1], name: 'group1-shard1of2.bin' }])).not.toBe(fp);
    // the same bytes split differently between two names
    const a = modelFingerprint([{ name: 'a', data: Uint8Array.from([1, 2]) }, { name: 'b', data: Uint8Array.from([3]) }]);
    const b = modelFingerprint([{ name: 'a', data: Uint8Array.from([1]) }, { name: 'b', data: Uint8Array.from([2, 3]) }]);
    expect(a).not.toBe(b);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses no files and a name given twice', () => {
    expect(problem(() => modelFingerprint([])).code).toBe('model-invalid');
    expect(problem(() => modelFingerprint([files[0], files[0]])).message).toMatch(/"model.json" is given twice/);
  });
});
