import type { AudioOutput } from '../../renderer/audio/AudioOutput';

/** An AudioParam that keeps its value and counts the automation it is given. */
export class FakeParam {
  automationCalls = 0;

  constructor(public value: number) {}

  cancelScheduledValues(): this {
    this.automationCalls += 1;
    return this;
  }

  setValueAtTime(value: number): this {
    this.automationCalls += 1;
    this.value = value;
    return this;
  }

  linearRampToValueAtTime(): this {
    this.automationCalls += 1;
    return this;
  }

  setValueCurveAtTime(): this {
    this.automationCalls += 1;
    return this;
  }
}

export class FakeGainNode {
  readonly gain = new FakeParam(1);
  disconnected = false;

  constructor(readonly context: FakeAudioContext) {}

  connect<Destination>(destination: Destination): Destination {
    return destination;
  }

  disconnect(): void {
    this.disconnected = true;
  }
}

/** Just enough of an AudioContext for the players' gain graph; its clock moves only when a test says so. */
export class FakeAudioContext {
  currentTime = 0;
  readonly gains: FakeGainNode[] = [];

  createGain(): FakeGainNode {
    const gain = new FakeGainNode(this);
    this.gains.push(gain);
    return gain;
  }
}

/**
 * The AudioOutput the players use, on any fake context that makes gains: the same buses, with
 * a programme that always sounds.
 */
export function fakeAudioOutputOn<Context extends { createGain(): unknown; readonly currentTime: number }>(
  context: Context,
): { readonly output: AudioOutput; readonly musicBus: ReturnType<Context['createGain']> } {
  const musicBus = context.createGain() as ReturnType<Context['createGain']>;
  const fake = {
    context,
    musicBus,
    bedBus: context.createGain(),
    soundscapeBus: { input: context.createGain() },
    get currentTime() {
      return context.currentTime;
    },
    start: () => Promise.resolve(),
    programLevelDb: () => -20,
  };
  return { output: fake as unknown as AudioOutput, musicBus };
}

/**
 * An AudioOutput for unit tests of the players, on a fake context. Files never load (give
 * `fetch` a promise that never settles).
 */
export function fakeAudioOutput(): { readonly output: AudioOutput; readonly context: FakeAudioContext } {
  const context = new FakeAudioContext();
  return { output: fakeAudioOutputOn(context).output, context };
}
