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
 * `scripts/e2e.mjs` runs them (with the offline renders) first, one per core. The others
 * listen to the live output or time presses, and run one at a time with the machine to
 * themselves.
 */
const screenSpecs = [
  'bad-input',
  'co-facilitation',
  'courses',
  'insights',
  'insights-recording',
  'library',
  'library-insights',
  'live-corrections',
  'mark-counts',
  'playlist-editor',
  'playlist-editor-insights',
  'review',
  'review-authors',
  'review-corrections',
  'review-exports',
  'review-integration',
  'review-large',
  'review-state-corrections',
  'screens',
  'session-leftovers',
  'web-host-security',
];
/**
 * Specs that render audio offline (an OfflineAudioContext runs as fast as the CPU allows, not
 * in real time): their outcome does not depend on the clock, so they run beside the screen
 * specs. A project of their own so that `scripts/e2e.mjs` starts them first: the soundscape
 * renders are the longest file, and started last they would leave the other core idle.
 */
const offlineSpecs = ['audio-offline', 'soundscape-offline'];
const specPattern = (names: readonly string[]) => new RegExp(`[\\\\/](${names.join('|')})\\.spec\\.ts$`);
const screenSpecPattern = specPattern(screenSpecs);
const offlineSpecPattern = specPattern(offlineSpecs);

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  // Under CI, a failed test runs up to twice more and is reported as flaky (never as a plain pass): a few
  // end-to-end tests time real audio and key presses on two busy cores.
  retries: process.env.CI ? 2 : 0,
  // One at a time unless asked (scripts/e2e.mjs asks for the screens project).
  workers: 1,
  projects: [
    { name: 'offline', testMatch: offlineSpecPattern },
    { name: 'screens', testMatch: screenSpecPattern },
    { name: 'sound', testIgnore: [screenSpecPattern, offlineSpecPattern] },
  ],
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    launchOptions: chromiumLaunchOptions,
    viewport: { width: 1280, height: 800 },
  },
});
