/** The review timeline's User Timing measure of each redraw (render and commit). */
export const timelineRenderMeasure = 'attune:timeline-render';

export interface TimelineRender {
  readonly startTime: number;
  readonly duration: number;
}

/**
 * An init script that keeps every `attune:timeline-render` measure the page makes (the app keeps
 * only the latest in the page's buffer): `window.__attuneTimelineRenders()` returns them all, in order,
 * including those the observer has not been handed yet.
 */
export const recordTimelineRenders = `
  (() => {
    const kept = [];
    const keep = (entries) => {
      for (const entry of entries) if (entry.name === ${JSON.stringify(timelineRenderMeasure)}) kept.push({ startTime: entry.startTime, duration: entry.duration });
    };
    const observer = new PerformanceObserver((list) => keep(list.getEntries()));
    observer.observe({ type: 'measure' });
    window.__attuneTimelineRenders = () => {
      keep(observer.takeRecords());
      return kept.slice();
    };
  })();
`;

export type TimelineRendersWindow = Window & { readonly __attuneTimelineRenders: () => TimelineRender[] };
