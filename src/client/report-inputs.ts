/**
 * What the page's impact-assessment report takes from the other tabs, gathered as small
 * summaries for the worker (never rows): Mitigate & compare's finished scenarios (their results
 * without the exported model files), the Monitor tab's policy text, the decision log and the
 * appeals kept in this browser (counts, not entries), and the Explain tab's SHAP summary when
 * one was computed. The worker (workers/report-jobs.ts) turns them into core's assessment inputs.
 */
import { appealStats, sha256Hex, toJsonLines, verifyLog } from '../core/oversight';
import type { ScenarioResult } from '../core/mitigate';
// from the modules themselves, not the mitigate barrel (which reaches tfjs through training)
import { baselineIndex } from '../core/mitigate/compare-json';
import { defaultScenarioOptions } from '../core/mitigate/scenario-result';
import type { ProjectCompare } from '../core/project';
import type { GapInput, OversightInput, ShapInput } from '../core/report';
import type { FinishedScenarios } from '../../workers/report-jobs';
import { OversightStore } from './store';

/** What the report dialog reads from the page when it opens. */
export interface PageReportSources {
  /** Mitigate & compare's scenarios and results, as the panel last told the project */
  compare?: ProjectCompare;
  /** the Monitor tab's policy, as typed */
  policy: string | null;
  /** the model's id in the decision log */
  logModelId: string;
  /** the Explain tab's last run, when one finished */
  shap?: ShapInput | null;
  gap?: GapInput | null;
}

type PageResult = ScenarioResult & { split?: { train: number; test: number; seed: number } };

/**
 * The scenarios of Mitigate & compare that have a result for the current settings, without
 * their model files; null when none has. The baseline is the page's reference, the audited
 * model as loaded with no intervention; without it, the first scenario with no interventions.
 */
export function finishedScenarios(compare: ProjectCompare | undefined): FinishedScenarios | null {
  const done = (compare?.scenarios ?? []).filter((s) => s.result !== undefined);
  if (done.length === 0) return null;
  const results = done.map((s) => {
    const { artifacts: _artifacts, split: _split, ...rest } = s.result as PageResult;
    return rest;
  });
  const audited = done.findIndex((s) => s.base === 'audited' && s.scenario.interventions.length === 0);
  const bi = audited >= 0 ? audited : baselineIndex(results);
  const split = (done[0].result as PageResult).split;
  return {
    results,
    baseline: bi >= 0 ? results[bi].name : null,
    split: { seed: split?.seed ?? compare!.seed, train: split?.train ?? 0, test: split?.test ?? 0, testFraction: defaultScenarioOptions.testFraction },
  };
}

/**
 * The decision log kept in this browser (the whole chain, verified, as the Oversight tab
 * exports it) and this model's appeals by group; null when both are empty.
 */
export async function oversightSummary(modelId: string, dbName?: string): Promise<Pick<OversightInput, 'log' | 'appeals'> | null> {
  const store = await OversightStore.open(dbName);
  try {
    const [log, appeals] = await Promise.all([store.log(), store.appeals(modelId)]);
    if (log.length === 0 && appeals.length === 0) return null;
    const byKind: Record<string, number> = {};
    let overrides = 0;
    for (const x of log) {
      byKind[x.kind] = (byKind[x.kind] ?? 0) + 1;
      if (x.override) overrides++;
    }
    const v = verifyLog(log);
    const out: Pick<OversightInput, 'log' | 'appeals'> = {
      log:
        log.length === 0
          ? null
          : { file: 'decision log kept in this browser', sha256: sha256Hex(toJsonLines(log)), intact: v.ok, entries: log.length, head: v.ok ? v.head : null, problem: v.ok ? null : v.message, byKind, overrides },
      appeals: appealStats(appeals, new Date().toISOString()).groups.map((g) => ({ group: g.group, decided: g.decided, overturned: g.overturned })),
    };
    return out;
  } finally {
    store.close();
  }
}

/** The Explain tab's run as the report shows it: mean |SHAP| by column (largest first), and the gap attribution. */
export function explainedSummary(
  run: { nRows: number; settings: { output: 'probability' | 'logit'; permutations: number; bgKind: string; bgSize: number; seed: number } },
  views: { attribute: string; features: readonly string[]; meanAbs: Float64Array; gap: { levelA: string; levelB: string; countA: number; countB: number; gap: number; perPlayer: Float64Array } | null },
): { shap: ShapInput; gap: GapInput | null } {
  const s = run.settings;
  const g = views.gap;
  return {
    shap: {
      rows: run.nRows,
      output: s.output,
      permutations: s.permutations,
      background: { kind: s.bgKind, size: s.bgSize },
      seed: s.seed,
      columns: views.features.map((name, j) => ({ name, meanAbs: views.meanAbs[j] })).sort((a, b) => b.meanAbs - a.meanAbs),
    },
    gap: g ? { attribute: views.attribute, groupA: g.levelA, groupB: g.levelB, countA: g.countA, countB: g.countB, gap: g.gap, contributions: views.features.map((name, j) => ({ name, value: g.perPlayer[j] })) } : null,
  };
}
