import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMarkKinds, type MarkKindDefinition } from '../../core/mark-kinds';
import { ContractFailure } from '../../core/result';
import { defaultSettings, type SettingsUpdate } from '../../core/settings';
import { LibraryService } from './library/library-service';
import { SettingsService } from './settings';

let dataDir: string;
let settingsPath: string;
const startedAt = new Date('2026-11-21T09:30:00.000Z');
const keptPath = () => `${settingsPath}.unreadable-2026-11-21T09-30-00-000Z`;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'attune-settings-'));
  settingsPath = path.join(dataDir, 'settings.json');
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function newService(): SettingsService {
  return new SettingsService({
    openStore: () => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings' }),
    filePath: settingsPath,
    now: () => startedAt,
  });
}

const calm: MarkKindDefinition = { id: 'calm', label: 'Calm', key: 'c', color: '#6f9c84', category: 'observation', span: false, hidden: false, fields: 'none' };

function refusal(action: () => unknown): ContractFailure {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractFailure);
    return error as ContractFailure;
  }
  throw new Error('expected the update to be refused');
}

async function filesInDataDir(): Promise<string[]> {
  return (await readdir(dataDir)).sort();
}

describe('SettingsService', () => {
  it('uses the defaults, without a notice, when there is no settings file', async () => {
    const result = newService().get();
    expect(result).toEqual({ settings: defaultSettings });
    expect(await filesInDataDir()).not.toContainEqual(expect.stringContaining('unreadable'));
  });

  it('keeps an update across a restart', async () => {
    const markKinds = [...defaultMarkKinds, calm];
    const updated = newService().update({ markKinds, reactionOffsetMs: 800 });
    expect(updated).toEqual({ settings: { ...defaultSettings, markKinds, reactionOffsetMs: 800 } });

    expect(newService().get()).toEqual({ settings: { ...defaultSettings, markKinds, reactionOffsetMs: 800 } });
    expect(JSON.parse(await readFile(settingsPath, 'utf8'))).toEqual({ ...defaultSettings, markKinds, reactionOffsetMs: 800 });
  });

  it('changes only the settings an update names', () => {
    const service = newService();
    service.update({ markKinds: [...defaultMarkKinds, calm] });
    service.update({ reactionOffsetMs: 1200 });
    expect(newService().get().settings).toEqual({ ...defaultSettings, markKinds: [...defaultMarkKinds, calm], reactionOffsetMs: 1200 });
  });

  it('refuses mark kinds with conflicting keys as a bad request and writes nothing', async () => {
    const service = newService();
    service.update({ reactionOffsetMs: 500 });
    const before = await readFile(settingsPath);

    const conflicting: SettingsUpdate = { markKinds: [...defaultMarkKinds, { ...calm, key: 'd' }], reactionOffsetMs: 900 };
    const failure = refusal(() => service.update(conflicting));
    expect(failure.code).toBe('bad-request');
    expect(failure.message).toContain(`markKinds[${defaultMarkKinds.length}].key: the key "D" is already used by Distress`);

    expect(await readFile(settingsPath)).toEqual(before);
    expect(service.get().settings).toEqual({ ...defaultSettings, reactionOffsetMs: 500 });
    expect(newService().get().settings).toEqual({ ...defaultSettings, reactionOffsetMs: 500 });
  });

  it('refuses an out-of-range reaction offset as a bad request and creates no file', async () => {
    const failure = refusal(() => newService().update({ reactionOffsetMs: -5 }));
    expect(failure.code).toBe('bad-request');
    expect(failure.message).toMatch(/^reactionOffsetMs: /);
    expect(existsSync(settingsPath)).toBe(false);
  });
});

describe('SettingsService with a settings file it cannot use', () => {
  const conflictingKinds = JSON.stringify({ markKinds: [...defaultMarkKinds, { ...calm, key: 'r' }], reactionOffsetMs: 250 });

  it.each([
    ['not JSON', Buffer.from('{bad', 'utf8'), /could not be read/],
    ['all NUL bytes, as left by a crash before the data reached the disk', Buffer.alloc(4096), /could not be read/],
    ['empty', Buffer.alloc(0), /could not be read/],
    ['valid JSON with mark kinds sharing a key', Buffer.from(conflictingKinds, 'utf8'), /not valid \(markKinds\[\d+\]\.key: the key "R" is already used by Resonance\)/],
    ['valid JSON with an unknown setting', Buffer.from('{"reactionOffsetMs": 250, "volume": 11}', 'utf8'), /not valid/],
    ['valid JSON that is not an object', Buffer.from('[{"id": "resonance", "key": "r"}]', 'utf8'), /did not hold settings/],
    ['null', Buffer.from('null', 'utf8'), /did not hold settings/],
  ])('moves a file that is %s aside, keeps its bytes, starts from the defaults and says so', async (_label, contents, reason) => {
    await writeFile(settingsPath, contents);

    const service = newService();
    const result = service.get();
    expect(result.settings).toEqual(defaultSettings);
    expect(result.notice).toMatch(reason);
    expect(result.notice).toContain('default settings');
    expect(result.notice).toContain(`kept as ${keptPath()}`);
    expect(await readFile(keptPath())).toEqual(contents);
    expect(existsSync(settingsPath)).toBe(false);

    service.update({ reactionOffsetMs: 300 });
    expect(service.get()).toEqual({ settings: { ...defaultSettings, reactionOffsetMs: 300 } });
    expect(await readFile(keptPath())).toEqual(contents);
    expect(newService().get()).toEqual({ settings: { ...defaultSettings, reactionOffsetMs: 300 } });
    expect((await filesInDataDir()).filter((name) => name.includes('unreadable'))).toEqual([path.basename(keptPath())]);
  });

  it('keeps every unreadable file when it happens again later', async () => {
    await writeFile(settingsPath, '{bad');
    newService().get();
    await writeFile(settingsPath, '{worse');
    const later = new SettingsService({
      openStore: () => new Conf<Record<string, unknown>>({ cwd: dataDir, configName: 'settings' }),
      filePath: settingsPath,
      now: () => new Date('2026-11-22T09:30:00.000Z'),
    });
    expect(later.get().notice).toContain('unreadable-2026-11-22T09-30-00-000Z');
    expect(await readFile(keptPath(), 'utf8')).toBe('{bad');
    expect(await readFile(`${settingsPath}.unreadable-2026-11-22T09-30-00-000Z`, 'utf8')).toBe('{worse');
  });
});

describe('library folders, one rule wherever they are set', () => {
  const fakeAnalyzer = () => ({ workerCount: 1, analyze: () => Promise.reject(new Error('not in this test')), dispose: () => Promise.resolve() });

  it('refuses in settings:update exactly what the library screen refuses: a whole disk, a relative path, overlapping folders', async () => {
    const music = path.join(dataDir, 'music');
    await mkdir(path.join(music, 'inner'), { recursive: true });
    const settings = newService();
    const library = new LibraryService({ dataDir, settings, createAnalyzer: fakeAnalyzer });
    await library.addRoot(music);
    for (const candidate of [path.parse(dataDir).root, 'music', path.join(music, 'inner'), dataDir]) {
      const throughLibrary = await library.addRoot(candidate).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(throughLibrary, candidate).toBeInstanceOf(ContractFailure);
      const throughSettings = refusal(() => settings.update({ libraryRoots: [music, candidate] }));
      expect(throughSettings.code, candidate).toBe((throughLibrary as ContractFailure).code);
    }
    expect(settings.current().libraryRoots).toEqual([music]);
  });

  it('refuses the same folder twice in settings:update, and stores the folders normalised', () => {
    const settings = newService();
    const music = path.join(dataDir, 'music');
    expect(refusal(() => settings.update({ libraryRoots: [music, `${music}${path.sep}`] })).code).toBe('conflict');
    expect(settings.update({ libraryRoots: [`${music}${path.sep}`, path.join(dataDir, 'other', '..', 'more')] }).settings.libraryRoots).toEqual([music, path.join(dataDir, 'more')]);
  });
});
