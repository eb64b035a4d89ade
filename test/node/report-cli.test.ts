/**
 * `bias-workbench report` end to end on a small CSV: its JSON holds the same numbers as
 * `audit --format json` on the same flags, the HTML file asks for nothing outside itself and
 * hides the group of 5, and the usage and input mistakes exit 2 and 1 with one line.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run, writeIn } from './cli-harness';
import type { AuditReport } from '../../src/core/audit';
import type { Assessment } from '../../src/core/report';

let dir: string;
let csv: string;

beforeAll(() => {
  dir = makeTempDir('bw-report-');
  const lines = ['lead_id,email,group,visits,converted,score'];
  let i = 0;
  for (const [g, n] of [['A', 60], ['B', 50], ['C', 5]] as const) {
    for (let j = 0; j < n; j++, i++) {
      const conv = (i * 7) % 10 < 3 ? 'yes' : 'no';
      const score = ((i * 37) % 100) / 100 * 0.6 + (conv === 'yes' ? 0.35 : 0) + (g === 'A' ? 0.05 : 0);
      lines.push(`ID${1000 + i},lead${i}@corp.example,${g},${i % 9},${conv},${Math.min(1, score).toFixed(4)}`);
    }
  }
  csv = writeIn(dir, 'leads.csv', lines.join('\n') + '\n');
});
afterEach(() => vi.restoreAllMocks());

const FLAGS = () => ['--data', csv, '--target', 'converted', '--positive', 'yes', '--protected', 'group', '--score', 'score', '--bootstrap', '20', '--seed', '5'];

describe('bias-workbench report', () => {
  it("writes JSON with the audit's numbers", async () => {
    const a = await run(['audit', ...FLAGS(), '--format', 'json']);
    expect(a.code, a.err).toBe(0);
    const r = await run(['report', ...FLAGS(), '--format', 'json', '--purpose', 'Rank leads for calls']);
    expect(r.code, r.err).toBe(0);
    const audit = JSON.parse(a.out) as AuditReport;
    const doc = JSON.parse(r.out) as Assessment;
    expect(doc.format).toBe('bias-workbench.assessment/1');
    expect(doc.system.purpose).toBe('Rank leads for calls');
    for (const m of doc.performance.metrics) expect(m.value, m.key).toEqual(audit.overall[m.key as keyof typeof audit.overall]);
    const shown = doc.fairness.attributes[0].groups.filter((g) => !g.hidden);
    expect(shown.length).toBeGreaterThan(0);
    for (const g of shown) {
      const ag = audit.attributes[0].groups.find((x) => x.group === g.group)!;
      expect(g.count).toBe(ag.count);
      for (const [k, v] of Object.entries(g.metrics)) expect(v, `${g.group} ${k}`).toEqual(ag.metrics[k as keyof typeof ag.metrics]);
      for (const [k, iv] of Object.entries(g.intervals)) expect(iv, `${g.group} ${k}`).toEqual(ag.intervals?.[k as keyof typeof ag.metrics]);
    }
    expect(doc.fairness.attributes[0].groups.find((g) => g.group === 'C')).toMatchObject({ count: null, hidden: 'small' });
    expect(doc.privacy.identifiers.map((x) => x.column)).toEqual(['lead_id', 'email']);
    expect(doc.reproducibility.command).toContain('bias-workbench report --data');
  });

  it('writes one HTML file with no external reference and no identifier', async () => {
    const out = join(dir, 'report.html');
    const r = await run(['report', ...FLAGS(), '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/report of 115 rows.*→ .*report\.html \(\d+ KiB, [\d.]+ s\)/);
    const html = readFileSync(out, 'utf8');
    for (const bad of ['http:', 'https:', '//', 'url(', '@import', '<script']) expect(html, bad).not.toContain(bad);
    expect(html).not.toMatch(/ID10\d\d|@corp\.example/);
    expect(html.match(/<tr><th scope="row">C<\/th>.*?<\/tr>/)?.[0]).toContain('fewer than 10');
  });

  it('--project with --score is refused plainly with status 2 (report-project.test.ts has the rest)', async () => {
    const r = await run(['report', '--project', 'p.zip', '--score', 'score']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^bias-workbench: --project holds the data and the model: give it without --score.*See bias-workbench report --help\.\n$/);
  });

  it('usage mistakes exit 2 with one line', async () => {
    for (const [args, message] of [
      [[...FLAGS(), '--chosen', 'x'], '--chosen goes with --scenarios'],
      [[...FLAGS(), '--k', '1'], '--k must be a whole number ≥ 2, not "1"'],
      [[...FLAGS(), '--identifiers', 'keep'], '--identifiers must be one of drop, hash, not "keep"'],
      [[...FLAGS(), '--why', 'age=because'], "--why names 'age', which is not among --protected (group)"],
    ] as const) {
      const r = await run(['report', ...args]);
      expect(r.code, message).toBe(2);
      expect(r.err).toBe(`bias-workbench: ${message}. See bias-workbench report --help.\n`);
    }
  });

  it('a scenarios spec instead of compare results exits 1 saying what to run', async () => {
    const spec = writeIn(dir, 'scenarios.json', JSON.stringify([{ name: 'baseline', interventions: [] }]));
    const r = await run(['report', ...FLAGS(), '--scenarios', spec, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is a list of scenarios to run, not their results.*compare/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
