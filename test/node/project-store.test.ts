/**
 * Projects kept in IndexedDB (fake-indexeddb in Node): saved with their bytes, listed with
 * their size, the bytes left as they are when a save does not pass them, deleted; a full or
 * refused storage gives a plain message; the autosave makes one save of the last state.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { strToU8 } from 'fflate';
import { ProjectAutosave, ProjectStore, newProjectMeta, sizeText, storageProblem, type SaveStatus } from '../../src/client/projects';
import { projectSize, type Project } from '../../src/core/project';

let n = 0;
const fresh = () => `projects-test-${++n}`;

function doc(name: string, updated: string): Project {
  return { ...newProjectMeta(name, new Date(updated)), dataset: { name: 'a.csv', contentHash: 'h1', nRows: 2, overrides: {} }, model: null, roles: null, attribute: null, decision: { rule: 'threshold', threshold: 0.5 } };
}

describe('ProjectStore', () => {
  it('keeps a project with its bytes, lists it with its size, and deletes it', async () => {
    const store = await ProjectStore.open(fresh());
    const p = doc('bank', '2026-01-01T00:00:00Z');
    const data = strToU8('a,b\n1,2\n');
    const files = [{ name: 'model.json', data: new Uint8Array(10) }];
    const size = await store.save({ project: p, data: { hash: 'h1', bytes: data }, model: { key: 'm1', files } });
    expect(size).toBe(projectSize({ project: p, data, modelFiles: files }));
    const later = { ...doc('crm', '2026-02-01T00:00:00Z') };
    await store.save({ project: later, data: null, model: null });
    expect((await store.list()).map((l) => l.name)).toEqual(['crm', 'bank']);
    // a save without bytes keeps the stored ones
    const moved: Project = { ...p, decision: { rule: 'top-k', k: 5 } };
    await store.save({ project: moved });
    const back = await store.load(p.id);
    expect(back?.data).toEqual(data);
    expect(back?.modelFiles[0].data.length).toBe(10);
    expect(back?.dataHash).toBe('h1');
    expect(back?.modelKey).toBe('m1');
    expect(back?.project.decision).toEqual({ rule: 'top-k', k: 5 });
    expect((await store.list()).find((l) => l.id === p.id)?.size).toBe(projectSize({ project: moved, data, modelFiles: files }));
    await store.delete(p.id);
    expect(await store.load(p.id)).toBeNull();
    expect((await store.list()).map((l) => l.name)).toEqual(['crm']);
    store.close();
  });

  it('a save that keeps the stored bytes counts them without reading them back', async () => {
    const store = await ProjectStore.open(fresh());
    const p = doc('bank', '2026-01-01T00:00:00Z');
    const data = new Uint8Array(5000);
    const files = [{ name: 'model.json', data: new Uint8Array(10) }];
    await store.save({ project: p, data: { hash: 'h1', bytes: data }, model: { key: 'm1', files } });
    const reads: string[] = [];
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      reads.push(this.name);
      return get.call(this, key);
    };
    try {
      const moved: Project = { ...p, decision: { rule: 'top-k', k: 5 } };
      const size = await store.save({ project: moved });
      expect(size).toBe(projectSize({ project: moved, data, modelFiles: files }));
      expect(reads).toEqual(['projects']);
    } finally {
      IDBObjectStore.prototype.get = get;
    }
    store.close();
  });
});

describe('ProjectStore bytes', () => {
  it('writes the data as a Blob (stored off the page thread) and reads it back as bytes', async () => {
    const store = await ProjectStore.open(fresh());
    const p = doc('bank', '2026-01-01T00:00:00Z');
    const data = strToU8('a,b\n1,2\n');
    const written: unknown[] = [];
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'data') written.push((value as { bytes: unknown }).bytes);
      return put.call(this, value, key);
    };
    try {
      const size = await store.save({ project: p, data: { hash: 'h1', bytes: data }, model: null });
      expect(size).toBe(projectSize({ project: p, data, modelFiles: [] }));
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(written.map((b) => b instanceof Blob)).toEqual([true]);
    const back = await store.load(p.id);
    expect(back?.data).toEqual(data);
    // bytes over several slices (8 MiB each) come back whole and in order
    const big = new Uint8Array(2 * 8 * 1024 * 1024 + 5).map((_, i) => (i * 31) & 255);
    const q = doc('big', '2026-01-02T00:00:00Z');
    await store.save({ project: q, data: { hash: 'h2', bytes: big } });
    expect(Buffer.from((await store.load(q.id))!.data!).equals(Buffer.from(big))).toBe(true);
    // a later save that keeps the bytes still counts them
    expect(await store.save({ project: { ...p, decision: { rule: 'top-k', k: 3 } } })).toBe(projectSize({ project: { ...p, decision: { rule: 'top-k', k: 3 } }, data, modelFiles: [] }));
    store.close();
  });
});

describe('storage problems', () => {
  it('says plainly when storage is full, naming the size', () => {
    const p = storageProblem(new DOMException('quota', 'QuotaExceededError'), 4_600_000);
    expect(p.code).toBe('storage-unavailable');
    expect(p.message).toBe("The browser's storage for this page is full: this project (4.6 MB) was not saved.");
    expect(p.hint).toContain('Save project');
  });

  it('says plainly when storage is refused', () => {
    expect(storageProblem(new DOMException('no', 'SecurityError')).message).toContain('does not let the page keep projects');
  });

  it('writes sizes as people read them', () => {
    expect([812, 4_600_000, 12_345].map(sizeText)).toEqual(['812 B', '4.6 MB', '12 kB']);
  });
});

describe('ProjectAutosave', () => {
  it('makes one save of the last state after a burst of changes, and reports it', async () => {
    const store = ProjectStore.open(fresh());
    let state = 0;
    let collected = 0;
    const statuses: SaveStatus[] = [];
    const p = doc('bank', '2026-01-01T00:00:00Z');
    const auto = new ProjectAutosave(
      store,
      async () => {
        collected++;
        return { project: { ...p, decision: { rule: 'threshold', threshold: state / 10 } } };
      },
      (s) => statuses.push(s),
      20,
    );
    for (state = 1; state <= 5; state++) auto.schedule();
    state = 5;
    await new Promise((r) => setTimeout(r, 80));
    await auto.flush();
    expect(collected).toBe(2); // the debounced one, and the flush
    expect((await (await store).load(p.id))?.project.decision).toEqual({ rule: 'threshold', threshold: 0.5 });
    expect(statuses.filter((s) => s.state === 'saved').length).toBe(2);
  });

  it('reports a refused store and does not throw', async () => {
    const statuses: SaveStatus[] = [];
    const refused = Promise.reject(new DOMException('blocked', 'SecurityError'));
    const auto = new ProjectAutosave(refused as Promise<ProjectStore>, async () => null, (s) => statuses.push(s), 1);
    await auto.flush();
    expect(statuses).toEqual([{ state: 'failed', problem: expect.objectContaining({ code: 'storage-unavailable' }) }]);
  });
});
