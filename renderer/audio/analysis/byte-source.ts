/** Random access to a file's bytes, a window at a time: nothing here ever holds the whole file. */
export interface ByteSource {
  readonly size: number;
  /** Bytes [start, end) of the file; shorter only at the end of the file. */
  read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Why a file could not be measured, in words a curator can act on; the message is shown per track. */
export class PlatformDecodeError extends Error {
  override readonly name = 'PlatformDecodeError';
}

/**
 * A file served by the host's media route, read with Range requests (the route answers 206), so
 * a 60-minute file costs one window of memory at a time. The size comes from the first answer's
 * Content-Range.
 */
export async function httpByteSource(url: string, signal?: AbortSignal): Promise<ByteSource> {
  const first = await fetchRange(url, 0, 1, signal);
  const total = /\/(\d+)$/.exec(first.headers.get('content-range') ?? '')?.[1];
  await first.body?.cancel();
  if (total === undefined) throw new PlatformDecodeError('The file could not be read in parts (the host did not answer a range request).');
  const size = Number(total);
  return {
    size,
    async read(start, end, readSignal) {
      const last = Math.min(end, size) - 1;
      if (last < start) return new Uint8Array(0);
      const answer = await fetchRange(url, start, last + 1, readSignal ?? signal);
      return new Uint8Array(await answer.arrayBuffer());
    },
  };
}

async function fetchRange(url: string, start: number, end: number, signal: AbortSignal | undefined): Promise<Response> {
  const answer = await fetch(url, { headers: { range: `bytes=${start}-${end - 1}` }, cache: 'no-store', ...(signal === undefined ? {} : { signal }) });
  if (answer.status === 206) return answer;
  await answer.body?.cancel();
  if (answer.status === 404) throw new PlatformDecodeError('The file is no longer there (it may have been moved or deleted).');
  if (answer.status === 403) throw new PlatformDecodeError('The host refused to serve this file (it is outside the library folders).');
  throw new PlatformDecodeError(`The host answered ${answer.status} when the file was read.`);
}
