/**
 * The CLI's launcher (bin/bias-workbench.mjs) as a user runs it, in a child process: the
 * compiled CLI in dist-cli/ (built by the launcher when missing or stale) and the TypeScript
 * sources through tsx (BW_CLI_TSX=1, the fallback) write the same explanation, on worker
 * threads too.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, root } from './cli-harness';
import { setupTf } from './tf-setup';
import { writeShapWorkload } from '../../bench/shap-fixture';

function launch(args: string[], env: Record<string, string>): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/bias-workbench.mjs'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, err: r.stderr };
}

describe('bin/bias-workbench.mjs', () => {
  it('compiled and through tsx, the same values; the build lists its sources', async () => {
    await setupTf();
    const w = await writeShapWorkload(makeTempDir('bw-launcher-'), 24);
    const outs: string[] = [];
    for (const env of [{}, { BW_CLI_TSX: '1' }] as Record<string, string>[]) {
      for (const threads of ['1', '2']) {
        const out = join(w.dir, `out-${env.BW_CLI_TSX ?? 'compiled'}-${threads}.json`);
        const r = launch(['explain', '--data', w.rows, '--rows', '24', '--background-from', w.background, '--model', w.model, '--method', 'permutation', '--permutations', '3', '--threads', threads, '--out', out], env);
        expect(r.err).not.toMatch(/error|warn/i);
        expect(r.code).toBe(0);
        outs.push(JSON.stringify((JSON.parse(readFileSync(out, 'utf8')) as { rows: unknown }).rows));
      }
    }
    for (const o of outs) expect(o).toBe(outs[0]);
    expect(existsSync(join(root, 'dist-cli/main.mjs'))).toBe(true);
    const { inputs } = JSON.parse(readFileSync(join(root, 'dist-cli/inputs.json'), 'utf8')) as { inputs: string[] };
    expect(inputs).toContain('src/cli/main.ts');
    expect(inputs).toContain('src/core/explain/shapley.ts');
    expect(inputs.some((p) => p.includes('node_modules'))).toBe(false);
  }, 180_000);

  it('bad usage exits 2 with one line, compiled as from source', () => {
    for (const env of [{}, { BW_CLI_TSX: '1' }] as Record<string, string>[]) {
      const r = launch(['explain', '--threads', 'many'], env);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});
