/**
 * `bias-workbench log verify`: a log built with appendEntry and written as JSON Lines verifies
 * (exit 0, count and head); each kind of tampering exits 1 naming the first broken entry; key
 * order does not matter (canonical form); bad usage exits 2.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appendEntry, entryHash, toJsonLines, type LogEntry } from '../../src/core/oversight';
import { makeTempDir, run, writeIn } from './cli-harness';

afterEach(() => vi.restoreAllMocks());

const dir = makeTempDir('bw-log-');

function buildLog(n: number): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = 1; i <= n; i++) {
    const override = i % 4 === 0;
    out.push(
      appendEntry(
        out[out.length - 1] ?? null,
        { kind: override ? 'override' : 'decision', leadId: `CRM-${1000 + i}`, modelId: 'c'.repeat(64), score: i / 20, threshold: 0.3, decision: i / 20 >= 0.3 ? 'call' : 'skip', override, reason: override ? 'existing customer' : null, actor: override ? 'rep-3a9f' : 'model' },
        `2027-01-05T09:${String(i).padStart(2, '0')}:00.000Z`,
      ),
    );
  }
  return out;
}

const log = buildLog(8);
const head = log[7].hash;

async function verify(name: string, entries: readonly unknown[] | string, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const text = typeof entries === 'string' ? entries : entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
  return run(['log', 'verify', '--log', writeIn(dir, name, text), ...extra]);
}

describe('log verify: intact logs', () => {
  it('exits 0 with the entry count and the head hash', async () => {
    const path = writeIn(dir, 'intact.jsonl', toJsonLines(log));
    const r = await run(['log', 'verify', '--log', path]);
    expect(r).toEqual({ code: 0, out: `${path}: intact, 8 entries, head ${head}\n`, err: '' });
  });

  it('verifies entries written with another key order, spacing and CRLF line ends', async () => {
    const reordered = log.map((e) => {
      const o = e as unknown as Record<string, unknown>;
      const keys = Object.keys(o).sort().reverse();
      return JSON.stringify(Object.fromEntries(keys.map((k) => [k, o[k]])), null, 0).replace(/,"/g, ', "');
    });
    expect(reordered[0].indexOf('"threshold"')).toBeLessThan(reordered[0].indexOf('"actor"'));
    const r = await verify('reordered.jsonl', reordered.join('\r\n') + '\r\n');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`intact, 8 entries, head ${head}\\n$`));
  });

  it('accepts an empty log and a matching --head (any case)', async () => {
    expect((await verify('empty.jsonl', '')).out).toMatch(/intact, 0 entries, head 0{64}\n$/);
    expect((await verify('head.jsonl', log, ['--head', head.toUpperCase()])).code).toBe(0);
  });
});

describe('log verify: tampering exits 1 naming the first broken entry', () => {
  const cases: [string, () => unknown[], RegExp][] = [
    ['an edited entry', () => log.map((e, i) => (i === 4 ? { ...e, decision: 'call', override: true } : e)), /entry 5 \(seq 5\) was changed: its hash does not match its contents/],
    [
      'an edited entry with its hash recomputed',
      () => log.map((e, i) => (i === 4 ? { ...e, reason: 'invented', hash: entryHash({ ...e, reason: 'invented' }) } : e)),
      /entry 6 \(seq 6\) does not follow the entry before it/,
    ],
    ['a deleted entry', () => log.filter((_, i) => i !== 2), /entry 3 \(seq 4\) is out of sequence \(expected seq 3\): an entry before it was deleted/],
    ['two entries swapped', () => [log[0], log[1], log[2], log[4], log[3], ...log.slice(5)], /entry 4 \(seq 5\) is out of sequence \(expected seq 4\)/],
    ['an inserted entry', () => [...log.slice(0, 6), appendEntry(log[5], { ...log[6], leadId: 'CRM-9999' }, log[6].at), ...log.slice(6)], /entry 8 \(seq 7\) is out of sequence \(expected seq 8\): an entry was inserted before it/],
    ['a malformed entry', () => log.map((e, i) => (i === 1 ? { ...e, override: 'no' } : e)), /entry 2 is malformed: override must be true or false/],
  ];
  for (const [what, tamper, message] of cases) {
    it(what, async () => {
      const r = await verify(`${what.replace(/\W+/g, '-')}.jsonl`, tamper());
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
      expect(r.err.split('\n')).toHaveLength(2);
      expect(r.err).toMatch(/^bias-workbench: .*\.jsonl: entry \d+/);
    });
  }

  it('a line that is not JSON', async () => {
    const lines = toJsonLines(log).split('\n');
    lines[3] = lines[3].slice(0, 40);
    const r = await verify('cut.jsonl', lines.join('\n'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^bias-workbench: line 4 is not JSON/);
  });

  it('removed newest entries, against a recorded --head', async () => {
    const r = await verify('truncated.jsonl', log.slice(0, 6), ['--head', head]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the log ends at ${log[5].hash} (after 6 entries), not at the recorded head ${head}`);
  });

  it('a file that does not exist', async () => {
    const r = await run(['log', 'verify', '--log', 'no-such.jsonl']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot read no-such\.jsonl: no such file/);
  });
});

describe('log: bad usage exits 2', () => {
  const cases: [string[], string][] = [
    [['log'], 'log needs a subcommand first: verify'],
    [['log', '--log', 'x.jsonl'], 'log needs a subcommand first: verify'],
    [['log', 'check', '--log', 'x.jsonl'], 'unknown log subcommand "check": the subcommands are verify'],
    [['log', 'verify'], '--log is required'],
    [['log', 'verify', '--log'], '--log needs a value'],
    [['log', 'verify', '--log', 'x.jsonl', '--lgo', 'y'], 'unknown flag --lgo (did you mean --log?)'],
    [['log', 'verify', '--log', 'x.jsonl', '--head', 'abc'], '--head must be a SHA-256 hash (64 hex digits), not "abc"'],
    [['log', 'verify', '--log', 'x.jsonl', 'extra'], 'unexpected argument "extra"'],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`bias-workbench: ${message}. See bias-workbench log --help.\n`);
    });
  }

  it('log --help and log verify --help print the usage', async () => {
    for (const args of [['log', '--help'], ['log', 'verify', '--help'], ['help', 'log']]) {
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(r.out).toContain('bias-workbench log verify --log FILE [--head HASH]');
    }
  });
});
