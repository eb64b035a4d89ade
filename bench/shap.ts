/**
 * SHAP against shap, whole process: `npm run bench -- shap` (or `npx tsx bench/shap.ts [rows]`).
 *
 * Workload (issue 14): 1,000 rows × 8 columns of the peer MLP (8-32-16-1), 50 background rows,
 * 29 permutations (shap's max_evals = 500 → 500 // (2·8 + 1)), output 'probability'
 * (bench/shap-fixture.ts writes it to a temp folder).
 *
 * Prints, each beside the others from the same run:
 * - the raw model rate: rows/s of one big predict call on the CLI's scorer (tfjs wasm);
 * - in-process compute of each permutation sampler at the same budget: seconds, model rows
 *   evaluated, rows/s, mean and max absolute error against exact Shapley values (all 256
 *   coalitions, computed here on the same scorer);
 * - the CLI as a whole process (`node bin/bias-workbench.mjs explain ...`, timed from outside),
 *   compiled and through tsx, on 1 thread and on the default pool: wall seconds, the compute
 *   seconds it reports, the rest (start-up, reading, writing), rows evaluated, its error;
 * - shap 0.44's PermutationExplainer as recorded in shared/design/PEERS.md (no Python here):
 *   6–10 s of compute, 15.7 M model rows; and the speed-up of the whole process against it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupNodeBackend } from '../src/cli/backend';
import { loadModelFromDisk } from '../src/cli/load-model';
import { createModelScorer } from '../src/core/model';
import { exactShapley, permutationShap, permutationsForMaxEvals, singleInputPlayers, type ShapleyResult } from '../src/core/explain';
import { FEATURES, WIDTH, writeShapWorkload } from './shap-fixture';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const nRows = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000);
const P = permutationsForMaxEvals(500, WIDTH);
const SHAP_RECORDED = { computeLow: 6, computeHigh: 10, rows: 15.7e6 };

const fmt = (x: number, d = 2): string => x.toLocaleString('en-US', { maximumFractionDigits: d });
const exp = (x: number): string => x.toExponential(2);

function errorAgainst(values: ArrayLike<number>, exact: ArrayLike<number>): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let k = 0; k < exact.length; k++) {
    const e = Math.abs(values[k] - exact[k]);
    sum += e;
    if (e > max) max = e;
  }
  return { mean: sum / exact.length, max };
}

interface CliRunFigures {
  wall: number;
  compute: number;
  evaluations: number;
  values: Float64Array;
}

function runCli(w: Awaited<ReturnType<typeof writeShapWorkload>>, env: Record<string, string>, extra: string[]): CliRunFigures {
  const out = join(w.dir, 'out.json');
  rmSync(out, { force: true });
  const args = [
    join(root, 'bin/bias-workbench.mjs'), 'explain', '--data', w.rows, '--rows', String(w.nRows), '--background-from', w.background,
    '--model', w.model, '--manifest', w.manifest, '--method', 'permutation', '--permutations', String(P), '--seed', '1', '--out', out, ...extra,
  ];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`CLI failed (${r.status}): ${r.stderr}`);
  const json = JSON.parse(readFileSync(out, 'utf8')) as { seconds: number; evaluations: number; rows: { values: number[] }[] };
  return { wall, compute: json.seconds, evaluations: json.evaluations, values: Float64Array.from(json.rows.flatMap((row) => row.values)) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-shap-bench-'));
  try {
    const backend = await setupNodeBackend();
    const w = await writeShapWorkload(dir, nRows);
    const { model, manifest } = await loadModelFromDisk(w.model, w.manifest);
    const scorer = createModelScorer(model, manifest, { batchSize: 8192 });
    const players = singleInputPlayers(WIDTH, FEATURES);
    const input = { scorer, X: w.X, nRows, background: w.bg, nBackground: w.nBackground, players };

    // raw model rate: one big predict call, after a warm-up; best of 3
    const rawRows = 1 << 20;
    const R = new Float32Array(rawRows * WIDTH);
    for (let k = 0; k < R.length; k++) R[k] = w.X[k % w.X.length] + ((k * 0.618) % 1) - 0.5;
    await scorer.predict(R.subarray(0, 65536 * WIDTH), 65536);
    let raw = 0;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      await scorer.predict(R, rawRows);
      raw = Math.max(raw, rawRows / ((performance.now() - t0) / 1000));
    }

    let t0 = performance.now();
    const exact = await exactShapley(input);
    const tExact = (performance.now() - t0) / 1000;

    console.log(`workload: ${fmt(nRows)} rows × ${WIDTH} columns, ${w.nBackground} background rows, ${P} permutations (max_evals 500), peer MLP 8-32-16-1, output 'probability'; tfjs ${backend}`);
    console.log(`raw model rate (one predict call of ${fmt(rawRows)} rows, best of 3): ${fmt(raw / 1e6, 3)} M rows/s`);
    console.log(`exact Shapley values (256 coalitions): ${fmt(tExact, 2)} s, ${fmt(exact.evaluations)} model rows`);

    // in-process compute at the same budget, one thread
    await permutationShap({ ...input, nRows: 20 }, { permutations: P });
    let perm: ShapleyResult | null = null;
    const times: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      t0 = performance.now();
      perm = await permutationShap(input, { permutations: P, seed: 1 });
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    const e = errorAgainst(perm!.values, exact.values);
    console.log(
      `in-process, 1 thread: ${fmt(times[1], 3)} s (median of 3), ${fmt(perm!.evaluations)} model rows (${fmt(perm!.plannedEvaluations)} by shap's formula), ` +
        `${fmt(perm!.evaluations / times[1] / 1e6, 3)} M rows/s = ${fmt((100 * perm!.evaluations) / times[1] / raw, 1)} % of raw; error vs exact: mean ${exp(e.mean)}, max ${exp(e.max)}`,
    );
    scorer.dispose();
    model.dispose();

    // the CLI as a whole process
    const shapMid = (SHAP_RECORDED.computeLow + SHAP_RECORDED.computeHigh) / 2;
    console.log(`shap 0.44 PermutationExplainer, recorded in shared/design/PEERS.md (not run here): ${SHAP_RECORDED.computeLow}–${SHAP_RECORDED.computeHigh} s of compute, ${fmt(SHAP_RECORDED.rows / 1e6, 1)} M model rows`);
    const cases: { label: string; env: Record<string, string>; extra: string[] }[] = [
      { label: 'CLI, tsx, 1 thread', env: { BW_CLI_TSX: '1' }, extra: ['--threads', '1'] },
      { label: 'CLI, default start, 1 thread', env: {}, extra: ['--threads', '1'] },
      { label: 'CLI, default start, default threads', env: {}, extra: [] },
    ];
    runCli(w, {}, ['--threads', '1']); // a first run builds dist-cli when it is missing or stale
    for (const c of cases) {
      const runs = [runCli(w, c.env, c.extra), runCli(w, c.env, c.extra), runCli(w, c.env, c.extra)].sort((a, b) => a.wall - b.wall);
      const r = runs[1];
      const ce = errorAgainst(r.values, exact.values);
      console.log(
        `${c.label}: ${fmt(r.wall, 2)} s whole process (median of 3; ${fmt(runs[0].wall, 2)}–${fmt(runs[2].wall, 2)}), ${fmt(r.compute, 2)} s computing, ` +
          `${fmt(r.wall - r.compute, 2)} s else (start-up, reading, writing); ${fmt(r.evaluations)} model rows, ${fmt(r.evaluations / r.compute / 1e6, 2)} M rows/s; ` +
          `error vs exact: mean ${exp(ce.mean)}, max ${exp(ce.max)}; vs shap's recorded compute: ${fmt(SHAP_RECORDED.computeLow / r.wall, 1)}–${fmt(SHAP_RECORDED.computeHigh / r.wall, 1)}× (${fmt(shapMid / r.wall, 1)}× at the midpoint)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
