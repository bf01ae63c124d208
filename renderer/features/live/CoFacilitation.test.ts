import { describe, expect, it } from 'vitest';
import type { Channel } from '../../../core/channels';
import type { HostCall } from '../../../core/contract';
import type { PairingStatus } from '../../../core/pairing-contract';
import { fail, ok, type Result } from '../../../core/result';
import { CoFacilitation } from './CoFacilitation';

const sessionId = '20261202-100000-abcdef';
const status = (changes: Partial<PairingStatus> = {}): PairingStatus => ({ sessionId, hostInitials: null, invitation: null, devices: [], listening: null, ...changes });

function harness(answer: (channel: Channel, request: unknown) => Result<unknown>) {
  const calls: [Channel, unknown][] = [];
  const signedIn: string[] = [];
  let listener: ((status: PairingStatus) => void) | undefined;
  const call = ((channel: Channel, request: unknown) => {
    calls.push([channel, request]);
    return Promise.resolve(answer(channel, request));
  }) as HostCall;
  const co = new CoFacilitation(sessionId, {
    call,
    onStatus: (each) => {
      listener = each;
      return () => (listener = undefined);
    },
    signIn: (initials) => signedIn.push(initials),
  });
  return { co, calls, signedIn, push: (next: PairingStatus) => listener?.(next) };
}

describe('CoFacilitation', () => {
  it('invites with the initials typed, signs the main facilitator in, and refuses empty initials without asking the host', async () => {
    const { co, calls, signedIn } = harness((channel, request) => ok(status({ hostInitials: (request as { hostInitials?: string }).hostInitials ?? null })));
    expect(await co.invite('   ')).toBe(false);
    expect(co.getState().problem).toMatch(/initials/);
    expect(calls).toEqual([]);
    expect(await co.invite(' AB ')).toBe(true);
    expect(calls).toEqual([['pairing:invite', { sessionId, hostInitials: 'AB' }]]);
    expect(signedIn.at(-1)).toBe('AB');
    expect(co.getState()).toMatchObject({ busy: false, problem: undefined, status: { hostInitials: 'AB' } });
  });

  it('says why the host refused, and keeps what it knew', async () => {
    const { co } = harness(() => fail('unsupported', 'inviting a co-facilitator is not available in this build yet'));
    expect(await co.remove('7b1e5a52-5f0e-4a5e-9d3c-1c1f3e0d8a11')).toBe(false);
    expect(co.getState()).toMatchObject({ busy: false, status: undefined, problem: 'inviting a co-facilitator is not available in this build yet' });
  });

  it("hears its own session's status events only, and learns the signed-in initials from them after a reload", () => {
    const { co, push, signedIn } = harness(() => ok(status()));
    push({ ...status({ hostInitials: 'XY' }), sessionId: '20261202-100000-ffffff' });
    expect(co.getState().status).toBeUndefined();
    push(status({ hostInitials: 'AB' }));
    expect(co.hostInitials()).toBe('AB');
    expect(signedIn).toEqual(['AB']);
    co.dispose();
    push(status({ hostInitials: 'CD' }));
    expect(co.hostInitials()).toBe('AB');
  });
});
