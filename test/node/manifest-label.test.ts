/**
 * Manifest 'label' features and the `model` binding: validation (paths in the messages,
 * unknown keys refused) and the encoding of a label (index in categories, −1 when missing
 * or not listed; a numeric column matched by the number a category spells).
 */
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/core/csv';
import { WorkbenchError } from '../../src/core/errors';
import { checkManifestAgainstTable, encodeTable, featureSlices, manifestWidth, MANIFEST_FORMAT, validateManifest } from '../../src/core/manifest';

const base = () => ({
  format: MANIFEST_FORMAT,
  target: { column: 'y', positive: 'yes' },
  features: [
    { column: 'age', kind: 'numeric' },
    { column: 'job', kind: 'label', categories: ['admin.', 'retired', 'services'] },
    { column: 'campaign', kind: 'label', categories: ['1', '2', '3.0'] },
  ] as Record<string, unknown>[],
  output: 'probability',
  model: { format: 'onnx', inputs: [{ name: 'age', column: 'age', type: 'float' }, { name: 'job', column: 'job', type: 'string' }, { name: 'campaign', column: 'campaign', type: 'int64' }], outputName: 'output_probability', index: 1 },
});

function problem(json: unknown): string {
  try {
    validateManifest(json);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    expect((e as WorkbenchError).code).toBe('manifest-invalid');
    return (e as WorkbenchError).message;
  }
  throw new Error('expected manifest-invalid');
}

describe('validateManifest: label features and the model binding', () => {
  it('accepts them and keeps them', () => {
    const m = validateManifest(base());
    expect(m.features[1]).toEqual({ column: 'job', kind: 'label', categories: ['admin.', 'retired', 'services'] });
    expect(m.model).toEqual(base().model);
    expect(manifestWidth(m)).toBe(3);
    expect(featureSlices(m).map((s) => [s.column, s.kind, s.start, s.end])).toEqual([['age', 'numeric', 0, 1], ['job', 'label', 1, 2], ['campaign', 'label', 2, 3]]);
  });

  it.each([
    ['label without categories', (j: ReturnType<typeof base>) => delete j.features[1].categories, /features\[1\]\.categories must be a non-empty array of strings/],
    ['a category twice', (j: ReturnType<typeof base>) => (j.features[1].categories = ['a', 'a']), /features\[1\]\.categories\[1\] "a" is listed twice/],
    ['mean on a label', (j: ReturnType<typeof base>) => (j.features[1].mean = 3), /unknown field "features\[1\]\.mean" for a label feature/],
    ['model not an object', (j: ReturnType<typeof base>) => ((j as Record<string, unknown>).model = 'onnx'), /model must be an object/],
    ['unknown model key', (j: ReturnType<typeof base>) => ((j.model as Record<string, unknown>).outputname = 'x'), /unknown field "model\.outputname" \(did you mean "outputName"\?\)/],
    ['unknown format', (j: ReturnType<typeof base>) => ((j.model as Record<string, unknown>).format = 'pmml'), /model\.format must be one of "tfjs-layers", "tfjs-graph", "onnx", "scores", not "pmml"/],
    ['input to no feature', (j: ReturnType<typeof base>) => (j.model.inputs[2].column = 'campaing'), /model\.inputs\[2\]\.column "campaing" is not among the features \(did you mean "campaign"\?\)/],
    ['input name twice', (j: ReturnType<typeof base>) => (j.model.inputs[1].name = 'age'), /model\.inputs\[1\]\.name "age" repeats model\.inputs\[0\]/],
    ['bad input type', (j: ReturnType<typeof base>) => (j.model.inputs[0].type = 'float32'), /model\.inputs\[0\]\.type must be one of "float", "double", "int64", "int32", "string", "bool", not "float32"/],
    ['unknown input key', (j: ReturnType<typeof base>) => ((j.model.inputs[0] as Record<string, unknown>).shape = [1]), /unknown field "model\.inputs\[0\]\.shape"/],
    ['empty inputs', (j: ReturnType<typeof base>) => (j.model.inputs = []), /model\.inputs must be a non-empty array/],
    ['negative index', (j: ReturnType<typeof base>) => (j.model.index = -1), /model\.index must be a whole number ≥ 0/],
    ['empty outputName', (j: ReturnType<typeof base>) => (j.model.outputName = ''), /model\.outputName must be a non-empty string/],
    ['scoreColumn on an onnx model', (j: ReturnType<typeof base>) => ((j.model as Record<string, unknown>).scoreColumn = 'age'), /model\.scoreColumn goes with "format": "scores" only/],
    ['scores without scoreColumn', (j: ReturnType<typeof base>) => (j.model = { format: 'scores' } as never), /model\.scoreColumn is missing/],
  ])('refuses %s, naming the path', (_what, mutate, re) => {
    const j = base();
    mutate(j);
    expect(problem(j)).toMatch(re);
  });

  it('a scores model names a numeric feature', () => {
    const j = { ...base(), features: [{ column: 'vendor_score', kind: 'numeric' }], model: { format: 'scores', scoreColumn: 'vendor_score', scoreKind: 'score' } };
    expect(validateManifest(j).model).toEqual({ format: 'scores', scoreColumn: 'vendor_score', scoreKind: 'score' });
    expect(problem({ ...j, model: { format: 'scores', scoreColumn: 'other' } })).toMatch(/model\.scoreColumn "other" must be a numeric feature/);
  });
});

describe('encodeTable: label features', () => {
  const csv = 'age,job,campaign,y\n30,retired,1,no\n40,,2,yes\n50,student,3,no\n60,admin.,7,yes\n,services,,no\n';
  const table = parseCsvText(csv).table;
  const m = validateManifest(base());

  it('index in categories, −1 missing or unlisted; a numeric column by the number a category spells', () => {
    expect(table.columns.find((c) => c.name === 'campaign')?.type).toBe('numeric');
    const X = encodeTable(table, m);
    const col = (j: number) => Array.from({ length: table.nRows }, (_, i) => X[i * 3 + j]);
    expect(col(1)).toEqual([1, -1, -1, 0, 2]);
    expect(col(2)).toEqual([0, 1, 2, -1, -1]); // '3.0' matches 3; 7 is not listed; missing → −1
  });

  it('rows in a chosen order', () => {
    const X = encodeTable(table, m, Uint32Array.from([4, 0]));
    expect(Array.from(X)).toEqual([0, 2, -1, 30, 1, 0]);
  });

  it('warns about unlisted values in label words', () => {
    const { warnings } = checkManifestAgainstTable(m, table);
    expect(warnings.join('\n')).toMatch(/'job' has values the manifest does not list \('student'\); they encode as no category \(index −1\)/);
  });
});
