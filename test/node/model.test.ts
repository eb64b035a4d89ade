import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../src/core/errors';
import { parseCsv } from '../../src/core/csv';
import { checkManifestAgainstTable, encodeTable, encodeTarget, manifestWidth, MANIFEST_FORMAT, validateManifest, type Manifest } from '../../src/core/manifest';
import { createModelScorer, loadLayersModelFromFiles, saveModelArtifacts } from '../../src/core/model';
import { rocAuc, stratifiedSplit } from '../../src/core/train';
import { createReferenceScorer, parsePeerModel, peerModelToLayersModel, referenceForward } from '../../src/core/reference-mlp';
import { rejects } from './synthetic';
import { liveTensors, setupTfAndCheckLeaks, tf } from './tf-setup';

const peerDir = fileURLToPath(new URL('../fixtures/peer/', import.meta.url));
const mlpJson = JSON.parse(readFileSync(peerDir + 'mlp.json', 'utf8')) as unknown;
const logisticJson = JSON.parse(readFileSync(peerDir + 'logistic.json', 'utf8')) as unknown;

/** rows of a small numeric CSV as one row-major Float32Array */
function readMatrix(file: string): { X: Float32Array; n: number; d: number } {
  const lines = readFileSync(peerDir + file, 'utf8').trim().split(/\r?\n/);
  const d = lines[0].split(',').length;
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return { X: Float32Array.from(rows.flat()), n: rows.length, d };
}
const explain = readMatrix('explain.csv');
const background = readMatrix('background.csv');

function peerManifest(output: 'probability' | 'logit' = 'probability', width = 8): Manifest {
  return validateManifest({
    format: MANIFEST_FORMAT,
    target: { column: 'y', positive: '1' },
    features: Array.from({ length: width }, (_, i) => ({ column: `f${i}`, kind: 'numeric' })),
    output,
  });
}

function toFiles(files: { name: string; data: Uint8Array }[]) {
  return files.map((f) => ({ name: f.name, data: f.data }));
}

setupTfAndCheckLeaks();

describe('reference forward pass', () => {
  it('matches a hand computation for the logistic model', () => {
    const m = parsePeerModel(logisticJson);
    if (m.type !== 'logistic') throw new Error('fixture');
    const x = Array.from(explain.X.subarray(0, 8));
    const z = m.bias + x.reduce((a, v, k) => a + v * m.weights[k], 0);
    expect(referenceForward(m, explain.X, 1, 8)[0]).toBeCloseTo(1 / (1 + Math.exp(-z)), 14);
  });
  it('rejects malformed peer models', () => {
    expect(() => parsePeerModel({ type: 'mlp', weights_layout: 'out_in', layers: [] })).toThrow(/weights_layout/);
    expect(() => parsePeerModel({ type: 'tree' })).toThrow(/not "mlp" or "logistic"/);
  });
});

describe('tfjs adapter vs reference', () => {
  for (const [name, json] of [['mlp', mlpJson], ['logistic', logisticJson]] as const) {
    for (const [file, data] of [['explain.csv', explain], ['background.csv', background]] as const) {
      it(`${name}: createModelScorer(peerModelToLayersModel) equals referenceForward to 1e-6 on ${file}`, async () => {
        const n0 = liveTensors();
        const model = peerModelToLayersModel(json);
        const scorer = createModelScorer(model, peerManifest());
        const got = await scorer.predict(data.X, data.n);
        const want = referenceForward(json, data.X, data.n, data.d);
        expect(got).toBeInstanceOf(Float32Array);
        expect(got.length).toBe(data.n);
        let maxErr = 0;
        for (let i = 0; i < data.n; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
        expect(maxErr).toBeLessThan(1e-6);
        const ref = await createReferenceScorer(json).predict(data.X, data.n);
        for (let i = 0; i < data.n; i++) expect(Math.abs(ref[i] - want[i])).toBeLessThan(1e-7);
        scorer.dispose();
        model.dispose();
        expect(liveTensors()).toBe(n0);
      });
    }
  }

  it('predicts in chunks of batchSize rows (≥ 1000) without leaking', async () => {
    const n0 = liveTensors();
    const model = peerModelToLayersModel(mlpJson);
    const n = 2500;
    const X = new Float32Array(n * 8);
    for (let i = 0; i < X.length; i++) X[i] = background.X[i % background.X.length];
    const scorer = createModelScorer(model, peerManifest(), { batchSize: 10 }); // raised to 1000
    const got = await scorer.predict(X, n);
    const want = referenceForward(mlpJson, X, n, 8);
    for (let i = 0; i < n; i += 97) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
    expect(Math.abs(got[n - 1] - want[n - 1])).toBeLessThan(1e-6);
    expect((await scorer.predict(X, 0)).length).toBe(0);
    scorer.dispose();
    await expect(scorer.predict(X, 1)).rejects.toThrow(/disposed/);
    model.dispose();
    expect(liveTensors()).toBe(n0);
  });

  it('applies a sigmoid when the manifest says the output is a logit', async () => {
    const n0 = liveTensors();
    // the same weights with a linear last layer emit the logit
    const peer = parsePeerModel(mlpJson);
    if (peer.type !== 'mlp') throw new Error('fixture');
    const linear = { ...peer, layers: peer.layers.map((l, i) => (i === peer.layers.length - 1 ? { ...l, activation: 'linear' as const } : l)) };
    const model = peerModelToLayersModel(linear);
    const scorer = createModelScorer(model, peerManifest('logit'));
    const got = await scorer.predict(explain.X, explain.n);
    const want = referenceForward(mlpJson, explain.X, explain.n, 8);
    for (let i = 0; i < explain.n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-6);
    scorer.dispose();
    model.dispose();
    expect(liveTensors()).toBe(n0);
  });

  it('takes column 1 of a two-column softmax output', async () => {
    const n0 = liveTensors();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, activation: 'softmax', inputShape: [8], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    const scorer = createModelScorer(model, peerManifest());
    const got = await scorer.predict(explain.X, explain.n);
    const x = tf.tensor2d(explain.X, [explain.n, 8]);
    const y = model.predict(x) as tf.Tensor;
    const all = await y.data();
    x.dispose();
    y.dispose();
    for (let i = 0; i < explain.n; i++) expect(got[i]).toBeCloseTo(all[2 * i + 1], 6);
    const logitScorer = createModelScorer(model, peerManifest('logit'));
    expect((await logitScorer.predict(explain.X, 1)).length).toBe(1);
    model.dispose();
    expect(liveTensors()).toBe(n0);
  });

  it('says how the widths differ when model and manifest disagree', () => {
    const model = peerModelToLayersModel(mlpJson);
    const m = validateManifest({
      format: MANIFEST_FORMAT,
      target: { column: 'y', positive: 'yes' },
      features: [
        { column: 'age', kind: 'numeric' },
        { column: 'job', kind: 'categorical', categories: ['a', 'b', 'c', 'd', 'e'] },
        { column: 'balance', kind: 'numeric' },
      ],
      output: 'probability',
    });
    let err: unknown;
    try {
      createModelScorer(model, m);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('model-shape-mismatch');
    expect((err as WorkbenchError).message).toBe('the model takes 8 inputs but the manifest encodes 7 (age 1, job 5, balance 1)');
    model.dispose();
  });

  it('rejects a multi-class output', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [8] })] });
    expect(() => createModelScorer(model, peerManifest())).toThrow(/output has shape \[null, 3\]/);
    model.dispose();
  });
});

describe('save and load', () => {
  it('round-trips through saveModelArtifacts → loadLayersModelFromFiles with the same predictions', async () => {
    const n0 = liveTensors();
    const model = peerModelToLayersModel(mlpJson);
    const files = await saveModelArtifacts(model);
    expect(files.map((f) => f.name)).toEqual(['model.json', 'model.weights.bin']);
    const json = JSON.parse(new TextDecoder().decode(files[0].data));
    expect(json.weightsManifest[0].paths).toEqual(['model.weights.bin']);
    expect(files[1].data.byteLength).toBe((8 * 32 + 32 + 32 * 16 + 16 + 16 + 1) * 4);
    // a manifest and a stray file among the chosen ones are fine; order does not matter
    const loaded = await loadLayersModelFromFiles([
      { name: 'model.manifest.json', data: new TextEncoder().encode(JSON.stringify({ format: MANIFEST_FORMAT })) },
      ...toFiles(files).reverse(),
      { name: 'README.txt', data: new Uint8Array([65]) },
    ]);
    const a = createModelScorer(model, peerManifest());
    const b = createModelScorer(loaded, peerManifest());
    const pa = await a.predict(background.X, background.n);
    const pb = await b.predict(background.X, background.n);
    expect(Array.from(pb)).toEqual(Array.from(pa));
    // saving the loaded model gives the same bytes
    const again = await saveModelArtifacts(loaded);
    expect(Buffer.from(again[1].data).equals(Buffer.from(files[1].data))).toBe(true);
    model.dispose();
    loaded.dispose();
    expect(liveTensors()).toBe(n0);
  });

  it('joins several shards in weightsManifest order, matching names without folders', async () => {
    const model = peerModelToLayersModel(mlpJson);
    const [mj, bin] = await saveModelArtifacts(model);
    const json = JSON.parse(new TextDecoder().decode(mj.data));
    const cut = 1000;
    json.weightsManifest[0].paths = ['./group1-shard1of2.bin', 'group1-shard2of2.bin'];
    const loaded = await loadLayersModelFromFiles([
      { name: 'out/group1-shard2of2.bin', data: bin.data.slice(cut).buffer },
      { name: 'out/model.json', data: new TextEncoder().encode(JSON.stringify(json)) },
      { name: 'out/group1-shard1of2.bin', data: bin.data.slice(0, cut) },
    ]);
    const p1 = await createModelScorer(model, peerManifest()).predict(explain.X, explain.n);
    const p2 = await createModelScorer(loaded, peerManifest()).predict(explain.X, explain.n);
    expect(Array.from(p2)).toEqual(Array.from(p1));
    model.dispose();
    loaded.dispose();
  });

  it('names the missing weight shard', async () => {
    const model = peerModelToLayersModel(logisticJson);
    const [mj] = await saveModelArtifacts(model);
    const json = JSON.parse(new TextDecoder().decode(mj.data));
    json.weightsManifest[0].paths = ['group1-shard1of1.bin'];
    const e = await rejects(loadLayersModelFromFiles([{ name: 'model.json', data: new TextEncoder().encode(JSON.stringify(json)) }]));
    expect(e.code).toBe('model-missing-weights');
    expect(e.message).toBe("model.json needs weight file 'group1-shard1of1.bin', which was not among the chosen files");
    expect(e.hint).toMatch(/model\.json together with/);
    model.dispose();
  });

  it('explains bad model files', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    let e = await rejects(loadLayersModelFromFiles([{ name: 'model.json', data: enc('{not json') }]));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/not valid JSON/);
    e = await rejects(loadLayersModelFromFiles([{ name: 'model.json', data: enc(JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] })) }]));
    expect(e.message).toMatch(/graph model, not a Layers model/);
    expect(e.hint).toMatch(/loadGraphModelFromFiles/);
    e = await rejects(loadLayersModelFromFiles([{ name: 'weights.bin', data: new Uint8Array(4) }]));
    expect(e.message).toMatch(/no model\.json among the chosen files/);
    // wrong shard: sizes differ
    const model = peerModelToLayersModel(logisticJson);
    const [mj] = await saveModelArtifacts(model);
    e = await rejects(loadLayersModelFromFiles([mj, { name: 'model.weights.bin', data: new Uint8Array(12) }]));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toMatch(/hold 12 bytes but model\.json describes 36 bytes/);
    model.dispose();
  });
});

const demoDir = fileURLToPath(new URL('../../public/demo/bank/', import.meta.url));
const demoFiles = ['model.json', 'model.weights.bin', 'model.manifest.json'];

describe('the shipped demo model', () => {
  it.skipIf(!demoFiles.every((f) => existsSync(demoDir + f)))('loads, matches its manifest and reproduces its recorded validation AUC', async () => {
    const n0 = liveTensors();
    const manifest = validateManifest(JSON.parse(readFileSync(demoDir + 'model.manifest.json', 'utf8')));
    expect(manifestWidth(manifest)).toBe(50);
    expect(manifest.protected?.map((p) => p.column)).toEqual(['age', 'marital']);
    const model = await loadLayersModelFromFiles(demoFiles.map((name) => ({ name, data: new Uint8Array(readFileSync(demoDir + name)) })));
    const { table } = parseCsv(new Uint8Array(readFileSync(demoDir + 'bank-full.csv')));
    checkManifestAgainstTable(manifest, table);
    const labels = encodeTarget(table, manifest.target);
    const { validation } = stratifiedSplit(labels, 0.2, manifest.training?.seed as number);
    const scorer = createModelScorer(model, manifest);
    const p = await scorer.predict(encodeTable(table, manifest, validation), validation.length);
    const auc = rocAuc(p, Array.from(validation, (r) => labels[r]))!;
    expect(auc).toBeGreaterThan(0.75);
    expect(Math.abs(auc - (manifest.training?.metrics?.valAuc as number))).toBeLessThan(1e-6);
    model.dispose();
    expect(liveTensors()).toBe(n0);
  });
});
