import type { Page } from '@playwright/test';

/**
 * Presses "Start session" on the start screen and gets through the pre-flight check: a check
 * with failing lines (in the web host the machine cannot be kept awake, so there is always one)
 * is confirmed, as a facilitator would after reading it. Resolves once the live screen is open.
 */
export async function startSessionFromHome(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const preflight = page.getByRole('heading', { name: 'Pre-flight check' });
  const outcome = await Promise.race([
    page.waitForURL(/#\/live\//).then(() => 'live' as const),
    preflight.waitFor({ state: 'visible' }).then(() => 'preflight' as const),
  ]);
  if (outcome === 'preflight') {
    const confirm = page.getByRole('checkbox', { name: /start the session anyway/ });
    if (await confirm.isVisible()) await confirm.check();
    await page.getByRole('button', { name: /^Start (session now|with warnings)$/ }).click();
    await page.waitForURL(/#\/live\//);
  }
}
