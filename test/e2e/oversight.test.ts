/**
 * Oversight in the production build, in real Chromium, on the CRM demo: the review queue
 * (uphold, override with a reason, escalate), an appeal taken from open to overturned, the
 * hash-chained decision log kept in IndexedDB — verified in the page, exported, verified by the
 * CLI, caught by the CLI when edited — and all of it still there after a reload; the reviewed
 * decisions retrain the model in Compare. The request and popup recorder stays on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeLongTasks, longTasksDuring, outsideOrigin, root, runAxe, startApp, type App } from './harness';

let app: App;
let dir: string;

beforeAll(async () => {
  app = await startApp();
  dir = mkdtempSync(join(tmpdir(), 'bw-e2e-oversight-'));
});

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function logVerify(file: string) {
  return spawnSync(process.execPath, [join(root, 'bin/bias-workbench.mjs'), 'log', 'verify', '--log', file], { encoding: 'utf8' });
}

async function openOversight(page: Page) {
  await page.goto(`${app.origin}/?demo=crm`);
  await page.getByTestId('metric-accuracy').waitFor({ timeout: 120_000 });
  await page.getByTestId('tab-oversight').click();
  await page.getByTestId('oversight-provenance').waitFor();
}

describe('oversight', () => {
  it('reviews, overrides, escalates and appeals; the log survives a reload, verifies in the CLI and shows tampering', async () => {
    const page = await app.newPage();
    await openOversight(page);
    const items = page.getByTestId('review-item');
    const queueTasks = await longTasksDuring(page, async () => {
      await page.getByTestId('review-build').click();
      await expect.poll(() => items.count(), { timeout: 120_000 }).toBe(12);
    });
    console.log(describeLongTasks('oversight: a review queue of 12 with SHAP reasons', queueTasks));
    // every queued lead comes with its reasons (top SHAP contributions)
    expect(await items.first().locator('.reasons').textContent()).toMatch(/Why: \w+/);

    await items.nth(0).getByTestId('review-uphold').click();
    await expect.poll(() => items.nth(0).getAttribute('data-status')).toBe('upheld');
    await items.nth(1).getByTestId('review-reason').selectOption({ index: 3 });
    await items.nth(1).getByTestId('review-note').fill('small-town lead, good history');
    await items.nth(1).getByTestId('review-override').click();
    await expect.poll(() => items.nth(1).getAttribute('data-status')).toBe('overridden');
    await items.nth(2).getByTestId('review-escalate').click();

    // an appeal on a lead the model would not call: open → under review → overturned
    const appealable = page.getByTestId('review-item').filter({ has: page.getByTestId('appeal-open') });
    expect(await appealable.count()).toBeGreaterThan(0);
    await appealable.first().getByTestId('appeal-open').click();
    await page.getByTestId('appeals').waitFor();
    await page.getByTestId('appeal-under-review').click();
    await page.getByTestId('appeal-note').fill('customer sent proof of budget');
    await page.getByTestId('appeal-overturned').click();
    await expect.poll(() => page.getByTestId('appeals').locator('tbody tr').first().getAttribute('data-state')).toBe('overturned');
    expect(await page.getByTestId('appeal-stats').innerText()).toContain('overall');

    // 2 reviews + 1 escalation + 3 appeal steps
    const rows = page.getByTestId('decision-log').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(6);
    await page.getByTestId('log-verify').click();
    expect(await page.getByTestId('log-verified').textContent()).toContain('Intact: 6 entries');
    const violations = await runAxe(page);
    expect(violations, JSON.stringify(violations)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-export').click()]);
    const file = join(dir, 'decisions.jsonl');
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6);
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(entries[0].prevHash).toBe('0'.repeat(64));
    expect(entries.map((e) => e.kind)).toEqual(['review', 'override', 'escalation', 'appeal-opened', 'appeal-review', 'appeal-decided']);
    expect(entries[1]).toMatchObject({ override: true, decision: expect.stringMatching(/^(call|skip)$/) });
    expect(entries[1].reason).toContain('small-town lead, good history');
    expect(entries[5]).toMatchObject({ decision: 'overturned', override: true, reason: 'customer sent proof of budget' });
    for (const e of entries) expect(e.modelId).toMatch(/^[0-9a-f]{64}$/);

    // the CLI verifies the page's log, and names the first entry an edit broke
    const ok = logVerify(file);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('intact, 6 entries');
    const edited = join(dir, 'edited.jsonl');
    writeFileSync(edited, lines.map((l, i) => (i === 1 ? l.replace('small-town lead', 'any lead') : l)).join('\n') + '\n');
    const broken = logVerify(edited);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('entry 2');

    // a reload keeps the queue, the reviews, the appeal and the log
    await openOversight(page);
    await expect.poll(() => page.getByTestId('review-item').count(), { timeout: 30_000 }).toBe(12);
    expect(await page.getByTestId('review-item').nth(1).getAttribute('data-status')).toBe('overridden');
    await expect.poll(() => page.getByTestId('decision-log').locator('tbody tr').count()).toBe(6);
    expect(await page.getByTestId('appeals').locator('tbody tr').first().getAttribute('data-state')).toBe('overturned');
    await page.getByTestId('log-verify').click();
    expect(await page.getByTestId('log-verified').textContent()).toContain('Intact: 6 entries');

    // the reviewed decisions as training labels: a Compare scenario
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('add-reviewed').click();
    const scenario = page.getByTestId('scenario-table').locator('tbody tr').filter({ hasText: 'reviewed overrides (2)' });
    await expect.poll(() => scenario.getAttribute('data-status'), { timeout: 240_000, interval: 1000 }).toBe('done');
    console.log(`[e2e] oversight: ${(await scenario.innerText()).replace(/\s+/g, ' ')}`);

    expect(outsideOrigin(app)).toEqual([]);
    expect(app.popups).toEqual([]);
    await page.close();
  });
});
