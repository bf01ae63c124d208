import type { PreflightHostFacts } from '../../../core/contract';
import type { FileFacts } from '../../../core/curation-warnings';
import { allSegments, type Playlist } from '../../../core/playlist';
import { preflightReport, type KeepAwakeFacts, type PreflightLine } from '../../../core/preflight';
import { callOrThrow } from '../../bridge/attune-bridge';
import { screenWakeLock } from '../live/ScreenWakeLock';

/**
 * What playback will use for each file: the host's finding (there, readable, how long) and the
 * loudness stored in the playlist — the figure the session normalises with.
 */
export function fileFactsFrom(playlist: Playlist, files: PreflightHostFacts['files']): Map<string, FileFacts> {
  const loudnessById = new Map(
    allSegments(playlist)
      .filter((segment) => segment.type === 'file')
      .map((segment) => [segment.id, segment.loudness] as const),
  );
  return new Map(
    files.map((file) => {
      const loudness = loudnessById.get(file.segmentId);
      const facts: FileFacts = {
        status: file.status,
        ...(file.reason === undefined ? {} : { reason: file.reason }),
        ...(file.durationSeconds === undefined ? {} : { durationSeconds: file.durationSeconds }),
        ...(loudness === undefined ? {} : { loudness }),
      };
      return [file.segmentId, facts];
    }),
  );
}

/** Whether the output the settings choose is connected now ('' is the system default, always there). */
export async function outputDeviceFacts(outputDeviceId: string): Promise<{ label: string; present: boolean }> {
  if (outputDeviceId === '') return { label: 'System default output', present: true };
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const device = devices.find((candidate) => candidate.kind === 'audiooutput' && candidate.deviceId === outputDeviceId);
    return { label: device?.label || 'The output chosen in Settings', present: device !== undefined };
  } catch {
    return { label: 'The output chosen in Settings', present: false };
  }
}

/** The desktop host's blocker where there is one; else whether the browser grants a screen wake lock now. */
async function keepAwakeFacts(hostCanKeepAwake: boolean): Promise<KeepAwakeFacts> {
  if (hostCanKeepAwake) return { by: 'power-save-blocker' };
  const probe = await screenWakeLock().probe();
  return probe.ok ? { by: 'screen-wake-lock' } : { by: 'nothing', reason: probe.reason };
}

/** Gathers the facts from the host and the browser, and checks them. */
export async function runPreflight(playlistId: string, outputDeviceId: string): Promise<PreflightLine[]> {
  const [playlist, host, outputDevice] = await Promise.all([
    callOrThrow('playlists:get', { playlistId }),
    callOrThrow('preflight:facts', { playlistId }),
    outputDeviceFacts(outputDeviceId),
  ]);
  return preflightReport({
    playlist,
    files: fileFactsFrom(playlist, host.files),
    outputDevice,
    journalFreeBytes: host.freeDiskBytes ?? undefined,
    keepAwake: await keepAwakeFacts(host.keepAwakeAvailable),
  });
}
