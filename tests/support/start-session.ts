import type { Page } from '@playwright/test';

/**
 * Presses "Start session" on the start screen, as a facilitator would, and resolves once the
 * live screen is open. A healthy playlist starts with that one click (the web host keeps the
 * computer awake with the browser's screen wake lock). A test that chose a playlist with
 * problems gets the pre-flight check, and confirms it after reading — but never for the
 * keep-awake line: a start that needs a confirmation for that is the failure this guards.
 */
export async function startSessionFromHome(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const preflight = page.getByRole('heading', { name: 'Pre-flight check' });
  const outcome = await Promise.race([
    page.waitForURL(/#\/live\//).then(() => 'live' as const),
    preflight.waitFor({ state: 'visible' }).then(() => 'preflight' as const),
  ]);
  if (outcome === 'live') return;
  const keepAwake = page.locator('li[data-check="power-save"]');
  if ((await keepAwake.getAttribute('class'))?.includes('preflight-failing')) {
    throw new Error(`starting needed a confirmation for keeping the computer awake: ${await keepAwake.innerText()}`);
  }
  const confirm = page.getByRole('checkbox', { name: /start the session anyway/ });
  if (await confirm.isVisible()) await confirm.check();
  await page.getByRole('button', { name: /^Start (session now|with warnings)$/ }).click();
  await page.waitForURL(/#\/live\//);
}
