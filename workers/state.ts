/**
 * Everything a workbench worker holds, in one place: the loaded datasets and models behind
 * their handles (ids chosen by the page, so they survive a worker restart), and every result
 * derived from them (scores, audit indexes, explanation backgrounds, held-out splits).
 *
 * Invalidation is by handle, not by string keys: a derived result is stored under the very
 * objects it was computed from (a dataset's current table, a model entry) in WeakMaps. When a
 * column is retyped the dataset gets a new table object, when a model is replaced or released
 * its entry goes, and everything derived from the old ones becomes unreachable at once;
 * nothing has to find and cut keys. Within one (table, model) pair, results that also depend
 * on options (roles, seeds, background specs) are kept in a small most-recent-first list.
 *
 * A dataset keeps the table as it was parsed (`original`): a type override is always applied
 * to the original column, so numeric → categorical → numeric gives back the parsed values
 * exactly and no retyping ever loses data.
 */
import { retypeColumn } from '../src/core/csv';
import { WorkbenchError } from '../src/core/errors';
import type { Manifest } from '../src/core/manifest';
import type { Scorer } from '../src/core/scorer';
import type { ColumnTable, ColumnType } from '../src/core/table';
import type { tf } from '../src/core/tf';

export interface ParseInfo {
  delimiter: string;
  header: boolean;
  warnings: string[];
  parseMs: number;
  /** SHA-256 hex of the file's bytes as read (identifies the data in a workshop with custom material) */
  contentHash: string;
}

export interface DatasetEntry {
  readonly id: string;
  readonly name: string;
  /** the table as parsed: type overrides always start from it */
  readonly original: ColumnTable;
  /** the table with the type overrides applied; a new object after every override */
  table: ColumnTable;
  /** column → type chosen by the user */
  readonly overrides: Map<string, ColumnType>;
  readonly parse: ParseInfo;
}

export interface ModelEntry<Summary = unknown> {
  readonly id: string;
  readonly summary: Summary & { manifest: Manifest };
  /** the Layers model, when the model is one (export and saving need it); null for ONNX, graph models and score columns */
  readonly layers: tf.LayersModel | null;
  readonly scorer: Scorer;
  /** frees what the model holds (tensors, an ONNX session) besides the scorer */
  readonly dispose: () => void;
}

/** Derived results held by one owner object, and the holders of longer owner chains. */
interface Holder {
  kinds: Map<string, [string, unknown][]>;
  next: WeakMap<object, Holder>;
}

/** How many option variants of one derived result are kept per (table, model). */
const VARIANTS = 4;

export class WorkerState<Summary = unknown> {
  private readonly datasets = new Map<string, DatasetEntry>();
  private readonly models = new Map<string, ModelEntry<Summary>>();
  /** owners (a chain of objects) → result kind → [options key, value], most recent first */
  private readonly root = new WeakMap<object, Holder>();

  putDataset(id: string, name: string, table: ColumnTable, parse: ParseInfo): DatasetEntry {
    const entry: DatasetEntry = { id, name, original: table, table, overrides: new Map(), parse };
    this.datasets.set(id, entry);
    return entry;
  }

  dataset(id: string): DatasetEntry {
    const d = this.datasets.get(id);
    if (!d) throw new WorkbenchError('internal', `dataset ${id} is not loaded in this worker`, 'Load the dataset again.');
    return d;
  }

  /**
   * Override a column's type, from the column as parsed; returns how many of the parsed
   * column's values the new type cannot hold (they read as missing until the type changes
   * back, and nothing is lost: the parsed column is kept).
   */
  retype(id: string, column: string, type: ColumnType): { lostValues: number } {
    const d = this.dataset(id);
    const idx = d.original.columns.findIndex((c) => c.name === column);
    if (idx < 0) {
      throw new WorkbenchError('roles-invalid', `There is no column named '${column}' in ${d.name}.`, 'Choose one of the columns listed in the data panel.');
    }
    const parsed = d.original.columns[idx];
    const { column: next, lostValues } = retypeColumn(parsed, type);
    const columns = d.table.columns.slice();
    columns[idx] = next;
    if (type === parsed.type) d.overrides.delete(column);
    else d.overrides.set(column, type);
    d.table = { nRows: d.table.nRows, columns }; // a new object: results derived from the old table are dropped
    return { lostValues };
  }

  putModel(entry: ModelEntry<Summary>): void {
    this.disposeModel(entry.id);
    this.models.set(entry.id, entry);
  }

  model(id: string): ModelEntry<Summary> {
    const m = this.models.get(id);
    if (!m) throw new WorkbenchError('internal', `model ${id} is not loaded in this worker`, 'Load the model again.');
    return m;
  }

  hasModel(id: string): boolean {
    return this.models.has(id);
  }

  /** Forget a dataset or a model (and, through the WeakMaps, all that was derived from it). */
  release(id: string): void {
    this.datasets.delete(id);
    this.disposeModel(id);
  }

  private disposeModel(id: string): void {
    const m = this.models.get(id);
    if (!m) return;
    m.scorer.dispose();
    m.dispose();
    this.models.delete(id);
  }

  /**
   * A result derived from `owners` (e.g. [table, model entry]) and an options `key`, computed
   * by `make` on the first call and kept while every owner is alive. Promises are kept too,
   * so two concurrent calls share one computation; a failed computation is not kept.
   */
  memo<T>(owners: readonly object[], kind: string, key: string, make: () => T): T {
    const list = this.variants(owners, kind);
    const hit = list.find(([k]) => k === key);
    if (hit) {
      // most recent first
      list.splice(list.indexOf(hit), 1);
      list.unshift(hit);
      return hit[1] as T;
    }
    const value = make();
    list.unshift([key, value]);
    if (list.length > VARIANTS) list.length = VARIANTS;
    if (value instanceof Promise) {
      value.catch(() => {
        const i = list.findIndex(([k, v]) => k === key && v === value);
        if (i >= 0) list.splice(i, 1);
      });
    }
    return value;
  }

  private variants(owners: readonly object[], kind: string): [string, unknown][] {
    if (owners.length === 0) throw new WorkbenchError('internal', 'memo needs at least one owner');
    let map = this.root;
    let holder: Holder | undefined;
    for (const owner of owners) {
      holder = map.get(owner);
      if (!holder) map.set(owner, (holder = { kinds: new Map(), next: new WeakMap() }));
      map = holder.next;
    }
    let list = holder!.kinds.get(kind);
    if (!list) holder!.kinds.set(kind, (list = []));
    return list;
  }
}
