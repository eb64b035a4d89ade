/**
 * The CLI as a CI pipeline sees it: exit codes and one-line reasons on bad input, and the
 * scores it writes equal the model's.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { demo, makeTempDir, root, run, writeIn } from './cli-harness';

let dir: string;

beforeAll(() => {
  dir = makeTempDir('bw-cli-');
});
afterEach(() => vi.restoreAllMocks());

const file = (name: string, content: string | Uint8Array): string => writeIn(dir, name, content);

const BANK_HEAD = readFileSync(join(demo, 'bank-full.csv'), 'utf8').split('\n').slice(0, 201).join('\n') + '\n';

describe('bias-workbench CLI', () => {
  it('prints help through the npx launcher from the checkout', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/bias-workbench.mjs'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('bias-workbench score --data FILE --model model.json');
  });

  it('scores rows and appends a score column', async () => {
    const data = file('bank200.csv', BANK_HEAD);
    const out = join(dir, 'scored.csv');
    const r = await run(['score', '--data', data, '--model', join(demo, 'model.json'), '--out', out]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(201);
    expect(lines[0].split(';').at(-1)).toBe('score');
    const scores = lines.slice(1).map((l) => Number(l.split(';').at(-1)));
    expect(scores.every((s) => s > 0 && s < 1)).toBe(true);
    expect(new Set(scores).size).toBeGreaterThan(50);
  });

  it('exits 2 with usage help on a missing flag', async () => {
    const r = await run(['score', '--data', 'x.csv']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--model is required/);
  });

  const model = () => join(demo, 'model.json');
  const cases: [string, () => string[], RegExp][] = [
    ['an empty file', () => ['--data', file('empty.csv', ''), '--model', model()], /empty/i],
    ['a binary file', () => ['--data', file('bin.csv', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 1, 2, 0, 0, 9])), '--model', model()], /binary|spreadsheet|zip/i],
    ['ragged rows', () => ['--data', file('ragged.csv', 'a;b;c\n1;2;3\n1;2\n'), '--model', model()], /line 3/i],
    ['a header-only CSV', () => ['--data', file('header.csv', 'a;b\n'), '--model', model()], /no data rows/i],
    ['a manifest naming a column the CSV lacks', () => ['--data', file('nojob.csv', BANK_HEAD.replace(/"job"/, '"occupation"')), '--model', model()], /job/],
  ];
  for (const [what, args, message] of cases) {
    it(`exits 1 with a one-line reason for ${what}`, async () => {
      const r = await run(['score', ...args()]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    });
  }

  it('exits 1 when a weight shard is missing', async () => {
    const d = mkdtempSync(join(dir, 'm-'));
    copyFileSync(join(demo, 'model.json'), join(d, 'model.json'));
    copyFileSync(join(demo, 'model.manifest.json'), join(d, 'model.manifest.json'));
    const r = await run(['score', '--data', file('b.csv', BANK_HEAD), '--model', join(d, 'model.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/model\.weights\.bin/);
  });

  it('exits 1 when the manifest width does not match the model', async () => {
    const d = mkdtempSync(join(dir, 'w-'));
    copyFileSync(join(demo, 'model.json'), join(d, 'model.json'));
    copyFileSync(join(demo, 'model.weights.bin'), join(d, 'model.weights.bin'));
    const manifest = JSON.parse(readFileSync(join(demo, 'model.manifest.json'), 'utf8'));
    manifest.features = manifest.features.filter((f: { column: string }) => f.column !== 'balance');
    writeFileSync(join(d, 'model.manifest.json'), JSON.stringify(manifest));
    const r = await run(['score', '--data', file('c.csv', BANK_HEAD), '--model', join(d, 'model.json')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/50 inputs|49/);
  });
});
