/**
 * The decision log exported with pseudonymous lead ids (core/anonymise/log.ts): ids replaced
 * by salted pseudonyms (equal ids equal, a new salt gives new ones), every other field, order
 * and time kept, and the copy chained again so it verifies on its own.
 */
import { describe, expect, it } from 'vitest';
import { pseudonymiseLog } from '../../src/core/anonymise/log';
import { appendEntry, verifyLog, type LogEntry, type LogEntryInput } from '../../src/core/oversight';

function log(): LogEntry[] {
  const inputs: LogEntryInput[] = [
    { kind: 'decision', leadId: 'CUST-0042', modelId: 'm', score: 0.8, threshold: 0.5, decision: 'call', override: false, reason: null, actor: 'model' },
    { kind: 'override', leadId: 'CUST-0042', modelId: 'm', score: 0.8, threshold: 0.5, decision: 'skip', override: true, reason: 'already a customer', actor: 'reviewer-7c1e' },
    { kind: 'review', leadId: 'CUST-0077', modelId: 'm', score: 0.3, threshold: 0.5, decision: 'upheld', override: false, reason: null, actor: 'reviewer-7c1e' },
  ];
  const out: LogEntry[] = [];
  inputs.forEach((x, i) => out.push(appendEntry(out[i - 1] ?? null, x, `2026-12-0${i + 1}T10:00:00.000Z`)));
  return out;
}

describe('pseudonymous decision-log export', () => {
  it('replaces lead ids, keeps the rest, and chains the copy again', () => {
    const kept = log();
    const copy = pseudonymiseLog(kept, 'salt-1');
    expect(copy.map((e) => e.leadId).every((id) => /^h[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(copy[0].leadId).toBe(copy[1].leadId);
    expect(copy[0].leadId).not.toBe(copy[2].leadId);
    expect(JSON.stringify(copy)).not.toContain('CUST-');
    for (const [i, e] of copy.entries()) {
      const { leadId: _a, hash: _b, prevHash: _c, ...rest } = e;
      const { leadId: _d, hash: _e, prevHash: _f, ...was } = kept[i];
      expect(rest).toEqual(was);
    }
    expect(verifyLog(copy).ok).toBe(true);
    expect(copy[2].hash).not.toBe(kept[2].hash);
    expect(pseudonymiseLog(kept, 'salt-2')[0].leadId).not.toBe(copy[0].leadId);
  });
});
