/**
 * The last line of the privacy promise in the page: nothing the page shows can take the user,
 * or the data, to another origin. The Content-Security-Policy stops requests (connect-src,
 * img-src, …), frames and form posts, but no CSP directive stops a link click, a navigation
 * or a popup; a library's own UI (a chart toolbar's "share" button, a logo link) could do
 * either. So, for the whole document:
 * - a click on a link to another origin is cancelled (links to this origin, `blob:` downloads
 *   and in-page anchors go through);
 * - `window.open` opens only this origin and `blob:` URLs, and returns null otherwise;
 * - a form submission to another origin is cancelled.
 * Each refusal calls `onBlocked` with the URL, so the page can say what it stopped.
 */
export interface PrivacyGuardOptions {
  onBlocked?: (url: string, how: 'link' | 'window.open' | 'form') => void;
}

/** Whether a URL stays on this page's origin (or is a local blob/data URL). */
export function staysLocal(url: string, base: string = document.baseURI): boolean {
  let u: URL;
  try {
    u = new URL(url, base);
  } catch {
    return false;
  }
  if (u.protocol === 'blob:' || u.protocol === 'data:' || u.protocol === 'about:') return true;
  return u.origin === new URL(base).origin;
}

export function installPrivacyGuard(options: PrivacyGuardOptions = {}): () => void {
  const onBlocked = options.onBlocked ?? (() => undefined);
  const onClick = (e: MouseEvent) => {
    const target = e.target instanceof Element ? e.target.closest('a[href], area[href]') : null;
    if (!target) return;
    const href = target.getAttribute('href') ?? '';
    if (href.startsWith('#') || staysLocal(href)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    onBlocked(href, 'link');
  };
  const onSubmit = (e: SubmitEvent) => {
    const form = e.target instanceof HTMLFormElement ? e.target : null;
    if (!form) return;
    const action = form.getAttribute('action') ?? '';
    if (action === '' || staysLocal(action)) return;
    e.preventDefault();
    onBlocked(action, 'form');
  };
  const open = window.open;
  window.open = function guardedOpen(url?: string | URL, target?: string, features?: string): Window | null {
    const text = url === undefined ? '' : String(url);
    if (text !== '' && !staysLocal(text)) {
      onBlocked(text, 'window.open');
      return null;
    }
    return open.call(window, url, target, features);
  };
  document.addEventListener('click', onClick, true);
  document.addEventListener('auxclick', onClick, true);
  document.addEventListener('submit', onSubmit, true);
  return () => {
    document.removeEventListener('click', onClick, true);
    document.removeEventListener('auxclick', onClick, true);
    document.removeEventListener('submit', onSubmit, true);
    window.open = open;
  };
}
