import { useEffect, useState } from 'react';

/**
 * False until a frame has been painted after `ready` became true, then true: for parts of a
 * screen that cost more to build than they are worth on its first frame (they show one frame
 * later, below what the screen is for).
 */
export function useAfterFirstFrame(ready = true): boolean {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!ready || shown) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A task posted from the next animation frame runs after that frame's paint.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setShown(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ready, shown]);
  return shown;
}
