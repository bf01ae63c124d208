import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { percentile } from './stats';

const appends = 500;
const spacedAppends = 300;
const spacingMs = 20;

/**
 * The disk's own floor for one journal append: 200 bytes written and fdatasync'd in the
 * folder the bench's web hosts keep their data in (the system's temporary folder).
 */
export async function benchReferenceFdatasync(): Promise<string[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'attune-bench-fdatasync-'));
  try {
    const fd = openSync(path.join(directory, 'events.jsonl'), 'a', 0o600);
    const line = Buffer.from(`${'x'.repeat(199)}\n`);
    const append = () => {
      const started = performance.now();
      writeSync(fd, line);
      fdatasyncSync(fd);
      return performance.now() - started;
    };
    const backToBack: number[] = [];
    const spaced: number[] = [];
    try {
      for (let index = 0; index < appends; index += 1) backToBack.push(append());
      // As marks come: a disk that has gone idle between two syncs answers more slowly, now and then much more.
      for (let index = 0; index < spacedAppends; index += 1) {
        await new Promise((resolve) => setTimeout(resolve, spacingMs));
        spaced.push(append());
      }
    } finally {
      closeSync(fd);
    }
    return [
      `reference_fdatasync_ms_p50: ${percentile(backToBack, 50).toFixed(2)} ms (${appends} appends of 200 bytes + fdatasync back to back in ${os.tmpdir()})`,
      `reference_fdatasync_ms_p99: ${percentile(backToBack, 99).toFixed(2)} ms`,
      `reference_fdatasync_spaced_ms_p50: ${percentile(spaced, 50).toFixed(2)} ms (${spacedAppends} appends, one every ${spacingMs} ms)`,
      `reference_fdatasync_spaced_ms_p99: ${percentile(spaced, 99).toFixed(2)} ms (max ${Math.max(...spaced).toFixed(2)} ms)`,
    ];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
