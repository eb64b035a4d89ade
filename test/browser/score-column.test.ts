/**
 * Real headless Chromium: a score column of the data as the model, through the session and the
 * worker (useScoreColumn): the scores are the column's values, the fingerprint is that of the
 * scores (the same column loaded again keeps it, other scores change it), a refused column
 * keeps the working model, and a worker restarted after an abort gets the score column back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkbenchSession } from '../../src/client/session';
import { AbortError } from '../../src/client/bridge';
import { WorkbenchError } from '../../src/core/errors';

let sessions: WorkbenchSession[] = [];
afterEach(() => {
  for (const s of sessions) s.dispose();
  sessions = [];
});

const CSV = 'y,g,vendor_score,other_score,logit\nyes,a,0.9,0.8,2\nno,b,0.1,0.1,-1\nyes,a,0.6,0.6,0.5\nno,b,0.3,0.2,-3\n';
const TARGET = { column: 'y', positive: 'yes' };

async function loaded() {
  const session = new WorkbenchSession();
  sessions.push(session);
  const ds = await session.loadCsv({ kind: 'bytes', bytes: new TextEncoder().encode(CSV), name: 'leads.csv' }, {});
  return { session, ds };
}

describe('a score column as the model, in the worker', () => {
  it('scores with the column, fingerprints the scores, and keeps the working model when a column is refused', async () => {
    const { session, ds } = await loaded();
    const m = await session.useScoreColumn(ds.id, 'vendor_score', 'score', TARGET);
    expect(m.format).toBe('scores');
    expect(m.can).toEqual({ explain: false, export: false });
    expect(m.manifest.model).toEqual({ format: 'scores', scoreColumn: 'vendor_score', scoreKind: 'score' });
    const scores = await session.audit.call(undefined, (api) => api.scores({ dataset: ds.id, model: m.id }));
    expect(Array.from(scores)).toEqual(Array.from(Float32Array.of(0.9, 0.1, 0.6, 0.3)));
    expect(m.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const again = await session.useScoreColumn(ds.id, 'vendor_score', 'score', TARGET);
    expect(again.fingerprint).toBe(m.fingerprint);
    const other = await session.useScoreColumn(ds.id, 'other_score', 'score', TARGET);
    expect(other.fingerprint).not.toBe(m.fingerprint);

    const err = await session.useScoreColumn(ds.id, 'logit', 'score', TARGET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).message).toContain("The score column 'logit' has 3 values outside [0, 1]");
    // the working model (other_score) is still there
    const still = await session.audit.call(undefined, (api) => api.scores({ dataset: ds.id, model: other.id }));
    expect(Array.from(still)).toEqual(Array.from(Float32Array.of(0.8, 0.1, 0.6, 0.2)));
  });

  it('is replayed into a worker restarted after an abort', async () => {
    const { session, ds } = await loaded();
    const m = await session.useScoreColumn(ds.id, 'vendor_score', 'score', TARGET);
    const controller = new AbortController();
    const job = session.audit.call(controller.signal, (api) => api.spin(30_000));
    setTimeout(() => controller.abort(), 100);
    await expect(job).rejects.toBeInstanceOf(AbortError);
    const scores = await session.audit.call(undefined, (api) => api.scores({ dataset: ds.id, model: m.id }));
    expect(Array.from(scores)).toEqual(Array.from(Float32Array.of(0.9, 0.1, 0.6, 0.3)));
  });
});
