/**
 * Manifest v1: the contract between a model and a table. It says which column is the target
 * (and which of its values is the positive class), which columns feed the model, how each one
 * is encoded into the model's input row, what the model emits, and the decision threshold.
 * Users write it by hand or export it from Python; `trainModel` writes one too.
 * The full contract, with examples, is in docs/model-manifest.md.
 *
 * Encoding (row-major Float32Array, one row per table row):
 * - numeric → (value − mean) / std   (mean 0, std 1 when absent; missing → 0, i.e. the mean)
 * - categorical → one-hot over `categories` in the order given (unknown or missing → all zeros)
 * - width = Σ (1 per numeric feature, #categories per categorical feature)
 *
 * `validateManifest` returns a normalised copy: `mean`/`std` filled in (0/1), `threshold`
 * defaulted to 0.5, `target.positive` turned into a string.
 */
import { WorkbenchError } from './errors';
import type { CategoricalColumn, Column, ColumnTable } from './table';

export const MANIFEST_FORMAT = 'bias-workbench.manifest/1';

export interface NumericFeature {
  column: string;
  kind: 'numeric';
  /** subtracted before dividing by `std`; 0 when absent */
  mean?: number;
  /** > 0; 1 when absent */
  std?: number;
}

export interface CategoricalFeature {
  column: string;
  kind: 'categorical';
  /** one input per category, in this order; a value not listed (or missing) encodes as all zeros */
  categories: string[];
}

export type ManifestFeature = NumericFeature | CategoricalFeature;

/** A column the audit should offer as a protected attribute. `cuts` bins a numeric column. */
export interface ProtectedAttribute {
  column: string;
  /** strictly increasing bin edges for a numeric column, e.g. [25, 40, 60] → <25, 25–40, 40–60, ≥60 */
  cuts?: number[];
  /** display name */
  label?: string;
}

/** Where the model came from. Every field optional; unknown fields are kept. */
export interface TrainingProvenance {
  algorithm?: string;
  library?: string;
  seed?: number;
  split?: Record<string, unknown>;
  metrics?: Record<string, number | null>;
  /** ISO 8601 */
  date?: string;
  [key: string]: unknown;
}

/** Reserved for post-processing mitigation: a per-group threshold on one column. */
export interface GroupThresholds {
  column: string;
  /** group label → threshold in (0, 1); groups not listed use `threshold` */
  thresholds: Record<string, number>;
  cuts?: number[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  name?: string;
  description?: string;
  target: { column: string; positive: string };
  features: ManifestFeature[];
  /** 'probability': the model emits P(positive); 'logit': it emits log-odds and we apply a sigmoid */
  output: 'probability' | 'logit';
  /** a row is predicted positive when P(positive) ≥ threshold; in (0, 1), default 0.5 */
  threshold: number;
  protected?: ProtectedAttribute[];
  training?: TrainingProvenance;
  groupThresholds?: GroupThresholds[];
}

const HINT_SCHEMA = 'See docs/model-manifest.md for the manifest format, or export it again from your training code.';

const TOP_KEYS = new Set(['format', 'name', 'description', 'target', 'features', 'output', 'threshold', 'protected', 'training', 'groupThresholds']);
const FEATURE_KEYS: Record<string, Set<string>> = {
  numeric: new Set(['column', 'kind', 'mean', 'std']),
  categorical: new Set(['column', 'kind', 'categories']),
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isExtensionKey(k: string): boolean {
  return k.startsWith('x-') || k.startsWith('_');
}
function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Checks a parsed manifest.json and returns a normalised copy. Throws
 * WorkbenchError('manifest-invalid') whose message names the path of every problem found
 * (the first three), e.g. `features[3].categories must be a non-empty array of strings`.
 * Unknown fields are rejected (to catch typos like "treshold") except ones starting with
 * `x-` or `_`, which are ignored and dropped.
 */
export function validateManifest(json: unknown): Manifest {
  const problems: string[] = [];
  const bad = (msg: string): void => {
    problems.push(msg);
  };

  if (!isObject(json)) {
    throw new WorkbenchError('manifest-invalid', `the manifest must be a JSON object, not ${Array.isArray(json) ? 'an array' : show(json)}`, HINT_SCHEMA);
  }

  // format first: a wrong format makes every other message noise.
  if (json.format === undefined) {
    throw new WorkbenchError('manifest-invalid', `format is missing: expected "${MANIFEST_FORMAT}"`,
      `Add "format": "${MANIFEST_FORMAT}" at the top of the manifest. ${HINT_SCHEMA}`);
  }
  if (json.format !== MANIFEST_FORMAT) {
    throw new WorkbenchError('manifest-invalid', `format ${show(json.format)} is not supported: this version reads "${MANIFEST_FORMAT}"`,
      `Write "format": "${MANIFEST_FORMAT}" and check the fields against docs/model-manifest.md.`);
  }

  for (const k of Object.keys(json)) {
    if (!TOP_KEYS.has(k) && !isExtensionKey(k)) bad(`unknown field "${k}"${suggest(k, TOP_KEYS)}`);
  }

  const out: Manifest = {
    format: MANIFEST_FORMAT,
    target: { column: '', positive: '' },
    features: [],
    output: 'probability',
    threshold: 0.5,
  };

  for (const k of ['name', 'description'] as const) {
    if (json[k] !== undefined) {
      if (typeof json[k] !== 'string') bad(`${k} must be a string`);
      else out[k] = json[k] as string;
    }
  }

  // target
  const target = json.target;
  if (target === undefined) bad('target is missing: expected {"column": ..., "positive": ...}');
  else if (!isObject(target)) bad('target must be an object {"column": ..., "positive": ...}');
  else {
    if (typeof target.column !== 'string' || target.column === '') bad('target.column must be a non-empty string');
    else out.target.column = target.column;
    const p = target.positive;
    if (typeof p === 'string' && p !== '') out.target.positive = p;
    else if (typeof p === 'number' && Number.isFinite(p)) out.target.positive = String(p);
    else if (typeof p === 'boolean') out.target.positive = String(p);
    else bad(`target.positive must be the value of the positive class (a non-empty string, number or boolean), not ${show(p)}`);
    for (const k of Object.keys(target)) {
      if (k !== 'column' && k !== 'positive' && !isExtensionKey(k)) bad(`unknown field "target.${k}"`);
    }
  }

  // features
  const features = json.features;
  if (features === undefined) bad('features is missing: expected a non-empty array of {"column", "kind", ...}');
  else if (!Array.isArray(features) || features.length === 0) bad('features must be a non-empty array');
  else {
    const seen = new Map<string, number>();
    features.forEach((f: unknown, i: number) => {
      const at = `features[${i}]`;
      if (!isObject(f)) {
        bad(`${at} must be an object {"column", "kind", ...}`);
        return;
      }
      let column = '';
      if (typeof f.column !== 'string' || f.column === '') bad(`${at}.column must be a non-empty string`);
      else {
        column = f.column;
        const prev = seen.get(column);
        if (prev !== undefined) bad(`${at}.column "${column}" repeats features[${prev}]: each column may appear once`);
        else seen.set(column, i);
        if (out.target.column !== '' && column === out.target.column) bad(`${at}.column "${column}" is the target column: the model must not see the target`);
      }
      const kind = f.kind;
      if (kind !== 'numeric' && kind !== 'categorical') {
        bad(`${at}.kind must be "numeric" or "categorical", not ${show(kind)}`);
        return;
      }
      for (const k of Object.keys(f)) {
        if (!FEATURE_KEYS[kind].has(k) && !isExtensionKey(k)) bad(`unknown field "${at}.${k}" for a ${kind} feature${suggest(k, FEATURE_KEYS[kind])}`);
      }
      if (kind === 'numeric') {
        let mean = 0;
        let std = 1;
        if (f.mean !== undefined) {
          if (typeof f.mean !== 'number' || !Number.isFinite(f.mean)) bad(`${at}.mean must be a finite number, not ${show(f.mean)}`);
          else mean = f.mean;
        }
        if (f.std !== undefined) {
          if (typeof f.std !== 'number' || !Number.isFinite(f.std) || f.std <= 0) bad(`${at}.std must be a number > 0, not ${show(f.std)}`);
          else std = f.std;
        }
        out.features.push({ column, kind, mean, std });
      } else {
        const cats = f.categories;
        if (!Array.isArray(cats) || cats.length === 0 || !cats.every((c) => typeof c === 'string')) {
          bad(`${at}.categories must be a non-empty array of strings`);
          out.features.push({ column, kind, categories: [] });
        } else {
          const set = new Set<string>();
          cats.forEach((c: string, j: number) => {
            if (set.has(c)) bad(`${at}.categories[${j}] "${c}" is listed twice`);
            set.add(c);
          });
          out.features.push({ column, kind, categories: [...cats] as string[] });
        }
      }
    });
  }

  // output
  if (json.output === undefined) bad('output is missing: "probability" if the model emits P(positive) (sigmoid last layer), "logit" if it emits log-odds');
  else if (json.output !== 'probability' && json.output !== 'logit') bad(`output must be "probability" or "logit", not ${show(json.output)}`);
  else out.output = json.output;

  // threshold
  if (json.threshold !== undefined) {
    const t = json.threshold;
    if (typeof t !== 'number' || !(t > 0 && t < 1)) bad(`threshold must be a number strictly between 0 and 1, not ${show(t)}`);
    else out.threshold = t;
  }

  // protected
  if (json.protected !== undefined) {
    if (!Array.isArray(json.protected)) bad('protected must be an array of {"column", "cuts"?}');
    else {
      const seen = new Set<string>();
      out.protected = [];
      json.protected.forEach((p: unknown, i: number) => {
        const at = `protected[${i}]`;
        if (!isObject(p)) {
          bad(`${at} must be an object {"column", "cuts"?}`);
          return;
        }
        if (typeof p.column !== 'string' || p.column === '') {
          bad(`${at}.column must be a non-empty string`);
          return;
        }
        if (seen.has(p.column)) bad(`${at}.column "${p.column}" is listed twice`);
        seen.add(p.column);
        const attr: ProtectedAttribute = { column: p.column };
        if (p.cuts !== undefined) {
          const c = p.cuts;
          if (!Array.isArray(c) || c.length === 0 || !c.every((x) => typeof x === 'number' && Number.isFinite(x))) bad(`${at}.cuts must be a non-empty array of finite numbers`);
          else if (!c.every((x: number, j: number) => j === 0 || x > (c[j - 1] as number))) bad(`${at}.cuts must be strictly increasing`);
          else attr.cuts = [...c] as number[];
        }
        if (p.label !== undefined) {
          if (typeof p.label !== 'string') bad(`${at}.label must be a string`);
          else attr.label = p.label;
        }
        for (const k of Object.keys(p)) {
          if (k !== 'column' && k !== 'cuts' && k !== 'label' && !isExtensionKey(k)) bad(`unknown field "${at}.${k}"`);
        }
        out.protected!.push(attr);
      });
    }
  }

  // training: free-form provenance, only the well-known fields are type-checked
  if (json.training !== undefined) {
    const t = json.training;
    if (!isObject(t)) bad('training must be an object (provenance: algorithm, seed, split, metrics, date)');
    else {
      if (t.algorithm !== undefined && typeof t.algorithm !== 'string') bad('training.algorithm must be a string');
      if (t.seed !== undefined && typeof t.seed !== 'number') bad('training.seed must be a number');
      if (t.date !== undefined && typeof t.date !== 'string') bad('training.date must be an ISO 8601 string');
      if (t.metrics !== undefined && !isObject(t.metrics)) bad('training.metrics must be an object of name → number');
      if (t.split !== undefined && !isObject(t.split)) bad('training.split must be an object');
      out.training = structuredCloneJson(t) as TrainingProvenance;
    }
  }

  // groupThresholds (reserved for mitigation)
  if (json.groupThresholds !== undefined) {
    if (!Array.isArray(json.groupThresholds)) bad('groupThresholds must be an array of {"column", "thresholds": {group: t}}');
    else {
      out.groupThresholds = [];
      json.groupThresholds.forEach((g: unknown, i: number) => {
        const at = `groupThresholds[${i}]`;
        if (!isObject(g) || typeof g.column !== 'string' || g.column === '') {
          bad(`${at}.column must be a non-empty string`);
          return;
        }
        if (!isObject(g.thresholds)) {
          bad(`${at}.thresholds must be an object of group → threshold`);
          return;
        }
        const th: Record<string, number> = {};
        for (const [grp, t] of Object.entries(g.thresholds)) {
          if (typeof t !== 'number' || !(t > 0 && t < 1)) bad(`${at}.thresholds["${grp}"] must be a number strictly between 0 and 1`);
          else th[grp] = t;
        }
        const entry: GroupThresholds = { column: g.column, thresholds: th };
        if (g.cuts !== undefined) {
          if (!Array.isArray(g.cuts) || !g.cuts.every((x) => typeof x === 'number' && Number.isFinite(x))) bad(`${at}.cuts must be an array of finite numbers`);
          else entry.cuts = [...g.cuts] as number[];
        }
        out.groupThresholds!.push(entry);
      });
    }
  }

  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new WorkbenchError('manifest-invalid', `manifest: ${problems.slice(0, 3).join('; ')}${more}`, HINT_SCHEMA);
  }
  return out;
}

function structuredCloneJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

function suggest(key: string, known: Set<string>): string {
  const k = key.toLowerCase();
  let best = '';
  let bestD = 3;
  for (const cand of known) {
    const d = editDistance(k, cand.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** Number of model inputs the manifest encodes: 1 per numeric, #categories per categorical. */
export function manifestWidth(m: Manifest): number {
  let w = 0;
  for (const f of m.features) w += f.kind === 'numeric' ? 1 : f.categories.length;
  return w;
}

export interface FeatureSlice {
  column: string;
  kind: ManifestFeature['kind'];
  /** first input of this feature in the encoded row */
  start: number;
  /** one past the last input */
  end: number;
}

/** For each manifest feature (in order), its [start, end) in the encoded row. */
export function featureSlices(m: Manifest): FeatureSlice[] {
  const out: FeatureSlice[] = [];
  let at = 0;
  for (const f of m.features) {
    const w = f.kind === 'numeric' ? 1 : f.categories.length;
    out.push({ column: f.column, kind: f.kind, start: at, end: at + w });
    at += w;
  }
  return out;
}

/** "age 1, job 12, marital 3, ..." — how the width adds up, for error messages. */
export function describeWidth(m: Manifest, max = 12): string {
  const parts = featureSlices(m).map((s) => `${s.column} ${s.end - s.start}`);
  return parts.length > max ? `${parts.slice(0, max).join(', ')}, ... ${parts.length - max} more` : parts.join(', ');
}

export interface ManifestCheck {
  /** things that are allowed but worth telling the user (unseen categories, ...) */
  warnings: string[];
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/** The numeric value of each level of a categorical column (NaN where a level is not a number). */
function levelsAsNumbers(col: CategoricalColumn): Float64Array {
  const out = new Float64Array(col.levels.length);
  col.levels.forEach((lv, i) => {
    const s = lv.trim();
    const n = s === '' ? NaN : Number(s);
    if (Number.isFinite(n)) out[i] = n;
    else if (col.type === 'boolean' && TRUE_WORDS.has(s.toLowerCase())) out[i] = 1;
    else if (col.type === 'boolean' && FALSE_WORDS.has(s.toLowerCase())) out[i] = 0;
    else out[i] = NaN;
  });
  return out;
}

function listColumns(names: string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => `'${n}'`).join(', ');
  return names.length > max ? `${shown}, ... (${names.length - max} more)` : shown;
}

/**
 * Checks that a table can be encoded with this manifest. Throws
 * - 'manifest-missing-column' listing every manifest column (features and, unless
 *   `requireTarget` is false, the target) that the table lacks, with the columns it has;
 * - 'manifest-invalid' when a numeric feature's column holds text that is not a number.
 * Returns warnings for things that encode but may surprise (e.g. table values not among a
 * feature's categories, which encode as all zeros).
 */
export function checkManifestAgainstTable(m: Manifest, table: ColumnTable, options: { requireTarget?: boolean } = {}): ManifestCheck {
  const byName = new Map<string, Column>();
  for (const c of table.columns) byName.set(c.name, c);
  const missing: string[] = [];
  for (const f of m.features) if (!byName.has(f.column)) missing.push(f.column);
  const requireTarget = options.requireTarget ?? true;
  if (requireTarget && !byName.has(m.target.column)) missing.push(`${m.target.column} (target)`);
  if (missing.length > 0) {
    const what = missing.length === 1 ? 'column' : `${missing.length} columns`;
    throw new WorkbenchError('manifest-missing-column',
      `the manifest needs ${what} the CSV does not have: ${listColumns(missing)}. The CSV has ${table.columns.length} columns: ${listColumns(table.columns.map((c) => c.name))}`,
      'Choose the CSV the model was trained on, or rename the columns in the CSV or the manifest so they match (names are case-sensitive).');
  }

  const warnings: string[] = [];
  for (const f of m.features) {
    const col = byName.get(f.column)!;
    if (f.kind === 'numeric') {
      if (col.type !== 'numeric') {
        const nums = levelsAsNumbers(col);
        const bad: string[] = [];
        col.levels.forEach((lv, i) => {
          if (Number.isNaN(nums[i]) && lv.trim() !== '') bad.push(lv);
        });
        if (bad.length > 0) {
          throw new WorkbenchError('manifest-invalid',
            `feature '${f.column}' is numeric in the manifest, but the CSV column holds text that is not a number: ${listColumns(bad, 5)}`,
            `Make the manifest list '${f.column}' as {"kind": "categorical", "categories": [...]}, or clean the CSV column so it holds only numbers.`);
        }
        warnings.push(`'${f.column}' is numeric in the manifest but was read as text; its values are read as numbers.`);
      }
    } else if (col.type === 'numeric') {
      const cats = new Set(f.categories.map((c) => Number(c)).filter((x) => Number.isFinite(x)));
      if (cats.size === 0) {
        warnings.push(`'${f.column}' is categorical in the manifest but numeric in the CSV, and none of its categories is a number: every row encodes as all zeros.`);
      }
    } else {
      const known = new Set(f.categories);
      const unseenInManifest = col.levels.filter((lv) => !known.has(lv));
      const present = new Set(col.levels);
      if (!f.categories.some((c) => present.has(c))) {
        warnings.push(`none of the manifest categories of '${f.column}' occurs in the CSV: every row encodes as all zeros.`);
      } else if (unseenInManifest.length > 0) {
        warnings.push(`'${f.column}' has values the manifest does not list (${listColumns(unseenInManifest, 5)}); they encode as all zeros.`);
      }
    }
  }
  return { warnings };
}

/**
 * Target labels: 1 where the target equals `positive`, 0 where it holds another value, -1
 * where it is missing. Matching: exact text first; for a boolean column, true/false-like
 * words compare case-insensitively; for a numeric column, the number `positive` parses to.
 */
export function encodeTarget(table: ColumnTable, target: { column: string; positive: string }): Int8Array {
  const col = table.columns.find((c) => c.name === target.column);
  if (!col) {
    throw new WorkbenchError('target-missing', `the target column '${target.column}' is not in the CSV`,
      `Choose the CSV with the outcome column, or change target.column. The CSV has: ${listColumns(table.columns.map((c) => c.name))}`);
  }
  const out = new Int8Array(table.nRows);
  if (col.type === 'numeric') {
    const p = target.positive.trim();
    // "1" → 1; "true" → 1 and "false" → 0 (a 0/1 column read as numbers)
    const pos = p === 'true' ? 1 : p === 'false' ? 0 : Number(p);
    const v = col.values;
    for (let i = 0; i < out.length; i++) out[i] = Number.isNaN(v[i]) ? -1 : v[i] === pos ? 1 : 0;
    return out;
  }
  let posCode = col.levels.indexOf(target.positive);
  if (posCode < 0) {
    const p = target.positive.trim().toLowerCase();
    posCode = col.levels.findIndex((lv) => lv.trim().toLowerCase() === p);
    if (posCode < 0 && col.type === 'boolean') {
      const words = TRUE_WORDS.has(p) ? TRUE_WORDS : FALSE_WORDS.has(p) ? FALSE_WORDS : null;
      if (words) posCode = col.levels.findIndex((lv) => words.has(lv.trim().toLowerCase()));
    }
  }
  const codes = col.codes;
  for (let i = 0; i < out.length; i++) {
    const c = codes[i];
    out[i] = c < 0 ? -1 : c === posCode ? 1 : 0;
  }
  return out;
}

/** A per-feature plan: how to turn one table column into its inputs. */
type Plan =
  | { kind: 'num'; values: Float64Array; mean: number; std: number; at: number }
  | { kind: 'numFromCodes'; codes: Int32Array; levelValue: Float64Array; mean: number; std: number; at: number }
  | { kind: 'oneHot'; codes: Int32Array; slotOfLevel: Int32Array; at: number }
  | { kind: 'oneHotFromNumbers'; values: Float64Array; slotOfValue: Map<number, number>; at: number };

function planEncoding(m: Manifest, table: ColumnTable): Plan[] {
  checkManifestAgainstTable(m, table, { requireTarget: false });
  const plans: Plan[] = [];
  const slices = featureSlices(m);
  m.features.forEach((f, i) => {
    const col = table.columns.find((c) => c.name === f.column)!;
    const at = slices[i].start;
    if (f.kind === 'numeric') {
      const mean = f.mean ?? 0;
      const std = f.std ?? 1;
      if (col.type === 'numeric') plans.push({ kind: 'num', values: col.values, mean, std, at });
      else plans.push({ kind: 'numFromCodes', codes: col.codes, levelValue: levelsAsNumbers(col), mean, std, at });
    } else if (col.type === 'numeric') {
      const slotOfValue = new Map<number, number>();
      f.categories.forEach((c, j) => {
        const x = c.trim() === '' ? NaN : Number(c);
        if (Number.isFinite(x) && !slotOfValue.has(x)) slotOfValue.set(x, j);
      });
      plans.push({ kind: 'oneHotFromNumbers', values: col.values, slotOfValue, at });
    } else {
      const slot = new Map<string, number>();
      f.categories.forEach((c, j) => slot.set(c, j));
      const slotOfLevel = new Int32Array(col.levels.length);
      col.levels.forEach((lv, j) => {
        slotOfLevel[j] = slot.get(lv) ?? -1;
      });
      plans.push({ kind: 'oneHot', codes: col.codes, slotOfLevel, at });
    }
  });
  return plans;
}

/**
 * Encodes the table (or the given rows of it, in that order) into a row-major
 * Float32Array of n × manifestWidth(m). One pass per feature column; no row objects.
 * Throws like `checkManifestAgainstTable` (the target column is not needed here).
 */
export function encodeTable(table: ColumnTable, m: Manifest, rows?: Uint32Array): Float32Array {
  const width = manifestWidth(m);
  const n = rows ? rows.length : table.nRows;
  const out = new Float32Array(n * width);
  if (rows) {
    for (let i = 0; i < n; i++) {
      if (rows[i] >= table.nRows) throw new WorkbenchError('internal', `row ${rows[i]} is out of range: the table has ${table.nRows} rows`);
    }
  }
  for (const p of planEncoding(m, table)) {
    let o = p.at;
    switch (p.kind) {
      case 'num': {
        const { values, mean, std } = p;
        for (let i = 0; i < n; i++, o += width) {
          const v = values[rows ? rows[i] : i];
          out[o] = Number.isNaN(v) ? 0 : (v - mean) / std;
        }
        break;
      }
      case 'numFromCodes': {
        const { codes, levelValue, mean, std } = p;
        for (let i = 0; i < n; i++, o += width) {
          const c = codes[rows ? rows[i] : i];
          const v = c < 0 ? NaN : levelValue[c];
          out[o] = Number.isNaN(v) ? 0 : (v - mean) / std;
        }
        break;
      }
      case 'oneHot': {
        const { codes, slotOfLevel } = p;
        for (let i = 0; i < n; i++, o += width) {
          const c = codes[rows ? rows[i] : i];
          if (c >= 0) {
            const s = slotOfLevel[c];
            if (s >= 0) out[o + s] = 1;
          }
        }
        break;
      }
      case 'oneHotFromNumbers': {
        const { values, slotOfValue } = p;
        for (let i = 0; i < n; i++, o += width) {
          const s = slotOfValue.get(values[rows ? rows[i] : i]);
          if (s !== undefined) out[o + s] = 1;
        }
        break;
      }
    }
  }
  return out;
}
