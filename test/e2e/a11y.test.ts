/**
 * Accessibility in the production build: axe-core finds no critical or serious violation on any
 * tab (with its results on screen), the tabs are a WAI-ARIA tab list worked by the arrow keys,
 * charts keep nothing in the Tab order and say what they show in text, and Escape cancels a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDemo, root, runAxe, startApp, type App, type AxeViolation } from './harness';

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

function serious(v: AxeViolation[]): AxeViolation[] {
  return v.filter((x) => x.impact === 'critical' || x.impact === 'serious');
}

describe('accessibility', () => {
  it('has no critical or serious axe violation on any tab', async () => {
    const { page } = await openDemo(app);
    const found: Record<string, AxeViolation[]> = {};
    await page.getByTestId('find-slices').click();
    await page.getByTestId('open-slice').first().waitFor({ timeout: 30_000 });
    found.audit = await runAxe(page);
    await page.getByTestId('tab-explain').click();
    await page.getByTestId('explain-rows').fill('100');
    await page.getByTestId('explain-run').click();
    await page.getByTestId('explain-result').waitFor({ timeout: 120_000 });
    await page.getByTestId('group-difference').locator('svg').first().waitFor({ timeout: 30_000 });
    found.explain = await runAxe(page);
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('add-standard').click();
    await page.getByTestId('pareto').locator('svg').first().waitFor({ timeout: 240_000 });
    found.compare = await runAxe(page);
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-leads').fill('1000');
    await page.getByTestId('sim-rounds').fill('2');
    await page.getByTestId('sim-run').click();
    await page.getByTestId('sim-gap').locator('svg').first().waitFor({ timeout: 120_000 });
    found.simulate = await runAxe(page);
    await page.getByTestId('tab-oversight').click();
    await page.getByTestId('review-build').click();
    await page.getByTestId('review-item').first().waitFor({ timeout: 120_000 });
    found.oversight = await runAxe(page);
    await page.getByTestId('tab-monitor').click();
    await page.getByTestId('monitor-file').setInputFiles(join(root, 'test/fixtures/monitor/bank-later.csv'));
    await page.getByTestId('drift-table').waitFor({ timeout: 120_000 });
    await page.getByTestId('verdict').waitFor({ timeout: 60_000 });
    await page.getByTestId('window-metric-chart').waitFor({ timeout: 60_000 });
    found.monitor = await runAxe(page);
    await page.getByTestId('tab-workshop').click();
    await page.getByTestId('workshop-qr').waitFor();
    found.workshop = await runAxe(page);
    await page.getByTestId('tab-data').click();
    found.data = await runAxe(page);
    for (const [tab, v] of Object.entries(found)) {
      const all = v.reduce((s, x) => s + x.nodes, 0);
      console.log(`[axe] ${tab}: ${serious(v).reduce((s, x) => s + x.nodes, 0)} critical/serious, ${all} in all${v.length ? ` (${v.map((x) => `${x.id} ${x.impact} ${x.nodes} ${x.targets.join(" ; ")}`).join(', ')})` : ''}`);
    }
    for (const [tab, v] of Object.entries(found)) expect({ tab, violations: serious(v) }).toEqual({ tab, violations: [] });
    await page.close();
  });

  it('works the tabs with the arrow keys, one tab stop for the list, panels labelled by their tabs', async () => {
    const { page } = await openDemo(app);
    const tabs = page.getByRole('tab');
    expect(await tabs.count()).toBe(8);
    expect(await page.locator('[role="tab"][tabindex="0"]').count()).toBe(1);
    await page.getByTestId('tab-audit').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('tab-explain').getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tab-explain');
    expect(await page.locator('#panel-explain').isVisible()).toBe(true);
    expect(await page.locator('#panel-explain').getAttribute('aria-labelledby')).toBe('tab-explain');
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('tab-workshop').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('tab-data').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('tab-workshop').getAttribute('aria-selected')).toBe('true');
    // each tab's heading is its own label
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#panel-audit h2').textContent()).toBe('2 · Audit');
    await page.close();
  });

  it('keeps chart controls out of the Tab order and gives every chart a text version', async () => {
    const { page } = await openDemo(app);
    // the curves and the call list render as a transition after the audit's numbers: wait for every chart
    await page.waitForFunction(() => document.querySelectorAll('#panel-audit figure.chart-figure').length >= 5, null, { timeout: 30_000 });
    const focusableInCharts = await page.evaluate(
      () => [...document.querySelectorAll('.chart')].flatMap((c) => [...c.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]).filter((e) => (e as HTMLElement).tabIndex >= 0).length,
    );
    expect(focusableInCharts).toBe(0);
    const figures = page.locator('#panel-audit figure.chart-figure');
    const n = await figures.count();
    expect(n).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < n; i++) {
      const text = await figures.nth(i).locator('figcaption p').textContent();
      expect(text?.length ?? 0).toBeGreaterThan(40);
    }
    expect(await page.getByTestId('group-chart-figure').locator('figcaption p').textContent()).toMatch(/selection rate.*%/i);
    await page.close();
  });

  it('cancels a running explanation with Escape and keeps everything loaded', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('tab-explain').click();
    await page.getByTestId('explain-rows').fill('20000');
    await page.getByTestId('explain-run').click();
    await page.getByTestId('explain-progress').waitFor({ timeout: 10_000 });
    await page.keyboard.press('Escape');
    await page.getByTestId('explain-progress').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.getByTestId('explain-problem').textContent()).toContain('Explanation cancelled. Nothing else was lost.');
    await page.getByTestId('tab-audit').click();
    expect(await page.getByTestId('metric-accuracy').textContent()).toMatch(/%$/);
    await page.close();
  });
});
