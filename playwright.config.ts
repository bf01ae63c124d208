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

/**
 * Specs that drive screens and files only: none of them times sound, a level or a key press, so
 * `scripts/e2e.mjs` runs them first, one per core. The others listen to the output or time
 * presses, and run one at a time with the machine to themselves.
 */
const screenSpecs = [
  'bad-input',
  'courses',
  'insights',
  'insights-recording',
  'library',
  'live-corrections',
  'mark-counts',
  'playlist-editor',
  'review',
  'review-corrections',
  'review-exports',
  'review-integration',
  'review-large',
  'screens',
  'session-leftovers',
  'web-host-security',
];
const screenSpecPattern = new RegExp(`[\\\\/](${screenSpecs.join('|')})\\.spec\\.ts$`);

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  // Under CI, a failed test runs up to twice more and is reported as flaky (never as a plain pass): a few
  // end-to-end tests time real audio and key presses on two busy cores.
  retries: process.env.CI ? 2 : 0,
  // One at a time unless asked (scripts/e2e.mjs asks for the screens project).
  workers: 1,
  projects: [
    { name: 'screens', testMatch: screenSpecPattern },
    { name: 'sound', testIgnore: screenSpecPattern },
  ],
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    launchOptions: chromiumLaunchOptions,
    viewport: { width: 1280, height: 800 },
  },
});
