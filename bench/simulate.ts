/**
 * The feedback-loop simulation: `npx tsx bench/simulate.ts [--remedies]` (or `npm run bench --
 * simulate`).
 *
 * Measures, in one run, on tfjs's wasm backend (SIMD, one thread) as the CLI uses it:
 * - a single round: `simulate` with 1 round of 20,000 leads (history drawn and trained on,
 *   one batch drawn, scored, called, recorded and measured; no retraining after the last
 *   round) — the baseline;
 * - 10 rounds × 20,000 leads with logistic retraining after every round but the last (the
 *   pool grows to 200,000 rows), as the ratio to the single round, with the cost of each
 *   round (its retraining included) and of the first model;
 * - with `--remedies`, the same 10 rounds under each remedy.
 * A warm-up run comes first (wasm start-up, first-call compilation). Wall seconds and CPU
 * seconds of this process (which a busy machine does not inflate) are printed; the default
 * knobs are the demo's story (historical bias 0.6, proxy strength 0.8), so the gap by round
 * is printed too. Prints figures; asserts nothing.
 */
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../src/core/tf';
import { simulate, type Remedy, type SimulationResult } from '../src/core/simulate';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend did not initialise');
await tf.ready();

const LEADS = 20_000;
const ROUNDS = 10;

interface Timed {
  result: SimulationResult;
  wall: number;
  cpu: number;
}

async function timed(rounds: number, remedy: Remedy = 'none'): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await simulate({ rounds, remedy, knobs: { leads: LEADS } });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { result, wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

const s = (x: number): string => x.toFixed(2).padStart(6);

await simulate({ rounds: 1, knobs: { leads: 2000 } }); // warm-up
console.log(`simulate: ${LEADS} leads per round, logistic model, tfjs ${tf.getBackend()}\n`);

const single = await timed(1);
const loop = await timed(ROUNDS);
const firstModel = (loop.result.timings.totalMs - loop.result.timings.perRoundMs.reduce((a, b) => a + b, 0)) / 1000;
console.log('run                          wall s   cpu s   × single round');
console.log(`single round (baseline)      ${s(single.wall)}  ${s(single.cpu)}   1.0`);
console.log(`${ROUNDS} rounds × ${LEADS} leads     ${s(loop.wall)}  ${s(loop.cpu)}   ${(loop.wall / single.wall).toFixed(1)}`);
console.log(`\nin the ${ROUNDS}-round run: history + first model ${firstModel.toFixed(2)} s; per round (retraining on the pool included, none after the last):`);
loop.result.rounds.forEach((r, i) => {
  const ms = loop.result.timings.perRoundMs[i];
  console.log(`  round ${String(r.round).padStart(2)}: ${s(ms / 1000)} s  pool ${String(r.trainingRows).padStart(7)} rows × ${r.trainingEpochs} epochs  gap ${r.demographicParityDifference?.toFixed(3)}  small town called ${((r.selectionRate['small town'] ?? NaN) * 100).toFixed(1)}%`);
});

if (process.argv.includes('--remedies')) {
  console.log(`\nremedies, ${ROUNDS} rounds each:`);
  for (const remedy of ['exploration', 'reweigh', 'group-thresholds'] as const) {
    const t = await timed(ROUNDS, remedy);
    const gaps = t.result.rounds.map((r) => r.demographicParityDifference?.toFixed(3)).join(' ');
    console.log(`  ${remedy.padEnd(17)} ${s(t.wall)} s (cpu ${s(t.cpu)})  ×${(t.wall / single.wall).toFixed(1)}  gap by round ${gaps}`);
  }
}
