import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { percentile } from './stats';

const appends = 500;

/**
 * The disk's own floor for one journal append: 200 bytes written and fdatasync'd in the
 * folder the bench's web hosts keep their data in (the system's temporary folder).
 */
export async function benchReferenceFdatasync(): Promise<string[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'attune-bench-fdatasync-'));
  try {
    const fd = openSync(path.join(directory, 'events.jsonl'), 'a', 0o600);
    const line = Buffer.from(`${'x'.repeat(199)}\n`);
    const durations: number[] = [];
    try {
      for (let index = 0; index < appends; index += 1) {
        const started = performance.now();
        writeSync(fd, line);
        fdatasyncSync(fd);
        durations.push(performance.now() - started);
      }
    } finally {
      closeSync(fd);
    }
    return [
      `reference_fdatasync_ms_p50: ${percentile(durations, 50).toFixed(2)} ms (${appends} appends of 200 bytes + fdatasync in ${os.tmpdir()})`,
      `reference_fdatasync_ms_p99: ${percentile(durations, 99).toFixed(2)} ms`,
    ];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
