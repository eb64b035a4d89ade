/**
 * Offline, end to end in real headless Chromium against the production build: one visit to
 * /?demo=bank installs the service worker (vite.config.ts, src/ui/sw-register.ts) and its
 * precache; then the network is cut (the context goes offline and every request that still
 * reaches the network is aborted and recorded) and the page is reloaded: it opens, the demo's
 * data and model come from the cache, the worker scores every row and the audit shows its
 * numbers. No request leaves the origin, before or after the cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { openDemo, outsideOrigin, startApp, type App } from './harness';

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

describe('offline, in Chromium', () => {
  it('after one visit, /?demo=bank reloads and audits with the network cut', async () => {
    const { page, ms } = await openDemo(app);
    console.log(`[offline] first visit: numbers on screen in ${ms} ms`);
    // the worker installed (precache complete) and controlling this page
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    const cached = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      const urls: string[] = [];
      let bytes = 0;
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const req of await cache.keys()) {
          urls.push(req.url);
          const res = await cache.match(req);
          bytes += res ? (await res.arrayBuffer()).byteLength : 0;
        }
      }
      return { controlled: navigator.serviceWorker.controller !== null, scope: reg.scope, urls, bytes };
    });
    expect(cached.controlled).toBe(true);
    expect(cached.scope).toBe(`${app.origin}/`);
    console.log(`[offline] precache: ${cached.urls.length} files, ${(cached.bytes / 1024 / 1024).toFixed(1)} MiB`);
    expect(cached.urls.some((u) => u.includes('/demo/bank/bank-full.csv'))).toBe(true);
    // onnxruntime-web (~14 MB) and our ONNX chunk wait for an ONNX model: cached on first use, not at install
    expect(cached.urls.filter((u) => /\/assets\/(ort[-.]|onnx-)/.test(u))).toEqual([]);
    expect(cached.urls.every((u) => u.startsWith(app.origin))).toBe(true);
    expect(outsideOrigin(app)).toEqual([]);

    // cut the network: offline, and anything that still reaches the network is aborted and kept
    const reachedNetwork: string[] = [];
    await app.context.setOffline(true);
    await app.context.route('**/*', (route) => {
      reachedNetwork.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    const failed: string[] = [];
    const onFailed = (r: Request) => failed.push(r.url());
    app.context.on('requestfailed', onFailed);
    const from = app.requests.length;

    // the same tab reloaded (whatever it restores), then /?demo=bank opened afresh in a new tab
    await page.reload();
    await expectAudit(page);
    const fresh = await app.newPage();
    await fresh.goto(`${app.origin}/?demo=bank`);
    await expectAudit(fresh);
    expect(await fresh.getByTestId('audit-provenance').textContent()).toContain('all 45,211 rows of bank-full.csv');

    const after = app.requests.slice(from);
    console.log(`[offline] after the cut: ${after.length} requests answered or tried, ${reachedNetwork.length} reached the network, ${failed.length} failed`);
    if (reachedNetwork.length) console.log(`[offline] reached the network: ${reachedNetwork.join(', ')}`);
    // the page, its chunks, the worker, tfjs's wasm and the demo's files all came from the cache
    expect(after.some((u) => u.includes('/demo/bank/bank-full.csv'))).toBe(true);
    expect(reachedNetwork).toEqual([]);
    expect(failed).toEqual([]);
    expect(outsideOrigin(app)).toEqual([]);

    app.context.off('requestfailed', onFailed);
    await app.context.unroute('**/*');
    await app.context.setOffline(false);
    await page.close();
    await fresh.close();
  });
});

/** The bank demo's audit on screen: numbers, four age groups, the chart. */
async function expectAudit(page: Page): Promise<void> {
  await page.getByTestId('metric-accuracy').waitFor({ timeout: 90_000 });
  expect(await page.getByTestId('metric-accuracy').textContent()).toMatch(/^\d+\.\d%$/);
  const auc = Number(await page.getByTestId('metric-auc').textContent());
  expect(auc).toBeGreaterThan(0.6);
  expect(auc).toBeLessThan(1);
  const rows = await page.getByTestId('group-table').locator('tbody tr').allTextContents();
  expect(rows.length).toBe(4);
  expect(rows[0]).toContain('809');
  await page.getByTestId('group-chart').locator('svg').first().waitFor({ timeout: 30_000 });
}
