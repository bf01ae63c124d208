import { execFile } from 'node:child_process';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { chromium, type Browser } from 'playwright';
import { soundscapePresets } from '../../core/playlist';
import { chromiumLaunchOptions } from '../../playwright.config';
import { benchGaplessJoins } from './gapless';
import { benchJournalReplay } from './journal-replay';
import { benchLimiter } from './limiter';
import { benchLiveMemory } from './live-memory';
import { benchLoudness } from './loudness';
import { benchMarkAckLatency } from './mark-latency';
import { benchLongRun, benchPlaybackCpu, benchTransitions } from './playback';
import { benchPlanProjection } from './projection';
import { benchReferenceFdatasync } from './reference-fdatasync';
import { benchRemoteMarks } from './remote-mark';
import { benchCoursePage } from './course';
import { benchInsights, benchReview } from './review';
import { benchScan } from './scan';
import { benchSoundscapes } from './soundscapes';
import { benchStartup } from './startup';

interface BenchGroup {
  readonly name: string;
  /** The figures it prints: named in an error line when the group fails, and selectable with --only. */
  readonly figures: readonly string[];
  readonly needsAudioFixtures?: boolean;
  /** Given a browser of its own when it drives pages, so one group's crash cannot spoil the next. */
  readonly run: (browser: () => Promise<Browser>) => Promise<string[]>;
}

const presets = soundscapePresets;

const groups: readonly BenchGroup[] = [
  { name: 'reference-fdatasync', figures: ['reference_fdatasync_ms_p50', 'reference_fdatasync_ms_p99', 'reference_fdatasync_spaced_ms_p50', 'reference_fdatasync_spaced_ms_p99'], run: () => benchReferenceFdatasync() },
  { name: 'startup', figures: ['startup_to_interactive_ms', 'reference_blank_page_ms'], run: async (browser) => benchStartup(await browser()) },
  {
    name: 'mark-latency',
    figures: [
      'mark_ack_latency_ms_p50_isolated',
      'mark_ack_latency_ms_p99_isolated',
      'mark_ack_latency_ms_p50',
      'mark_ack_latency_ms_p99',
      'mark_ack_latency_ms_p50_encrypted',
      'mark_ack_latency_ms_p99_encrypted',
      'mark_ack_latency_ms_p50_after_20k_events',
      'mark_ack_latency_ms_p99_after_20k_events',
      'reference_append_round_trip_ms_p50',
      'reference_append_round_trip_ms_p99',
      'reference_append_round_trip_spaced_ms_p50',
      'reference_append_fetch_ms_p50',
    ],
    run: async (browser) => benchMarkAckLatency(await browser()),
  },
  {
    name: 'remote-mark',
    figures: ['remote_mark_ack_latency_ms_p50', 'remote_mark_ack_latency_ms_p99', 'remote_mark_visible_on_main_ms_p50', 'remote_mark_visible_on_main_ms_p99', 'reference_local_mark_ack_latency_ms_p99'],
    run: async (browser) => benchRemoteMarks(await browser()),
  },
  { name: 'live-memory', figures: ['live_heap_growth_mb_per_hour'], run: async (browser) => benchLiveMemory(await browser()) },
  { name: 'journal-replay', figures: ['journal_replay_ms_10k_events', 'reference_json_parse_ms_10k_lines'], run: () => benchJournalReplay() },
  {
    name: 'review',
    figures: [
      'timeline_first_render_ms_2000_marks',
      'reference_timeline_first_render_ms_20_marks',
      'timeline_zoom_frame_ms_p95',
      'reference_timeline_zoom_frame_ms_p95_20_marks',
    ],
    run: async (browser) => benchReview(await browser()),
  },
  { name: 'insights', figures: ['insights_ms_500_sessions', 'reference_insights_cached_ms_500_sessions'], run: () => benchInsights() },
  { name: 'course', figures: ['course_page_ms_20_sessions', 'reference_course_page_ms_1_session'], run: async (browser) => benchCoursePage(await browser()) },
  { name: 'projection', figures: ['plan_projection_ms', 'reference_build_plan_ms'], run: async () => benchPlanProjection() },
  { name: 'scan', figures: ['scan_tracks_per_s_cold', 'scan_tracks_per_s_incremental'], run: () => benchScan() },
  { name: 'limiter', figures: ['limiter_true_peak_dbtp_hot_input', 'limiter_gain_reduction_db_normal_input'], run: async (browser) => benchLimiter(await browser()) },
  {
    name: 'transitions',
    figures: ['transition_gap_max_ms', 'reference_steady_gap_max_ms', 'crossfade_dip_db', 'reference_offline_dip_db'],
    needsAudioFixtures: true,
    run: async (browser) => benchTransitions(await browser()),
  },
  {
    name: 'gapless',
    figures: ['gapless_join_gap_max_ms', 'gapless_join_click_count', 'reference_element_join_gap_max_ms', 'reference_element_join_click_count'],
    needsAudioFixtures: true,
    run: async (browser) => benchGaplessJoins(await browser()),
  },
  {
    name: 'long-run',
    figures: ['renderer_heap_growth_mb_per_100_transitions', 'audio_elements_after_200_transitions', 'decks_after_200_transitions'],
    needsAudioFixtures: true,
    run: async (browser) => benchLongRun(await browser()),
  },
  {
    name: 'playback-cpu',
    figures: ['playback_cpu_percent', 'reference_webaudio_gain_cpu_percent', 'reference_webaudio_limiter_cpu_percent', 'reference_plain_audio_cpu_percent', 'idle_cpu_percent', 'reference_blank_page_cpu_percent'],
    needsAudioFixtures: true,
    run: async (browser) => benchPlaybackCpu(await browser()),
  },
  {
    name: 'soundscapes',
    figures: [
      ...presets.map((preset) => `soundscape_render_x_realtime_${preset}`),
      'reference_oscillator_render_x_realtime',
      ...presets.map((preset) => `soundscape_cpu_percent_${preset}`),
      'reference_soundscape_idle_output_cpu_percent',
      'reference_oscillator_cpu_percent',
    ],
    run: async (browser) => benchSoundscapes(await browser()),
  },
  {
    name: 'loudness',
    figures: [
      'loudness_x_realtime',
      'loudness_vs_loudgain_ratio',
      'loudness_max_abs_diff_lu',
      'loudness_peak_rss_mb_60min_track',
      'loudness_max_abs_diff_lu_aac',
      'loudness_max_abs_diff_lu_aac_ffmpeg',
      'loudness_aac_platform_x_realtime',
      'loudness_platform_peak_rss_mb_60min_aac',
      'reference_platform_peak_rss_mb_3min_aac',
    ],
    run: (browser) => benchLoudness(browser),
  },
];

function selectedGroups(only: readonly string[]): readonly BenchGroup[] {
  if (only.length === 0) return groups;
  const wanted = only.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
  const unknown = wanted.filter((name) => !groups.some((group) => group.name === name || group.figures.includes(name)));
  if (unknown.length > 0) {
    const known = groups.map((group) => `  ${group.name}: ${group.figures.join(', ')}`).join('\n');
    throw new Error(`no benchmark named ${unknown.join(', ')}; the groups and their figures are:\n${known}`);
  }
  return groups.filter((group) => wanted.some((name) => group.name === name || group.figures.includes(name)));
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The fixtures step of `npm test`, run here so a fresh clone needs nothing before the bench (files that exist are kept). */
async function makeAudioFixtures(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(repoRoot, 'tests', 'fixtures', 'make-audio.mjs')], { cwd: repoRoot });
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.slice(0, 300) ?? 'unknown error';
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } }, allowPositionals: false });
  const chosen = selectedGroups(values.only ?? []);
  let fixturesMade: Promise<void> | undefined;
  const failed: string[] = [];
  for (const group of chosen) {
    let browser: Browser | undefined;
    const openBrowser = async () => (browser ??= await chromium.launch(chromiumLaunchOptions));
    try {
      if (group.needsAudioFixtures === true) await (fixturesMade ??= makeAudioFixtures());
      for (const line of await group.run(openBrowser)) console.log(line);
    } catch (error) {
      failed.push(group.name);
      const reason = reasonOf(error);
      for (const figure of group.figures) console.log(`${figure}: error ${reason}`);
      console.error(`bench ${group.name} failed:`, error);
    } finally {
      await (browser as Browser | undefined)?.close().catch(() => undefined);
    }
  }
  if (failed.length > 0) {
    console.error(`bench: ${failed.length} of ${chosen.length} groups failed (${failed.join(', ')})`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
