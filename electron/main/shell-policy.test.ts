import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowNavigation, allowPermission, appIndexUrl, isAppUrl, isTrustedSender, secureWebPreferences } from './shell-policy';

describe('secureWebPreferences', () => {
  it('keeps the renderer locked down', () => {
    expect(secureWebPreferences).toMatchInlineSnapshot(`
      {
        "allowRunningInsecureContent": false,
        "autoplayPolicy": "no-user-gesture-required",
        "backgroundThrottling": false,
        "contextIsolation": true,
        "disableBlinkFeatures": "Auxclick",
        "experimentalFeatures": false,
        "navigateOnDragDrop": false,
        "nodeIntegration": false,
        "nodeIntegrationInSubFrames": false,
        "nodeIntegrationInWorker": false,
        "sandbox": true,
        "spellcheck": false,
        "webSecurity": true,
        "webviewTag": false,
      }
    `);
  });

  it('is what every BrowserWindow in the desktop host is created with', async () => {
    const mainDir = path.resolve(import.meta.dirname);
    const sources = await Promise.all(
      (await readdir(mainDir)).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts')).map((name) => readFile(path.join(mainDir, name), 'utf8')),
    );
    const windows = sources.flatMap((source) => source.split('new BrowserWindow(').slice(1));
    expect(windows.length).toBeGreaterThan(0);
    for (const options of windows) {
      const call = options.slice(0, options.indexOf('});'));
      expect(call).toMatch(/webPreferences: (windowPreferences|printWindowPreferences)\b/);
    }
    const main = sources.find((source) => source.includes('const windowPreferences')) ?? '';
    expect(main).toMatch(/const windowPreferences: WebPreferences = \{ \.\.\.secureWebPreferences, preload: /);
    expect(main).toMatch(/const printWindowPreferences: WebPreferences = \{ \.\.\.secureWebPreferences, javascript: false \}/);
  });
});

describe('navigation and origin checks', () => {
  it.each([
    [appIndexUrl, true],
    ['attune://app/index.html#/live/20261121-093000-a1b2c3', true],
    ['attune://app.evil/index.html', false],
    ['attune://app@evil/index.html', false],
    ['attune://user:pass@app/index.html', false],
    ['attune://apps/index.html', false],
    ['https://app/index.html', false],
    ['file:///work/main/dist/renderer/index.html', false],
    ['http://127.0.0.1:5780/', false],
    ['javascript:alert(1)', false],
    ['attune:app/index.html', false],
    ['', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAppUrl(url)).toBe(allowed);
    expect(allowNavigation(url)).toBe(allowed);
  });
});

describe('isTrustedSender', () => {
  const ours = { senderId: 7, mainWindowId: 7, isMainFrame: true, frameUrl: appIndexUrl };
  it.each([
    ['our window, top frame, our page', ours, true],
    ['another webContents', { ...ours, senderId: 8 }, false],
    ['no main window yet', { ...ours, mainWindowId: undefined }, false],
    ['a subframe of our window', { ...ours, isMainFrame: false }, false],
    ['our window showing another page', { ...ours, frameUrl: 'https://evil.example/' }, false],
    ['a lookalike origin', { ...ours, frameUrl: 'attune://app.evil/index.html' }, false],
    ['a frame without a url', { ...ours, frameUrl: undefined }, false],
  ])('%s', (_label, sender, trusted) => {
    expect(isTrustedSender(sender)).toBe(trusted);
  });
});

describe('allowPermission', () => {
  it('refuses everything but choosing the audio output', () => {
    expect(allowPermission('speaker-selection')).toBe(true);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'midi', 'hid', 'serial', 'usb']) {
      expect(allowPermission(permission), permission).toBe(false);
    }
  });
});
