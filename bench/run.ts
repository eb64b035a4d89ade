/**
 * `npm run bench`: every benchmark in turn, each printing its own figures and the baseline it
 * is compared with in the same run. Benchmarks print; tests never assert times.
 *   npm run bench            all
 *   npm run bench -- explain only the named ones
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const all = ['predict', 'threshold', 'explain', 'shap', 'shap-page', 'scenarios', 'reductions', 'fit', 'frames', 'load', 'csv', 'simulate', 'counts', 'models'];
const chosen = process.argv.slice(2).filter((a) => all.includes(a));
for (const name of chosen.length ? chosen : all) {
  const file = `bench/${name}.ts`;
  if (!existsSync(file)) continue;
  console.log(`\n== ${name} (${file})`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
