/**
 * The page-side guard (src/ui/privacy-guard.ts): no link, window.open or form can take the page
 * or its data to another origin; local downloads (blob:) and same-origin links still work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { installPrivacyGuard, staysLocal } from '../../src/ui/privacy-guard';

let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
  document.body.innerHTML = '';
});

describe('privacy guard', () => {
  it('tells local URLs from other origins', () => {
    expect(staysLocal('/demo/bank/model.json')).toBe(true);
    expect(staysLocal(location.origin + '/x')).toBe(true);
    expect(staysLocal('blob:' + location.origin + '/123')).toBe(true);
    expect(staysLocal('https://cloud.plotly.com/newchart')).toBe(false);
    expect(staysLocal('//example.com/x')).toBe(false);
    expect(staysLocal('javascript:alert(1)')).toBe(false);
  });

  it('cancels a click on a link to another origin and lets local links through', () => {
    const blocked: string[] = [];
    uninstall = installPrivacyGuard({ onBlocked: (url) => blocked.push(url) });
    const away = document.createElement('a');
    away.href = 'https://chart-studio.plotly.com/create';
    away.target = '_blank';
    away.textContent = 'Edit in Chart Studio';
    document.body.append(away);
    const clickAway = new MouseEvent('click', { bubbles: true, cancelable: true });
    away.dispatchEvent(clickAway);
    expect(clickAway.defaultPrevented).toBe(true);
    expect(blocked).toEqual(['https://chart-studio.plotly.com/create']);

    const local = document.createElement('a');
    local.href = '#section';
    document.body.append(local);
    const clickLocal = new MouseEvent('click', { bubbles: true, cancelable: true });
    local.dispatchEvent(clickLocal);
    expect(clickLocal.defaultPrevented).toBe(false);
  });

  it('refuses window.open to another origin', () => {
    const blocked: string[] = [];
    uninstall = installPrivacyGuard({ onBlocked: (url, how) => blocked.push(`${how} ${url}`) });
    expect(window.open('https://cloud.plotly.com/newchart', '_blank')).toBeNull();
    expect(blocked).toEqual(['window.open https://cloud.plotly.com/newchart']);
  });

  it('cancels a form post to another origin', () => {
    const blocked: string[] = [];
    uninstall = installPrivacyGuard({ onBlocked: (url, how) => blocked.push(`${how} ${url}`) });
    const form = document.createElement('form');
    form.action = 'https://plot.ly/external';
    form.method = 'post';
    document.body.append(form);
    const submit = new SubmitEvent('submit', { bubbles: true, cancelable: true });
    form.dispatchEvent(submit);
    expect(submit.defaultPrevented).toBe(true);
    expect(blocked).toEqual(['form https://plot.ly/external']);
  });
});
