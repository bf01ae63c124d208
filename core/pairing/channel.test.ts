import { describe, expect, it } from 'vitest';
import { open, seal, type BoxBinding } from './channel';

const key = new Uint8Array(32).fill(7);
const binding: BoxBinding = { deviceId: '9b2d1c7e-2f44-4b6a-8e1f-0c5a9d3e7b21', counter: 12, direction: 'device-to-host', path: '/api/device' };
const plaintext = { op: 'mark', marks: [{ note: 'cried during the cello' }] };

describe('the sealed channel', () => {
  it('opens what it sealed, and the box does not carry the plaintext', () => {
    const box = seal(key, binding, plaintext);
    expect(open(key, binding, box)).toEqual({ value: plaintext });
    expect(JSON.stringify(box)).not.toContain('cello');
  });

  it('refuses a tampered box', () => {
    const box = seal(key, binding, plaintext);
    const flipped = (box.data[0] === '0' ? '1' : '0') + box.data.slice(1);
    expect(open(key, binding, { ...box, data: flipped })).toBeUndefined();
    expect(open(key, binding, { ...box, nonce: '00'.repeat(24) })).toBeUndefined();
  });

  it('refuses a box under another counter, device, path or key', () => {
    const box = seal(key, binding, plaintext);
    expect(open(key, { ...binding, counter: 13 }, box)).toBeUndefined();
    expect(open(key, { ...binding, deviceId: '9b2d1c7e-2f44-4b6a-8e1f-0c5a9d3e7b22' }, box)).toBeUndefined();
    expect(open(key, { ...binding, path: '/api/pair/finish' }, box)).toBeUndefined();
    expect(open(new Uint8Array(32).fill(8), binding, box)).toBeUndefined();
  });

  it('cannot open a response as a request, even under the same key', () => {
    const response = seal(key, { ...binding, direction: 'host-to-device' }, { status: 'ok' });
    expect(open(key, binding, response)).toBeUndefined();
  });
});
