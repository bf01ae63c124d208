import type { DeviceView } from '../../core/pairing/device-client';

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** The link's state in words, for the top of the device screen. */
export function describeLink(view: Pick<DeviceView, 'link' | 'pending'>): string {
  // Details and state changes wait with the marks and go with them: to the facilitator they are all marks.
  const waiting = plural(view.pending, 'mark', 'marks');
  switch (view.link) {
    case 'unpaired':
      return 'Not paired';
    case 'pairing':
      return 'Pairing…';
    case 'online':
      return view.pending === 0 ? 'Connected — everything sent' : `Connected — sending ${waiting}`;
    case 'offline':
      return view.pending === 0
        ? 'Offline — nothing waiting; marks made now are kept and sent'
        : `Offline — ${waiting} waiting, ${view.pending === 1 ? 'it' : 'they'} will be sent`;
    case 'removed':
      return 'Removed by the main screen';
    case 'session-ended':
      return 'The session has ended';
    case 'refused-host':
      return 'This is not your Attune — refused';
  }
}

/** Whether new marks can be made here now (kept durably while the link is down or the host refused). */
export function canMark(view: Pick<DeviceView, 'link'>): boolean {
  return view.link === 'online' || view.link === 'offline' || view.link === 'refused-host';
}
