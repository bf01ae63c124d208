import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';

export interface RunningWebHost {
  /** The printed address without its trailing slash (it carries the run's key); append `/#/…` or `/?…`. */
  readonly url: string;
  /** The host's origin, for requests that must not carry the key. */
  readonly origin: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Everything the host printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/**
 * Starts the built web host (`dist/web/main.js`) as `npm run web` would: by default with
 * `--port 0`, a free port the first time and the same one again on the same data folder.
 */
export async function startWebHost(
  options: { dataDir?: string; port?: number; extraArgs?: readonly string[]; /** The host's environment (e.g. a PATH without ffmpeg); this process's by default. */ env?: NodeJS.ProcessEnv } = {},
): Promise<RunningWebHost> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'attune-e2e-')));
  const args = [path.join(repoRoot, 'dist', 'web', 'main.js'), '--port', String(options.port ?? 0), '--data-dir', dataDir, ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start in time:\n${output}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Attune listening on (http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]+)\//.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}:\n${output}`));
    });
  });
  return {
    output: () => output,
    url,
    origin: new URL(url).origin,
    dataDir,
    process: child,
    async stop(signal = 'SIGTERM') {
      // Already gone (exited, or killed by a signal): no exit event will come again.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

export async function removeDataDir(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
}
