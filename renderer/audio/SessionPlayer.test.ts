import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildElasticPlan } from '../../core/elastic-plan';
import type { PlanAction } from '../../core/events';
import { buildPlan, type PlannedEntry, type SessionPlan } from '../../core/plan';
import type { Playlist } from '../../core/playlist';
import { fakeAudioOutput, fakeAudioOutputOn, type FakeAudioContext } from '../../tests/support/fake-audio-output';
import { unhandledRejectionsDuring } from '../../tests/support/unhandled-rejections';
import type { AudioOutput } from './AudioOutput';
import { SessionPlayer } from './SessionPlayer';
import { StrictAudioParam } from './testing/StrictAudioParam';

const file = (id: string) => ({ type: 'file' as const, id, path: `${id}.flac`, durationSeconds: 120 });

function planOf(ids: readonly string[]): SessionPlan {
  const playlist: Playlist = {
    format: 'attune.playlist',
    version: 1,
    id: 'timers',
    title: 'Timers',
    crossfadeSeconds: 6,
    phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: (ids.length * 120) / 60, segments: ids.map(file) }],
  };
  return buildPlan(playlist);
}

function playerAt(programMs: number, plan: SessionPlan): { readonly player: SessionPlayer; readonly context: FakeAudioContext } {
  const { output, context } = fakeAudioOutput();
  const player = new SessionPlayer(output, plan, programMs, {
    resolveFile: (entry) => ({ url: `http://media.invalid/${entry.segment.id}.flac`, gainDb: 0 }),
    gaplessJoins: false,
  });
  return { player, context };
}

/** The middle of the crossfade from the first entry into the second. */
function midCrossfadeMs(plan: SessionPlan): number {
  const incoming = plan.entries[1];
  if (incoming === undefined || incoming.fadeInMs <= 0) throw new Error('the plan has no crossfade');
  return incoming.startMs + incoming.fadeInMs / 2;
}

const automationCalls = (context: FakeAudioContext): number => context.gains.reduce((sum, gain) => sum + gain.gain.automationCalls, 0);

// A bridge soundscape is only a deck's input here (Tone needs a real AudioContext).
vi.mock('./soundscapes/Soundscape', () => ({
  createSoundscape: () => ({ output: { connect: () => undefined, disconnect: () => undefined }, start: () => undefined, stop: () => undefined, dispose: () => undefined }),
}));

beforeEach(() => {
  // Files never load here: what is tested is the player's own timing and graph.
  vi.stubGlobal('fetch', () => new Promise<never>(() => undefined));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('SessionPlayer.dispose', () => {
  it('mid-crossfade, mid-fade and with a cut deck fading out, leaves no timer to fire and frees every node at once', async () => {
    vi.useFakeTimers();
    const plan = planOf(['a', 'b']);
    const { player, context } = playerAt(midCrossfadeMs(plan), plan);
    const busCount = context.gains.length;
    await player.play();
    expect(player.deckCount()).toBe(2);
    context.currentTime += 0.4;
    vi.advanceTimersByTime(400);

    // The incoming deck is cut from the plan (it fades out over 0.5 s, freed after 0.7 s) and the music pauses (a 0.8 s fade).
    player.replacePlan(planOf(['a']));
    player.pause();
    expect(player.deckCount()).toBe(1);
    expect(vi.getTimerCount()).toBeGreaterThan(0);

    player.dispose();
    expect(vi.getTimerCount()).toBe(0);
    const ownNodes = context.gains.slice(busCount);
    expect(ownNodes.length).toBeGreaterThan(0);
    expect(ownNodes.filter((gain) => !gain.disconnected)).toEqual([]);

    const callsAtDispose = automationCalls(context);
    const stateAtDispose = player.getState();
    context.currentTime += 60;
    vi.advanceTimersByTime(60_000);
    expect(automationCalls(context)).toBe(callsAtDispose);
    expect(player.getState()).toBe(stateAtDispose);
  });

  it('while playing stops the tick: nothing runs after it', async () => {
    vi.useFakeTimers();
    const plan = planOf(['a', 'b']);
    const { player, context } = playerAt(midCrossfadeMs(plan), plan);
    await player.play();
    const states: string[] = [];
    player.on('state', (state) => states.push(state.status));
    context.currentTime += 0.4;
    vi.advanceTimersByTime(400);
    expect(states.length).toBeGreaterThan(0);

    player.dispose();
    expect(vi.getTimerCount()).toBe(0);
    const heard = states.length;
    vi.advanceTimersByTime(10_000);
    expect(states.length).toBe(heard);
  });
});

describe('SessionPlayer tick', () => {
  it('with a listener that throws still reaches every later listener and updates its own state', async () => {
    const plan = planOf(['a', 'b']);
    const { player } = playerAt(1000, plan);
    const failure = new Error('listener bug');
    const heard: string[] = [];
    player.on('phase-started', () => {
      throw failure;
    });
    player.on('phase-started', ({ phase }) => heard.push(`phase ${phase.id}`));
    player.on('entry-started', ({ entry }) => heard.push(`entry ${entry.segment.id}`));
    player.on('state', (state) => heard.push(`state ${state.status}`));

    const rejections = await unhandledRejectionsDuring(() => player.play());

    expect(heard).toEqual(['state starting', 'phase onset', 'entry a', 'state playing']);
    expect(player.getState().status).toBe('playing');
    expect(player.getState().position?.entry.segment.id).toBe('a');
    expect(rejections).toEqual([failure]);
    player.dispose();
  });
});

/**
 * A gain node whose param keeps Chromium's automation rules (tests refuse what the browser
 * would) and remembers what it feeds, so a test can find the decks (the gains on the music bus).
 */
class StrictGainNode {
  readonly gain: StrictAudioParam;
  destination: unknown;

  constructor(
    readonly context: JitteryAudioContext,
    clock: () => number,
  ) {
    this.gain = new StrictAudioParam(1, clock);
  }

  connect<Destination>(destination: Destination): Destination {
    this.destination = destination;
    return destination;
  }

  disconnect(): void {
    this.destination = undefined;
  }
}

/**
 * An AudioContext clock that moves on by one output callback (1024 frames at 44.1 kHz, ~23 ms,
 * as Chromium's does under latencyHint 'playback') every time the main thread reads it: the
 * audio thread never waits for the player between two reads.
 */
class JitteryAudioContext {
  static readonly sampleRate = 44_100;
  frames = 0;
  framesPerRead = 1024;
  readonly gains: StrictGainNode[] = [];

  get currentTime(): number {
    this.frames += this.framesPerRead;
    return this.frames / JitteryAudioContext.sampleRate;
  }

  /** The time without moving it on: what the params read their value at. */
  peek(): number {
    return this.frames / JitteryAudioContext.sampleRate;
  }

  createGain(): StrictGainNode {
    const gain = new StrictGainNode(this, () => this.peek());
    this.gains.push(gain);
    return gain;
  }
}

function strictOutput(): { readonly output: AudioOutput; readonly context: JitteryAudioContext; readonly musicBus: StrictGainNode } {
  const context = new JitteryAudioContext();
  const { output, musicBus } = fakeAudioOutputOn(context);
  return { output, context, musicBus };
}

function playlistOf(crossfadeSeconds: number, segments: readonly { readonly id: string; readonly seconds: number }[]): Playlist {
  const totalSeconds = segments.reduce((sum, segment) => sum + segment.seconds, 0);
  return {
    format: 'attune.playlist',
    version: 1,
    id: 'takeover',
    title: 'Takeover',
    crossfadeSeconds,
    phases: [
      {
        id: 'onset',
        kind: 'onset',
        title: 'Onset',
        targetMinutes: totalSeconds / 60,
        segments: segments.map(({ id, seconds }) => ({ type: 'file' as const, id, path: `${id}.flac`, durationSeconds: seconds })),
      },
    ],
  };
}

function strictPlayer(plan: SessionPlan, atProgramMs: number) {
  const { output, context, musicBus } = strictOutput();
  const player = new SessionPlayer(output, plan, atProgramMs, {
    resolveFile: (entry) => ({ url: `http://media.invalid/${entry.segment.id}.flac`, gainDb: 0 }),
    gaplessJoins: false,
  });
  const deckGains = () => context.gains.filter((gain) => gain.destination === musicBus);
  return { player, context, deckGains };
}

/** The largest change of a param's value from one millisecond to the next over [from, to]. */
function largestStep(param: StrictAudioParam, from: number, to: number): { readonly step: number; readonly at: number } {
  let worst = { step: 0, at: from };
  let previous = param.valueAt(from);
  for (let time = from + 0.001; time <= to; time += 0.001) {
    const value = param.valueAt(time);
    if (Math.abs(value - previous) > worst.step) worst = { step: Math.abs(value - previous), at: time };
    previous = value;
  }
  return worst;
}

describe('SessionPlayer deck envelopes on a clock that runs on while the player works', () => {
  it('schedules a short entry whose fade-in ends where its fade-out begins without overlapping curves (the CI page error)', async () => {
    // b lasts 4 s between two 2 s crossfades: its fade-in ends exactly where its fade-out begins.
    const plan = buildPlan(playlistOf(2, [{ id: 'a', seconds: 60 }, { id: 'b', seconds: 4 }, { id: 'c', seconds: 60 }]));
    const b = plan.entries[1] as PlannedEntry;
    expect(b.startMs + b.fadeInMs).toBe(b.endMs - b.fadeOutMs);
    // The session resumes 0.32 s into b's fade-in: its envelope is scheduled part-way, a few callbacks after the program time was read.
    const { player, context, deckGains } = strictPlayer(plan, b.startMs + 320);

    await player.play();

    const gain = (deckGains()[1] as StrictGainNode).gain;
    const now = context.peek();
    const endAt = now + (b.endMs - b.startMs - 320) / 1000 + 0.5;
    const { step, at } = largestStep(gain, now, endAt);
    expect(step, `a ${step.toFixed(3)} step at ${at.toFixed(3)} s in ${gain.describe().join(', ')}`).toBeLessThan(0.01);
    expect(gain.valueAt(endAt)).toBe(0);
    player.dispose();
  });

  it('survives the CI sequence: a second skip while the first one\'s crossfade still fades the next entry in', async () => {
    const playlist = playlistOf(2, [{ id: 'a', seconds: 60 }, { id: 'b', seconds: 60 }, { id: 'c', seconds: 60 }]);
    const { player, context, deckGains } = strictPlayer(buildPlan(playlist), 5000);
    await player.play();
    const skipA = { kind: 'skip' as const, segmentId: 'a', programMs: Math.round(player.programNow()) };
    player.replacePlan(buildElasticPlan(playlist, [skipA]));
    // 0.32 s later, b is playing (and fading in): skipping it settles where its fade-in ends, and its fade-out begins there.
    context.frames += Math.round(0.32 * JitteryAudioContext.sampleRate);
    const skipB = { kind: 'skip' as const, segmentId: 'b', programMs: Math.round(player.programNow()) };
    const skipped = buildElasticPlan(playlist, [skipA, skipB]);
    expect(skipped.actions.map((outcome) => outcome.applied)).toEqual([true, true]);
    const b = skipped.entries.find((entry) => entry.segment.id === 'b') as PlannedEntry;
    expect(b.startMs + b.fadeInMs).toBe(b.endMs - b.fadeOutMs);
    const bGain = (deckGains()[1] as StrictGainNode).gain;
    const wouldHaveBeen = bGain.snapshot();

    player.replacePlan(skipped);

    // Before the takeover the audio thread has already played the old timeline: the new one goes on from it.
    const takeOver = bGain.lastCancelTime as number;
    expect(Math.abs(bGain.valueAt(takeOver) - wouldHaveBeen(takeOver))).toBeLessThan(0.01);
    const endAt = takeOver + (b.endMs - skipB.programMs) / 1000 + 0.5;
    const { step, at } = largestStep(bGain, takeOver, endAt);
    expect(step, `a ${step.toFixed(3)} step at ${at.toFixed(3)} s in ${bGain.describe().join(', ')}`).toBeLessThan(0.01);
    expect(bGain.valueAt(endAt)).toBe(0);
    player.dispose();
  });

  it('whatever the plan, the clock and the skips, pauses and resumes, never schedules automation Web Audio refuses', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 4000 }) }),
      fc.record({ kind: fc.constant('skip' as const) }),
      fc.record({ kind: fc.constant('pause' as const) }),
      fc.record({ kind: fc.constant('play' as const) }),
      fc.record({ kind: fc.constant('replan' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.integer({ min: 2, max: 30 }), { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 0, max: 2048 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(step, { maxLength: 12 }),
        async (crossfadeSeconds, lengths, framesPerRead, startMs, steps) => {
          const playlist = playlistOf(
            crossfadeSeconds,
            lengths.map((seconds, index) => ({ id: `s${index}`, seconds })),
          );
          vi.useFakeTimers();
          const actions: PlanAction[] = [];
          const { player, context } = strictPlayer(buildPlan(playlist), startMs);
          context.framesPerRead = framesPerRead;
          try {
            await player.play();
            for (const action of steps) {
              if (action.kind === 'wait') {
                // The audio clock and the player's tick move on together, 200 ms at a time.
                for (let waited = 0; waited < action.ms; waited += 200) {
                  context.frames += Math.round(0.2 * JitteryAudioContext.sampleRate);
                  vi.advanceTimersByTime(200);
                }
              } else if (action.kind === 'replan') {
                player.replacePlan(player.getPlan());
              } else if (action.kind === 'pause') {
                player.pause();
              } else if (action.kind === 'play') {
                await player.play();
              } else {
                const segmentId = player.getState().position?.entry.segment.id;
                if (segmentId === undefined || player.getState().status !== 'playing') continue;
                const attempt = buildElasticPlan(playlist, [...actions, { kind: 'skip', segmentId, programMs: Math.round(player.programNow()) }]);
                if (attempt.actions.at(-1)?.applied !== true) continue;
                actions.push({ kind: 'skip', segmentId, programMs: Math.round(player.programNow()) });
                player.replacePlan(attempt);
              }
            }
          } finally {
            player.dispose();
            vi.useRealTimers();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
