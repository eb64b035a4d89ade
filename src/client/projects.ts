/**
 * Projects in the browser: the current project saved to IndexedDB as it changes (debounced),
 * listed with their size, opened and deleted; nothing leaves the machine.
 *
 * Three stores: `projects` (the document, its name, time and size: what the list reads),
 * `data` (the dataset's bytes) and `models` (the model's files). The bytes are written only
 * when they change (a new dataset or model), so saving a moved threshold writes a few
 * kilobytes, not the CSV again.
 *
 * Storage can be refused (no IndexedDB, a private window, storage blocked) or full: each gives
 * a Problem that says so plainly, and the page keeps working without saving.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { WorkbenchError, type Problem } from '../core/errors';
import { PROJECT_FORMAT, projectSize, type Project, type ProjectBundle } from '../core/project';
import type { DataSource } from '../../workers/workbench.worker';
import type { ProjectApi } from '../../workers/project.worker';
import { WorkerBridge } from './bridge';

export const PROJECTS_DB = 'bias-workbench-projects';
const VERSION = 1;

/** A project as the list shows it. */
export interface ProjectListing {
  id: string;
  name: string;
  updated: string;
  /** bytes it takes: document, data and model files */
  size: number;
}

type ModelBytes = { name: string; data: Uint8Array }[];

interface ProjectsSchema extends DBSchema {
  /** `stored`: the byte counts of the data and model files kept, so a save that keeps them need not read them back */
  projects: { key: string; value: ProjectListing & { project: Project; stored?: { data: number; model: number; monitor?: number } } };
  /**
   * `bytes` is kept as a Blob: IndexedDB clones a typed array on the page's thread when it is
   * written and again when it is read (100 MB: about 150 ms each on a quiet machine, seconds under
   * load), while a Blob's bytes are stored and read off that thread. Records written before hold
   * a Uint8Array; both are read.
   */
  data: { key: string; value: { id: string; hash: string; bytes: Uint8Array | Blob } };
  models: { key: string; value: { id: string; key: string; files: ModelBytes } };
}

/** What a save writes: the document always; the bytes only when `changed`. */
export interface ProjectWrite {
  project: Project;
  /** the dataset's bytes and their hash; undefined leaves the stored bytes as they are */
  data?: { hash: string; bytes: Uint8Array } | null;
  /** the model's files and a key naming them; undefined leaves the stored files as they are */
  model?: { key: string; files: ModelBytes } | null;
  /** the Monitor tab's current data and its hash; undefined leaves the stored bytes as they are */
  monitorData?: { hash: string; bytes: Uint8Array } | null;
}

/** The key of a project's Monitor data in the `data` store (beside the dataset's, under the project's id). */
const monitorKey = (id: string) => `${id}#monitor`;

const DENIED = 'This browser does not let the page keep projects (a private window, or site storage blocked), so this work will not be back after a reload.';
const DENIED_HINT = 'Everything else works. Use "Save project" to keep it as a file.';

/** The plain-words problem for a storage failure: full, denied, or something else. */
export function storageProblem(e: unknown, size?: number): Problem {
  const name = e && typeof e === 'object' && 'name' in e ? String((e as { name: unknown }).name) : '';
  if (name === 'QuotaExceededError' || /quota/i.test(String((e as Error | undefined)?.message ?? ''))) {
    return {
      code: 'storage-unavailable',
      message: `The browser's storage for this page is full: this project${size ? ` (${sizeText(size)})` : ''} was not saved.`,
      hint: 'Delete a project you no longer need from the list, or use "Save project" to keep it as a file.',
    };
  }
  if (e instanceof WorkbenchError && e.code === 'storage-unavailable') return e.toProblem();
  if (name === 'SecurityError' || name === 'InvalidStateError' || name === 'NotAllowedError' || name === 'UnknownError') return { code: 'storage-unavailable', message: DENIED, hint: DENIED_HINT };
  return { code: 'storage-unavailable', message: `The project could not be saved in this browser: ${(e as Error | undefined)?.message ?? String(e)}.`, hint: DENIED_HINT };
}

/** A size as people read it: 812 B, 4.6 MB (powers of 1000). */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

const filesBytes = (files: ModelBytes): number => files.reduce((a, f) => a + f.data.length, 0);
const storedSize = (b: Uint8Array | Blob | undefined): number => (b instanceof Blob ? b.size : (b?.length ?? 0));
const storedBytes = async (b: Uint8Array | Blob): Promise<Uint8Array> => (b instanceof Blob ? new Uint8Array(await b.arrayBuffer()) : b);
/** Bytes copied into a Blob per slice of this size, one slice per task. */
const BLOB_SLICE = 8 * 1024 * 1024;

/**
 * The bytes as a Blob (see the `data` store), built from slices, one per task: copying 100 MB at
 * once would itself hold the page's thread for a long task. A Blob of Blobs copies nothing more.
 */
async function blobOf(bytes: Uint8Array): Promise<Blob> {
  const parts: Blob[] = [];
  for (let at = 0; at < bytes.length; at += BLOB_SLICE) {
    if (at > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    parts.push(new Blob([bytes.subarray(at, at + BLOB_SLICE) as BlobPart]));
  }
  return new Blob(parts);
}

/** A data record as written: its bytes as a Blob, built before the transaction opens (it would not wait across tasks). */
async function dataRecord(id: string, d: { hash: string; bytes: Uint8Array } | null | undefined): Promise<{ id: string; hash: string; bytes: Blob } | null> {
  return d ? { id, hash: d.hash, bytes: await blobOf(d.bytes) } : null;
}

export class ProjectStore {
  private constructor(private readonly db: IDBPDatabase<ProjectsSchema>) {}

  /** Open the store; throws 'storage-unavailable' when the browser gives the page no IndexedDB. */
  static async open(name = PROJECTS_DB): Promise<ProjectStore> {
    if (typeof indexedDB === 'undefined') throw new WorkbenchError('storage-unavailable', DENIED, DENIED_HINT);
    try {
      const db = await openDB<ProjectsSchema>(name, VERSION, {
        upgrade(d) {
          d.createObjectStore('projects', { keyPath: 'id' });
          d.createObjectStore('data', { keyPath: 'id' });
          d.createObjectStore('models', { keyPath: 'id' });
        },
      });
      return new ProjectStore(db);
    } catch (e) {
      throw new WorkbenchError('storage-unavailable', DENIED, DENIED_HINT + ` (${(e as Error).message ?? e})`);
    }
  }

  /** Every project, the most recently changed first. */
  async list(): Promise<ProjectListing[]> {
    const all = await this.db.getAll('projects');
    return all.map(({ id, name, updated, size }) => ({ id, name, updated, size })).sort((a, b) => b.updated.localeCompare(a.updated));
  }

  /** Write a project in one transaction (so a full disk leaves the previous save whole); returns its size. */
  async save(w: ProjectWrite): Promise<number> {
    const id = w.project.id;
    const dataRow = await dataRecord(id, w.data);
    const monitorRow = await dataRecord(monitorKey(id), w.monitorData);
    const tx = this.db.transaction(['projects', 'data', 'models'], 'readwrite');
    // bytes kept from an earlier save are counted from its record, not read back: reading a
    // 100 MB dataset out of IndexedDB on every save would stall the page each time
    const kept = (await tx.objectStore('projects').get(id))?.stored;
    const dataBytes = w.data !== undefined ? (w.data?.bytes.length ?? 0) : (kept?.data ?? storedSize((await tx.objectStore('data').get(id))?.bytes));
    const modelBytes = w.model !== undefined ? filesBytes(w.model?.files ?? []) : (kept?.model ?? filesBytes((await tx.objectStore('models').get(id))?.files ?? []));
    const monitorBytes = w.monitorData !== undefined ? (w.monitorData?.bytes.length ?? 0) : (kept?.monitor ?? storedSize((await tx.objectStore('data').get(monitorKey(id)))?.bytes));
    if (w.data !== undefined) await (dataRow ? tx.objectStore('data').put(dataRow) : tx.objectStore('data').delete(id));
    if (w.monitorData !== undefined) await (monitorRow ? tx.objectStore('data').put(monitorRow) : tx.objectStore('data').delete(monitorKey(id)));
    if (w.model !== undefined) await (w.model ? tx.objectStore('models').put({ id, ...w.model }) : tx.objectStore('models').delete(id));
    const size = projectSize({ project: w.project, data: null, modelFiles: [] }) + dataBytes + modelBytes + monitorBytes;
    await tx.objectStore('projects').put({ id, name: w.project.name, updated: w.project.updated, size, stored: { data: dataBytes, model: modelBytes, monitor: monitorBytes }, project: w.project });
    await tx.done;
    return size;
  }

  /** A project with its bytes; null when there is none with that id. */
  async load(id: string): Promise<(ProjectBundle & { dataHash: string | null; modelKey: string | null; monitorHash: string | null }) | null> {
    const kept = await this.db.get('projects', id);
    if (!kept) return null;
    const [data, model, monitor] = await Promise.all([this.db.get('data', id), this.db.get('models', id), this.db.get('data', monitorKey(id))]);
    return { project: kept.project, data: data ? await storedBytes(data.bytes) : null, modelFiles: model?.files ?? [], monitorData: monitor ? await storedBytes(monitor.bytes) : null, dataHash: data?.hash ?? null, modelKey: model?.key ?? null, monitorHash: monitor?.hash ?? null };
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['projects', 'data', 'models'], 'readwrite');
    await Promise.all([tx.objectStore('projects').delete(id), tx.objectStore('data').delete(id), tx.objectStore('data').delete(monitorKey(id)), tx.objectStore('models').delete(id), tx.done]);
  }

  close(): void {
    this.db.close();
  }
}

/** The bytes of a loaded CSV's source (a file, bytes, or a same-origin URL such as a demo's). */
export async function sourceBytes(source: DataSource): Promise<Uint8Array> {
  switch (source.kind) {
    case 'bytes':
      return source.bytes;
    case 'file':
      return new Uint8Array(await source.file.arrayBuffer());
    case 'url': {
      const res = await fetch(source.url);
      if (!res.ok) throw new Error(`could not read ${source.name} again (HTTP ${res.status})`);
      return new Uint8Array(await res.arrayBuffer());
    }
  }
}

/** A new project's identity. */
export function newProjectMeta(name: string, now = new Date()): Pick<Project, 'format' | 'id' | 'name' | 'created' | 'updated'> {
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  const at = now.toISOString();
  return { format: PROJECT_FORMAT, id: `p-${rand}`, name, created: at, updated: at };
}

export type SaveStatus =
  | { state: 'off' }
  | { state: 'saving' }
  | { state: 'saved'; at: string; size: number }
  | { state: 'failed'; problem: Problem };

/**
 * Saves the current project a moment after it last changed (`delayMs`), one save at a time.
 * `collect` reads the page's state when the save runs (not when it was asked for), so a burst
 * of changes makes one save of the last state. A failed save is reported, never thrown.
 */
export class ProjectAutosave {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Promise<ProjectStore>,
    private readonly collect: () => Promise<ProjectWrite | null>,
    private readonly onStatus: (s: SaveStatus) => void,
    private readonly delayMs = 600,
  ) {}

  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Save now (and wait for it). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.chain = this.chain.then(() => this.saveOnce());
    return this.chain;
  }

  private async saveOnce(): Promise<void> {
    let size: number | undefined;
    try {
      const store = await this.store;
      const w = await this.collect();
      if (!w) return;
      this.onStatus({ state: 'saving' });
      size = w.data?.bytes.length;
      size = await store.save(w);
      this.onStatus({ state: 'saved', at: w.project.updated, size });
    } catch (e) {
      this.onStatus({ state: 'failed', problem: storageProblem(e, size) });
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

/**
 * The project-file worker (workers/project.worker.ts): zips written and read, hashes and the
 * data's anonymisation run there, never on the page's main thread. Started on first use.
 */
export function createProjectFiles(): WorkerBridge<ProjectApi> {
  return new WorkerBridge<ProjectApi>(() => new Worker(new URL('../../workers/project.worker.ts', import.meta.url), { type: 'module', name: 'bias-workbench-projects' }));
}
