import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux Chromium runs on). */
const ticksPerSecond = 100;

interface ThreadTicks {
  readonly name: string;
  readonly ticks: number;
}

async function rendererPids(browser: Browser): Promise<number[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    return processInfo.filter((info) => info.type === 'renderer').map((info) => info.id);
  } finally {
    await cdp.detach();
  }
}

/** Every thread of `pid`: its name and user + system ticks so far (fields 14 and 15 of its stat line, after the parenthesised name). */
async function threadTicks(pid: number): Promise<Map<string, ThreadTicks>> {
  const threads = new Map<string, ThreadTicks>();
  const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  for (const tid of tids) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    threads.set(`${pid}/${tid}`, { name, ticks: Number(fields[11]) + Number(fields[12]) });
  }
  return threads;
}

/**
 * CPU of each renderer thread over `seconds`, by thread name, as % of one core: where a
 * renderer's time goes (its main thread, the audio thread, the media decoders, the compositor).
 * Linux only (it reads /proc); answers an empty list elsewhere.
 */
export async function rendererThreadCpu(browser: Browser, seconds: number): Promise<{ name: string; percent: number }[]> {
  if (process.platform !== 'linux') return [];
  const pids = await rendererPids(browser);
  const read = async () => new Map((await Promise.all(pids.map(threadTicks))).flatMap((threads) => [...threads]));
  const before = await read();
  const started = performance.now();
  await sleep(seconds * 1000);
  const after = await read();
  const elapsed = (performance.now() - started) / 1000;
  const byName = new Map<string, number>();
  for (const [key, { name, ticks }] of after) {
    const spent = ticks - (before.get(key)?.ticks ?? 0);
    if (spent > 0) byName.set(name, (byName.get(name) ?? 0) + spent);
  }
  return [...byName]
    .map(([name, ticks]) => ({ name, percent: (ticks / ticksPerSecond / elapsed) * 100 }))
    .sort((a, b) => b.percent - a.percent);
}

export const describeThreads = (threads: readonly { name: string; percent: number }[]): string =>
  threads
    .filter((thread) => thread.percent >= 0.05)
    .map((thread) => `${thread.name} ${thread.percent.toFixed(1)}`)
    .join(', ');
