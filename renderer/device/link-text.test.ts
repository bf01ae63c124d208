import { describe, expect, it } from 'vitest';
import { canMark, describeLink } from './link-text';
import { groupCode, parseInvitationFragment } from './invitation-fragment';

describe('the device screen in words', () => {
  it('says what the link is doing and how much waits', () => {
    expect(describeLink({ link: 'offline', pending: 3 })).toBe('Offline — 3 marks waiting, they will be sent');
    expect(describeLink({ link: 'offline', pending: 1 })).toBe('Offline — 1 mark waiting, it will be sent');
    expect(describeLink({ link: 'online', pending: 0 })).toBe('Connected — everything sent');
    expect(describeLink({ link: 'removed', pending: 0 })).toBe('Removed by the main screen');
    expect(describeLink({ link: 'refused-host', pending: 2 })).toBe('This is not your Attune — refused');
  });

  it('keeps marking while the link is down or a forged host answered, never after the pairing ended', () => {
    expect(['online', 'offline', 'refused-host'].every((link) => canMark({ link: link as 'online' }))).toBe(true);
    expect(['unpaired', 'pairing', 'removed', 'session-ended'].some((link) => canMark({ link: link as 'online' }))).toBe(false);
  });

  it("reads the QR code's fragment: the code and the fingerprint, normalised", () => {
    expect(parseInvitationFragment('#c=ABCD%20EF23&f=AB:CD:01')).toEqual({ code: 'ABCD EF23', fingerprint: 'abcd01' });
    expect(parseInvitationFragment('')).toEqual({ code: undefined, fingerprint: undefined });
    expect(groupCode('abcdef23')).toBe('ABCD EF23');
  });
});
