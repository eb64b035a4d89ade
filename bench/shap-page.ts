/**
 * SHAP throughput in the page, in real Chromium: `npm run bench -- shap-page`.
 *
 * The production build, the bank demo, the Explain tab with its defaults (1,000 leads, 50
 * background rows, 10 permutations, the pool of Web Workers). Prints the rate line shown while
 * it runs (model rows/s), the summary's rate while computing, the model's own rate on the same
 * batches in the same run (Σ over workers of rows ÷ seconds inside predict: the raw model rate
 * × workers) and their ratio — the aim is ≥ 70 %.
 */
import { loadavg } from 'node:os';
import { openDemo, startApp } from '../test/e2e/harness';

/** "1.2M" / "850k" / "12" → a number. */
function compact(s: string): number {
  const m = /([\d.,]+)\s*([kMG]?)/.exec(s);
  if (!m) return NaN;
  const x = Number(m[1].replace(/,/g, ''));
  return x * (m[2] === 'k' ? 1e3 : m[2] === 'M' ? 1e6 : m[2] === 'G' ? 1e9 : 1);
}

const app = await startApp();
try {
  const { page } = await openDemo(app);
  await page.getByTestId('tab-explain').click();
  await page.getByTestId('explain-run').waitFor();
  await page.waitForTimeout(Number(process.env.BW_WARM_MS ?? 3000)); // the pool loads the data and the model (warmPool) while the user sets up
  const shown: string[] = [];
  await page.getByTestId('explain-run').click();
  const sampler = setInterval(() => {
    void page
      .getByTestId('explain-rate')
      .textContent({ timeout: 200 })
      .then((t) => t && shown.push(t.trim()))
      .catch(() => undefined);
  }, 1000);
  await page.getByTestId('explain-result').waitFor({ timeout: 300_000 });
  clearInterval(sampler);
  const summary = (await page.getByTestId('explain-summary').textContent())!.replace(/\s+/g, ' ');
  const computing = compact((await page.getByTestId('explain-summary-rate').textContent())!);
  const alone = /the model alone: ([\d.,]+\s*[kMG]?)\/s/.exec(summary);
  const model = alone ? compact(alone[1]) : NaN;
  console.log(`page, bank demo, Explain defaults: ${summary}`);
  console.log(`rate line while it ran (sampled each second): ${shown.length ? shown.join(' | ') : 'not sampled'}`);
  console.log(
    `throughput while computing ${(computing / 1e6).toFixed(2)} M model rows/s ÷ the model alone on the same batches × workers ${(model / 1e6).toFixed(2)} M rows/s = ${((100 * computing) / model).toFixed(0)} % (aim ≥ 70 %); load average ${loadavg().map((x) => x.toFixed(1)).join(', ')}`,
  );
} finally {
  await app.close();
}
