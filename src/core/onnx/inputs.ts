/**
 * How the manifest's encoded row reaches an ONNX model's inputs. Two shapes:
 *
 * - 'row': one float input [N, F] that takes the encoded row as it is (F = manifestWidth);
 *   a label feature arrives as its index (−1 missing), as in the row.
 * - 'named': one input per raw column (the skl2onnx shape), bound by `manifest.model.inputs`
 *   (absent: every input name is a feature column). Each input gets its feature decoded from
 *   the row: a numeric feature as its value (z·std + mean: a missing value arrives as the
 *   manifest's mean, as for every model); a label feature as the category its index names;
 *   a categorical feature as the category whose one-hot slot is on. A category becomes the
 *   category text for a string input, the number it spells for a numeric input, and
 *   true/yes/1-like words for a bool input. A missing or unlisted category (index −1) arrives
 *   as '' for a string input, NaN for a float input, 0 for an integer input, false for bool.
 *
 * The feeds are preallocated for one batch and refilled in place.
 */
import { WorkbenchError } from '../errors';
import { describeWidth, featureSlices, manifestWidth, type Manifest, type ModelInputBinding } from '../manifest';
import { TRUE_WORDS } from '../manifest/levels';
import type { ElemType, OrtModule, OrtSession, OrtTensor } from './ort';

/** One input as ORT declares it. */
export interface DeclaredInput {
  name: string;
  type: string;
  shape: readonly (number | string)[];
}

type Buffer = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[];

/** Where an input's value comes from in the encoded row. */
type Source =
  | { kind: 'value'; at: number; mean: number; std: number }
  | { kind: 'label'; at: number; count: number }
  | { kind: 'one-hot'; at: number; count: number };

interface NamedFeed {
  name: string;
  column: string;
  type: ElemType;
  rank: 1 | 2;
  source: Source;
  /** per category index + 1 (slot 0: missing), the value fed for a category source */
  lookup: (string | number | bigint | boolean)[] | null;
  buffer: Buffer;
}

/** The feeding plan: fills the inputs for rows [start, start + n) of X. */
export interface InputPlan {
  mode: 'row' | 'named';
  /** one line per input, for `describe` */
  describe: string[];
  feeds(X: Float32Array, start: number, n: number): Record<string, OrtTensor>;
}

const HINT_BINDING = 'Map every model input to a manifest column in "model": {"inputs": [{"name": ..., "column": ...}]} (docs/model-manifest.md, ONNX models).';
const TYPE_OF_BINDING: Record<NonNullable<ModelInputBinding['type']>, ElemType> = {
  float: 'float32',
  double: 'float64',
  int64: 'int64',
  int32: 'int32',
  string: 'string',
  bool: 'bool',
};

function shapeText(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' && d !== '' ? d : 'N')).join(', ')}]`;
}

/** The declared inputs of the session (ORT metadata; a non-tensor input is refused). */
export function declaredInputs(session: OrtSession): DeclaredInput[] {
  return session.inputMetadata.map((m) => {
    if (!m.isTensor) {
      throw new WorkbenchError('model-shape-mismatch', `the ONNX model's input '${m.name}' is not a tensor (a sequence or map); only tensor inputs can be fed`,
        'Export the model with tensor inputs (skl2onnx: initial_types with FloatTensorType/Int64TensorType/StringTensorType).');
    }
    return { name: m.name, type: m.type, shape: m.shape };
  });
}

/**
 * Decides the input shape and builds the plan. Throws 'model-shape-mismatch' for inputs the
 * manifest does not map (listing them), a float row whose width is not the manifest's, and an
 * input type the scorer cannot feed.
 */
export function planInputs(ort: OrtModule, inputs: DeclaredInput[], manifest: Manifest, batch: number): InputPlan {
  const bindings = manifest.model?.inputs ?? defaultBindings(inputs, manifest);
  return bindings === null ? rowPlan(ort, inputs[0], manifest, batch) : namedPlan(ort, inputs, manifest, bindings, batch);
}

/**
 * No `model.inputs`: null (feed the row) when the model has one input that is not named after
 * a feature column; else one binding per input named after a column.
 */
function defaultBindings(inputs: DeclaredInput[], manifest: Manifest): ModelInputBinding[] | null {
  const columns = new Set(manifest.features.map((f) => f.column));
  if (inputs.length === 1 && !columns.has(inputs[0].name)) return null;
  const unmapped = inputs.filter((i) => !columns.has(i.name)).map((i) => i.name);
  if (unmapped.length > 0) {
    throw new WorkbenchError('model-shape-mismatch',
      `the ONNX model has ${inputs.length} inputs and the manifest maps none of them by name: ${listNames(unmapped)} ${unmapped.length === 1 ? 'is not a column' : 'are not columns'} of the manifest`,
      HINT_BINDING);
  }
  return inputs.map((i) => ({ name: i.name, column: i.name }));
}

function listNames(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/** One float input [N, F] fed the encoded row. */
function rowPlan(ort: OrtModule, input: DeclaredInput, manifest: Manifest, batch: number): InputPlan {
  const width = manifestWidth(manifest);
  if (input.type !== 'float32' && input.type !== 'float64') {
    throw new WorkbenchError('model-shape-mismatch', `the ONNX model's one input '${input.name}' holds ${input.type}, not float: it cannot take the manifest's encoded row`,
      'A model with one input must take the encoded row as float [N, F]. For a model with an input per column, name the column in "model": {"inputs": [...]}.');
  }
  const declared = input.shape.length === 2 ? input.shape[1] : undefined;
  if (input.shape.length !== 2 || (typeof declared === 'number' && declared >= 0 && declared !== width)) {
    throw new WorkbenchError('model-shape-mismatch',
      `the ONNX model's input '${input.name}' has shape ${shapeText(input.shape)} but the manifest encodes ${width} values per row (${describeWidth(manifest)})`,
      'The manifest must list the features in the order and with the categories the model was trained on (a model with an input per column needs "model": {"inputs": [...]}).');
  }
  const f64 = input.type === 'float64' ? new Float64Array(batch * width) : null;
  return {
    mode: 'row',
    describe: [`input '${input.name}' ${input.type} [N, ${width}] ← the encoded row (${describeWidth(manifest)})`],
    feeds(X, start, n) {
      const rows = X.subarray(start * width, (start + n) * width);
      if (!f64) return { [input.name]: new ort.Tensor('float32', rows, [n, width]) };
      const buf = f64.subarray(0, n * width);
      for (let i = 0; i < buf.length; i++) buf[i] = rows[i];
      return { [input.name]: new ort.Tensor('float64', buf, [n, width]) };
    },
  };
}

/** One input per raw column. */
function namedPlan(ort: OrtModule, inputs: DeclaredInput[], manifest: Manifest, bindings: ModelInputBinding[], batch: number): InputPlan {
  checkBindingsCover(inputs, bindings);
  const width = manifestWidth(manifest);
  const feeds = bindings.map((b) => namedFeed(inputs.find((i) => i.name === b.name)!, b, manifest, batch));
  return {
    mode: 'named',
    describe: feeds.map((f) => `input '${f.name}' ${f.type} [N${f.rank === 2 ? ', 1' : ''}] ← column '${f.column}'`),
    feeds(X, start, n) {
      const out: Record<string, OrtTensor> = {};
      for (const f of feeds) {
        fillFeed(f, X, width, start, n);
        out[f.name] = makeTensor(ort, f, n);
      }
      return out;
    },
  };
}

/** Every model input bound once; every binding names a model input. */
function checkBindingsCover(inputs: DeclaredInput[], bindings: ModelInputBinding[]): void {
  const names = new Set(inputs.map((i) => i.name));
  const bound = new Set(bindings.map((b) => b.name));
  const unknown = bindings.filter((b) => !names.has(b.name)).map((b) => b.name);
  if (unknown.length > 0) {
    throw new WorkbenchError('model-shape-mismatch',
      `the manifest maps ${listNames(unknown)}, which the ONNX model does not have as ${unknown.length === 1 ? 'an input' : 'inputs'}; its inputs are ${listNames([...names])}`,
      HINT_BINDING);
  }
  const unmapped = inputs.filter((i) => !bound.has(i.name)).map((i) => i.name);
  if (unmapped.length > 0) {
    throw new WorkbenchError('model-shape-mismatch',
      `the manifest maps no column to the ONNX model's input${unmapped.length === 1 ? '' : 's'} ${listNames(unmapped)}`,
      HINT_BINDING);
  }
}

function namedFeed(input: DeclaredInput, b: ModelInputBinding, manifest: Manifest, batch: number): NamedFeed {
  const type = inputType(input, b);
  const rank = inputRank(input);
  const i = manifest.features.findIndex((f) => f.column === b.column);
  if (i < 0) {
    throw new WorkbenchError('manifest-invalid', `model.inputs maps '${b.name}' to column '${b.column}', which is not among the manifest's features`, HINT_BINDING);
  }
  const f = manifest.features[i];
  const at = featureSlices(manifest)[i].start;
  const source: Source =
    f.kind === 'numeric' ? { kind: 'value', at, mean: f.mean ?? 0, std: f.std ?? 1 } : { kind: f.kind === 'label' ? 'label' : 'one-hot', at, count: f.categories.length };
  const lookup = f.kind === 'numeric' ? null : categoryLookup(f.categories, type, b);
  return { name: b.name, column: b.column, type, rank, source, lookup, buffer: allocate(type, batch) };
}

function inputType(input: DeclaredInput, b: ModelInputBinding): ElemType {
  const declared = input.type;
  const supported = ['float32', 'float64', 'int64', 'int32', 'string', 'bool'];
  if (!supported.includes(declared)) {
    throw new WorkbenchError('model-shape-mismatch', `the ONNX model's input '${input.name}' holds ${declared}; the scorer feeds float, double, int64, int32, string or bool inputs`,
      'Export the model with one of those input types (skl2onnx initial_types).');
  }
  if (b.type !== undefined && TYPE_OF_BINDING[b.type] !== declared) {
    throw new WorkbenchError('model-shape-mismatch', `model.inputs says '${b.name}' is ${b.type}, but the ONNX model declares it ${declared}`,
      `Remove "type" from the binding (the model's own type is used) or set it to the model's type.`);
  }
  return declared as ElemType;
}

function inputRank(input: DeclaredInput): 1 | 2 {
  const s = input.shape;
  if (s.length === 1) return 1;
  const second = s[1];
  if (s.length === 2 && (typeof second !== 'number' || second < 0 || second === 1)) return 2;
  throw new WorkbenchError('model-shape-mismatch',
    `the ONNX model's input '${input.name}' has shape ${shapeText(s)}; a named input takes one value per row ([N, 1] or [N])`,
    'Give each raw column its own input of shape [None, 1] (skl2onnx initial_types), or feed one float input [N, F] with the encoded row.');
}

/** What a category (by index + 1; slot 0 = missing) becomes for an input of this type. */
function categoryLookup(categories: readonly string[], type: ElemType, b: ModelInputBinding): (string | number | bigint | boolean)[] {
  const values = categories.map((c) => categoryValue(c, type, b));
  const missing = type === 'string' ? '' : type === 'float32' || type === 'float64' ? NaN : type === 'bool' ? false : type === 'int64' ? 0n : 0;
  return [missing, ...values];
}

function categoryValue(c: string, type: ElemType, b: ModelInputBinding): string | number | bigint | boolean {
  if (type === 'string') return c;
  if (type === 'bool') return TRUE_WORDS.has(c.trim().toLowerCase());
  const x = c.trim() === '' ? NaN : Number(c);
  if (type === 'float32' || type === 'float64') return x;
  if (!Number.isSafeInteger(x)) {
    throw new WorkbenchError('manifest-invalid', `column '${b.column}' feeds the integer input '${b.name}', but its category '${c}' is not a whole number`,
      'List the categories as the whole numbers the model was trained on, or export the model with a string input for this column.');
  }
  return type === 'int64' ? BigInt(x) : x;
}

function allocate(type: ElemType, n: number): Buffer {
  switch (type) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'bool':
      return new Uint8Array(n);
    case 'string':
      return new Array<string>(n).fill('');
  }
}

/** The category index of one row (−1: missing or unlisted). */
function categoryIndex(X: Float32Array, o: number, source: Extract<Source, { kind: 'label' | 'one-hot' }>): number {
  if (source.kind === 'label') {
    const k = Math.round(X[o]);
    return k >= 0 && k < source.count ? k : -1;
  }
  for (let j = 0; j < source.count; j++) if (X[o + j] >= 0.5) return j;
  return -1;
}

/** Fills the feed's buffer for rows [start, start + n). */
function fillFeed(f: NamedFeed, X: Float32Array, width: number, start: number, n: number): void {
  const s = f.source;
  const buf = f.buffer;
  let o = start * width + s.at;
  if (s.kind === 'value') {
    for (let i = 0; i < n; i++, o += width) writeValue(buf, f.type, i, X[o] * s.std + s.mean);
    return;
  }
  const lookup = f.lookup!;
  if (f.type === 'bool') {
    for (let i = 0; i < n; i++, o += width) (buf as Uint8Array)[i] = lookup[categoryIndex(X, o, s) + 1] ? 1 : 0;
    return;
  }
  const target = buf as unknown as (string | number | bigint)[];
  for (let i = 0; i < n; i++, o += width) target[i] = lookup[categoryIndex(X, o, s) + 1] as string | number | bigint;
}

/** A numeric feature's value into one slot of an input of this type. */
function writeValue(buf: Buffer, type: ElemType, i: number, v: number): void {
  switch (type) {
    case 'float32':
    case 'float64':
    case 'int32':
      (buf as Float64Array)[i] = type === 'int32' ? Math.round(v) : v;
      return;
    case 'int64':
      (buf as BigInt64Array)[i] = BigInt(Math.round(v));
      return;
    case 'bool':
      (buf as Uint8Array)[i] = v !== 0 ? 1 : 0;
      return;
    case 'string':
      (buf as string[])[i] = Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(7)));
  }
}

function makeTensor(ort: OrtModule, f: NamedFeed, n: number): OrtTensor {
  const dims = f.rank === 2 ? [n, 1] : [n];
  const buf = f.buffer;
  if (Array.isArray(buf)) return new ort.Tensor('string', n === buf.length ? buf : buf.slice(0, n), dims);
  const data = buf.length === n ? buf : buf.subarray(0, n);
  return new ort.Tensor(f.type as 'float32', data as Float32Array, dims);
}
