import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../core/channels';
import { contract } from '../../core/contract';
import { errorCodes } from '../../core/result';
import { createServices } from './create-services';
import { dispatch } from './dispatch';

const bundledPlaylistsDir = path.resolve(import.meta.dirname, '..', '..', 'playlists');
let dataDir: string;
let services: ReturnType<typeof createServices>;

async function snapshot(directory: string): Promise<string[]> {
  const entries: string[] = [];
  const walk = async (folder: string) => {
    for (const name of await readdir(folder)) {
      const full = path.join(folder, name);
      const info = await stat(full);
      entries.push(`${path.relative(directory, full)}:${info.isDirectory() ? 'dir' : info.size}`);
      if (info.isDirectory()) await walk(full);
    }
  };
  await walk(directory);
  return entries.sort();
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-fuzz-'));
  services = createServices({ dataDir, bundledPlaylistsDir });
  // One real session, so malformed appends have something they might have damaged.
  await services.handlers['sessions:start']({ playlistId: 'generative-session', clientCode: '', facilitators: '', intention: '', substance: '', dose: '', supplementalDosePlan: '' });
});

afterAll(async () => {
  await services.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Near-misses of real requests: right shape, one thing wrong. */
const hostileValue = fc.oneof(
  fc.anything(),
  fc.constantFrom('../../etc/passwd', '..%2f..%2fsecret', '\u0000', 'a'.repeat(70_000), '<script>', -1, 1e309, Number.NaN, null, [], {}),
  fc.jsonValue({ maxDepth: 30 }),
);

const payload = fc.oneof(
  fc.anything(),
  fc.dictionary(fc.constantFrom('sessionId', 'playlistId', 'events', 'event', 'active', 'markKinds', 'clientCode', '__proto__', 'constructor'), hostileValue),
  fc.record({
    sessionId: fc.oneof(fc.constant('20261121-093000-a1b2c3'), hostileValue),
    events: fc.array(
      fc.record({ id: fc.oneof(fc.uuid(), hostileValue), kind: fc.oneof(fc.constantFrom('mark', 'session-ended', 'nope'), hostileValue), sessionMs: hostileValue, payload: hostileValue }),
      { maxLength: 3 },
    ),
  }),
);

describe('every contract channel under malformed input', () => {
  it('rejects ≥ 10,000 malformed payloads with a typed error, never throws, never writes', async () => {
    const before = await snapshot(dataDir);
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...channels), payload, async (channel, request) => {
        fc.pre(!contract[channel].request.safeParse(request).success);
        const result = await dispatch(services.handlers, channel, request, () => undefined);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(errorCodes).toContain(result.error.code);
          expect(result.error.code).toBe('bad-request');
          expect(result.error.message).not.toMatch(/\n\s+at |\/work\/|node_modules/);
        }
        rejected += 1;
      }),
      { numRuns: 11_000, seed: 20261121 },
    );
    expect(rejected).toBeGreaterThanOrEqual(10_000);
    expect(await snapshot(dataDir)).toEqual(before);
  }, 120_000);

  it('refuses unknown channels, including prototype names', async () => {
    for (const channel of ['toString', '__proto__', 'constructor', 'journal:delete', '', 42, null]) {
      const result = await dispatch(services.handlers, channel, {}, () => undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });
});
