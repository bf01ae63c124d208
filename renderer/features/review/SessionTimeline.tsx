import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { formatSessionTime } from '../../../core/exports/time';
import { describeItem, isReplayable, layoutRows, withoutAuthors, type TimelineAuthor, type TimelineItem, type TimelineModel, type TimelineRow } from './timeline-model';
import { nearestItem, spanOf, timeToX, xToTime, type TimeRange } from './timeline-scale';
import { gutterPx, TimelineDrawing } from './TimelineDrawing';
import { useTimelineViewport } from './use-timeline-viewport';

interface SessionTimelineProps {
  readonly model: TimelineModel;
  readonly activeKey: string | undefined;
  readonly onActivate: (key: string | undefined) => void;
  readonly onReplay: (item: TimelineItem) => void;
  readonly onStopReplay: () => void;
  readonly timeZone: string;
  /** The viewport's width measured before the session arrived (TimelineWidthProbe): the drawing is made in the first render, not after a layout. */
  readonly widthHint?: number;
}

/** The pointer finds an item this close either way, however thin it is drawn: a 24 px wide target (WCAG 2.5.8). */
const hitTolerancePx = 12;

export const timelineItemId = (key: string) => `timeline-item-${key}`;

interface Hover {
  readonly item: TimelineItem;
  readonly x: number;
}

/**
 * The whole session on one drawing: phases (planned and played), what sounded, marks by
 * kind, protocol events and facilitator actions. Drawn as SVG by our own code, only what
 * is in view. A row with many pins draws them as one path per colour, built once per
 * session, that a zoom or pan only moves (its transform), so two thousand marks stay smooth.
 */
export const SessionTimeline = memo(function SessionTimeline({ model: wholeModel, activeKey, onActivate, onReplay, onStopReplay, timeZone, widthHint }: SessionTimelineProps) {
  const viewportRef = useRef<HTMLDivElement>(null);
  // Without a hint, unknown until the viewport is laid out: the drawing waits for it rather than being drawn twice.
  const [measuredWidth, setWidth] = useState<number | undefined>(widthHint);
  const width = measuredWidth ?? 0;
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  // Whose marks are hidden (null: the unsigned ones); everything below sees only what is shown.
  const [hiddenAuthors, setHiddenAuthors] = useState<ReadonlySet<string | null>>(new Set());
  const model = useMemo(() => withoutAuthors(wholeModel, hiddenAuthors), [wholeModel, hiddenAuthors]);
  const [hover, setHover] = useState<Hover | undefined>();
  const plotWidth = Math.max(50, width - gutterPx);

  // Once, on mount: from then on the observer follows the width.
  useLayoutEffect(() => {
    const element = viewportRef.current;
    if (element === null) return;
    // Called after a layout that sized the viewport and before that frame is painted: a hint that was
    // off (a scroll bar came with the session) or a resized window is redrawn before anyone sees it.
    const observer = new ResizeObserver(() => {
      const width = element.clientWidth;
      flushSync(() => setWidth(width));
    });
    observer.observe(element);
    // No hint: measured now, a layout of the whole screen before the drawing can be made.
    if (widthHint === undefined) setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);

  const { rows, height } = useMemo(() => layoutRows(model, hidden), [model, hidden]);
  const itemsByRow = model.itemsByRow;
  const navigable = useMemo(() => model.items.filter((item) => !hidden.has(item.rowKey)), [model, hidden]);
  const active = activeKey === undefined ? undefined : model.itemByKey.get(activeKey);

  const pointAt = (clientX: number, clientY: number, view: TimeRange): Hover | undefined => {
    const element = viewportRef.current;
    if (element === null) return undefined;
    const box = element.getBoundingClientRect();
    // The drawing starts inside the viewport's border: measured from there, as it is drawn,
    // and from the drawing's top however far the rows are scrolled.
    const x = clientX - box.left - element.clientLeft;
    const y = clientY - box.top - element.clientTop + element.scrollTop;
    // A pin at the very start of the view is still a 24 px target: its left half reaches into the gutter.
    if (x < gutterPx - hitTolerancePx) return undefined;
    const row = rows.find((candidate) => y >= candidate.y && y < candidate.y + candidate.height);
    if (row === undefined || (row.kind !== 'marks' && row.kind !== 'protocol' && row.kind !== 'actions')) return undefined;
    const inRow = itemsByRow.get(row.key);
    if (inRow === undefined) return undefined;
    const msPerPx = spanOf(view) / plotWidth;
    const item = nearestItem(inRow.items, xToTime(x - gutterPx, view, plotWidth), hitTolerancePx * msPerPx, inRow.longestMs);
    if (item === undefined) return undefined;
    // The card sits under the item, not the pointer, so it holds still while the pointer wanders over it.
    const itemX = gutterPx + Math.min(plotWidth, Math.max(0, timeToX(Math.max(item.startMs, view.startMs), view, plotWidth)));
    return { item, x: itemX };
  };

  const viewport = useTimelineViewport({
    viewportRef,
    domain: model.domain,
    gutterPx,
    plotWidth,
    focus: active,
    onPointAt: (clientX, clientY, view) => {
      const found = pointAt(clientX, clientY, view);
      setHover((current) => (found !== undefined && current?.item.key === found.item.key && current.x === found.x ? current : found));
    },
    onClickAt: (clientX, clientY, view) => {
      const found = pointAt(clientX, clientY, view);
      if (found !== undefined) onActivate(found.item.key);
    },
    onDragStart: () => setHover(undefined),
  });
  const { view } = viewport;

  const step = (direction: 1 | -1) => {
    if (navigable.length === 0) return;
    const index = active === undefined ? -1 : navigable.findIndex((item) => item.key === active.key);
    let next: TimelineItem | undefined;
    if (index < 0 || !(active !== undefined && active.startMs >= view.startMs && active.startMs <= view.endMs)) {
      // Nothing chosen in view: start from the edge of what is shown.
      next = direction === 1 ? navigable.find((item) => item.startMs >= view.startMs) : navigable.findLast((item) => item.startMs <= view.endMs);
    } else {
      next = navigable[index + direction];
    }
    if (next !== undefined) onActivate(next.key);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.metaKey || event.ctrlKey) return;
    if (!viewport.handleKey(event)) {
      switch (event.key) {
        case '.':
        case ']':
          step(1);
          break;
        case ',':
        case '[':
          step(-1);
          break;
        case 'Enter':
          if (active !== undefined && isReplayable(active)) onReplay(active);
          else return;
          break;
        case 'Escape':
          onStopReplay();
          break;
        default:
          return;
      }
    }
    event.preventDefault();
  };

  const toggle = useCallback(
    (key: string) =>
      setHidden((current) => {
        const next = new Set(current);
        if (next.has(key)) next.delete(key);
        else next.add(key);
        return next;
      }),
    [],
  );

  const toggleAuthor = useCallback(
    (by: string | null) =>
      setHiddenAuthors((current) => {
        const next = new Set(current);
        if (next.has(by)) next.delete(by);
        else next.add(by);
        return next;
      }),
    [],
  );

  const activeInView = active !== undefined && !hidden.has(active.rowKey) && active.endMs >= view.startMs && active.startMs <= view.endMs;
  const shown = `${formatSessionTime(Math.max(0, view.startMs))}–${formatSessionTime(view.endMs)}`;

  return (
    <div className="timeline">
      <div className="timeline-toolbar">
        <KindFilter rowKinds={model.rowKinds} hidden={hidden} onToggle={toggle} />
        {/* One author has nothing to filter: the control appears once a second one has marked. */}
        {wholeModel.authors.length > 1 ? <AuthorFilter authors={wholeModel.authors} hidden={hiddenAuthors} onToggle={toggleAuthor} /> : null}
        <div className="timeline-zoom">
          <button type="button" onClick={viewport.zoomIn} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={viewport.zoomOut} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={viewport.showWhole}>
            Whole day
          </button>
          <span className="muted" data-testid="timeline-range" aria-live="polite">
            Showing {shown}
          </span>
        </div>
      </div>
      <div
        ref={viewportRef}
        className="timeline-viewport"
        tabIndex={0}
        role="group"
        aria-roledescription="timeline"
        aria-label={`Session timeline, showing ${shown} since the dose`}
        aria-describedby="timeline-keys"
        aria-activedescendant={activeInView ? timelineItemId(active.key) : undefined}
        data-view-start={Math.round(view.startMs)}
        data-view-end={Math.round(view.endMs)}
        onKeyDown={onKeyDown}
        {...viewport.pointerHandlers}
        onPointerLeave={() => setHover(undefined)}
      >
        {measuredWidth === undefined ? null : (
          <svg width={width} height={height} className="timeline-svg">
            <TimelineDrawing model={model} rows={rows} view={view} plotWidth={plotWidth} height={height} />
            {activeInView ? <ActiveHighlight item={active} rows={rows} view={view} plotWidth={plotWidth} timeZone={timeZone} /> : null}
          </svg>
        )}
        {hover !== undefined ? <HoverCard hover={hover} width={width} top={height + 6} timeZone={timeZone} /> : null}
      </div>
      <p id="timeline-keys" className="muted timeline-keys">
        Wheel, pinch or <kbd>+</kbd> <kbd>−</kbd> zoom · drag, sideways swipe, <kbd>Shift</kbd>+wheel or <kbd>←</kbd> <kbd>→</kbd> move · <kbd>Home</kbd> <kbd>End</kbd> start and end · <kbd>0</kbd> whole
        day · <kbd>,</kbd> <kbd>.</kbd> previous and next item · <kbd>Enter</kbd> replay · <kbd>Esc</kbd> stop
      </p>
    </div>
  );
});

/**
 * The timeline's frame, empty and unseen, for a screen still waiting for its session: laid out
 * as the timeline will be, it measures the width the drawing will have (`SessionTimeline`'s
 * `widthHint`), while the screen is small and cheap to lay out.
 */
export function TimelineWidthProbe({ onWidth }: { readonly onWidth: (width: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (ref.current !== null) onWidth(ref.current.clientWidth);
  }, [onWidth]);
  return (
    <div className="timeline timeline-probe" aria-hidden="true">
      <div ref={ref} className="timeline-viewport" />
    </div>
  );
}

/** The kind filters; they do not change while the view moves, so a zoom does not redraw them. */
const KindFilter = memo(function KindFilter({
  rowKinds,
  hidden,
  onToggle,
}: {
  readonly rowKinds: TimelineModel['rowKinds'];
  readonly hidden: ReadonlySet<string>;
  readonly onToggle: (key: string) => void;
}) {
  return (
    <fieldset className="timeline-filter">
      <legend className="label">Show</legend>
      {rowKinds.map((kind) => (
        <button
          key={kind.key}
          type="button"
          className="filter-toggle"
          aria-pressed={!hidden.has(kind.key)}
          data-filter-kind={kind.key}
          style={{ '--kind-color': kind.color } as CSSProperties}
          onClick={() => onToggle(kind.key)}
        >
          <span className="swatch" aria-hidden="true" />
          {kind.label} <span className="muted">{kind.count}</span>
        </button>
      ))}
    </fieldset>
  );
});

/** Whose marks to show, like the kind filters: each facilitator, and the marks no one signed. */
const AuthorFilter = memo(function AuthorFilter({
  authors,
  hidden,
  onToggle,
}: {
  readonly authors: readonly TimelineAuthor[];
  readonly hidden: ReadonlySet<string | null>;
  readonly onToggle: (by: string | null) => void;
}) {
  return (
    <fieldset className="timeline-filter author-filter">
      <legend className="label">Marks by</legend>
      {authors.map((author) => (
        <button
          key={author.by ?? ''}
          type="button"
          className="filter-toggle"
          aria-pressed={!hidden.has(author.by)}
          data-filter-author={author.by ?? ''}
          onClick={() => onToggle(author.by)}
        >
          {author.label} <span className="muted">{author.count}</span>
        </button>
      ))}
    </fieldset>
  );
});

/** Below the drawing, under the item: it never hides the neighbouring rows (or the pins on them) while it shows. */
function HoverCard({ hover, width, top, timeZone }: { readonly hover: Hover; readonly width: number; readonly top: number; readonly timeZone: string }) {
  const cardWidth = 300;
  const left = Math.max(0, Math.min(width - cardWidth, hover.x - cardWidth / 2));
  return (
    <div className="timeline-hover" role="tooltip" style={{ left, top, width: cardWidth }} data-testid="timeline-hover">
      <DetailList item={hover.item} timeZone={timeZone} />
    </div>
  );
}

export function DetailList({ item, timeZone }: { readonly item: TimelineItem; readonly timeZone: string }) {
  return (
    <dl className="detail-list">
      {describeItem(item, timeZone).map((line) => (
        <div key={line.label}>
          <dt>{line.label}</dt>
          <dd>{line.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ActiveHighlight({
  item,
  rows,
  view,
  plotWidth,
  timeZone,
}: {
  readonly item: TimelineItem;
  readonly rows: readonly TimelineRow[];
  readonly view: TimeRange;
  readonly plotWidth: number;
  readonly timeZone: string;
}) {
  const row = rows.find((candidate) => candidate.key === item.rowKey);
  if (row === undefined) return null;
  const x1 = gutterPx + Math.max(0, timeToX(item.startMs, view, plotWidth));
  const x2 = gutterPx + Math.min(plotWidth, timeToX(item.endMs, view, plotWidth));
  const summary = describeItem(item, timeZone)
    .map((line) => `${line.label}: ${line.value}`)
    .join('; ');
  return (
    <rect
      id={timelineItemId(item.key)}
      role="img"
      aria-label={summary}
      className="tl-active"
      x={x1 - 5}
      y={row.y + 1}
      width={Math.max(10, x2 - x1 + 10)}
      height={row.height - 2}
      rx={4}
    />
  );
}
