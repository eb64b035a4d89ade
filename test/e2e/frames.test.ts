/**
 * Frames in the production build: the long tasks (> 50 ms on the main thread) recorded while
 * the demo opens, while the threshold is dragged, while leads are explained, while scenarios
 * (retraining ones among them) are compared, while a model is trained with the Data & model
 * tab's button and while the Simulate tab runs a feedback loop are printed — never asserted,
 * times move with the machine. What is asserted is the work done, which does not: the tabs off
 * screen mount after the first screen (the Workshop's QR code only when its tab is opened),
 * during a drag the charts that do not depend on the rule are not redrawn at all, the ones that
 * do are redrawn without Plotly, each flow finishes with its result on screen, and no Plotly
 * draw happens anywhere in these flows (nor does the page even load Plotly's chunk: every chart
 * they show is a light one).
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

/**
 * Plotly's chunk as the page fetched it (resource timing of the page: the service worker's
 * precache, which fetches every chunk in its own thread after the page has loaded, is not the
 * page loading Plotly). The page loads it only when a chart needs Plotly.
 */
async function plotlyLoads(page: Page): Promise<string[]> {
  return page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /plotly/i.test(u)));
}

async function plotlyDraws(page: Page): Promise<number> {
  return page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('chart-draw ')).length);
}

describe('frames', () => {
  it('opens the demo with the tabs off screen mounted one at a time, and the Workshop QR code drawn only when its tab opens', async () => {
    const { page } = await openDemo(app);
    await page.waitForTimeout(1500);
    const tasks = await page.evaluate(() => (window as unknown as { __bwLongTasks: { duration: number }[] }).__bwLongTasks);
    console.log(describeLongTasks('opening the demo (page load, scoring, first audit and charts)', { count: tasks.length, max: tasks.reduce((m, t) => Math.max(m, t.duration), 0), total: tasks.reduce((x, t) => x + t.duration, 0) }));
    // the model's tabs follow in the background, without being opened
    await page.getByTestId('explain-run').waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByTestId('add-standard').waitFor({ state: 'attached', timeout: 30_000 });
    expect(await page.getByTestId('workshop-qr').count()).toBe(0);
    await page.getByTestId('tab-workshop').click();
    await page.getByTestId('workshop-qr').waitFor({ timeout: 30_000 });
    await page.close();
  });

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
    expect(await plotlyLoads(page)).toEqual([]);
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

  it('records long tasks while training with the Train button and while simulating a feedback loop (printed)', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('tab-data').click();
    const train = await longTasksDuring(page, async () => {
      await page.getByTestId('train').click();
      await expect.poll(() => page.getByTestId('train-history').textContent(), { timeout: 180_000, interval: 250 }).toContain('epoch 10/10');
      await expect.poll(() => page.getByTestId('model-summary').textContent(), { timeout: 60_000 }).toContain('(trained)');
      await page.getByTestId('tab-audit').click();
      await page.getByTestId('metric-accuracy').waitFor({ timeout: 60_000 });
    });
    console.log(describeLongTasks('train logistic regression, 10 epochs (Train button), then its audit', train));
    expect(await page.getByTestId('audit-rows').textContent()).toContain('trained here');

    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-leads').fill('2000');
    await page.getByTestId('sim-rounds').fill('4');
    const simulate = await longTasksDuring(page, async () => {
      await page.getByTestId('sim-run').click();
      await expect
        .poll(async () => (await page.getByTestId('sim-runs').locator('li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-status')))).join(','), { timeout: 180_000, interval: 250 })
        .toBe('done,done');
      await page.getByTestId('sim-gap').locator('svg').first().waitFor({ timeout: 30_000 });
    });
    console.log(describeLongTasks('simulate a feedback loop, 2 remedies × 4 rounds × 2,000 leads', simulate));
    expect(await page.getByTestId('sim-summary').textContent()).toContain('round 4');
    expect(await plotlyDraws(page)).toBe(0);
    expect(await plotlyLoads(page)).toEqual([]);
    await page.close();
  });
});
