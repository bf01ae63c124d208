// Generates music libraries for the scan tests and benchmark: sox synthesises a short tone,
// ffmpeg encodes it once per container, and each library copies those encodings around
// (tagging copies with ffmpeg -c copy or loudgain), so a library takes well under a second.
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const libraryFormats = ['mp3', 'flac', 'ogg', 'opus', 'm4a', 'wav'] as const;
export type LibraryFormat = (typeof libraryFormats)[number];

const encoders: Record<LibraryFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k'],
  flac: ['-c:a', 'flac'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '3'],
  opus: ['-c:a', 'libopus', '-b:a', '96k'],
  m4a: ['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart'],
  wav: ['-c:a', 'pcm_s16le'],
};

async function tool(command: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') throw new Error(`make-library: "${command}" is not installed (Debian: apt-get install ${command})`);
    throw new Error(`make-library: ${command} ${args.join(' ')} failed: ${stderr ?? (error as Error).message}`);
  }
}

/** One short tone encoded in every container the library scans, to copy from. */
export interface LibraryMasters {
  readonly dir: string;
  readonly seconds: number;
  readonly files: Record<LibraryFormat, string>;
  /** The MP3 with a large cover picture in its ID3 tag, in front of the audio. */
  readonly mp3WithCover: string;
  remove(): Promise<void>;
}

export async function makeLibraryMasters(seconds = 1): Promise<LibraryMasters> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attune-library-masters-'));
  const tone = path.join(dir, 'tone.wav');
  // -D: no dither, so the same bytes every run (and a FLAC that stays small).
  await tool('sox', ['-D', '-n', '-r', '44100', '-c', '2', '-b', '16', tone, 'synth', String(seconds), 'sine', '440', 'gain', '-14', 'fade', 'q', '0.02', String(seconds), '0.02']);
  const entries = await Promise.all(
    libraryFormats.map(async (format) => {
      const file = path.join(dir, `master.${format}`);
      await tool('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', tone, '-map_metadata', '-1', ...encoders[format], file]);
      return [format, file] as const;
    }),
  );
  const files = Object.fromEntries(entries) as Record<LibraryFormat, string>;
  const cover = path.join(dir, 'cover.png');
  await tool('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=800x800', '-frames:v', '1', cover]);
  const mp3WithCover = path.join(dir, 'with-cover.mp3');
  await tool('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', files.mp3, '-i', cover, '-map', '0', '-map', '1', '-c', 'copy', '-id3v2_version', '3', '-metadata:s:v', 'comment=Cover (front)', mp3WithCover]);
  return { dir, seconds, files, mp3WithCover, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface ReplayGainTags {
  /** e.g. "-3.20 dB" */
  gain?: string;
  /** linear, e.g. "0.977000" */
  peak?: string;
  r128?: string;
  title?: string;
  artist?: string;
  album?: string;
}

/** Copies an encoded file with tags (stream copy: no re-encoding). */
export async function copyWithTags(source: string, target: string, tags: ReplayGainTags): Promise<void> {
  const metadata = Object.entries({
    title: tags.title,
    artist: tags.artist,
    album: tags.album,
    REPLAYGAIN_TRACK_GAIN: tags.gain,
    REPLAYGAIN_TRACK_PEAK: tags.peak,
    R128_TRACK_GAIN: tags.r128,
  }).flatMap(([key, value]) => (value === undefined ? [] : ['-metadata', `${key}=${value}`]));
  await tool('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', source, '-map_metadata', '-1', '-c', 'copy', ...metadata, target]);
}

export interface LoudgainResult {
  readonly integratedLufs: number;
  readonly truePeakDbtp: number;
}

/** Has loudgain measure and tag the files (ReplayGain 2.0 extended tags; R128 for Opus) and returns what it reported. */
export async function tagWithLoudgain(files: readonly string[]): Promise<Map<string, LoudgainResult>> {
  const table = await tool('loudgain', ['-q', '-s', 'e', '-O', ...files]);
  const results = new Map<string, LoudgainResult>();
  for (const line of table.split('\n').slice(1)) {
    const [file, loudness, , , truePeak] = line.split('\t');
    if (file === undefined || loudness === undefined || truePeak === undefined) continue;
    results.set(file, { integratedLufs: Number.parseFloat(loudness), truePeakDbtp: Number.parseFloat(truePeak) });
  }
  if (results.size !== files.length) throw new Error(`make-library: loudgain reported ${results.size} of ${files.length} files:\n${table}`);
  return results;
}

export interface ExpectedTrack {
  readonly format: string;
  readonly title?: string;
  readonly artist?: string;
  /** Loudness the tags were written with (by us or by loudgain); undefined for untagged files. */
  readonly tagged?: { integratedLufs: number; truePeakDbtp?: number; source: 'replaygain' | 'r128' };
}

export interface TestLibrary {
  /** The temporary folder holding everything (removed by `remove()`). */
  readonly dir: string;
  /** The library root to scan. */
  readonly root: string;
  /** A folder outside the root that a link inside it leads to. */
  readonly outside: string;
  /** Every file the scan must list as a track, by path relative to the root. */
  readonly tracks: Readonly<Record<string, ExpectedTrack>>;
  /** Every file the scan must list as unreadable, by path relative to the root. */
  readonly unreadable: readonly string[];
  /** Files that must not appear at all (hidden, not audio by name). */
  readonly ignored: readonly string[];
  remove(): Promise<void>;
}

/**
 * A library with nested folders, Unicode names, links (to a folder outside, to a file, back up
 * to the root: a loop, to itself: another loop, to nothing), tagged files (ReplayGain by ffmpeg
 * and by loudgain, R128 by loudgain), every format, and files that are not what their name says.
 *
 * Tests here run as root, which reads any file whatever its mode, so a file without read
 * permission is only part of the library for other users (its expectation is added then).
 */
export async function makeLibrary(masters: LibraryMasters): Promise<TestLibrary> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attune-library-'));
  const root = path.join(dir, 'Music');
  const outside = path.join(dir, 'Elsewhere');
  const at = (relative: string) => path.join(root, relative);
  for (const folder of ['Ólafur Arnalds', '日本', 'Ambient/Deep/Nested', 'Broken', '.hidden', 'Cover art']) await mkdir(at(folder), { recursive: true });
  await mkdir(outside, { recursive: true });

  const tracks: Record<string, ExpectedTrack> = {};
  const unreadable: string[] = [];
  const ignored: string[] = [];

  // Tagged by ffmpeg with known values: LUFS = −18 − gain, dBTP = 20·log10(peak).
  await copyWithTags(masters.files.mp3, at('日本/曲.mp3'), { title: '曲', artist: '坂本', album: 'アルバム', gain: '-3.20 dB', peak: '0.977000' });
  tracks['日本/曲.mp3'] = { format: 'mp3', title: '曲', artist: '坂本', tagged: { integratedLufs: -14.8, truePeakDbtp: -0.2, source: 'replaygain' } };
  await copyWithTags(masters.files.ogg, at('Ambient/Deep/Nested/drone.ogg'), { title: 'Drone', gain: '+2.50 dB', peak: '0.5' });
  tracks['Ambient/Deep/Nested/drone.ogg'] = { format: 'ogg', title: 'Drone', tagged: { integratedLufs: -20.5, truePeakDbtp: -6.02, source: 'replaygain' } };

  // Tagged by loudgain, which also says what it measured.
  const loudgainFiles = { 'Ólafur Arnalds/Þú.flac': masters.files.flac, 'Ambient/river.opus': masters.files.opus, 'Ambient/rain.m4a': masters.files.m4a };
  for (const [relative, master] of Object.entries(loudgainFiles)) await copyFile(master, at(relative));
  const measured = await tagWithLoudgain(Object.keys(loudgainFiles).map(at));
  for (const relative of Object.keys(loudgainFiles)) {
    const result = measured.get(at(relative));
    if (result === undefined) throw new Error(`make-library: no loudgain result for ${relative}`);
    const format = path.extname(relative).slice(1);
    // Opus gets R128_TRACK_GAIN only: a gain without a peak.
    tracks[relative] =
      format === 'opus'
        ? { format, tagged: { integratedLufs: result.integratedLufs, source: 'r128' } }
        : { format, tagged: { integratedLufs: result.integratedLufs, truePeakDbtp: result.truePeakDbtp, source: 'replaygain' } };
  }

  // Untagged, and an upper-case extension.
  await copyFile(masters.files.wav, at('Ambient/room tone.wav'));
  tracks['Ambient/room tone.wav'] = { format: 'wav' };
  await copyFile(masters.files.mp3, at('Ambient/LOUD.MP3'));
  tracks['Ambient/LOUD.MP3'] = { format: 'mp3' };
  await copyFile(masters.mp3WithCover, at('Cover art/with cover.mp3'));
  tracks['Cover art/with cover.mp3'] = { format: 'mp3' };

  // Links: a folder outside the root (followed), a file outside, the root itself from below (a loop).
  await copyFile(masters.files.flac, path.join(outside, 'outside.flac'));
  await symlink(outside, at('Linked folder'));
  tracks['Linked folder/outside.flac'] = { format: 'flac' };
  await copyFile(masters.files.mp3, path.join(dir, 'single.mp3'));
  await symlink(path.join(dir, 'single.mp3'), at('Ambient/linked single.mp3'));
  tracks['Ambient/linked single.mp3'] = { format: 'mp3' };
  await symlink('../..', at('Ambient/Deep/back to the top'));
  await symlink('loop.mp3', at('Broken/loop.mp3'));
  unreadable.push('Broken/loop.mp3');
  await symlink(path.join(dir, 'gone.mp3'), at('Broken/dangling.mp3'));
  unreadable.push('Broken/dangling.mp3');

  // Not what the name says.
  await writeFile(at('Broken/not audio.mp3'), 'This is a text file with an audio name.\n'.repeat(40));
  unreadable.push('Broken/not audio.mp3');
  await writeFile(at('Broken/empty.flac'), '');
  unreadable.push('Broken/empty.flac');
  await writeFile(at('Broken/truncated.m4a'), (await readFile(masters.files.m4a)).subarray(0, 300));
  unreadable.push('Broken/truncated.m4a');
  await copyFile(masters.files.flac, at('Broken/really flac.mp3'));
  unreadable.push('Broken/really flac.mp3');
  await copyFile(masters.files.m4a, at('Broken/really m4a.mp3'));
  unreadable.push('Broken/really m4a.mp3');
  // Some taggers put an ID3 tag in front of anything; this one is 64 KB (synchsafe size 00 04 00 00), as cover art makes it.
  const id3Header = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0x00, 0x04, 0x00, 0x00]);
  await writeFile(at('Broken/flac behind a tag.mp3'), Buffer.concat([id3Header, new Uint8Array(64 * 1024), await readFile(masters.files.flac)]));
  unreadable.push('Broken/flac behind a tag.mp3');
  await tool('mkfifo', [at('Broken/pipe.mp3')]);
  unreadable.push('Broken/pipe.mp3');
  if (process.getuid?.() !== 0) {
    await copyFile(masters.files.mp3, at('Broken/locked.mp3'));
    await chmod(at('Broken/locked.mp3'), 0o000);
    unreadable.push('Broken/locked.mp3');
  }

  // Never listed: hidden files and folders, AppleDouble files, other file types.
  await copyFile(masters.files.mp3, at('.hidden/secret.mp3'));
  ignored.push('.hidden/secret.mp3');
  await writeFile(at('Ólafur Arnalds/._Þú.flac'), 'Mac resource fork');
  ignored.push('Ólafur Arnalds/._Þú.flac');
  await writeFile(at('Cover art/cover.jpg'), 'not really a picture');
  ignored.push('Cover art/cover.jpg');
  await writeFile(at('notes.txt'), 'liner notes');
  ignored.push('notes.txt');

  return { dir, root, outside, tracks, unreadable, ignored, remove: () => rm(dir, { recursive: true, force: true }) };
}
