import { describe, expect, it } from 'vitest';
import { cpaceKeys, cpaceShare, sameTag, type CpaceContext } from './cpace';
import { formatPairingCode, newPairingCode, normalisePairingCode, PAIRING_CODE_ALPHABET } from './pairing-code';

const context: CpaceContext = {
  code: 'K7QM 4XTP',
  invitationId: '3f0c6a58-7a53-4c2e-9d1b-8d4d3f0a2b11',
  deviceId: '9b2d1c7e-2f44-4b6a-8e1f-0c5a9d3e7b21',
  hostId: 'ab12cd34',
};

function run(deviceContext: CpaceContext, hostContext: CpaceContext) {
  const device = cpaceShare(deviceContext);
  const host = cpaceShare(hostContext);
  return { device: cpaceKeys(deviceContext, 'device', device, host.share), host: cpaceKeys(hostContext, 'host', host, device.share) };
}

describe('CPace pairing', () => {
  it('gives both sides the same keys and tags when they share the code', () => {
    const { device, host } = run(context, { ...context, code: 'k7qm-4xtp' });
    expect(sameTag(device.hostConfirm, host.hostConfirm)).toBe(true);
    expect(sameTag(device.deviceConfirm, host.deviceConfirm)).toBe(true);
    expect(device.deviceToHost).toEqual(host.deviceToHost);
    expect(device.hostToDevice).toEqual(host.hostToDevice);
    expect(device.deviceToHost).not.toEqual(device.hostToDevice);
  });

  it('disagrees on every tag and key when one code is wrong', () => {
    const { device, host } = run(context, { ...context, code: 'K7QM 4XTQ' });
    expect(sameTag(device.hostConfirm, host.hostConfirm)).toBe(false);
    expect(sameTag(device.deviceConfirm, host.deviceConfirm)).toBe(false);
    expect(device.deviceToHost).not.toEqual(host.deviceToHost);
  });

  it('binds the run to the invitation, the device and the host', () => {
    for (const change of [{ invitationId: '3f0c6a58-7a53-4c2e-9d1b-8d4d3f0a2b12' }, { hostId: 'ab12cd35' }, { deviceId: '9b2d1c7e-2f44-4b6a-8e1f-0c5a9d3e7b22' }]) {
      const { device, host } = run(context, { ...context, ...change });
      expect(sameTag(device.hostConfirm, host.hostConfirm)).toBe(false);
    }
  });

  it('gives fresh keys on every run with the same code', () => {
    expect(run(context, context).device.deviceToHost).not.toEqual(run(context, context).device.deviceToHost);
  });

  it('refuses a malformed or degenerate share', () => {
    const own = cpaceShare(context);
    expect(() => cpaceKeys(context, 'device', own, new Uint8Array(31))).toThrow();
    expect(() => cpaceKeys(context, 'device', own, new Uint8Array(32))).toThrow(/identity/);
    expect(() => cpaceKeys(context, 'device', own, new Uint8Array(32).fill(0xff))).toThrow();
  });

  it('makes codes from its alphabet and reads them back however typed', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newPairingCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toHaveLength(8);
      for (const character of code) expect(PAIRING_CODE_ALPHABET).toContain(character);
      expect(normalisePairingCode(formatPairingCode(code).toLowerCase())).toBe(code);
    }
    expect(normalisePairingCode('K7QM 4XT')).toBeUndefined();
    expect(normalisePairingCode('K7QM 4XT0')).toBeUndefined();
  });
});
