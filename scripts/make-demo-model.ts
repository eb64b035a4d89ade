/**
 * Builds the demo lead-scoring model shipped in public/demo/bank/:
 *   model.json + model.weights.bin (TensorFlow.js Layers model) and model.manifest.json.
 *
 *   npm run demo:model            (= npx tsx scripts/make-demo-model.ts)
 *   npx tsx scripts/make-demo-model.ts --out tmp/demo   (write elsewhere, e.g. to compare)
 *
 * Data: UCI Bank Marketing, bank-full.csv (45,211 calls of a Portuguese bank's term-deposit
 * campaign; `;`-separated, quoted). Target `y`, positive 'yes' (~11.7 %).
 *
 * Features: every column except
 *   - `y` (the target), and
 *   - `duration` (length of the call: known only after the call, and it leaks the outcome;
 *     the dataset's own notes say to drop it for a realistic predictive model).
 * `age` and `marital` ARE features, on purpose. A bought-in "lead score" usually uses
 * whatever demographics the CRM holds, and this demo exists to audit such a score: with age
 * and marital status in the model, the audit has real disparities to find and explain. The
 * manifest suggests them as protected attributes (age cut at 25/40/60, marital as is).
 *
 * Model: MLP 50 → 32 → 16 → 1 (ReLU, sigmoid output), Adam 0.01, batch 512, 20 epochs,
 * seed 42, stratified 80/20 train/validation split (seeded), trained with the tfjs wasm
 * backend (SIMD, single thread). Reproducible: the same inputs give byte-identical files on the
 * same backend; the provenance therefore carries no date (it would differ per run).
 */
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../src/core/csv';
import { describeProblem, toProblem } from '../src/core/errors';
import { encodeTable, encodeTarget, manifestWidth, validateManifest } from '../src/core/manifest';
import { createModelScorer, loadLayersModelFromFiles, saveModelArtifacts } from '../src/core/model';
import { tf } from '../src/core/tf';
import { rocAuc, trainModel } from '../src/core/train';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const csvPath = join(root, 'public/demo/bank/bank-full.csv');
const outArg = process.argv.indexOf('--out');
const outDir = outArg >= 0 ? resolve(process.argv[outArg + 1]) : join(root, 'public/demo/bank');

const SEED = 42;
const TARGET = { column: 'y', positive: 'yes' };
const EXCLUDED = new Set(['y', 'duration']);
const PROTECTED = [{ column: 'age', cuts: [25, 40, 60] }, { column: 'marital' }];

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

async function main(): Promise<void> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not initialise');
  await tf.ready();

  const t0 = performance.now();
  const parsed = parseCsv(new Uint8Array(readFileSync(csvPath)));
  const table = parsed.table;
  const tParse = performance.now() - t0;
  for (const w of parsed.warnings) console.warn(`csv: ${w}`);
  const features = table.columns.map((c) => c.name).filter((n) => !EXCLUDED.has(n));
  console.log(`read ${table.nRows} rows × ${table.columns.length} columns in ${tParse.toFixed(0)} ms (delimiter '${parsed.delimiter}')`);
  console.log(`features (${features.length}): ${features.join(', ')}`);

  const t1 = performance.now();
  const result = await trainModel(
    table,
    {
      target: TARGET,
      features,
      protected: PROTECTED,
      name: 'Bank marketing lead score (demo)',
      description:
        'Demo lead score: P(client subscribes a term deposit) for the UCI Bank Marketing campaign calls. ' +
        'Uses every column except the target y and the call duration (known only after the call). ' +
        'Includes age and marital status as features, as many vendor lead scores do, so the audit has something to find.',
    },
    {
      kind: 'mlp',
      seed: SEED,
      hidden: [32, 16],
      epochs: 20,
      batchSize: 512,
      learningRate: 0.01,
      validationFraction: 0.2,
      date: null,
      onEpoch: (e) => {
        console.log(`epoch ${String(e.epoch).padStart(2)}/${e.epochs}  loss ${e.loss.toFixed(4)}  val loss ${e.valLoss.toFixed(4)}  val acc ${e.valAccuracy.toFixed(4)}  val AUC ${e.valAuc?.toFixed(4) ?? '-'}`);
      },
    },
  );
  const tTrain = performance.now() - t1;
  const { model, manifest, split } = result;

  // files: the model pair + the manifest (validated as a user's would be)
  const modelFiles = await saveModelArtifacts(model);
  validateManifest(JSON.parse(JSON.stringify(manifest)));
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  const files = [...modelFiles, { name: 'model.manifest.json', data: manifestBytes }];
  mkdirSync(outDir, { recursive: true });
  for (const f of files) writeFileSync(join(outDir, f.name), f.data);

  // check: the written files load back and score the validation rows like the trained model
  const loaded = await loadLayersModelFromFiles(modelFiles);
  const scorer = createModelScorer(loaded, manifest);
  const Xv = encodeTable(table, manifest, split.validation);
  const labels = encodeTarget(table, TARGET);
  const p = await scorer.predict(Xv, split.validation.length);
  const auc = rocAuc(p, Array.from(split.validation, (r) => labels[r]));
  loaded.dispose();
  model.dispose();

  const m = manifest.training?.metrics ?? {};
  console.log('');
  console.log(`input width ${manifestWidth(manifest)}; train ${split.train.length} rows, validation ${split.validation.length} rows`);
  console.log(`validation AUC ${m.valAuc?.toFixed(4)}, accuracy ${m.valAccuracy?.toFixed(4)}, loss ${m.valLoss?.toFixed(4)} (reloaded model AUC ${auc?.toFixed(4)})`);
  console.log(`training took ${(tTrain / 1000).toFixed(1)} s on tfjs ${tf.getBackend()}`);
  for (const f of files) console.log(`${sha256(f.data)}  ${join(outDir, f.name)} (${f.data.byteLength} bytes)`);
  if (auc === undefined || Math.abs(auc - (m.valAuc ?? NaN)) > 1e-6) throw new Error('the reloaded model does not reproduce the validation AUC');
}

main().catch((e: unknown) => {
  console.error(describeProblem(toProblem(e)));
  process.exitCode = 1;
});
