import type { PreflightHostFacts } from '../../../core/contract';
import type { FileFacts } from '../../../core/curation-warnings';
import { trackLoudness, type LibraryView } from '../../../core/library';
import { phaseSegments, type Playlist } from '../../../core/playlist';
import type { PlaylistDraft } from '../../../core/playlist-edit';

/** What the host found for a saved segment, with the path it checked (the draft may have changed since). */
export interface HostFileFact {
  readonly path: string;
  readonly fact: PreflightHostFacts['files'][number];
}

export const notInLibraryReason = 'not found in the library; scan the library or check the path';

/**
 * What the warnings know about each file segment of the draft, by segment id: a path the
 * library index holds is there, with its length and loudness; a path the library could
 * not read is unreadable; otherwise what the host found for the saved playlist (relative
 * paths of a bundled playlist are checked there); otherwise missing.
 */
export function fileFactsFor(
  draft: PlaylistDraft,
  library: Pick<LibraryView, 'tracks' | 'unreadable'>,
  hostFacts: ReadonlyMap<string, HostFileFact> = new Map(),
): Map<string, FileFacts> {
  const tracks = new Map(library.tracks.map((track) => [track.path, track]));
  const unreadable = new Map(library.unreadable.map((file) => [file.path, file.reason]));
  const facts = new Map<string, FileFacts>();
  for (const phase of draft.phases) {
    for (const segment of phaseSegments(phase)) {
      if (segment.type !== 'file') continue;
      const track = tracks.get(segment.path);
      if (track !== undefined) {
        const loudness = trackLoudness(track);
        facts.set(segment.id, {
          status: 'ok',
          ...(track.durationSeconds === undefined ? {} : { durationSeconds: track.durationSeconds }),
          ...(loudness === undefined ? {} : { loudness }),
        });
        continue;
      }
      const reason = unreadable.get(segment.path);
      if (reason !== undefined) {
        facts.set(segment.id, { status: 'unreadable', reason });
        continue;
      }
      const host = hostFacts.get(segment.id);
      if (host !== undefined && host.path === segment.path) {
        const { status, reason: hostReason, durationSeconds } = host.fact;
        facts.set(segment.id, { status, ...(hostReason === undefined ? {} : { reason: hostReason }), ...(durationSeconds === undefined ? {} : { durationSeconds }) });
        continue;
      }
      facts.set(segment.id, { status: 'missing', reason: notInLibraryReason });
    }
  }
  return facts;
}

/** The host's findings for the saved playlist's files, by segment id, with the path each was checked at. */
export function hostFactsBySegment(playlist: Playlist, facts: PreflightHostFacts): Map<string, HostFileFact> {
  const paths = new Map<string, string>();
  for (const phase of playlist.phases) {
    for (const segment of phaseSegments(phase)) if (segment.type === 'file') paths.set(segment.id, segment.path);
  }
  const bySegment = new Map<string, HostFileFact>();
  for (const fact of facts.files) {
    const path = paths.get(fact.segmentId);
    if (path !== undefined) bySegment.set(fact.segmentId, { path, fact });
  }
  return bySegment;
}
