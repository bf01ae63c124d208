import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildPlan, type SessionPlan } from '../../core/plan';
import type { Playlist } from '../../core/playlist';
import { fakeAudioOutput, type FakeAudioContext } from '../../tests/support/fake-audio-output';
import { unhandledRejectionsDuring } from '../../tests/support/unhandled-rejections';
import { SessionPlayer } from './SessionPlayer';

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
