import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DeviceClient } from '../../core/pairing/device-client';
import { DeviceScreen } from './DeviceScreen';
import { fetchTransport } from './fetch-transport';
import { indexedDbDeviceStore } from './indexeddb-store';
import { parseInvitationFragment } from './invitation-fragment';
import './device.css';

/** Opens the device's stored pairing (if any) and shows the screen in `root`. */
export function startDevice(root: HTMLElement): void {
  // The code and the fingerprint are read once, then taken out of the address bar (and of the
  // history): the code must not be seen over a shoulder or reopened from the history later.
  const fragment = parseInvitationFragment(window.location.hash);
  if (window.location.hash !== '') window.history.replaceState(null, '', window.location.pathname + window.location.search);

  DeviceClient.open({ transport: fetchTransport(), store: indexedDbDeviceStore(), now: () => Date.now() }).then(
    (client) => {
      createRoot(root).render(
        <StrictMode>
          <DeviceScreen client={client} fragment={fragment} />
        </StrictMode>,
      );
    },
    (error: unknown) => {
      const message = document.createElement('p');
      message.className = 'device-problem';
      message.textContent = `This page cannot keep marks on this device (${error instanceof Error ? error.message : String(error)}). Open it in a normal (not private) browser window.`;
      root.replaceChildren(message);
    },
  );
}
