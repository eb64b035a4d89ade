/**
 * `bias-workbench compare` on a small synthetic table: six scenarios on one shared split, the
 * Pareto frontier, group thresholds narrowing the equal-opportunity gap, reproducible output
 * (timings aside), the HTML table, and bad input (a retraining scenario on an imported model,
 * an invalid scenarios file) exiting 1 with one line.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demo, makeTempDir, root, run, writeIn } from './cli-harness';
import type { CompareReport } from '../../src/cli/compare';
import { createRng } from '../../src/core/rng';

let dir: string;
let data: string;
let six: string;
let bankCsv: string;

afterEach(() => vi.restoreAllMocks());

const file = (name: string, content: string): string => writeIn(dir, name, content);

/** 1,500 rows: group g (b = 40%), x1 a proxy of g, x2 independent; y depends on x2 and on g. */
function syntheticCsv(n: number, seed: number): string {
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const lines = ['x1,x2,g,y'];
  for (let i = 0; i < n; i++) {
    const g = rng.next() < 0.4 ? 1 : 0;
    const x1 = gauss() + 1.2 * g;
    const x2 = gauss();
    const y = 0.9 * x2 + 1.0 * g + 0.5 * gauss() > 0.7 ? 'yes' : 'no';
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${g ? 'b' : 'a'},${y}`);
  }
  return lines.join('\n') + '\n';
}

const SIX = [
  { name: 'baseline', interventions: [] },
  { name: 'drop x1', interventions: [{ kind: 'drop-features', columns: ['x1'] }] },
  { name: 'reweigh', interventions: [{ kind: 'reweigh' }] },
  { name: 'oversample', interventions: [{ kind: 'resample', method: 'oversample' }] },
  { name: 'EO thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] },
  { name: 'DP in training', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.05 }] },
];

const ROLES = ['--target', 'y', '--positive', 'yes', '--protected', 'g'];
/** quick: 3 epochs (3 batches of 512 each) leave the model nearly untrained, enough for checks of shape and reproducibility */
const TRAIN = [...ROLES, '--train', 'logistic', '--epochs', '3', '--seed', '1', '--bootstrap', '0'];
/** ~300 optimiser steps: a model good enough for the mitigations to show their effect (about 10 s for the six) */
const TRAIN_WELL = [...ROLES, '--train', 'logistic', '--epochs', '100', '--seed', '1', '--bootstrap', '0'];

/** The report without its timings (the only clock-dependent fields). */
function withoutSeconds(json: string): unknown {
  return JSON.parse(json, (k, v: unknown) => (k === 'seconds' ? undefined : v));
}

beforeAll(() => {
  dir = makeTempDir('bw-compare-');
  data = file('synthetic.csv', syntheticCsv(1500, 11));
  six = file('six.json', JSON.stringify(SIX));
  // the first 2,000 rows of the bank demo are enough for the imported-model checks
  bankCsv = file('bank.csv', readFileSync(join(demo, 'bank-full.csv'), 'utf8').split('\n').slice(0, 2001).join('\n') + '\n');
});

const BANK = ['--protected', 'age', '--bins', 'age=25,40,60', '--model', join(demo, 'model.json'), '--bootstrap', '0'];

describe('compare with a trained baseline', () => {
  let first: { code: number; out: string; err: string };
  let report: CompareReport;

  beforeAll(async () => {
    first = await run(['compare', '--data', data, ...TRAIN_WELL, '--scenarios', six]);
    report = JSON.parse(first.out) as CompareReport;
  }, 60_000);

  it('runs six scenarios on one split and reports each', () => {
    expect(first.code, first.err).toBe(0);
    expect(report.scenarios.map((s) => s.name)).toEqual(SIX.map((s) => s.name));
    expect(report.split).toEqual({ seed: 1, train: report.split.train, test: report.split.test, testFraction: 0.3 });
    expect(report.split.train + report.split.test).toBe(1500);
    expect(report.baseline).toMatchObject({ kind: 'trained', trainKind: 'logistic', epochs: 100, features: ['x1', 'x2'], featuresFrom: 'data' });
    expect(report.baselineScenario).toBe('baseline');
    expect(report.groups.levels).toEqual(['a', 'b']);
    for (const s of report.scenarios) {
      expect(s.heldOutRows).toBe(report.split.test);
      for (const k of ['accuracy', 'balancedAccuracy', 'rocAuc', 'demographicParityDifference', 'equalOpportunityDifference', 'equalizedOddsDifference'] as const) {
        expect(s.metrics[k] === null || typeof s.metrics[k] === 'number').toBe(true);
      }
      expect(Object.keys(s.metrics.selectionRate)).toEqual(['a', 'b']);
      expect(s.intervals).toEqual({});
      expect(s.differencesFromBaseline).not.toBeNull();
      expect(typeof s.seconds).toBe('number');
    }
    expect(report.scenarios[0].differencesFromBaseline!.accuracy).toBe(0);
    // progress: one line per scenario on standard error
    for (let i = 0; i < SIX.length; i++) expect(first.err).toMatch(new RegExp(`\\[${i + 1}/6\\] ${SIX[i].name}: \\d+\\.\\d s`));
  });

  it('gives a non-empty Pareto frontier of scenario names', () => {
    expect(report.pareto.length).toBeGreaterThan(0);
    const names = new Set(report.scenarios.map((s) => s.name));
    for (const p of report.pareto) expect(names.has(p)).toBe(true);
  });

  it('reports the interventions that ran', () => {
    const by = new Map(report.scenarios.map((s) => [s.name, s]));
    expect(by.get('drop x1')!.notes.join(' ')).toMatch(/Retrained without 'x1'/);
    expect(by.get('oversample')!.trainRows).toBeGreaterThan(report.split.train);
    const base = report.scenarios[0].metrics;
    expect(base.accuracy!).toBeGreaterThan(0.7); // the majority class is 0.6
    const eo = by.get('EO thresholds')!;
    expect(eo.groupThresholds?.constraint).toBe('equal-opportunity');
    expect(eo.groupThresholds!.expectedSelectionRate).toHaveProperty('b');
    expect(eo.metrics.equalOpportunityDifference! <= base.equalOpportunityDifference! || eo.metrics.equalOpportunityDifference! < 0.05).toBe(true);
    expect(eo.differencesFromBaseline!.equalOpportunityDifference).toBeCloseTo(eo.metrics.equalOpportunityDifference! - base.equalOpportunityDifference!, 12);
    expect(eo.metrics.rocAuc).toBe(base.rocAuc); // thresholds change decisions, not scores
    const dp = by.get('DP in training')!;
    expect(dp.constraint).toMatchObject({ constraint: 'demographic-parity', bound: 0.05 });
    expect(dp.constraint!.attempts.length).toBeGreaterThan(0);
    if (dp.constraint!.met) expect(dp.constraint!.trainingGap!).toBeLessThanOrEqual(0.05);
    expect(dp.metrics.demographicParityDifference!).toBeLessThan(base.demographicParityDifference!);
  });

  it('is reproducible: two runs give the same JSON, timings aside', async () => {
    const a = await run(['compare', '--data', data, ...TRAIN, '--scenarios', six]);
    const b = await run(['compare', '--data', data, ...TRAIN, '--scenarios', six]);
    expect(a.code, a.err).toBe(0);
    expect(b.code).toBe(0);
    expect(withoutSeconds(b.out)).toEqual(withoutSeconds(a.out));
    expect((withoutSeconds(a.out) as CompareReport).scenarios).toHaveLength(6);
  });
});

describe('compare output and bad input', () => {
  it('writes a self-contained HTML table with escaped names', async () => {
    const sc = file('html.json', JSON.stringify([
      { name: 'baseline <b>', interventions: [] },
      { name: 'EO', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] },
      { name: 'DP', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.05 }] },
    ]));
    const out = join(dir, 'compare.html');
    const r = await run(['compare', '--data', data, ...TRAIN, '--scenarios', sc, '--format', 'html', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('baseline &lt;b&gt;');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html).toContain('group thresholds for equal-opportunity');
    // a constraint on a logistic baseline runs by reductions: the page says so, not a penalty's λ
    expect(html).toMatch(/Constraint demographic-parity, bound 0\.050? \((met|not met) on the training rows\), by reductions .* a mixture of \d+ of its \d+ weighted fits/);
    expect(html).not.toMatch(/λ = /);
  });

  it('evaluates an imported model as it is, with neutralise and group thresholds', async () => {
    const sc = file('imported.json', JSON.stringify([
      { name: 'as is', interventions: [] },
      { name: 'neutralise age', interventions: [{ kind: 'neutralise', columns: ['age'] }] },
      { name: 'EO', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] },
    ]));
    const r = await run(['compare', '--data', bankCsv, ...BANK, '--scenarios', sc]); // target and positive from the manifest
    expect(r.code, r.err).toBe(0);
    const rep = JSON.parse(r.out) as CompareReport;
    expect(rep.baseline).toMatchObject({ kind: 'imported', threshold: 0.5 });
    expect(rep.input).toMatchObject({ target: 'y', positive: 'yes', rows: 2000 });
    expect(rep.groups.levels).toEqual(['<25', '25–39', '40–59', '60+']);
    expect(rep.scenarios.map((s) => s.trainRows)).toEqual([0, 0, 0]);
    expect(rep.scenarios[2].metrics.rocAuc).toBe(rep.scenarios[0].metrics.rocAuc);
  });

  it('refuses a retraining scenario on an imported model with one line naming it', async () => {
    const sc = file('drop.json', JSON.stringify([{ name: 'baseline', interventions: [] }, { name: 'no age', interventions: [{ kind: 'drop-features', columns: ['age'] }] }]));
    const r = await run(['compare', '--data', bankCsv, '--target', 'y', '--positive', 'yes', ...BANK, '--scenarios', sc]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/scenario "no age".*"drop-features" retrains the model/);
    expect(r.err).toMatch(/--train/);
  });

  it('exits 1 with one line naming the path of an invalid scenarios file', async () => {
    const badKind = file('bad-kind.json', JSON.stringify([{ name: 'baseline', interventions: [] }, { name: 'x', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 3 }] }]));
    const r1 = await run(['compare', '--data', data, ...TRAIN, '--scenarios', badKind]);
    expect(r1.code).toBe(1);
    expect(r1.err.trim().split('\n')).toHaveLength(1);
    expect(r1.err).toContain('bad-kind.json');
    expect(r1.err).toContain('scenarios[1].interventions[0].bound must be a number in [0, 1]');

    const badJson = file('bad.json', '[{"name": "baseline", ');
    const r2 = await run(['compare', '--data', data, ...TRAIN, '--scenarios', badJson]);
    expect(r2.code).toBe(1);
    expect(r2.err.trim().split('\n')).toHaveLength(1);
    expect(r2.err).toMatch(/bad\.json is not valid JSON/);

    const unknownColumn = file('unknown.json', JSON.stringify([{ name: 'drop g', interventions: [{ kind: 'drop-features', columns: ['g'] }] }]));
    const r3 = await run(['compare', '--data', data, ...TRAIN, '--scenarios', unknownColumn]);
    expect(r3.code).toBe(1);
    expect(r3.err).toMatch(/scenario "drop g".*"g" is not a feature/);
    expect(r3.err).not.toMatch(/\[1\/1\]/); // failed before anything ran
  });

  it('exits 2 on bad usage', async () => {
    const r = await run(['compare', '--data', data, '--target', 'y', '--positive', 'yes', '--protected', 'g', '--scenarios', six]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/one of --model or --train is required/);
    const r2 = await run(['compare', '--data', data, ...TRAIN, '--scenarios', six, '--include-protected', '--model', join(demo, 'model.json')]);
    expect(r2.code).toBe(2);
  });
});

/** The `npx bias-workbench compare …` line of the README's "Command line" section, as arguments. */
function readmeCompareArgs(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Command line'));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  const joined = block.replace(/\\\n\s*/g, ' ');
  const line = joined.split('\n').find((l) => l.startsWith('npx bias-workbench compare'));
  if (!line) throw new Error('no compare command in the README');
  return line.trim().split(/\s+/).slice(2);
}

describe('the README compare example', () => {
  it('examples/scenarios.json holds the six standard scenarios of the app (drop: age)', () => {
    const file = JSON.parse(readFileSync(join(root, 'examples/scenarios.json'), 'utf8'));
    expect(file).toEqual([
      { name: 'baseline', interventions: [] },
      { name: 'no age', interventions: [{ kind: 'drop-features', columns: ['age'] }] },
      { name: 'reweigh', interventions: [{ kind: 'reweigh' }] },
      { name: 'oversample', interventions: [{ kind: 'resample', method: 'oversample' }] },
      { name: 'EO thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] },
      { name: 'DP in training', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02 }] },
    ]);
  });

  it('runs as the README writes it (1 epoch and no bootstrap, for time)', async () => {
    const args = readmeCompareArgs();
    expect(args).toContain('examples/scenarios.json');
    // the README's paths are relative to the repository root
    const fromRoot = args.map((a) => (/^(public|examples)\//.test(a) ? join(root, a) : a));
    const r = await run(['compare', ...fromRoot.slice(1), '--epochs', '1', '--bootstrap', '0']);
    expect(r.code, r.err).toBe(0);
    const rep = JSON.parse(r.out) as CompareReport;
    expect(rep.scenarios.map((s) => s.name)).toEqual(['baseline', 'no age', 'reweigh', 'oversample', 'EO thresholds', 'DP in training']);
    expect(rep.baseline).toMatchObject({ kind: 'trained', trainKind: 'mlp', featuresFrom: 'model' });
    expect(rep.split.seed).toBe(42);
    expect(rep.input.rows).toBe(45211);
    expect(rep.pareto.length).toBeGreaterThan(0);
  }, 180_000);
});
