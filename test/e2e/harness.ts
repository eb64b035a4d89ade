/**
 * What the end-to-end tests and the frames benchmark share: the production build served by
 * `vite preview` on a free port, Debian's Chromium driven by playwright-core with a fresh
 * profile, a recorder of every request and popup, a recorder of main-thread long tasks, and
 * axe-core run inside the page.
 *
 * Long tasks are recorded with the browser's own PerformanceObserver ('longtask': any task
 * over 50 ms on the main thread). Tests print them; they never assert times.
 */
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

export const root = resolve(import.meta.dirname, '../..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface App {
  origin: string;
  context: BrowserContext;
  /** every URL the context requested, in order */
  requests: string[];
  /** URLs of pages (tabs, popups) opened besides the ones the test opened itself */
  popups: string[];
  /** console errors (CSP refusals among them) */
  consoleErrors: string[];
  /** a fresh page (tab) with the long-task recorder installed */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Build the app, serve it, start Chromium. */
export async function startApp(options: { viewport?: { width: number; height: number }; minify?: boolean } = {}): Promise<App> {
  // the e2e project's global setup builds once (test/e2e/global-setup.ts); alone, build here
  const prebuilt = options.minify === false ? undefined : process.env.BW_E2E_DIST;
  const outDir = prebuilt ?? mkdtempSync(join(tmpdir(), 'bw-e2e-dist-'));
  const profile = mkdtempSync(join(tmpdir(), 'bw-e2e-profile-'));
  if (!prebuilt) await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true, ...(options.minify === false ? { minify: false } : {}) } });
  const server: PreviewServer = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const origin = server.resolvedUrls!.local[0].replace(/\/$/, '');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: options.viewport ?? { width: 1400, height: 1100 },
    acceptDownloads: true,
    args: CHROMIUM_ARGS,
  });
  const requests: string[] = [];
  const popups: string[] = [];
  const consoleErrors: string[] = [];
  const ours = new Set<Page>(context.pages());
  context.on('request', (r) => requests.push(r.url()));
  context.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  context.on('page', (p) => {
    if (!ours.has(p)) popups.push(p.url() || '(blank)');
  });
  await context.addInitScript(recordLongTasksInPage);
  return {
    origin,
    context,
    requests,
    popups,
    consoleErrors,
    async newPage() {
      const page = await context.newPage();
      ours.add(page);
      // popups.push ran synchronously in the 'page' event before this line: undo it
      const i = popups.lastIndexOf(page.url() || '(blank)');
      if (i >= 0) popups.splice(i, 1);
      return page;
    },
    async close() {
      await context.close();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
      if (!prebuilt) rmSync(outDir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Runs in every page before its own scripts: keep every long task's start and duration. */
function recordLongTasksInPage(): void {
  const w = window as unknown as { __bwLongTasks: { start: number; duration: number }[] };
  w.__bwLongTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__bwLongTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no longtask support: the list stays empty
  }
}

export interface LongTasks {
  count: number;
  /** ms of the longest task, 0 when none */
  max: number;
  total: number;
}

/** Long tasks recorded while `fn` ran (and `settleMs` after it). */
export async function longTasksDuring(page: Page, fn: () => Promise<void>, settleMs = 400): Promise<LongTasks> {
  const from = await page.evaluate(() => performance.now());
  await fn();
  await page.waitForTimeout(settleMs);
  const tasks = await page.evaluate(
    (t0) => (window as unknown as { __bwLongTasks: { start: number; duration: number }[] }).__bwLongTasks.filter((x) => x.start + x.duration >= t0),
    from,
  );
  return {
    count: tasks.length,
    max: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
    total: tasks.reduce((s, t) => s + t.duration, 0),
  };
}

export function describeLongTasks(what: string, t: LongTasks): string {
  return `[frames] ${what}: ${t.count} long tasks, largest ${Math.round(t.max)} ms, ${Math.round(t.total)} ms in all`;
}

/** Open /?demo=bank in a fresh page and wait until the audit's numbers and first chart are on screen. */
export async function openDemo(app: App): Promise<{ page: Page; ms: number }> {
  const page = await app.newPage();
  const t0 = Date.now();
  await page.goto(`${app.origin}/?demo=bank`);
  await page.getByTestId('metric-accuracy').waitFor({ timeout: 90_000 });
  await page.getByTestId('group-chart').locator('svg').first().waitFor({ timeout: 30_000 });
  return { page, ms: Date.now() - t0 };
}

/** Drag the threshold slider across `steps` positions with the mouse, one move per frame (~60 Hz). */
export async function dragThreshold(page: Page, steps = 41): Promise<void> {
  const slider = page.getByTestId('threshold');
  const box = await slider.boundingBox();
  if (!box) throw new Error('threshold slider not visible');
  const y = box.y + box.height / 2;
  const x0 = box.x + box.width * 0.5;
  const x1 = box.x + box.width * 0.05;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(x0 + ((x1 - x0) * i) / steps, y);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  targets: string[];
}

/** axe-core's violations on the page as it is now (WCAG 2 A/AA rules and best practices). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not apply
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

/** Requests that left the origin (blob: and data: URLs stay in the page). */
export function outsideOrigin(app: App): string[] {
  return app.requests.filter((u) => !u.startsWith(app.origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
}
