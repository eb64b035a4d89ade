/**
 * The audit JSON is built once, in core (src/core/audit/report.ts): the CLI's `audit` command
 * and the worker's glue (workers/audit-jobs.ts, run here in Node) give the same report for the
 * same data, roles, scores and rule, apart from the file metadata each of them knows. Also:
 * the reference-group resolution, and that the report module stays pure.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './cli-harness';
import { readCsvFile } from '../../src/cli/read-csv';
import { toJson } from '../../src/cli/common';
import { runAuditReport, type AuditOptions } from '../../workers/audit-jobs';
import { buildAttributes, resolveReferences, type AuditReport } from '../../src/core/audit';
import type { DatasetRoles } from '../../src/core/roles';
import type { NumericColumn } from '../../src/core/table';
import { problem } from './synthetic';

afterEach(() => vi.restoreAllMocks());

const FAIRNESS = join(root, 'test/fixtures/peer/fairness.csv');
const FILE_FIELDS = ['file', 'path', 'bytes', 'sha256'] as const;

/** The report as JSON text would carry it, without the data file's metadata. */
function withoutFileMetadata(r: AuditReport): unknown {
  const copy = JSON.parse(toJson(r)) as AuditReport;
  for (const k of FILE_FIELDS) delete (copy.input as Partial<AuditReport['input']>)[k];
  return copy;
}

async function cliReport(args: string[]): Promise<AuditReport> {
  const r = await run(['audit', ...args]);
  if (r.code !== 0) throw new Error(`audit exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as AuditReport;
}

async function workerReport(roles: DatasetRoles, options: Parameters<typeof runAuditReport>[3]): Promise<AuditReport> {
  const { table } = await readCsvFile(FAIRNESS);
  const scores = Float64Array.from((table.columns.find((c) => c.name === 'score') as NumericColumn).values);
  return runAuditReport(table, roles, scores, { ...options, sources: { score: 'score', ...options.sources } });
}

const ROLES: DatasetRoles = { target: { column: 'y_true', positive: '1' }, protected: [{ column: 'sex' }, { column: 'region' }], features: [], ignored: [], weight: 'sample_weight' };
const CLI_BASE = ['--data', FAIRNESS, '--target', 'y_true', '--positive', '1', '--score', 'score', '--protected', 'sex,region', '--weight', 'sample_weight', '--intersections'];

describe('one audit JSON from the CLI and from the worker', () => {
  const cases: { what: string; cli: string[]; options: AuditOptions & { thresholdFrom?: 'given' | 'default' } }[] = [
    {
      what: 'top-k with bootstrap intervals and a minimum group size',
      cli: ['--top-k', '300', '--bootstrap', '20', '--seed', '3', '--min-group-size', '10'],
      options: { decision: { rule: 'top-k', k: 300 }, bootstrap: { resamples: 20, seed: 3 }, minGroupSize: 10 },
    },
    {
      what: 'a threshold given, fairlearn-compatible, a reference group',
      cli: ['--threshold', '0.4', '--fairlearn-compatible', '--reference', 'C'],
      options: { decision: { rule: 'threshold', threshold: 0.4 }, fairlearnCompatible: true, references: { region: 'C' } },
    },
    {
      what: 'the default threshold',
      cli: [],
      options: { decision: { rule: 'threshold', threshold: 0.5 }, thresholdFrom: 'default' },
    },
  ];
  for (const c of cases) {
    it(`${c.what}: equal apart from the file metadata`, async () => {
      const fromCli = await cliReport([...CLI_BASE, ...c.cli]);
      const fromWorker = await workerReport(ROLES, { intersections: true, ...c.options });
      expect(fromCli.input.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(fromWorker.input.sha256).toBeNull();
      expect(fromCli.attributes.map((a) => a.name)).toEqual(['sex', 'region', 'sex&region']);
      expect(withoutFileMetadata(fromWorker)).toEqual(withoutFileMetadata(fromCli));
    });
  }

  it('the worker report keeps the file metadata its caller passes', async () => {
    const r = await workerReport(ROLES, { decision: { rule: 'top-percent', percent: 10 }, sources: { file: 'fairness.csv', bytes: 123 } });
    expect(r.input).toMatchObject({ file: 'fairness.csv', bytes: 123, path: null, sha256: null, score: 'score', target: 'y_true', weight: 'sample_weight' });
    expect(r.decision).toMatchObject({ source: 'rule', rule: 'top-percent', percent: 10, selected: 200 });
  });
});

describe('reference groups', () => {
  it('one label goes to every attribute that has it; a per-attribute entry comes first', async () => {
    const { table } = await readCsvFile(FAIRNESS);
    const attrs = buildAttributes(table, ROLES.protected, { intersections: true });
    expect(resolveReferences(attrs, 'C', undefined)).toEqual([null, 'C', null]);
    expect(resolveReferences(attrs, 'C', { region: 'A', 'sex&region': '1|B' })).toEqual([null, 'A', '1|B']);
    const e = problem(() => resolveReferences(attrs, 'Z', undefined));
    expect(e.code).toBe('roles-invalid');
    expect(e.message).toContain("'Z' is not a group of sex, region, sex&region");
  });
});

describe('the audit core is pure', () => {
  it('no file in src/core/audit imports node: modules, the CLI or the workers', () => {
    const dir = join(root, 'src/core/audit');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files).toEqual(expect.arrayContaining(['inputs.ts', 'report.ts', 'input-notes.ts', 'index.ts']));
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text, f).not.toMatch(/from '(node:|\.\.\/\.\.\/cli|\.\.\/\.\.\/\.\.\/workers)/);
    }
  });
});
