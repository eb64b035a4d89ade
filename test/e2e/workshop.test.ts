/**
 * A whole workshop played in the production build, in real Chromium: the facilitator's link,
 * two participants with different ids (one with the keyboard alone, one with the mouse), their
 * results files, and the debrief — whose numbers and downloaded JSON must equal the CLI's
 * `workshop summarize` on the same files. The request and popup recorder stays on throughout.
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
  dir = mkdtempSync(join(tmpdir(), 'bw-e2e-workshop-'));
});

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Press Tab until the element with this test id has the focus (proves it is reachable by keyboard). */
async function tabTo(page: Page, testId: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${testId} was not reached with ${max} presses of Tab`);
}

type Policy = (card: { condition: string; recommendation: string | null; index: number }) => 'call' | 'skip' | 'escalate';

/**
 * One participant: open the link, give an id, decide every lead by `policy` (a stated reason
 * whenever the page asks for one), and download the results file. Returns its path and the
 * number of reasons the page asked for.
 */
async function participate(link: string, id: string, policy: Policy, keyboard: boolean, options: { reloadAfter?: number } = {}): Promise<{ file: string; reasons: number; page: Page }> {
  const page = await app.newPage();
  await page.goto(link);
  const start = async () => {
    if (keyboard) {
      await tabTo(page, 'participant-id');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(id);
      await tabTo(page, 'workshop-start');
      await page.keyboard.press('Enter');
    } else {
      await page.getByTestId('participant-id').fill(id);
      await page.getByTestId('workshop-start').click();
    }
  };
  await start();
  let reasons = 0;
  let decided = 0;
  let shotTaken = false;
  for (;;) {
    const card = page.getByTestId('lead-card');
    const done = page.getByTestId('own-result');
    await Promise.race([card.waitFor({ timeout: 120_000 }), done.waitFor({ timeout: 120_000 })]);
    if (await done.isVisible()) break;
    const progress = (await page.getByTestId('lead-progress').textContent()) ?? '';
    const index = Number(/Lead (\d+) of/.exec(progress)?.[1] ?? '0') - 1;
    const condition = (await card.getAttribute('data-condition')) ?? '';
    const rec = page.getByTestId('lead-recommendation');
    const recommendation = (await rec.count()) ? await rec.textContent() : null;
    if (process.env.BW_SCREENSHOTS && condition === 'score-explained' && !shotTaken) {
      shotTaken = true;
      await page.screenshot({ path: join(process.env.BW_SCREENSHOTS, `workshop-card-${id}.png`) });
    }
    const choice = policy({ condition, recommendation, index });
    if (keyboard) {
      await tabTo(page, `choose-${choice}`);
      await page.keyboard.press('Enter');
    } else {
      await page.getByTestId(`choose-${choice}`).click();
    }
    const form = page.getByTestId('reason-form');
    // the form opens at once when a reason is needed; otherwise the next card (or the result) comes
    await page.waitForFunction(
      ([i]) => document.querySelector('[data-testid="reason-form"]') || document.querySelector('[data-testid="own-result"]') || !document.querySelector('[data-testid="lead-progress"]')?.textContent?.startsWith(`Lead ${i + 1} of`),
      [index],
    );
    if (await form.isVisible()) {
      reasons++;
      if (keyboard) {
        // the first category has the focus: choose it, say why, confirm
        await page.keyboard.press('Space');
        await tabTo(page, 'reason-text');
        await page.keyboard.type('seen this before');
        await tabTo(page, 'reason-confirm');
        await page.keyboard.press('Enter');
      } else {
        await form.locator('input[type="radio"]').nth(2).check();
        await page.getByTestId('reason-text').fill('the score does not fit');
        await page.getByTestId('reason-confirm').click();
      }
      await form.waitFor({ state: 'detached' });
    }
    decided++;
    if (options.reloadAfter === decided) {
      // a reload keeps the decisions: the same participant resumes at the next lead
      await page.reload();
      await start();
      await page.getByTestId('lead-card').waitFor({ timeout: 120_000 });
      expect(await page.getByTestId('lead-progress').textContent()).toMatch(new RegExp(`^Lead ${decided + 1} of`));
    }
  }
  const tasks = await page.evaluate(() => (window as unknown as { __bwLongTasks: { duration: number }[] }).__bwLongTasks.map((t) => Math.round(t.duration)));
  console.log(`[frames] workshop participant ${id} (load, plan, ${decided} cards): ${tasks.length} long tasks${tasks.length ? `, largest ${Math.max(...tasks)} ms` : ''}`);
  const [download] = await Promise.all([page.waitForEvent('download'), keyboard ? tabTo(page, 'workshop-download').then(() => page.keyboard.press('Enter')) : page.getByTestId('workshop-download').click()]);
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  return { file, reasons, page };
}

describe('workshop', () => {
  it('is played whole: link → two participants → results files → a debrief equal to the CLI', async () => {
    const facilitator = await app.newPage();
    await facilitator.goto(app.origin);
    await facilitator.getByTestId('tab-workshop').click();
    await facilitator.getByTestId('ws-leads').fill('12');
    await facilitator.getByTestId('ws-seed').fill('7');
    await facilitator.getByTestId('ws-title').fill('Friday sales training');
    const link = await facilitator.getByTestId('workshop-link').inputValue();
    expect(link.startsWith(`${app.origin}/?workshop=w1.`)).toBe(true);
    expect(link.length).toBeLessThan(400);
    await facilitator.getByTestId('workshop-qr').waitFor();
    const setupViolations = await runAxe(facilitator);
    expect(setupViolations, JSON.stringify(setupViolations)).toEqual([]);

    // alice follows every score she sees and skips when there is none; bob calls everything, escalating one lead
    const alice = await participate(link, 'alice', ({ recommendation }) => (recommendation === 'call' ? 'call' : 'skip'), true, { reloadAfter: 3 });
    const cardViolations = await runAxe(alice.page);
    expect(cardViolations, JSON.stringify(cardViolations)).toEqual([]);
    const bob = await participate(link, 'bob', ({ index }) => (index === 0 ? 'escalate' : 'call'), false);
    console.log(`[e2e] workshop: alice was asked for ${alice.reasons} reasons, bob for ${bob.reasons}`);

    const a = JSON.parse(readFileSync(alice.file, 'utf8'));
    const b = JSON.parse(readFileSync(bob.file, 'utf8'));
    expect(a.format).toBe('bias-workbench.workshop-result/1');
    expect([a.participantId, b.participantId]).toEqual(['alice', 'bob']);
    expect(a.workshopId).toBe(b.workshopId);
    expect(a.decisions).toHaveLength(12);
    expect(b.decisions).toHaveLength(12);
    // different participants, different plans from the same setup
    expect(a.decisions.map((d: { leadId: string }) => d.leadId)).not.toEqual(b.decisions.map((d: { leadId: string }) => d.leadId));
    // every condition is met, three leads each
    for (const r of [a, b]) {
      const byCondition = new Map<string, number>();
      for (const d of r.decisions) byCondition.set(d.condition, (byCondition.get(d.condition) ?? 0) + 1);
      expect([...byCondition.values()]).toEqual([3, 3, 3, 3]);
      for (const d of r.decisions) {
        expect(['call', 'skip', 'escalate']).toContain(d.decision);
        expect(d.ms).toBeGreaterThanOrEqual(0);
        expect(typeof d.modelScore).toBe('number');
      }
    }
    // alice followed every score she saw: no overrides; bob's calls against a "skip" are overrides with reasons
    expect(a.decisions.filter((d: { override: boolean }) => d.override)).toEqual([]);
    const bobOverrides = b.decisions.filter((d: { override: boolean }) => d.override);
    expect(bobOverrides.length).toBeGreaterThan(0);
    for (const d of bobOverrides) expect(d.reason.category).toBeTruthy();
    expect(b.decisions[0].decision).toBe('escalate');

    // the debrief
    const importTasks = await longTasksDuring(facilitator, async () => {
      await facilitator.getByTestId('debrief-files').setInputFiles([alice.file, bob.file]);
      await facilitator.getByTestId('debrief-table').waitFor({ timeout: 60_000 });
    });
    console.log(describeLongTasks('workshop debrief import (2 files)', importTasks));
    const [download] = await Promise.all([facilitator.waitForEvent('download'), facilitator.getByTestId('debrief-download').click()]);
    const pageJson = JSON.parse(readFileSync(await download.path(), 'utf8'));

    // the CLI on the same files, named the same way (run in their folder)
    const names = [alice.file, bob.file].map((f) => f.slice(dir.length + 1));
    const cli = spawnSync(process.execPath, [join(root, 'bin/bias-workbench.mjs'), 'workshop', 'summarize', '--results', ...names, '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const cliJson = JSON.parse(cli.stdout);
    expect(pageJson).toEqual(cliJson);
    expect(cliJson.participants).toBe(2);
    expect(cliJson.decisions).toBe(24);

    // the numbers on screen are the CLI's
    for (const c of cliJson.conditions) {
      const row = facilitator.getByTestId('debrief-table').locator(`tr[data-condition="${c.condition}"]`);
      expect(Number(await row.getByTestId('cell-decisions').getAttribute('data-value'))).toBe(c.decisions);
      for (const k of ['accuracy', 'followRateWhenModelWrong', 'followRateWhenModelRight', 'overrideRate', 'escalationRate', 'humanDemographicParityDifference']) {
        const v = await row.getByTestId(`cell-${k}`).getAttribute('data-value');
        expect(v === 'null' ? null : Number(v), `${c.condition} ${k}`).toBe(c[k]);
      }
    }
    for (const k of ['humanPlusModel', 'modelAlone', 'humanAlone']) {
      const v = await facilitator.getByTestId(`cell-${k}`).getAttribute('data-value');
      expect(v === 'null' ? null : Number(v), k).toBe(cliJson.comparison[k]);
    }
    // alice followed the shown score every time, so her follow rates are 1; the escalation rate is bob's one escalation
    console.log(`[e2e] workshop debrief: ${JSON.stringify(cliJson.conditions.map((c: Record<string, unknown>) => [c.condition, c.decisions, c.accuracy, c.followRateWhenModelWrong, c.followRateWhenModelRight, c.overrideRate, c.escalationRate, c.humanDemographicParityDifference]))}`);
    console.log(`[e2e] workshop comparison: ${JSON.stringify(cliJson.comparison)}`);

    // the projector view, and back with Escape
    await facilitator.getByTestId('debrief-projector-open').click();
    await facilitator.getByTestId('debrief-projector').waitFor();
    await facilitator.getByTestId('debrief-chart-projector').locator('svg').first().waitFor();
    // BW_SCREENSHOTS=<folder> keeps the screenshot (the closing note's); by default it goes to the temp folder
    const shot = join(process.env.BW_SCREENSHOTS ?? dir, 'workshop-debrief.png');
    await facilitator.screenshot({ path: shot });
    console.log(`[e2e] workshop debrief screenshot: ${shot}`);
    const projectorViolations = await runAxe(facilitator);
    expect(projectorViolations, JSON.stringify(projectorViolations)).toEqual([]);
    await facilitator.keyboard.press('Escape');
    await facilitator.getByTestId('debrief-projector').waitFor({ state: 'detached' });

    // a file that is not a results file is refused by name, and the debrief already shown stays
    const bad = join(dir, 'notes.json');
    writeFileSync(bad, '{"hello": 1}');
    await facilitator.getByTestId('debrief-files').setInputFiles([bad]);
    await facilitator.getByTestId('workshop-panel-problem').waitFor();
    expect(await facilitator.getByTestId('workshop-panel-problem').textContent()).toContain('notes.json');
    expect(await facilitator.getByTestId('debrief-table').isVisible()).toBe(true);

    expect(outsideOrigin(app)).toEqual([]);
    expect(app.popups).toEqual([]);
    for (const p of [facilitator, alice.page, bob.page]) await p.close();
  });

  it('runs on the facilitator’s own data and model: participants load the same files, checked by fingerprint', async () => {
    const facilitator = await app.newPage();
    await facilitator.goto(`${app.origin}/?demo=bank`);
    await facilitator.getByTestId('metric-accuracy').waitFor({ timeout: 120_000 });
    await facilitator.getByTestId('tab-workshop').click();
    await facilitator.getByTestId('ws-material-custom').check();
    await facilitator.getByTestId('ws-leads').fill('8');
    const link = await facilitator.getByTestId('workshop-link').inputValue();
    const demo = join(root, 'public/demo/bank');
    const modelFiles = ['model.json', 'model.weights.bin', 'model.manifest.json'].map((f) => join(demo, f));

    // the same files: the plan is made and the cards come
    const page = await app.newPage();
    await page.goto(link);
    await page.getByTestId('workshop-material-files').setInputFiles([join(demo, 'bank-full.csv'), ...modelFiles]);
    await page.getByTestId('participant-id').fill('carol');
    await page.getByTestId('workshop-start').click();
    await page.getByTestId('lead-card').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('lead-progress').textContent()).toBe('Lead 1 of 8');

    // a changed data file (one row fewer) is refused by fingerprint, with what to do
    const changed = join(dir, 'bank-full.csv');
    const lines = readFileSync(join(demo, 'bank-full.csv'), 'utf8').split('\n');
    writeFileSync(changed, [...lines.slice(0, 100), ...lines.slice(101)].join('\n'));
    const other = await app.newPage();
    await other.goto(link);
    await other.getByTestId('workshop-material-files').setInputFiles([changed, ...modelFiles]);
    await other.getByTestId('workshop-start').click();
    await other.getByTestId('problem').waitFor({ timeout: 120_000 });
    expect(await other.getByTestId('problem').textContent()).toContain('not the workshop');
    expect(await other.getByTestId('workshop-start').isVisible()).toBe(true);
    expect(outsideOrigin(app)).toEqual([]);
    for (const p of [facilitator, page, other]) await p.close();
  });

  it('refuses a broken or newer link with a plain message', async () => {
    const page = await app.newPage();
    await page.goto(`${app.origin}/?workshop=w1.bm90LWpzb24`);
    expect(await page.getByTestId('problem').textContent()).toContain('cut short or mistyped');
    await page.goto(`${app.origin}/?workshop=w9.abc`);
    expect(await page.getByTestId('problem').textContent()).toContain('newer version');
    await page.close();
  });
});
