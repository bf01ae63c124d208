// Takes the README's picture of the live screen: the default session running with two marks.
import { startSessionFromHome } from '../tests/support/start-session';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../playwright.config';
import { removeDataDir, startWebHost } from '../tests/support/web-host';

const host = await startWebHost();
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 960 } });
  await page.goto(host.url);
  await page.getByLabel('Client code').fill('C-0417');
  await startSessionFromHome(page);
  await page.getByTestId('now-playing').waitFor();
  await page.keyboard.press('w');
  await page.waitForTimeout(2500);
  await page.keyboard.press('r');
  await page.waitForTimeout(1200);
  await page.keyboard.press('u');
  await page.keyboard.press('d');
  await page.waitForTimeout(1500);
  await page.mouse.move(0, 700);
  await page.screenshot({ path: 'docs/live-screen.png' });
  console.log('wrote docs/live-screen.png');
} finally {
  await browser.close();
  await host.stop();
  await removeDataDir(host.dataDir);
}
