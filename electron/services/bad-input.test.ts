import { randomUUID } from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenedSession, PlaylistSummary } from '../../core/contract';
import type { JournalEventInput } from '../../core/events';
import type { Result } from '../../core/result';
import type { SessionMeta } from '../../core/session';
import {
  acceptedPlaylists,
  fiftyMegabytes,
  goodPlaylistId,
  hostileMediaPaths,
  hostileNotes,
  hostileSegmentPaths,
  oversizedNotes,
  outsideSecret,
  rejectedPlaylists,
  traversalPlaylistId,
  writeBadInputCorpus,
} from '../../tests/fixtures/bad-input/bad-playlists';
import { createServices } from './create-services';
import { dispatch } from './dispatch';
import { createMediaHandler } from './media';
import { maxPlaylistBytes, PlaylistCatalog } from './playlists';

// Passes every call through, so the test can tell which files the catalog read.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return { ...actual, readFile: vi.fn(actual.readFile) };
});

const bundledPlaylistsDir = path.resolve(import.meta.dirname, '..', '..', 'playlists');
/** Every get, start and media request re-reads the whole corpus (about 0.2 s here), so the loops get room. */
const slow = 120_000;
const emptySetup = { clientCode: '', facilitators: '', intention: '', substance: '', dose: '', supplementalDosePlan: '' };

let root: string;
let dataDir: string;
let playlistsDir: string;
let outsideDir: string;
let services: ReturnType<typeof createServices>;

/** Every path under `directory` with its size: what "nothing was written" is checked against. */
async function snapshot(directory: string): Promise<string[]> {
  const entries: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        entries.push(`${path.relative(directory, full)}/`);
        await walk(full);
      } else {
        entries.push(`${path.relative(directory, full)}:${entry.isFile() ? (await stat(full)).size : 'special'}`);
      }
    }
  };
  await walk(directory);
  return entries.sort();
}

async function call<T>(channel: string, request: unknown): Promise<Result<T>> {
  // A throw escaping dispatch fails the test by itself.
  return (await dispatch(services.handlers, channel, request, () => undefined)) as Result<T>;
}

async function value<T>(channel: string, request: unknown): Promise<T> {
  const result = await call<T>(channel, request);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

function report(name: string, ms: number): void {
  console.log(`bad-input: ${name}: ${ms.toFixed(1)} ms`);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'attune-bad-input-'));
  dataDir = path.join(root, 'data');
  playlistsDir = path.join(dataDir, 'playlists');
  outsideDir = path.join(root, 'outside');
  await writeBadInputCorpus({ playlistsDir, outsideDir });
  services = createServices({ dataDir, bundledPlaylistsDir });
}, slow);

afterAll(async () => {
  await services.close();
  await rm(root, { recursive: true, force: true });
});

describe('bad playlists in the user folder', () => {
  it('lists each bad file with a short problem naming the field or the reason, and keeps the good ones usable', async () => {
    const { result: summaries, ms } = await timed(() => value<PlaylistSummary[]>('playlists:list', {}));
    report(`playlists:list over the whole corpus (${rejectedPlaylists.length} bad files, ${acceptedPlaylists.length} good)`, ms);
    const byFile = new Map(summaries.map((summary) => [summary.fileName, summary]));

    for (const rejected of rejectedPlaylists) {
      const summary = byFile.get(rejected.fileName);
      expect(summary, rejected.what).toBeDefined();
      expect(summary?.problem, rejected.what).toMatch(rejected.problem);
      expect(summary, rejected.what).toMatchObject({ source: 'user', totalTargetMinutes: 0, phaseTitles: [] });
      for (const line of summary?.problem?.split('\n') ?? []) expect(line.length, rejected.what).toBeLessThanOrEqual(300);
    }
    for (const accepted of acceptedPlaylists) {
      expect(byFile.get(accepted.fileName), accepted.fileName).toMatchObject({ id: accepted.id, title: accepted.title, source: 'user' });
      expect(byFile.get(accepted.fileName)?.problem, accepted.fileName).toBeUndefined();
    }
    expect(byFile.get('generative-session.json')?.problem).toBeUndefined();
    // Only .json names are playlists: the music folder and the link beside them are not listed.
    expect(summaries).toHaveLength(1 + rejectedPlaylists.length + acceptedPlaylists.length);
  });

  it('refuses to get or start any bad file, by the id inside it or by its file name, and writes nothing', async () => {
    const before = await snapshot(dataDir);
    for (const rejected of rejectedPlaylists) {
      for (const playlistId of [rejected.id, rejected.fileName].filter((id) => id !== undefined)) {
        const got = await call('playlists:get', { playlistId });
        const started = await call('sessions:start', { playlistId, ...emptySetup });
        expect(got.ok, `${rejected.fileName} as ${playlistId}`).toBe(false);
        expect(started.ok, `${rejected.fileName} as ${playlistId}`).toBe(false);
        if (!got.ok && !started.ok) {
          // The id in the file is a valid id nobody has; a file name is not an id at all.
          const code = playlistId === rejected.id ? 'not-found' : 'bad-request';
          expect(got.error.code, playlistId).toBe(code);
          expect(started.error.code, playlistId).toBe(code);
        }
      }
    }
    // The impostor does not take the good playlist's place.
    expect((await value<{ title: string }>('playlists:get', { playlistId: goodPlaylistId })).title).toBe('Good playlist');
    expect(await snapshot(dataDir)).toEqual(before);
  }, slow);

  it('starts the good playlist and the hostile-but-valid ones next to the bad ones, and saves their marks', async () => {
    for (const accepted of acceptedPlaylists) {
      const meta = await value<SessionMeta>('sessions:start', { playlistId: accepted.id, ...emptySetup });
      expect(meta.playlistTitle).toBe(accepted.title);
      await value('journal:append', { sessionId: meta.id, events: [markWithNote(segmentOf(accepted.id), 'fine')] });
      const reopened = await value<OpenedSession>('sessions:open', { sessionId: meta.id });
      expect(reopened.events.map((event) => event.kind)).toEqual(['session-started', 'mark']);
    }
  });

  it('rejects a 50 MB file by its size, quickly, without reading it', async () => {
    const readFileSpy = vi.mocked(readFile);
    const largeFile = path.join(playlistsDir, 'too-large.json');
    expect((await stat(largeFile)).size).toBe(fiftyMegabytes);

    const alone = await mkdtemp(path.join(root, 'large-'));
    const { symlink } = await vi.importActual<typeof FsPromises>('node:fs/promises');
    await symlink(largeFile, path.join(alone, 'too-large.json'));
    readFileSpy.mockClear();
    const { result, ms } = await timed(() => new PlaylistCatalog([{ kind: 'user', directory: alone }]).list());
    report('listing a folder holding only the 50 MB file', ms);
    expect(result[0]?.problem).toBe('the file is 50.0 MB; playlists are at most 5 MB');
    expect(ms).toBeLessThan(250);

    readFileSpy.mockClear();
    // A catalog of its own: one that has read the folder before keeps unchanged files parsed.
    await new PlaylistCatalog([{ kind: 'user', directory: playlistsDir }]).list();
    const readPaths = readFileSpy.mock.calls.map(([filePath]) => String(filePath));
    expect(readPaths).toContain(path.join(playlistsDir, 'good.json'));
    expect(readPaths.filter((filePath) => filePath.endsWith('too-large.json'))).toEqual([]);
    // Neither are the pipe, the device or the folder opened.
    expect(readPaths.filter((filePath) => /(fifo|dev-zero|folder)\.json$/.test(filePath))).toEqual([]);
  });

  it('rejects 100,000 segments under the size limit with the segment limit, in well under a second', async () => {
    const file = path.join(playlistsDir, 'too-many-segments.json');
    const { size } = await stat(file);
    expect(size).toBeLessThan(maxPlaylistBytes);
    const text = await readFile(file, 'utf8');
    expect((JSON.parse(text) as { phases: { segments: unknown[] }[] }).phases[0]?.segments).toHaveLength(100_000);

    const alone = await mkdtemp(path.join(root, 'segments-'));
    const { symlink } = await vi.importActual<typeof FsPromises>('node:fs/promises');
    await symlink(file, path.join(alone, 'too-many-segments.json'));
    const { result, ms } = await timed(() => new PlaylistCatalog([{ kind: 'user', directory: alone }]).list());
    report(`listing a folder holding only the 100,000-segment file (${(size / 1024 / 1024).toFixed(1)} MB)`, ms);
    expect(result[0]?.problem).toBe('phases[0].segments: Too big: expected array to have <=2000 items');
    expect(ms).toBeLessThan(1000);
  });
});

describe('segment paths that lead out of the playlist folder', () => {
  const media = () => createMediaHandler({ playlists: services.playlists, libraryRoots: services.libraryRoots });

  it('serves the file inside and refuses every path out: "..", absolute, symbolic links; odd names are just missing', async () => {
    const handler = media();
    for (const segment of hostileSegmentPaths) {
      const { result: response, ms } = await timed(() => handler(`${traversalPlaylistId}/${segment.segmentId}`));
      if (segment.segmentId === 'inside') report('one media request with the whole corpus in the playlist folder', ms);
      expect(response.status, segment.segmentId).toBe(segment.status);
      if (response.body.kind === 'file') {
        expect(response.body.filePath, segment.segmentId).toBe(path.join(await realpathOf(playlistsDir), 'music', 'inside.mp3'));
      } else if (response.body.kind === 'text') {
        expect(response.body.text, segment.segmentId).not.toContain(outsideSecret);
        expect(response.body.text, segment.segmentId).not.toContain('root:');
        if (segment.status === 403) expect(response.body.text).toMatch(/outside the playlist's folder and the library folders/);
      }
    }
  }, slow);

  it('refuses media addresses that are not two ids, before reading any playlist', async () => {
    const handler = media();
    const readFileSpy = vi.mocked(readFile);
    readFileSpy.mockClear();
    for (const mediaPath of hostileMediaPaths) {
      const response = await handler(mediaPath);
      expect(response.status, mediaPath).toBe(400);
    }
    expect(readFileSpy).not.toHaveBeenCalled();
  });

  it('answers 404, never a throw, for the ids inside the bad files', async () => {
    const handler = media();
    for (const rejected of rejectedPlaylists) {
      if (rejected.id === undefined) continue;
      expect((await handler(`${rejected.id}/onset-breath`)).status, rejected.fileName).toBe(404);
    }
  }, slow);
});

async function realpathOf(folder: string): Promise<string> {
  const { realpath } = await vi.importActual<typeof FsPromises>('node:fs/promises');
  return realpath(folder);
}

function segmentOf(playlistId: string): string {
  return playlistId === traversalPlaylistId ? 'inside' : 'onset-breath';
}

function markWithNote(segmentId: string, note: string): JournalEventInput {
  return {
    id: randomUUID(),
    kind: 'mark',
    sessionMs: 1000,
    payload: { markKind: 'note', phaseId: 'onset', segmentId, positionMs: 500, reactionOffsetMs: 0, note },
  };
}

function noteEdit(markId: string, note: string | null): JournalEventInput {
  return { id: randomUUID(), kind: 'mark-edited', sessionMs: 2000, payload: { markId, note } };
}

describe('hostile notes', () => {
  let sessionId: string;
  let journalPath: string;
  let earlierMarkId: string;

  beforeAll(async () => {
    const meta = await value<SessionMeta>('sessions:start', { playlistId: goodPlaylistId, ...emptySetup });
    sessionId = meta.id;
    journalPath = path.join(dataDir, 'sessions', sessionId, 'events.jsonl');
    const earlier = markWithNote('onset-breath', 'an earlier note that must stay');
    earlierMarkId = earlier.id;
    await value('journal:append', { sessionId, events: [earlier] });
  });

  it('saves each note exactly, as a mark and as an edit, one journal line per event, and reads it back after a restart', async () => {
    const saved: { markId: string; editId: string; note: string; label: string }[] = [];
    for (const [label, note] of Object.entries(hostileNotes)) {
      const mark = markWithNote('onset-breath', note);
      const edit = noteEdit(mark.id, note);
      const acks = await value<{ id: string; duplicate: boolean }[]>('journal:append', { sessionId, events: [mark, edit] });
      expect(acks.map((ack) => ack.duplicate), label).toEqual([false, false]);
      saved.push({ markId: mark.id, editId: edit.id, note, label });
    }

    // A new process reading the same folder: nothing cut, nothing skipped, nothing injected.
    await services.close();
    services = createServices({ dataDir, bundledPlaylistsDir });
    const opened = await value<OpenedSession>('sessions:open', { sessionId });
    expect(opened.repairs).toEqual([]);
    const lines = (await readFile(journalPath, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.length - 1).toBe(opened.events.length);
    expect(opened.events.filter((event) => event.kind === 'session-ended')).toEqual([]);
    expect(opened.meta.status).toBe('open');
    for (const { markId, editId, note, label } of saved) {
      const mark = opened.events.find((event) => event.id === markId);
      const edit = opened.events.find((event) => event.id === editId);
      expect(mark?.kind === 'mark' ? mark.payload.note : undefined, label).toBe(note);
      expect(edit?.kind === 'mark-edited' ? edit.payload.note : undefined, label).toBe(note);
    }
    expect(opened.events.find((event) => event.id === earlierMarkId)).toBeDefined();
  });

  it('refuses a note over 5,000 characters naming the field and the limit; nothing of the batch is written and earlier events stay', async () => {
    for (const [label, note] of Object.entries(oversizedNotes)) {
      const journalBefore = await readFile(journalPath);
      const folderBefore = await snapshot(dataDir);
      const fine = markWithNote('onset-breath', 'fine, but in the same batch');
      const cases: [string, JournalEventInput[], RegExp][] = [
        ['a mark', [fine, markWithNote('onset-breath', note)], /^events\[1\]\.payload\.note: Too big: expected string to have <=5000 characters$/],
        ['an edit', [fine, noteEdit(earlierMarkId, note)], /^events\[1\]\.payload\.note: Too big: expected string to have <=5000 characters$/],
      ];
      for (const [what, events, message] of cases) {
        const result = await call('journal:append', { sessionId, events });
        expect(result.ok, `${label} in ${what}`).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe('bad-request');
          expect(result.error.message, `${label} in ${what}`).toMatch(message);
        }
      }
      expect(await readFile(journalPath), label).toEqual(journalBefore);
      expect(await snapshot(dataDir), label).toEqual(folderBefore);
    }
    const opened = await value<OpenedSession>('sessions:open', { sessionId });
    const earlier = opened.events.find((event) => event.id === earlierMarkId);
    expect(earlier?.kind === 'mark' ? earlier.payload.note : undefined).toBe('an earlier note that must stay');
  });

  it('keeps the journal appendable after the refusals', async () => {
    const mark = markWithNote('onset-breath', 'after the refusals');
    await value('journal:append', { sessionId, events: [mark] });
    const opened = await value<OpenedSession>('sessions:open', { sessionId });
    expect(opened.events.at(-1)?.id).toBe(mark.id);
  });
});
