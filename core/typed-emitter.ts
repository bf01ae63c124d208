export type Unsubscribe = () => void;

/** Told of each listener that threw, with the event it was listening to. */
export type ListenerErrorReporter = (error: unknown, eventName: string) => void;

/**
 * The default reporter hands the error to the host as an unhandled rejection: the browser
 * logs it as uncaught (with its stack) and an `unhandledrejection` handler sees it, yet the
 * emitter has already gone on to the next listener.
 */
export const reportAsUnhandledRejection: ListenerErrorReporter = (error) => {
  void Promise.reject(error);
};

/**
 * A small typed event emitter: `on()` returns its own unsubscribe. A listener that throws
 * never stops an `emit()` part-way: every other listener is still called, and so is the code
 * after the `emit()` (a player's tick goes on updating its state); each throw goes to the
 * reporter given to the constructor (by default an unhandled rejection).
 */
export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  constructor(private readonly reportListenerError: ListenerErrorReporter = reportAsUnhandledRejection) {}

  on<Name extends keyof Events>(name: Name, listener: (payload: Events[Name]) => void): Unsubscribe {
    let set = this.listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  protected emit<Name extends keyof Events>(name: Name, payload: Events[Name]): void {
    const set = this.listeners.get(name);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (payload: Events[Name]) => void)(payload);
      } catch (error) {
        this.reportThrow(error, String(name));
      }
    }
  }

  private reportThrow(error: unknown, eventName: string): void {
    try {
      this.reportListenerError(error, eventName);
    } catch {
      // A reporter that throws in turn must not stop the emit either: the original error goes the default way.
      reportAsUnhandledRejection(error, eventName);
    }
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
