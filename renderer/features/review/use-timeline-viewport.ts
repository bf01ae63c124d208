import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type RefObject } from 'react';
import type { Milliseconds } from '../../../core/units';
import { centreView, clampView, isWellInside, panView, spanOf, wheelZoomFactor, wholeView, xToTime, zoomView, type TimeRange } from './timeline-scale';

const keyboardZoomFactor = 2;
/** A press that moves less than this is a click, not a drag. */
const dragThresholdPx = 3;

export interface TimelineViewportOptions {
  readonly viewportRef: RefObject<HTMLDivElement | null>;
  readonly domain: TimeRange;
  /** The drawing's width left of the plot (the row names). */
  readonly gutterPx: number;
  readonly plotWidth: number;
  /** The chosen item: brought into view when it changes, and the anchor of a keyboard or button zoom while it shows. */
  readonly focus: { readonly startMs: Milliseconds } | undefined;
  /** The pointer moved without dragging; `view` is what it moved over. */
  readonly onPointAt: (clientX: number, clientY: number, view: TimeRange) => void;
  /** A press released where it began. */
  readonly onClickAt: (clientX: number, clientY: number, view: TimeRange) => void;
  /** A drag began: what hovered is left behind. */
  readonly onDragStart: () => void;
}

export interface TimelineViewport {
  readonly view: TimeRange;
  /** Above 1 zooms in, around the chosen item while it shows, else the middle. */
  readonly zoomBy: (factor: number) => void;
  readonly zoomIn: () => void;
  readonly zoomOut: () => void;
  readonly showWhole: () => void;
  /** Zoom, pan, start, end and whole-day keys; false (the event untouched) for any other key. */
  readonly handleKey: (event: KeyboardEvent<HTMLDivElement>) => boolean;
  readonly pointerHandlers: {
    readonly onPointerDown: (event: PointerEvent<HTMLDivElement>) => void;
    readonly onPointerMove: (event: PointerEvent<HTMLDivElement>) => void;
    readonly onPointerUp: (event: PointerEvent<HTMLDivElement>) => void;
    readonly onPointerCancel: () => void;
  };
}

interface Drag {
  readonly x: number;
  readonly view: TimeRange;
  moved: boolean;
}

/** The visible stretch of the timeline and every way to move it: wheel, pinch, drag, keys and buttons. */
export function useTimelineViewport({ viewportRef, domain, gutterPx, plotWidth, focus, onPointAt, onClickAt, onDragStart }: TimelineViewportOptions): TimelineViewport {
  const [view, setView] = useState<TimeRange>(() => wholeView(domain));
  useEffect(() => setView((current) => clampView(current, domain)), [domain]);

  // The latest values, for the wheel listener (registered once, not passive, so it can keep the page from scrolling).
  const latest = useRef({ view, plotWidth, domain, gutterPx });
  useLayoutEffect(() => {
    latest.current = { view, plotWidth, domain, gutterPx };
  }, [view, plotWidth, domain, gutterPx]);

  useEffect(() => {
    const element = viewportRef.current;
    if (element === null) return;
    const onWheel = (event: WheelEvent) => {
      const { view: current, plotWidth: plot, domain: bounds, gutterPx: gutter } = latest.current;
      const box = element.getBoundingClientRect();
      const x = event.clientX - box.left - gutter;
      const horizontal = Math.abs(event.deltaX) > Math.abs(event.deltaY);
      if (!horizontal && !event.shiftKey && !event.ctrlKey && Math.abs(event.deltaY) < 0.5) return;
      event.preventDefault();
      if (horizontal || event.shiftKey) {
        const pixels = horizontal ? event.deltaX : event.deltaY;
        setView(panView(current, (pixels * (event.deltaMode === 1 ? 16 : 1) * spanOf(current)) / plot, bounds));
      } else {
        const anchor = xToTime(Math.min(plot, Math.max(0, x)), current, plot);
        setView(zoomView(current, wheelZoomFactor(event.deltaY, event.deltaMode, event.ctrlKey), anchor, bounds));
      }
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [viewportRef]);

  // An item chosen elsewhere (the marks table, the keyboard) is brought into view.
  useEffect(() => {
    if (focus === undefined) return;
    setView((current) => (isWellInside(current, focus.startMs) ? current : centreView(current, focus.startMs, domain)));
  }, [focus, domain]);

  const zoomBy = (factor: number) =>
    setView((current) => {
      const anchor = focus !== undefined && focus.startMs >= current.startMs && focus.startMs <= current.endMs ? focus.startMs : (current.startMs + current.endMs) / 2;
      return zoomView(current, factor, anchor, domain);
    });
  const showWhole = () => setView(wholeView(domain));

  const handleKey = (event: KeyboardEvent<HTMLDivElement>): boolean => {
    const span = spanOf(view);
    switch (event.key) {
      case '+':
      case '=':
        zoomBy(keyboardZoomFactor);
        return true;
      case '-':
      case '_':
        zoomBy(1 / keyboardZoomFactor);
        return true;
      case 'ArrowLeft':
        setView(panView(view, -span * (event.shiftKey ? 0.9 : 0.25), domain));
        return true;
      case 'ArrowRight':
        setView(panView(view, span * (event.shiftKey ? 0.9 : 0.25), domain));
        return true;
      case 'Home':
        setView(panView(view, domain.startMs - view.startMs, domain));
        return true;
      case 'End':
        setView(panView(view, domain.endMs - view.endMs, domain));
        return true;
      case '0':
        showWhole();
        return true;
      default:
        return false;
    }
  };

  const drag = useRef<Drag | undefined>(undefined);
  const pointerHandlers = {
    onPointerDown: (event: PointerEvent<HTMLDivElement>) => {
      if (event.button !== 0) return;
      viewportRef.current?.focus({ preventScroll: true });
      drag.current = { x: event.clientX, view, moved: false };
      event.currentTarget.setPointerCapture(event.pointerId);
    },
    onPointerMove: (event: PointerEvent<HTMLDivElement>) => {
      const dragging = drag.current;
      if (dragging !== undefined) {
        const dx = event.clientX - dragging.x;
        if (Math.abs(dx) > dragThresholdPx) dragging.moved = true;
        if (dragging.moved) {
          onDragStart();
          setView(panView(dragging.view, (-dx * spanOf(dragging.view)) / plotWidth, domain));
          return;
        }
      }
      onPointAt(event.clientX, event.clientY, view);
    },
    onPointerUp: (event: PointerEvent<HTMLDivElement>) => {
      const dragging = drag.current;
      drag.current = undefined;
      if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
      if (dragging === undefined || dragging.moved) return;
      onClickAt(event.clientX, event.clientY, view);
    },
    onPointerCancel: () => {
      drag.current = undefined;
    },
  };

  return {
    view,
    zoomBy,
    zoomIn: () => zoomBy(keyboardZoomFactor),
    zoomOut: () => zoomBy(1 / keyboardZoomFactor),
    showWhole,
    handleKey,
    pointerHandlers,
  };
}
