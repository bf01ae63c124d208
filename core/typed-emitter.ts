export type Unsubscribe = () => void;

/** A small typed event emitter: `on()` returns its own unsubscribe. */
export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

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
    for (const listener of [...set]) (listener as (payload: Events[Name]) => void)(payload);
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
