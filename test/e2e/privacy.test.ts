/**
 * The privacy promise under every click, in the production build: visit every tab, fill each
 * with its results (an explanation, the standard scenarios, worst slices), then click every
 * button, link, disclosure, tab and chart control the page shows — whatever a library's own UI
 * added included — while recording every request, every popup and every navigation. Nothing may
 * leave the page's origin, no popup may open, the page may not navigate away, and the browser
 * may not report a Content-Security-Policy refusal (that would mean something tried).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { openDemo, outsideOrigin, root, startApp, type App } from './harness';

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

/** Clickable things inside `scope`, as they are now (file inputs left out: they open the OS dialog). */
const CLICKABLE = 'button:not([disabled]), a[href], summary, [role="tab"]:not([disabled]), [role="button"], .modebar-btn, input[type="checkbox"]';

/** Click every clickable element in the selector's scope once, re-querying after each click (the page changes). */
async function clickEverything(page: Page, scope: string, skip: RegExp): Promise<number> {
  let clicked = 0;
  const seen = new Set<string>();
  for (let round = 0; round < 400; round++) {
    const targets = await page.locator(`${scope} :is(${CLICKABLE})`).evaluateAll((els) =>
      els.map((e, i) => ({
        i,
        key: `${e.tagName}|${e.getAttribute('data-testid') ?? ''}|${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 60)}`,
        visible: (e as HTMLElement).offsetParent !== null || e.tagName === 'SUMMARY',
      })),
    );
    const next = targets.find((t) => t.visible && !seen.has(t.key) && !skip.test(t.key));
    if (!next) break;
    seen.add(next.key);
    const el = page.locator(`${scope} :is(${CLICKABLE})`).nth(next.i);
    await el.click({ timeout: 5_000, force: true }).catch(() => undefined);
    clicked++;
    await page.waitForTimeout(60);
  }
  return clicked;
}

describe('privacy under clicking', () => {
  it('no click anywhere sends a request off the origin, opens a popup or navigates away', async () => {
    const { page } = await openDemo(app);
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.url()));
    let clicks = 0;

    // Audit: worst slices listed, then everything clicked
    await page.getByTestId('find-slices').click();
    await page.getByTestId('open-slice').first().waitFor({ timeout: 30_000 });
    clicks += await clickEverything(page, '#panel-audit', /Why\?|explain-lead/);

    // Explain: an explanation and an importance run, then everything clicked
    await page.getByTestId('tab-explain').click();
    await page.getByTestId('explain-rows').fill('200');
    await page.getByTestId('explain-run').click();
    await page.getByTestId('explain-result').waitFor({ timeout: 120_000 });
    clicks += await clickEverything(page, '#panel-explain', /explain-run|importance-run|Compute/);

    // Compare: the standard scenarios finished, then everything clicked (removing and clearing last)
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('add-standard').click();
    const rows = page.getByTestId('scenario-table').locator('tbody tr');
    await expect.poll(async () => (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status')))).filter((s) => s === 'done' || s === 'failed').length, { timeout: 240_000, interval: 1000 }).toBe(7);
    clicks += await clickEverything(page, '#panel-compare', /add-standard|Sweep|remove|×|Clear|Add scenario/);

    // Simulate: a short loop, then everything clicked (not the run and "use these leads" again)
    await page.getByTestId('tab-simulate').click();
    await page.getByTestId('sim-leads').fill('1000');
    await page.getByTestId('sim-rounds').fill('2');
    await page.getByTestId('sim-run').click();
    await page.getByTestId('sim-gap').locator('svg').first().waitFor({ timeout: 120_000 });
    clicks += await clickEverything(page, '#panel-simulate', /sim-run|sim-use-data|Run \d|Use these leads/);

    // Oversight: a review queue, then everything clicked (reviews, appeals, the log's export and check)
    await page.getByTestId('tab-oversight').click();
    await page.getByTestId('review-build').click();
    await page.getByTestId('review-item').first().waitFor({ timeout: 120_000 });
    clicks += await clickEverything(page, '#panel-oversight', /review-build/);

    // Monitor: the later bank rows as the current data, then everything clicked (presets, rule row, the policy's download)
    await page.getByTestId('tab-monitor').click();
    await page.getByTestId('monitor-file').setInputFiles(join(root, 'test/fixtures/monitor/bank-later.csv'));
    await page.getByTestId('verdict').waitFor({ timeout: 120_000 });
    clicks += await clickEverything(page, '#panel-monitor', /monitor-file/);

    // Workshop: the setup, its link and QR code ("Open the participant page" opens this same origin in a new tab, which the recorder would count as a popup)
    await page.getByTestId('tab-workshop').click();
    clicks += await clickEverything(page, '#panel-workshop', /ws-open-participant/);

    // Data & model, the header and the tab list
    await page.getByTestId('tab-data').click();
    clicks += await clickEverything(page, '#panel-data', /train/);
    clicks += await clickEverything(page, 'header, nav, footer', /open-demo/);

    // a link a library might add, injected here: the page's guard keeps the page where it is
    await page.evaluate(() => {
      const a = document.createElement('a');
      a.href = 'https://chart-studio.plotly.com/create';
      a.target = '_blank';
      a.textContent = 'Edit in Chart Studio';
      a.id = 'foreign-link';
      document.querySelector('main')!.append(a);
    });
    await page.locator('#foreign-link').click();
    const opened = await page.evaluate(() => window.open('https://cloud.plotly.com/newchart') === null);
    expect(opened).toBe(true);
    await page.waitForTimeout(500);

    console.log(`[privacy] ${clicks} controls clicked, ${app.requests.length} requests, ${downloads.length} downloads (${[...new Set(downloads.map((d) => d.split(':')[0]))].join(', ') || 'none'})`);
    expect(clicks).toBeGreaterThan(40);
    expect(outsideOrigin(app)).toEqual([]);
    expect(app.popups).toEqual([]);
    expect(navigations.every((u) => u.startsWith(app.origin))).toBe(true);
    expect(page.url().startsWith(app.origin)).toBe(true);
    expect(downloads.every((u) => u.startsWith('blob:' + app.origin) || u.startsWith('data:'))).toBe(true);
    expect(app.consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
    // no chart control from Plotly exists at all (mode bar off): nothing to share or to tab through
    expect(await page.locator('.modebar-btn, .modebar').count()).toBe(0);
    await page.close();
  });
});
