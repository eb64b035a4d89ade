/**
 * `bias-workbench generate` and `simulate`: the files they write are the core's (same CSV as
 * leadsToCsv, JSON exactly simulate's result), the flags reach the knobs and the settings,
 * bad flags are one line with status 2, and the HTML report has a table per round in the
 * shared report look.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPORT_CSS } from '../../src/cli/report-style';
import { generateLeads, leadsToCsv, simulate, type SimulationResult } from '../../src/core/simulate';
import { makeTempDir, run } from './cli-harness';
import { setupTfAndCheckLeaks } from './tf-setup';

setupTfAndCheckLeaks();
afterEach(() => vi.restoreAllMocks());

const dir = makeTempDir('bw-simulate-');

describe('bias-workbench generate', () => {
  it('writes the core generator\'s CSV for the knobs given, with a summary per town size on standard error', async () => {
    const out = join(dir, 'leads.csv');
    const r = await run(['generate', '--leads', '300', '--seed', '4', '--out', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(leadsToCsv(generateLeads({ leads: 300, seed: 4 })));
    expect(r.err).toMatch(/^generated 300 leads \(seed 4;/);
    expect(r.err).toMatch(/small town .* leads {2}truly convert/);
    expect(r.out).toBe('');
  });

  it('every knob flag reaches its knob; --truth adds converted_true; without --out the CSV goes to standard output', async () => {
    const r = await run([
      'generate', '--leads', '250', '--seed', '9', '--representation', '0.4,0.3,0.2,0.1', '--disfavoured', 'rural',
      '--base-rate-gap', '0.05', '--historical-bias', '0.3', '--proxy-strength', '0.5', '--label-bias', '0.2', '--noise', '0.1', '--truth',
    ]);
    expect(r.code).toBe(0);
    const knobs = { leads: 250, seed: 9, representation: [0.4, 0.3, 0.2, 0.1], disfavoured: 'rural' as const, baseRateGap: 0.05, historicalBias: 0.3, proxyStrength: 0.5, labelBias: 0.2, noise: 0.1 };
    expect(r.out).toBe(leadsToCsv(generateLeads(knobs), { truth: true }));
    expect(r.out.slice(0, r.out.indexOf('\n'))).toContain('converted_true');
    const hyphen = await run(['generate', '--leads', '10', '--disfavoured', 'small-town']);
    expect(hyphen.code).toBe(0);
  });

  it('bad knob flags: one line, status 2', async () => {
    const cases: [string[], string][] = [
      [['--leads', '0'], '--leads must be a whole number from 1 to 1000000, not "0"'],
      [['--proxy-strength', '1.5'], '--proxy-strength must be a number in [0, 1], not "1.5"'],
      [['--base-rate-gap', '0.9'], '--base-rate-gap must be a number in [-0.11, 0.78], not "0.9"'],
      [['--representation', '0.5,0.5'], '--representation must be 4 shares ≥ 0 that sum to 1 (metro, suburban, small town, rural), not "0.5,0.5"'],
      [['--representation', '0.5,0.5,0.5,-0.5'], '--representation must be 4 shares ≥ 0 that sum to 1 (metro, suburban, small town, rural), not "0.5,0.5,0.5,-0.5"'],
      [['--disfavoured', 'village'], '--disfavoured must be one of metro, suburban, small-town, rural, not "village"'],
      [['--truth=yes'], '--truth takes no value, not "yes"'],
    ];
    for (const [args, message] of cases) {
      const r = await run(['generate', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toBe(`bias-workbench: ${message}. See bias-workbench generate --help.\n`);
      expect(r.out).toBe('');
    }
  });
});

describe('bias-workbench simulate', () => {
  const strip = (s: SimulationResult): unknown => ({ ...s, timings: null });

  it('--format json writes exactly the core\'s SimulationResult, with progress per round on standard error', async () => {
    const out = join(dir, 'simulation.json');
    const r = await run(['simulate', '--leads', '800', '--rounds', '2', '--seed', '3', '--historical-bias', '0.8', '--out', out]);
    expect(r.code).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8')) as SimulationResult;
    const expected = await simulate({ rounds: 2, seed: 3, knobs: { leads: 800, seed: 3, historicalBias: 0.8 } });
    expect(strip(written)).toEqual(JSON.parse(JSON.stringify(strip(expected))));
    expect(written.timings.perRoundMs).toHaveLength(2);
    expect(r.err).toMatch(/^\[1\/2\] selection-rate gap .*\n\[2\/2\] selection-rate gap .*\n2 rounds of 800 leads in .* s → /);
  });

  it('the settings flags reach the simulation; --exploration alone means exploration', async () => {
    const r = await run([
      'simulate', '--leads', '600', '--rounds', '1', '--capacity', '0.3', '--exploration', '0.25', '--label-policy', 'unknown',
      '--rep-follow', '0.5', '--epochs', '3', '--model', 'logistic', '--proxy-strength', '1', '--label-bias', '0.1',
    ]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as SimulationResult;
    expect(s.config).toMatchObject({ rounds: 1, capacity: 0.3, remedy: 'exploration', exploration: 0.25, labelPolicy: 'unknown', repFollow: 0.5, epochs: 3, model: 'logistic' });
    expect(s.config.knobs).toMatchObject({ leads: 600, proxyStrength: 1, labelBias: 0.1 });
    expect(s.rounds[0].calls).toBe(180);
  });

  it('--format html: one self-contained report in the shared look, a table per round (the history included)', async () => {
    const r = await run(['simulate', '--leads', '600', '--rounds', '2', '--mitigation', 'group-thresholds', '--format', 'html']);
    expect(r.code).toBe(0);
    expect(r.out.startsWith('<!doctype html>')).toBe(true);
    expect(r.out).toContain(REPORT_CSS);
    expect(r.out).not.toMatch(/<script|<link|src=/);
    for (const title of ["History (round 0): the past reps' calls", 'Round 1', 'Round 2']) expect(r.out).toContain(`<h3>${title.replace("'", '&#39;')}</h3>`);
    expect(r.out.match(/<th>town size<\/th>/g)).toHaveLength(3);
    expect(r.out).toContain('group-thresholds');
  });

  it('bad settings flags: one line, status 2, before anything runs', async () => {
    const cases: [string[], string][] = [
      [['--rounds', '0'], '--rounds must be a whole number from 1 to 100, not "0"'],
      [['--capacity', '0'], '--capacity must be a number in (0, 1], not "0"'],
      [['--capacity', '1.5'], '--capacity must be a number in (0, 1], not "1.5"'],
      [['--exploration', '-0.1'], '--exploration must be a number in [0, 1], not "-0.1"'],
      [['--rep-follow', '2'], '--rep-follow must be a number in [0, 1], not "2"'],
      [['--epochs', '0'], '--epochs must be a whole number ≥ 1, not "0"'],
      [['--seed', '-1'], '--seed must be a whole number from 0 to 4294967295, not "-1"'],
      [['--label-policy', 'maybe'], '--label-policy must be one of negative, unknown, not "maybe"'],
      [['--mitigation', 'magic'], '--mitigation must be one of none, exploration, reweigh, group-thresholds, not "magic"'],
      [['--model', 'forest'], '--model must be one of logistic, mlp, not "forest"'],
      [['--format', 'csv'], '--format must be one of json, html, not "csv"'],
      [['--mitigation', 'reweigh', '--exploration', '0.2'], '--exploration applies to --mitigation exploration, not --mitigation reweigh'],
    ];
    for (const [args, message] of cases) {
      const r = await run(['simulate', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toBe(`bias-workbench: ${message}. See bias-workbench simulate --help.\n`);
    }
  });

  it('a capacity that calls nobody is bad input: status 1 with the reason', async () => {
    const r = await run(['simulate', '--leads', '10', '--capacity', '0.01']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^bias-workbench: a capacity of 0.01 calls nobody in a batch of 10 leads\. Raise the capacity or the number of leads\.\n$/);
  });
});
