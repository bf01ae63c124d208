import { spawn } from 'node:child_process';

export interface KilledRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunAndKillOptions {
  /** The kill is armed once the child's output contains this (its "ready" or first acknowledgement). */
  readonly armedBy: string;
  readonly killAfterMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs a bundled child script and SIGKILLs it `killAfterMs` after its output first contains
 * `armedBy`; a child that never gets there is killed after 15 s. Resolves with all it printed.
 */
export function runAndKill(script: string, args: readonly string[], { armedBy, killAfterMs, env = process.env }: RunAndKillOptions): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (killTimer === undefined && stdout.includes(armedBy)) killTimer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(giveUp);
      clearTimeout(killTimer);
      resolve({ stdout, stderr, code, signal });
    });
  });
}
