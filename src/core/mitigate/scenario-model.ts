/**
 * Stages 2 and 3 of a scenario run: what the model trains on (drop features, then resample,
 * then reweigh) and the model itself — the imported one as it is, or one trained here, plainly
 * or with the fairness constraint: by reductions (exponentiated gradient over exact logistic
 * fits, exported as the mixture's score with a fitted threshold) or by the penalty (Adam).
 */
import { WorkbenchError } from '../errors';
import { encodeTable, manifestWidth } from '../manifest';
import type { Manifest } from '../manifest';
import { createModelScorer } from '../model';
import type { Scorer } from '../scorer';
import { findColumn } from '../table';
import type { LayersModel } from '../tf';
import { trainModel } from '../train';
import type { TrainOptions, TrainResult, TrainSpec } from '../train';
import type { FairnessConstraint } from '../train-penalty';
import { hardGap, trainWithConstraint } from './constraint';
import type { ConstrainedTrainResult } from './constraint';
import { resample } from './resample';
import { reweigh } from './reweigh';
import { defaultReductionsOptions, exponentiatedGradient } from './reductions';
import { fitThreshold, logisticLearner, mixtureLayersModel } from './reductions-model';
import type { ReductionsReport, ScenarioBaseline, ScenarioConstraintReport } from './scenario-result';
import { labelsAndGroups, now, stageSeed } from './scenario-run';
import type { ScenarioRun } from './scenario-run';
import { constraintMethod, findIntervention } from './scenario-spec';
import type { Intervention } from './scenario-spec';

/** What a trained baseline trains on, after the pre-processing interventions. */
interface TrainingInputs {
  spec: TrainSpec;
  /** table rows that train (the split's training rows, resampled when asked) */
  rows: Uint32Array;
  /** per table row: the roles' weight column, times the reweighing factor when asked */
  sampleWeight?: Float32Array;
}

/** Stage 2: the training inputs — drop features, then resample, then reweigh. */
function trainingInputs(run: ScenarioRun): TrainingInputs {
  const spec = specWithoutDropped(run);
  const rows = resampledRows(run);
  const sampleWeight = reweighed(run, rows, baseWeights(run));
  return { spec, rows, ...(sampleWeight ? { sampleWeight } : {}) };
}

/** drop-features: the training spec without the dropped columns. */
function specWithoutDropped(run: ScenarioRun): TrainSpec {
  const { roles } = run.ctx;
  const drop = findIntervention(run.scenario, 'drop-features');
  const features = roles.features.filter((f) => !drop || !drop.columns.includes(f));
  if (drop) run.notes.push(`Retrained without ${drop.columns.map((c) => `'${c}'`).join(', ')}; the model can still pick up what those columns said through correlated columns.`);
  return { target: roles.target, features, protected: roles.protected, name: run.scenario.name };
}

/** resample: the training rows over- or under-sampled per group × label; else the split's. */
function resampledRows(run: ScenarioRun): Uint32Array {
  const train = run.ctx.split.train;
  const rs = findIntervention(run.scenario, 'resample');
  if (!rs) return train;
  const { y, g } = labelsAndGroups(run, train);
  const idx = resample(y, g, run.nGroups, { method: rs.method, ...(rs.proportions ? { proportions: rs.proportions } : {}), seed: stageSeed(run.seed, 1) });
  const rows = new Uint32Array(idx.length);
  for (let i = 0; i < idx.length; i++) rows[i] = train[idx[i]];
  run.notes.push(`Resampled (${rs.method}) the ${train.length} training rows to ${rows.length}.`);
  return rows;
}

/** The roles' weight column, one weight per table row; undefined without one. */
function baseWeights(run: ScenarioRun): Float32Array | undefined {
  const { table, roles } = run.ctx;
  const base = roles.weight ? findColumn(table, roles.weight) : undefined;
  return base && base.type === 'numeric' ? Float32Array.from(base.values) : undefined;
}

/**
 * reweigh: per table row, the base weight × W(group, label), with W fitted on the training
 * `rows` (repeated rows count each time); without the intervention, the base weights.
 */
function reweighed(run: ScenarioRun, rows: Uint32Array, base: Float32Array | undefined): Float32Array | undefined {
  if (!findIntervention(run.scenario, 'reweigh')) return base;
  const { table } = run.ctx;
  const { labels, groups } = run;
  const { y, g } = labelsAndGroups(run, rows);
  const bw = base ? Float32Array.from(rows, (r) => base[r]) : undefined;
  const rw = reweigh(y, g, run.nGroups, bw);
  // W(g, y) is per cell, so a per-table-row weight carries it (repeated rows included)
  const w = new Float32Array(table.nRows);
  for (let r = 0; r < table.nRows; r++) {
    const gr = groups.codes[r];
    const f = gr >= 0 && labels[r] >= 0 ? rw.factors[gr][labels[r]] : null;
    w[r] = (base ? base[r] : 1) * (f ?? 1);
  }
  for (const [g2, y2] of rw.emptyCells) run.notes.push(`Reweighing: group '${groups.levels[g2]}' has no training rows with label ${y2}; its rate cannot be evened out.`);
  return w;
}

/** The model a scenario scores with: the imported one (the caller's), or one trained here. */
export interface FittedModel {
  /** the model trained here (null for an imported one); disposed when the run ends */
  model: LayersModel | null;
  scorer: Scorer;
  /** the scorer was made here, and is disposed when the run ends */
  ownsScorer: boolean;
  manifest: Manifest;
  /** training rows the model saw (after resampling; 0 for an imported model) */
  trainedRows: number;
  constraint: ScenarioConstraintReport | null;
}

/** Stage 3: the model — imported as it is, or trained (plain or with the fairness constraint). */
export async function fitModel(run: ScenarioRun): Promise<FittedModel> {
  const b = run.ctx.baseline;
  if (b.kind === 'imported') {
    run.notes.push('The imported model is evaluated as it is (not retrained).');
    return { model: null, scorer: b.scorer, ownsScorer: false, manifest: b.manifest, trainedRows: 0, constraint: null };
  }
  const inputs = trainingInputs(run);
  const con = findIntervention(run.scenario, 'constraint');
  const method = con ? constraintMethod(con, b.trainKind) : null;
  if (con && method === 'reductions' && b.trainKind !== 'logistic') {
    throw new WorkbenchError('roles-invalid', `scenario "${run.scenario.name}": the reductions method fits logistic models, and this baseline is an MLP`,
      'Retrain a logistic regression for this scenario, or give the constraint "method": "penalty".');
  }
  const options = trainOptions(run, b, inputs, method === 'penalty');
  const { result, report } = con && method === 'reductions'
    ? await trainReductions(run, con, { spec: inputs.spec, options, rows: inputs.rows, ...(inputs.sampleWeight ? { sampleWeight: inputs.sampleWeight } : {}) })
    : con
      ? await trainConstrained(run, con, { spec: inputs.spec, options })
      : { result: await trainModel(run.ctx.table, inputs.spec, options), report: null };
  let scorer: Scorer;
  try {
    scorer = createModelScorer(result.model, result.manifest);
  } catch (e) {
    result.model.dispose();
    throw e;
  }
  return { model: result.model, scorer, ownsScorer: true, manifest: result.manifest, trainedRows: inputs.rows.length, constraint: report };
}

/** Early stopping of a scenario's MLP: epochs without a lower loss on the held-out tenth of its training rows. */
const mlpPatience = 3;

/**
 * How a scenario trains its model. A logistic baseline is fitted exactly ('newton': the
 * L2-regularised fit to convergence, C = 1, scikit-learn's LogisticRegression objective),
 * unless the baseline asks for 'adam' or the constraint runs as a penalty (which trains with
 * Adam). The reductions method always fits exactly (see trainReductions). An MLP trains with Adam and early stopping on a seeded tenth of the distinct
 * training rows, held out of training, restoring the best epoch's weights.
 */
function trainOptions(run: ScenarioRun, b: Extract<ScenarioBaseline, { kind: 'trained' }>, inputs: TrainingInputs, constrained: boolean): TrainOptions {
  const exact = b.trainKind === 'logistic' && !constrained && (b.optimizer ?? 'newton') === 'newton';
  return {
    kind: b.trainKind,
    seed: run.seed,
    ...(b.epochs !== undefined ? { epochs: b.epochs } : {}),
    ...(b.batchSize !== undefined ? { batchSize: b.batchSize } : {}),
    ...(b.learningRate !== undefined ? { learningRate: b.learningRate } : {}),
    ...(b.hidden !== undefined ? { hidden: b.hidden } : {}),
    ...(exact ? { optimizer: 'newton' as const } : {}),
    ...(b.trainKind === 'mlp' && !constrained ? { earlyStopping: { patience: mlpPatience } } : {}),
    trainRows: inputs.rows,
    validationRows: new Uint32Array(0),
    ...(inputs.sampleWeight ? { sampleWeight: inputs.sampleWeight } : {}),
    date: null,
    ...(run.ctx.shouldStop ? { shouldStop: run.ctx.shouldStop } : {}),
    onEpoch: (e) => run.progress('train', exact ? 'fitted to convergence' : `epoch ${e.epoch} of ${e.epochs}`),
  };
}

/**
 * constraint by reductions: exponentiated gradient (./reductions, fairlearn's defaults) over
 * exact weighted logistic fits on the training rows (resampled and weighted as asked), with
 * every pair of groups' rates within the bound; exported as the mixture's score Σ_j Q_j·p_j(x)
 * (one Layers model) with the threshold, fitted on the split's training rows, of fewest errors
 * among those whose hard gap meets the bound (docs/mitigations.md says why this form). The
 * manifest (features, encoding) is that of a plain exact fit on the same rows, trained first.
 */
async function trainReductions(
  run: ScenarioRun,
  con: Extract<Intervention, { kind: 'constraint' }>,
  training: { spec: TrainSpec; options: TrainOptions; rows: Uint32Array; sampleWeight?: Float32Array },
): Promise<{ result: TrainResult; report: ScenarioConstraintReport }> {
  const t0 = now();
  const { table } = run.ctx;
  const bound = con.bound!;
  const parity = con.parity ?? 'between-groups';
  const plain = await trainModel(table, training.spec, { ...training.options, optimizer: 'newton' });
  plain.model.dispose();
  const manifest = plain.manifest;
  const width = manifestWidth(manifest);
  const { y, g } = labelsAndGroups(run, training.rows);
  const sw = training.sampleWeight;
  const r = exponentiatedGradient(
    { y, groups: g, nGroups: run.nGroups, ...(sw ? { weights: Float64Array.from(training.rows, (row) => sw[row]) } : {}) },
    logisticLearner(encodeTable(table, manifest, training.rows), width),
    {
      constraint: con.constraint,
      bound,
      parity,
      ...(run.ctx.shouldStop ? { shouldStop: run.ctx.shouldStop } : {}),
      onIteration: (it) => run.progress('train', `exponentiated gradient, iteration ${it.t + 1}: duality gap ${it.gap.toExponential(2)}, ${it.oracleCalls} fits`),
    },
  );
  const model = mixtureLayersModel(r, width);
  try {
    const measure = labelsAndGroups(run, run.ctx.split.train);
    const scores = await scoreWith(model, manifest, encodeTable(table, manifest, run.ctx.split.train), run.ctx.split.train.length);
    const fitted = fitThreshold({ scores, labels: measure.y, groups: measure.g, nGroups: run.nGroups, constraint: con.constraint, bound, parity });
    const threshold = manifestThreshold(fitted.threshold, scores);
    const trainingGap = hardGap({ scores, labels: measure.y, groupCodes: measure.g, nGroups: run.nGroups, constraint: con.constraint, threshold, parity }).value;
    const met = trainingGap === null || trainingGap <= bound;
    const lambda = r.lambda.reduce((a, b) => a + b, 0);
    const kept = Array.from(r.weights).filter((q) => q > 0);
    const reductions: ReductionsReport = {
      parity,
      form: 'mixture-threshold',
      threshold,
      weights: kept,
      members: r.members.length,
      iterations: r.lastIter + 1,
      oracleCalls: r.oracleCalls,
      gap: r.bestGap,
      nu: r.nu,
      randomisedError: r.error,
      randomisedMaxGamma: Math.max(...r.gamma),
    };
    manifest.threshold = threshold;
    manifest.training = {
      ...manifest.training,
      algorithm: kept.length > 1 ? `mixture of ${kept.length} logistic regressions (reductions, exponentiated gradient)` : 'logistic regression (reductions, exponentiated gradient)',
      fairnessConstraint: {
        constraint: con.constraint,
        method: 'reductions',
        bound,
        parity,
        eps: defaultReductionsOptions.eps,
        threshold,
        weights: kept,
        trainingGap,
        met,
        iterations: reductions.iterations,
        oracleCalls: r.oracleCalls,
      },
    };
    const ms = now() - t0;
    run.notes.push(reductionsNote(con.constraint, bound, reductions, trainingGap));
    const report: ScenarioConstraintReport = {
      constraint: con.constraint,
      method: 'reductions',
      bound,
      lambda,
      trainingGap,
      heldOutGap: null,
      met,
      attempts: [{ lambda, trainingGap, met, ms }],
      reductions,
    };
    return { result: { ...plain, model, manifest }, report };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Scores of encoded rows under a model (the scorer made and disposed here, the model kept). */
async function scoreWith(model: LayersModel, manifest: Manifest, X: Float32Array, n: number): Promise<Float32Array> {
  const scorer = createModelScorer(model, manifest);
  try {
    return await scorer.predict(X, n);
  } finally {
    scorer.dispose();
  }
}

/**
 * A manifest's threshold must lie strictly between 0 and 1: "select nobody" (+∞) becomes a value
 * above every training score, and a threshold at or below 0 the smallest positive float32.
 */
function manifestThreshold(t: number, scores: Float32Array): number {
  if (t === Infinity) {
    let top = 0;
    for (const s of scores) top = Math.max(top, s);
    return top < 1 ? Math.fround((1 + top) / 2) : 1 - 2 ** -24;
  }
  return Math.min(1 - 2 ** -24, Math.max(2 ** -126, t));
}

function reductionsNote(constraint: FairnessConstraint, bound: number, r: ReductionsReport, trainingGap: number | null): string {
  const form = r.parity === 'overall' ? ' (each group within the bound of the overall rate, fairlearn\'s form)' : ' (between every pair of groups)';
  return `Trained with ${constraint} ≤ ${bound}${form} by reductions (exponentiated gradient, ${r.iterations} iterations, ${r.oracleCalls} weighted logistic fits): ` +
    `a mixture of ${r.weights.length} fit${r.weights.length === 1 ? '' : 's'} (weights ${r.weights.map((q) => q.toFixed(3)).join(', ')}), exported as one model whose score is the weighted mean of their probabilities, ` +
    `deciding at ${r.threshold.toFixed(4)} (the threshold with the fewest training errors whose training gap, ${fmt(trainingGap)}, meets the bound). The held-out gap is reported separately and may exceed the bound.`;
}

/** constraint: training with the fairness penalty, λ chosen on the split's training rows. */
async function trainConstrained(
  run: ScenarioRun,
  con: Extract<Intervention, { kind: 'constraint' }>,
  training: { spec: TrainSpec; options: TrainOptions },
): Promise<{ result: TrainResult; report: ScenarioConstraintReport }> {
  const cr = await trainWithConstraint(run.ctx.table, training.spec, training.options, {
    constraint: con.constraint,
    groupCodes: run.groups.codes,
    nGroups: run.nGroups,
    ...(con.bound !== undefined ? { bound: con.bound } : {}),
    ...(con.lambda !== undefined ? { lambda: con.lambda } : {}),
    measureRows: run.ctx.split.train,
    onRun: (a) => run.progress('train', `λ = ${a.lambda}: training gap ${a.trainingGap === null ? 'undefined' : a.trainingGap.toFixed(4)}`),
  });
  run.notes.push(constraintNote(con.constraint, cr));
  const report: ScenarioConstraintReport = {
    constraint: con.constraint,
    method: 'penalty',
    bound: cr.bound,
    lambda: cr.lambda,
    trainingGap: cr.trainingGap,
    heldOutGap: null,
    met: cr.met,
    attempts: cr.attempts,
  };
  return { result: cr, report };
}

function constraintNote(constraint: FairnessConstraint, cr: ConstrainedTrainResult): string {
  if (cr.bound === null) return `Trained with a ${constraint} penalty at λ = ${cr.lambda}; training gap ${fmt(cr.trainingGap)}.`;
  if (cr.met) {
    return `Trained with a ${constraint} penalty; λ = ${cr.lambda} met the bound ${cr.bound} on the training rows (gap ${fmt(cr.trainingGap)}) after ${cr.attempts.length} run${cr.attempts.length === 1 ? '' : 's'}. The held-out gap is reported separately and may exceed the bound.`;
  }
  return `Trained with a ${constraint} penalty; no λ up to ${cr.attempts[cr.attempts.length - 1].lambda} met the bound ${cr.bound} on the training rows; the run with the smallest gap (${fmt(cr.trainingGap)}, λ = ${cr.lambda}) is kept.`;
}

function fmt(x: number | null): string {
  return x === null ? 'undefined' : x.toFixed(4);
}
