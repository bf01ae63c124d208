import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeAudioOutput } from '../../tests/support/fake-audio-output';
import type { AudioOutput } from './AudioOutput';
import { CuratorPreview, type PreviewRequest } from './CuratorPreview';
import { ReviewPlayer, type ReplayRequest } from './ReviewPlayer';

const trackPreview = (id: string): PreviewRequest => ({
  kind: 'track',
  id,
  label: id,
  item: { segment: { type: 'file', id, path: `${id}.flac`, durationSeconds: 120 }, url: `http://media.invalid/${id}.flac`, gainDb: -3 },
});

const replay = (id: string): ReplayRequest => ({
  id,
  label: id,
  source: { type: 'file', url: `http://media.invalid/${id}.flac`, path: `${id}.flac`, gainDb: -3, mediaStartSeconds: 0 },
  fromMs: 30_000,
});

/** Lets the player's awaits (the output starting) resolve; no timer is run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
}

beforeEach(() => {
  vi.useFakeTimers();
  // Files never load here: what is tested is the players' own timing and graph.
  vi.stubGlobal('fetch', () => new Promise<never>(() => undefined));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Each audition player, and how to start a take of it by id. */
const players = [
  {
    name: 'CuratorPreview',
    open: (output: AudioOutput) => {
      const player = new CuratorPreview(() => output);
      return { player, start: (id: string) => player.play(trackPreview(id)) };
    },
  },
  {
    name: 'ReviewPlayer',
    open: (output: AudioOutput) => {
      const player = new ReviewPlayer(() => output);
      return { player, start: (id: string) => player.play(replay(id)) };
    },
  },
];

describe.each(players)('$name.dispose', ({ open }) => {
  it('while a replaced take fades out leaves no timer to fire and frees every node at once', async () => {
    const { output, context } = fakeAudioOutput();
    const busCount = context.gains.length;
    const { player, start } = open(output);

    void start('first');
    await settle();
    expect(player.getState()).toMatchObject({ status: 'loading', id: 'first' });
    // The second take fades the first one out (freed once the fade is over).
    void start('second');
    await settle();
    expect(player.getState()).toMatchObject({ status: 'loading', id: 'second' });
    expect(vi.getTimerCount()).toBeGreaterThan(0);

    player.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(player.getState()).toEqual({ status: 'idle' });
    const ownNodes = context.gains.slice(busCount);
    expect(ownNodes.length).toBeGreaterThan(0);
    expect(ownNodes.filter((gain) => !gain.disconnected)).toEqual([]);

    const automation = ownNodes.map((gain) => gain.gain.automationCalls);
    vi.advanceTimersByTime(60_000);
    expect(ownNodes.map((gain) => gain.gain.automationCalls)).toEqual(automation);
  });
});
