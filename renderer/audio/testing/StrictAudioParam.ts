type AutomationEvent =
  | { readonly kind: 'set'; readonly time: number; readonly value: number }
  | { readonly kind: 'linear'; readonly time: number; readonly value: number }
  | { readonly kind: 'curve'; readonly time: number; readonly duration: number; readonly values: readonly number[] };

/** Thrown where Chromium throws its NotSupportedError: the same sentence, so a test failure reads like the page error. */
export class AutomationOverlapError extends Error {
  override readonly name = 'NotSupportedError';
}

const describeEvent = (event: AutomationEvent): string =>
  event.kind === 'curve'
    ? `setValueCurveAtTime(..., ${event.time}, ${event.duration})`
    : `${event.kind === 'set' ? 'setValueAtTime' : 'linearRampToValueAtTime'}(${event.value}, ${event.time})`;

const curveEnd = (event: AutomationEvent & { kind: 'curve' }): number => event.time + event.duration;

/** A curve's value at `time`, interpolated linearly between its points; its last value from its end on. */
function curveValue(event: AutomationEvent & { kind: 'curve' }, time: number): number {
  const last = event.values.length - 1;
  if (time >= curveEnd(event)) return event.values[last] as number;
  const position = (last * (time - event.time)) / event.duration;
  const index = Math.min(last - 1, Math.floor(position));
  const from = event.values[index] as number;
  const to = event.values[index + 1] as number;
  return from + (to - from) * (position - index);
}

/**
 * For tests: an AudioParam timeline that refuses what Chromium refuses (an event inside a value
 * curve, a curve over another event or curve) and cancels as Chromium cancels (a curve under way
 * at the cancel time goes too), and that can say what value it holds at any time. The rules were
 * read off Chromium itself: tests/e2e/audio-offline.spec.ts checks that they still agree.
 */
export class StrictAudioParam {
  private events: AutomationEvent[] = [];
  automationCalls = 0;
  /** The time of the last cancelScheduledValues: where a new envelope took over. */
  lastCancelTime: number | undefined;

  /** `clock` is the context's currentTime: `value` reads the timeline there, as Chromium's getter does. */
  constructor(
    private initialValue: number,
    private readonly clock: () => number = () => 0,
  ) {}

  get value(): number {
    return this.valueAt(this.clock());
  }

  set value(value: number) {
    // Chromium ignores a plain value set while automation is scheduled; tests only set it on a fresh param.
    if (this.events.length === 0) this.initialValue = value;
  }

  setValueAtTime(value: number, time: number): this {
    return this.insert({ kind: 'set', time, value });
  }

  linearRampToValueAtTime(value: number, time: number): this {
    return this.insert({ kind: 'linear', time, value });
  }

  setValueCurveAtTime(values: ArrayLike<number>, time: number, duration: number): this {
    if (values.length < 2) throw new RangeError('a value curve needs at least 2 values');
    if (!(duration > 0)) throw new RangeError(`the curve's duration must be positive: ${duration}`);
    return this.insert({ kind: 'curve', time, duration, values: Array.from(values) });
  }

  cancelScheduledValues(time: number): this {
    this.automationCalls += 1;
    this.lastCancelTime = time;
    this.events = this.events.filter((event) => event.time < time && !(event.kind === 'curve' && curveEnd(event) > time));
    return this;
  }

  /** The scheduled events, in time order, for a test's message. */
  describe(): string[] {
    return this.events.map(describeEvent);
  }

  /** The timeline as it is now, kept aside: what would have been heard had nothing taken over. */
  snapshot(): (time: number) => number {
    const copy = new StrictAudioParam(this.initialValue);
    copy.events = [...this.events];
    return (time) => copy.valueAt(time);
  }

  /** What the param holds at `time` (seconds on the context's clock). */
  valueAt(time: number): number {
    let value = this.initialValue;
    let previousTime = 0;
    for (const [index, event] of this.events.entries()) {
      if (event.kind === 'linear') {
        if (time < event.time) {
          const span = event.time - previousTime;
          return span <= 0 ? event.value : value + ((event.value - value) * Math.max(0, time - previousTime)) / span;
        }
        value = event.value;
        previousTime = event.time;
        continue;
      }
      if (time < event.time) return value;
      if (event.kind === 'set') {
        value = event.value;
        previousTime = event.time;
        continue;
      }
      // A curve gives way to the next event, even one at its own start (Chromium lets a later curve's end value cut it off).
      const until = Math.min(curveEnd(event), this.events[index + 1]?.time ?? Number.POSITIVE_INFINITY);
      if (time < until) return curveValue(event, time);
      value = curveValue(event, until);
      previousTime = until;
    }
    return value;
  }

  private insert(event: AutomationEvent): this {
    this.automationCalls += 1;
    const overlapped = this.events.find((other) => StrictAudioParam.overlaps(event, other));
    if (overlapped !== undefined) {
      const method = event.kind === 'curve' ? 'setValueCurveAtTime' : event.kind === 'set' ? 'setValueAtTime' : 'linearRampToValueAtTime';
      throw new AutomationOverlapError(`Failed to execute '${method}' on 'AudioParam': ${describeEvent(event)} overlaps ${describeEvent(overlapped)}`);
    }
    this.place(event);
    // Chromium holds a curve's last value with a value set at its end, which replaces one set there before.
    if (event.kind === 'curve') this.place({ kind: 'set', time: curveEnd(event), value: event.values.at(-1) as number });
    return this;
  }

  /** An event of the same kind at the same time replaces the one there. */
  private place(event: AutomationEvent): void {
    const replaced = this.events.findIndex((other) => other.kind === event.kind && other.time === event.time);
    if (replaced >= 0) this.events.splice(replaced, 1);
    const at = this.events.findIndex((other) => other.time > event.time);
    this.events.splice(at < 0 ? this.events.length : at, 0, event);
  }

  private static overlaps(added: AutomationEvent, existing: AutomationEvent): boolean {
    if (added.kind === 'curve') {
      const end = curveEnd(added);
      if (existing.kind === 'curve') return added.time < curveEnd(existing) && existing.time < end;
      return existing.time > added.time && existing.time < end;
    }
    return existing.kind === 'curve' && added.time >= existing.time && added.time < curveEnd(existing);
  }
}
