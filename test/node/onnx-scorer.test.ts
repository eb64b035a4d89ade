/**
 * The ONNX scorer on the real onnxruntime-web (wasm, in Node): scores equal the fixtures'
 * float64 references (computed by scripts/make-onnx-fixtures.ts from the weights and trees,
 * not by ORT) to 1e-6, for the encoded-row input, the skl2onnx named inputs with a ZipMap-only
 * output, and the tree ensemble; and every refusal says what is wrong.
 */
import { describe, expect, it } from 'vitest';
import pkg from 'onnx-proto';
import { WorkbenchError } from '../../src/core/errors';
import { encodeTable, type Manifest } from '../../src/core/manifest';
import { inspectOnnx, openOnnxModel, readOnnxGraph, withExtraOutputs } from '../../src/core/onnx';
import { detectFormat, openModel } from '../../src/core/open-model';
import { manifestOf, maxAbsDiff, modelBytes, open, ort, reference, table, type FixtureName } from './onnx-fixtures';

const { onnx } = pkg;

async function scores(name: FixtureName, manifest: Manifest = manifestOf(name)): Promise<Float32Array> {
  const opened = await open(name, manifest);
  try {
    return await opened.scorer.predict(encodeTable(table, manifest), table.nRows);
  } finally {
    opened.dispose();
  }
}

async function refusal(p: Promise<unknown>): Promise<WorkbenchError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error('expected a refusal');
}

describe('ONNX scores equal the float64 references (1e-6)', () => {
  it.each(['logistic', 'pipeline', 'trees'] as const)('%s', async (name) => {
    const p = await scores(name);
    expect(p.length).toBe(table.nRows);
    expect(maxAbsDiff(p, reference(name))).toBeLessThan(1e-6);
  });

  it('the pipeline with default bindings (input names = columns, types from the model) and the output found by itself', async () => {
    const m = manifestOf('pipeline', (j) => {
      j.model = { format: 'onnx' };
    });
    expect(maxAbsDiff(await scores('pipeline', m), reference('pipeline'))).toBeLessThan(1e-6);
  });

  it('small batches give the same scores (buffers refilled, a short last batch)', async () => {
    const m = manifestOf('trees');
    const model = await openOnnxModel(await ort(), modelBytes('trees'), m, { batchSize: 7 });
    const p = await model.scorer.predict(encodeTable(table, m), table.nRows);
    model.scorer.dispose();
    expect(maxAbsDiff(p, reference('trees'))).toBeLessThan(1e-6);
  });

  it('model.index reads another column: column 0 of the two-class output is 1 − P(positive)', async () => {
    const m = manifestOf('pipeline', (j) => {
      (j.model as Record<string, unknown>).index = 0;
    });
    const ref = reference('pipeline');
    const p = await scores('pipeline', m);
    expect(maxAbsDiff(p, ref.map((x) => 1 - x))).toBeLessThan(1e-6);
  });

  it('openModel says what it opened', async () => {
    const opened = await open('pipeline');
    opened.dispose();
    expect(opened.format).toBe('onnx');
    expect(opened.layers).toBeNull();
    expect(opened.describe.join('\n')).toMatch(/input 'job' string \[N, 1\] ← column 'job'/);
    expect(opened.describe.join('\n')).toMatch(/behind the ZipMap 'output_probability'.*class 'yes'/);
  });
});

describe('ZipMap outputs', () => {
  it('the pipeline has no probability tensor among its outputs: ORT alone cannot read it', async () => {
    const o = await ort();
    const session = await o.InferenceSession.create(modelBytes('pipeline'));
    expect(session.outputNames).toEqual(['label', 'output_probability']);
    expect(session.outputMetadata.find((m) => m.name === 'output_probability')?.isTensor).toBe(false);
    await session.release();
  });

  it('withExtraOutputs exposes the tensor behind the ZipMap', async () => {
    const o = await ort();
    const session = await o.InferenceSession.create(withExtraOutputs(modelBytes('pipeline'), ['probabilities']));
    expect(session.outputNames).toContain('probabilities');
    await session.release();
    expect(readOnnxGraph(withExtraOutputs(modelBytes('pipeline'), ['probabilities'])).outputNames).toEqual(['label', 'output_probability', 'probabilities']);
  });

  it('inspectOnnx lists inputs, outputs (the ZipMap as a map) and the class labels', async () => {
    const info = await inspectOnnx(modelBytes('pipeline'), await ort());
    expect(info.inputs.map((i) => [i.name, i.type])).toEqual([['age', 'float32'], ['campaign', 'int64'], ['job', 'string']]);
    expect(info.outputs.map((i) => [i.name, i.type])).toEqual([['label', 'string'], ['output_probability', 'map']]);
    expect(info.classLabels).toEqual(['no', 'yes']);
    expect(info.zipMaps).toEqual([{ output: 'output_probability', tensor: 'probabilities' }]);
  });
});

describe('format detection', () => {
  it('.onnx, bytes that are not JSON, and model.json', () => {
    expect(detectFormat([{ name: 'm.onnx', data: new Uint8Array([1]) }])).toBe('onnx');
    expect(detectFormat([{ name: 'blob', data: modelBytes('trees') }])).toBe('onnx');
    expect(detectFormat([{ name: 'model.json', data: new TextEncoder().encode('{"modelTopology": {"class_name": "Sequential"}}') }])).toBe('tfjs-layers');
    expect(detectFormat([{ name: 'model.json', data: new TextEncoder().encode('{"format": "graph-model", "modelTopology": {"node": []}}') }])).toBe('tfjs-graph');
  });

  it('a manifest whose model.format disagrees with the files is refused', async () => {
    const m = manifestOf('trees', (j) => {
      j.model = { format: 'tfjs-layers' };
    });
    const e = await refusal(open('trees', m));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/says the model is tfjs-layers, but the chosen files are a onnx model/);
  });
});

/** A one-node model built here (for refusals the fixtures cannot show). */
function tinyModel(nodes: pkg.onnx.INodeProto[], inputs: pkg.onnx.IValueInfoProto[], outputs: pkg.onnx.IValueInfoProto[], initializer: pkg.onnx.ITensorProto[] = []): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph: { name: 'tiny', node: nodes, input: inputs, output: outputs, initializer } }),
  ).finish();
}

function floatInfo(name: string, dims: (number | string)[]): pkg.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

describe('refusals', () => {
  it('a file that is not ONNX', async () => {
    const e = await refusal(open('trees', manifestOf('trees'), new TextEncoder().encode('age,job\n41,admin.\n')));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/'trees\.onnx' is not an ONNX model/);
    expect(e.hint).toMatch(/skl2onnx/);
  });

  it('ORT refusing a well-formed protobuf (an operator it does not know) is said in a sentence', async () => {
    const bytes = tinyModel([{ opType: 'NoSuchOperator', input: ['x'], output: ['y'] }], [floatInfo('x', ['N', 5])], [floatInfo('y', ['N', 1])]);
    const e = await refusal(open('trees', manifestOf('trees'), bytes));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/^ONNX Runtime could not open 'trees\.onnx': .*NoSuchOperator/);
  });

  it("ORT failing while scoring names the rows (a reshape that fits no batch of 40)", async () => {
    const shape: pkg.onnx.ITensorProto = { name: 'shape', dims: [2], dataType: 7, int64Data: [3, 1] };
    const bytes = tinyModel([{ opType: 'Reshape', input: ['x', 'shape'], output: ['y'] }], [floatInfo('x', ['N', 5])], [floatInfo('y', [3, 1])], [shape]);
    const m = manifestOf('trees');
    const opened = await open('trees', m, bytes);
    const e = await refusal(opened.scorer.predict(encodeTable(table, m), table.nRows));
    opened.dispose();
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/^the ONNX model failed on rows 1–40: /);
  });

  it('a width that differs from the manifest (model-shape-mismatch, as for tfjs)', async () => {
    const m = manifestOf('logistic', (j) => {
      (j.features as Record<string, unknown>[])[2].categories = ['married', 'single'];
    });
    const e = await refusal(open('logistic', m));
    expect(e.code).toBe('model-shape-mismatch');
    expect(e.message).toMatch(/input 'float_input' has shape \[N, 7\] but the manifest encodes 6 values per row \(age 1, balance 1, marital 2, housing 2\)/);
  });

  it('model inputs the manifest does not map are listed', async () => {
    const m = manifestOf('pipeline', (j) => {
      (j.model as { inputs: unknown[] }).inputs.pop();
    });
    const e = await refusal(open('pipeline', m));
    expect(e.code).toBe('model-shape-mismatch');
    expect(e.message).toMatch(/maps no column to the ONNX model's input 'job'/);
    const renamed = manifestOf('pipeline', (j) => {
      j.model = {};
      (j.features as Record<string, unknown>[])[1].column = 'n_campaign';
    });
    const e2 = await refusal(open('pipeline', renamed));
    expect(e2.message).toMatch(/the manifest maps none of them by name: 'campaign' is not a column of the manifest/);
  });

  it('a binding to an input the model does not have, or of another type', async () => {
    const m = manifestOf('pipeline', (j) => {
      (j.model as { inputs: { name: string }[] }).inputs[0].name = 'Age';
    });
    const e = await refusal(open('pipeline', m));
    expect(e.message).toMatch(/the manifest maps 'Age', which the ONNX model does not have as an input; its inputs are 'age', 'campaign', 'job'/);
    const t = manifestOf('pipeline', (j) => {
      (j.model as { inputs: { type?: string }[] }).inputs[1].type = 'string';
    });
    const e2 = await refusal(open('pipeline', t));
    expect(e2.message).toMatch(/model\.inputs says 'campaign' is string, but the ONNX model declares it int64/);
  });

  it('an output that holds labels, one the model lacks, and a positive class the classifier does not know', async () => {
    const label = await refusal(open('pipeline', manifestOf('pipeline', (j) => ((j.model as Record<string, unknown>).outputName = 'label'))));
    expect(label.code).toBe('model-shape-mismatch');
    expect(label.message).toMatch(/output 'label' holds string, not scores/);
    const none = await refusal(open('pipeline', manifestOf('pipeline', (j) => ((j.model as Record<string, unknown>).outputName = 'proba'))));
    expect(none.message).toMatch(/names the output 'proba', which the ONNX model does not have; its outputs are 'label' \(string\), 'output_probability' \(map\)/);
    const positive = await refusal(open('pipeline', manifestOf('pipeline', (j) => ((j.target as Record<string, unknown>).positive = '1'))));
    expect(positive.message).toMatch(/has the classes 'no', 'yes', and none is the manifest's positive class '1'/);
    expect(positive.hint).toMatch(/"index"/);
  });

  it('a model with two float outputs and no outputName', async () => {
    const bytes = tinyModel(
      [{ opType: 'Identity', input: ['x'], output: ['a'] }, { opType: 'Identity', input: ['x'], output: ['b'] }],
      [floatInfo('x', ['N', 5])],
      [floatInfo('a', ['N', 5]), floatInfo('b', ['N', 5])],
    );
    const e = await refusal(open('trees', manifestOf('trees'), bytes));
    expect(e.message).toMatch(/has 2 float outputs and the manifest does not say which holds the score: 'a' \(float32\), 'b' \(float32\)/);
  });

  it('no ONNX runtime given to openModel', async () => {
    const e = await refusal(openModel([{ name: 'trees.onnx', data: modelBytes('trees') }], manifestOf('trees')));
    expect(e.code).toBe('internal');
  });
});
