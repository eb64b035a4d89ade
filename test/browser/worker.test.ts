/**
 * Real headless Chromium: the worker round trip, abort then retry, the wasm backend, and a
 * real tfjs model scoring the bank demo inside the worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkbenchBridge, type WorkbenchBridge } from '../../src/client/workbench';
import { AbortError, isAbortError } from '../../src/client/bridge';
import { WorkbenchSession } from '../../src/client/session';
import { WorkbenchError } from '../../src/core/errors';

let bridges: { dispose(): void }[] = [];
afterEach(() => {
  for (const b of bridges) b.dispose();
  bridges = [];
});

function bridge(): WorkbenchBridge {
  const b = createWorkbenchBridge();
  bridges.push(b);
  return b;
}

async function bytes(path: string): Promise<ArrayBuffer> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

describe('workbench worker in Chromium', () => {
  it('runs tfjs on the wasm backend with SIMD inside the worker', async () => {
    const b = bridge();
    const info = await b.call(undefined, (api) => api.backend());
    expect(info.backend).toBe('wasm');
    expect(info.simd).toBe(true);
  });

  it('round-trips a CSV through the worker into a typed table', async () => {
    const b = bridge();
    const csv = new TextEncoder().encode('\uFEFFa;b;y\n1;"x;1";yes\n2;z;no\n;z;no\n');
    const summary = await b.call(undefined, (api) => api.loadCsv({ id: 'd1', source: { kind: 'bytes', bytes: csv, name: 't.csv' } }));
    expect(summary.nRows).toBe(3);
    expect(summary.delimiter).toBe(';');
    expect(summary.columns.map((c) => c.name)).toEqual(['a', 'b', 'y']);
    expect(summary.columns[0].type).toBe('numeric');
    expect(summary.columns[0].missing).toBe(1);
  });

  it('aborts a running job by terminating the worker, then a retry starts a fresh worker', async () => {
    const b = bridge();
    await b.call(undefined, (api) => api.backend());
    const controller = new AbortController();
    const job = b.call(controller.signal, (api) => api.spin(30_000));
    setTimeout(() => controller.abort(), 200);
    // spin(30 s) would resolve if the abort did not terminate it: rejecting is the proof, no clock needed
    await expect(job).rejects.toBeInstanceOf(AbortError);
    const info = await b.call(undefined, (api) => api.backend());
    expect(info.backend).toBe('wasm');
    expect(b.starts).toBe(2);
  });

  it('returns a clear problem for bad input and keeps working', async () => {
    const b = bridge();
    const err = await b
      .call(undefined, (api) => api.loadCsv({ id: 'd1', source: { kind: 'bytes', bytes: new Uint8Array(0), name: 'empty.csv' } }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('csv-empty');
    const ok = await b.call(undefined, (api) =>
      api.loadCsv({ id: 'd2', source: { kind: 'bytes', bytes: new TextEncoder().encode('x,y\n1,a\n'), name: 'ok.csv' } }),
    );
    expect(ok.nRows).toBe(1);
  });

  it('scores the bank demo with the demo model in the worker, without leaking tensors', async () => {
    const session = new WorkbenchSession();
    bridges.push(session);
    const ds = await session.loadCsv({ kind: 'url', url: new URL('/demo/bank/bank-full.csv', location.href).href, name: 'bank-full.csv' }, {});
    expect(ds.nRows).toBe(45211);
    const manifest = JSON.parse(new TextDecoder().decode(await bytes('/demo/bank/model.manifest.json')));
    const model = await session.loadModel(
      [
        { name: 'model.json', data: await bytes('/demo/bank/model.json') },
        { name: 'model.weights.bin', data: await bytes('/demo/bank/model.weights.bin') },
      ],
      manifest,
      'demo',
    );
    const before = await session.audit.call(undefined, (api) => api.tensorCount());
    const scored = await session.audit.call(undefined, (api) => api.score({ dataset: ds.id, model: model.id }));
    expect(scored.rows).toBe(45211);
    const after = await session.audit.call(undefined, (api) => api.tensorCount());
    expect(after).toBe(before);
    const roles = { ...ds.suggestedRoles, target: { column: 'y', positive: 'yes' }, protected: [{ column: 'age', cuts: [25, 40, 60] }] };
    const options = { decision: { rule: 'threshold' as const, threshold: 0.5 }, intersections: false };
    const audit = await session.audit.call(undefined, (api) => api.audit({ dataset: ds.id, model: model.id, roles, ...options }));
    expect(audit.attributes[0].groups.map((g) => g.level)).toEqual(['<25', '25–39', '40–59', '60+']);
    expect(audit.attributes[0].groups.map((g) => g.count)).toEqual([809, 22553, 20065, 1784]);

    // cancel a job: the session replays what was loaded into the fresh worker, nothing is lost
    const controller = new AbortController();
    const spin = session.audit.call(controller.signal, (api) => api.spin(30_000));
    setTimeout(() => controller.abort(), 100);
    await expect(spin).rejects.toSatisfy(isAbortError);
    const again = await session.audit.call(undefined, (api) => api.audit({ dataset: ds.id, model: model.id, roles, ...options }));
    expect(again.attributes[0].groups.map((g) => g.count)).toEqual([809, 22553, 20065, 1784]);
    expect(session.audit.starts).toBe(2);
  });

  it('retypes a column and back without losing a value (from the column as parsed)', async () => {
    const b = bridge();
    const csv = new TextEncoder().encode('code,y\n0101,yes\n7,no\nabc,no\n12.5,yes\n');
    const loaded = await b.call(undefined, (api) => api.loadCsv({ id: 'd1', source: { kind: 'bytes', bytes: csv, name: 'codes.csv' } }));
    expect(loaded.columns[0].type).toBe('categorical');
    const asNumbers = await b.call(undefined, (api) => api.retype({ dataset: 'd1', column: 'code', type: 'numeric' }));
    expect(asNumbers.lostValues).toBe(1); // 'abc' reads as missing while numeric
    expect(asNumbers.summary.overrides).toEqual({ code: 'numeric' });
    const back = await b.call(undefined, (api) => api.retype({ dataset: 'd1', column: 'code', type: 'categorical' }));
    expect(back.lostValues).toBe(0);
    expect(back.summary.overrides).toEqual({});
    // the parsed texts are all back, '0101' included (a numeric round trip would have made it '101')
    expect(back.summary.columns[0].top?.map((t) => t.value).sort()).toEqual(['0101', '12.5', '7', 'abc']);
    expect(back.summary.columns[0].missing).toBe(0);
  });

  it('refuses a model whose columns the data lacks and keeps the working model', async () => {
    const session = new WorkbenchSession();
    bridges.push(session);
    const ds = await session.loadCsv({ kind: 'url', url: new URL('/demo/bank/bank-full.csv', location.href).href, name: 'bank-full.csv' }, {});
    const files = [
      { name: 'model.json', data: await bytes('/demo/bank/model.json') },
      { name: 'model.weights.bin', data: await bytes('/demo/bank/model.weights.bin') },
    ];
    const manifest = JSON.parse(new TextDecoder().decode(await bytes('/demo/bank/model.manifest.json')));
    const good = await session.loadModel(files, manifest, 'demo', { fitDataset: ds.id });
    const renamed = { ...manifest, features: manifest.features.map((f: { column: string }, i: number) => (i === 0 ? { ...f, column: 'not_in_the_data' } : f)) };
    const err = await session.loadModel(files, renamed, 'wrong', { fitDataset: ds.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('manifest-missing-column');
    expect((err as WorkbenchError).message).toContain('not_in_the_data');
    // the working model still scores, in this worker and in a restarted one (the record kept it)
    const scored = await session.audit.call(undefined, (api) => api.score({ dataset: ds.id, model: good.id }));
    expect(scored.rows).toBe(45211);
    session.audit.abort();
    const again = await session.audit.call(undefined, (api) => api.score({ dataset: ds.id, model: good.id }));
    expect(again.rows).toBe(45211);
  });

  it('says what the numbers rest on: imputed values, a third target value, and the audit JSON the CLI writes', async () => {
    const session = new WorkbenchSession();
    bridges.push(session);
    const text = new TextDecoder().decode(await bytes('/demo/bank/bank-full.csv'));
    const lines = text.split('\n').slice(0, 301);
    // blank the balance (6th column) of 7 rows and give 5 rows a third outcome
    for (let i = 1; i <= 7; i++) {
      const f = lines[i].split(';');
      f[5] = '';
      lines[i] = f.join(';');
    }
    for (let i = 10; i < 15; i++) lines[i] = lines[i].replace(/"(yes|no)"$/, '"maybe"');
    const ds = await session.loadCsv({ kind: 'bytes', bytes: new TextEncoder().encode(lines.join('\n')), name: 'bank-300.csv' }, {});
    const manifest = JSON.parse(new TextDecoder().decode(await bytes('/demo/bank/model.manifest.json')));
    const model = await session.loadModel(
      [
        { name: 'model.json', data: await bytes('/demo/bank/model.json') },
        { name: 'model.weights.bin', data: await bytes('/demo/bank/model.weights.bin') },
      ],
      manifest,
      'demo',
      { fitDataset: ds.id },
    );
    const roles = { ...ds.suggestedRoles, target: { column: 'y', positive: 'yes' }, protected: [{ column: 'age', cuts: [25, 40, 60] }] };
    const notes = await session.audit.call(undefined, (api) => api.inputNotes({ dataset: ds.id, model: model.id, roles }));
    const text2 = notes.map((n) => n.message).join('\n');
    expect(text2).toMatch(/balance/);
    expect(text2).toMatch(/7 rows/);
    expect(text2).toMatch(/maybe/);
    const report = await session.audit.call(undefined, (api) => api.auditReport({ dataset: ds.id, model: model.id, roles, decision: { rule: 'threshold', threshold: 0.5 }, intersections: false }));
    expect(report.rows).toBe(300);
    expect(report.notes.map((n) => n.message).join('\n')).toMatch(/maybe/);
    expect(report.attributes[0].name).toBe('age');
  });
});
