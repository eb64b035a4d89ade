/**
 * What oversight keeps across reloads, in the browser's own IndexedDB (nothing leaves the
 * machine): the append-only decision log, the review queue's items and the appeals, each
 * under the fingerprint of the model they concern.
 *
 * The log is append-only by construction: `appendLog` reads the last entry and adds the next
 * one (core/oversight `appendEntry`: sequence number, previous hash, SHA-256 of the canonical
 * entry) in one read-write transaction, so two appends can never take the same place; there is
 * no call that edits or deletes an entry. Reviews and appeals are kept as their latest state;
 * every step that changed them is in the log.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { appendEntry, type Appeal, type LogEntry, type LogEntryInput, type ReviewItem } from '../core/oversight';

interface OversightSchema extends DBSchema {
  log: { key: number; value: LogEntry };
  reviews: { key: [string, string]; value: ReviewItem & { modelId: string; order: number }; indexes: { byModel: string } };
  appeals: { key: string; value: Appeal & { modelId: string }; indexes: { byModel: string } };
}

export const OVERSIGHT_DB = 'bias-workbench-oversight';
const VERSION = 1;

export class OversightStore {
  private constructor(private readonly db: IDBPDatabase<OversightSchema>) {}

  static async open(name = OVERSIGHT_DB): Promise<OversightStore> {
    const db = await openDB<OversightSchema>(name, VERSION, {
      upgrade(d) {
        d.createObjectStore('log', { keyPath: 'seq' });
        d.createObjectStore('reviews', { keyPath: ['modelId', 'leadId'] }).createIndex('byModel', 'modelId');
        d.createObjectStore('appeals', { keyPath: 'id' }).createIndex('byModel', 'modelId');
      },
    });
    return new OversightStore(db);
  }

  /** Append one entry after the last one, in one transaction; returns it as stored. */
  async appendLog(input: LogEntryInput, at: string = new Date().toISOString()): Promise<LogEntry> {
    const tx = this.db.transaction('log', 'readwrite');
    const cursor = await tx.store.openCursor(null, 'prev');
    const entry = appendEntry(cursor ? cursor.value : null, input, at);
    await tx.store.add(entry);
    await tx.done;
    return entry;
  }

  /** Every log entry, in sequence. */
  async log(): Promise<LogEntry[]> {
    return this.db.getAll('log');
  }

  /** Keep a queued item's latest state; `order` is its place in the queue (the queue is shown in that order). */
  async putReview(modelId: string, item: ReviewItem, order: number): Promise<void> {
    await this.db.put('reviews', { ...item, modelId, order });
  }

  /** The model's queued items, in queue order. */
  async reviews(modelId: string): Promise<ReviewItem[]> {
    const kept = await this.db.getAllFromIndex('reviews', 'byModel', modelId);
    return kept.sort((a, b) => a.order - b.order).map(({ modelId: _m, order: _o, ...item }) => item);
  }

  async putAppeal(modelId: string, appeal: Appeal): Promise<void> {
    await this.db.put('appeals', { ...appeal, modelId });
  }

  async appeals(modelId: string): Promise<Appeal[]> {
    return (await this.db.getAllFromIndex('appeals', 'byModel', modelId)).map(({ modelId: _m, ...a }) => a);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * This browser's pseudonymous actor name for the log ("reviewer-7c1e"): random, kept in local
 * storage, never tied to a person by the workbench.
 */
export function actorId(storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage): string {
  const key = 'bias-workbench.actor';
  let id = storage.getItem(key);
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(2));
    id = `reviewer-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    storage.setItem(key, id);
  }
  return id;
}
