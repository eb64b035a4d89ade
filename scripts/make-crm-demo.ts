/**
 * Builds the CRM demo shipped in public/demo/crm/ (the app's /?demo=crm):
 *   leads.csv        20,000 synthetic leads, the seed story (see below), without the truth
 *   truth.csv        lead_id, converted_true: the true outcome of every lead
 *   model.json + model.weights.bin   a TensorFlow.js lead score trained on what the CRM recorded
 *   model.manifest.json              its manifest
 *
 *   npx tsx scripts/make-crm-demo.ts                  (writes public/demo/crm/)
 *   npx tsx scripts/make-crm-demo.ts --out tmp/crm    (writes elsewhere, e.g. to compare)
 *
 * Data: core/simulate's generator with its default knobs, seed 1 — the seed's small-town story:
 * past reps called small-town leads 60 % less often than leads like them elsewhere
 * (historical bias 0.6), zip3 reveals the town size (proxy strength 0.8), and every town size
 * truly converts at 12 % (base-rate gap 0, no label bias, noise 0.3). leads.csv is exactly
 * `npx bias-workbench generate --out leads.csv`; `--truth` adds converted_true to it.
 *
 * Model: MLP 16 → 1 (ReLU, sigmoid output) on the observed target `converted` = 'yes', with
 * the columns a lead score would use — lead_source, channel, pages_viewed, email_opens,
 * days_since_contact, income_band, product_interest, region, zip3 — and NOT town_size,
 * age_band or gender (the manifest suggests those three as protected attributes). So the
 * model can reach town size only through zip3 (and, weakly, lead_source). Adam 0.01, batch
 * 512, 20 epochs, seed 42, stratified 80/20 split (seeded), wasm backend (SIMD, one thread).
 * Reproducible: the same inputs give byte-identical files on the same backend (no date in the
 * provenance).
 *
 * Prints what the demo should show, so a change that breaks the story is seen here: the mean
 * score and the top-20 % selection rate per town size against the recorded and the true
 * conversion rates, the validation AUC against both, and core's proxy ranking of the model's
 * columns for town_size.
 */
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeProblem, toProblem } from '../src/core/errors';
import { proxyStrength, type ProxyColumn } from '../src/core/explain/proxy';
import { encodeTable, validateManifest } from '../src/core/manifest';
import { computeMetricFrame } from '../src/core/metrics';
import { createModelScorer, loadLayersModelFromFiles, saveModelArtifacts } from '../src/core/model';
import { defaultLeadKnobs, generateLeads, LEAD_FEATURES, LEAD_TARGET, leadsToCsv, TOWN_SIZES, type GeneratedLeads } from '../src/core/simulate';
import type { ColumnTable } from '../src/core/table';
import { tf } from '../src/core/tf';
import { rocAuc, trainModel } from '../src/core/train';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = outArg >= 0 ? resolve(process.argv[outArg + 1]) : join(root, 'public/demo/crm');

const SEED = 42;
const PROTECTED = [{ column: 'town_size' }, { column: 'age_band' }, { column: 'gender' }];

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

function proxyColumns(t: ColumnTable): ProxyColumn[] {
  return LEAD_FEATURES.map((name) => {
    const c = t.columns.find((x) => x.name === name)!;
    return c.type === 'numeric' ? { name, kind: 'numeric', values: c.values } : { name, kind: 'categorical', codes: c.codes, nLevels: c.levels.length };
  });
}

/** Per town size: mean score, top-20 % selection rate, recorded and true conversion rate (the metric frame's). */
function printStory(g: GeneratedLeads, scores: Float32Array): void {
  const attributes = [{ columns: ['town_size'], codes: g.townCodes, levels: [...TOWN_SIZES], levelValues: TOWN_SIZES.map((t) => [t]) }];
  const decision = { rule: 'top-percent', percent: 20 } as const;
  const observed = computeMetricFrame({ labels: g.observed, scores, attributes }, { decision });
  const truth = computeMetricFrame({ labels: g.truth, scores, attributes }, { decision });
  const pct = (x: number | null): string => (x === null ? 'undefined' : `${(x * 100).toFixed(1)}%`);
  console.log('\ntown size    leads   mean score  called (top 20%)  recorded conversion  true conversion');
  observed.attributes[0].groups.forEach((grp, i) => {
    const m = grp.metrics;
    const t = truth.attributes[0].groups[i].metrics;
    console.log(`${grp.level.padEnd(11)} ${String(m.count).padStart(6)}   ${m.meanScore.value!.toFixed(4).padStart(9)}  ${pct(m.selectionRate.value).padStart(16)}  ${pct(m.baseRate.value).padStart(19)}  ${pct(t.baseRate.value).padStart(15)}`);
  });
  const dp = observed.attributes[0].disparities.named.demographicParityDifference.betweenGroups.value;
  console.log(`demographic parity difference at the top 20%: ${dp?.toFixed(3)}; AUC against recorded ${observed.overall.metrics.rocAuc.value?.toFixed(4)}, against the truth ${truth.overall.metrics.rocAuc.value?.toFixed(4)}`);
}

async function main(): Promise<void> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not initialise');
  await tf.ready();

  const g = generateLeads(defaultLeadKnobs);
  /** the share of leads the reps call in the story: the manifest's threshold selects this share */
  const CAPACITY = 0.2;
  const leadsCsv = new TextEncoder().encode(leadsToCsv(g));
  const truthCsv = new TextEncoder().encode(['lead_id,converted_true', ...Array.from(g.truth, (y, i) => `${i + 1},${y === 1 ? 'yes' : 'no'}`)].join('\n') + '\n');
  console.log(`generated ${g.table.nRows} leads with the default knobs: ${JSON.stringify(defaultLeadKnobs)}`);

  const t0 = performance.now();
  const { model, manifest, split } = await trainModel(
    g.table,
    {
      target: { ...LEAD_TARGET },
      features: [...LEAD_FEATURES],
      protected: PROTECTED,
      name: 'CRM lead score (synthetic demo)',
      description:
        'Demo lead score: P(the CRM records a conversion) for synthetic CRM leads in which past reps called small-town leads less often. ' +
        'Trained on the recorded outcome `converted`, with engagement, source, profile, region and zip3, but not town_size, age_band or gender: ' +
        'it learns the old calling pattern through zip3. See public/demo/crm/README.md.',
    },
    { kind: 'mlp', hidden: [16], seed: SEED, epochs: 20, batchSize: 512, learningRate: 0.01, validationFraction: 0.2, date: null },
  );
  const seconds = (performance.now() - t0) / 1000;

  // the decision threshold: the score of the last lead in the top 20 % (the reps' capacity in
  // the story), so the audit opens on the calls the reps actually make, not on a 0.5 nobody reaches
  {
    const own = createModelScorer(model, manifest);
    const all = await own.predict(encodeTable(g.table, manifest), g.table.nRows);
    own.dispose();
    const sorted = Float64Array.from(all).sort().reverse();
    manifest.threshold = Number(sorted[Math.round(CAPACITY * sorted.length) - 1].toFixed(4));
    console.log(`threshold ${manifest.threshold}: the top ${CAPACITY * 100} % of the leads`);
  }
  const modelFiles = await saveModelArtifacts(model);
  validateManifest(JSON.parse(JSON.stringify(manifest)));
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  const files = [
    { name: 'leads.csv', data: leadsCsv },
    { name: 'truth.csv', data: truthCsv },
    ...modelFiles,
    { name: 'model.manifest.json', data: manifestBytes },
  ];
  mkdirSync(outDir, { recursive: true });
  for (const f of files) writeFileSync(join(outDir, f.name), f.data);

  // check: the written model loads back and scores like the trained one; then the story
  const loaded = await loadLayersModelFromFiles(modelFiles);
  const scorer = createModelScorer(loaded, manifest);
  const scores = await scorer.predict(encodeTable(g.table, manifest), g.table.nRows);
  const valAuc = rocAuc(Array.from(split.validation, (r) => scores[r]), Array.from(split.validation, (r) => g.observed[r]));
  loaded.dispose();
  model.dispose();
  const m = manifest.training?.metrics ?? {};
  console.log(`model: ${manifest.training?.algorithm}, ${seconds.toFixed(1)} s on tfjs ${tf.getBackend()}; validation AUC ${m.valAuc?.toFixed(4)} (reloaded ${valAuc?.toFixed(4)})`);
  if (valAuc === undefined || Math.abs(valAuc - (m.valAuc ?? NaN)) > 1e-6) throw new Error('the reloaded model does not reproduce the validation AUC');
  printStory(g, scores);

  const proxies = proxyStrength(proxyColumns(g.table), g.townCodes).columns;
  console.log('\nproxies of town_size among the model\'s columns (normalised mutual information, best one-group AUC):');
  for (const p of proxies) console.log(`  ${String(p.rank).padStart(2)}. ${p.name.padEnd(19)} nmi ${p.nmi.toFixed(3)}  AUC ${p.maxAuc.toFixed(3)}${p.likelyProxy ? '  likely proxy' : ''}`);
  console.log('');
  for (const f of files) console.log(`${sha256(f.data)}  ${join(outDir, f.name)} (${f.data.byteLength} bytes)`);
}

main().catch((e: unknown) => {
  console.error(describeProblem(toProblem(e)));
  process.exitCode = 1;
});
