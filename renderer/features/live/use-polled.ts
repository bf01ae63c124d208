import { useEffect, useRef, useState } from 'react';
import { livePollClock } from './poll-clock';

/**
 * A fresh reading every `intervalMs`, on the screen's one shared poll tick; for clocks and
 * meters. Read what is shown (a formatted string, a rounded number): an unchanged reading does
 * not re-render.
 */
export function usePolled<T>(read: () => T, intervalMs: number): T {
  const [value, setValue] = useState(read);
  // The latest reader, so re-renders do not restart the subscription (and starve it).
  const reader = useRef(read);
  reader.current = read;
  useEffect(() => livePollClock.every(intervalMs, () => setValue(reader.current())), [intervalMs]);
  return value;
}
