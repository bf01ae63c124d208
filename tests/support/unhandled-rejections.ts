/**
 * Collects the unhandled rejections raised while `action` runs (and just after), in place of
 * Vitest's own handler, which would fail the run on the ones a test expects. Needs real timers.
 */
export async function unhandledRejectionsDuring(action: () => void | Promise<void>): Promise<unknown[]> {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const vitestHandlers = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', onRejection);
  try {
    await action();
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('unhandledRejection', onRejection);
    for (const handler of vitestHandlers) process.on('unhandledRejection', handler);
  }
  return rejections;
}
