/**
 * A model whose output is not a score is refused by every command that runs it: a real tfjs
 * model with a NaN weight (every output NaN) and a linear model declared as 'probability'
 * (outputs outside [0, 1]). The scorer throws `model-invalid` naming how many rows and the
 * first one; score, audit --model, explain and importance exit 1 with that one line. A score
 * column with missing, text or out-of-range values is refused by audit --score as before.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run, writeIn } from './cli-harness';
import { createModelScorer, saveModelArtifacts } from '../../src/core/model';
import { validateManifest } from '../../src/core/manifest';
import { setupTf, tf } from './tf-setup';
import { rejects } from './synthetic';

let dir: string;
let nanModel: string;
let linearModel: string;
let data: string;

afterEach(() => vi.restoreAllMocks());

const MANIFEST = {
  format: 'bias-workbench.manifest/1',
  target: { column: 'y', positive: '1' },
  features: [
    { column: 'x1', kind: 'numeric' },
    { column: 'x2', kind: 'numeric' },
  ],
  output: 'probability',
  threshold: 0.5,
};

/** A 2 → 1 dense model with this kernel and bias 0. */
function buildModel(kernel: number[], activation: 'sigmoid' | 'linear'): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation, inputShape: [2], name: 'out' })] });
  const w = [tf.tensor2d(kernel, [2, 1]), tf.tensor1d([0])];
  model.setWeights(w);
  w.forEach((t) => t.dispose());
  return model;
}

/** The model saved with its manifest; returns the model.json path. */
async function saveModel(kernel: number[], activation: 'sigmoid' | 'linear'): Promise<string> {
  const model = buildModel(kernel, activation);
  const mdir = mkdtempSync(join(dir, 'model-'));
  for (const f of await saveModelArtifacts(model)) writeFileSync(join(mdir, f.name), f.data);
  writeFileSync(join(mdir, 'model.manifest.json'), JSON.stringify(MANIFEST));
  model.dispose();
  return join(mdir, 'model.json');
}

beforeAll(async () => {
  await setupTf();
  dir = makeTempDir('bw-nan-');
  nanModel = await saveModel([NaN, 1], 'sigmoid');
  linearModel = await saveModel([2, 1], 'linear');
  const lines = ['y,g,x1,x2'];
  for (let i = 0; i < 60; i++) lines.push(`${i % 3 === 0 ? 1 : 0},${i % 2 ? 'a' : 'b'},${(i % 7) - 3},${(i % 5) / 5}`);
  data = writeIn(dir, 'data.csv', lines.join('\n') + '\n');
});

describe('the model scorer refuses outputs that are not scores', () => {
  it('NaN weights: predict throws model-invalid with the count and the first row', async () => {
    const loaded = buildModel([NaN, 1], 'sigmoid');
    const scorer = createModelScorer(loaded, validateManifest(MANIFEST));
    const e = await rejects(scorer.predict(new Float32Array(6), 3));
    expect(e.code).toBe('model-invalid');
    expect(e.message).toBe("The model's output is not a number for 3 of 3 rows (first: row 1, NaN), so those rows have no score.");
    expect(e.hint).toMatch(/weights/);
    scorer.dispose();
    loaded.dispose();
  });
});

/** The one error line (notes and progress lines aside). */
function errorLines(err: string): string[] {
  return err
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('bias-workbench: ') && !l.startsWith('bias-workbench: note: '));
}

describe('every command that runs a model refuses NaN scores', () => {
  const commands: [string, () => string[]][] = [
    ['score', () => ['score', '--data', data, '--model', nanModel]],
    ['audit --model', () => ['audit', '--data', data, '--target', 'y', '--positive', '1', '--protected', 'g', '--model', nanModel]],
    ['explain', () => ['explain', '--data', data, '--model', nanModel, '--rows', '5', '--background', '5']],
    ['importance', () => ['importance', '--data', data, '--model', nanModel, '--target', 'y', '--positive', '1']],
  ];
  for (const [what, args] of commands) {
    it(`${what} exits 1 with one line naming the rows`, async () => {
      const r = await run(args());
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      const lines = errorLines(r.err);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/The model's output is not a number for [\d,]+ of [\d,]+ rows \(first: row 1, NaN\)/);
      expect(lines[0]).toMatch(/weights/);
    });
  }

  it("a model declared 'probability' whose outputs leave [0, 1] is refused with a pointer to \"output\": \"logit\"", async () => {
    const r = await run(['score', '--data', data, '--model', linearModel]);
    expect(r.code).toBe(1);
    expect(errorLines(r.err)[0]).toMatch(/outside \[0, 1\] for [\d,]+ of 60 rows \(first: row \d+, /);
    expect(r.err).toContain('"output": "logit"');
  });
});

describe('audit --score refuses scores that are not probabilities', () => {
  const cases: [string, string, RegExp][] = [
    ['an empty score', 'y,score,g\n1,0.2,a\n0,,b\n1,0.4,a\n', /1 row has no value in the score column 'score' \(first: data row 2\)/],
    ['the text NaN', 'y,score,g\n1,0.2,a\n0,NaN,b\n1,0.4,a\n', /no value in the score column|not a number/],
    ['a score above 1', 'y,score,g\n1,0.2,a\n0,1.5,b\n1,0.4,a\n', /outside \[0, 1\] \(first: data row 2: 1\.5\)/],
  ];
  for (const [what, csv, message] of cases) {
    it(`${what}: exit 1, one line`, async () => {
      const r = await run(['audit', '--data', writeIn(dir, `s-${what.replace(/\W/g, '')}.csv`, csv), '--target', 'y', '--positive', '1', '--score', 'score', '--protected', 'g']);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    });
  }
});
