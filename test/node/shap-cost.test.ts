/**
 * When a permutation budget costs as much as exact enumeration: estimateCost carries exact's
 * bound, exactNoDearerNote says so from P · (2M − 2) ≥ 2^M − 2 on, and the CLI prints the note
 * on stderr while still running the method asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { estimateCost, exactNoDearerNote, MAX_EXACT_PLAYERS } from '../../src/core/explain';
import { makeTempDir, run } from './cli-harness';
import { writeShapWorkload, type ShapWorkload } from '../../bench/shap-fixture';
import { setupTf } from './tf-setup';

describe('a permutation budget against exact enumeration', () => {
  it('8 columns: from 19 permutations (19 · 14 = 266 ≥ 254 coalitions) exact costs no more', () => {
    const q = { nRows: 100, nPlayers: 8, nBackground: 50, method: 'permutation' as const };
    const at18 = estimateCost({ ...q, permutations: 18 });
    const at19 = estimateCost({ ...q, permutations: 19 });
    expect(at19.exactMaxEvaluations).toBe(100 * 254 * 50 + 50 + 100);
    expect(at18.maxEvaluations).toBeLessThan(at18.exactMaxEvaluations!);
    expect(exactNoDearerNote(at18, 8)).toBeNull();
    expect(exactNoDearerNote(at19, 8)).toMatch(/at most 1,270,150 model rows, no more than this permutation budget's 1,330,150/);
  });

  it('says nothing for exact, nor above the exact limit', () => {
    expect(exactNoDearerNote(estimateCost({ nRows: 10, nPlayers: 8, nBackground: 5, method: 'exact' }), 8)).toBeNull();
    const M = MAX_EXACT_PLAYERS + 1;
    const big = estimateCost({ nRows: 10, nPlayers: M, nBackground: 5, method: 'permutation', permutations: 10_000 });
    expect(big.exactMaxEvaluations).toBeUndefined();
    expect(exactNoDearerNote(big, M)).toBeNull();
  });
});

describe('bias-workbench explain --method permutation', () => {
  let w: ShapWorkload;
  beforeAll(async () => {
    await setupTf();
    w = await writeShapWorkload(makeTempDir('bw-shap-cost-'), 4);
  });
  afterAll(() => rmSync(w.dir, { recursive: true, force: true }));

  const explainWith = (perms: number) =>
    run(['explain', '--data', w.rows, '--background-from', w.background, '--model', w.model, '--manifest', w.manifest,
      '--method', 'permutation', '--permutations', String(perms), '--threads', '1', '--out', join(w.dir, `out${perms}.json`)]);

  it('notes on stderr when exact would cost no more, and still runs permutation', async () => {
    const r = await explainWith(19);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/note: exact Shapley values over these 8 columns .* --method exact computes them \(running permutation as asked\)/);
    expect(JSON.parse(readFileSync(join(w.dir, 'out19.json'), 'utf8')).method).toBe('permutation');
    const below = await explainWith(18);
    expect(below.code).toBe(0);
    expect(below.err).not.toMatch(/--method exact computes them/);
  });
});
