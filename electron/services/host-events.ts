import type { HostEventName } from '../../core/channels';
import { hostEvents, type HostEvent, type HostEventPayload } from '../../core/host-events';

export type HostEventListener = (event: HostEvent) => void;

/**
 * Names whose every event matters (each carries different journal events): sent at once, never
 * folded into the latest, and not replayed to a late subscriber (the journal has them).
 */
const deliveredEach: ReadonlySet<HostEventName> = new Set<HostEventName>(['journal:remote-events']);

export interface HostEventHubOptions {
  /**
   * A name's events go out at most this often; what came between is folded into the latest
   * (a scan reports every file: the renderer needs the bar, not each step).
   */
  readonly minIntervalMs: number;
  readonly log: (line: string) => void;
}

/**
 * The host's side of the contract's events: services publish, each host's transport (IPC
 * windows, Server-Sent Events streams) subscribes. A payload is checked against the contract
 * before it goes; the latest of each name is kept so a renderer that connects (or reconnects)
 * late starts from where things are.
 */
export class HostEventHub {
  static readonly defaults: HostEventHubOptions = { minIntervalMs: 100, log: (line) => console.error(line) };

  private readonly options: HostEventHubOptions;
  private readonly listeners = new Set<HostEventListener>();
  private readonly latestByName = new Map<HostEventName, HostEvent>();
  private readonly lastSentAt = new Map<HostEventName, number>();
  private readonly held = new Map<HostEventName, ReturnType<typeof setTimeout>>();
  private disposed = false;

  constructor(options: Partial<HostEventHubOptions> = {}) {
    this.options = { ...HostEventHub.defaults, ...options };
  }

  publish<Name extends HostEventName>(name: Name, payload: HostEventPayload<Name>): void {
    if (this.disposed) return;
    const parsed = hostEvents[name].safeParse(payload);
    if (!parsed.success) {
      // A service's bug: never sent as it is, and never allowed to stop the work that reported it.
      this.options.log(`attune: host event ${name} does not match the contract and was not sent: ${parsed.error.message.slice(0, 300)}`);
      return;
    }
    const event = { name, payload: parsed.data } as HostEvent;
    if (deliveredEach.has(name)) {
      this.deliver(event);
      return;
    }
    this.latestByName.set(name, event);
    if (this.held.has(name)) return;
    const waitMs = (this.lastSentAt.get(name) ?? Number.NEGATIVE_INFINITY) + this.options.minIntervalMs - performance.now();
    if (waitMs <= 0) {
      this.send(name);
      return;
    }
    this.held.set(
      name,
      setTimeout(() => {
        this.held.delete(name);
        this.send(name);
      }, waitMs),
    );
  }

  /** `listener` hears every event from now on; answers its unsubscribe. */
  subscribe(listener: HostEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest event of each name published so far (for a transport that has just connected). */
  latest(): HostEvent[] {
    return [...this.latestByName.values()];
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.held.values()) clearTimeout(timer);
    this.held.clear();
    this.listeners.clear();
  }

  private send(name: HostEventName): void {
    const event = this.latestByName.get(name);
    if (event === undefined) return;
    this.lastSentAt.set(name, performance.now());
    this.deliver(event);
  }

  private deliver(event: HostEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One window or stream that fails must not keep the event from the others.
        this.options.log(`attune: a host event listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
