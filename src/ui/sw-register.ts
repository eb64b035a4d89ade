/**
 * Offline use: registers the service worker the production build writes (sw.js, made by
 * vite-plugin-pwa from vite.config.ts), so that after one visit the page, its workers, tfjs's
 * WebAssembly and the demos open without a network. Registration only, from a module (the
 * CSP allows no inline script); what is cached and how is decided in vite.config.ts.
 *
 * Never under `vite` dev (`npm run demo`): there is no sw.js there, and a worker caching the
 * dev server's modules would serve stale code. A browser without service workers (or a page
 * where registering fails, e.g. a private window that refuses storage) simply stays online-only.
 *
 * Updates: a new build's worker takes control at once (skipWaiting, clientsClaim); the page
 * already open was loaded from the old build, so it says so and offers a reload. The first
 * install (no controller before) says nothing.
 */

/** The note a page shows once a newer version has taken over; null when none is shown. */
export const UPDATE_NOTE_ID = 'sw-update-note';

export function registerServiceWorker(options: { enabled?: boolean } = {}): void {
  // import.meta.hot exists only under the dev server; import.meta.env.PROD would follow NODE_ENV
  // instead, which the test runner sets to 'test' while it builds the production app
  const enabled = options.enabled ?? !import.meta.hot;
  if (!enabled || !('serviceWorker' in navigator)) return;
  const hadController = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (hadController) showUpdateNote();
  });
  const start = () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL }).catch((e: unknown) => {
      console.warn(`Bias Workbench could not install its offline copy (${e instanceof Error ? e.message : String(e)}); it works online as before.`);
    });
  };
  // after the page has loaded, so precaching never competes with the first screen
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start, { once: true });
}

/** A small status line with a reload button (plain DOM: it lives outside React's tree). */
function showUpdateNote(): void {
  if (document.getElementById(UPDATE_NOTE_ID)) return;
  const note = document.createElement('div');
  note.id = UPDATE_NOTE_ID;
  note.className = 'update-note';
  note.setAttribute('role', 'status');
  Object.assign(note.style, { position: 'fixed', bottom: '12px', right: '12px', padding: '8px 12px', background: '#fffbe6', border: '1px solid #f0e2a0', borderRadius: '8px', zIndex: '10' });
  note.append('A new version of Bias Workbench is installed. ');
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = 'Reload to use it';
  reload.addEventListener('click', () => window.location.reload());
  note.append(reload);
  document.body.append(note);
}
