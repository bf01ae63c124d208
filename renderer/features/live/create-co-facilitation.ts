import { call } from '../../bridge/attune-bridge';
import { onHostEvent } from '../../bridge/host-events';
import { CoFacilitation } from './CoFacilitation';
import type { LiveSession } from './LiveSession';

/** The running session's co-facilitation, wired to this page's host; it asks where pairing stands at once (after a reload too). */
export function createCoFacilitation(session: LiveSession): CoFacilitation {
  const coFacilitation = new CoFacilitation(session.meta.id, {
    call,
    onStatus: (listener) => onHostEvent('pairing:status', listener),
    signIn: (initials) => session.signIn(initials),
  });
  void coFacilitation.refresh();
  return coFacilitation;
}
