/**
 * Validating a parsed manifest.json: a pipeline of named stages, one per part of the manifest
 * (format; top-level keys; name and description; target; features; output; threshold;
 * protected; training; groupThresholds; model). The format is checked first and alone — a wrong
 * format makes every other message noise — and throws at once. Every later stage reads the
 * JSON, writes its part of the normalised copy and reports each problem with the path to it;
 * all stages run, and the first three problems are reported together.
 *
 * The normalised copy has `mean`/`std` filled in (0/1), `threshold` defaulted to 0.5 and
 * `target.positive` turned into a string. Fields starting with `x-` or `_` are ignored and
 * dropped; any other unknown field is an error (to catch typos like "treshold").
 */
import { WorkbenchError } from '../errors';
import { isExtensionKey, isObject, show, suggest } from './json-checks';
import { MANIFEST_FORMAT } from './types';
import type { GroupThresholds, Manifest, ManifestFeature, ModelBinding, ModelInputBinding, ProtectedAttribute, TrainingProvenance } from './types';

const HINT_SCHEMA = 'See docs/model-manifest.md for the manifest format, or export it again from your training code.';

const TOP_KEYS = new Set(['format', 'name', 'description', 'target', 'features', 'output', 'threshold', 'protected', 'training', 'groupThresholds', 'model']);
const FEATURE_KEYS: Record<ManifestFeature['kind'], Set<string>> = {
  numeric: new Set(['column', 'kind', 'mean', 'std']),
  categorical: new Set(['column', 'kind', 'categories']),
  label: new Set(['column', 'kind', 'categories']),
};
const MODEL_KEYS = new Set(['format', 'inputs', 'outputName', 'index', 'scoreColumn', 'scoreKind']);
const MODEL_FORMATS = ['tfjs-layers', 'tfjs-graph', 'onnx', 'scores'] as const;
const INPUT_TYPES = ['float', 'double', 'int64', 'int32', 'string', 'bool'] as const;

/** Records one problem, phrased with the path to it. */
type Report = (problem: string) => void;

/** One stage: reads its part of the JSON, writes it into the normalised copy, reports problems. */
type Stage = (json: Record<string, unknown>, out: Manifest, bad: Report) => void;

/**
 * The stages in the order they run. `features` reads the target column that `target` wrote;
 * the order of the others decides the order of the messages.
 */
const STAGES: readonly Stage[] = [checkTopLevelKeys, readText, readTarget, readFeatures, readOutput, readThreshold, readProtected, readTraining, readGroupThresholds, readModel];

/**
 * Checks a parsed manifest.json and returns a normalised copy (see the module comment). Throws
 * WorkbenchError('manifest-invalid') whose message names the path of every problem found
 * (the first three), e.g. `features[3].categories must be a non-empty array of strings`.
 */
export function validateManifest(json: unknown): Manifest {
  const obj = checkEnvelope(json);
  const problems: string[] = [];
  const bad: Report = (problem) => {
    problems.push(problem);
  };
  const out = emptyManifest();
  for (const stage of STAGES) stage(obj, out, bad);
  throwProblems(problems);
  return out;
}

/** The manifest as the stages start it: defaults, and the target filled in by its stage. */
function emptyManifest(): Manifest {
  return {
    format: MANIFEST_FORMAT,
    target: { column: '', positive: '' },
    features: [],
    output: 'probability',
    threshold: 0.5,
  };
}

/** A JSON object with the supported format, else an immediate error. */
function checkEnvelope(json: unknown): Record<string, unknown> {
  if (!isObject(json)) {
    throw new WorkbenchError('manifest-invalid', `the manifest must be a JSON object, not ${Array.isArray(json) ? 'an array' : show(json)}`, HINT_SCHEMA);
  }
  if (json.format === undefined) {
    throw new WorkbenchError('manifest-invalid', `format is missing: expected "${MANIFEST_FORMAT}"`,
      `Add "format": "${MANIFEST_FORMAT}" at the top of the manifest. ${HINT_SCHEMA}`);
  }
  if (json.format !== MANIFEST_FORMAT) {
    throw new WorkbenchError('manifest-invalid', `format ${show(json.format)} is not supported: this version reads "${MANIFEST_FORMAT}"`,
      `Write "format": "${MANIFEST_FORMAT}" and check the fields against docs/model-manifest.md.`);
  }
  return json;
}

function throwProblems(problems: string[]): void {
  if (problems.length === 0) return;
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  throw new WorkbenchError('manifest-invalid', `manifest: ${problems.slice(0, 3).join('; ')}${more}`, HINT_SCHEMA);
}

function checkTopLevelKeys(json: Record<string, unknown>, _out: Manifest, bad: Report): void {
  for (const k of Object.keys(json)) {
    if (!TOP_KEYS.has(k) && !isExtensionKey(k)) bad(`unknown field "${k}"${suggest(k, TOP_KEYS)}`);
  }
}

/** name and description: optional strings. */
function readText(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  for (const k of ['name', 'description'] as const) {
    if (json[k] !== undefined) {
      if (typeof json[k] !== 'string') bad(`${k} must be a string`);
      else out[k] = json[k] as string;
    }
  }
}

/** target: {column, positive}, positive a non-empty string, a finite number or a boolean. */
function readTarget(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  const target = json.target;
  if (target === undefined) {
    bad('target is missing: expected {"column": ..., "positive": ...}');
    return;
  }
  if (!isObject(target)) {
    bad('target must be an object {"column": ..., "positive": ...}');
    return;
  }
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

/** features: a non-empty array; each column once, never the target. */
function readFeatures(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  const features = json.features;
  if (features === undefined) {
    bad('features is missing: expected a non-empty array of {"column", "kind", ...}');
    return;
  }
  if (!Array.isArray(features) || features.length === 0) {
    bad('features must be a non-empty array');
    return;
  }
  const seen = new Map<string, number>();
  features.forEach((f: unknown, i: number) => {
    const feature = readFeature(f, `features[${i}]`, bad, { seen, index: i, target: out.target.column });
    if (feature) out.features.push(feature);
  });
}

/**
 * One feature; null when it is not an object or its kind is unknown (then it is left out).
 * A feature with a bad column or bad categories is kept (column '' or no categories) so that
 * later features keep their positions in the messages.
 */
function readFeature(f: unknown, at: string, bad: Report, context: { seen: Map<string, number>; index: number; target: string }): ManifestFeature | null {
  if (!isObject(f)) {
    bad(`${at} must be an object {"column", "kind", ...}`);
    return null;
  }
  const column = readFeatureColumn(f, at, bad, context);
  const kind = f.kind;
  if (kind !== 'numeric' && kind !== 'categorical' && kind !== 'label') {
    bad(`${at}.kind must be "numeric", "categorical" or "label", not ${show(kind)}`);
    return null;
  }
  for (const k of Object.keys(f)) {
    if (!FEATURE_KEYS[kind].has(k) && !isExtensionKey(k)) bad(`unknown field "${at}.${k}" for a ${kind} feature${suggest(k, FEATURE_KEYS[kind])}`);
  }
  return kind === 'numeric' ? readNumericFeature(f, at, column, bad) : readCategoricalFeature(f, at, column, bad, kind);
}

function readFeatureColumn(f: Record<string, unknown>, at: string, bad: Report, context: { seen: Map<string, number>; index: number; target: string }): string {
  if (typeof f.column !== 'string' || f.column === '') {
    bad(`${at}.column must be a non-empty string`);
    return '';
  }
  const column = f.column;
  const prev = context.seen.get(column);
  if (prev !== undefined) bad(`${at}.column "${column}" repeats features[${prev}]: each column may appear once`);
  else context.seen.set(column, context.index);
  if (context.target !== '' && column === context.target) bad(`${at}.column "${column}" is the target column: the model must not see the target`);
  return column;
}

/** A numeric feature: mean finite (default 0), std > 0 (default 1). */
function readNumericFeature(f: Record<string, unknown>, at: string, column: string, bad: Report): ManifestFeature {
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
  return { column, kind: 'numeric', mean, std };
}

/** A categorical or label feature: a non-empty array of distinct strings. */
function readCategoricalFeature(f: Record<string, unknown>, at: string, column: string, bad: Report, kind: 'categorical' | 'label'): ManifestFeature {
  const cats = f.categories;
  if (!Array.isArray(cats) || cats.length === 0 || !cats.every((c) => typeof c === 'string')) {
    bad(`${at}.categories must be a non-empty array of strings`);
    return { column, kind, categories: [] };
  }
  const set = new Set<string>();
  cats.forEach((c: string, j: number) => {
    if (set.has(c)) bad(`${at}.categories[${j}] "${c}" is listed twice`);
    set.add(c);
  });
  return { column, kind, categories: [...cats] as string[] };
}

/** output: required, "probability" or "logit". */
function readOutput(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  if (json.output === undefined) bad('output is missing: "probability" if the model emits P(positive) (sigmoid last layer), "logit" if it emits log-odds');
  else if (json.output !== 'probability' && json.output !== 'logit') bad(`output must be "probability" or "logit", not ${show(json.output)}`);
  else out.output = json.output;
}

/** threshold: optional, strictly between 0 and 1. */
function readThreshold(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  if (json.threshold === undefined) return;
  const t = json.threshold;
  if (typeof t !== 'number' || !(t > 0 && t < 1)) bad(`threshold must be a number strictly between 0 and 1, not ${show(t)}`);
  else out.threshold = t;
}

/** protected: optional array of {column, cuts?, label?}, each column once. */
function readProtected(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  if (json.protected === undefined) return;
  if (!Array.isArray(json.protected)) {
    bad('protected must be an array of {"column", "cuts"?}');
    return;
  }
  const seen = new Set<string>();
  const list: ProtectedAttribute[] = [];
  out.protected = list;
  json.protected.forEach((p: unknown, i: number) => {
    const attr = readProtectedAttribute(p, `protected[${i}]`, bad, seen);
    if (attr) list.push(attr);
  });
}

function readProtectedAttribute(p: unknown, at: string, bad: Report, seen: Set<string>): ProtectedAttribute | null {
  if (!isObject(p)) {
    bad(`${at} must be an object {"column", "cuts"?}`);
    return null;
  }
  if (typeof p.column !== 'string' || p.column === '') {
    bad(`${at}.column must be a non-empty string`);
    return null;
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
  return attr;
}

/** training: free-form provenance; only the well-known fields are type-checked. */
function readTraining(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  if (json.training === undefined) return;
  const t = json.training;
  if (!isObject(t)) {
    bad('training must be an object (provenance: algorithm, seed, split, metrics, date)');
    return;
  }
  if (t.algorithm !== undefined && typeof t.algorithm !== 'string') bad('training.algorithm must be a string');
  if (t.seed !== undefined && typeof t.seed !== 'number') bad('training.seed must be a number');
  if (t.date !== undefined && typeof t.date !== 'string') bad('training.date must be an ISO 8601 string');
  if (t.metrics !== undefined && !isObject(t.metrics)) bad('training.metrics must be an object of name → number');
  if (t.split !== undefined && !isObject(t.split)) bad('training.split must be an object');
  out.training = JSON.parse(JSON.stringify(t)) as TrainingProvenance;
}

/** groupThresholds (post-processing mitigation): optional array of {column, thresholds, cuts?}. */
function readGroupThresholds(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  if (json.groupThresholds === undefined) return;
  if (!Array.isArray(json.groupThresholds)) {
    bad('groupThresholds must be an array of {"column", "thresholds": {group: t}}');
    return;
  }
  const list: GroupThresholds[] = [];
  out.groupThresholds = list;
  json.groupThresholds.forEach((g: unknown, i: number) => {
    const entry = readGroupThreshold(g, `groupThresholds[${i}]`, bad);
    if (entry) list.push(entry);
  });
}

function readGroupThreshold(g: unknown, at: string, bad: Report): GroupThresholds | null {
  if (!isObject(g) || typeof g.column !== 'string' || g.column === '') {
    bad(`${at}.column must be a non-empty string`);
    return null;
  }
  if (!isObject(g.thresholds)) {
    bad(`${at}.thresholds must be an object of group → threshold`);
    return null;
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
  return entry;
}

/**
 * model (how the row reaches a model that is not a one-input Layers model): optional object
 * {format?, inputs?, outputName?, index?, scoreColumn?, scoreKind?}. Each input names a
 * feature column; input names are distinct. A 'scores' model names its score column, a
 * numeric feature; scoreColumn and scoreKind go with 'scores' only.
 */
function readModel(json: Record<string, unknown>, out: Manifest, bad: Report): void {
  if (json.model === undefined) return;
  const m = json.model;
  if (!isObject(m)) {
    bad('model must be an object {"format"?, "inputs"?, "outputName"?, "index"?}');
    return;
  }
  for (const k of Object.keys(m)) {
    if (!MODEL_KEYS.has(k) && !isExtensionKey(k)) bad(`unknown field "model.${k}"${suggest(k, MODEL_KEYS)}`);
  }
  const binding: ModelBinding = {};
  readModelFormat(m, binding, bad);
  if (m.inputs !== undefined) {
    const inputs = readModelInputs(m.inputs, out, bad);
    if (inputs) binding.inputs = inputs;
  }
  if (m.outputName !== undefined) {
    if (typeof m.outputName !== 'string' || m.outputName === '') bad(`model.outputName must be a non-empty string, not ${show(m.outputName)}`);
    else binding.outputName = m.outputName;
  }
  if (m.index !== undefined) {
    if (typeof m.index !== 'number' || !Number.isInteger(m.index) || m.index < 0) bad(`model.index must be a whole number ≥ 0 (a column of the output), not ${show(m.index)}`);
    else binding.index = m.index;
  }
  readScoreColumn(m, binding, out, bad);
  out.model = binding;
}

function readModelFormat(m: Record<string, unknown>, binding: ModelBinding, bad: Report): void {
  if (m.format === undefined) return;
  if (typeof m.format !== 'string' || !(MODEL_FORMATS as readonly string[]).includes(m.format)) {
    bad(`model.format must be one of ${MODEL_FORMATS.map((f) => `"${f}"`).join(', ')}, not ${show(m.format)}`);
  } else binding.format = m.format as ModelBinding['format'];
}

/** model.inputs: a non-empty array of {name, column, type?}; null when unusable. */
function readModelInputs(inputs: unknown, out: Manifest, bad: Report): ModelInputBinding[] | null {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    bad('model.inputs must be a non-empty array of {"name", "column", "type"?}');
    return null;
  }
  const columns = new Set(out.features.map((f) => f.column));
  const names = new Map<string, number>();
  const list: ModelInputBinding[] = [];
  inputs.forEach((b: unknown, i: number) => {
    const at = `model.inputs[${i}]`;
    if (!isObject(b)) {
      bad(`${at} must be an object {"name", "column", "type"?}`);
      return;
    }
    for (const k of Object.keys(b)) {
      if (k !== 'name' && k !== 'column' && k !== 'type' && !isExtensionKey(k)) bad(`unknown field "${at}.${k}"`);
    }
    const ok = readInputBinding(b, at, bad, { columns, names, index: i });
    if (ok) list.push(ok);
  });
  return list;
}

function readInputBinding(b: Record<string, unknown>, at: string, bad: Report, context: { columns: Set<string>; names: Map<string, number>; index: number }): ModelInputBinding | null {
  let good = true;
  if (typeof b.name !== 'string' || b.name === '') {
    bad(`${at}.name must be a non-empty string (the model's input name)`);
    good = false;
  } else if (context.names.has(b.name)) {
    bad(`${at}.name "${b.name}" repeats model.inputs[${context.names.get(b.name)}]: each input may be fed once`);
    good = false;
  } else context.names.set(b.name, context.index);
  if (typeof b.column !== 'string' || b.column === '') {
    bad(`${at}.column must be a non-empty string (a feature column)`);
    good = false;
  } else if (context.columns.size > 0 && !context.columns.has(b.column)) {
    bad(`${at}.column "${b.column}" is not among the features${suggest(b.column, context.columns)}`);
    good = false;
  }
  if (b.type !== undefined && (typeof b.type !== 'string' || !(INPUT_TYPES as readonly string[]).includes(b.type))) {
    bad(`${at}.type must be one of ${INPUT_TYPES.map((t) => `"${t}"`).join(', ')}, not ${show(b.type)}`);
    good = false;
  }
  if (!good) return null;
  return { name: b.name as string, column: b.column as string, ...(b.type !== undefined ? { type: b.type as ModelInputBinding['type'] } : {}) };
}

/** scoreColumn / scoreKind: with format 'scores' only; scoreColumn then required, a numeric feature. */
function readScoreColumn(m: Record<string, unknown>, binding: ModelBinding, out: Manifest, bad: Report): void {
  const scores = binding.format === 'scores';
  if (m.scoreColumn !== undefined) {
    if (typeof m.scoreColumn !== 'string' || m.scoreColumn === '') bad(`model.scoreColumn must be a non-empty string, not ${show(m.scoreColumn)}`);
    else if (!scores) bad('model.scoreColumn goes with "format": "scores" only');
    else binding.scoreColumn = m.scoreColumn;
  } else if (scores) bad('model.scoreColumn is missing: a "scores" model names the column holding the score');
  if (m.scoreKind !== undefined) {
    if (m.scoreKind !== 'score' && m.scoreKind !== 'decision') bad(`model.scoreKind must be "score" or "decision", not ${show(m.scoreKind)}`);
    else if (!scores) bad('model.scoreKind goes with "format": "scores" only');
    else binding.scoreKind = m.scoreKind;
  }
  if (binding.scoreColumn !== undefined && out.features.length > 0) {
    const f = out.features.find((x) => x.column === binding.scoreColumn);
    if (!f || f.kind !== 'numeric') bad(`model.scoreColumn "${binding.scoreColumn}" must be a numeric feature of the manifest`);
  }
}
