import { hostEventsPath, type HostEventName, type HostEventsApi } from '../../core/channels';
import { parseHostEvent, type HostEventPayload } from '../../core/host-events';

declare global {
  interface Window {
    /** Set by the desktop preload; absent in the web host (which streams Server-Sent Events). */
    readonly attuneEvents?: HostEventsApi;
  }
}

type Listener = (event: unknown) => void;

/** The web host's events: one EventSource for the page, open while anyone listens; it reconnects by itself. */
function serverSentEvents(): HostEventsApi {
  const listeners = new Set<Listener>();
  let source: EventSource | undefined;
  const deliver = (message: MessageEvent<string>) => {
    let event: unknown;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    for (const listener of [...listeners]) listener(event);
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (source === undefined) {
        source = new EventSource(new URL(hostEventsPath, window.location.href));
        source.addEventListener('host-event', deliver);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = undefined;
        }
      };
    },
  };
}

let events: HostEventsApi | undefined;

/**
 * Hears the host's `name` events (the contract's host → renderer table), each checked against
 * its schema; one that does not match is dropped. Answers the unsubscribe.
 */
export function onHostEvent<Name extends HostEventName>(name: Name, listener: (payload: HostEventPayload<Name>) => void): () => void {
  events ??= window.attuneEvents ?? serverSentEvents();
  return events.subscribe((raw) => {
    const event = parseHostEvent(raw);
    if (event?.name === name) listener(event.payload as HostEventPayload<Name>);
  });
}
