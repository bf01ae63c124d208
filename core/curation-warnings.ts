import { segmentResolver } from './segment-names';
import { formatMinutes } from './format';
import { trackGain } from './loudness';
import { createLayout, materialize, planSource, targetSpans, type PlanSource, type SessionPlan } from './plan';
import type { FileFacts } from './file-facts';
import { phaseSegments, type Playlist, type Segment } from './playlist';
import type { PhaseDraft, PlaylistDraft } from './playlist-edit';
import { secondsToMs, type Milliseconds, type Seconds } from './units';

export type { FileFacts } from './file-facts';

export interface CurationFacts {
  /**
   * By segment id, for every file segment (music and extras). A file segment with no
   * entry has not been checked yet, and is reported as such.
   */
  readonly files: ReadonlyMap<string, FileFacts>;
  /** The loudness playback normalises toward (settings.targetLoudnessLufs). */
  readonly targetLufs: number;
}

export interface CurationWarning {
  /** Stable across recomputations while the cause stays: e.g. `phase-short:onset`, `loudness-jump:a:b`. */
  readonly id: string;
  /** A problem: something will not play. A warning: it plays, but not as the curator likely intends. */
  readonly severity: 'warning' | 'problem';
  /** What is wrong, in plain words. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  readonly phaseId?: string;
  readonly segmentId?: string;
}

/**
 * A phase without a minimum or maximum fits while its music is within this share of its
 * target either way: relative, so that 6 minutes of music never "fits" a 4-minute phase.
 */
export const phaseToleranceRatio = 0.1;
/** A dosing session runs 6–8 hours. */
export const sessionLengthBoundsSeconds = { min: 6 * 3600, max: 8 * 3600 } as const;
/** Neighbours further apart than this after normalisation sound like a jump in volume. */
export const loudnessJumpLimitLu = 3;

/* Totals */

export interface PhaseTotal {
  readonly phaseId: string;
  /**
   * How long the phase's own music sounds from its first start to its last end, laid out
   * exactly as core/plan.ts does (each segment starts one crossfade before the previous
   * ends, a crossfade never takes more than half of either neighbour), before the plan
   * fits it to the target (a bridge soundscape filling a shortfall, music cut at the
   * phase end). Extras are not counted; segments of unknown length are left out, as the
   * plan leaves them out.
   */
  readonly plannedSeconds: Seconds;
  readonly targetSeconds: Seconds;
  readonly minSeconds?: Seconds;
  readonly maxSeconds?: Seconds;
  /** Segments of the phase's music whose length is not known (so not in plannedSeconds). */
  readonly unknownDurations: number;
}

export interface PlaylistTotals {
  readonly phases: readonly PhaseTotal[];
  /** The phases' planned seconds added up (the crossfades at phase boundaries are not subtracted). */
  readonly plannedSeconds: Seconds;
  /** The session's length as planned: the phases' targets added up. */
  readonly targetSeconds: Seconds;
  readonly unknownDurations: number;
}

/** The durations the plan may use beyond the playlist's own: what the library measured. */
function knownDurationsMs(files: ReadonlyMap<string, FileFacts>): Map<string, Milliseconds> {
  const known = new Map<string, Milliseconds>();
  for (const [segmentId, facts] of files) {
    if (facts.durationSeconds !== undefined && facts.durationSeconds > 0) known.set(segmentId, secondsToMs(facts.durationSeconds));
  }
  return known;
}

/** The plan's own layout of one phase's music, given room enough that nothing is cut. */
function layOutPhaseAlone(playlist: PlaylistDraft, phase: PhaseDraft, known: ReadonlyMap<string, Milliseconds>): SessionPlan {
  const music: PhaseDraft = { ...phase };
  delete music.extras;
  const source = planSource({ ...playlist, phases: [music] } as Playlist, known);
  const lengthsMs = (source.segments[0] ?? []).reduce((sum, resolved) => sum + (resolved.durationMs ?? 0), 0);
  const roomy: PlanSource = { ...source, targetsMs: [lengthsMs + 60_000] };
  return materialize(createLayout(roomy, targetSpans(roomy)));
}

export function phaseTotals(playlist: PlaylistDraft, facts: Pick<CurationFacts, 'files'>): PlaylistTotals {
  const known = knownDurationsMs(facts.files);
  const phases = playlist.phases.map((phase): PhaseTotal => {
    const alone = layOutPhaseAlone(playlist, phase, known);
    const lastMusic = alone.entries.findLast((entry) => !entry.bridge);
    return {
      phaseId: phase.id,
      plannedSeconds: (lastMusic?.endMs ?? 0) / 1000,
      targetSeconds: phase.targetMinutes * 60,
      ...(phase.minMinutes === undefined ? {} : { minSeconds: phase.minMinutes * 60 }),
      ...(phase.maxMinutes === undefined ? {} : { maxSeconds: phase.maxMinutes * 60 }),
      unknownDurations: alone.skipped.length,
    };
  });
  return {
    phases,
    plannedSeconds: phases.reduce((sum, phase) => sum + phase.plannedSeconds, 0),
    targetSeconds: phases.reduce((sum, phase) => sum + phase.targetSeconds, 0),
    unknownDurations: phases.reduce((sum, phase) => sum + phase.unknownDurations, 0),
  };
}

export type PhaseFit = 'short' | 'fits' | 'long';

/** Below its minimum (or 10 % under the target) is short; above its maximum (or 10 % over the target) is long. */
export function phaseFit(total: PhaseTotal): PhaseFit {
  const tolerance = total.targetSeconds * phaseToleranceRatio;
  if (total.plannedSeconds < (total.minSeconds ?? total.targetSeconds - tolerance)) return 'short';
  if (total.plannedSeconds > (total.maxSeconds ?? total.targetSeconds + tolerance)) return 'long';
  return 'fits';
}

/* Warnings */

const minutesText = (seconds: Seconds): string => formatMinutes(Math.max(1, Math.round(seconds / 60)));
const secondsText = (seconds: Seconds): string => `${Number(seconds.toFixed(1))} s`;
const decibelsText = (db: number): string => `${db > 0 ? '+' : db < 0 ? '−' : ''}${Math.abs(db).toFixed(1)} dB`;
const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

/**
 * What a curator should look at before the playlist is used, in the order it reads:
 * the whole session, then each phase and its segments. Soundscapes have no defined
 * loudness (their level follows their intensity, see renderer/audio/soundscapes), so a
 * loudness jump is only looked for between two files; a soundscape between two files is
 * one way to soften a jump.
 */
export function playlistWarnings(playlist: PlaylistDraft, facts: CurationFacts): CurationWarning[] {
  const warnings: CurationWarning[] = [];
  const name = segmentResolver(playlist as Playlist);
  const nameOf = (segment: Segment) => `"${name(segment.id).name}"`;
  const totals = phaseTotals(playlist, facts);

  const { min, max } = sessionLengthBoundsSeconds;
  if (totals.targetSeconds < min || totals.targetSeconds > max) {
    const shorter = totals.targetSeconds < min;
    warnings.push({
      id: 'session-length',
      severity: 'warning',
      message: `The phases add up to ${minutesText(totals.targetSeconds)}; a dosing session usually runs 6 to 8 hours.`,
      fix: shorter ? 'Raise the phase targets, or add a phase.' : 'Lower the phase targets, or remove a phase.',
    });
  }

  playlist.phases.forEach((phase, phaseIndex) => {
    const total = totals.phases[phaseIndex] as PhaseTotal;
    const phaseName = `"${phase.title}"`;
    if (phase.segments.length === 0) {
      warnings.push({
        id: `phase-empty:${phase.id}`,
        severity: 'problem',
        message: `${phaseName} has no music: the playlist cannot be saved like this, and a soundscape would fill the whole phase.`,
        fix: 'Drag tracks or a soundscape into it, or remove the phase.',
        phaseId: phase.id,
      });
    } else {
      const fit = phaseFit(total);
      const unknown = total.unknownDurations === 0 ? '' : ` (${plural(total.unknownDurations, 'track')} of unknown length not counted)`;
      if (fit === 'short') {
        const gap = total.targetSeconds - total.plannedSeconds;
        const bound = total.minSeconds === undefined ? '' : ` and its minimum of ${minutesText(total.minSeconds)}`;
        warnings.push({
          id: `phase-short:${phase.id}`,
          severity: 'warning',
          message: `${phaseName} has ${minutesText(total.plannedSeconds)} of music for a ${minutesText(total.targetSeconds)} target${bound}${unknown}: a soundscape will fill the last ${minutesText(gap)}.`,
          fix: `Add about ${minutesText(gap)} of music, or lower the phase's target.`,
          phaseId: phase.id,
        });
      } else if (fit === 'long') {
        const excess = total.plannedSeconds - total.targetSeconds;
        const bound = total.maxSeconds === undefined ? '' : ` and its maximum of ${minutesText(total.maxSeconds)}`;
        warnings.push({
          id: `phase-long:${phase.id}`,
          severity: 'warning',
          message: `${phaseName} has ${minutesText(total.plannedSeconds)} of music for a ${minutesText(total.targetSeconds)} target${bound}${unknown}: the last ${minutesText(excess)} will not play (the music is faded into the next phase at the target).`,
          fix: `Remove about ${minutesText(excess)} of music, or raise the phase's target.`,
          phaseId: phase.id,
        });
      }
    }
    for (const segment of phaseSegments(phase)) {
      warnings.push(...segmentWarnings(segment, phase, facts, nameOf(segment)));
    }
  });

  for (const pair of neighbours(playlist, facts)) {
    const jump = loudnessJump(pair, facts.targetLufs, nameOf);
    if (jump !== undefined) warnings.push(jump);
    const crossfade = crossfadeTooLong(pair, playlist.crossfadeSeconds, nameOf);
    if (crossfade !== undefined) warnings.push(crossfade);
  }
  return warnings;
}

function segmentWarnings(segment: Segment, phase: PhaseDraft, facts: CurationFacts, name: string): CurationWarning[] {
  const warnings: CurationWarning[] = [];
  const about = { phaseId: phase.id, segmentId: segment.id };
  if (segment.flags?.lyrics === true && (phase.kind === 'onset' || phase.kind === 'peak')) {
    warnings.push({
      id: `lyrics:${segment.id}`,
      severity: 'warning',
      message: `${name} has words, and it plays during the ${phase.kind}, when words pull a listener out of the experience.`,
      fix: 'Move it to the return phase, or choose an instrumental piece.',
      ...about,
    });
  }
  if (segment.type !== 'file') return warnings;
  const file = facts.files.get(segment.id);
  if (file === undefined) {
    warnings.push({
      id: `unchecked:${segment.id}`,
      severity: 'warning',
      message: `Attune has not checked ${name} yet: it may be missing or unreadable.`,
      fix: 'Add the folder that holds it to the library, or wait for the scan to finish.',
      ...about,
    });
    return warnings;
  }
  if (file.status !== 'ok') {
    const missing = file.status === 'missing';
    warnings.push({
      id: `${file.status}:${segment.id}`,
      severity: 'problem',
      message: `${name} ${missing ? 'is missing' : 'cannot be read'}${file.reason === undefined ? '' : ` (${file.reason})`}: a soundscape will cover for it during the session.`,
      fix: missing ? 'Find the file (add its folder to the library) or remove the track.' : 'Replace the file with a working copy, or remove the track.',
      ...about,
    });
    return warnings;
  }
  if (segment.durationSeconds === undefined && (file.durationSeconds === undefined || file.durationSeconds <= 0)) {
    warnings.push({
      id: `duration-unknown:${segment.id}`,
      severity: 'warning',
      message: `Attune does not know how long ${name} is, so the session plan leaves it out.`,
      fix: 'Rescan the library so its length is read, or replace the file.',
      ...about,
    });
  }
  if (segment.loudness === undefined) {
    const analysed = file.loudness !== undefined;
    warnings.push({
      id: `${analysed ? 'loudness-not-saved' : 'not-analysed'}:${segment.id}`,
      severity: 'warning',
      message: analysed
        ? `${name} has been analysed, but the playlist does not carry its loudness yet: it would play at a cautious guessed level.`
        : `${name} has not been analysed: it will play at a cautious guessed level, possibly quieter than its neighbours.`,
      fix: analysed ? 'Update the playlist from the library.' : 'Analyse its loudness in the library.',
      ...about,
    });
  }
  return warnings;
}

interface Neighbours {
  readonly before: Segment;
  readonly after: Segment;
  /** Played lengths (less trims), as the plan has them. */
  readonly beforeSeconds: Seconds;
  readonly afterSeconds: Seconds;
  readonly afterPhaseId: string;
}

/**
 * Segments heard one into the other: consecutive segments of a phase's music (those of
 * unknown length are left out of the plan, so their neighbours meet), and across a phase
 * boundary the music the plan has sounding at the end of one phase and the first of the
 * next (not when a bridge soundscape fills a phase whose music ran short).
 */
function neighbours(playlist: PlaylistDraft, facts: CurationFacts): Neighbours[] {
  const source = planSource(playlist as Playlist, knownDurationsMs(facts.files));
  const playedMs = new Map<string, Milliseconds>();
  for (const resolved of source.segments.flat()) {
    if (resolved.durationMs !== undefined) playedMs.set(resolved.segment.id, resolved.durationMs);
  }
  const pair = (before: Segment, after: Segment, afterPhaseId: string): Neighbours => ({
    before,
    after,
    beforeSeconds: (playedMs.get(before.id) ?? 0) / 1000,
    afterSeconds: (playedMs.get(after.id) ?? 0) / 1000,
    afterPhaseId,
  });
  const pairs: Neighbours[] = [];
  for (const phase of playlist.phases) {
    const playable = phase.segments.filter((segment) => playedMs.has(segment.id));
    playable.forEach((segment, index) => {
      const previous = playable[index - 1];
      if (previous !== undefined) pairs.push(pair(previous, segment, phase.id));
    });
  }
  const plan = materialize(createLayout(source, targetSpans(source)));
  plan.entries.forEach((entry, index) => {
    const next = plan.entries[index + 1];
    if (next === undefined || next.phaseIndex === entry.phaseIndex || entry.bridge || next.bridge) return;
    pairs.push(pair(entry.segment, next.segment, playlist.phases[next.phaseIndex]?.id ?? ''));
  });
  return pairs;
}

function normalisedLufs(segment: Segment, targetLufs: number): { lufs: number; limitedByPeak: boolean } | undefined {
  if (segment.type !== 'file' || segment.loudness === undefined) return undefined;
  const gain = trackGain(segment, targetLufs);
  return { lufs: segment.loudness.integratedLufs + gain.gainDb, limitedByPeak: gain.limitedByPeak };
}

/**
 * Compares what comes out at playback: each file's integrated loudness plus the gain
 * playback applies (toward the target, held down to keep true peaks under −1 dBTP,
 * with the curator's trim), using the loudness the playlist carries, as playback does.
 */
function loudnessJump({ before, after, afterPhaseId }: Neighbours, targetLufs: number, nameOf: (segment: Segment) => string): CurationWarning | undefined {
  const first = normalisedLufs(before, targetLufs);
  const second = normalisedLufs(after, targetLufs);
  if (first === undefined || second === undefined) return undefined;
  const jump = second.lufs - first.lufs;
  if (Math.abs(jump) <= loudnessJumpLimitLu + 1e-9) return undefined;
  const [louder, quieter] = jump > 0 ? [after, before] : [before, after];
  const quieterFigures = jump > 0 ? first : second;
  const why = quieterFigures.limitedByPeak ? ` ${nameOf(quieter)} cannot be brought up to the target loudness without its peaks passing −1 dBTP.` : '';
  const currentTrim = louder.type === 'file' ? (louder.gainDb ?? 0) : 0;
  const suggestedTrim = Math.max(-24, Math.round((currentTrim - Math.abs(jump)) * 10) / 10);
  return {
    id: `loudness-jump:${before.id}:${after.id}`,
    severity: 'warning',
    message: `${nameOf(after)} comes out ${Math.abs(jump).toFixed(1)} LU ${jump > 0 ? 'louder' : 'quieter'} than ${nameOf(before)} before it, even after loudness normalisation.${why}`,
    fix: `Set the gain trim of ${nameOf(louder)} to ${decibelsText(suggestedTrim)} (it is ${decibelsText(currentTrim)} now), or put a soundscape between them.`,
    phaseId: afterPhaseId,
    segmentId: after.id,
  };
}

/**
 * Warns when a crossfade is longer than half of either segment it joins. A segment fades
 * at both ends, so a longer crossfade would have its fade-in and fade-out meet; core/plan.ts
 * caps every overlap at half of either neighbour, and the curator's setting would silently
 * not be what plays. (Longer than the whole segment, the literal reading, is the extreme
 * case of this and is covered by it.)
 */
function crossfadeTooLong(
  { before, after, beforeSeconds, afterSeconds, afterPhaseId }: Neighbours,
  playlistCrossfadeSeconds: Seconds,
  nameOf: (segment: Segment) => string,
): CurationWarning | undefined {
  const crossfade = after.crossfadeSeconds ?? playlistCrossfadeSeconds;
  const shorter = beforeSeconds < afterSeconds ? before : after;
  const shorterSeconds = Math.min(beforeSeconds, afterSeconds);
  const playsSeconds = shorterSeconds / 2;
  if (crossfade <= playsSeconds + 1e-9) return undefined;
  const own = after.crossfadeSeconds === undefined ? " (the playlist's crossfade)" : '';
  return {
    id: `crossfade:${after.id}`,
    severity: 'warning',
    message: `The ${secondsText(crossfade)} crossfade${own} from ${nameOf(before)} into ${nameOf(after)} is more than half of ${nameOf(shorter)}, which lasts ${secondsText(shorterSeconds)}: its two fades would meet, so playback shortens this one to ${secondsText(Math.floor(playsSeconds * 10) / 10)}.`,
    fix: `Set the crossfade into ${nameOf(after)} to ${secondsText(Math.floor(playsSeconds * 10) / 10)} or less, or use a longer piece than ${nameOf(shorter)}.`,
    phaseId: afterPhaseId,
    segmentId: after.id,
  };
}
