/**
 * The CLI's usage: per-command help, and every flag mistake answered with exactly one line
 * and exit status 2, whatever the form (`--flag value`, `--flag=value`). Every numeric flag of
 * every command is checked before any file is read: the required files here do not exist, so
 * a check that came after reading them would exit 1 instead.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from './cli-harness';
import { COMMANDS } from '../../src/cli/help';

afterEach(() => vi.restoreAllMocks());

/** The required flags of each command, with files that do not exist. */
const BASE: Record<(typeof COMMANDS)[number], string[]> = {
  score: ['--data', 'no-such.csv', '--model', 'no-such.json'],
  audit: ['--data', 'no-such.csv', '--target', 'y', '--positive', '1', '--protected', 'g', '--score', 's'],
  explain: ['--data', 'no-such.csv', '--model', 'no-such.json'],
  importance: ['--data', 'no-such.csv', '--model', 'no-such.json', '--target', 'y', '--positive', '1'],
  compare: ['--data', 'no-such.csv', '--target', 'y', '--positive', '1', '--protected', 'g', '--train', 'logistic', '--scenarios', 'no-such.json'],
  generate: ['--out', 'no-such-folder/leads.csv'],
  simulate: ['--out', 'no-such-folder/simulation.json'],
  workshop: ['summarize', '--results', 'no-such.json'],
  log: ['verify', '--log', 'no-such.jsonl'],
  monitor: ['--reference', 'no-such.csv', '--current', 'no-such-2.csv', '--score', 's', '--target', 'y', '--positive', '1', '--protected', 'g'],
  report: ['--data', 'no-such.csv', '--target', 'y', '--positive', '1', '--protected', 'g', '--score', 's'],
  sql: ['--dialect', 'duckdb', '--table', 't', '--target', 'y', '--positive', '1', '--protected', 'g', '--score', 's', '--out', 'no-such-folder/q.sql'],
};

/** How each command's usage line starts after its name. */
const FIRST: Record<(typeof COMMANDS)[number], string> = {
  score: '--data',
  audit: '--data',
  explain: '--data',
  importance: '--data',
  compare: '--data',
  generate: '[--leads',
  simulate: '[--leads',
  workshop: 'summarize',
  log: 'verify',
  monitor: '--reference',
  sql: '--dialect',
  report: '--data',
};

describe('help', () => {
  for (const command of COMMANDS) {
    for (const form of [[command, '--help'], [command, '-h'], ['help', command], [command, ...BASE[command], '--help']]) {
      it(`${form.join(' ')} prints the ${command} usage only`, async () => {
        const r = await run(form);
        expect(r.code).toBe(0);
        expect(r.err).toBe('');
        expect(r.out).toContain(`bias-workbench ${command} ${FIRST[command]}`);
        for (const other of COMMANDS.filter((c) => c !== command)) expect(r.out).not.toContain(`bias-workbench ${other} `);
      });
    }
  }

  it('--help prints every command; no arguments prints it on standard error with status 2', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(`bias-workbench ${c} ${FIRST[c]}`);
    const none = await run([]);
    expect(none.code).toBe(2);
    for (const c of COMMANDS) expect(none.err).toContain(`bias-workbench ${c} ${FIRST[c]}`);
  });

  it('help for an unknown command, and an unknown command, exit 2 with one line', async () => {
    for (const args of [['help', 'audti'], ['audti', '--data', 'x.csv']]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^bias-workbench: .*"audti".*the commands are score, audit, explain, importance, compare, generate, simulate(, [a-z]+)*\. See bias-workbench --help\.\n$/);
      for (const c of COMMANDS) expect(r.err).toContain(c);
    }
  });
});

/** command, flag, bad value, the range the message states */
const NUMBERS: [(typeof COMMANDS)[number], string, string, string][] = [
  ['audit', 'bootstrap', '-1', 'a whole number ≥ 0'],
  ['audit', 'bootstrap', '1.5', 'a whole number ≥ 0'],
  ['audit', 'bootstrap', 'many', 'a whole number ≥ 0'],
  ['audit', 'seed', '-1', 'a whole number from 0 to 4294967295'],
  ['audit', 'seed', '4294967296', 'a whole number from 0 to 4294967295'],
  ['audit', 'top-k', '0', 'a whole number ≥ 1'],
  ['audit', 'top-k', '1e3', 'a whole number ≥ 1'],
  ['audit', 'top-k', '-2', 'a whole number ≥ 1'],
  ['audit', 'top-percent', '150', 'a number in (0, 100]'],
  ['audit', 'top-percent', '-5', 'a number in (0, 100]'],
  ['audit', 'top-percent', '0', 'a number in (0, 100]'],
  ['audit', 'threshold', '1.5', 'a number in [0, 1]'],
  ['audit', 'threshold', '-0.1', 'a number in [0, 1]'],
  ['audit', 'threshold', 'high', 'a number in [0, 1]'],
  ['audit', 'confidence-level', '1', 'a number in (0, 1)'],
  ['audit', 'confidence-level', '0', 'a number in (0, 1)'],
  ['audit', 'min-group-size', '0', 'a whole number ≥ 1'],
  ['explain', 'rows', '0', 'a whole number ≥ 1'],
  ['explain', 'rows', '-3', 'a whole number ≥ 1'],
  ['explain', 'background', '0', 'a whole number ≥ 1'],
  ['explain', 'permutations', '0', 'a whole number ≥ 1'],
  ['explain', 'seed', '-1', 'a whole number from 0 to 4294967295'],
  ['importance', 'repeats', '0', 'a whole number ≥ 1'],
  ['importance', 'seed', '2.5', 'a whole number from 0 to 4294967295'],
  ['importance', 'threshold', '2', 'a number in [0, 1]'],
  ['compare', 'epochs', '0', 'a whole number ≥ 1'],
  ['compare', 'seed', '-1', 'a whole number from 0 to 4294967295'],
  ['compare', 'bootstrap', '-1', 'a whole number ≥ 0'],
];

describe('numeric flags: one line, status 2, in either form', () => {
  for (const [command, flag, value, range] of NUMBERS) {
    for (const form of ['space', 'equals'] as const) {
      const given = form === 'space' ? [`--${flag}`, value] : [`--${flag}=${value}`];
      it(`${command} ${given.join(' ')}`, async () => {
        const r = await run([command, ...BASE[command], ...given]);
        expect(r.code).toBe(2);
        expect(r.out).toBe('');
        expect(r.err).toBe(`bias-workbench: --${flag} must be ${range}, not "${value}". See bias-workbench ${command} --help.\n`);
      });
    }
  }

  it('values in range pass the check (the command then fails on the missing file: status 1)', async () => {
    for (const given of [['--top-k', '1'], ['--top-percent=100'], ['--threshold', '0'], ['--confidence-level', '0.9'], ['--seed', '4294967295'], ['--bootstrap', '0']]) {
      const r = await run(['audit', ...BASE.audit, ...given]);
      expect(r.code, given.join(' ')).toBe(1);
      expect(r.err).toMatch(/no such file/);
    }
  });
});

describe('other usage mistakes: one line, status 2', () => {
  const cases: [string, string[], string][] = [
    ['an unknown flag, with a suggestion', ['audit', ...BASE.audit, '--treshold', '0.4'], 'unknown flag --treshold (did you mean --threshold?)'],
    ['an unknown flag in = form', ['explain', ...BASE.explain, '--colour=red'], 'unknown flag --colour'],
    ['an unknown short flag', ['score', ...BASE.score, '-x'], 'unknown flag -x'],
    ['a flag with no value at the end', ['score', '--model', 'm.json', '--data'], '--data needs a value'],
    ['a flag followed by another flag', ['score', '--data', '--model', 'm.json'], '--data needs a value'],
    ['an empty value', ['score', '--data=', '--model', 'm.json'], '--data needs a value'],
    ['a value for a switch', ['audit', ...BASE.audit, '--intersections=yes'], '--intersections takes no value, not "yes"'],
    ['a flag given twice', ['explain', ...BASE.explain, '--seed', '1', '--seed', '2'], '--seed is given twice'],
    ['a stray word', ['importance', ...BASE.importance, 'extra'], 'unexpected argument "extra"'],
    ['a missing required flag', ['compare', '--data', 'x.csv', '--train', 'logistic', '--protected', 'g'], '--scenarios is required'],
    ['a bad choice', ['explain', ...BASE.explain, '--method', 'fast'], '--method must be one of auto, exact, permutation, not "fast"'],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`bias-workbench: ${message}. See bias-workbench ${args[0]} --help.\n`);
    });
  }
});
