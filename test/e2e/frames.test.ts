/**
 * Frames in the production build: the long tasks (> 50 ms on the main thread) recorded while
 * the threshold is dragged, while leads are explained and while scenarios are compared are
 * printed — never asserted, times move with the machine. What is asserted is the work done, which
 * does not: during a drag the charts that do not depend on the rule are not redrawn at all, the
 * ones that do are redrawn without Plotly, and no Plotly draw happens anywhere in these flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeLongTasks, dragThreshold, longTasksDuring, openDemo, startApp, type App } from './harness';

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

async function draws(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('.chart[data-testid]')].map((e) => [e.dataset.testid!, Number(e.dataset.draws)])));
}

async function plotlyDraws(page: Page): Promise<number> {
  return page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('chart-draw ')).length);
}

describe('frames', () => {
  it('a 41-step threshold drag redraws only what the rule changes, and no Plotly chart', async () => {
    const { page } = await openDemo(app);
    await page.waitForTimeout(1000);
    const before = await draws(page);
    const tasks = await longTasksDuring(page, () => dragThreshold(page, 41), 1000);
    console.log(describeLongTasks('threshold drag, 41 steps', tasks));
    const after = await draws(page);
    for (const id of ['threshold-chart', 'roc-chart', 'calibration-chart']) expect({ id, redraws: after[id] - before[id] }).toEqual({ id, redraws: 0 });
    // the marker moved instead
    await expect.poll(() => page.getByTestId('threshold-chart').locator('[data-testid="chart-marker"] text').textContent()).toContain(`${await page.getByTestId('threshold-value').textContent()}`);
    for (const id of ['group-chart', 'disparity-chart']) expect(after[id] - before[id]).toBeGreaterThan(0);
    expect(await plotlyDraws(page)).toBe(0);
    await page.close();
  });

  it('records long tasks while explaining and comparing (printed), with no Plotly draw', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('tab-explain').click();
    const explain = await longTasksDuring(page, async () => {
      await page.getByTestId('explain-run').click();
      await page.getByTestId('explain-result').waitFor({ timeout: 120_000 });
      await page.getByTestId('group-difference').locator('svg').first().waitFor({ timeout: 60_000 });
    });
    console.log(describeLongTasks('explain 1,000 leads', explain));
    await page.getByTestId('tab-compare').click();
    const compare = await longTasksDuring(page, async () => {
      await page.getByTestId('add-standard').click();
      const rows = page.getByTestId('scenario-table').locator('tbody tr');
      await expect.poll(async () => (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status')))).filter((s) => s === 'done' || s === 'failed').length, { timeout: 240_000, interval: 500 }).toBe(7);
    });
    console.log(describeLongTasks('compare: the standard scenarios', compare));
    expect(await plotlyDraws(page)).toBe(0);
    // the Pareto chart is drawn when results arrive, not on every progress message
    const d = await draws(page);
    expect(d.pareto).toBeLessThanOrEqual(8);
    await page.close();
  });
});
