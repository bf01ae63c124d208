import { describe, expect, it } from 'vitest';
import { fromHex, open, seal, toHex } from './channel';
import { cpaceKeys, cpaceShare, type CpaceKeys } from './cpace';
import { DeviceClient, type DeviceTransport, type StoredDevice } from './device-client';
import { deviceEnvelopeSchema, deviceRequestSchema, finishRequestSchema, pairingPaths, startRequestSchema, type DeviceMark, type Feed } from './protocol';
import { MemoryDeviceStore } from '../../tests/support/memory-device-store';

const code = 'K7QM4XTP';
const invitationId = '3f0c6a58-7a53-4c2e-9d1b-8d4d3f0a2b11';
const hostId = 'ab12cd34';

const emptyFeed = (hostTime: number): Feed => ({
  revision: 1,
  clock: { hostTime, sessionMs: 60_000 },
  session: { title: 'Session', phaseTitle: null, trackTitle: null, markKinds: [], states: [], currentStateId: null },
  marks: [],
});

/**
 * A minimal host speaking the protocol, on a fake clock: its own clock runs `hostAhead` ms ahead
 * of the device's, and each request takes the round trip set for it (half each way).
 */
class FakeHost implements DeviceTransport {
  now = 1_000_000;
  hostAhead = 7_000;
  /** Each request's time to the host and back; a lopsided one misleads an offset estimate by half the difference. */
  legs: [number, number][] = [];
  readonly received: DeviceMark[] = [];
  private keys: CpaceKeys | undefined;
  private deviceId = '';

  async post(urlPath: string, body: unknown): Promise<{ status: number; body: unknown }> {
    // A feed request is held, as the real host holds it while nothing changes (here: for ever).
    if (urlPath === pairingPaths.device && this.opOf(body) === 'feed') return new Promise(() => undefined);
    const [there, back] = this.legs.shift() ?? [5, 5];
    this.now += there;
    const hostTime = this.now + this.hostAhead;
    const answer = this.answer(urlPath, body, hostTime);
    this.now += back;
    return answer;
  }

  private opOf(body: unknown): string | undefined {
    const envelope = deviceEnvelopeSchema.parse(body);
    const binding = { deviceId: envelope.deviceId, counter: envelope.counter, direction: 'device-to-host' as const, path: pairingPaths.device };
    return deviceRequestSchema.parse(open((this.keys as CpaceKeys).deviceToHost, binding, envelope.box)?.value).op;
  }

  private answer(urlPath: string, body: unknown, hostTime: number): { status: number; body: unknown } {
    if (urlPath === pairingPaths.hello) return { status: 200, body: { invitationId, hostId, hostTime } };
    if (urlPath === pairingPaths.start) {
      const request = startRequestSchema.parse(body);
      this.deviceId = request.deviceId;
      const context = { code, invitationId, deviceId: request.deviceId, hostId };
      const own = cpaceShare(context);
      this.keys = cpaceKeys(context, 'host', own, fromHex(request.share));
      return { status: 200, body: { share: toHex(own.share), hostConfirm: toHex(this.keys.hostConfirm), hostTime } };
    }
    const keys = this.keys as CpaceKeys;
    if (urlPath === pairingPaths.finish) {
      finishRequestSchema.parse(body);
      const binding = { deviceId: this.deviceId, counter: 0, direction: 'host-to-device' as const, path: pairingPaths.finish };
      return { status: 200, body: { box: seal(keys.hostToDevice, binding, { hostTime, feed: emptyFeed(hostTime) }) } };
    }
    const envelope = deviceEnvelopeSchema.parse(body);
    const binding = { deviceId: envelope.deviceId, counter: envelope.counter, direction: 'device-to-host' as const, path: pairingPaths.device };
    const request = deviceRequestSchema.parse(open(keys.deviceToHost, binding, envelope.box)?.value);
    const accepted = request.op === 'mark' ? request.marks.map((mark) => mark.id) : [];
    if (request.op === 'mark') this.received.push(...request.marks);
    return {
      status: 200,
      body: { box: seal(keys.hostToDevice, { ...binding, direction: 'host-to-device' }, { status: 'ok', hostTime, accepted, rejected: [], feed: null }) },
    };
  }
}


/** Lets the client's loops run between steps; the fake `wait` never lets a feed time out. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('DeviceClient clock', () => {
  it('times marks on the host clock, keeping the offset measured with the lowest round trip', async () => {
    const host = new FakeHost();
    // The pairing's start request is slow and lopsided (390 ms there, 10 back): alone it would put the host 190 ms off.
    host.legs = [
      [5, 5],
      [390, 10],
    ];
    const client = await DeviceClient.open({ transport: host, store: new MemoryDeviceStore(), now: () => host.now, wait: () => new Promise(() => undefined) });
    await client.pair(code, 'CO');
    expect(client.view().link).toBe('online');
    await settle();
    host.legs = [
      [1, 1],
      [1, 1],
      [1, 1],
    ];
    // The first mark is timed with the only estimate there is, the pairing's; its answer (2 ms there and back) refines it.
    const firstAt = host.now;
    await client.mark('resonance');
    await settle();
    const secondAt = host.now;
    await client.mark('resonance');
    await settle();
    client.dispose();
    expect(host.received).toHaveLength(2);
    const error = (index: number, at: number) => Math.abs((host.received[index]?.madeAtHostMs ?? 0) - (at + host.hostAhead));
    expect(error(0, firstAt)).toBe(190);
    expect(error(1, secondAt)).toBeLessThanOrEqual(1);
  });

  it('resolves mark() only once the mark is in the durable store', async () => {
    const host = new FakeHost();
    const store = new MemoryDeviceStore();
    const client = await DeviceClient.open({ transport: host, store, now: () => host.now, wait: () => new Promise(() => undefined) });
    await client.pair(code, 'CO');
    const saves: StoredDevice[] = [];
    store.save = async (state) => {
      saves.push(structuredClone(state));
    };
    const id = await client.mark('distress', { note: 'kept' });
    expect(saves.some((state) => state.pendingMarks.some((mark) => mark.id === id && mark.note === 'kept'))).toBe(true);
    client.dispose();
  });
});
