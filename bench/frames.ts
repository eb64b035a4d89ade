/**
 * Main-thread frames in the built app, in real Chromium: the long tasks (> 50 ms) recorded while
 * the demo opens, while the threshold slider is dragged across 41 steps, while 1,000 leads are
 * explained, while the standard scenarios run (five of them retrain), while the Data & model
 * tab's Train button trains a logistic regression (10 epochs) and its audit follows, and while
 * the Simulate tab runs a feedback loop (2 remedies × 4 rounds × 2,000 leads); plus whether
 * Plotly's chunk was fetched at all, and axe-core's violations per tab.
 *   npm run bench -- frames
 * The baseline in the same run is the budget itself: a frame is 16.7 ms at 60 Hz and a task
 * over 50 ms is a long task; the figures are printed, never asserted. Each flow's largest long
 * animation frames follow, with the scripts that ran in them (what called them, ms, and ms of
 * forced layout), to say which work a long task was; the load average is printed at the start
 * and the end, since the figures move with the machine's load. BW_CPU_SLOWDOWN=4 runs the page's
 * main thread four times slower (Chromium's CPU throttling), which makes the figures of two runs
 * comparable on a machine whose load changes, and shows which work would be a long task on a
 * slower machine.
 */
import type { Page } from 'playwright-core';
import { loadavg } from 'node:os';
import { describeLongTasks, dragThreshold, longTasksDuring as longTasksOnly, openDemo, runAxe, startApp } from '../test/e2e/harness';

console.log(`[frames] load average at the start: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
const app = await startApp();
await app.context.addInitScript(recordLongFramesInPage);
try {
  let page = null as Awaited<ReturnType<typeof openDemo>>['page'] | null;
  const load = await (async () => {
    const p = await app.newPage();
    const slowdown = Number(process.env.BW_CPU_SLOWDOWN ?? 1);
    if (slowdown > 1) await (await app.context.newCDPSession(p)).send('Emulation.setCPUThrottlingRate', { rate: slowdown });
    console.log(`[frames] main thread slowed down ${slowdown}× (BW_CPU_SLOWDOWN)`);
    const from = Date.now();
    await p.goto(`${app.origin}/?demo=bank`);
    await p.getByTestId('metric-accuracy').waitFor({ timeout: 90_000 });
    await p.getByTestId('group-chart').locator('svg').first().waitFor({ timeout: 30_000 });
    await p.waitForTimeout(1500);
    const tasks = await p.evaluate(() => (window as unknown as { __bwLongTasks: { duration: number }[] }).__bwLongTasks);
    page = p;
    return { ms: Date.now() - from, count: tasks.length, max: tasks.reduce((m, t) => Math.max(m, t.duration), 0), total: tasks.reduce((s, t) => s + t.duration, 0) };
  })();
  console.log(`[frames] demo to numbers on screen: ${load.ms} ms`);
  console.log(describeLongTasks('opening the demo (page load, scoring, first audit and charts)', load));
  const p = page!;
  await printLongFrames(p, 0);
  console.log(`[axe] audit tab: ${summarise(await runAxe(p))}`);
  const drawsBefore = await chartDraws(p);
  console.log(`[frames] Plotly draws while opening: ${await drawTimes(p)}`);
  console.log(describeLongTasks('threshold drag, 41 steps', await longTasksDuring(p, () => dragThreshold(p, 41), 1500)));
  const drawsAfter = await chartDraws(p);
  console.log(`[frames] chart draws during the drag: ${Object.keys(drawsAfter).map((k) => `${k} ${drawsAfter[k] - (drawsBefore[k] ?? 0)}`).join(', ')}`);

  await p.getByTestId('tab-explain').click();
  console.log(describeLongTasks(
    'explain 1,000 leads',
    await longTasksDuring(p, async () => {
      await p.getByTestId('explain-run').click();
      await p.getByTestId('explain-result').waitFor({ timeout: 180_000 });
      await p.getByTestId('group-difference').locator('svg').first().waitFor({ timeout: 60_000 });
    }, 1500),
  ));
  console.log(`[frames] Plotly draws while explaining: ${await drawTimes(p)}`);
  console.log(`[axe] explain tab: ${summarise(await runAxe(p))}`);

  await p.getByTestId('tab-compare').click();
  console.log(describeLongTasks(
    'compare: the standard scenarios',
    await longTasksDuring(p, async () => {
      await p.getByTestId('add-standard').click();
      const rows = p.getByTestId('scenario-table').locator('tbody tr');
      for (;;) {
        const states = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status')));
        if (states.length >= 6 && states.every((s) => s === 'done' || s === 'failed')) break;
        await p.waitForTimeout(500);
      }
    }, 1500),
  ));
  console.log(`[frames] Plotly draws while comparing: ${await drawTimes(p)}`);
  console.log(`[axe] compare tab: ${summarise(await runAxe(p))}`);
  await p.getByTestId('tab-data').click();
  console.log(`[axe] data tab: ${summarise(await runAxe(p))}`);
  console.log(describeLongTasks(
    'train logistic regression, 10 epochs (Train button), then its audit',
    await longTasksDuring(p, async () => {
      await p.getByTestId('train').click();
      await p.waitForFunction(() => /epoch 10\/10/.test(document.querySelector('[data-testid="train-history"]')?.textContent ?? ''), null, { timeout: 180_000 });
      await p.waitForFunction(() => /\(trained\)/.test(document.querySelector('[data-testid="model-summary"]')?.textContent ?? ''), null, { timeout: 60_000 });
      await p.getByTestId('tab-audit').click();
      await p.getByTestId('metric-accuracy').waitFor({ timeout: 60_000 });
    }, 1500),
  ));
  await p.getByTestId('tab-simulate').click();
  await p.getByTestId('sim-leads').fill('2000');
  await p.getByTestId('sim-rounds').fill('4');
  console.log(describeLongTasks(
    'simulate a feedback loop, 2 remedies × 4 rounds × 2,000 leads',
    await longTasksDuring(p, async () => {
      await p.getByTestId('sim-run').click();
      for (;;) {
        const states = await p.getByTestId('sim-runs').locator('li').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-status')));
        if (states.length >= 2 && states.every((x) => x === 'done' || x === 'failed')) break;
        await p.waitForTimeout(250);
      }
      await p.getByTestId('sim-gap').locator('svg').first().waitFor({ timeout: 30_000 });
    }, 1500),
  ));
  console.log(`[frames] Plotly draws while training and simulating: ${await drawTimes(p)}`);
  console.log(`[frames] load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')}`);
  // the page's own resource timing: the service worker's precache (its own thread, after load) is not the page loading Plotly
  const inPage = await p.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => /plotly/i.test(u)));
  const anywhere = app.requests.filter((u) => /plotly/i.test(u));
  console.log(`[frames] Plotly's chunk loaded by the page in all these flows: ${inPage.length ? inPage.join(', ') : 'never'}; requests for it from any thread (the service worker's precache among them): ${anywhere.length}`);
} finally {
  await app.close();
}

/** Long tasks during `fn` (the harness's figures), then the three longest animation frames of that time and the scripts in them. */
async function longTasksDuring(page: Page, fn: () => Promise<void>, settleMs?: number): ReturnType<typeof longTasksOnly> {
  const from = await page.evaluate(() => performance.now());
  const tasks = await longTasksOnly(page, fn, settleMs);
  await printLongFrames(page, from);
  return tasks;
}

/** The three longest animation frames that started at `from` (page time, ms) or later, with their scripts. */
async function printLongFrames(page: Page, from: number): Promise<void> {
  const frames = await page.evaluate((t0) => {
    const all = (window as unknown as { __bwFrames: { start: number; duration: number; blocking: number; scripts: string[] }[] }).__bwFrames;
    return all.filter((f) => f.start >= t0).sort((a, b) => b.duration - a.duration).slice(0, 3);
  }, from);
  for (const f of frames) console.log(`  frame ${Math.round(f.duration)} ms (blocking ${Math.round(f.blocking)} ms): ${f.scripts.join('; ') || 'no script (style, layout, paint)'}`);
}

/** Keeps the page's long animation frames (over 50 ms) with their scripts' callers, durations and forced layout. */
function recordLongFramesInPage(): void {
  type Script = { invoker: string; sourceFunctionName: string; duration: number; forcedStyleAndLayoutDuration: number };
  const w = window as unknown as { __bwFrames: { start: number; duration: number; blocking: number; scripts: string[] }[] };
  w.__bwFrames = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { startTime: number; duration: number; blockingDuration: number; scripts: Script[] }[]) {
        const scripts = e.scripts
          .filter((x) => x.duration >= 5)
          .map((x) => `${x.invoker}${x.sourceFunctionName ? ` ${x.sourceFunctionName}` : ''} ${Math.round(x.duration)} ms${x.forcedStyleAndLayoutDuration >= 1 ? ` (layout ${Math.round(x.forcedStyleAndLayoutDuration)})` : ''}`);
        w.__bwFrames.push({ start: e.startTime, duration: e.duration, blocking: e.blockingDuration, scripts });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // no long-animation-frame entries in this browser: nothing to attribute
  }
}

/** Each chart's Plotly draws so far (ms), from the user-timing entries the page records, then cleared. */
async function drawTimes(page: Page): Promise<string> {
  const list = await page.evaluate(() => {
    const out = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('chart-draw ')).map((m) => [m.name.slice(11), Math.round(m.duration)] as [string, number]);
    performance.clearMeasures();
    return out;
  });
  return list.map(([n, d]) => `${n} ${d} ms`).join(', ') || 'none';
}

async function chartDraws(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll<HTMLElement>('.chart[data-testid]')].map((e) => [e.dataset.testid!, Number(e.dataset.draws)])));
}

function summarise(v: Awaited<ReturnType<typeof runAxe>>): string {
  const by = (impact: string) => v.filter((x) => x.impact === impact).reduce((s, x) => s + x.nodes, 0);
  const list = v.map((x) => `${x.id} (${x.impact}, ${x.nodes})`).join(', ');
  return `critical ${by('critical')}, serious ${by('serious')}, moderate ${by('moderate')}, minor ${by('minor')}${list ? ` — ${list}` : ''}`;
}
