import type { DeviceTransport } from '../../core/pairing/device-client';

/**
 * The device's link to its host: JSON over `fetch` to the page's own origin (the host's
 * local-network server). Rejects only when the network fails; any answer, error statuses
 * included, goes to the DeviceClient, which reads the body itself.
 */
export function fetchTransport(fetchImpl: typeof fetch = (input, init) => fetch(input, init)): DeviceTransport {
  return {
    async post(path, body) {
      const response = await fetchImpl(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        // Not JSON: the DeviceClient treats an unreadable answer as one its host would never give.
        parsed = text;
      }
      return { status: response.status, body: parsed };
    },
  };
}
