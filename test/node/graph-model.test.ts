/**
 * TensorFlow.js graph models (test/fixtures/graph, written by scripts/make-graph-fixture.ts):
 * loaded from bytes and scored under the manifest, the scores equal the float64 reference to
 * 1e-6; output modes, signature-less graphs, and each refusal with its error code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/csv';
import { encodeTable, validateManifest, type Manifest } from '../../src/core/manifest';
import { createGraphScorer, describeGraphModel, loadGraphModelFromFiles } from '../../src/core/graph-model';
import { loadLayersModelFromFiles, type ModelFile } from '../../src/core/model';
import { openModel } from '../../src/core/open-model';
import { rejects } from './synthetic';
import { liveTensors, setupTfAndCheckLeaks } from './tf-setup';

const dir = fileURLToPath(new URL('../fixtures/graph/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(dir + name));
const SHARD = 'group1-shard1of1.bin';
const modelJson = JSON.parse(readFileSync(dir + 'model.json', 'utf8')) as GraphJson;
const manifest = validateManifest(JSON.parse(readFileSync(dir + 'model.manifest.json', 'utf8')));
const reference = (JSON.parse(readFileSync(dir + 'reference.json', 'utf8')) as { scores: number[] }).scores;
const { table } = parseCsv(read('data.csv'));
const X = encodeTable(table, manifest);

interface GraphNode { name: string; op: string; input?: string[]; attr?: Record<string, unknown> }
interface GraphJson { signature?: unknown; modelTopology: { node: GraphNode[] }; [k: string]: unknown }

const enc = (s: string) => new TextEncoder().encode(s);
function filesOf(json: unknown, shard: Uint8Array = read(SHARD)): ModelFile[] {
  return [{ name: 'model.json', data: enc(JSON.stringify(json)) }, { name: SHARD, data: shard }];
}
/**
 * The fixture's files with constants added to the graph: a graph model's Const nodes take
 * their values from the weights, so each one is a weight spec and bytes after the fixture's.
 */
function withConsts(json: GraphJson, consts: { name: string; dtype: 'float32' | 'int32'; values: number[] }[]): ModelFile[] {
  const g = structuredClone(json) as GraphJson & { weightsManifest: { weights: unknown[] }[] };
  const base = read(SHARD);
  const shard = new Uint8Array(base.length + 4 * consts.reduce((a, c) => a + c.values.length, 0));
  shard.set(base);
  let at = base.length;
  for (const c of consts) {
    const bytes = c.dtype === 'float32' ? new Float32Array(c.values) : new Int32Array(c.values);
    shard.set(new Uint8Array(bytes.buffer), at);
    at += bytes.byteLength;
    g.weightsManifest[0].weights.push({ name: c.name, shape: [], dtype: c.dtype });
    const type = c.dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    g.modelTopology.node.push({ name: c.name, op: 'Const', attr: { dtype: { type }, value: { tensor: { dtype: type, tensorShape: {} } } } });
  }
  return filesOf(g, shard);
}

/** The fixture's graph with its nodes changed by `edit` (a deep copy). */
function edited(edit: (g: GraphJson) => void): GraphJson {
  const g = structuredClone(modelJson);
  edit(g);
  return g;
}
function node(g: GraphJson, name: string): GraphNode {
  const n = g.modelTopology.node.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
}

async function scoresOf(files: ModelFile[], m: Manifest): Promise<Float32Array> {
  const model = await loadGraphModelFromFiles(files);
  let scorer;
  try {
    scorer = createGraphScorer(model, m, { disposeModel: true });
  } catch (e) {
    model.dispose();
    throw e;
  }
  try {
    return await scorer.predict(X, table.nRows);
  } finally {
    scorer.dispose();
  }
}

function expectReference(scores: Float32Array): void {
  expect(scores.length).toBe(reference.length);
  for (let i = 0; i < reference.length; i++) expect(Math.abs(scores[i] - reference[i])).toBeLessThan(1e-6);
}

setupTfAndCheckLeaks();

describe('graph model fixture', () => {
  it('scores data.csv equal to the float64 reference to 1e-6, without leaking tensors', async () => {
    const n0 = liveTensors();
    expectReference(await scoresOf(filesOf(modelJson), manifest));
    expect(liveTensors()).toBe(n0);
  });

  it('reads the same in small batches, with the shard under a folder path and a manifest among the files', async () => {
    const model = await loadGraphModelFromFiles([
      { name: 'out/model.manifest.json', data: read('model.manifest.json') },
      { name: `out/${SHARD}`, data: read(SHARD) },
      { name: 'out/model.json', data: read('model.json') },
    ]);
    const scorer = createGraphScorer(model, manifest, { batchSize: 7, disposeModel: true });
    expectReference(await scorer.predict(X, table.nRows));
    scorer.dispose();
  });

  it('describes its input and output', async () => {
    const model = await loadGraphModelFromFiles(filesOf(modelJson));
    expect(describeGraphModel(model)).toEqual(['input serving_default_x [N, 5] float32', 'output Identity']);
    model.dispose();
  });

  it('loads a graph without a signature (its input and output found from the nodes)', async () => {
    expectReference(await scoresOf(filesOf(edited((g) => delete g.signature)), manifest));
  });

  it("reads a graph that ends in the logit under output 'logit'", async () => {
    const logit = edited((g) => {
      delete g.signature;
      node(g, 'Identity').input = ['dense/BiasAdd'];
      g.modelTopology.node = g.modelTopology.node.filter((n) => n.name !== 'dense/Sigmoid');
    });
    expectReference(await scoresOf(filesOf(logit), { ...manifest, output: 'logit' }));
    // the same graph under 'probability' gives log-odds outside [0, 1]: refused, not passed on
    const e = await rejects(scoresOf(filesOf(logit), manifest));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/outside \[0, 1\]/);
  });

  it('runs a graph with a dynamic op (Where) through executeAsync, with the same scores', async () => {
    // out = GatherNd(p, Where(p >= 0)): every row, but a shape tfjs knows only at run time
    const dynamic = edited((g) => {
      delete g.signature;
      g.modelTopology.node = g.modelTopology.node.filter((n) => n.name !== 'Identity');
      g.modelTopology.node.push(
        { name: 'keep', op: 'GreaterEqual', input: ['dense/Sigmoid', 'zero'], attr: { T: { type: 'DT_FLOAT' } } },
        { name: 'where', op: 'Where', input: ['keep'], attr: { T: { type: 'DT_BOOL' } } },
        { name: 'Identity', op: 'GatherNd', input: ['dense/Sigmoid', 'where'], attr: { Tparams: { type: 'DT_FLOAT' }, Tindices: { type: 'DT_INT64' } } },
      );
    });
    const n0 = liveTensors();
    expectReference(await scoresOf(withConsts(dynamic, [{ name: 'zero', dtype: 'float32', values: [0] }]), manifest));
    expect(liveTensors()).toBe(n0);
  });

  it('reads column 1 of a two-class output', async () => {
    // [1 − p, p] from the sigmoid: Sub(1, p) and p packed side by side
    const two = edited((g) => {
      delete g.signature;
      g.modelTopology.node = g.modelTopology.node.filter((n) => n.name !== 'Identity');
      g.modelTopology.node.push(
        { name: 'neg', op: 'Sub', input: ['one', 'dense/Sigmoid'], attr: { T: { type: 'DT_FLOAT' } } },
        { name: 'Identity', op: 'ConcatV2', input: ['neg', 'dense/Sigmoid', 'axis'], attr: { T: { type: 'DT_FLOAT' }, N: { i: '2' } } },
      );
    });
    expectReference(await scoresOf(withConsts(two, [{ name: 'one', dtype: 'float32', values: [1] }, { name: 'axis', dtype: 'int32', values: [1] }]), manifest));
  });
});

describe('graph model refusals', () => {
  it("refuses a manifest of another width with 'model-shape-mismatch', naming both widths", async () => {
    const narrow = validateManifest({ ...manifest, features: manifest.features.slice(0, 2) });
    const model = await loadGraphModelFromFiles(filesOf(modelJson));
    const err = await rejects((async () => createGraphScorer(model, narrow))());
    expect(err.code).toBe('model-shape-mismatch');
    expect(err.message).toMatch(/takes 5 inputs but the manifest encodes 2/);
    model.dispose();
  });

  it('refuses an output that is not one or two columns when the first batch comes back', async () => {
    const three = edited((g) => {
      delete g.signature;
      node(g, 'Identity').op = 'ConcatV2';
      node(g, 'Identity').input = ['dense/Sigmoid', 'dense/Sigmoid', 'dense/Sigmoid', 'axis'];
      node(g, 'Identity').attr = { T: { type: 'DT_FLOAT' }, N: { i: '3' } };
    });
    const e = await rejects(scoresOf(withConsts(three, [{ name: 'axis', dtype: 'int32', values: [1] }]), manifest));
    expect(e.code).toBe('model-shape-mismatch');
    expect(e.message).toMatch(/shape \[30, 3\]/);
  });

  it('needs the output named when the graph has two', async () => {
    const twoOutputs = edited((g) => {
      delete g.signature;
      g.modelTopology.node.push({ name: 'Logit', op: 'Identity', input: ['dense/BiasAdd'], attr: { T: { type: 'DT_FLOAT' } } });
    });
    const e = await rejects(scoresOf(filesOf(twoOutputs), manifest));
    expect(e.code).toBe('model-shape-mismatch');
    expect(e.message).toMatch(/2 outputs/);
    expectReference(await scoresOf(filesOf(twoOutputs), { ...manifest, model: { outputName: 'Identity' } }));
    expectReference(await scoresOf(filesOf(twoOutputs), { ...manifest, output: 'logit', model: { outputName: 'Logit' } }));
    const missing = await rejects(scoresOf(filesOf(twoOutputs), { ...manifest, model: { outputName: 'score' } }));
    expect(missing.message).toMatch(/names output 'score'/);
  });

  it("says which weight file is missing ('model-missing-weights') and refuses weights of the wrong size", async () => {
    const e = await rejects(loadGraphModelFromFiles([{ name: 'model.json', data: read('model.json') }]));
    expect(e.code).toBe('model-missing-weights');
    expect(e.message).toContain(`'${SHARD}'`);
    const short = await rejects(loadGraphModelFromFiles(filesOf(modelJson, read(SHARD).subarray(0, 20))));
    expect(short.code).toBe('model-invalid');
    expect(short.message).toMatch(/hold 20 bytes but model.json describes 24/);
  });

  it('refuses a Layers model.json, and the Layers loader sends a graph model to the graph loader', async () => {
    const layers = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: {} }, weightsManifest: [] };
    const e = await rejects(loadGraphModelFromFiles(filesOf(layers)));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/not a TensorFlow.js graph model/);
    const g = await rejects(loadLayersModelFromFiles(filesOf(modelJson)));
    expect(g.code).toBe('model-invalid');
    expect(g.message).toMatch(/graph model, not a Layers model/);
  });

  it("refuses a graph tfjs cannot build (an op it does not know) with 'model-invalid'", async () => {
    const unknownOp = edited((g) => {
      node(g, 'dense/Sigmoid').op = 'NoSuchOp';
    });
    const e = await rejects(loadGraphModelFromFiles(filesOf(unknownOp)).then(async (m) => {
      try {
        return await createGraphScorer(m, manifest).predict(X, table.nRows);
      } finally {
        m.dispose();
      }
    }));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/could not run the graph model: .*NoSuchOp/);
  });

  it("refuses a graph with a second input ('model-shape-mismatch')", async () => {
    const twoInputs = edited((g) => {
      delete g.signature;
      g.modelTopology.node.push(
        { name: 'extra', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '1' }] } } } },
        { name: 'dense/Sum', op: 'AddV2', input: ['dense/BiasAdd', 'extra'], attr: { T: { type: 'DT_FLOAT' } } },
      );
      node(g, 'dense/Sigmoid').input = ['dense/Sum'];
    });
    const e = await rejects(scoresOf(filesOf(twoInputs), manifest));
    expect(e.code).toBe('model-shape-mismatch');
    expect(e.message).toMatch(/2 inputs/);
  });
});

describe('openModel on a graph model', () => {
  it("opens the fixture as 'tfjs-graph' (no Layers model) with the reference scores, and dispose frees its weights", async () => {
    const n0 = liveTensors();
    const opened = await openModel([...filesOf(modelJson), { name: 'model.manifest.json', data: read('model.manifest.json') }], manifest);
    expect(opened.format).toBe('tfjs-graph');
    expect(opened.layers).toBeNull();
    expect(opened.describe).toEqual(['TensorFlow.js graph model', 'input serving_default_x [N, 5] float32', 'output Identity']);
    expectReference(await opened.scorer.predict(X, table.nRows));
    expect(liveTensors()).toBeGreaterThan(n0);
    opened.dispose();
    expect(liveTensors()).toBe(n0);
  });

  it('refuses a graph model under a manifest that declares another format', async () => {
    const e = await rejects(openModel(filesOf(modelJson), { ...manifest, model: { format: 'onnx' } }));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/says the model is onnx.*tfjs-graph/);
  });
});

