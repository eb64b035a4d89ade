import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTable, encodeTarget, validateManifest } from '../../src/core/manifest';
import {
  compareScenarios,
  createSplit,
  DEGENERATE_MAX_SELECTION_RATE,
  DEGENERATE_MIN_SELECTION_RATE,
  degenerateSelection,
  paretoFrontier,
  runScenario,
  validateScenarios,
  type Scenario,
  type ScenarioContext,
  type ScenarioResult,
} from '../../src/core/mitigate';
import { createModelScorer, loadLayersModelFromFiles } from '../../src/core/model';
import { createRng, shuffleInPlace } from '../../src/core/rng';
import { groupColumn, intersectGroups, type DatasetRoles } from '../../src/core/roles';
import type { Scorer } from '../../src/core/scorer';
import type { ColumnTable, NumericColumn } from '../../src/core/table';
import { trainModel } from '../../src/core/train';
import { groupProxyTable, problem, rejects as problemAsync } from './synthetic';
import { setupTfAndCheckLeaks } from './tf-setup';

/** g and h protected (x1 a proxy of g); 12 rows lack a target. */
const table = groupProxyTable(2400, 9, { second: true });
const roles: DatasetRoles = { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'g' }, { column: 'h' }], features: ['x1', 'x2', 'c'], ignored: [] };
const split = createSplit(table, roles, 3);
const trained = { kind: 'trained' as const, trainKind: 'logistic' as const, epochs: 30, batchSize: 128 };
const ctx: ScenarioContext = { table, roles, split, baseline: trained, seed: 5, protectedAttribute: { column: 'g' }, bootstrap: 50 };

setupTfAndCheckLeaks();

describe('validateScenarios', () => {
  it('accepts an array or {scenarios} and returns typed copies', () => {
    const json = [
      { name: 'baseline', interventions: [] },
      { name: 'mix', interventions: [{ kind: 'reweigh' }, { kind: 'group-thresholds', constraint: 'equal-opportunity', topK: 100 }] },
      { name: 'all', interventions: [
        { kind: 'drop-features', columns: ['c'] },
        { kind: 'neutralise', columns: ['x1'] },
        { kind: 'resample', method: 'undersample', proportions: [[1, 1], [1, 1]] },
        { kind: 'constraint', constraint: 'error-rate-parity', bound: 0.05, lambda: 2 },
      ] },
      { name: 'no list' },
    ];
    const out = validateScenarios(json);
    expect(out).toHaveLength(4);
    expect(out[1].interventions[1]).toEqual({ kind: 'group-thresholds', constraint: 'equal-opportunity', topK: 100 });
    expect(out[3].interventions).toEqual([]);
    expect(validateScenarios({ scenarios: json })).toEqual(out);
    expect(out[2].interventions[0]).not.toBe(json[2].interventions![0]);
  });

  it('names the path of each problem', () => {
    const e = problem(() => validateScenarios([
      { name: 'a', interventions: [{ kind: 'reweight' }] },
      { name: 'a', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 2 }] },
      { name: 'c', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity', topk: 5 }] },
    ]));
    expect(e.code).toBe('roles-invalid');
    expect(e.message).toMatch(/scenarios\[0\]\.interventions\[0\]\.kind must be one of/);
    expect(e.message).toMatch(/scenarios\[1\]\.name "a" repeats scenarios\[0\]\.name/);
    expect(e.message).toMatch(/scenarios\[1\]\.interventions\[0\]\.bound must be a number in \[0, 1\]/);
    expect(e.message).toMatch(/and 1 more/);
    expect(e.hint).toMatch(/drop-features/);
    expect(problem(() => validateScenarios([{ name: 'x', interventions: [{ kind: 'reweigh' }, { kind: 'reweigh' }] }])).message).toMatch(/interventions\[1\]\.kind "reweigh" repeats/);
    expect(problem(() => validateScenarios([{ name: 'x', interventions: [{ kind: 'constraint', constraint: 'demographic-parity' }] }])).message).toMatch(/needs a "bound"/);
    expect(problem(() => validateScenarios([{ name: 'x', interventions: [{ kind: 'drop-features', columns: [] }] }])).message).toMatch(/columns must be a non-empty array/);
    expect(problem(() => validateScenarios([{ name: 'x', interventions: [{ kind: 'resample', method: 'smote' }] }])).message).toMatch(/method must be "oversample" or "undersample"/);
    expect(problem(() => validateScenarios([{ name: '', extra: 1 }])).message).toMatch(/unknown field "scenarios\[0\]\.extra".*name must be a non-empty string/);
    expect(problem(() => validateScenarios('nope')).message).toMatch(/must be an array/);
  });
});

describe('createSplit', () => {
  it('is a seeded, disjoint split of the labelled rows, stratified by label × protected groups', () => {
    const labels = encodeTarget(table, roles.target);
    const all = new Set([...split.train, ...split.test]);
    expect(all.size).toBe(split.train.length + split.test.length);
    let labelled = 0;
    for (let r = 0; r < table.nRows; r++) {
      if (labels[r] >= 0) labelled++;
      else expect(all.has(r)).toBe(false);
    }
    expect(all.size).toBe(labelled);
    const strata = intersectGroups([groupColumn(table, { column: 'g' }), groupColumn(table, { column: 'h' })]);
    const count = (rows: Uint32Array, key: number): number => rows.filter((r) => labels[r] * 4 + strata.codes[r] === key).length;
    for (let key = 0; key < 8; key++) {
      const nTest = count(split.test, key);
      const n = nTest + count(split.train, key);
      expect(nTest).toBe(Math.round(0.3 * n));
    }
    const again = createSplit(table, roles, 3);
    expect(Array.from(again.test)).toEqual(Array.from(split.test));
    expect(Array.from(createSplit(table, roles, 4).test)).not.toEqual(Array.from(split.test));
    expect(() => createSplit(table, roles, 1, 1)).toThrow(/testFraction/);
  });
});

describe('runScenario', () => {
  let baseline: ScenarioResult;
  beforeAll(async () => {
    baseline = await runScenario(ctx, { name: 'baseline', interventions: [] });
  });

  it('trains the baseline on the training rows and reports held-out metrics with intervals', () => {
    const m = baseline.metrics;
    expect(m.n).toBe(split.test.length);
    expect(baseline.trainRows).toBe(split.train.length);
    expect(m.accuracy.value!).toBeGreaterThan(0.75);
    expect(m.rocAuc.value!).toBeGreaterThan(0.85);
    expect(m.accuracy.interval?.lower).not.toBeNull();
    expect(m.selectionRate.map((s) => s.level)).toEqual(['a', 'b']);
    expect(m.demographicParityDifference.value).toBeCloseTo(Math.abs(m.selectionRate[1].value! - m.selectionRate[0].value!), 12);
    expect(m.demographicParityDifference.interval).toBeDefined();
    expect(m.equalizedOddsDifference.value).not.toBeNull();
    expect(baseline.constraint).toBeNull();
    expect(m.degenerate).toBeNull();
    expect(baseline.groupThresholds).toBeNull();
    expect(baseline.artifacts.files!.map((f) => f.name)).toEqual(['model.json', 'model.weights.bin']);
    expect(validateManifest(baseline.artifacts.manifest).features.map((f) => f.column)).toEqual(['x1', 'x2', 'c']);
    expect(baseline.timings.totalMs).toBeGreaterThan(0);
  });

  it('drop-features: the retrained model has no such input, and shuffling the column changes nothing', async () => {
    const r = await runScenario(ctx, { name: 'drop x1', interventions: [{ kind: 'drop-features', columns: ['x1'] }] });
    expect(r.artifacts.manifest.features.map((f) => f.column)).toEqual(['x2', 'c']);
    expect(r.notes.join(' ')).toMatch(/Retrained without 'x1'/);
    // attribution of x1 is 0 by construction: the model never sees it
    const model = await loadLayersModelFromFiles(r.artifacts.files!);
    try {
      const scorer = createModelScorer(model, validateManifest(r.artifacts.manifest));
      const x1 = table.columns[0] as NumericColumn;
      const shuffled = Float64Array.from(x1.values);
      const perm = Uint32Array.from({ length: shuffled.length }, (_, i) => i);
      shuffleInPlace(perm, createRng(1));
      for (let i = 0; i < perm.length; i++) shuffled[i] = x1.values[perm[i]];
      const t2: ColumnTable = { nRows: table.nRows, columns: [{ type: 'numeric', name: 'x1', values: shuffled }, ...table.columns.slice(1)] };
      const a = await scorer.predict(encodeTable(table, r.artifacts.manifest, split.test), split.test.length);
      const b = await scorer.predict(encodeTable(t2, r.artifacts.manifest, split.test), split.test.length);
      expect(Array.from(b)).toEqual(Array.from(a));
      // while the baseline does use x1 (the group proxy)
      const bm = await loadLayersModelFromFiles(baseline.artifacts.files!);
      try {
        const bs = createModelScorer(bm, validateManifest(baseline.artifacts.manifest));
        const c1 = await bs.predict(encodeTable(table, baseline.artifacts.manifest, split.test), split.test.length);
        const c2 = await bs.predict(encodeTable(t2, baseline.artifacts.manifest, split.test), split.test.length);
        expect(Array.from(c2)).not.toEqual(Array.from(c1));
      } finally {
        bm.dispose();
      }
    } finally {
      model.dispose();
    }
    // dropping the proxy narrows the selection-rate gap here
    expect(r.metrics.demographicParityDifference.value!).toBeLessThan(baseline.metrics.demographicParityDifference.value!);
  });

  it('composes reweigh + group thresholds on an intersection, deterministically under the seed', async () => {
    const c2: ScenarioContext = { ...ctx, protectedAttribute: [{ column: 'g' }, { column: 'h' }] };
    const s: Scenario = { name: 'reweigh + EO thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }, { kind: 'reweigh' }] };
    const a = await runScenario(c2, s);
    const b = await runScenario(c2, s);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.groupThresholds).toEqual(b.groupThresholds);
    expect(a.artifacts.manifest).toEqual(b.artifacts.manifest);
    expect(a.artifacts.files!.map((f) => Array.from(f.data))).toEqual(b.artifacts.files!.map((f) => Array.from(f.data)));
    expect(a.group).toEqual({ name: 'g&h', levels: ['a|p', 'a|q', 'b|p', 'b|q'] });
    const gt = a.groupThresholds!;
    // TPR parity holds exactly (in expectation) on the training rows the rules were fitted on
    const tprs = gt.fitted.groups.map((g) => g.truePositiveRate!);
    expect(Math.max(...tprs) - Math.min(...tprs)).toBeLessThan(1e-9);
    expect(a.notes.join(' ')).toMatch(/use the protected attribute at decision time/);
    // exported: deterministic stand-ins in groupThresholds, exact rules in the extension
    const m = a.artifacts.manifest;
    expect(m['x-groupThresholdRules']!.columns).toEqual(['g', 'h']);
    expect(Object.keys(m['x-groupThresholdRules']!.rules)).toEqual(['a|p', 'a|q', 'b|p', 'b|q']);
    const v = validateManifest(JSON.parse(JSON.stringify(m)));
    expect(Object.keys(v.groupThresholds![0].thresholds)).toEqual(['a|p', 'a|q', 'b|p', 'b|q']);
    expect('x-groupThresholdRules' in v).toBe(false);
    // a different seed gives a different model draw order and decisions
    const c = await runScenario({ ...c2, seed: 6 }, s);
    expect(c.metrics).not.toEqual(a.metrics);
  });

  it('resample retrains on the resampled rows', async () => {
    const r = await runScenario(ctx, { name: 'oversample', interventions: [{ kind: 'resample', method: 'oversample' }] });
    expect(r.trainRows).toBeGreaterThan(split.train.length);
    expect(r.notes.join(' ')).toMatch(/Resampled \(oversample\)/);
    expect(r.metrics.demographicParityDifference.value!).toBeLessThan(baseline.metrics.demographicParityDifference.value!);
  });

  describe('with an imported model', () => {
    let imported: ScenarioContext;
    let dispose: () => void = () => undefined;
    beforeAll(async () => {
      const t = await trainModel(table, { target: roles.target, features: roles.features }, { kind: 'logistic', seed: 2, epochs: 10, batchSize: 128, trainRows: split.train, date: null });
      const scorer = createModelScorer(t.model, t.manifest);
      imported = { ...ctx, baseline: { kind: 'imported', scorer, manifest: t.manifest } };
      dispose = () => {
        scorer.dispose();
        t.model.dispose();
      };
    });
    afterAll(() => dispose());

    it('refuses to retrain it, with a hint', async () => {
      const e = await problemAsync(runScenario(imported, { name: 'drop', interventions: [{ kind: 'drop-features', columns: ['x1'] }] }));
      expect(e.code).toBe('roles-invalid');
      expect(e.message).toMatch(/scenario "drop" interventions\[0\]: "drop-features" retrains the model/);
      expect(e.hint).toMatch(/neutralise/);
      expect((await problemAsync(runScenario(imported, { name: 'rw', interventions: [{ kind: 'reweigh' }] }))).hint).toMatch(/group-thresholds/);
      expect((await problemAsync(runScenario(imported, { name: 'n', interventions: [{ kind: 'neutralise', columns: ['g'] }] }))).message).toMatch(/"g" is not a feature/);
    });

    it('evaluates it as is, neutralises columns without retraining, and applies group thresholds within capacity', async () => {
      const asIs = await runScenario(imported, { name: 'as is', interventions: [] });
      expect(asIs.trainRows).toBe(0);
      expect(asIs.artifacts.files).toBeNull();
      expect(asIs.notes.join(' ')).toMatch(/evaluated as it is/);
      const neu = await runScenario(imported, { name: 'neutralise x1', interventions: [{ kind: 'neutralise', columns: ['x1'] }] });
      expect(neu.notes.join(' ')).toMatch(/not retrained/);
      expect(neu.metrics.rocAuc.value).not.toBe(asIs.metrics.rocAuc.value);
      expect(neu.metrics.demographicParityDifference.value!).toBeLessThan(asIs.metrics.demographicParityDifference.value!);
      const topK = 150;
      const th = await runScenario(imported, { name: 'dp top-150', interventions: [{ kind: 'group-thresholds', constraint: 'demographic-parity', topK }] });
      expect(th.metrics.selected).toBeLessThanOrEqual(topK);
      expect(th.groupThresholds!.topKFit).toBeCloseTo((topK * split.train.length) / split.test.length, 9);
      expect(th.groupThresholds!.fitted.overall.expectedSelected).toBeLessThanOrEqual(th.groupThresholds!.topKFit! + 1e-6);
      expect(th.metrics.rocAuc.value).toBe(asIs.metrics.rocAuc.value); // thresholds change decisions, not scores
      const sr = th.groupThresholds!.expectedSelectionRate as number[];
      expect(Math.abs(sr[0] - sr[1])).toBeLessThan(asIs.metrics.demographicParityDifference.value!);
      expect(th.artifacts.manifest['x-groupThresholdRules']).toBeDefined();
    });
  });
});

describe('comparing scenarios', () => {
  it('paretoFrontier keeps the non-dominated points, by increasing disparity', () => {
    const pts = [
      { accuracy: 0.9, disparity: 0.2 }, // 0: frontier
      { accuracy: 0.85, disparity: 0.05 }, // 1: frontier
      { accuracy: 0.8, disparity: 0.1 }, // 2: dominated by 1
      { accuracy: 0.88, disparity: 0.2 }, // 3: dominated by 0
      { accuracy: 0.85, disparity: 0.05 }, // 4: same as 1
      { accuracy: null, disparity: 0.01 }, // 5: left out
      { accuracy: 0.7, disparity: 0.0 }, // 6: frontier
    ];
    expect(paretoFrontier(pts)).toEqual([6, 1, 4, 0]);
    expect(paretoFrontier([])).toEqual([]);
  });

  it('paretoFrontier leaves degenerate points off, and they push no other point off', () => {
    const nobody = { kind: 'selects-nobody' as const, selectionRate: 0.008, message: 'selects almost nobody' };
    const pts = [
      { accuracy: 0.9, disparity: 0.2 }, // 0: frontier
      { accuracy: 0.85, disparity: 0.05 }, // 1: frontier
      { accuracy: 0.95, disparity: 0.0, degenerate: nobody }, // 2: would dominate everything
      { accuracy: 0.8, disparity: 0.1, degenerate: null }, // 3: dominated by 1
    ];
    expect(paretoFrontier(pts)).toEqual([1, 0]);
    // without the flag, the same point takes the whole frontier
    expect(paretoFrontier(pts.map((p) => ({ accuracy: p.accuracy, disparity: p.disparity })))).toEqual([2]);
  });

  it('compareScenarios gives value − baseline per metric and throws for an unknown baseline', () => {
    const mk = (name: string, acc: number, dp: number): ScenarioResult => ({
      name,
      interventions: [],
      group: { name: 'g', levels: ['a', 'b'] },
      metrics: {
        n: 10,
        selected: 3,
        accuracy: { value: acc },
        balancedAccuracy: { value: acc - 0.1 },
        rocAuc: { value: null, reason: 'one-class' },
        selectionRate: [{ level: 'a', count: 5, value: 0.2 }, { level: 'b', count: 5, value: 0.2 + dp }],
        demographicParityDifference: { value: dp },
        equalOpportunityDifference: { value: 0.1 },
        equalizedOddsDifference: { value: 0.1 },
        degenerate: null,
      },
      constraint: null,
      groupThresholds: null,
      trainRows: 7,
      notes: [],
      timings: { trainMs: 1, scoreMs: 1, thresholdsMs: 0, metricsMs: 1, exportMs: 0, totalMs: 3 },
      artifacts: { manifest: baselineManifest(), files: null },
    });
    const c = compareScenarios([mk('base', 0.9, 0.3), mk('fair', 0.85, 0.05)], 'base');
    expect(c.rows[1].accuracy.difference).toBeCloseTo(-0.05, 12);
    expect(c.rows[1].demographicParityDifference).toEqual({ value: 0.05, baseline: 0.3, difference: 0.05 - 0.3 });
    expect(c.rows[1].rocAuc.difference).toBeNull();
    expect(c.rows[1].selectionRate[1].difference).toBeCloseTo(-0.25, 12);
    expect(c.rows[0].accuracy.difference).toBe(0);
    expect(problem(() => compareScenarios([mk('base', 0.9, 0.3)], 'nope')).message).toMatch(/no scenario is named "nope"/);
  });
});

describe('degenerate scenarios', () => {
  it('flags a held-out selection rate under 1 % or over 99 %, and nothing within', () => {
    expect(DEGENERATE_MIN_SELECTION_RATE).toBe(0.01);
    expect(DEGENERATE_MAX_SELECTION_RATE).toBe(0.99);
    const low = degenerateSelection({ n: 1000, selected: 8 })!;
    expect(low.kind).toBe('selects-nobody');
    expect(low.selectionRate).toBeCloseTo(0.008, 15);
    expect(low.message).toMatch(/selects 8 of 1000 held-out rows \(0\.8%, under 1\.0%\).*not a trade-off/);
    expect(degenerateSelection({ n: 1000, selected: 0 })!.kind).toBe('selects-nobody');
    expect(degenerateSelection({ n: 1000, selected: 10 })).toBeNull(); // exactly 1 %
    expect(degenerateSelection({ n: 1000, selected: 500 })).toBeNull();
    expect(degenerateSelection({ n: 1000, selected: 990 })).toBeNull(); // exactly 99 %
    const high = degenerateSelection({ n: 1000, selected: 1000 })!;
    expect(high.kind).toBe('selects-everybody');
    expect(high.message).toMatch(/100\.0%, over 99\.0%.*almost everybody/);
    expect(degenerateSelection({ n: 0, selected: 0 })).toBeNull();
  });

  it('runScenario flags a model that selects (nearly) nobody or everybody, with a note', async () => {
    const manifest = validateManifest({ format: 'bias-workbench.manifest/1', target: { column: 'y', positive: 'yes' }, features: [{ column: 'x2', kind: 'numeric' }], output: 'probability' });
    const constant = (p: number): Scorer => ({ nFeatures: 1, predict: async (_X, n) => new Float32Array(n).fill(p), dispose: () => undefined });
    // selects the rows whose x2 is above 2.5 standard deviations: well under 1 % of them
    const rare: Scorer = { nFeatures: 1, predict: async (X, n) => Float32Array.from({ length: n }, (_, i) => (X[i] > 2.5 ? 0.9 : 0.1)), dispose: () => undefined };
    const run = (scorer: Scorer) => runScenario({ ...ctx, bootstrap: 0, baseline: { kind: 'imported', scorer, manifest } }, { name: 'x', interventions: [] });
    const nobody = await run(constant(0.2));
    expect(nobody.metrics.selected).toBe(0);
    expect(nobody.metrics.demographicParityDifference.value).toBe(0); // "perfectly fair"
    expect(nobody.metrics.degenerate).toMatchObject({ kind: 'selects-nobody', selectionRate: 0 });
    expect(nobody.notes.join(' ')).toMatch(/Not a trade-off: this scenario selects 0 of \d+ held-out rows/);
    const few = await run(rare);
    expect(few.metrics.selected).toBeGreaterThan(0);
    expect(few.metrics.degenerate?.kind).toBe('selects-nobody');
    expect(few.metrics.degenerate?.selectionRate).toBeCloseTo(few.metrics.selected / few.metrics.n, 15);
    const everybody = await run(constant(0.8));
    expect(everybody.metrics.degenerate).toMatchObject({ kind: 'selects-everybody', selectionRate: 1 });
    const half: Scorer = { nFeatures: 1, predict: async (X, n) => Float32Array.from({ length: n }, (_, i) => (X[i] > 0 ? 0.9 : 0.1)), dispose: () => undefined };
    const ordinary = await run(half);
    expect(ordinary.metrics.degenerate).toBeNull();
    expect(ordinary.notes.join(' ')).not.toMatch(/Not a trade-off/);
  });
});

describe('the decision rule on the held-out rows', () => {
  it("follows the context's rule (the audit's) instead of the model's threshold when given", async () => {
    const manifest = validateManifest({ format: 'bias-workbench.manifest/1', target: { column: 'y', positive: 'yes' }, features: [{ column: 'x2', kind: 'numeric' }], output: 'probability', threshold: 0.5 });
    // a score that rises with x2: distinct scores, so a top share is exact
    const rising: Scorer = { nFeatures: 1, predict: async (X, n) => Float32Array.from({ length: n }, (_, i) => 1 / (1 + Math.exp(-X[i]))), dispose: () => undefined };
    const base = { ...ctx, bootstrap: 0, baseline: { kind: 'imported' as const, scorer: rising, manifest } };
    const byModel = await runScenario(base, { name: 'model threshold', interventions: [] });
    const top10 = await runScenario({ ...base, decision: { rule: 'top-percent', percent: 10 } }, { name: 'top 10 %', interventions: [] });
    const strict = await runScenario({ ...base, decision: { rule: 'threshold', threshold: 0.9 } }, { name: 'threshold 0.9', interventions: [] });
    expect(top10.metrics.selected).toBe(Math.round(0.1 * split.test.length));
    expect(strict.metrics.selected).toBeLessThan(byModel.metrics.selected);
    expect(byModel.metrics.selected).not.toBe(top10.metrics.selected);
  });
});

function baselineManifest(): ScenarioResult['artifacts']['manifest'] {
  return validateManifest({ format: 'bias-workbench.manifest/1', target: { column: 'y', positive: 'yes' }, features: [{ column: 'x2', kind: 'numeric' }], output: 'probability' });
}
