/**
 * `bias-workbench audit` as a CI pipeline runs it: the JSON equals fairlearn 0.9's MetricFrame
 * on the peer fixture (to 1e-9), undefined rates are null with a reason, bootstrap output is
 * reproducible, the HTML report is self-contained, and bad input exits 1 with one line.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fairnessRef } from './fairness-ref';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demo, makeTempDir, root, run, writeIn } from './cli-harness';
import type { AuditReport, AttributeJson } from '../../src/core/audit';

const peer = join(root, 'test/fixtures/peer');
const FAIRNESS = join(peer, 'fairness.csv');
let dir: string;

beforeAll(() => {
  dir = makeTempDir('bw-audit-');
});
afterEach(() => vi.restoreAllMocks());

async function audit(args: string[]): Promise<AuditReport> {
  const r = await run(['audit', ...args]);
  if (r.code !== 0) throw new Error(`audit exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as AuditReport;
}

const file = (name: string, content: string): string => writeIn(dir, name, content);

const ref = fairnessRef;

/** fairlearn snake_case → our camelCase */
const KEY: Record<string, string> = {
  count: 'count',
  weight_sum: 'weightSum',
  selection_rate: 'selectionRate',
  true_positive_rate: 'truePositiveRate',
  false_positive_rate: 'falsePositiveRate',
  false_negative_rate: 'falseNegativeRate',
  true_negative_rate: 'trueNegativeRate',
  accuracy: 'accuracy',
  precision: 'precision',
  roc_auc: 'rocAuc',
  mean_score: 'meanScore',
};
const SCORE_BASED = new Set(['roc_auc', 'mean_score']);
/** fairlearn aggregate → our disparity key */
const AGG: Record<string, string> = {
  demographic_parity_difference: 'demographicParityDifference',
  demographic_parity_ratio: 'demographicParityRatio',
  equalized_odds_difference: 'equalizedOddsDifference',
  equalized_odds_ratio: 'equalizedOddsRatio',
  equal_opportunity_difference: 'equalOpportunityDifference',
  equal_opportunity_ratio: 'equalOpportunityRatio',
  disparate_impact: 'disparateImpact',
};
const PER_METRIC_DIFF: Record<string, string> = {
  false_positive_rate_difference: 'falsePositiveRate',
  false_negative_rate_difference: 'falseNegativeRate',
  accuracy_difference: 'accuracy',
};

let compared = 0;
function close(actual: unknown, expected: number | null, what: string): void {
  compared++;
  if (expected === null) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(typeof actual, what).toBe('number');
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  if (Math.abs((actual as number) - expected) > tol) expect.fail(`${what}: ${String(actual)} vs fairlearn ${expected}`);
}

function groupValue(g: AuditReport['attributes'][number]['groups'][number], key: string): unknown {
  if (key === 'count') return g.count;
  if (key === 'weightSum') return g.weightSum;
  return g.metrics[key as keyof typeof g.metrics];
}

/** Compares the report with the fixture; without scores, score-based metrics must be null 'no-scores'. */
function checkAgainstFairlearn(report: AuditReport, withScores: boolean, label: string): void {
  expect(report.attributes.map((a) => a.name)).toEqual(ref.analyses.map((a) => a.name));
  const ov = report.overall as unknown as Record<string, unknown>;
  for (const an of ref.analyses) {
    const attr = report.attributes.find((a) => a.name === an.name) as AttributeJson;
    expect(attr.columns).toEqual(an.sensitive_features);
    expect(attr.groups.length).toBe(an.n_groups);
    for (const [k, v] of Object.entries(an.overall)) {
      if (!withScores && SCORE_BASED.has(k)) {
        expect(ov[KEY[k]], `${label} overall ${k}`).toBeNull();
        expect(report.overall.undefined[KEY[k] as 'rocAuc']).toBe('no-scores');
      } else close(ov[KEY[k]], v, `${label} ${an.name} overall ${k}`);
    }
    for (const g of an.by_group) {
      const ours = attr.groups.find((x) => x.group === g.key);
      expect(ours, `${an.name} group ${g.key}`).toBeDefined();
      expect(ours!.values).toEqual(g.values);
      for (const [k, v] of Object.entries(g.metrics)) {
        if (!withScores && SCORE_BASED.has(k)) {
          expect(groupValue(ours!, KEY[k]), `${label} ${g.key} ${k}`).toBeNull();
          expect(ours!.undefined[KEY[k] as 'rocAuc']).toBe('no-scores');
        } else close(groupValue(ours!, KEY[k]), v, `${label} ${an.name}[${g.key}] ${k}`);
      }
    }
    for (const [k, pm] of Object.entries(an.per_metric)) {
      if (!withScores && SCORE_BASED.has(k)) continue;
      const d = attr.perMetric[KEY[k]];
      const t = `${label} ${an.name} ${k}`;
      close(d.overall, pm.overall, `${t} overall`);
      close(d.groupMin, pm.group_min, `${t} group_min`);
      close(d.groupMax, pm.group_max, `${t} group_max`);
      close(d.differenceBetweenGroups, pm.difference_between_groups, `${t} difference_between_groups`);
      close(d.ratioBetweenGroups, pm.ratio_between_groups, `${t} ratio_between_groups`);
      close(d.differenceToOverall, pm.difference_to_overall, `${t} difference_to_overall`);
      close(d.ratioToOverall, pm.ratio_to_overall, `${t} ratio_to_overall`);
    }
    const disp = attr.disparities as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(an.aggregates.between_groups)) {
      if (AGG[k]) close(disp[AGG[k]], v, `${label} ${an.name} between ${k}`);
      else close(attr.perMetric[PER_METRIC_DIFF[k]].differenceBetweenGroups, v, `${label} ${an.name} between ${k}`);
    }
    for (const [k, v] of Object.entries(an.aggregates.to_overall)) {
      if (AGG[k]) close((attr.disparities.toOverall as Record<string, unknown>)[AGG[k]], v, `${label} ${an.name} to_overall ${k}`);
      else close(attr.perMetric[PER_METRIC_DIFF[k]].differenceToOverall, v, `${label} ${an.name} to_overall ${k}`);
    }
    expect(attr.disparities.fourFifthsRule.pass).toBe((an.aggregates.between_groups.disparate_impact as number) >= 0.8);
  }
}

const FAIRLEARN_ARGS = ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--prediction', 'y_pred', '--weight', 'sample_weight', '--protected', 'sex,region', '--intersections', '--fairlearn-compatible'];

describe('bias-workbench audit vs fairlearn 0.9 (fairness_ref.out.json)', () => {
  it('--prediction with --fairlearn-compatible: every overall, by-group and disparity number to 1e-9', async () => {
    const before = compared;
    const report = await audit(FAIRLEARN_ARGS);
    checkAgainstFairlearn(report, false, 'prediction');
    expect(compared - before).toBeGreaterThan(350);
    expect(report.rows).toBe(2000);
    expect(report.decision).toMatchObject({ source: 'predictions', column: 'y_pred' });
    expect(report.generatedBy).toBe('bias-workbench 0.1.0');
    expect(report.input.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.input.file).toBe('fairness.csv');
    // without scores, AUC and calibration are undefined and the report says why
    expect(report.notes.map((n) => n.message).join(' ')).toMatch(/no scores/i);
    expect(report.notes.some((n) => n.kind === 'no-scores')).toBe(true);
    expect(report.attributes[0].disparities.aucGap).toBeNull();
    expect(report.attributes[0].disparities.undefined.aucGap).toBe('no-scores');
    // every number can be traced to a definition
    for (const k of ['selectionRate', 'truePositiveRate', 'rocAuc', 'demographicParityDifference', 'equalizedOddsDifference', 'disparateImpact', 'fourFifthsRule']) {
      expect(typeof report.definitions[k], k).toBe('string');
    }
  });

  it('--prediction plus --score also gives fairlearn\'s ROC AUC and mean score; default mode matches where nothing is undefined', async () => {
    const before = compared;
    const withScores = await audit([...FAIRLEARN_ARGS, '--score', 'score']);
    checkAgainstFairlearn(withScores, true, 'prediction+score');
    expect(compared - before).toBeGreaterThan(440);
    const defaultMode = await audit(FAIRLEARN_ARGS.filter((a) => a !== '--fairlearn-compatible').concat('--score', 'score'));
    checkAgainstFairlearn(defaultMode, true, 'default');
    expect(defaultMode.options.fairlearnCompatible).toBe(false);
  });

  it('default mode gives null + reason where fairlearn gives a silent 0', async () => {
    // the fixture has no undefined rate, so add a region 'D' whose rows never convert
    const text = readFileSync(FAIRNESS, 'utf8').trimEnd();
    const extra = ['0,1,0.7,0,D,1.0', '0,0,0.2,1,D,1.0', '0,0,0.1,0,D,2.0'];
    const data = file('fairness-d.csv', `${text}\n${extra.join('\n')}\n`);
    const base = ['--data', data, '--target', 'y_true', '--positive', '1', '--prediction', 'y_pred', '--weight', 'sample_weight', '--protected', 'region'];
    const ours = await audit(base);
    const fl = await audit([...base, '--fairlearn-compatible']);
    const d = ours.attributes[0].groups.find((g) => g.group === 'D')!;
    expect(d.metrics.truePositiveRate).toBeNull();
    expect(d.undefined.truePositiveRate).toBe('no-positives');
    expect(d.metrics.falseNegativeRate).toBeNull();
    expect(d.small).toBe(true);
    const dfl = fl.attributes[0].groups.find((g) => g.group === 'D')!;
    expect(dfl.metrics.truePositiveRate).toBe(0);
    expect(dfl.substituted?.truePositiveRate).toBe('no-positives');
    // D is left out of the TPR comparison (so A–C give fairlearn's original number) ...
    const regionRef = ref.analyses.find((a) => a.name === 'region')!;
    close(ours.attributes[0].disparities.equalOpportunityDifference, regionRef.aggregates.between_groups.equal_opportunity_difference, 'default EOD without D');
    expect(ours.attributes[0].notes.some((n) => n.group === 'D' && n.metric === 'truePositiveRate')).toBe(true);
    // ... while fairlearn's zero drags the difference to the largest TPR and the ratio to 0
    expect(fl.attributes[0].disparities.equalOpportunityRatio).toBe(0);
    expect(fl.attributes[0].disparities.equalOpportunityDifference).toBeCloseTo(0.905410934442139, 12);

    const html = (await run(['audit', ...base, '--format', 'html'])).out;
    expect(html).toContain('undefined (no lead in this group converted)');
    expect(html).toMatch(/small \(n &lt; 30\)/);
  });
});

describe('bias-workbench audit options', () => {
  it('--bootstrap 50 --seed 1 twice gives identical output, with intervals around the estimates', async () => {
    const args = ['audit', '--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex,region', '--bootstrap', '50', '--seed', '1'];
    const a = await run(args);
    const b = await run(args);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const report = JSON.parse(a.out) as AuditReport;
    expect(report.bootstrap).toEqual({ resamples: 50, seed: 1, level: 0.95 });
    const [lo, hi] = report.overall.intervals!.selectionRate!;
    expect(lo!).toBeLessThanOrEqual(report.overall.selectionRate!);
    expect(hi!).toBeGreaterThanOrEqual(report.overall.selectionRate!);
    const g = report.attributes[0].groups[0];
    expect(g.intervals!.truePositiveRate![0]!).toBeLessThan(g.intervals!.truePositiveRate![1]!);
    expect(report.attributes[0].disparities.intervals!.demographicParityDifference).toHaveLength(2);
    const c = await run([...args.slice(0, -1), '2']);
    expect(c.out).not.toBe(a.out);
  });

  it('score mode: default threshold 0.5, --top-k and --top-percent, --reference', async () => {
    const base = ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'region'];
    const t = await audit(base);
    expect(t.decision).toMatchObject({ rule: 'threshold', threshold: 0.5, thresholdFrom: 'default' });
    const k = await audit([...base, '--top-k', '100']);
    expect(k.decision).toMatchObject({ rule: 'top-k', k: 100, selected: 100 });
    expect(k.overall.rocAuc).toBe(t.overall.rocAuc);
    const p = await audit([...base, '--top-percent', '10']);
    expect(p.decision.selected).toBe(200);
    const r = await audit([...base, '--reference', 'C']);
    expect(r.attributes[0].reference).toBe('C');
    expect(r.attributes[0].groups.find((g) => g.group === 'C')!.reference).toBe(true);
    expect(Object.keys(r.attributes[0].disparities.averageOddsDifference)).toEqual(['A', 'B']);
  });

  it('audits the bank demo with the model, binned age, intersections, the manifest threshold', async () => {
    const head = readFileSync(join(demo, 'bank-full.csv'), 'utf8').split('\n').slice(0, 1501).join('\n') + '\n';
    const data = file('bank1500.csv', head);
    const report = await audit(['--data', data, '--target', 'y', '--positive', 'yes', '--protected', 'age,marital', '--bins', 'age=25,40,60', '--model', join(demo, 'model.json'), '--intersections']);
    expect(report.decision).toMatchObject({ rule: 'threshold', thresholdFrom: 'manifest' });
    expect(report.attributes.map((a) => a.name)).toEqual(['age', 'marital', 'age&marital']);
    expect(report.attributes[0].groups.map((g) => g.group)).toEqual(['<25', '25–39', '40–59', '60+']);
    expect(report.attributes[2].groups).toHaveLength(12);
    expect(report.attributes[2].columns).toEqual(['age', 'marital']);
    expect(report.input.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.input.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof report.overall.rocAuc).toBe('number');
  });

  it('three protected columns with --intersections give all pairs and the triple', async () => {
    const text = readFileSync(FAIRNESS, 'utf8').trimEnd().split('\n');
    const withTier = [text[0] + ',tier', ...text.slice(1).map((l, i) => `${l},${['x', 'y'][i % 2]}`)].join('\n') + '\n';
    const report = await audit(['--data', file('tier.csv', withTier), '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex,region,tier', '--intersections']);
    expect(report.attributes.map((a) => a.name)).toEqual(['sex', 'region', 'tier', 'sex&region', 'sex&tier', 'region&tier', 'sex&region&tier']);
    expect(report.attributes[6].groups).toHaveLength(12);
    expect(report.attributes[6].groups[0].values).toEqual({ sex: '0', region: 'A', tier: 'x' });
  });

  it('--format html writes one self-contained report with the groups, disparities and caveat', async () => {
    const out = join(dir, 'report.html');
    const r = await run(['audit', ...FAIRLEARN_ARGS, '--score', 'score', '--bootstrap', '20', '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const g of ['0|A', '1|C', '>A<', '>B<', '>C<']) expect(html).toContain(g);
    expect(html).toContain('demographic parity difference');
    expect(html).toContain('Four-fifths rule');
    expect(html).toContain('Uniform Guidelines');
    expect(html).toContain(report256(html));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('escapes HTML in column and group names', async () => {
    const csv = 'y,score,"<b>grp</b>"\n1,0.9,<i>a</i>\n0,0.2,<i>a</i>\n1,0.6,b&c\n0,0.7,b&c\n';
    const r = await run(['audit', '--data', file('xss.csv', csv), '--target', 'y', '--positive', '1', '--score', 'score', '--protected', '<b>grp</b>', '--format', 'html']);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('<i>a</i>');
    expect(r.out).not.toContain('<b>grp</b>');
    expect(r.out).toContain('&lt;i&gt;a&lt;/i&gt;');
    expect(r.out).toContain('b&amp;c');
  });
});

function report256(html: string): string {
  const m = /[0-9a-f]{64}/.exec(html);
  expect(m).not.toBeNull();
  return m![0];
}

describe('bias-workbench audit on bad input', () => {
  const base = () => ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex'];
  const cases: [string, () => string[], RegExp][] = [
    ['a one-class target', () => ['--data', file('one.csv', 'y,score,g\n1,0.2,a\n1,0.7,b\n1,0.4,a\n'), '--target', 'y', '--positive', '1', '--score', 'score', '--protected', 'g'], /Every row of the target column 'y' has the value '1'/],
    ['a missing protected column', () => [...base().slice(0, -1), 'gender'], /protected column 'gender' is not in the table/],
    ['a missing target column', () => ['--data', FAIRNESS, '--target', 'label', '--positive', '1', '--score', 'score', '--protected', 'sex'], /'label'/],
    ['a positive value that does not occur', () => ['--data', FAIRNESS, '--target', 'y_true', '--positive', 'yes', '--score', 'score', '--protected', 'sex'], /positive value 'yes'/],
    ['scores outside [0, 1]', () => ['--data', file('logit.csv', 'y,score,g\n1,2.5,a\n0,-1,b\n1,0.4,a\n'), '--target', 'y', '--positive', '1', '--score', 'score', '--protected', 'g'], /outside \[0, 1\]/],
    ['a text score column', () => ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'region', '--protected', 'sex'], /not a number/],
    ['a missing score column', () => [...base().slice(0, 6), '--score', 'p', '--protected', 'sex'], /score column 'p'/],
    ['a non-0/1 prediction column', () => ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--prediction', 'sample_weight', '--protected', 'sex'], /0 or 1/],
    ['a numeric protected column with many values and no --bins', () => ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sample_weight'], /--bins sample_weight=/],
    ['--bins on a text column', () => [...base().slice(0, -1), 'region', '--bins', 'region=1,2'], /not numeric/],
    ['a negative weight', () => ['--data', file('negw.csv', 'y,score,g,w\n1,0.2,a,1\n0,0.7,b,-1\n1,0.4,a,1\n'), '--target', 'y', '--positive', '1', '--score', 'score', '--protected', 'g', '--weight', 'w'], /weight/],
    ['an unknown --reference group', () => [...base(), '--reference', 'Z'], /reference group 'Z' is not a group of sex/],
    ['a missing data file', () => ['--data', join(dir, 'nope.csv'), '--target', 'y', '--positive', '1', '--score', 's', '--protected', 'g'], /no such file/],
  ];
  for (const [what, args, message] of cases) {
    it(`exits 1 with a one-line reason for ${what}`, async () => {
      const r = await run(['audit', ...args()]);
      expect(r.err).toMatch(message);
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    });
  }

  const usage: [string, string[], RegExp][] = [
    ['an unknown flag', ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex', '--treshold', '0.4'], /treshold/],
    ['no --protected', ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score'], /--protected is required/],
    ['no score, prediction or model', ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--protected', 'sex'], /--score, --prediction or --model/],
    ['--score with --model', ['--data', FAIRNESS, '--target', 'y', '--positive', '1', '--protected', 'sex', '--score', 'score', '--model', 'm.json'], /not both/],
    ['two decision rules', ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex', '--threshold', '0.3', '--top-k', '5'], /at most one/],
    ['a bad threshold', ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex', '--threshold', 'high'], /--threshold/],
    ['--bins for an unprotected column', ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex', '--bins', 'age=1,2'], /--bins names 'age'/],
    ['a bad format', ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex', '--format', 'pdf'], /--format/],
    ['a stray argument', ['--data', FAIRNESS, 'extra'], /extra/],
  ];
  for (const [what, args, message] of usage) {
    it(`exits 2 for ${what}`, async () => {
      const r = await run(['audit', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    });
  }

  it('prints the audit usage alone for audit --help', async () => {
    const r = await run(['audit', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('bias-workbench audit --data');
    for (const c of ['score', 'explain', 'importance', 'compare']) expect(r.out).not.toContain(`bias-workbench ${c} --data`);
  });
});
