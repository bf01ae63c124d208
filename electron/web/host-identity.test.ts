import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostIdentityFileName, loadHostIdentity, newHostKey, saveHostIdentity } from './host-identity';

let dataDir: string;
const identityPath = () => path.join(dataDir, hostIdentityFileName);

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-identity-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the web host identity (key and port per data folder)', () => {
  it('has none before the first start', async () => {
    expect(await loadHostIdentity(dataDir)).toEqual({ stored: undefined, notes: [] });
  });

  it('keeps the key and port for the next start, in a file only the user can read', async () => {
    const key = newHostKey();
    await saveHostIdentity(dataDir, { key, port: 43123 });
    expect((await stat(identityPath())).mode & 0o777).toBe(0o600);
    expect(await loadHostIdentity(dataDir)).toEqual({ stored: { key, port: 43123 }, notes: [] });
  });

  it('makes a file others can read the user’s only, and says so', async () => {
    const key = newHostKey();
    await saveHostIdentity(dataDir, { key });
    await chmod(identityPath(), 0o644);
    const loaded = await loadHostIdentity(dataDir);
    expect(loaded.stored).toEqual({ key });
    expect(loaded.notes.join('\n')).toMatch(/readable by other users.*--new-key/);
    expect((await stat(identityPath())).mode & 0o777).toBe(0o600);
  });

  it('uses no key from a damaged or foreign file, and says it will be replaced', async () => {
    for (const contents of ['{"key": "short"}', 'not json', JSON.stringify({ key: newHostKey(), port: 70000 }), JSON.stringify({ key: newHostKey(), extra: 1 })]) {
      await writeFile(identityPath(), contents);
      const loaded = await loadHostIdentity(dataDir);
      expect(loaded.stored, contents).toBeUndefined();
      expect(loaded.notes.join('\n'), contents).toContain('replaced with a new one');
    }
    expect(newHostKey()).not.toBe(newHostKey());
    expect(await readFile(identityPath(), 'utf8')).toContain('extra');
  });
});
