/**
 * The Monitor tab in the production build, in real Chromium, on the bank demo: a second dataset
 * (test/fixtures/monitor/bank-later.csv: the later bank rows, 2009–2010, with a date column)
 * is loaded as the current data (its clients were reached by mobile phone far more often: contact drifts most); the drift table, the selection-rate chart and the windows by
 * quarter come from the worker; a policy typed in the editor is checked inline (a wrong action
 * is named by its path) and judged into a verdict with the broken rule and its evidence. The
 * request recorder stays on (nothing leaves the origin); long tasks are printed, not asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { describeLongTasks, longTasksDuring, openDemo, outsideOrigin, root, runAxe, startApp, type App } from './harness';

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

const FIXTURE = join(root, 'test/fixtures/monitor/bank-later.csv');

describe('monitor', () => {
  it('loads a second dataset, shows its drift, windows and the verdict of an entered policy', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('tab-monitor').click();
    await page.getByTestId('monitor').waitFor();

    const loadTasks = await longTasksDuring(page, async () => {
      await page.getByTestId('monitor-file').setInputFiles(FIXTURE);
      await page.getByTestId('drift-table').waitFor({ timeout: 120_000 });
      await page.getByTestId('drift-chart').locator('svg').first().waitFor({ timeout: 30_000 });
    });
    console.log(describeLongTasks('monitor: load 2,186 rows and show their drift against 45,211', loadTasks));
    expect(await page.getByTestId('monitor-current').textContent()).toMatch(/bank-later\.csv: 2,186 rows/);

    // the drift table: every shared column and the model's scores; how clients were reached (contact) moved most
    const rows = page.getByTestId('drift-row');
    await expect.poll(() => rows.count()).toBe(18);
    expect(await rows.first().getAttribute('data-column')).toBe('contact');
    expect(await rows.first().getAttribute('data-level')).toBe('major');
    expect(await page.locator('[data-testid="drift-row"][data-column="housing"]').getAttribute('data-level')).toBe('stable');
    expect(await page.locator('[data-testid="drift-row"][data-column="model score"]').count()).toBe(1);
    expect(await page.getByTestId('score-drift').textContent()).toMatch(/Model scores: PSI \d\.\d{3}/);
    expect(await page.getByTestId('score-drift').textContent()).toContain('date (the time column, not in the reference data)');
    await page.getByTestId('rate-drift-chart').locator('svg').first().waitFor({ timeout: 30_000 });

    // the log's date column splits it by month (chosen on its own), then by quarter
    await expect.poll(() => page.getByTestId('monitor-time-column').inputValue()).toBe('date');
    await page.getByTestId('monitor-unit').selectOption('quarter');
    await expect.poll(() => page.getByTestId('monitor-windows').textContent(), { timeout: 60_000 }).toMatch(/^8 windows/);
    await page.getByTestId('window-metric-chart').locator('canvas, svg').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('window-drift-chart').locator('canvas, svg').first().waitFor({ timeout: 30_000 });

    // a policy with a wrong action is refused inline, by its path
    const text = page.getByTestId('policy-text');
    await text.fill(JSON.stringify({ format: 'bias-workbench.policy/1', name: 'e2e', rules: [{ drift: 'psi', column: 'contact', max: 0.25, action: 'retire' }] }));
    await expect.poll(() => page.getByTestId('policy-check').textContent(), { timeout: 30_000 }).toMatch(/rules\[0\]\.action must be one of review, retrain, offline/);
    expect(await text.getAttribute('aria-invalid')).toBe('true');

    // fixed, it breaks on contact's PSI: the verdict is offline, with the rule and its evidence
    const policyTasks = await longTasksDuring(page, async () => {
      await text.fill(
        JSON.stringify({
          format: 'bias-workbench.policy/1',
          name: 'e2e',
          rules: [
            { drift: 'psi', column: 'contact', max: 0.25, action: 'offline' },
            { minRows: 100, action: 'review' },
          ],
        }),
      );
      await expect.poll(() => page.getByTestId('verdict').getAttribute('data-verdict'), { timeout: 60_000 }).toBe('offline');
    });
    console.log(describeLongTasks('monitor: a policy typed and judged', policyTasks));
    expect(await page.getByTestId('policy-check').textContent()).toBe('Valid policy “e2e”: 2 rules.');
    const verdict = page.getByTestId('verdict');
    expect(await verdict.getAttribute('role')).toBe('alert');
    expect(await verdict.textContent()).toMatch(/Verdict: offline \(e2e\)/);
    const broken = page.getByTestId('rule-broken');
    expect(await broken.count()).toBe(1);
    expect(await broken.first().textContent()).toMatch(/offline: psi drift of contact ≤ 0\.25 — outside ≤ 0\.25: contact 0\.9\d+/);

    // the Committee example preset: a verdict from the rules on the demo's protected attribute
    await page.getByTestId('policy-preset-committee').click();
    await expect.poll(() => page.getByTestId('policy-check').textContent(), { timeout: 30_000 }).toMatch(/Valid policy “Committee thresholds”: 6 rules/);
    await expect.poll(() => verdict.textContent(), { timeout: 60_000 }).toMatch(/Committee thresholds/);

    // a rule added from the form row: PSI of contact at most 0.25, else offline
    await page.getByTestId('rule-column').selectOption('contact');
    await page.getByTestId('rule-bound').fill('0.25');
    await page.getByTestId('rule-action').selectOption('offline');
    await page.getByTestId('rule-add').click();
    await expect.poll(() => page.getByTestId('policy-check').textContent(), { timeout: 30_000 }).toMatch(/: 7 rules\./);
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 60_000 }).toBe('offline');
    expect(await text.inputValue()).toMatch(/"column": "contact",\s+"max": 0\.25,\s+"action": "offline"/);

    const violations = (await runAxe(page)).filter((v) => v.impact === 'critical' || v.impact === 'serious');
    console.log(`[axe] monitor: ${violations.map((v) => `${v.id} ${v.targets.join(' ; ')}`).join(', ') || 'none'}`);
    expect(violations).toEqual([]);

    // the current data and the policy stay with the session: away and back, still there
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('tab-monitor').click();
    expect(await page.getByTestId('monitor-current').textContent()).toMatch(/bank-later\.csv/);
    expect(await text.inputValue()).toContain('Committee thresholds');

    expect(outsideOrigin(app)).toEqual([]);
    expect(app.popups).toEqual([]);
    await page.close();
  });
});
