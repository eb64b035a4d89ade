/**
 * The bank workload the scenario, fit and reductions benches share, so their figures are of one
 * split: tfjs on the wasm backend (one thread), public/demo/bank/bank-full.csv, target
 * y = 'yes', features every column except y, duration, age and marital, protected: age binned
 * at 25 / 40 / 60 (and marital), and the seed-2024 split (30 % held out), stratified by
 * label × age group.
 */
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { parseCsv } from '../src/core/csv';
import { createSplit } from '../src/core/mitigate';
import type { DatasetRoles } from '../src/core/roles';
import { tf } from '../src/core/tf';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend did not initialise');
await tf.ready();

export const { table } = parseCsv(new Uint8Array(readFileSync('public/demo/bank/bank-full.csv')));
export const age = { column: 'age', cuts: [25, 40, 60] };
const excluded = new Set(['y', 'duration', 'age', 'marital']);
export const roles: DatasetRoles = {
  target: { column: 'y', positive: 'yes' },
  protected: [age, { column: 'marital' }],
  features: table.columns.map((c) => c.name).filter((n) => !excluded.has(n)),
  ignored: ['duration'],
};
export const split = createSplit(table, { ...roles, protected: [age] }, 2024);
