import { defineConfig } from '@playwright/test';

export const chromiumLaunchOptions = {
  executablePath: process.env.ATTUNE_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  // Under CI, a failed test runs up to twice more and is reported as flaky (never as a plain pass): a few
  // end-to-end tests time real audio and key presses on two busy cores.
  retries: process.env.CI ? 2 : 0,
  workers: 1,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    launchOptions: chromiumLaunchOptions,
    viewport: { width: 1280, height: 800 },
  },
});
