import type { Page } from '@playwright/test';

/** A blank page on a loopback origin, answered by the test itself: unlike about:blank it is a secure context, so audio worklets load. */
const blankSecureUrl = 'http://localhost/attune-harness.html';

/** Opens a blank secure page, injects a bundled harness and waits until it has set `window[globalName]`. */
export async function openHarnessPage(page: Page, script: string, globalName: string): Promise<void> {
  await page.route(blankSecureUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>harness</title>' }));
  await page.goto(blankSecureUrl);
  await page.addScriptTag({ content: script });
  await page.waitForFunction((name) => name in window, globalName);
}
