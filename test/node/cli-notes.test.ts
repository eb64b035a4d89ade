/**
 * Notes about the input reach the person from every command: each one on standard error as
 * `bias-workbench: note: …`, and, for the commands that write JSON, in its `notes` too. The
 * data: a numeric model input with missing values, a categorical one with a value the
 * manifest does not list, a target with three values, a protected column with a missing
 * value, and a header with an empty column name (a CSV reader warning).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run, writeIn } from './cli-harness';
import { saveModelArtifacts } from '../../src/core/model';
import type { ReportNote } from '../../src/core/audit';
import { setupTf, tf } from './tf-setup';

let dir: string;
let model: string;
let data: string;

afterEach(() => vi.restoreAllMocks());

const MANIFEST = {
  format: 'bias-workbench.manifest/1',
  target: { column: 'y', positive: 'yes' },
  features: [
    { column: 'x1', kind: 'numeric', mean: 1, std: 2 },
    { column: 'c', kind: 'categorical', categories: ['a', 'b'] },
  ],
  output: 'probability',
  threshold: 0.5,
};

beforeAll(async () => {
  await setupTf();
  dir = makeTempDir('bw-notes-');
  const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3], name: 'out' })] });
  const w = [tf.tensor2d([0.8, 1, -1], [3, 1]), tf.tensor1d([-0.2])];
  m.setWeights(w);
  w.forEach((t) => t.dispose());
  const mdir = mkdtempSync(join(dir, 'model-'));
  for (const f of await saveModelArtifacts(m)) writeFileSync(join(mdir, f.name), f.data);
  writeFileSync(join(mdir, 'model.manifest.json'), JSON.stringify(MANIFEST));
  m.dispose();
  model = join(mdir, 'model.json');
  const lines = ['y,g,x1,c,'];
  for (let i = 0; i < 120; i++) {
    const y = i % 10 === 0 ? 'maybe' : i % 3 === 0 ? 'yes' : 'no';
    const g = i === 7 ? '' : i % 2 ? 'p' : 'q';
    const x1 = i % 40 === 5 ? '' : String((i % 9) - 4);
    const c = i % 30 === 1 ? 'z' : i % 2 ? 'a' : 'b';
    lines.push(`${y},${g},${x1},${c},`);
  }
  data = writeIn(dir, 'data.csv', lines.join('\n') + '\n');
});

/** The note lines on standard error, without their prefix. */
function noteLines(err: string): string[] {
  return err
    .split('\n')
    .filter((l) => l.startsWith('bias-workbench: note: '))
    .map((l) => l.slice('bias-workbench: note: '.length));
}

const MODEL_NOTES = [/^3 rows have no number in the model input 'x1'/, /^4 rows of 'c' hold a value the manifest does not list \('z' × 4\)/, /renamed/];
const ROLE_NOTES = [/^The target 'y' has 3 values: 'yes' \(36\) is positive; 'no' \(72\), 'maybe' \(12\) are all counted as negative/, /^1 row has no value in the protected column 'g'/];

function expectNotes(lines: string[], patterns: RegExp[]): void {
  for (const p of patterns) expect(lines.filter((l) => p.test(l)), String(p)).toHaveLength(1);
  // the manifest check's own "all zeros" warning is not repeated next to the counted note
  expect(lines.filter((l) => l.includes("'c'"))).toHaveLength(1);
}

describe('input notes on standard error and in the JSON', () => {
  it('score prints the model-input notes', async () => {
    const r = await run(['score', '--data', data, '--model', model, '--out', join(dir, 'scored.csv')]);
    expect(r.code, r.err).toBe(0);
    expectNotes(noteLines(r.err), MODEL_NOTES);
  });

  it('audit prints every note and keeps it, with its kind, column and count, in the JSON', async () => {
    const r = await run(['audit', '--data', data, '--target', 'y', '--positive', 'yes', '--protected', 'g', '--model', model]);
    expect(r.code, r.err).toBe(0);
    const lines = noteLines(r.err);
    expectNotes(lines, [...MODEL_NOTES, ...ROLE_NOTES]);
    const notes = (JSON.parse(r.out) as { notes: ReportNote[] }).notes;
    expect(notes.map((n) => n.message)).toEqual(lines);
    expect(notes.find((n) => n.kind === 'missing-numeric')).toEqual(expect.objectContaining({ column: 'x1', count: 3 }));
    expect(notes.find((n) => n.kind === 'target-multiclass')).toEqual(expect.objectContaining({ column: 'y', count: 84 }));
    expect(notes.find((n) => n.kind === 'no-group')).toEqual(expect.objectContaining({ column: 'g', count: 1 }));
    expect(notes.find((n) => n.kind === 'csv')?.message).toMatch(/renamed/);
  });

  it('explain and importance print the notes and keep them in the JSON', async () => {
    const e = await run(['explain', '--data', data, '--model', model, '--rows', '3', '--background', '5']);
    expect(e.code, e.err).toBe(0);
    expectNotes(noteLines(e.err), MODEL_NOTES);
    expect((JSON.parse(e.out) as { notes: ReportNote[] }).notes.map((n) => n.message)).toEqual(noteLines(e.err));
    const i = await run(['importance', '--data', data, '--model', model, '--target', 'y', '--positive', 'yes', '--protected', 'g', '--repeats', '1']);
    expect(i.code, i.err).toBe(0);
    expectNotes(noteLines(i.err), [...MODEL_NOTES, ...ROLE_NOTES]);
    expect((JSON.parse(i.out) as { notes: ReportNote[] }).notes.map((n) => n.message)).toEqual(noteLines(i.err));
  });

  it('compare prints the notes and keeps them in the JSON', async () => {
    const sc = writeIn(dir, 'sc.json', JSON.stringify([{ name: 'baseline', interventions: [] }]));
    const r = await run(['compare', '--data', data, '--target', 'y', '--positive', 'yes', '--protected', 'g', '--model', model, '--scenarios', sc, '--bootstrap', '0']);
    expect(r.code, r.err).toBe(0);
    const lines = noteLines(r.err);
    expectNotes(lines, [...MODEL_NOTES, ...ROLE_NOTES]);
    expect((JSON.parse(r.out) as { notes: ReportNote[] }).notes.map((n) => n.message)).toEqual(lines);
  });
});
