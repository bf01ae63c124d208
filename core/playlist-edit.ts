import * as z from 'zod';
import type { FileFacts } from './file-facts';
import { formatPosition } from './format';
import type { LibraryTrack } from './library';
import { segmentFromTrack } from './library';
import {
  parsePlaylist,
  phaseSchema,
  playlistFormat,
  playlistSchema,
  segmentSchema,
  phaseSegments,
  soundscapeParamsSchema,
  type FileSegment,
  type Loudness,
  type PhaseKind,
  type Playlist,
  type Segment,
  type SegmentFlags,
  type SoundscapeParams,
  type SoundscapePreset,
  type SoundscapeSegment,
} from './playlist';
import { fail, ok, type Result } from './result';
import { fileBaseNameOf, segmentName } from './segment-names';
import { slugify, uniqueSlug } from './slugs';
import { describeZodError } from './validation';

/*
 * The editor works on a draft: a playlist whose phases may be empty for a while (the
 * curator removed the last track of a phase and is about to drag in another). Every other
 * rule of the playlist schema holds for a draft at every step; `toPlaylist` is the only
 * way back to a Playlist, and it names each phase that still has no music. Every
 * Playlist is already a valid draft, so an editor starts from the playlist as it is.
 */

/** A phase while it is edited: a playlist phase that may have no segments yet. */
export const phaseDraftSchema = phaseSchema.safeExtend({ segments: z.array(segmentSchema).max(2000) });
/** The playlist schema (same ids, limits and refinements) with phases that may be empty. */
export const playlistDraftSchema = playlistSchema.safeExtend({ phases: z.array(phaseDraftSchema).min(1).max(12) });
export type PhaseDraft = z.infer<typeof phaseDraftSchema>;
export type PlaylistDraft = z.infer<typeof playlistDraftSchema>;

/** The draft as a playlist to save or play; fails naming every phase that has no music yet. */
export function toPlaylist(draft: PlaylistDraft): Result<Playlist> {
  const silent = phasesWithoutMusic(draft);
  if (silent.length > 0) {
    return fail('invalid-data', silent.map((phase) => `Phase "${phase.title}" has no music: add a track or a soundscape to it, or remove the phase.`).join('\n'));
  }
  return parsePlaylist(draft);
}

export function phasesWithoutMusic(draft: PlaylistDraft): PhaseDraft[] {
  return draft.phases.filter((phase) => phase.segments.length === 0);
}

/* Ids */

/** Every id in the draft: phases, segments and extras share one namespace (the schema rejects duplicates across them). */
export function draftIds(draft: PlaylistDraft): Set<string> {
  const ids = new Set<string>();
  for (const phase of draft.phases) {
    ids.add(phase.id);
    for (const segment of phaseSegments(phase)) ids.add(segment.id);
  }
  return ids;
}


/** What a new segment's id is made from: its title, else its file's name, else its preset. */
function idSourceOf(segment: NewSegment): string {
  if (segment.title !== undefined && slugify(segment.title) !== '') return segment.title;
  return segment.type === 'file' ? fileBaseNameOf(segment.path) : segment.preset;
}

/** A fresh segment id for this draft, made from a title (a track's title, a file name or a soundscape preset). */
export function uniqueSegmentId(draft: PlaylistDraft, title: string): string {
  return uniqueSlug(title, draftIds(draft), 'track');
}

/* Where segments are */

/** `segments` is the phase's music; `extras` play only when the phase has time left after it. */
export type SegmentList = 'segments' | 'extras';

/**
 * A place in a phase's list. For a move, `index` counts the list as the curator sees it
 * once the moved segment has been lifted out of it: 0 puts it first, the list's length
 * (without the moved segment) puts it last.
 */
export interface SegmentSlot {
  readonly phaseId: string;
  readonly index: number;
  /** Default `segments`. */
  readonly list?: SegmentList;
}

export interface SegmentLocation {
  readonly phaseIndex: number;
  readonly phase: PhaseDraft;
  readonly phaseId: string;
  readonly list: SegmentList;
  readonly index: number;
  readonly segment: Segment;
}

export function locateSegment(draft: PlaylistDraft, segmentId: string): SegmentLocation | undefined {
  for (const [phaseIndex, phase] of draft.phases.entries()) {
    for (const list of ['segments', 'extras'] as const) {
      const segments = phase[list] ?? [];
      const index = segments.findIndex((segment) => segment.id === segmentId);
      const segment = segments[index];
      if (segment !== undefined) return { phaseIndex, phase, phaseId: phase.id, list, index, segment };
    }
  }
  return undefined;
}


function listOf(phase: PhaseDraft, list: SegmentList): readonly Segment[] {
  return (list === 'segments' ? phase.segments : phase.extras) ?? [];
}

function withList(phase: PhaseDraft, list: SegmentList, segments: Segment[]): PhaseDraft {
  if (list === 'segments') return { ...phase, segments };
  const next: PhaseDraft = { ...phase, extras: segments };
  if (segments.length === 0) delete next.extras;
  return next;
}

function replacePhase(draft: PlaylistDraft, phaseIndex: number, phase: PhaseDraft): PlaylistDraft {
  return { ...draft, phases: draft.phases.map((existing, index) => (index === phaseIndex ? phase : existing)) };
}

interface PhaseAt {
  readonly index: number;
  readonly phase: PhaseDraft;
}

function phaseNamed(draft: PlaylistDraft, phaseId: string): Result<PhaseAt> {
  const index = draft.phases.findIndex((phase) => phase.id === phaseId);
  const phase = draft.phases[index];
  return phase === undefined ? fail('not-found', `There is no phase "${phaseId}" in this playlist.`) : ok({ index, phase });
}

function checkIndex(index: number, length: number, what: string): Result<number> {
  if (!Number.isInteger(index) || index < 0 || index > length) {
    return fail('bad-request', `Position ${index} is outside ${what} (0 to ${length}).`);
  }
  return ok(index);
}

/**
 * Every edit ends here: the result obeys the whole draft schema, or the edit is refused
 * with the reason. The edit's own value is returned, not zod's copy, so what the edit did
 * not touch stays the same object: undo steps share it, and a UI can skip unchanged rows.
 * (Edits fill in schema defaults themselves, so the two are equal.)
 */
function validated(next: PlaylistDraft): Result<PlaylistDraft> {
  const parsed = playlistDraftSchema.safeParse(next);
  return parsed.success ? ok(next) : fail('bad-request', describeZodError(parsed.error));
}

/* Segment edits */

/** A segment to add; its id (if any) is replaced by a fresh one. Soundscape params default to the schema's. */
export type NewSegment =
  | (Omit<FileSegment, 'id'> & { readonly id?: string })
  | (Omit<SoundscapeSegment, 'id' | 'params'> & { readonly id?: string; readonly params?: SoundscapeParams });

/**
 * Inserts segments at `slot.index` of a phase's list, in the given order, each with a
 * fresh slug id made from its title. They end up at [index, index + count) of that list.
 */
export function addSegments(draft: PlaylistDraft, slot: SegmentSlot, segments: readonly NewSegment[]): Result<PlaylistDraft> {
  const found = phaseNamed(draft, slot.phaseId);
  if (!found.ok) return found;
  const { phase } = found.value;
  const list = slot.list ?? 'segments';
  const existing = listOf(phase, list);
  const index = checkIndex(slot.index, existing.length, `the ${list === 'segments' ? 'music' : 'extras'} of "${phase.title}"`);
  if (!index.ok) return index;
  if (segments.length === 0) return ok(draft);
  const taken = draftIds(draft);
  const added = segments.map((segment): Segment => {
    const id = uniqueSlug(idSourceOf(segment), taken, segment.type === 'file' ? 'track' : 'soundscape');
    taken.add(id);
    return segment.type === 'soundscape' ? { ...segment, id, params: { ...soundscapeParamsSchema.parse({}), ...segment.params } } : { ...segment, id };
  });
  return validated(replacePhase(draft, found.value.index, withList(phase, list, existing.toSpliced(index.value, 0, ...added))));
}

/**
 * Library tracks dropped into a phase: each becomes a file segment carrying what the
 * library knows (title, artist, duration, loudness). `playlistPath` turns the track's
 * absolute path into the path the playlist stores (e.g. relative to the playlist file).
 */
export function addTracks(
  draft: PlaylistDraft,
  slot: SegmentSlot,
  tracks: readonly LibraryTrack[],
  playlistPath?: (absolutePath: string) => string,
): Result<PlaylistDraft> {
  return addSegments(
    draft,
    slot,
    // The id segmentFromTrack asks for is replaced by a fresh one.
    tracks.map((track) => segmentFromTrack(track, 'new', playlistPath)),
  );
}

export interface NewSoundscape {
  readonly preset: SoundscapePreset;
  readonly durationSeconds: number;
  readonly params?: Partial<SoundscapeParams>;
  readonly title?: string;
}

/** A soundscape segment anywhere in a phase (its music or its extras). */
export function insertSoundscape(draft: PlaylistDraft, slot: SegmentSlot, soundscape: NewSoundscape): Result<PlaylistDraft> {
  const params: SoundscapeParams = { ...soundscapeParamsSchema.parse({}), ...definedOnly(soundscape.params ?? {}) };
  return addSegments(draft, slot, [
    {
      type: 'soundscape',
      preset: soundscape.preset,
      durationSeconds: soundscape.durationSeconds,
      params,
      ...(soundscape.title === undefined ? {} : { title: soundscape.title }),
    },
  ]);
}

export function removeSegment(draft: PlaylistDraft, segmentId: string): Result<PlaylistDraft> {
  const at = locateSegment(draft, segmentId);
  if (at === undefined) return fail('not-found', `There is no segment "${segmentId}" in this playlist.`);
  return validated(replacePhase(draft, at.phaseIndex, withList(at.phase, at.list, listOf(at.phase, at.list).toSpliced(at.index, 1))));
}

/**
 * Moves a segment within its phase or to another phase (or between a phase's music and
 * its extras). `to.index` counts the target list without the moved segment; see SegmentSlot.
 */
export function moveSegment(draft: PlaylistDraft, segmentId: string, to: SegmentSlot): Result<PlaylistDraft> {
  const at = locateSegment(draft, segmentId);
  if (at === undefined) return fail('not-found', `There is no segment "${segmentId}" in this playlist.`);
  const lifted = replacePhase(draft, at.phaseIndex, withList(at.phase, at.list, listOf(at.phase, at.list).toSpliced(at.index, 1)));
  const found = phaseNamed(lifted, to.phaseId);
  if (!found.ok) return found;
  const { index: targetIndex, phase: target } = found.value;
  const list = to.list ?? 'segments';
  const remaining = listOf(target, list);
  const index = checkIndex(to.index, remaining.length, `the ${list === 'segments' ? 'music' : 'extras'} of "${target.title}"`);
  if (!index.ok) return index;
  if (targetIndex === at.phaseIndex && list === at.list && index.value === at.index) return ok(draft);
  return validated(replacePhase(lifted, targetIndex, withList(target, list, remaining.toSpliced(index.value, 0, at.segment))));
}

/**
 * Changes to a segment. A key that is present with the value `undefined` clears that
 * optional field (back to the playlist's crossfade, no gain trim, no trim, …); a key that
 * is absent leaves the field alone. `flags` and `params` are merged into what the segment
 * has, by the same rule (`flags: { lyrics: undefined }` clears only the lyrics flag,
 * `flags: undefined` clears them all). An empty title or note clears it.
 */
export interface SegmentPatch {
  readonly title?: string | undefined;
  readonly notes?: string | undefined;
  readonly crossfadeSeconds?: number | undefined;
  readonly flags?: { readonly [Key in keyof SegmentFlags]?: SegmentFlags[Key] | undefined } | undefined;
  /** Files only: the curator's gain on top of normalisation. */
  readonly gainDb?: number | undefined;
  /** Files only. */
  readonly trimStartSeconds?: number | undefined;
  /** Files only. */
  readonly trimEndSeconds?: number | undefined;
  /** Soundscapes only. */
  readonly preset?: SoundscapePreset | undefined;
  /** Soundscapes only. */
  readonly params?: { readonly [Key in keyof SoundscapeParams]?: SoundscapeParams[Key] | undefined } | undefined;
  /** Soundscapes only (a file's length is the file's). */
  readonly durationSeconds?: number | undefined;
}

const fileOnlyFields = { gainDb: 'gain trim', trimStartSeconds: 'start trim', trimEndSeconds: 'end trim' } as const;
const soundscapeOnlyFields = { preset: 'preset', params: 'sound settings', durationSeconds: 'length of its own' } as const;
const requiredSoundscapeFields = new Set(['preset', 'params', 'durationSeconds']);

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

export function updateSegment(draft: PlaylistDraft, segmentId: string, patch: SegmentPatch): Result<PlaylistDraft> {
  const at = locateSegment(draft, segmentId);
  if (at === undefined) return fail('not-found', `There is no segment "${segmentId}" in this playlist.`);
  const { segment } = at;
  const name = segmentName(segment);
  const updated: Record<string, unknown> = { ...segment };
  for (const [key, value] of Object.entries(patch) as [keyof SegmentPatch, unknown][]) {
    if (segment.type === 'soundscape' && key in fileOnlyFields) {
      return fail('bad-request', `"${name}" is a soundscape: it has no ${fileOnlyFields[key as keyof typeof fileOnlyFields]}.`);
    }
    if (segment.type === 'file' && key in soundscapeOnlyFields) {
      return fail('bad-request', `"${name}" is a file: it has no ${soundscapeOnlyFields[key as keyof typeof soundscapeOnlyFields]}.`);
    }
    if (value === undefined && requiredSoundscapeFields.has(key)) {
      return fail('bad-request', `A soundscape always has a ${soundscapeOnlyFields[key as keyof typeof soundscapeOnlyFields]}; "${name}" keeps its own.`);
    }
    if (key === 'flags' || key === 'params') {
      const merged = value === undefined ? {} : definedOnly({ ...(segment[key as 'flags'] ?? {}), ...(value as object) });
      if (Object.keys(merged).length === 0) delete updated[key];
      else updated[key] = merged;
    } else if (value === undefined || ((key === 'title' || key === 'notes') && typeof value === 'string' && value.trim() === '')) {
      delete updated[key];
    } else {
      updated[key] = value;
    }
  }
  if (segment.type === 'file') {
    const trimmed = updated as FileSegment;
    const cut = (trimmed.trimStartSeconds ?? 0) + (trimmed.trimEndSeconds ?? 0);
    if (trimmed.durationSeconds !== undefined && cut > 0 && trimmed.durationSeconds - cut < 1) {
      return fail(
        'bad-request',
        `The trims would leave nothing of "${name}": it lasts ${formatPosition(trimmed.durationSeconds * 1000)} and ${formatPosition(cut * 1000)} would be cut.`,
      );
    }
  }
  return validated(replacePhase(draft, at.phaseIndex, withList(at.phase, at.list, listOf(at.phase, at.list).with(at.index, updated as Segment))));
}

/**
 * Writes what the library now knows about each file (its duration and loudness) into the
 * playlist, because playback normalises with the loudness the playlist carries: a track
 * analysed after it was added would otherwise play at the cautious unknown level. Files
 * the library reports missing or unreadable are left as they are. Returns the same
 * draft object when nothing changed, so an editor can skip recording an undo step.
 */
export function applyLibraryFacts(draft: PlaylistDraft, files: ReadonlyMap<string, FileFacts>): Result<PlaylistDraft> {
  let changed = false;
  const refresh = (segment: Segment): Segment => {
    const facts = files.get(segment.id);
    if (segment.type !== 'file' || facts === undefined || facts.status !== 'ok') return segment;
    let next: FileSegment = segment;
    const duration = facts.durationSeconds === undefined || facts.durationSeconds <= 0 ? undefined : Math.min(facts.durationSeconds, 8 * 3600);
    if (duration !== undefined && duration !== segment.durationSeconds) next = { ...next, durationSeconds: duration };
    if (facts.loudness !== undefined && !sameLoudness(facts.loudness, segment.loudness)) next = { ...next, loudness: facts.loudness };
    if (next !== segment) changed = true;
    return next;
  };
  const phases = draft.phases.map((phase): PhaseDraft => {
    const refreshed: PhaseDraft = { ...phase, segments: phase.segments.map(refresh) };
    return phase.extras === undefined ? refreshed : { ...refreshed, extras: phase.extras.map(refresh) };
  });
  return changed ? validated({ ...draft, phases }) : ok(draft);
}

function sameLoudness(a: Loudness, b: Loudness | undefined): boolean {
  return b !== undefined && a.integratedLufs === b.integratedLufs && a.truePeakDbtp === b.truePeakDbtp && a.rangeLu === b.rangeLu && a.source === b.source;
}

/* Phase edits */

/** As SegmentPatch: `minMinutes`/`maxMinutes` present and undefined clear the bound; title, kind and target are always kept. */
export interface PhasePatch {
  readonly title?: string;
  readonly kind?: PhaseKind;
  readonly targetMinutes?: number;
  readonly minMinutes?: number | undefined;
  readonly maxMinutes?: number | undefined;
}

export function updatePhase(draft: PlaylistDraft, phaseId: string, patch: PhasePatch): Result<PlaylistDraft> {
  const found = phaseNamed(draft, phaseId);
  if (!found.ok) return found;
  const updated: PhaseDraft = { ...found.value.phase };
  for (const key of ['title', 'kind', 'targetMinutes'] as const) {
    if (!(key in patch)) continue;
    const value = patch[key];
    if (value === undefined) return fail('bad-request', `A phase always has a ${key === 'targetMinutes' ? 'target duration' : key}.`);
    Object.assign(updated, { [key]: value });
  }
  for (const key of ['minMinutes', 'maxMinutes'] as const) {
    if (!(key in patch)) continue;
    const value = patch[key];
    if (value === undefined) delete updated[key];
    else updated[key] = value;
  }
  return validated(replacePhase(draft, found.value.index, updated));
}

export interface NewPhase {
  readonly kind: PhaseKind;
  readonly title: string;
  readonly targetMinutes: number;
  readonly minMinutes?: number;
  readonly maxMinutes?: number;
}

/** A new phase, empty (see toPlaylist), at `index` in the phase order; its id is made from its title. */
export function addPhase(draft: PlaylistDraft, index: number, phase: NewPhase): Result<PlaylistDraft> {
  const at = checkIndex(index, draft.phases.length, 'the phases');
  if (!at.ok) return at;
  const added: PhaseDraft = { ...phase, id: uniqueSlug(phase.title, draftIds(draft), phase.kind), segments: [] };
  return validated({ ...draft, phases: draft.phases.toSpliced(at.value, 0, added) });
}

/** Removes a phase with its segments; the last phase stays (a playlist has at least one). */
export function removePhase(draft: PlaylistDraft, phaseId: string): Result<PlaylistDraft> {
  const found = phaseNamed(draft, phaseId);
  if (!found.ok) return found;
  if (draft.phases.length === 1) return fail('bad-request', 'A playlist keeps at least one phase: add another before removing this one.');
  return validated({ ...draft, phases: draft.phases.toSpliced(found.value.index, 1) });
}

/** `index` counts the phases without the moved one, as for segments. */
export function movePhase(draft: PlaylistDraft, phaseId: string, index: number): Result<PlaylistDraft> {
  const found = phaseNamed(draft, phaseId);
  if (!found.ok) return found;
  const at = checkIndex(index, draft.phases.length - 1, 'the phases');
  if (!at.ok) return at;
  if (at.value === found.value.index) return ok(draft);
  return validated({ ...draft, phases: draft.phases.toSpliced(found.value.index, 1).toSpliced(at.value, 0, found.value.phase) });
}

/* Playlist edits */

/** `description` present and undefined (or empty) clears it. */
export interface PlaylistDetailsPatch {
  readonly title?: string;
  readonly description?: string | undefined;
  /** The crossfade every segment uses unless it has its own. */
  readonly crossfadeSeconds?: number;
}

export function updatePlaylistDetails(draft: PlaylistDraft, patch: PlaylistDetailsPatch): Result<PlaylistDraft> {
  const updated: Record<string, unknown> = { ...draft };
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'description' && (value === undefined || (typeof value === 'string' && value.trim() === ''))) delete updated[key];
    else if (value === undefined) return fail('bad-request', `A playlist always has a ${key === 'title' ? 'title' : 'crossfade'}.`);
    else updated[key] = value;
  }
  return validated(updated as PlaylistDraft);
}

const maxTitleLength = 200;

const clipTitle = (title: string): string => (title.length <= maxTitleLength ? title : `${title.slice(0, maxTitleLength - 1).replace(/[\uD800-\uDBFF]$/, '')}…`);

/**
 * An editable copy (a bundled playlist is read-only): a new id not among `takenPlaylistIds`
 * and the title "Copy of …". Segment ids stay, since they only need to be unique within a playlist.
 */
export function duplicatePlaylist<T extends PlaylistDraft>(playlist: T, takenPlaylistIds: ReadonlySet<string>): T {
  const title = clipTitle(`Copy of ${playlist.title}`);
  // Sharing the phases with the original is safe: every edit makes new objects.
  return { ...playlist, id: uniqueSlug(title, new Set([...takenPlaylistIds, playlist.id]), 'playlist'), title };
}

/** Default phase lengths of a new playlist: 7 hours in all, the middle of a 6–8 hour session. */
export const newPlaylistPhases: readonly NewPhase[] = [
  { kind: 'onset', title: 'Onset', targetMinutes: 60 },
  { kind: 'peak', title: 'Peak', targetMinutes: 210 },
  { kind: 'return', title: 'Return', targetMinutes: 150 },
];

/** An empty draft with onset, peak and return phases, to be filled before it can be saved (see toPlaylist). */
export function newPlaylist(options: { readonly title?: string; readonly takenPlaylistIds?: ReadonlySet<string> } = {}): PlaylistDraft {
  const title = clipTitle(options.title?.trim() || 'New playlist');
  return {
    format: playlistFormat,
    version: 1,
    id: uniqueSlug(title, options.takenPlaylistIds ?? new Set(), 'playlist'),
    title,
    crossfadeSeconds: 8,
    phases: newPlaylistPhases.map((phase) => ({ ...phase, id: phase.kind, segments: [] })),
  };
}
