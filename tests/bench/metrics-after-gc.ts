import type { Page } from 'playwright';

/** Chromium's performance metrics of the page (JSHeapUsedSize, AudioHandlers, …) after two forced garbage collections. */
export async function metricsAfterGc(page: Page): Promise<(name: string) => number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (name) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
  } finally {
    await cdp.detach();
  }
}
