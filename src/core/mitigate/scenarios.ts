/**
 * What-if scenarios: a baseline model plus a list of interventions, each evaluated on one
 * seeded held-out split shared by every scenario, so their numbers are comparable.
 *
 * Interventions and where they act (they compose; order in the list does not matter, the
 * pipeline order below does):
 * 1. pre-processing, change what the model is trained on (a trained baseline only):
 *    `drop-features` (retrain without the columns), `resample` (training rows; see
 *    ./resample), `reweigh` (row weights; see ./reweigh — after resampling when both are
 *    given, computed over the resampled rows);
 * 2. in-processing: `constraint` — on a logistic baseline with a bound, the reductions
 *    approach (exponentiated gradient over weighted exact fits, exported as the mixture's
 *    score with a threshold fitted to meet the bound; see ./reductions and ./scenario-model);
 *    otherwise the fairness penalty in the training loss (bound mode; see ./constraint) — a
 *    trained baseline only;
 * 3. at the model's input: `neutralise` (column blocks replaced by training-row values at
 *    prediction time; not retraining; see ./neutralise) — trained or imported;
 * 4. post-processing: `group-thresholds` (per-group randomised thresholds fitted on the
 *    training rows' scores, applied to the held-out rows with a seeded draw; see
 *    ./group-thresholds) — trained or imported.
 * Before all of them, `relabel` (a trained baseline only) gives training rows the labels
 * people gave them (reviewed overrides; see ./relabel): every stage then sees those labels,
 * and the held-out rows keep their recorded outcomes.
 * An imported model cannot be retrained here, so 1 and 2 on an imported baseline throw
 * 'roles-invalid' with a hint (neutralise instead, or train a workbench model).
 *
 * The trained baseline retrains on the split's training rows with the context's seed, so
 * two scenarios differ only by their interventions (a `roles.weight` column weights every
 * training, and reweighing multiplies it); the imported one is evaluated as it is.
 * Metrics are computed on the held-out rows by `computeMetricFrame` (decision: the manifest's
 * threshold, or the group-threshold decisions) with percentile bootstrap intervals.
 * Every number is deterministic under the seed (timings aside).
 */
import type { Manifest } from '../manifest';
import { attributeFromColumns, computeMetricFrame } from '../metrics';
import type { Interval, MetricFrame, RateReason } from '../metrics';
import { saveModelArtifacts } from '../model';
import type { FairnessConstraint } from '../train-penalty';
import { degenerateSelection } from './degenerate';
import { defaultScenarioOptions } from './scenario-result';
import type { MetricValue, RelabelReport, ScenarioContext, ScenarioManifest, ScenarioMetrics, ScenarioProgress, ScenarioResult } from './scenario-result';
import { groupThresholds, scoreSplit } from './scenario-decisions';
import type { ThresholdOutcome } from './scenario-decisions';
import { fitModel } from './scenario-model';
import type { FittedModel } from './scenario-model';
import { checkScenario, labelsAndGroups, now, resolveRun, stageSeed } from './scenario-run';
import type { ScenarioRun } from './scenario-run';
import { relabelContext, relabelNote } from './relabel';
import { findIntervention } from './scenario-spec';
import type { Intervention, Scenario } from './scenario-spec';

function metricValue(r: { value: number | null; reason?: RateReason }, interval?: Interval): MetricValue {
  return { value: r.value, ...(r.reason ? { reason: r.reason } : {}), ...(interval ? { interval } : {}) };
}

/**
 * Stage 6: the metrics on the held-out rows — decisions by the context's rule (default the
 * manifest's threshold), or the group-threshold decisions — with bootstrap intervals, and the
 * degenerate-selection flag.
 */
function heldOutMetrics(run: ScenarioRun, manifest: Manifest, heldOut: { y: Uint8Array; scores: Float32Array; predictions?: Uint8Array }): { metrics: ScenarioMetrics; frame: MetricFrame } {
  const { ctx } = run;
  const test = ctx.split.test;
  run.progress('metrics', 'held-out metrics');
  const attr = attributeFromColumns(run.parts, run.groups.name);
  const codes = new Int32Array(test.length);
  for (let i = 0; i < test.length; i++) codes[i] = attr.codes[test[i]];
  const resamples = ctx.bootstrap ?? defaultScenarioOptions.bootstrap;
  const frame = computeMetricFrame(
    { labels: heldOut.y, scores: heldOut.scores, ...(heldOut.predictions ? { predictions: heldOut.predictions } : {}), attributes: [{ ...attr, codes }] },
    {
      decision: ctx.decision ?? { rule: 'threshold', threshold: manifest.threshold },
      ...(resamples > 0 ? { bootstrap: { resamples, seed: stageSeed(run.seed, 6) } } : {}),
    },
  );
  const metrics = frameMetrics(frame);
  if (metrics.degenerate) run.notes.push(`Not a trade-off: this scenario ${metrics.degenerate.message}.`);
  return { metrics, frame };
}

/**
 * Stage 7: the exported model files and manifest; with group thresholds, the manifest holds
 * plain per-group thresholds and the exact rules.
 */
async function exportArtifacts(run: ScenarioRun, fitted: FittedModel, thresholds: ThresholdOutcome | null): Promise<ScenarioResult['artifacts']> {
  run.progress('export', 'exporting the model');
  const manifest: ScenarioManifest = JSON.parse(JSON.stringify(fitted.manifest)) as ScenarioManifest;
  if (thresholds) {
    const { groups, parts } = run;
    const cuts = thresholds.rules.cuts;
    manifest.groupThresholds = [{
      column: groups.name,
      thresholds: Object.fromEntries(groups.levels.map((l, g) => [l, thresholds.plain[g]])),
      ...(parts.length === 1 && cuts && cuts[0] ? { cuts: cuts[0] } : {}),
    }];
    manifest['x-groupThresholdRules'] = thresholds.rules;
    run.notes.push('The exported manifest holds deterministic per-group thresholds (groupThresholds, approximate parity) and the exact randomised rules (x-groupThresholdRules).');
  }
  const files = fitted.model ? await saveModelArtifacts(fitted.model) : null;
  return { manifest, files };
}

/**
 * Runs one scenario (see the module comment) and returns its held-out metrics, reports,
 * notes, timings and exportable artifacts. Stages: groups and labels → training inputs →
 * model → scores → group thresholds → held-out metrics → export. Every tensor it creates is
 * disposed; an imported scorer is not disposed (the caller owns it).
 */
export async function runScenario(ctx: ScenarioContext, scenario: Scenario, onProgress?: (p: ScenarioProgress) => void): Promise<ScenarioResult> {
  const tStart = now();
  checkScenario(ctx, scenario);
  const relabel = relabelled(ctx, scenario);
  const run = resolveRun(relabel?.ctx ?? ctx, scenario, onProgress);
  if (relabel) run.notes.push(relabelNote(relabel.report));
  const timings = { trainMs: 0, scoreMs: 0, thresholdsMs: 0, metricsMs: 0, exportMs: 0, totalMs: 0 };
  let fitted: FittedModel | null = null;
  try {
    let t = now();
    fitted = await fitModel(run);
    timings.trainMs = now() - t;

    t = now();
    const gt = findIntervention(scenario, 'group-thresholds');
    const scores = await scoreSplit(run, fitted, gt !== undefined || fitted.constraint !== null);
    timings.scoreMs = now() - t;
    const test = labelsAndGroups(run, ctx.split.test);
    const train = labelsAndGroups(run, ctx.split.train);

    t = now();
    const thresholds = gt ? groupThresholds(run, gt, { train: scores.train!, test: scores.test }, { train, test }) : null;
    timings.thresholdsMs = now() - t;

    t = now();
    const { metrics, frame } = heldOutMetrics(run, fitted.manifest, { y: test.y, scores: scores.test, ...(thresholds ? { predictions: thresholds.predictions } : {}) });
    if (fitted.constraint) fitted.constraint.heldOutGap = heldOutGapOf(frame, fitted.constraint.constraint);
    timings.metricsMs = now() - t;

    t = now();
    const artifacts = await exportArtifacts(run, fitted, thresholds);
    timings.exportMs = now() - t;
    timings.totalMs = now() - tStart;

    return {
      name: scenario.name,
      interventions: scenario.interventions.map((i) => JSON.parse(JSON.stringify(i)) as Intervention),
      group: { name: run.groups.name, levels: [...run.groups.levels] },
      metrics,
      constraint: fitted.constraint,
      groupThresholds: thresholds?.report ?? null,
      trainRows: fitted.trainedRows,
      ...(relabel ? { relabel: relabel.report } : {}),
      notes: run.notes,
      timings,
      artifacts,
    };
  } finally {
    if (fitted?.ownsScorer) fitted.scorer.dispose();
    fitted?.model?.dispose();
  }
}

/** Stage 0: with a relabel intervention, the context whose training rows carry the given labels. */
function relabelled(ctx: ScenarioContext, scenario: Scenario): { ctx: ScenarioContext; report: RelabelReport } | null {
  const rl = findIntervention(scenario, 'relabel');
  return rl ? relabelContext(ctx, rl.labels, rl.name) : null;
}

function frameMetrics(frame: MetricFrame): ScenarioMetrics {
  const o = frame.overall;
  const a = frame.attributes[0];
  const named = a.disparities.named;
  return {
    n: frame.n,
    selected: frame.decision.selected,
    accuracy: metricValue(o.metrics.accuracy, o.intervals?.accuracy),
    balancedAccuracy: metricValue(o.metrics.balancedAccuracy, o.intervals?.balancedAccuracy),
    rocAuc: metricValue(o.metrics.rocAuc, o.intervals?.rocAuc),
    selectionRate: a.groups.map((g) => ({
      level: g.level,
      count: g.count,
      value: g.metrics.selectionRate.value,
      ...(g.metrics.selectionRate.reason ? { reason: g.metrics.selectionRate.reason } : {}),
      ...(g.intervals?.selectionRate ? { interval: g.intervals.selectionRate } : {}),
    })),
    demographicParityDifference: named.demographicParityDifference.betweenGroups,
    equalOpportunityDifference: named.equalOpportunityDifference.betweenGroups,
    equalizedOddsDifference: named.equalizedOddsDifference.worstCase.betweenGroups,
    degenerate: degenerateSelection({ n: frame.n, selected: frame.decision.selected }),
  };
}

/** The held-out counterpart of the constraint's training gap, from the frame. */
function heldOutGapOf(frame: MetricFrame, c: FairnessConstraint): number | null {
  const a = frame.attributes[0].disparities;
  switch (c) {
    case 'demographic-parity':
      return a.named.demographicParityDifference.betweenGroups.value;
    case 'equal-opportunity':
      return a.named.equalOpportunityDifference.betweenGroups.value;
    case 'equalized-odds':
      return a.named.equalizedOddsDifference.worstCase.betweenGroups.value;
    case 'error-rate-parity':
      return a.perMetric.accuracy.differenceBetweenGroups.value;
  }
}
