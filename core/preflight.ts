import { phaseFit, phaseTotals, type FileFacts } from './curation-warnings';
import { segmentResolver } from './segment-names';
import { formatMinutes } from './format';
import { allSegments, type Playlist } from './playlist';

/** What the host gathers just before a session starts. */
export interface PreflightFacts {
  readonly playlist: Playlist;
  /** As for the curation warnings: by segment id, what the library found for each file segment (no entry: not checked). */
  readonly files: ReadonlyMap<string, FileFacts>;
  /** The output device the settings choose, as the host found it. */
  readonly outputDevice: { readonly label: string; readonly present: boolean };
  /** Free bytes on the volume the session journal is written to; undefined when the host could not tell. */
  readonly journalFreeBytes: number | undefined;
  /** How the computer will be kept from sleeping during the session, or why it cannot be. */
  readonly keepAwake: KeepAwakeFacts;
}

export type KeepAwakeFacts =
  /** The desktop host's power-save blocker. */
  | { readonly by: 'power-save-blocker' }
  /** The browser granted the page a screen wake lock just now (the web host). */
  | { readonly by: 'screen-wake-lock' }
  /** Neither: the browser refused the wake lock, with its reason. */
  | { readonly by: 'nothing'; readonly reason: string };

export const preflightChecks = ['files', 'analysed', 'duration', 'output-device', 'journal-space', 'power-save'] as const;
export type PreflightCheck = (typeof preflightChecks)[number];

export interface PreflightLine {
  readonly id: PreflightCheck;
  /** Green when true. */
  readonly ok: boolean;
  /**
   * Required: the session is at risk without it (music that will not play, a lost
   * journal, a computer that sleeps). Advisory: the session runs, but not quite as
   * planned (a guessed loudness, soundscapes filling a short phase).
   */
  readonly severity: 'required' | 'advisory';
  readonly label: string;
  /** What was found, in plain words. */
  readonly detail: string;
  /** What to do; empty when the line is ok. */
  readonly fix: string;
  /** Failing, and no confirmation can start the session past it. */
  readonly blocksStart: boolean;
}

/**
 * Events are a few hundred bytes each, so a day's journal is well under a megabyte; the
 * margin covers the disk filling from elsewhere during eight hours.
 */
export const journalMinimumFreeBytes = 50 * 1024 * 1024;

const namesList = (names: readonly string[], limit = 5): string =>
  names.length <= limit ? names.join(', ') : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;
const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;
const megabytes = (bytes: number): string => `${Math.floor(bytes / (1024 * 1024))} MB`;

/** One line per check, in the order the screen shows them. */
export function preflightReport(facts: PreflightFacts): PreflightLine[] {
  return [filesLine(facts), analysedLine(facts), durationLine(facts), outputDeviceLine(facts), journalSpaceLine(facts), powerSaveLine(facts)];
}

function filesLine({ playlist, files }: PreflightFacts): PreflightLine {
  const label = 'Every file present and readable';
  const name = segmentResolver(playlist);
  const segments = allSegments(playlist);
  const fileSegments = segments.filter((segment) => segment.type === 'file');
  const unplayable = fileSegments.flatMap((segment) => {
    const found = files.get(segment.id);
    if (found?.status === 'ok') return [];
    const why = found === undefined ? 'not checked' : found.reason === undefined ? found.status : `${found.status}: ${found.reason}`;
    return [`"${name(segment.id).name}" (${why})`];
  });
  const playable = segments.length - unplayable.length;
  if (playable === 0) {
    return {
      id: 'files',
      ok: false,
      severity: 'required',
      label,
      detail: `None of the playlist's ${plural(segments.length, 'file')} can be played: ${namesList(unplayable)}. The session would be soundscapes only.`,
      fix: 'Connect the drive that holds the music, or choose another playlist.',
      blocksStart: true,
    };
  }
  if (unplayable.length > 0) {
    return {
      id: 'files',
      ok: false,
      severity: 'required',
      label,
      detail: `${unplayable.length} of ${plural(fileSegments.length, 'file')} cannot be played: ${namesList(unplayable)}. A soundscape will cover for each one.`,
      fix: 'Find or replace them in the playlist editor (add their folder to the library), or remove them.',
      blocksStart: false,
    };
  }
  return {
    id: 'files',
    ok: true,
    severity: 'required',
    label,
    detail: fileSegments.length === 0 ? 'The playlist has soundscapes only.' : `All ${plural(fileSegments.length, 'file')} are present and readable.`,
    fix: '',
    blocksStart: false,
  };
}

/** Playback normalises with the loudness the playlist carries, so that is what counts as analysed. */
function analysedLine({ playlist, files }: PreflightFacts): PreflightLine {
  const label = 'Every track analysed';
  const name = segmentResolver(playlist);
  const present = allSegments(playlist).filter((segment) => segment.type === 'file' && files.get(segment.id)?.status === 'ok');
  const guessed = present.filter((segment) => segment.type === 'file' && segment.loudness === undefined);
  const savedLater = guessed.filter((segment) => files.get(segment.id)?.loudness !== undefined);
  if (guessed.length === 0) {
    return {
      id: 'analysed',
      ok: true,
      severity: 'advisory',
      label,
      detail: present.length === 0 ? 'No tracks to analyse.' : `All ${plural(present.length, 'track')} play at the target loudness.`,
      fix: '',
      blocksStart: false,
    };
  }
  return {
    id: 'analysed',
    ok: false,
    severity: 'advisory',
    label,
    detail: `${plural(guessed.length, 'track')} will play at a cautious guessed level, possibly quieter than the rest: ${namesList(guessed.map((segment) => `"${name(segment.id).name}"`))}.`,
    fix:
      savedLater.length === guessed.length
        ? 'The library has analysed them: update the playlist from the library.'
        : 'Analyse them in the library, then update the playlist from the library.',
    blocksStart: false,
  };
}

function durationLine({ playlist, files }: PreflightFacts): PreflightLine {
  const label = 'Music for the whole plan';
  const totals = phaseTotals(playlist, { files });
  const gaps = playlist.phases.flatMap((phase, index) => {
    const total = totals.phases[index];
    if (total === undefined) return [];
    const notes: string[] = [];
    if (phaseFit(total) === 'short') notes.push(`${formatMinutes(Math.max(1, Math.round((total.targetSeconds - total.plannedSeconds) / 60)))} short`);
    if (total.unknownDurations > 0) notes.push(`${plural(total.unknownDurations, 'track')} of unknown length left out`);
    return notes.length === 0 ? [] : [`"${phase.title}" ${notes.join(', ')}`];
  });
  if (gaps.length === 0) {
    return {
      id: 'duration',
      ok: true,
      severity: 'advisory',
      label,
      detail: `Every phase has music for its target (${formatMinutes(Math.round(totals.targetSeconds / 60))} in all).`,
      fix: '',
      blocksStart: false,
    };
  }
  return {
    id: 'duration',
    ok: false,
    severity: 'advisory',
    label,
    detail: `${gaps.join('; ')}. Soundscapes will fill the gaps.`,
    fix: 'Add music to those phases or lower their targets in the playlist editor.',
    blocksStart: false,
  };
}

function outputDeviceLine({ outputDevice }: PreflightFacts): PreflightLine {
  return {
    id: 'output-device',
    ok: outputDevice.present,
    severity: 'required',
    label: 'Output device',
    detail: outputDevice.present ? `"${outputDevice.label}" is connected.` : `"${outputDevice.label}" is not connected.`,
    fix: outputDevice.present ? '' : 'Connect it, or choose another output in Settings.',
    blocksStart: false,
  };
}

function journalSpaceLine({ journalFreeBytes }: PreflightFacts): PreflightLine {
  const ok = journalFreeBytes !== undefined && journalFreeBytes >= journalMinimumFreeBytes;
  return {
    id: 'journal-space',
    ok,
    severity: 'required',
    label: 'Space for the session journal',
    detail:
      journalFreeBytes === undefined
        ? 'Attune could not find out how much space is free where the journal is written.'
        : ok
          ? `${megabytes(journalFreeBytes)} free.`
          : `Only ${megabytes(journalFreeBytes)} free where the journal is written: marks and notes could be lost if the disk fills.`,
    fix: ok ? '' : `Free at least ${megabytes(journalMinimumFreeBytes)} on the drive that holds Attune's data.`,
    blocksStart: false,
  };
}

function powerSaveLine({ keepAwake }: PreflightFacts): PreflightLine {
  const label = 'Keeping the computer awake';
  switch (keepAwake.by) {
    case 'power-save-blocker':
      return { id: 'power-save', ok: true, severity: 'required', label, detail: 'Attune keeps the computer from sleeping during the session.', fix: '', blocksStart: false };
    case 'screen-wake-lock':
      return {
        id: 'power-save',
        ok: true,
        severity: 'required',
        label,
        // The browser lets the lock go while the page is hidden; saying so is the honest part of green.
        detail: 'The browser keeps the screen on, and so the computer awake, during the session — while this page is showing (it asks again when the page comes back).',
        fix: '',
        blocksStart: false,
      };
    case 'nothing':
      return {
        id: 'power-save',
        ok: false,
        severity: 'required',
        label,
        detail: `The browser refused to keep the screen awake (${keepAwake.reason}): the music would stop if the computer slept.`,
        fix: 'Set the computer never to sleep while plugged in, and keep it on mains power.',
        blocksStart: false,
      };
  }
}

export type StartDecision =
  | {
      readonly allowed: true;
      /** Failing lines the facilitator confirmed past; worth recording with the session. */
      readonly confirmed: readonly PreflightLine[];
    }
  | {
      readonly allowed: false;
      /** `blocked`: no confirmation helps. `needs-confirmation`: ask, then call again with the answer. */
      readonly reason: 'blocked' | 'needs-confirmation';
      readonly lines: readonly PreflightLine[];
    };

/**
 * Every failing line, advisory or required, needs the facilitator's explicit confirmation:
 * the pre-flight screen runs when the client may already have taken the medicine, so a
 * session must be able to go ahead with a known shortcoming, but never without someone
 * having seen it. Only a playlist none of whose music can play blocks outright; that
 * session would not be the one planned, and choosing another playlist is the remedy.
 */
export function canStart(report: readonly PreflightLine[], options: { readonly confirmedWarnings: boolean }): StartDecision {
  const failing = report.filter((line) => !line.ok);
  const blocking = failing.filter((line) => line.blocksStart);
  if (blocking.length > 0) return { allowed: false, reason: 'blocked', lines: blocking };
  if (failing.length > 0 && !options.confirmedWarnings) return { allowed: false, reason: 'needs-confirmation', lines: failing };
  return { allowed: true, confirmed: failing };
}
