/**
 * The Simulate tab and the CRM demo in the production build: a simulation runs in the workers
 * with its progress and draws the loop round by round; the generated leads go to the Audit; and
 * `/?demo=crm` tells the small-town story in the Audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longTasksDuring, describeLongTasks, startApp, type App } from './harness';

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

describe('simulate', () => {
  it('runs the feedback loop with and without exploration from the tab, without blocking the page', async () => {
    const page = await app.newPage();
    await page.goto(app.origin);
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-leads').fill('2000');
    await page.getByTestId('sim-rounds').fill('4');
    const tasks = await longTasksDuring(page, async () => {
      await page.getByTestId('sim-run').click();
      await expect
        .poll(async () => (await page.getByTestId('sim-runs').locator('li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-status')))).join(','), { timeout: 180_000, interval: 500 })
        .toBe('done,done');
    });
    console.log(describeLongTasks('simulate 2 × 4 rounds × 2,000 leads', tasks));
    await page.getByTestId('sim-gap').locator('svg').first().waitFor({ timeout: 30_000 });
    const summary = await page.getByTestId('sim-summary').textContent();
    console.log(`[e2e] ${summary}`);
    expect(summary).toContain('no remedy, round 4');
    expect(summary).toContain('exploration, round 4');
    expect(await page.getByTestId('sim-belief-figure').locator('figcaption p').textContent()).toMatch(/small town \(disfavoured\)/);
    await page.close();
  });

  it('sends generated leads to the Audit with a model trained on what the CRM recorded', async () => {
    const page = await app.newPage();
    await page.goto(app.origin);
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-leads').fill('3000');
    await page.getByTestId('sim-use-data').click();
    await page.getByTestId('metric-accuracy').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('attribute-select').inputValue()).toBe('town_size');
    const rows = await page.getByTestId('group-table').locator('tbody tr').allTextContents();
    expect(rows.join(' ')).toContain('small town');
    await page.close();
  });

  it('opens /?demo=crm: the audit by town size shows the small towns called less', async () => {
    const page = await app.newPage();
    await page.goto(`${app.origin}/?demo=crm`);
    await page.getByTestId('metric-accuracy').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('attribute-select').inputValue()).toBe('town_size');
    // selection rate per town size (the third column): the small towns are called least
    const rows = page.getByTestId('group-table').locator('tbody tr');
    const rates: Record<string, number> = {};
    for (let i = 0; i < (await rows.count()); i++) {
      const name = (await rows.nth(i).locator('th').textContent())!.replace(/reference|small$/g, '').trim();
      const sel = (await rows.nth(i).locator('td').nth(1).textContent())!;
      rates[name] = Number(sel.match(/^([\d.]+)%/)![1]);
    }
    expect(Object.keys(rates)).toContain('small town');
    expect(rates['small town']).toBeLessThan(Math.max(...Object.values(rates)));
    await expect.poll(() => page.getByTestId('credit').textContent()).toContain('synthetic');
    // Explain: zip3 is the strongest proxy for town size
    await page.getByTestId('tab-explain').click();
    await page.getByTestId('proxy-ranking').locator('svg').first().waitFor({ timeout: 60_000 });
    const ranking = await page.getByTestId('proxy-ranking-figure').locator('figcaption p').textContent();
    expect(ranking).toMatch(/: zip3: /);
    // Compare: the standard "drop" scenario removes the proxy, since the model never reads town_size
    await page.getByTestId('tab-compare').click();
    await expect.poll(() => page.getByTestId('compare-proxy').textContent(), { timeout: 60_000 }).toContain('zip3');
    await page.getByTestId('add-standard').click();
    await expect.poll(() => page.getByTestId('scenario-table').innerText(), { timeout: 10_000 }).toContain('no zip3');
    await page.close();
  });
});
