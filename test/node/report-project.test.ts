/**
 * `bias-workbench report --project FILE`: a project file (core's encodeProject, as the page's
 * Save project writes it) gives the same report as the same files and settings given by hand;
 * flags after it win; a project saved without its data, and --project with --data, are
 * refused plainly.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demo, makeTempDir, run, writeIn } from './cli-harness';
import { encodeProject, sha256Hex, type Project } from '../../src/core/project';
import type { Assessment } from '../../src/core/report';

let dir: string;
let csvPath: string;
let csv: Uint8Array;
const manifest = JSON.parse(readFileSync(join(demo, 'model.manifest.json'), 'utf8')) as unknown;
const modelFiles = ['model.json', 'model.weights.bin'].map((name) => ({ name, data: new Uint8Array(readFileSync(join(demo, name))) }));

function project(over: Partial<Project> = {}): Project {
  return {
    format: 'bias-workbench.project/1',
    id: 'p-test',
    name: 'bank sample',
    created: '2026-12-01T10:00:00.000Z',
    updated: '2026-12-01T10:05:00.000Z',
    dataset: { name: 'bank-sample.csv', contentHash: sha256Hex(csv), nRows: 1500, overrides: {} },
    model: { kind: 'files', name: 'bank model', origin: 'imported', manifest, files: ['model.json', 'model.weights.bin'], fingerprint: null },
    roles: { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'age', cuts: [25, 40, 60] }, { column: 'marital' }], features: [], ignored: [] },
    attribute: 'age',
    decision: { rule: 'threshold', threshold: 0.3 },
    audit: { fairlearnCompatible: false, minGroupSize: 40, resamples: 0, intersections: false, references: {} },
    ...over,
  };
}

beforeAll(() => {
  dir = makeTempDir('bw-report-project-');
  const lines = readFileSync(join(demo, 'bank-full.csv'), 'utf8').split('\n').slice(0, 1501);
  csv = new TextEncoder().encode(lines.join('\n') + '\n');
  csvPath = writeIn(dir, 'bank-sample.csv', csv);
});
afterEach(() => vi.restoreAllMocks());

const BY_HAND = () => ['--data', csvPath, '--model', join(demo, 'model.json'), '--manifest', join(demo, 'model.manifest.json'), '--target', 'y', '--positive', 'yes', '--protected', 'age,marital', '--bins', 'age=25,40,60', '--threshold', '0.3', '--min-group-size', '40', '--bootstrap', '0', '--importance-repeats', '0', '--format', 'json'];

describe('bias-workbench report --project', () => {
  it('gives the report of the same files and settings given by hand', async () => {
    const file = writeIn(dir, 'bank.bias-workbench.zip', encodeProject({ project: project(), data: csv, modelFiles }));
    const fromProject = await run(['report', '--project', file, '--importance-repeats', '0', '--format', 'json', '--purpose', 'Rank leads']);
    expect(fromProject.code, fromProject.err).toBe(0);
    const byHand = await run(['report', ...BY_HAND()]);
    expect(byHand.code, byHand.err).toBe(0);
    const a = JSON.parse(fromProject.out) as Assessment;
    const b = JSON.parse(byHand.out) as Assessment;
    expect(a.system.purpose).toBe('Rank leads');
    expect(a.fairness.attributes.map((x) => x.name)).toEqual(['age', 'marital']);
    expect(a.fairness).toEqual(b.fairness);
    expect(a.performance).toEqual(b.performance);
    expect(a.data.sha256).toBe(sha256Hex(csv));
    // provenance names the project file, never the temporary folder it was unpacked into
    expect(JSON.stringify(a)).not.toContain('bw-project-');
    expect(a.reproducibility.command).toContain('--project');
  });

  it('takes a flag given after the project over its setting', async () => {
    const file = writeIn(dir, 'bank2.bias-workbench.zip', encodeProject({ project: project(), data: csv, modelFiles }));
    const r = await run(['report', '--project', file, '--threshold', '0.6', '--importance-repeats', '0', '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    const byHand = await run(['report', ...BY_HAND().map((x) => (x === '0.3' ? '0.6' : x))]);
    expect((JSON.parse(r.out) as Assessment).fairness).toEqual((JSON.parse(byHand.out) as Assessment).fairness);
  });

  it('refuses a project saved without its data, saying what to do', async () => {
    const file = writeIn(dir, 'nodata.bias-workbench.zip', encodeProject({ project: project(), data: null, modelFiles }));
    const r = await run(['report', '--project', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('was saved without its data (bank-sample.csv)');
    expect(r.err).toContain('include the data');
  });

  it('refuses --project with --data (status 2)', async () => {
    const r = await run(['report', '--project', 'p.zip', '--data', csvPath]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^bias-workbench: --project holds the data and the model: give it without --data/);
  });
});
