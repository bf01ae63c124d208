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
 * themselves. Some here do start sessions that play, but assert nothing of what is heard:
 * - preflight: the pre-flight list, the wake lock's state, the journal.
 * - host-restart: marks kept while the host is down, saved once and in order; the session
 *   times it checks are pressed a second apart and compared to within seconds, not timed.
 *   Its one test that needs the host to answer a mark within 250 ms is tagged `@sound`.
 * - marking: every kind by key, a failing disk, a new kind's key, a key at the first paint:
 *   which marks are saved and what they say, never how soon.
 * - platform-loudness: a library scan measured by the browser's decoder, compared with
 *   loudgain; it takes as long as it takes (no deadline short of the test's timeout).
 * - reminders: the page's clock is Playwright's fake one, moved by the test.
 * Not encryption: after each passphrase step it expects the answer within the default 5 s, and
 * each step is an scrypt of 128 MB that a busy second worker slows past that (seen: 5 s missed).
 */
const screenSpecs = [
  'bad-input',
  'co-facilitation',
  'courses',
  'host-restart',
  'insights',
  'insights-recording',
  'library',
  'library-insights',
  'live-corrections',
  'mark-counts',
  'marking',
  'playlist-editor',
  'playlist-editor-insights',
  'platform-loudness',
  'preflight',
  'reminders',
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

/**
 * A test tagged `@sound` (`test(title, { tag: '@sound' }, …)`) runs in the sound project even
 * when its file is a screen spec: it times something (an answer within a deadline, a level, a
 * press) that two busy workers could make late.
 */
const soundTag = /@sound\b/;
/**
 * Playwright matches a project's `grep` against the test's title path, which names the spec file
 * (relative to testDir) between spaces: "sound host-restart.spec.ts <describe> <title> <tags>".
 */
const outsideScreenSpecs = new RegExp(`^(?!.*(?:^| )(?:${screenSpecs.join('|')})\\.spec\\.ts )`);

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
    { name: 'screens', testMatch: screenSpecPattern, grepInvert: soundTag },
    // Every spec that is neither offline nor a screen spec, and the tests of screen specs tagged @sound.
    { name: 'sound', testIgnore: offlineSpecPattern, grep: [soundTag, outsideScreenSpecs] },
  ],
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    launchOptions: chromiumLaunchOptions,
    viewport: { width: 1280, height: 800 },
  },
});
