import { spawn } from 'node:child_process';
import { AudioDecodeError, type DecodedChunk } from './errors';
import { readWave } from './wave';

/**
 * Decodes through an `ffmpeg` on PATH, for the formats no wasm decoder here reads (AAC in
 * M4A/MP4/ADTS, ALAC, …). ffmpeg streams 32-bit float WAVE to stdout, which carries the real
 * sample rate and channel count (an HE-AAC file's container may not), and the WAVE reader
 * takes it from there; nothing is buffered beyond the pipe.
 */
export async function* decodeWithFfmpeg(filePath: string, formatName: string, signal: AbortSignal | undefined): AsyncGenerator<DecodedChunk> {
  const child = spawn(
    'ffmpeg',
    ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', filePath, '-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1', '-c:a', 'pcm_f32le', '-f', 'wav', '-'],
    { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true },
  );
  let stderrTail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-2000);
  });
  const exited = new Promise<{ code: number | null; missing: boolean }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, missing: error.code === 'ENOENT' }));
    child.once('close', (code) => resolve({ code, missing: false }));
  });
  const kill = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', kill, { once: true });
  try {
    let decodedAny = false;
    try {
      for await (const chunk of readWave(child.stdout)) {
        decodedAny = true;
        yield chunk;
      }
    } catch (error) {
      // A failed start or a decode error ends stdout early; ffmpeg's own account is the better reason.
      const { code, missing } = await exited;
      signal?.throwIfAborted();
      if (missing) throw ffmpegMissing(formatName);
      if (code !== 0) throw ffmpegFailed(stderrTail);
      throw error;
    }
    const { code, missing } = await exited;
    signal?.throwIfAborted();
    if (missing) throw ffmpegMissing(formatName);
    if (code !== 0) throw ffmpegFailed(stderrTail);
    if (!decodedAny) throw new AudioDecodeError('corrupt', 'ffmpeg found no audio in this file.');
  } finally {
    signal?.removeEventListener('abort', kill);
    if (child.exitCode === null && child.signalCode === null) kill();
  }
}

function ffmpegMissing(formatName: string): AudioDecodeError {
  const what = /aac|m4a|mp4/i.test(formatName) ? 'AAC/M4A files' : `${formatName} files`;
  return new AudioDecodeError('needs-ffmpeg', `${what} can be analysed when ffmpeg is installed; tag them with ReplayGain (e.g. loudgain) or install ffmpeg`);
}

function ffmpegFailed(stderrTail: string): AudioDecodeError {
  const lastLine =
    stderrTail
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .at(-1) ?? 'no reason given';
  // ffmpeg prefixes lines with the path; the path adds nothing and can be long.
  return new AudioDecodeError('corrupt', `ffmpeg could not decode the file: ${lastLine.replace(/^.*?:\s(?=[A-Z])/, '')}`);
}
