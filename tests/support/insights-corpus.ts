import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEvent } from '../../core/events';
import { playlistSchema } from '../../core/playlist';
import type { SessionMeta } from '../../core/session';

/**
 * A generated corpus of sessions for curator insights: every session plays ten five-minute
 * segments of one 12-segment playlist (every fourth a soundscape), shifted by one segment per
 * session, with resonance and distress marks on a fixed pattern, so the right per-track rates
 * can be computed directly (segmentAt, marksAt). Sessions are spread over the months of 2026.
 *
 * The same generator as electron/services/insights.test.ts (which still has its own copy).
 */
const minute = 60_000;

export const corpusSegmentIds = Array.from({ length: 12 }, (_, index) => `seg-${index}`);
export const corpusSegmentsPerSession = 10;

export const corpusPlaylist = playlistSchema.parse({
  format: 'attune.playlist',
  version: 1,
  id: 'bench',
  title: 'Bench set',
  phases: [
    {
      id: 'onset',
      kind: 'onset',
      title: 'Onset',
      targetMinutes: 60,
      segments: corpusSegmentIds.map((id, index) =>
        index % 4 === 0
          ? // Each its own bed (recording identity merges soundscapes of the same preset and parameters).
            { type: 'soundscape', id, preset: 'drone', params: { intensity: 0.2 + index / 20, brightness: 0.5 }, durationSeconds: 300 }
          : { type: 'file', id, path: `music/${id}.flac`, title: `Track ${index}`, artist: 'Artist', durationSeconds: 300 },
      ),
    },
  ],
});

export const corpusSessionId = (index: number) =>
  `2026${String((Math.floor(index / 28) % 12) + 1).padStart(2, '0')}${String((index % 28) + 1).padStart(2, '0')}-090000-${String(index).padStart(6, '0')}`;
/** Which segment the session plays in its s-th five minutes, and which marks it takes there. */
export const corpusSegmentAt = (session: number, slot: number) => corpusSegmentIds[(session + slot) % corpusSegmentIds.length] as string;
export const corpusMarksAt = (session: number, slot: number) => [
  ...((session + slot) % 3 === 0 ? ['resonance'] : []),
  ...((session + slot) % 5 === 0 ? ['distress'] : []),
];

/**
 * A "Duplicate to edit" copy of the corpus playlist: its own id and title, the files under
 * another folder; recording identity takes its tracks for the same recordings.
 */
export const corpusPlaylistCopy = playlistSchema.parse({
  ...corpusPlaylist,
  id: 'bench-copy',
  title: 'Bench set (copy)',
  phases: corpusPlaylist.phases.map((phase) => ({
    ...phase,
    segments: phase.segments.map((segment) => (segment.type === 'file' ? { ...segment, path: `../copied/${segment.path}` } : segment)),
  })),
});

export function corpusSessionFiles(index: number, playlist: { readonly id: string; readonly title: string } = corpusPlaylist): { meta: SessionMeta; events: JournalEvent[] } {
  const id = corpusSessionId(index);
  const createdAt = `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T09:00:00.000Z`;
  const events: JournalEvent[] = [];
  const add = (kind: string, sessionMs: number, payload: object) => {
    const seq = events.length;
    events.push({
      id: `00000000-0000-4000-8000-${(index * 1000 + seq).toString(16).padStart(12, '0')}`,
      seq,
      kind,
      sessionMs,
      wallTime: new Date(Date.parse(createdAt) + sessionMs).toISOString(),
      payload,
    } as JournalEvent);
  };
  add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  add('phase-started', 0, { phaseId: 'onset', programMs: 0 });
  add('playback', 0, { action: 'play', programMs: 0 });
  for (let slot = 0; slot < corpusSegmentsPerSession; slot += 1) {
    const startMs = slot * 5 * minute;
    const segmentId = corpusSegmentAt(index, slot);
    add('segment-started', startMs, { phaseId: 'onset', segmentId, programMs: startMs });
    corpusMarksAt(index, slot).forEach((markKind, order) =>
      add('mark', startMs + (order + 1) * minute, { markKind, phaseId: 'onset', segmentId, positionMs: (order + 1) * minute, reactionOffsetMs: 0 }),
    );
  }
  add('session-ended', corpusSegmentsPerSession * 5 * minute, { reason: 'plan-finished' });
  const meta: SessionMeta = {
    id,
    playlistId: playlist.id,
    playlistTitle: playlist.title,
    clientCode: `C-${index}`,
    facilitators: '',
    intention: '',
    substance: '',
    dose: '',
    supplementalDosePlan: '',
    createdAt,
    status: 'ended',
  };
  return { meta, events };
}

/** Writes session `index` of the corpus to `<dataDir>/sessions/<id>/`. */
export async function writeCorpusSession(dataDir: string, index: number, playlist: { readonly id: string; readonly title: string } = corpusPlaylist): Promise<void> {
  const { meta, events } = corpusSessionFiles(index, playlist);
  const directory = path.join(dataDir, 'sessions', meta.id);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'session.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await writeFile(path.join(directory, 'events.jsonl'), events.map((event) => `${JSON.stringify(event)}\n`).join(''));
}

/**
 * Sessions 0 … count−1 and the playlist they play (in `<dataDir>/playlists/`, returned), 50
 * written at a time. With `withCopy`, every other session plays the playlist's copy instead.
 */
export async function writeInsightsCorpus(dataDir: string, count: number, options: { readonly withCopy?: boolean } = {}): Promise<{ playlistsDir: string }> {
  const playlistsDir = path.join(dataDir, 'playlists');
  await mkdir(playlistsDir, { recursive: true });
  await writeFile(path.join(playlistsDir, 'bench.json'), JSON.stringify(corpusPlaylist));
  if (options.withCopy === true) await writeFile(path.join(playlistsDir, 'bench-copy.json'), JSON.stringify(corpusPlaylistCopy));
  const playlistOf = (index: number) => (options.withCopy === true && index % 2 === 1 ? corpusPlaylistCopy : corpusPlaylist);
  for (let start = 0; start < count; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, offset) => writeCorpusSession(dataDir, start + offset, playlistOf(start + offset))));
  }
  return { playlistsDir };
}
