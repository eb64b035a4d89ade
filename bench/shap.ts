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
 *   coalitions, computed here on the same scorer); antithetic also step by step, without the
 *   coalition table (same values, more model rows), to show what the table saves;
 * - the CLI as a whole process (`node bin/bias-workbench.mjs explain ...`, timed from outside),
 *   compiled and through tsx, on 1 thread and on the default pool: wall seconds, the compute
 *   seconds it reports, the rest (start-up, reading, writing), rows evaluated, its error;
 * - shap 0.44's PermutationExplainer run live when `/usr/bin/python3 -c "import shap"` works
 *   (the environment is inherited, so PYTHONPATH may point at a vendored copy):
 *   bench/shap_permutation.py on the same rows, background and peer MLP (numpy, float64),
 *   max_evals 500, seed 1, one BLAS thread unless OPENBLAS_NUM_THREADS / OMP_NUM_THREADS say
 *   otherwise; timed in the same rounds as the CLI: its compute (the explain call), its whole
 *   process from outside, model rows, error against the same exact values; and the speed-up of
 *   each CLI run against shap's live compute and whole process;
 * - shap as recorded in shared/design/PEERS.md (6–10 s of compute, 15.7 M model rows), printed
 *   as recorded beside the live figures, and the speed-up against it. (Counted live, shap 0.44.1
 *   evaluates ~25.1 M model rows here: 29 × 17 masks × 50 background rows per explained row and
 *   one more call; the recorded 15.7 M seems to count something else.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupNodeBackend } from '../src/cli/backend';
import { loadModelFromDisk } from '../src/cli/load-model';
import { createModelScorer } from '../src/core/model';
import { exactShapley, permutationShap, permutationsForMaxEvals, singleInputPlayers, type PermutationSampling, type ShapleyResult } from '../src/core/explain';
import type { Scorer } from '../src/core/scorer';
import { tf } from '../src/core/tf';
import type { LayersModel } from '../src/core/tf';
import { FEATURES, WIDTH, writeShapWorkload, type ShapWorkload } from './shap-fixture';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const nRows = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000);
const P = permutationsForMaxEvals(500, WIDTH);
const SHAP_RECORDED = { computeLow: 6, computeHigh: 10, rows: 15.7e6 };
const PYTHON = '/usr/bin/python3';
const SHAP_SCRIPT = join(root, 'bench/shap_permutation.py');

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
  /** user + system CPU seconds of the child (all its threads), from /usr/bin/time; NaN without it */
  cpu: number;
  compute: number;
  evaluations: number;
  values: Float64Array;
}

function runCli(w: ShapWorkload, env: Record<string, string>, extra: string[], rows = w.nRows): CliRunFigures {
  const out = join(w.dir, 'out.json');
  rmSync(out, { force: true });
  const args = [
    join(root, 'bin/bias-workbench.mjs'), 'explain', '--data', w.rows, '--rows', String(rows), '--background-from', w.background,
    '--model', w.model, '--manifest', w.manifest,
    ...(extra.includes('--method') ? [] : ['--method', 'permutation']),
    ...(extra.includes('--permutations') || extra.includes('exact') ? [] : ['--permutations', String(P)]),
    '--seed', '1', '--out', out, ...extra,
  ];
  const timed = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'BW-CPU %U %S', process.execPath, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' })
    : spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`CLI failed (${r.status}): ${r.stderr}`);
  const cpuLine = /BW-CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const cpu = cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : NaN;
  const json = JSON.parse(readFileSync(out, 'utf8')) as { seconds: number; evaluations: number; rows: { values: number[] }[] };
  return { wall, cpu, compute: json.seconds, evaluations: json.evaluations, values: Float64Array.from(json.rows.flatMap((row) => row.values)) };
}

/** One live run of shap's PermutationExplainer (bench/shap_permutation.py), timed from outside. */
interface ShapRunFigures {
  version: string;
  /** wall seconds of the python process, timed from here */
  wall: number;
  /** user + system CPU seconds of the child, from /usr/bin/time; NaN without it */
  cpu: number;
  /** seconds of the explain call alone */
  compute: number;
  /** seconds of `import shap` */
  importSeconds: number;
  modelRows: number;
  values: Float64Array;
}

/** Whether `/usr/bin/python3 -c "import shap"` works with this process's environment. */
function shapImportable(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import shap'], { encoding: 'utf8' }).status === 0;
}

/** One BLAS thread, as PEERS.md recorded shap, unless the caller's environment chose otherwise. */
function shapEnv(): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? '1', OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' };
}

function runShap(w: ShapWorkload): ShapRunFigures {
  const valuesOut = join(w.dir, 'shap-values.f64');
  rmSync(valuesOut, { force: true });
  const args = [SHAP_SCRIPT, '--rows', w.rows, '--background', w.background, '--model', w.peerModel, '--max-evals', '500', '--seed', '1', '--values-out', valuesOut];
  const timed = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'BW-CPU %U %S', PYTHON, ...args], { env: shapEnv(), encoding: 'utf8' })
    : spawnSync(PYTHON, args, { env: shapEnv(), encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`shap_permutation.py failed (${r.status}): ${r.stderr}`);
  const cpuLine = /BW-CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const json = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { shap_version: string; seconds_compute: number; seconds_import: number; model_rows: number };
  const bytes = readFileSync(valuesOut);
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return {
    version: json.shap_version, wall, cpu: cpuLine ? Number(cpuLine[1]) + Number(cpuLine[2]) : NaN,
    compute: json.seconds_compute, importSeconds: json.seconds_import, modelRows: json.model_rows, values,
  };
}

/**
 * Would incremental first-layer updates pay? A permutation step changes one column, so the
 * first layer's pre-activation could be updated in JS (32 multiply-adds) and only the layers
 * after it run in tfjs. Prints tfjs's rate for the full model on 8 inputs beside the rest of
 * the model (16 → 1 after 32 relu inputs) on 32 inputs, at the explainer's batch size.
 */
async function firstLayerProbe(model: LayersModel, scorer: Scorer, X: Float32Array): Promise<void> {
  const rest = tf.sequential();
  model.layers.slice(1).forEach((l, i) => {
    const cfg = l.getConfig() as { units: number; activation: string };
    rest.add(tf.layers.dense({ units: cfg.units, activation: cfg.activation as 'relu', ...(i === 0 ? { inputShape: [32] } : {}) }));
  });
  rest.setWeights(model.layers.slice(1).flatMap((l) => l.getWeights()));
  const n = 8192;
  const H = new Float32Array(n * 32).map((_, k) => Math.max(0, Math.sin(k)));
  const Xn = new Float32Array(n * WIDTH).map((_, k) => X[k % X.length]);
  const rate = async (f: () => Promise<unknown>): Promise<number> => {
    for (let k = 0; k < 20; k++) await f();
    let best = 0;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      for (let k = 0; k < 50; k++) await f();
      best = Math.max(best, (50 * n) / ((performance.now() - t0) / 1000));
    }
    return best;
  };
  const full = await rate(() => scorer.predict(Xn, n));
  const tail = await rate(async () => {
    const x = tf.tensor2d(H, [n, 32]);
    const y = rest.predict(x, { batchSize: n }) as tf.Tensor;
    await y.data();
    x.dispose();
    y.dispose();
  });
  rest.dispose();
  console.log(
    `incremental first layer (probe): tfjs on the whole model, 8 inputs: ${fmt(full / 1e6, 2)} M rows/s; on the layers after the first, 32 inputs: ${fmt(tail / 1e6, 2)} M rows/s ` +
      `(${fmt(tail / full, 2)}×, before the JS update of 32 pre-activations per row): ${tail / full < 1.5 ? 'does not pay; not used' : 'might pay'}`,
  );
}

/** Prints shap's live figures (medians of the rounds) and returns the medians the ratios use. */
function reportShapLive(runs: ShapRunFigures[], exact: Float64Array): { compute: number; wall: number } {
  const med = (f: (x: ShapRunFigures) => number): number => runs.map(f).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  const lo = (f: (x: ShapRunFigures) => number): number => Math.min(...runs.map(f));
  const hi = (f: (x: ShapRunFigures) => number): number => Math.max(...runs.map(f));
  const compute = med((x) => x.compute);
  const wall = med((x) => x.wall);
  const e = errorAgainst(runs[0].values, exact);
  console.log(
    `shap ${runs[0].version} PermutationExplainer, live (${PYTHON}, numpy float64 MLP, max_evals 500 → 29 antithetic permutations, seed 1, BLAS threads ${shapEnv().OPENBLAS_NUM_THREADS}): ` +
      `${fmt(compute, 2)} s of compute (median of ${runs.length}; ${fmt(lo((x) => x.compute), 2)}–${fmt(hi((x) => x.compute), 2)}), ` +
      `${fmt(wall, 2)} s whole process (${fmt(lo((x) => x.wall), 2)}–${fmt(hi((x) => x.wall), 2)}; import shap ${fmt(med((x) => x.importSeconds), 2)} s), ${fmt(med((x) => x.cpu), 2)} CPU s; ` +
      `${fmt(runs[0].modelRows)} model rows, ${fmt(runs[0].modelRows / compute / 1e6, 2)} M rows/s; error vs exact: mean ${exp(e.mean)}, max ${exp(e.max)}`,
  );
  return { compute, wall };
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

    console.log(`workload: ${fmt(nRows)} rows × ${WIDTH} columns, ${w.nBackground} background rows, ${P} permutations (max_evals 500), peer MLP 8-32-16-1, output 'probability'; tfjs ${backend}; load average ${loadavg().map((x) => fmt(x, 1)).join(', ')} on ${availableParallelism()} cores`);
    console.log(`raw model rate (one predict call of ${fmt(rawRows)} rows, best of 3): ${fmt(raw / 1e6, 3)} M rows/s`);
    console.log(`exact Shapley values (256 coalitions): ${fmt(tExact, 2)} s, ${fmt(exact.evaluations)} model rows`);

    // in-process compute, one thread: both samplers at shap's budget, then the orthogonal
    // sampler's smallest budget whose error is no more than antithetic's at 29
    await permutationShap({ ...input, nRows: 20 }, { permutations: P });
    const inProcess = async (sampling: PermutationSampling, perms: number, coalitionTable = true): Promise<{ t: number; r: ShapleyResult; e: { mean: number; max: number } }> => {
      t0 = performance.now();
      const r = await permutationShap(input, { permutations: perms, seed: 1, sampling, coalitionTable });
      const t = (performance.now() - t0) / 1000;
      return { t, r, e: errorAgainst(r.values, exact.values) };
    };
    const line = (label: string, x: { t: number; r: ShapleyResult; e: { mean: number; max: number } }): void =>
      console.log(
        `in-process, 1 thread, ${label}: ${fmt(x.t, 3)} s, ${fmt(x.r.evaluations)} model rows (${fmt(x.r.plannedEvaluations)} by shap's formula), ` +
          `${fmt(x.r.evaluations / x.t / 1e6, 3)} M rows/s = ${fmt((100 * x.r.evaluations) / x.t / raw, 1)} % of raw; error vs exact: mean ${exp(x.e.mean)}, max ${exp(x.e.max)}`,
      );
    // the walk step by step (no coalition table: src/core/explain/coalitions.ts), the same values
    line(`antithetic ×${P}, step by step (no coalition table)`, await inProcess('antithetic', P, false));
    const anti = await inProcess('antithetic', P);
    line(`antithetic ×${P}, coalition table`, anti);
    const orth = await inProcess('orthogonal', P);
    line(`orthogonal ×${P}`, orth);
    let pEq = P;
    const candidates = [14, 16, 18, 19, 20, 21, 24];
    for (const perms of candidates) {
      const x = await inProcess('orthogonal', perms);
      if (x.e.mean <= anti.e.mean) {
        pEq = perms;
        line(`orthogonal ×${perms} (the fewest of ${candidates.join(', ')} at or below antithetic ×${P}'s mean error)`, x);
        break;
      }
    }
    await firstLayerProbe(model, scorer, w.X);
    scorer.dispose();
    model.dispose();

    // the CLI as a whole process
    const shapMid = (SHAP_RECORDED.computeLow + SHAP_RECORDED.computeHigh) / 2;
    console.log(`shap 0.44 PermutationExplainer, as recorded in shared/design/PEERS.md: ${SHAP_RECORDED.computeLow}–${SHAP_RECORDED.computeHigh} s of compute, ${fmt(SHAP_RECORDED.rows / 1e6, 1)} M model rows, 29 antithetic permutations`);
    const live = shapImportable();
    if (!live) console.log(`shap live: not run (${PYTHON} -c "import shap" fails; set PYTHONPATH to a shap 0.44 copy to run it); only the recorded figure is compared below`);
    runCli(w, {}, ['--threads', '1'], 1); // builds dist-cli when it is missing or stale
    for (const env of [{ BW_CLI_TSX: '1' }, {}] as Record<string, string>[]) {
      const runs = [0, 1, 2].map(() => runCli(w, env, ['--threads', '1'], 1)).sort((a, b) => a.wall - b.wall);
      console.log(`start-up, ${env.BW_CLI_TSX ? 'TypeScript through tsx' : 'compiled dist-cli'}: a 1-row explain as a whole process (start-up, reading, the first model calls, writing): ${fmt(runs[1].wall, 3)} s (median of 3; ${fmt(runs[0].wall, 3)}–${fmt(runs[2].wall, 3)})`);
    }
    const cases: { label: string; env: Record<string, string>; extra: string[] }[] = [
      { label: `tsx, 1 thread, antithetic ×${P} (as before)`, env: { BW_CLI_TSX: '1' }, extra: ['--threads', '1', '--sampling', 'antithetic'] },
      { label: `compiled, 1 thread, antithetic ×${P}`, env: {}, extra: ['--threads', '1', '--sampling', 'antithetic'] },
      { label: `compiled, ${availableParallelism()} threads, antithetic ×${P}`, env: {}, extra: ['--sampling', 'antithetic'] },
      { label: `compiled, ${availableParallelism()} threads, orthogonal ×${P}`, env: {}, extra: [] },
      { label: `compiled, ${availableParallelism()} threads, orthogonal ×${pEq} (equal error)`, env: {}, extra: ['--permutations', String(pEq)] },
    ];
    // rounds: each case (and shap, when it runs) once per round, so a busy spell of the shared
    // machine hits all of them
    const byCase = cases.map(() => [] as CliRunFigures[]);
    const shapRuns: ShapRunFigures[] = [];
    for (let round = 0; round < 3; round++) {
      if (live) shapRuns.push(runShap(w));
      cases.forEach((c, k) => byCase[k].push(runCli(w, c.env, c.extra)));
    }
    console.log(`(load average while the CLI${live ? ' and shap' : ''} ran: ${loadavg().map((x) => fmt(x, 1)).join(', ')} on ${availableParallelism()} cores)`);
    const shapLive = live ? reportShapLive(shapRuns, exact.values) : undefined;
    for (const [k, c] of cases.entries()) {
      const runs = byCase[k].sort((a, b) => a.wall - b.wall);
      const r = runs[1];
      const ce = errorAgainst(r.values, exact.values);
      console.log(
        `CLI, ${c.label}: ${fmt(r.wall, 2)} s whole process (median of 3; ${fmt(runs[0].wall, 2)}–${fmt(runs[2].wall, 2)}), ${fmt(r.compute, 2)} s computing, ` +
          `${fmt(r.wall - r.compute, 2)} s else (start-up, reading, writing), ${fmt(r.cpu, 2)} CPU s; ${fmt(r.evaluations)} model rows, ${fmt(r.evaluations / r.compute / 1e6, 2)} M rows/s; ` +
          `error vs exact: mean ${exp(ce.mean)}, max ${exp(ce.max)}; ` +
          (shapLive ? `shap live (same rounds, medians) ÷ this whole process: compute ${fmt(shapLive.compute / r.wall, 1)}×, whole process ${fmt(shapLive.wall / r.wall, 1)}×; ` : '') +
          `shap's recorded compute ÷ this whole process: ${fmt(SHAP_RECORDED.computeLow / r.wall, 1)}–${fmt(SHAP_RECORDED.computeHigh / r.wall, 1)}× (${fmt(shapMid / r.wall, 1)}× at the midpoint; best run ${fmt(SHAP_RECORDED.computeLow / runs[0].wall, 1)}–${fmt(SHAP_RECORDED.computeHigh / runs[0].wall, 1)}×)`,
      );
    }
    // same-run ratios against the issue's configuration (the first case), medians of the same rounds
    const median = (k: number, f: (x: CliRunFigures) => number): number => byCase[k].map(f).sort((a, b) => a - b)[1];
    const last = cases.length - 1;
    const speedup = median(0, (x) => x.wall) / median(last, (x) => x.wall);
    const cpuRatio = median(0, (x) => x.cpu) / median(last, (x) => x.cpu);
    const ISSUE_OLD_WALL = 4.2;
    console.log(
      `same run: ${cases[last].label} against ${cases[0].label}: ${fmt(speedup, 2)}× faster as a whole process (median wall), ${fmt(cpuRatio, 2)}× less CPU time; ` +
        `scaled from the issue's recorded 4.2 s for the old CLI (shap 6–10 s), that is ${fmt(ISSUE_OLD_WALL / speedup, 2)} s: ${fmt(SHAP_RECORDED.computeLow / (ISSUE_OLD_WALL / speedup), 1)}–${fmt(SHAP_RECORDED.computeHigh / (ISSUE_OLD_WALL / speedup), 1)}× shap (a projection, not a measurement)`,
    );
    const ex = [0, 1, 2].map(() => runCli(w, {}, ['--method', 'exact'])).sort((a, b) => a.wall - b.wall)[1];
    console.log(`(load average: ${loadavg().map((x) => fmt(x, 1)).join(', ')})`);
    console.log(`CLI, compiled, default threads, --method exact (what --method auto picks for 8 columns): ${fmt(ex.wall, 2)} s whole process, ${fmt(ex.compute, 2)} s computing, ${fmt(ex.evaluations)} model rows, error vs exact ${exp(errorAgainst(ex.values, exact.values).max)} (max)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
