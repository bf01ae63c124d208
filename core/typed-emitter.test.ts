import { describe, expect, it } from 'vitest';
import { unhandledRejectionsDuring } from '../tests/support/unhandled-rejections';
import { TypedEmitter, type ListenerErrorReporter } from './typed-emitter';

interface CounterEvents extends Record<string, unknown> {
  count: number;
  done: undefined;
}

class Counter extends TypedEmitter<CounterEvents> {
  value = 0;

  increment(): void {
    this.value += 1;
    this.emit('count', this.value);
    this.emit('done', undefined);
  }
}

describe('TypedEmitter', () => {
  it('calls every listener after one that throws, and the emitter’s own code after emit() goes on', () => {
    const reported: { error: unknown; eventName: string }[] = [];
    const counter = new Counter((error, eventName) => reported.push({ error, eventName }));
    const heard: string[] = [];
    const failure = new Error('listener bug');
    counter.on('count', (value) => heard.push(`first ${value}`));
    counter.on('count', () => {
      throw failure;
    });
    counter.on('count', (value) => heard.push(`third ${value}`));
    counter.on('done', () => heard.push('done'));

    counter.increment();
    counter.increment();

    expect(heard).toEqual(['first 1', 'third 1', 'done', 'first 2', 'third 2', 'done']);
    expect(counter.value).toBe(2);
    expect(reported).toEqual([
      { error: failure, eventName: 'count' },
      { error: failure, eventName: 'count' },
    ]);
  });

  /** A throwing listener, then one that records; what the later one heard and what reached the host as unhandled. */
  async function emitPastAThrow(reporter?: ListenerErrorReporter): Promise<{ heard: number[]; rejections: unknown[]; failure: Error }> {
    const failure = new Error('listener bug');
    const heard: number[] = [];
    const rejections = await unhandledRejectionsDuring(() => {
      const counter = reporter === undefined ? new Counter() : new Counter(reporter);
      counter.on('count', () => {
        throw failure;
      });
      counter.on('count', (value) => heard.push(value));
      counter.increment();
    });
    return { heard, rejections, failure };
  }

  it('reports each throw by default as an unhandled rejection, after every listener has run', async () => {
    const { heard, rejections, failure } = await emitPastAThrow();
    expect(heard).toEqual([1]);
    expect(rejections).toEqual([failure]);
  });

  it('goes on, and reports the listener’s error, when the reporter itself throws', async () => {
    const { heard, rejections, failure } = await emitPastAThrow(() => {
      throw new Error('reporter bug');
    });
    expect(heard).toEqual([1]);
    expect(rejections).toEqual([failure]);
  });

  it('stops calling a listener once unsubscribed, even during an emit', () => {
    const counter = new Counter(() => undefined);
    const heard: string[] = [];
    let unsubscribeSecond: () => void = () => undefined;
    counter.on('count', () => {
      heard.push('first');
      unsubscribeSecond();
    });
    unsubscribeSecond = counter.on('count', () => heard.push('second'));
    counter.increment();
    counter.increment();
    // The listener set is copied when an emit begins: the second still hears the first emit.
    expect(heard).toEqual(['first', 'second', 'first']);
  });
});
