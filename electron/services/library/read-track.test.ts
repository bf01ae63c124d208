import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLibrary, makeLibraryMasters, type LibraryMasters, type TestLibrary } from '../../../tests/support/make-library';
import { createTrackReader, readTrack, type FoundFile } from './read-track';

const run = promisify(execFile);

let masters: LibraryMasters;
let library: TestLibrary;
/** Files beside the library that no scan test needs: a VBR MP3 without a Xing header, an Ogg file cut short. */
let extras: string[];

beforeAll(async () => {
  masters = await makeLibraryMasters(3);
  library = await makeLibrary(masters);
  const vbrWithoutXing = path.join(library.dir, 'vbr without xing.mp3');
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', masters.files.wav, '-c:a', 'libmp3lame', '-q:a', '0', '-write_xing', '0', vbrWithoutXing]);
  const cutShort = path.join(library.dir, 'cut short.ogg');
  const ogg = await readFile(masters.files.ogg);
  await writeFile(cutShort, ogg.subarray(0, Math.floor(ogg.length * 0.6)));
  extras = [vbrWithoutXing, cutShort];
});

afterAll(async () => {
  await library.remove();
  await masters.remove();
});

async function found(filePath: string): Promise<FoundFile> {
  const info = await stat(filePath);
  return { path: filePath, root: library.root, size: info.size, mtimeMs: info.mtimeMs };
}

/** Every file of the test library a scan hands to the reader (links it cannot follow and the pipe never reach it). */
const readerFiles = () => [...Object.keys(library.tracks), ...library.unreadable.filter((file) => !/loop|dangling|pipe/.test(file))].map((file) => path.join(library.root, file));

describe('readTrack', () => {
  it('reads the same track, or the same reason, from memory as from the file', async () => {
    const fromMemory = createTrackReader({ keepBuffers: 2 });
    const fromFile = createTrackReader({ wholeFileBytes: 0 });
    const files = [...readerFiles(), ...extras];
    for (const file of files) {
      const info = await found(file);
      expect(await fromMemory(info), path.basename(file)).toEqual(await fromFile(info));
    }
  });

  it('leaves the duration of a VBR MP3 without a Xing header unknown (until analysis), the others read from their headers', async () => {
    const [vbrWithoutXing] = extras;
    const result = await readTrack(await found(vbrWithoutXing as string));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.track.durationSeconds).toBeUndefined();
    const cbr = await readTrack(await found(path.join(library.root, 'Ambient/LOUD.MP3')));
    expect(cbr.ok && cbr.track.durationSeconds).toBeCloseTo(masters.seconds, 1);
  });

  it('reads each file on its own when one reader reads many at once, larger and smaller, in any order', async () => {
    const files = [...readerFiles(), ...extras];
    const expected = new Map(await Promise.all(files.map(async (file) => [file, await readTrack(await found(file))] as const)));
    const reader = createTrackReader({ keepBuffers: 2 });
    // Largest first, so later files reuse buffers holding the end of a larger one.
    const sizes = new Map(await Promise.all(files.map(async (file) => [file, (await stat(file)).size] as const)));
    const order = [...files, ...files].sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0));
    let next = 0;
    const results: [string, Awaited<ReturnType<typeof readTrack>>][] = [];
    await Promise.all(
      [0, 1, 2].map(async () => {
        while (next < order.length) {
          const file = order[next] as string;
          next += 1;
          results.push([file, await reader(await found(file))]);
        }
      }),
    );
    for (const [file, result] of results) expect(result, path.basename(file)).toEqual(expected.get(file));
  });
});
