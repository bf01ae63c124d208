import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildElasticPlan } from '../../core/elastic-plan';
import { journalEventSchema, type JournalEvent, type PlanAction } from '../../core/events';
import { locate } from '../../core/plan';
import { playlistSchema, type Playlist } from '../../core/playlist';
import { sessionMetaSchema, type SessionMeta } from '../../core/session';
import { fixtureDataDir } from '../fixtures/sessions/hostile-session';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const minute = 60_000;

/** Journals written for review tests: what the live screen would have written, without waiting hours for it. */
export class JournalDraft {
  private readonly events: JournalEvent[] = [];
  private counter = 0;

  constructor(
    private readonly startWallMs: number,
    private readonly idPrefix: string,
  ) {}

  add(kind: JournalEvent['kind'], sessionMs: number, payload: object): string {
    this.counter += 1;
    const id = `${this.idPrefix}-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`;
    this.events.push(
      journalEventSchema.parse({
        id,
        seq: this.events.length,
        kind,
        sessionMs: Math.round(sessionMs),
        wallTime: new Date(this.startWallMs + sessionMs).toISOString(),
        payload,
      }),
    );
    return id;
  }

  /** Events in session-time order, numbered in that order (as the journal would). */
  toJsonl(): string {
    return this.events
      .slice()
      .sort((a, b) => a.sessionMs - b.sessionMs || a.seq - b.seq)
      .map((event, seq) => JSON.stringify({ ...event, seq }))
      .join('\n')
      .concat('\n');
  }
}

export async function writeSession(dataDir: string, meta: SessionMeta, draft: JournalDraft): Promise<void> {
  const directory = path.join(dataDir, 'sessions', meta.id);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'session.json'), `${JSON.stringify(sessionMetaSchema.parse(meta), null, 2)}\n`);
  await writeFile(path.join(directory, 'events.jsonl'), draft.toJsonl());
}

/** An ended session's metadata, as the host writes it; `details` replaces the facilitators, substance and the like. */
export function metaFor(id: string, playlist: Playlist, createdAt: string, endedAt: string, clientCode: string, details: Partial<SessionMeta> = {}): SessionMeta {
  return {
    id,
    playlistId: playlist.id,
    playlistTitle: playlist.title,
    clientCode,
    facilitators: 'AB',
    intention: '',
    substance: 'MDMA',
    dose: '120 mg',
    supplementalDosePlan: '',
    createdAt,
    status: 'ended',
    endedAt,
    ...details,
  };
}

export const replaySessionId = '20261120-090000-replay';

/**
 * A short session on the generated fixture playlist: a resonance mark 5 s into the mp3
 * tone, a distress mark inside the closing soundscape, vitals, a break, a quiet passage
 * and an advance to return.
 */
export async function writeReplaySession(dataDir: string, playlist: Playlist): Promise<{ resonanceId: string; distressId: string }> {
  const startWallMs = Date.parse('2026-11-20T09:00:00.000Z');
  const draft = new JournalDraft(startWallMs, 'a11ce000');
  draft.add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  draft.add('playback', 0, { action: 'play', programMs: 0 });
  draft.add('phase-started', 0, { phaseId: 'onset', programMs: 0 });
  draft.add('segment-started', 0, { phaseId: 'onset', segmentId: 'tone-mp3', programMs: 0 });
  const resonanceId = draft.add('mark', 5000, { markKind: 'resonance', phaseId: 'onset', segmentId: 'tone-mp3', positionMs: 5000, reactionOffsetMs: 0, intensity: 4 });
  draft.add('segment-started', 8000, { phaseId: 'onset', segmentId: 'pink-mp3', programMs: 8000 });
  draft.add('mark', 10_000, { markKind: 'vitals', phaseId: 'onset', segmentId: 'pink-mp3', positionMs: 2000, reactionOffsetMs: 0, vitals: { systolic: 128, diastolic: 82, heartRate: 92 } });
  draft.add('quiet', 11_000, { action: 'start', programMs: 11_000 });
  draft.add('quiet', 14_000, { action: 'end', programMs: 11_000 });
  const breakId = draft.add('mark', 15_000, { markKind: 'break', phaseId: 'onset', segmentId: 'pink-mp3', positionMs: 6000, reactionOffsetMs: 0, span: 'open' });
  draft.add('plan-changed', 18_000, { kind: 'advance', toPhaseId: 'return', programMs: 15_000 });
  draft.add('phase-started', 18_000, { phaseId: 'return', programMs: 15_000 });
  draft.add('segment-started', 18_000, { phaseId: 'return', segmentId: 'closing', programMs: 15_000 });
  draft.add('span-closed', 20_000, { markId: breakId, phaseId: 'return', segmentId: 'closing', positionMs: 2000, autoClosed: false });
  const distressId = draft.add('mark', 24_000, {
    markKind: 'distress',
    phaseId: 'return',
    segmentId: 'closing',
    positionMs: 6000,
    reactionOffsetMs: 0,
    note: 'Held her hand, "it passed", slowly',
  });
  draft.add('session-ended', 30_000, { reason: 'facilitator' });
  await writeSession(dataDir, metaFor(replaySessionId, playlist, new Date(startWallMs).toISOString(), new Date(startWallMs + 30_000).toISOString(), 'R-01'), draft);
  return { resonanceId, distressId };
}

export const largeSessionId = '20261119-090000-big2k0';

export async function bundledPlaylist(id: string): Promise<Playlist> {
  return playlistSchema.parse(JSON.parse(await readFile(path.join(repoRoot, 'playlists', `${id}.json`), 'utf8')));
}

/** A deterministic stand-in for Math.random, so the large session is the same every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Eight hours of the bundled generative session (the peak extended by an hour) with
 * `markCount` marks of every kind spread over it, a few of them spans, plus vitals every
 * half hour and facilitator actions: the load the timeline must stay smooth under.
 */
export async function writeLargeSession(dataDir: string, markCount = 2000): Promise<void> {
  const playlist = await bundledPlaylist('generative-session');
  const actions: PlanAction[] = [{ kind: 'extend', phaseId: 'peak', byMs: 60 * minute, programMs: 100 * minute }];
  const plan = buildElasticPlan(playlist, actions);
  const endMs = 8 * 60 * minute;
  const startWallMs = Date.parse('2026-11-19T09:00:00.000Z');
  const draft = new JournalDraft(startWallMs, 'b16b16b1');
  const random = seeded(42);
  draft.add('session-started', 0, { playlistId: playlist.id, playlistTitle: playlist.title });
  draft.add('playback', 0, { action: 'play', programMs: 0 });
  let lastPhase = -1;
  for (const entry of plan.entries) {
    if (entry.startMs >= endMs) break;
    const phaseId = plan.phases[entry.phaseIndex]?.id;
    if (entry.phaseIndex !== lastPhase) {
      lastPhase = entry.phaseIndex;
      draft.add('phase-started', entry.startMs, { phaseId, programMs: entry.startMs });
    }
    draft.add('segment-started', entry.startMs, { phaseId, segmentId: entry.segment.id, programMs: entry.startMs });
  }
  draft.add('plan-changed', 100 * minute, actions[0] as object);
  const place = (sessionMs: number) => {
    const position = locate(plan, Math.min(sessionMs, endMs - 1));
    if (position === null) throw new Error(`nothing plays at ${sessionMs}`);
    return { phaseId: position.phase.id, segmentId: position.entry.segment.id, positionMs: Math.round(position.positionMs) };
  };
  const observationKinds = ['resonance', 'distress', 'dissociation', 'breakthrough', 'music-resistance', 'note'];
  for (let index = 0; index < markCount; index += 1) {
    const sessionMs = Math.round(((index + random()) / markCount) * (endMs - 2 * minute)) + minute;
    const markKind = observationKinds[Math.floor(random() * observationKinds.length)] as string;
    draft.add('mark', sessionMs, {
      markKind,
      ...place(sessionMs),
      reactionOffsetMs: 0,
      ...(random() < 0.5 ? { intensity: 1 + Math.floor(random() * 5) } : {}),
      ...(random() < 0.2 ? { note: `Note ${index}: "words", commas, and a line\nbreak` } : {}),
    });
  }
  for (let sessionMs = 30 * minute; sessionMs < endMs; sessionMs += 30 * minute) {
    draft.add('mark', sessionMs + 7000, { markKind: 'vitals', ...place(sessionMs + 7000), reactionOffsetMs: 0, vitals: { systolic: 120, diastolic: 80, heartRate: 80 } });
  }
  for (let sessionMs = 2 * 60 * minute; sessionMs < endMs - 30 * minute; sessionMs += 2 * 60 * minute) {
    const breakId = draft.add('mark', sessionMs, { markKind: 'break', ...place(sessionMs), reactionOffsetMs: 0, span: 'open' });
    draft.add('span-closed', sessionMs + 6 * minute, { markId: breakId, ...place(sessionMs + 6 * minute), autoClosed: false });
  }
  draft.add('mark', 105 * minute, { markKind: 'supplemental-dose', ...place(105 * minute), reactionOffsetMs: 0 });
  draft.add('session-ended', endMs, { reason: 'facilitator' });
  await writeSession(dataDir, metaFor(largeSessionId, playlist, new Date(startWallMs).toISOString(), new Date(startWallMs + endMs).toISOString(), 'BIG-2000'), draft);
}

export const hostileSessionId = '20261121-090000-h0st1l';

/** The hostile-notes fixture session and its playlist, copied into a data folder. */
export async function copyHostileSession(dataDir: string): Promise<void> {
  await cp(path.join(fixtureDataDir, 'sessions'), path.join(dataDir, 'sessions'), { recursive: true });
  await cp(path.join(fixtureDataDir, 'playlists'), path.join(dataDir, 'playlists'), { recursive: true });
}
