import type { PlannedEntry } from '../../../core/plan';
import type { Milliseconds, Seconds } from '../units';
import { Timers } from '../Timers';
import { GaplessJoin, type AlignableElement } from './GaplessJoin';
import { defaultJoinShape, type JoinShape } from './join-schedule';

/** What a join needs of a file deck's voice (FileVoice). */
export interface JoinableVoice extends AlignableElement {
  readonly handoverIn: AudioParam;
  readonly handoverOut: AudioParam;
  readonly source: { readonly url: string; readonly extension: string; readonly gainDb: number };
  /** Resolves with the file's length once its element has loaded it. */
  readonly loaded: Promise<number>;
}

/**
 * When, after the join, the incoming element (muted) is first measured against the bridge: once it
 * can have played every frame the search compares (~90 ms looked for over leads of up to 0.26 s).
 * Tried again every `alignRetryMs` (a late element needs longer) until just before the handover back.
 */
const alignAfterJoinMs = 400;
const alignRetryMs = 40;
const alignUntilBeforeHandoverMs = 50;

/**
 * The pairs of neighbouring file entries that meet with a 0 s crossfade, where each side plays
 * at full gain for the bridge's length (a fade into the outgoing entry, or out of the incoming
 * one, would change the level under the handover).
 */
export function zeroCrossfadeJoins(entries: readonly PlannedEntry[], shape: JoinShape = defaultJoinShape): [PlannedEntry, PlannedEntry][] {
  const pairs: [PlannedEntry, PlannedEntry][] = [];
  for (let index = 1; index < entries.length; index += 1) {
    const outgoing = entries[index - 1];
    const incoming = entries[index];
    if (outgoing === undefined || incoming === undefined) continue;
    if (outgoing.segment.type !== 'file' || incoming.segment.type !== 'file') continue;
    if (incoming.fadeInMs !== 0 || outgoing.fadeOutMs !== 0 || outgoing.endMs !== incoming.startMs) continue;
    if (outgoing.endMs - outgoing.startMs - outgoing.fadeInMs < shape.tailSeconds * 1000) continue;
    if (incoming.endMs - incoming.startMs - incoming.fadeOutMs < shape.headSeconds * 1000) continue;
    pairs.push([outgoing, incoming]);
  }
  return pairs;
}

/**
 * The file entries that fade in and last past the bridge's head: their first second is played
 * from a decoded buffer started with the fade, as the media element's own start is late.
 */
export function crossfadeStarts(entries: readonly PlannedEntry[], shape: JoinShape = defaultJoinShape): PlannedEntry[] {
  return entries.filter((entry) => entry.segment.type === 'file' && entry.fadeInMs > 0 && entry.endMs - entry.startMs >= shape.headSeconds * 1000);
}

/** The outgoing entry's planned length is part of the key: a plan that cuts it short needs another join (or none). */
const joinKey = (outgoing: PlannedEntry | undefined, incoming: PlannedEntry) =>
  outgoing === undefined ? `\u2192${incoming.key}` : `${outgoing.key}\u2192${incoming.key}:${outgoing.endMs - outgoing.startMs}`;

export interface JoinsContext {
  readonly context: BaseAudioContext;
  /** Where a 0 s join's bridge plays: the music bus, after the decks (both at full gain around it). */
  readonly destination: AudioNode;
  readonly voiceFor: (entry: PlannedEntry) => JoinableVoice | undefined;
  /** Where the start of a crossfade plays: into the incoming entry's deck, under its fade-in. */
  readonly deckInputFor: (entry: PlannedEntry) => AudioNode | undefined;
  readonly audioTimeAt: (programMs: Milliseconds) => Seconds;
  readonly programNow: () => Milliseconds;
}

interface JoinRecord {
  readonly join: GaplessJoin;
  incoming: PlannedEntry;
  /** The incoming element's alignment with the bridge: not started, being tried, or over (done or given up). */
  alignment: 'to-do' | 'trying' | 'done';
}

/**
 * The session's gapless joins and sample-exact crossfade starts: made once the decks exist (well
 * before the join, when the next file is preloaded), scheduled while the programme plays, taken
 * back when it pauses or the plan moves, and disposed once played.
 */
export class GaplessJoins {
  private readonly joins = new Map<string, JoinRecord>();
  private readonly timers = new Timers();
  /** The time from the join to the handover back to the incoming element, in the default shape. */
  private readonly handoverBackMs: Milliseconds;
  private readonly shape: JoinShape;

  constructor(
    private readonly host: JoinsContext,
    shape: Partial<JoinShape> = {},
  ) {
    this.shape = { ...defaultJoinShape, ...shape };
    this.handoverBackMs = (this.shape.headSeconds - this.shape.edgeMarginSeconds - this.shape.handoverSeconds) * 1000;
  }

  /** Called on every tick while playing: creates the joins that are due and schedules those that are ready. */
  update(entries: readonly PlannedEntry[], programMs: Milliseconds): void {
    const planned = new Set<string>();
    const bridged: [PlannedEntry | undefined, PlannedEntry][] = [...zeroCrossfadeJoins(entries, this.shape), ...crossfadeStarts(entries, this.shape).map((entry) => [undefined, entry] as [undefined, PlannedEntry])];
    for (const [outgoing, incoming] of bridged) {
      const key = joinKey(outgoing, incoming);
      planned.add(key);
      if (programMs >= incoming.startMs + this.shape.headSeconds * 1000) continue;
      let record = this.joins.get(key);
      if (record === undefined) {
        const join = this.createJoin(outgoing, incoming);
        if (join === undefined) continue;
        record = { join, incoming, alignment: 'to-do' };
        this.joins.set(key, record);
      }
      record.incoming = incoming;
      if (record.join.status === 'ready') record.join.schedule(this.host.audioTimeAt(incoming.startMs));
      // Within a tick of the join, the alignment's own timer takes over.
      const sinceJoinMs = programMs - incoming.startMs;
      if (record.join.status === 'scheduled' && record.alignment === 'to-do' && sinceJoinMs > -1000) this.alignWhenPlayed(record);
    }
    for (const [key, record] of this.joins) {
      if (!planned.has(key) || programMs >= record.incoming.startMs + this.shape.headSeconds * 1000 + 500) {
        record.join.dispose();
        this.joins.delete(key);
      }
    }
  }

  private createJoin(outgoing: PlannedEntry | undefined, incoming: PlannedEntry): GaplessJoin | undefined {
    const to = this.host.voiceFor(incoming);
    if (to === undefined || incoming.segment.type !== 'file') return undefined;
    const incomingSide = { ...to.source, handover: to.handoverIn, fileSeconds: to.loaded, trimSeconds: incoming.segment.trimStartSeconds ?? 0, element: to };
    if (outgoing === undefined) {
      const deckInput = this.host.deckInputFor(incoming);
      if (deckInput === undefined) return undefined;
      return new GaplessJoin({ context: this.host.context, destination: deckInput, shape: this.shape, incoming: incomingSide });
    }
    const from = this.host.voiceFor(outgoing);
    if (from === undefined || outgoing.segment.type !== 'file') return undefined;
    const plannedEndInFile = (outgoing.segment.trimStartSeconds ?? 0) + (outgoing.endMs - outgoing.startMs) / 1000;
    return new GaplessJoin({
      context: this.host.context,
      destination: this.host.destination,
      shape: this.shape,
      outgoing: { ...from.source, handover: from.handoverOut, fileSeconds: from.loaded, trimSeconds: outgoing.segment.trimEndSeconds ?? 0, plannedEndInFile },
      incoming: incomingSide,
    });
  }

  /** Measures the incoming element against the bridge from `alignAfterJoinMs` after the join, on a timer of its own: ticks are too far apart. */
  private alignWhenPlayed(record: JoinRecord): void {
    record.alignment = 'trying';
    const attempt = async () => {
      const sinceJoinMs = this.host.programNow() - record.incoming.startMs;
      if (record.join.status !== 'scheduled' || sinceJoinMs >= this.handoverBackMs - alignUntilBeforeHandoverMs) {
        record.alignment = 'done';
        return;
      }
      if (sinceJoinMs >= alignAfterJoinMs && (await record.join.alignIncoming()) !== 'waiting') {
        record.alignment = 'done';
        return;
      }
      const nowMs = this.host.programNow() - record.incoming.startMs;
      this.timers.after(Math.max(alignRetryMs, alignAfterJoinMs - nowMs), () => void attempt());
    };
    void attempt();
  }

  /** The programme stops or its plan moves: every scheduled join gives the sound back to the elements. */
  unscheduleAll(): void {
    for (const { join } of this.joins.values()) join.unschedule();
  }

  /** For diagnostics and tests: each join's state, by "outgoing→incoming" entry keys. */
  statuses(): Record<string, string> {
    return Object.fromEntries([...this.joins].map(([key, { join }]) => [key, join.unavailableBecause === undefined ? join.status : `${join.status}: ${join.unavailableBecause}`]));
  }

  dispose(): void {
    this.timers.dispose();
    for (const { join } of this.joins.values()) join.dispose();
    this.joins.clear();
  }
}
