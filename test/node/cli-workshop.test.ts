/**
 * `bias-workbench workshop summarize`: the JSON is the core's summary of the files given (numbers
 * computed by hand on two small results files), `--results` takes several files, the HTML
 * report is the shared look in large type, a bad file exits 1 naming it, bad usage exits 2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPORT_CSS } from '../../src/cli/report-style';
import { WORKSHOP_RESULT_FORMAT, type WorkshopCondition, type WorkshopResult } from '../../src/core/workshop';
import { makeTempDir, run, writeIn } from './cli-harness';

afterEach(() => vi.restoreAllMocks());

const dir = makeTempDir('bw-workshop-');

type Row = [leadId: string, condition: WorkshopCondition, group: string, rec: 'call' | 'skip', truth: 0 | 1 | null, decision: 'call' | 'skip' | 'escalate'];

/** A results file as the page writes it (a tiny fixture generator: override follows from condition and decision). */
function resultFile(name: string, participantId: string, rows: Row[], workshopId = 'ws-cli'): string {
  const r: WorkshopResult = {
    format: WORKSHOP_RESULT_FORMAT,
    workshopId,
    seed: 11,
    participantId,
    createdAt: '2026-12-02T14:00:00.000Z',
    decisions: rows.map(([leadId, condition, group, rec, truth, decision]) => {
      const override = condition !== 'score-hidden' && decision !== 'escalate' && decision !== rec;
      return { leadId, condition, group, modelScore: rec === 'call' ? 0.2 : 0.03, modelRecommendation: rec, truth, decision, override, reason: override ? { category: 'other', text: 'why' } : null, ms: 2000 };
    }),
  };
  return writeIn(dir, name, JSON.stringify(r));
}

/*
 * p1: hidden  small call/1 → call ✓ follow | hidden metro skip/1 → skip ✗ follow (model wrong)
 *     shown   small call/0 → call ✗ follow (wrong) | shown metro skip/0 → call ✗ override (right)
 * p2: hidden  small skip/0 → call ✗ no-follow (right) | hidden metro call/1 → escalate
 *     shown   small call/1 → call ✓ follow (right) | shown metro skip/1 → call ✓ override (wrong)
 */
const a = resultFile('a.json', 'p1', [
  ['1', 'score-hidden', 'small town', 'call', 1, 'call'],
  ['2', 'score-hidden', 'metro', 'skip', 1, 'skip'],
  ['3', 'score-shown', 'small town', 'call', 0, 'call'],
  ['4', 'score-shown', 'metro', 'skip', 0, 'call'],
]);
const b = resultFile('b.json', 'p2', [
  ['5', 'score-hidden', 'small town', 'skip', 0, 'call'],
  ['6', 'score-hidden', 'metro', 'call', 1, 'escalate'],
  ['7', 'score-shown', 'small town', 'call', 1, 'call'],
  ['8', 'score-shown', 'metro', 'skip', 1, 'call'],
]);

describe('bias-workbench workshop summarize', () => {
  it('--results takes several files; --format json writes the summary with the numbers computed by hand', async () => {
    const out = join(dir, 'summary.json');
    const r = await run(['workshop', 'summarize', '--results', a, b, '--format', 'json', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(`2 participants, 8 decisions from 2 files → ${out}\n`);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j).toMatchObject({ participants: 2, decisions: 8, workshopIds: ['ws-cli'], format: 'bias-workbench.workshop-summary/1', warnings: [] });
    expect(j.files).toEqual([
      { file: a, workshopId: 'ws-cli', participantId: 'p1', decisions: 4 },
      { file: b, workshopId: 'ws-cli', participantId: 'p2', decisions: 4 },
    ]);
    const pick = (c: Record<string, unknown>): unknown => ({
      condition: c.condition, decisions: c.decisions, accuracy: c.accuracy, followRateWhenModelWrong: c.followRateWhenModelWrong,
      followRateWhenModelRight: c.followRateWhenModelRight, overrideRate: c.overrideRate, escalationRate: c.escalationRate,
      humanDemographicParityDifference: c.humanDemographicParityDifference,
    });
    expect(j.conditions.map(pick)).toEqual([
      // hidden: correct 1 of 3 call/skip (escalation left out); wrong: lead 2 followed → 1/1; right: 1 followed, 5 not, 6 escalated → 1/3;
      // calls: small 2 of 2, metro 0 of 2 → 1
      { condition: 'score-hidden', decisions: 4, accuracy: 1 / 3, followRateWhenModelWrong: 1, followRateWhenModelRight: 1 / 3, overrideRate: null, escalationRate: 0.25, humanDemographicParityDifference: 1 },
      // shown: correct 7, 8 → 2/4; wrong: 3 followed, 8 not → 1/2; right: 4 not, 7 followed → 1/2; overrides 4, 8 → 2/4; calls: all 4 → 0
      { condition: 'score-shown', decisions: 4, accuracy: 0.5, followRateWhenModelWrong: 0.5, followRateWhenModelRight: 0.5, overrideRate: 0.5, escalationRate: 0, humanDemographicParityDifference: 0 },
    ]);
    expect(j.conditions[0].undefinedReasons).toEqual({ overrideRate: 'the score is not shown in this condition, so nothing can be overridden' });
    // human + model: shown decisions 2/4 correct; the model on the same leads: 4 and 7 right → 2/4; human alone 1/3
    expect(j.comparison).toEqual({ humanPlusModel: 0.5, modelAlone: 0.5, humanAlone: 1 / 3 });
    // Wilson 95 % for 2/4
    expect(j.conditions[1].intervals.accuracy[0]).toBeCloseTo(0.150039, 5);
    expect(j.conditions[1].intervals.accuracy[1]).toBeCloseTo(0.849961, 5);
  });

  it('--results may be given again; a file given twice counts once, with a note; --confidence-level narrows the intervals', async () => {
    const r = await run(['workshop', 'summarize', '--results', a, '--results', b, a, '--confidence-level', '0.8']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.participants).toBe(2);
    expect(j.intervalLevel).toBe(0.8);
    expect(j.files).toHaveLength(3);
    expect(r.err).toContain('bias-workbench: note: participant "p1" of workshop ws-cli appears in 2 results files; only the first is counted\n');
    const wide = JSON.parse((await run(['workshop', 'summarize', '--results', a, b])).out);
    expect(j.conditions[1].intervals.accuracy[1] - j.conditions[1].intervals.accuracy[0]).toBeLessThan(wide.conditions[1].intervals.accuracy[1] - wide.conditions[1].intervals.accuracy[0]);
  });

  it('--format html: one report in the shared look and large type, with the measures, the comparison and the definitions', async () => {
    const out = join(dir, 'debrief.html');
    const r = await run(['workshop', 'summarize', '--results', a, b, '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(REPORT_CSS);
    expect(html).toContain('body { font-size: 20px;');
    expect(html).toContain('<title>Workshop debrief — ws-cli</title>');
    expect(html).toContain('followed the model <strong>100.0%</strong> of the time when it was wrong, 33.3% when it was right');
    expect(html).toContain('undefined (the score is not shown in this condition, so nothing can be overridden)');
    expect(html).toContain('human + model');
    expect(html).toContain('Definitions');
    expect(html).not.toMatch(/<script/i);
  });

  it('a bad file exits 1 naming the file and the place of the problem', async () => {
    const notJson = writeIn(dir, 'broken.json', '{"format": ');
    const wrong = writeIn(dir, 'audit.json', JSON.stringify({ format: 'bias-workbench.audit/1' }));
    const badDecision = resultFile('bad-decision.json', 'p3', [['9', 'score-shown', 'metro', 'call', 1, 'call']]);
    const text = readFileSync(badDecision, 'utf8').replace('"decision":"call"', '"decision":"phone"');
    writeIn(dir, 'bad-decision.json', text);
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.json'), /^bias-workbench: cannot read .*missing\.json: no such file\. Check the path of each results file\.\n$/],
      [notJson, /^bias-workbench: .*broken\.json is not JSON \(/],
      [wrong, /^bias-workbench: .*audit\.json: is not a workshop results file: format is "bias-workbench\.audit\/1"/],
      [badDecision, /^bias-workbench: .*bad-decision\.json: decisions\[0\]\.decision must be "call", "skip", "escalate", not "phone"/],
    ];
    for (const [file, message] of cases) {
      const r = await run(['workshop', 'summarize', '--results', a, file]);
      expect(r.code, file).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
    }
  });

  it('bad usage: one line, status 2', async () => {
    const cases: [string[], string][] = [
      [['workshop'], 'workshop needs a subcommand: summarize'],
      [['workshop', '--results', a], 'workshop needs a subcommand: summarize'],
      [['workshop', 'summarise', '--results', a], 'unknown workshop subcommand "summarise": the subcommands are summarize'],
      [['workshop', 'summarize'], '--results is required (one or more results files)'],
      [['workshop', 'summarize', '--results'], '--results needs a value'],
      [['workshop', 'summarize', '--results', a, '--format', 'pdf'], '--format must be one of json, html, not "pdf"'],
      [['workshop', 'summarize', '--results', a, '--confidence-level', '1'], '--confidence-level must be a number in (0, 1), not "1"'],
      [['workshop', 'summarize', '--result', a], 'unknown flag --result (did you mean --results?)'],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toBe(`bias-workbench: ${message}. See bias-workbench workshop --help.\n`);
    }
  });
});
