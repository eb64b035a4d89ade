/**
 * The impact-assessment report from the page, end to end in real headless Chromium against the
 * production build: on /?demo=bank the Audit tab's "Make the impact-assessment report" shows
 * what the report removes and hides (identifier-like columns, the cells shown as "fewer than
 * k", the k-anonymity check), the person confirms, and the HTML and its JSON twin are
 * downloaded. The HTML then opens from disk in a fresh tab with every request recorded: the
 * only request is the file itself. Its title and every section are there, and the
 * intersection "<25 & divorced" (one lead in the bank data) is shown as "fewer than 10" with
 * its rates withheld. Then, with two scenarios run in Mitigate & compare (the audited model as
 * loaded, and equal-opportunity group thresholds on it), the dialog offers them as "the scenario
 * we adopt"; with the thresholds chosen, the JSON twin's mitigations section lists both and
 * gives the chosen one's accuracy cost against the model as loaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { openDemo, outsideOrigin, startApp, type App } from './harness';
import { SECTION_TITLES } from '../../src/core/report';

let app: App;
let dir: string;

beforeAll(async () => {
  app = await startApp();
  dir = mkdtempSync(join(tmpdir(), 'bw-report-'));
});

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the impact-assessment report from the page, in Chromium', () => {
  it('shows what it hides, then downloads an HTML file that requests nothing, with small cells suppressed', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('open-report').click();
    const dialog = page.getByTestId('report-dialog');
    await dialog.waitFor();
    // nothing can be downloaded before the preview is confirmed
    expect(await page.getByTestId('report-download-html').isDisabled()).toBe(true);
    await page.getByTestId('report-preview').waitFor({ timeout: 60_000 });
    const suppressed = (await page.getByTestId('report-suppressed').textContent()) ?? '';
    expect(suppressed).toContain('fewer than 10');
    expect(suppressed).toContain('divorced');
    expect(await page.getByTestId('report-k-anonymity').textContent()).toMatch(/k-anonymity over age, marital: .* hold fewer than 10/);
    expect(await page.getByTestId('report-identifiers').textContent()).toBeTruthy();

    // a quasi-identifier changes the check, and asks for the confirmation again
    await page.getByTestId('report-confirm').check();
    expect(await page.getByTestId('report-download-html').isEnabled()).toBe(true);
    await page.getByText(/Quasi-identifiers for the k-anonymity check/).click();
    await page.getByTestId('report-quasi-job').check();
    await expect.poll(() => page.getByTestId('report-k-anonymity').textContent(), { timeout: 30_000 }).toContain('age, marital, job');
    expect(await page.getByTestId('report-confirm').isChecked()).toBe(false);
    expect(await page.getByTestId('report-download-html').isDisabled()).toBe(true);
    await page.getByTestId('report-system-name').fill('Bank demo lead score');
    await page.getByTestId('report-confirm').check();

    const t0 = Date.now();
    const [htmlDownload] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('report-download-html').click()]);
    const htmlPath = join(dir, htmlDownload.suggestedFilename());
    await htmlDownload.saveAs(htmlPath);
    const ms = Date.now() - t0;
    const [jsonDownload] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('report-download-json').click()]);
    const jsonPath = join(dir, jsonDownload.suggestedFilename());
    await jsonDownload.saveAs(jsonPath);
    expect(htmlDownload.suggestedFilename()).toBe('impact-assessment-bank-full.html');
    expect(jsonDownload.suggestedFilename()).toBe('impact-assessment-bank-full.json');
    console.log(`[report] bank demo: click to download ${ms} ms; ${await page.getByTestId('report-done').textContent()}; HTML ${(statSync(htmlPath).size / 1024).toFixed(0)} KiB, JSON ${(statSync(jsonPath).size / 1024).toFixed(0)} KiB`);
    expect(outsideOrigin(app)).toEqual([]);

    // the JSON twin: the format, k, the quasi-identifier, the suppressed intersection
    const doc = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
      format: string;
      system: { name: string };
      privacy: { k: number; kAnonymity: { columns: string[]; satisfied: boolean }; suppressed: { table: string; cell: string }[] };
      fairness: { attributes: { name: string; groups: { group: string; count: number | null; metrics: Record<string, number | null> }[] }[] };
    };
    expect(doc.format).toBe('bias-workbench.assessment/1');
    expect(doc.system.name).toBe('Bank demo lead score');
    expect(doc.privacy.k).toBe(10);
    expect(doc.privacy.kAnonymity.columns).toEqual(['age', 'marital', 'job']);
    expect(doc.privacy.kAnonymity.satisfied).toBe(false);
    const hiddenGroups = doc.fairness.attributes.flatMap((a) => a.groups.filter((g) => g.count === null).map((g) => ({ attribute: a.name, ...g })));
    const tiny = hiddenGroups.find((g) => g.group.includes('<25') && g.group.includes('divorced'));
    expect(tiny).toBeDefined();
    expect(tiny!.metrics.selectionRate ?? null).toBeNull();

    // the HTML opened from disk in a fresh tab: no request but the file itself
    const viewer = await app.newPage();
    const seen: string[] = [];
    viewer.on('request', (r) => seen.push(r.url()));
    const fileUrl = pathToFileURL(htmlPath).href;
    await viewer.goto(fileUrl);
    await viewer.waitForLoadState('networkidle');
    expect(seen).toEqual([fileUrl]);
    expect(await viewer.title()).toBe('Algorithmic impact assessment — Bank demo lead score');
    for (const s of SECTION_TITLES) expect(await viewer.locator(`section#${s.id} h2`).textContent()).toContain(s.title);
    const smallRows = await viewer.locator('section#fairness tr', { hasText: 'fewer than 10' }).allTextContents();
    expect(smallRows.some((r) => r.includes('<25') && r.includes('divorced'))).toBe(true);
    // the page's chart is inline SVG, and the file names no other place to fetch from
    expect(await viewer.locator('section#fairness svg').count()).toBeGreaterThan(0);
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:|\/\/)/i);
    await viewer.close();
    await page.close();
  });

  it('takes the scenarios run in Mitigate & compare, and the one adopted with its accuracy cost', async () => {
    const { page } = await openDemo(app);
    // requests outside the origin so far (the first test opened its HTML from disk)
    const earlier = outsideOrigin(app).length;
    await page.getByTestId('tab-compare').click();
    await addScenario(page, 'as loaded', null);
    await addScenario(page, 'EO thresholds', '+ group thresholds');
    await expect.poll(() => page.getByTestId('scenario-table').locator('tbody tr[data-status="done"]').count(), { timeout: 120_000 }).toBe(2);

    await page.getByTestId('tab-audit').click();
    await page.getByTestId('open-report').click();
    await page.getByTestId('report-dialog').waitFor();
    expect(await page.getByTestId('report-source-compare').textContent()).toContain('2 scenarios with results, differences from “as loaded”');
    expect(await page.getByTestId('report-source-monitor').textContent()).toContain('not done');
    // none is adopted unless the person says so
    expect(await page.getByTestId('report-chosen').inputValue()).toBe('');
    await page.getByTestId('report-chosen').selectOption('EO thresholds');
    await page.getByTestId('report-preview').waitFor({ timeout: 60_000 });
    await page.getByTestId('report-confirm').check();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByTestId('report-download-json').click()]);
    const path = join(dir, `with-scenarios-${download.suggestedFilename()}`);
    await download.saveAs(path);
    expect(outsideOrigin(app).slice(earlier)).toEqual([]);

    const doc = JSON.parse(readFileSync(path, 'utf8')) as {
      mitigations: {
        supplied: boolean;
        baselineScenario: string | null;
        split: { test: number } | null;
        scenarios: { name: string; chosen: boolean; interventions: string[]; metrics: { key: string; value: number | null }[] }[];
        chosen: { name: string; accuracyCost: number | null; demographicParityChange: number | null } | null;
      };
    };
    const m = doc.mitigations;
    expect(m.supplied).toBe(true);
    expect(m.baselineScenario).toBe('as loaded');
    expect(m.scenarios.map((x) => x.name)).toEqual(['as loaded', 'EO thresholds']);
    expect(m.scenarios.map((x) => x.chosen)).toEqual([false, true]);
    expect(m.scenarios[1].interventions[0]).toContain('group thresholds for equal-opportunity');
    expect(m.split!.test).toBeGreaterThan(0);
    const accuracy = (name: string) => m.scenarios.find((x) => x.name === name)!.metrics.find((x) => x.key === 'accuracy')!.value!;
    expect(m.chosen!.name).toBe('EO thresholds');
    // the cost is the model as loaded's held-out accuracy minus the chosen one's
    expect(m.chosen!.accuracyCost).toBeCloseTo(accuracy('as loaded') - accuracy('EO thresholds'), 12);
    console.log(`[report] chosen 'EO thresholds': accuracy cost ${m.chosen!.accuracyCost}, change in demographic parity difference ${m.chosen!.demographicParityChange}`);
    await page.close();
  });
});

/** A scenario on the audited model, as loaded, through the scenario builder: no intervention, or the one named. */
async function addScenario(page: Page, name: string, intervention: string | null): Promise<void> {
  const builder = page.locator('details', { hasText: 'Build a scenario' });
  if (!(await builder.evaluate((d) => (d as HTMLDetailsElement).open))) await builder.locator('summary').click();
  await builder.getByPlaceholder('my scenario').fill(name);
  await builder.getByLabel('start from').selectOption('audited');
  if (intervention) await builder.getByRole('button', { name: intervention, exact: true }).click();
  await builder.getByRole('button', { name: 'Add scenario' }).click();
}
