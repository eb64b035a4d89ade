/**
 * The page's oversight over IndexedDB (fake-indexeddb in Node): the store appends a hash chain
 * that core's verifyLog accepts, even for appends made at the same time; a session applies
 * core's rules to reviews, escalations and appeals and logs every step (and nothing when a
 * step is refused); what it keeps comes back on reopening, per model, with the log shared;
 * the exported log verifies and an edit shows; reviewed labels are core's overrideLabels; the
 * actor id is kept in the storage it is given.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  overrideLabels,
  parseJsonLines,
  reviewQueue,
  verifyLog,
  type LogEntryInput,
  type ReviewItem,
} from '../../src/core/oversight';
import { WorkbenchError } from '../../src/core/errors';
import { OversightStore, actorId } from '../../src/client/store';
import { OversightSession, reviewedLabels } from '../../src/client/oversight';

const THRESHOLD = 0.5;
const MODEL = 'a'.repeat(64);
const OTHER_MODEL = 'b'.repeat(64);

let dbCount = 0;
/** A fresh database name per test, so no test sees another's state. */
function freshDb(): string {
  dbCount += 1;
  return `oversight-test-${dbCount}-${Math.random().toString(36).slice(2)}`;
}

/** A Map-backed stand-in for localStorage. */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, String(v)) };
}

/** 20 leads l0…l19 with scores 0.025, 0.075, …, two groups; a queue of `size` drawn with `seed`. */
function queueItems(size: number, seed = 7): ReviewItem[] {
  const n = 20;
  const leadIds = Array.from({ length: n }, (_, i) => `l${i}`);
  const scores = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const groups = leadIds.map((_, i) => (i % 2 === 0 ? 'small' : 'large'));
  return reviewQueue({ leadIds, scores, groups, threshold: THRESHOLD, size, seed });
}

function input(leadId: string, over: Partial<LogEntryInput> = {}): LogEntryInput {
  return { kind: 'review', leadId, modelId: MODEL, score: 0.4, threshold: THRESHOLD, decision: 'skip', override: false, reason: null, actor: 'reviewer-0001', ...over };
}

async function openSession(dbName: string, modelId = MODEL, storage = memoryStorage()): Promise<OversightSession> {
  return OversightSession.open(modelId, THRESHOLD, { dbName, storage });
}

/** The code of what `fn` throws (fails the test when it does not throw). */
async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return (e as WorkbenchError).code;
  }
  throw new Error('expected a throw');
}

describe('OversightStore.appendLog', () => {
  it('appends a chain that verifyLog accepts: seq 1..n, the first prevHash 64 zeros', async () => {
    const store = await OversightStore.open(freshDb());
    try {
      const returned = [];
      for (let i = 0; i < 5; i++) returned.push(await store.appendLog(input(`l${i}`), `2027-01-0${i + 1}T10:00:00.000Z`));
      const log = await store.log();
      expect(log).toEqual(returned);
      expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(log[0].prevHash).toBe(GENESIS_HASH);
      expect(GENESIS_HASH).toBe('0'.repeat(64));
      for (let i = 1; i < log.length; i++) expect(log[i].prevHash).toBe(log[i - 1].hash);
      expect(log.map((e) => e.leadId)).toEqual(['l0', 'l1', 'l2', 'l3', 'l4']);
      expect(verifyLog(log)).toEqual({ ok: true, entries: 5, head: log[4].hash });
    } finally {
      store.close();
    }
  });

  it('gives two appends made at the same time seq 1 and 2 on one valid chain', async () => {
    const store = await OversightStore.open(freshDb());
    try {
      const [a, b] = await Promise.all([store.appendLog(input('first')), store.appendLog(input('second'))]);
      expect([a.seq, b.seq].sort()).toEqual([1, 2]);
      const log = await store.log();
      expect(log).toHaveLength(2);
      expect(log.map((e) => e.seq)).toEqual([1, 2]);
      expect(new Set(log.map((e) => e.leadId))).toEqual(new Set(['first', 'second']));
      expect(log[1].prevHash).toBe(log[0].hash);
      expect(verifyLog(log).ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('refuses a malformed entry and keeps the log as it was', async () => {
    const store = await OversightStore.open(freshDb());
    try {
      await store.appendLog(input('l0'));
      await expect(store.appendLog(input('', { leadId: '' }))).rejects.toMatchObject({ code: 'log-invalid' });
      const log = await store.log();
      expect(log).toHaveLength(1);
      expect(verifyLog(log).ok).toBe(true);
    } finally {
      store.close();
    }
  });
});

describe('OversightSession', () => {
  it('queues items once by lead id and says how many were added', async () => {
    const dbName = freshDb();
    const s = await openSession(dbName);
    try {
      const items = queueItems(8);
      expect(await s.queue(items.slice(0, 5))).toBe(5);
      // three of these are already queued
      expect(await s.queue(items.slice(2))).toBe(3);
      expect(s.snapshot().items.map((i) => i.leadId)).toEqual(items.map((i) => i.leadId));
      // a lead twice in one batch is queued once
      const more = queueItems(12, 99).filter((i) => !items.some((x) => x.leadId === i.leadId));
      expect(more.length).toBeGreaterThan(0);
      expect(await s.queue([more[0], more[0]])).toBe(1);
      const ids = s.snapshot().items.map((i) => i.leadId);
      expect(ids).toEqual([...items.map((i) => i.leadId), more[0].leadId]);
      expect(new Set(ids).size).toBe(ids.length);
      // queueing logs nothing: it is not a decision
      expect(s.snapshot().log).toEqual([]);
    } finally {
      s.close();
    }
    // and the store keeps the same queue, in the same order
    const again = await openSession(dbName);
    try {
      expect(again.snapshot().items.map((i) => i.leadId)).toEqual(s.snapshot().items.map((i) => i.leadId));
    } finally {
      again.close();
    }
  });

  it('logs an upheld review, an override with its reason, and refuses an override without one', async () => {
    const s = await openSession(freshDb());
    try {
      const items = queueItems(8);
      await s.queue(items);
      const call = items.find((i) => i.recommendation === 'call')!;
      const skip = items.find((i) => i.recommendation === 'skip')!;

      await s.decide(call.leadId, 'call', null);
      let snap = s.snapshot();
      expect(snap.items.find((i) => i.leadId === call.leadId)).toMatchObject({ status: 'upheld', decision: 'call', reason: null });
      expect(snap.log).toHaveLength(1);
      expect(snap.log[0]).toMatchObject({ kind: 'review', leadId: call.leadId, modelId: MODEL, score: call.score, threshold: THRESHOLD, decision: 'call', override: false, reason: null, actor: s.actor });

      await s.decide(skip.leadId, 'call', '  she asked for a call back  ');
      snap = s.snapshot();
      expect(snap.items.find((i) => i.leadId === skip.leadId)).toMatchObject({ status: 'overridden', decision: 'call', reason: 'she asked for a call back' });
      expect(snap.log).toHaveLength(2);
      expect(snap.log[1]).toMatchObject({ kind: 'override', leadId: skip.leadId, decision: 'call', override: true, reason: 'she asked for a call back' });

      const other = items.find((i) => i.recommendation === 'call' && i.leadId !== call.leadId)!;
      expect(await codeOf(() => s.decide(other.leadId, 'skip', null))).toBe('review-invalid');
      expect(await codeOf(() => s.decide(other.leadId, 'skip', '   '))).toBe('review-invalid');
      snap = s.snapshot();
      expect(snap.log).toHaveLength(2);
      expect(snap.items.find((i) => i.leadId === other.leadId)!.status).toBe('pending');
      expect(verifyLog(snap.log).ok).toBe(true);

      await expect(s.decide('not-queued', 'call', null)).rejects.toThrow(/not in the review queue/);
      expect(s.snapshot().log).toHaveLength(2);
    } finally {
      s.close();
    }
  });

  it('logs an escalation and leaves the item pending', async () => {
    const s = await openSession(freshDb());
    try {
      const items = queueItems(4);
      await s.queue(items);
      await s.escalate(items[0].leadId, ' ask the team lead ');
      const snap = s.snapshot();
      expect(snap.log).toHaveLength(1);
      expect(snap.log[0]).toMatchObject({ kind: 'escalation', leadId: items[0].leadId, decision: 'escalate', override: false, reason: 'ask the team lead', score: items[0].score });
      expect(snap.items[0].status).toBe('pending');
    } finally {
      s.close();
    }
  });

  it('walks an appeal open → under-review → overturned, logging each step, and refuses a step out of order', async () => {
    const s = await openSession(freshDb());
    try {
      const items = queueItems(4);
      await s.queue(items);
      const lead = items.find((i) => i.recommendation === 'skip')!;
      await s.appeal(lead.leadId, 'the customer says the data is old', '2027-01-05T10:00:00.000Z');
      const [appeal] = s.snapshot().appeals;
      expect(appeal).toMatchObject({ leadId: lead.leadId, group: lead.group, score: lead.score, state: 'open' });

      // a decision straight from open skips the review: refused, nothing logged
      expect(await codeOf(() => s.stepAppeal(appeal.id, 'overturned', 'no', '2027-01-05T11:00:00.000Z'))).toBe('appeal-invalid');
      expect(s.snapshot().log).toHaveLength(1);
      expect(s.snapshot().appeals[0].state).toBe('open');

      await s.stepAppeal(appeal.id, 'under-review', 'taken', '2027-01-06T09:00:00.000Z');
      await s.stepAppeal(appeal.id, 'overturned', 'records were out of date', '2027-01-07T09:00:00.000Z');
      const snap = s.snapshot();
      expect(snap.appeals[0].state).toBe('overturned');
      expect(snap.appeals[0].history.map((h) => h.state)).toEqual(['open', 'under-review', 'overturned']);
      expect(snap.log.map((e) => e.kind)).toEqual(['appeal-opened', 'appeal-review', 'appeal-decided']);
      expect(snap.log.map((e) => e.decision)).toEqual(['open', 'under-review', 'overturned']);
      expect(snap.log.map((e) => e.override)).toEqual([false, false, true]);
      expect(snap.log[0].reason).toBe('the customer says the data is old');
      expect(snap.log[2]).toMatchObject({ leadId: lead.leadId, reason: 'records were out of date', actor: s.actor });
      expect(s.verify().ok).toBe(true);

      // a decided appeal is final
      expect(await codeOf(() => s.stepAppeal(appeal.id, 'upheld', 'again', '2027-01-08T09:00:00.000Z'))).toBe('appeal-invalid');
      expect(s.snapshot().log).toHaveLength(3);
      await expect(s.stepAppeal('no-such-appeal', 'under-review', '', '2027-01-08T09:00:00.000Z')).rejects.toThrow(/no appeal/);
      expect(s.snapshot().log).toHaveLength(3);
    } finally {
      s.close();
    }
  });

  it('gives back items in queue order with their statuses, the appeals and the log on reopening; another model sees only the log', async () => {
    const dbName = freshDb();
    const storage = memoryStorage();
    const s = await openSession(dbName, MODEL, storage);
    const items = queueItems(8);
    await s.queue(items.slice(0, 4));
    await s.queue(items.slice(4));
    const call = items.find((i) => i.recommendation === 'call')!;
    const skip = items.find((i) => i.recommendation === 'skip')!;
    await s.decide(skip.leadId, 'call', 'known customer');
    await s.decide(call.leadId, 'call', null);
    await s.escalate(items[7].leadId, 'unsure');
    await s.appeal(skip.leadId, 'please look again', '2027-02-01T10:00:00.000Z');
    await s.stepAppeal(s.snapshot().appeals[0].id, 'under-review', '', '2027-02-02T10:00:00.000Z');
    const before = s.snapshot();
    s.close();

    const again = await openSession(dbName, MODEL, storage);
    try {
      const after = again.snapshot();
      expect(after.items).toEqual(before.items);
      expect(after.items.map((i) => i.leadId)).toEqual(items.map((i) => i.leadId));
      expect(after.items.find((i) => i.leadId === skip.leadId)!.status).toBe('overridden');
      expect(after.items.find((i) => i.leadId === call.leadId)!.status).toBe('upheld');
      expect(after.appeals).toEqual(before.appeals);
      expect(after.log).toEqual(before.log);
      expect(after.log).toHaveLength(5);
      expect(again.actor).toBe(s.actor);
      expect(again.verify().ok).toBe(true);
    } finally {
      again.close();
    }

    const other = await openSession(dbName, OTHER_MODEL, storage);
    try {
      const snap = other.snapshot();
      expect(snap.items).toEqual([]);
      expect(snap.appeals).toEqual([]);
      expect(snap.log).toEqual(before.log);
      // its own steps continue the one chain
      await other.queue(queueItems(2, 3));
      await other.escalate(other.snapshot().items[0].leadId, 'other model');
      const log = other.snapshot().log;
      expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(log[5].modelId).toBe(OTHER_MODEL);
      expect(other.verify().ok).toBe(true);
    } finally {
      other.close();
    }
  });

  it('exports JSON Lines that verify, and an edited reason breaks the chain at that entry', async () => {
    const s = await openSession(freshDb());
    let text: string;
    try {
      const items = queueItems(6);
      await s.queue(items);
      const skip = items.filter((i) => i.recommendation === 'skip');
      const call = items.filter((i) => i.recommendation === 'call');
      await s.decide(skip[0].leadId, 'call', 'first reason');
      await s.decide(call[0].leadId, 'call', null);
      await s.decide(skip[1].leadId, 'call', 'third reason');
      await s.escalate(call[1].leadId, 'fourth');
      text = s.exportJsonLines();
    } finally {
      s.close();
    }
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(5);
    const parsed = parseJsonLines(text);
    expect(verifyLog(parsed)).toMatchObject({ ok: true, entries: 4 });

    const edited = lines.map((l, i) => (i === 2 ? l.replace('"reason":"third reason"', '"reason":"a kinder reason"') : l));
    expect(edited[2]).not.toBe(lines[2]);
    const r = verifyLog(parseJsonLines(edited.join('\n')));
    expect(r).toMatchObject({ ok: false, index: 2, seq: 3, problem: 'hash' });
  });
});

describe('reviewedLabels', () => {
  it("is core's overrideLabels of the model's reviewed items", async () => {
    const dbName = freshDb();
    const s = await openSession(dbName);
    const items = queueItems(8);
    try {
      await s.queue(items);
      const call = items.filter((i) => i.recommendation === 'call');
      const skip = items.filter((i) => i.recommendation === 'skip');
      await s.decide(call[0].leadId, 'skip', 'not a buyer');
      await s.decide(call[1].leadId, 'call', null);
      await s.decide(skip[0].leadId, 'skip', null);
      await s.decide(skip[1].leadId, 'call', 'asked for a quote');
      // a second review of a lead replaces the first
      await s.decide(call[1].leadId, 'skip', 'changed my mind');
      const labels = await reviewedLabels(MODEL, dbName);
      expect(labels).toEqual(overrideLabels(s.snapshot().items));
      const byRow = new Map(labels.map((l) => [l.row, l.label]));
      expect(labels).toHaveLength(4);
      expect(byRow.get(call[0].row)).toBe(0);
      expect(byRow.get(call[1].row)).toBe(0);
      expect(byRow.get(skip[0].row)).toBe(0);
      expect(byRow.get(skip[1].row)).toBe(1);
      expect(labels.map((l) => l.row)).toEqual([...labels.map((l) => l.row)].sort((a, b) => a - b));
    } finally {
      s.close();
    }
    expect(await reviewedLabels(OTHER_MODEL, dbName)).toEqual([]);
  });
});

describe('actorId', () => {
  it('is a pseudonym kept in the storage given: the same storage gives the same id', () => {
    const storage = memoryStorage();
    const id = actorId(storage);
    expect(id).toMatch(/^reviewer-[0-9a-f]{4}$/);
    expect(actorId(storage)).toBe(id);
    expect([...storage.map.values()]).toEqual([id]);
    const kept = memoryStorage();
    kept.setItem('bias-workbench.actor', 'reviewer-beef');
    expect(actorId(kept)).toBe('reviewer-beef');
  });

  it('is the session actor and signs its log entries', async () => {
    const storage = memoryStorage();
    const s = await openSession(freshDb(), MODEL, storage);
    try {
      expect(s.actor).toBe(actorId(storage));
      await s.queue(queueItems(2));
      await s.escalate(s.snapshot().items[0].leadId, 'why');
      expect(s.snapshot().log[0].actor).toBe(s.actor);
    } finally {
      s.close();
    }
  });
});

describe('two sessions on one browser log (two tabs, or two models)', () => {
  it('each shows, verifies and exports the whole stored chain', async () => {
    const dbName = `two-tabs-${Math.random().toString(36).slice(2)}`;
    const storage = new Map<string, string>();
    const stub = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
    const a = await OversightSession.open('m-a', 0.5, { dbName, storage: stub });
    const b = await OversightSession.open('m-b', 0.5, { dbName, storage: stub });
    const items = reviewQueue({ leadIds: ['1', '2', '3', '4'], scores: [0.1, 0.4, 0.6, 0.9], groups: ['x', 'y', 'x', 'y'], threshold: 0.5, size: 4, seed: 1 });
    await a.queue(items);
    await b.queue(items);
    await a.escalate(items[0].leadId, 'needs a manager');
    await b.escalate(items[1].leadId, 'needs a manager');
    await a.escalate(items[2].leadId, 'needs a manager');
    // a wrote last and reads the stored chain back as it writes; b reads it when asked
    await b.refresh();
    for (const s of [a, b]) {
      expect(s.snapshot().log.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(s.verify().ok).toBe(true);
      expect(verifyLog(parseJsonLines(s.exportJsonLines())).ok).toBe(true);
    }
    a.close();
    b.close();
  });
});
