/**
 * Stages 4 and 5 of a scenario run: the scores (with neutralised columns where asked) and the
 * group-threshold decisions fitted on the training rows' scores and applied to the held-out
 * rows.
 */
import { encodeTable, featureSlices } from '../manifest';
import { applyGroupThresholds, deterministicThresholds, fitGroupThresholds, ruleToJson, selectionProbability } from './group-thresholds';
import type { GroupThresholdRules } from './group-thresholds';
import { neutralise, NEUTRALISE_NOTE } from './neutralise';
import { GROUP_THRESHOLDS_NOTE } from './scenario-result';
import type { GroupThresholdRulesExport, ScenarioThresholdReport } from './scenario-result';
import { stageSeed } from './scenario-run';
import type { ScenarioRun } from './scenario-run';
import type { FittedModel } from './scenario-model';
import { findIntervention } from './scenario-spec';
import type { Intervention } from './scenario-spec';

/** Scores of the held-out rows, and of the training rows when a later stage needs them. */
export interface SplitScores {
  test: Float32Array;
  train: Float32Array | null;
}

/** Stage 4: scores, with the neutralised columns' blocks replaced where asked. */
export async function scoreSplit(run: ScenarioRun, fitted: FittedModel, needTrainScores: boolean): Promise<SplitScores> {
  const { table, split } = run.ctx;
  run.progress('score', 'scoring the held-out rows');
  const neutralised = findIntervention(run.scenario, 'neutralise') !== undefined;
  const Xtrain = needTrainScores || neutralised ? encodeTable(table, fitted.manifest, split.train) : null;
  let X = { test: encodeTable(table, fitted.manifest, split.test), train: Xtrain };
  if (neutralised) X = neutraliseInputs(run, fitted, { test: X.test, train: Xtrain! }, needTrainScores);
  const test = await fitted.scorer.predict(X.test, split.test.length);
  const train = needTrainScores ? await fitted.scorer.predict(X.train!, split.train.length) : null;
  return { test, train };
}

/**
 * neutralise: the columns' blocks of the held-out rows (and of the training rows, when they
 * are scored) replaced by those of training rows drawn with the stage's seeds.
 */
function neutraliseInputs(run: ScenarioRun, fitted: FittedModel, X: { test: Float32Array; train: Float32Array }, alsoTrain: boolean): { test: Float32Array; train: Float32Array } {
  const { split } = run.ctx;
  const columns = findIntervention(run.scenario, 'neutralise')!.columns;
  const width = fitted.scorer.nFeatures;
  const blocks = featureSlices(fitted.manifest).filter((s) => columns.includes(s.column));
  const background = { X: X.train, nRows: split.train.length };
  const test = neutralise({ X: X.test, nRows: split.test.length, width }, { blocks, background, seed: stageSeed(run.seed, 3) }).X;
  const train = alsoTrain ? neutralise({ X: X.train, nRows: split.train.length, width }, { blocks, background, seed: stageSeed(run.seed, 4) }).X : X.train;
  run.notes.push(NEUTRALISE_NOTE.replace('the columns', columns.map((c) => `'${c}'`).join(', ')));
  return { test, train };
}

/** What the group-threshold stage decides and exports. */
export interface ThresholdOutcome {
  /** randomised 0/1 decisions on the held-out rows */
  predictions: Uint8Array;
  report: ScenarioThresholdReport;
  /** the exact randomised rules (the exported manifest's extension) */
  rules: GroupThresholdRulesExport;
  /** one plain threshold per group (the exported manifest's deterministic stand-ins) */
  plain: number[];
}

/**
 * Stage 5: group thresholds fitted on the training rows' scores, applied to the held-out rows
 * (seeded draw, thinned to the capacity when one is given).
 */
export function groupThresholds(
  run: ScenarioRun,
  gt: Extract<Intervention, { kind: 'group-thresholds' }>,
  scores: { train: Float32Array; test: Float32Array },
  rows: { train: { y: Uint8Array; g: Int32Array }; test: { g: Int32Array } },
): ThresholdOutcome {
  const { split } = run.ctx;
  run.progress('thresholds', `fitting ${gt.constraint} group thresholds`);
  const topKFit = gt.topK !== undefined ? (gt.topK * split.train.length) / split.test.length : undefined;
  const rules = fitGroupThresholds({
    scores: scores.train,
    labels: rows.train.y,
    groupCodes: rows.train.g,
    nGroups: run.nGroups,
    constraint: gt.constraint,
    ...(topKFit !== undefined ? { topK: topKFit } : {}),
  });
  const predictions = applyGroupThresholds(rules, scores.test, rows.test.g, { seed: stageSeed(run.seed, 5), ...(gt.topK !== undefined ? { capacity: gt.topK } : {}) });
  const report = thresholdReport(run, gt, rules, { scores: scores.test, groups: rows.test.g, topKFit });
  run.notes.push(GROUP_THRESHOLDS_NOTE);
  run.notes.push('Group-threshold decisions are randomised (a seeded draw per row) where a group mixes two thresholds; expectedSelectionRate gives the exact expected rates.');
  if (gt.topK !== undefined) run.notes.push(`Capacity: the operating point was chosen so that at most ${topKFit!.toFixed(1)} of the ${split.train.length} training rows are selected in expectation (${gt.topK} scaled to the training size); on the ${split.test.length} held-out rows, if the draw selects more than ${gt.topK}, a uniformly random ${gt.topK} of them are kept.`);
  for (const n of rules.notes) run.notes.push(`Group thresholds: ${n}`);
  return { predictions, report, rules: rulesExport(run, gt, rules), plain: deterministicThresholds(rules, scores.train, rows.train.g) };
}

/** The fitted operating point, and each group's expected selection rate on the held-out rows. */
function thresholdReport(
  run: ScenarioRun,
  gt: Extract<Intervention, { kind: 'group-thresholds' }>,
  rules: GroupThresholdRules,
  heldOut: { scores: Float32Array; groups: Int32Array; topKFit: number | undefined },
): ScenarioThresholdReport {
  const p = selectionProbability(rules, heldOut.scores, heldOut.groups);
  const sum = new Float64Array(run.nGroups);
  const cnt = new Float64Array(run.nGroups);
  let expectedSelected = 0;
  for (let i = 0; i < p.length; i++) {
    expectedSelected += p[i];
    const g = heldOut.groups[i];
    if (g >= 0) {
      sum[g] += p[i];
      cnt[g]++;
    }
  }
  return {
    constraint: gt.constraint,
    x: rules.x,
    y: rules.y,
    topK: gt.topK ?? null,
    topKFit: heldOut.topKFit ?? null,
    topKMet: rules.topKMet,
    expectedSelectionRate: Array.from(sum, (s, g) => (cnt[g] > 0 ? s / cnt[g] : null)),
    expectedSelected,
    fitted: rules.fitted,
  };
}

/** The exact rules as the exported manifest's `x-groupThresholdRules` holds them. */
function rulesExport(run: ScenarioRun, gt: Extract<Intervention, { kind: 'group-thresholds' }>, rules: GroupThresholdRules): GroupThresholdRulesExport {
  const { groups, parts, ctx } = run;
  return {
    column: groups.name,
    columns: parts.map((c) => c.name),
    cuts: (Array.isArray(ctx.protectedAttribute) ? ctx.protectedAttribute : [ctx.protectedAttribute]).map((a) => (a.cuts ? [...a.cuts] : null)),
    levels: [...groups.levels],
    constraint: gt.constraint,
    rules: Object.fromEntries(groups.levels.map((l, g) => [l, ruleToJson(rules.rules[g])])),
    fallback: ruleToJson(rules.fallback),
    note: GROUP_THRESHOLDS_NOTE,
  };
}
