/**
 * Projects end to end: set up an audit with scenarios on the bank demo, reload, and everything
 * is back with the same numbers; save the project as a file, clear the browser's storage, open
 * the file, and the numbers are the same again. No request leaves the origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { openDemo, startApp, type App } from './harness';

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

/** The audit's numbers and the scenarios' rows, as the page shows them. */
async function numbers(page: Page): Promise<{ audit: string; accuracy: string; scenarios: string }> {
  await page.getByTestId('tab-audit').click();
  await expect.poll(() => page.getByTestId('audit-provenance').getAttribute('data-stale'), { timeout: 60_000 }).toBe('false');
  const audit = await page.getByTestId('group-table').locator('tbody').innerText();
  const accuracy = (await page.getByTestId('metric-accuracy').textContent()) ?? '';
  await page.getByTestId('tab-compare').click();
  const rows = page.getByTestId('scenario-table').locator('tbody tr');
  await expect.poll(async () => (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status')))).join(','), { timeout: 240_000, interval: 1000 }).toBe('done,done');
  const scenarios = await page.getByTestId('scenario-table').locator('tbody').innerText();
  return { audit, accuracy, scenarios };
}

/** Wait until the project is saved with everything the page shows now. */
async function saved(page: Page): Promise<void> {
  await page.waitForTimeout(1500);
  await expect.poll(() => page.getByTestId('project-status').getAttribute('data-state'), { timeout: 30_000 }).toBe('saved');
}

async function addScenario(page: Page, name: string, base: 'audited' | 'retrained', intervention: string): Promise<void> {
  const builder = page.locator('details', { hasText: 'Build a scenario' });
  if (!(await builder.evaluate((d) => (d as HTMLDetailsElement).open))) await builder.locator('summary').click();
  await builder.getByPlaceholder('my scenario').fill(name);
  await builder.getByLabel('start from').selectOption(base);
  await builder.getByRole('button', { name: intervention, exact: true }).click();
  await builder.getByRole('button', { name: 'Add scenario' }).click();
}

describe('projects', () => {
  it('keeps roles, rule, audit and scenarios across a reload and in a project file', async () => {
    const { page } = await openDemo(app);
    await expect.poll(() => page.url()).toContain('?project=');

    // roles: education becomes a protected attribute, and the audit looks at it at threshold 0.3
    await page.getByTestId('tab-data').click();
    await page.getByLabel('role of education').selectOption('protected');
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('attribute-select').selectOption('education');
    await page.getByTestId('threshold').fill('0.3');
    await expect.poll(() => page.getByTestId('audit-provenance').textContent(), { timeout: 20_000 }).toContain('threshold 0.30');

    // two scenarios: group thresholds on the audited model, and reweighing a logistic regression retrained here
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('retrain-kind').selectOption('logistic');
    await addScenario(page, 'EO on the audited model', 'audited', '+ group thresholds');
    await addScenario(page, 'reweighed logistic', 'retrained', '+ reweigh');
    const before = await numbers(page);
    expect(before.audit).toContain('tertiary');
    expect(before.scenarios).toContain('EO on the audited model');
    expect(before.scenarios).toContain('reweighed logistic');
    await saved(page);

    // reload: everything is back
    const address = page.url();
    await page.reload();
    // the step on screen comes back too (Mitigate & compare): the audit's numbers are there, hidden
    await page.getByTestId('metric-accuracy').waitFor({ state: 'attached', timeout: 90_000 });
    expect(await page.getByTestId('tab-compare').getAttribute('aria-selected')).toBe('true');
    expect(page.url()).toBe(address);
    expect(await page.getByTestId('attribute-select').inputValue()).toBe('education');
    expect(await page.getByTestId('threshold-value').textContent()).toBe('0.30');
    expect(await numbers(page)).toEqual(before);
    await page.getByTestId('tab-data').click();
    expect(await page.getByLabel('role of education').inputValue()).toBe('protected');
    await saved(page);

    // Save project (with the data) as one file
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('project-save').click()]);
    const file = await download.path();
    const entries = unzipSync(new Uint8Array(readFileSync(file)));
    expect(Object.keys(entries).sort()).toEqual(['data/bank-full.csv', 'model/model.json', 'model/model.weights.bin', 'project.json']);
    const doc = JSON.parse(strFromU8(entries['project.json'])) as { format: string; attribute: string; tab: string; compare: { scenarios: { result?: unknown }[] } };
    console.log(`[e2e] kept: tab ${doc.tab}, results ${doc.compare.scenarios.map((s) => Boolean(s.result)).join(',')}`);
    expect(doc.format).toBe('bias-workbench.project/1');
    expect(doc.attribute).toBe('education');
    expect(doc.compare.scenarios.map((s) => Boolean(s.result))).toEqual([true, true]);
    console.log(`[e2e] project file: ${readFileSync(file).length} bytes (data ${entries['data/bank-full.csv'].length} bytes)`);
    await page.close();

    // clear the browser's storage for the origin, then open the file in a fresh tab
    const fresh = await app.newPage();
    await fresh.goto(`${app.origin}/`);
    const cdp = await app.context.newCDPSession(fresh);
    await cdp.send('Storage.clearDataForOrigin', { origin: app.origin, storageTypes: 'indexeddb' });
    await fresh.reload();
    await fresh.getByTestId('project-open').waitFor();
    expect(await fresh.getByTestId('project-list').count()).toBe(0);
    await fresh.getByTestId('project-open').setInputFiles(file);
    await fresh.getByTestId('metric-accuracy').waitFor({ state: 'attached', timeout: 90_000 });
    expect(await fresh.getByTestId('attribute-select').inputValue()).toBe('education');
    expect(await numbers(fresh)).toEqual(before);
    await saved(fresh);
    expect(fresh.url()).toContain('?project=');
    await fresh.close();

    const away = app.requests.filter((u) => !u.startsWith(app.origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(away).toEqual([]);
    expect(app.popups).toEqual([]);
  });
});
