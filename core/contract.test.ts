import { describe, expect, it } from 'vitest';
import { channels, isChannel } from './channels';
import { contract, resultSchemaFor } from './contract';

const sessionId = '20261121-093000-a1b2c3';

function markRequest() {
  return {
    sessionId,
    event: {
      id: '0b7f6d3e-8c1a-4f5e-9a2b-3c4d5e6f7a8b',
      kind: 'mark',
      sessionMs: 3_600_000,
      payload: { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone', positionMs: 125_000 },
    } as Record<string, unknown>,
  };
}

const wireAppendRequest = contract['journal:append'].request;

/** The tests below build one event as `{ sessionId, event }`; on the wire it is `events: [event]`. */
const appendRequest = {
  safeParse(request: unknown) {
    const wire =
      request !== null && typeof request === 'object' && 'event' in request
        ? (({ event, ...rest }: { event: unknown }) => ({ ...rest, events: [event] }))(request as { event: unknown })
        : request;
    const parsed = wireAppendRequest.safeParse(wire);
    return { success: parsed.success, data: parsed.success ? { ...parsed.data, event: parsed.data.events[0] } : undefined };
  },
};

describe('channels', () => {
  it('has a request and a response schema for every channel, and nothing else', () => {
    expect(Object.keys(contract).sort()).toEqual([...channels].sort());
    for (const channel of channels) {
      expect(typeof contract[channel].request.safeParse, channel).toBe('function');
      expect(typeof contract[channel].response.safeParse, channel).toBe('function');
    }
  });

  it('recognises only the listed channels', () => {
    expect(isChannel('journal:append')).toBe(true);
    expect(isChannel('journal:delete')).toBe(false);
    expect(isChannel('toString')).toBe(false);
    expect(isChannel(undefined)).toBe(false);
  });
});

describe('journal:append request', () => {
  it('accepts a mark event', () => {
    const parsed = appendRequest.safeParse(markRequest());
    expect(parsed.success).toBe(true);
    expect(parsed.data?.event?.kind).toBe('mark');
  });

  it('accepts a mark at session time 0', () => {
    const request = markRequest();
    request.event.sessionMs = 0;
    expect(appendRequest.safeParse(request).success).toBe(true);
  });

  it.each(['id', 'kind', 'sessionMs', 'payload'])('rejects an event without %s', (field) => {
    const request = markRequest();
    delete request.event[field];
    expect(appendRequest.safeParse(request).success).toBe(false);
  });

  it('rejects a mark payload without its position', () => {
    const request = markRequest();
    request.event.payload = { markKind: 'resonance', phaseId: 'peak', segmentId: 'peak-drone' };
    expect(appendRequest.safeParse(request).success).toBe(false);
  });

  it('rejects an unknown event kind', () => {
    const request = markRequest();
    request.event.kind = 'applause';
    expect(appendRequest.safeParse(request).success).toBe(false);
  });

  it('rejects a payload that belongs to another kind', () => {
    const request = markRequest();
    request.event.kind = 'playback';
    expect(appendRequest.safeParse(request).success).toBe(false);
  });

  it.each([-1, 1.5, Number.NaN, '100'])('rejects session time %s', (sessionMs) => {
    const request = markRequest();
    request.event.sessionMs = sessionMs;
    expect(appendRequest.safeParse(request).success).toBe(false);
  });

  it('rejects an id that is not a UUID', () => {
    const request = markRequest();
    request.event.id = 'mark-1';
    expect(appendRequest.safeParse(request).success).toBe(false);
  });

  it('rejects fields the journal would store but the caller must not choose', () => {
    const request = markRequest();
    request.event.seq = 7;
    expect(appendRequest.safeParse(request).success).toBe(false);
  });

  it('rejects extra fields on the request and in the payload', () => {
    expect(appendRequest.safeParse({ ...markRequest(), force: true }).success).toBe(false);
    const request = markRequest();
    request.event.payload = { ...(request.event.payload as object), clientName: 'Jane' };
    expect(appendRequest.safeParse(request).success).toBe(false);
  });

  it.each(['../../etc', '20261121-093000-a1b2c3/../x', '', '20261121-093000-A1B2C3', 42])(
    'rejects session id %j',
    (badSessionId) => {
      expect(appendRequest.safeParse({ ...markRequest(), sessionId: badSessionId }).success).toBe(false);
    },
  );

  it('rejects a payload that is not an object at all', () => {
    expect(appendRequest.safeParse(undefined).success).toBe(false);
    expect(appendRequest.safeParse('journal').success).toBe(false);
  });
});

describe('sessions:start request', () => {
  const startRequest = contract['sessions:start'].request;

  it('defaults every setup field to empty', () => {
    const parsed = startRequest.safeParse({ playlistId: 'generative-session' });
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual({
      playlistId: 'generative-session',
      clientCode: '',
      facilitators: '',
      intention: '',
      substance: '',
      dose: '',
      supplementalDosePlan: '',
    });
  });

  it('trims the client code', () => {
    expect(startRequest.safeParse({ playlistId: 'generative-session', clientCode: '  K-17 ' }).data?.clientCode).toBe('K-17');
  });

  it('rejects an overlong client code, a bad playlist id and extra fields', () => {
    expect(startRequest.safeParse({ playlistId: 'generative-session', clientCode: 'x'.repeat(41) }).success).toBe(false);
    expect(startRequest.safeParse({ playlistId: '../secrets' }).success).toBe(false);
    expect(startRequest.safeParse({ playlistId: 'generative-session', clientName: 'Jane' }).success).toBe(false);
  });
});

describe('journal:append batches', () => {
  it('takes up to 200 events in one request, and at least one', () => {
    const event = markRequest().event;
    const many = (count: number) => Array.from({ length: count }, () => ({ ...event, id: crypto.randomUUID() }));
    expect(wireAppendRequest.safeParse({ sessionId: '20261121-093000-a1b2c3', events: many(200) }).success).toBe(true);
    expect(wireAppendRequest.safeParse({ sessionId: '20261121-093000-a1b2c3', events: many(201) }).success).toBe(false);
    expect(wireAppendRequest.safeParse({ sessionId: '20261121-093000-a1b2c3', events: [] }).success).toBe(false);
  });
});

describe('resultSchemaFor', () => {
  const ackSchema = resultSchemaFor('journal:append');
  const ack = [{ id: '00000000-0000-4000-8000-000000000001', seq: 3, wallTime: '2026-11-21T09:30:00.000Z', duplicate: false }];

  it('accepts a success carrying a valid response', () => {
    expect(ackSchema.safeParse({ ok: true, value: ack }).data).toEqual({ ok: true, value: ack });
  });

  it('accepts a failure carrying a known error code', () => {
    const failure = { ok: false, error: { code: 'write-failed', message: 'disk full' } };
    expect(ackSchema.safeParse(failure).data).toEqual(failure);
  });

  it.each([
    ['a success whose value does not match the channel', { ok: true, value: [{ id: 'x', seq: -1, wallTime: 'yesterday', duplicate: false }] }],
    ['a success without a value', { ok: true }],
    ['a failure with an unknown code', { ok: false, error: { code: 'oops', message: 'x' } }],
    ['a failure without a message', { ok: false, error: { code: 'internal' } }],
    ['a success with an error attached', { ok: true, value: ack, error: { code: 'internal', message: 'x' } }],
    ['a bare value', ack[0]],
    ['null', null],
    ['a string', 'ok'],
  ])('rejects %s', (_label, junk) => {
    expect(ackSchema.safeParse(junk).success).toBe(false);
  });
});
