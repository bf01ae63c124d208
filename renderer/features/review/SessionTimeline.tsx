import { memo, useCallback, useId, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { formatSessionTime } from '../../../core/exports/time';
import type { Milliseconds } from '../../../core/units';
import {
  describeItem,
  isReplayable,
  layoutRows,
  type ActualPhaseBand,
  type PhaseBand,
  type RowItems,
  type TimelineItem,
  type TimelineModel,
  type TimelineRow,
} from './timeline-model';
import { fitLabel, truncateLabel } from './timeline-labels';
import { countInView, drawsAsPath, pinPaths, pinTransform, type PinPath, type PinShape } from './timeline-pins';
import { axisTicks, bucketItems, nearestItem, spanOf, timeToX, xToTime, type TimeRange } from './timeline-scale';
import { useTimelineViewport } from './use-timeline-viewport';

interface SessionTimelineProps {
  readonly model: TimelineModel;
  readonly activeKey: string | undefined;
  readonly onActivate: (key: string | undefined) => void;
  readonly onReplay: (item: TimelineItem) => void;
  readonly onStopReplay: () => void;
  readonly timeZone: string;
}

const gutterPx = 168;
/** Pins closer than this merge into one at the current zoom (the hover still finds each). */
const bucketPx = 3;
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
export const SessionTimeline = memo(function SessionTimeline({ model, activeKey, onActivate, onReplay, onStopReplay, timeZone }: SessionTimelineProps) {
  const viewportRef = useRef<HTMLDivElement>(null);
  // Unknown until the viewport is laid out: the drawing waits for it rather than being drawn twice.
  const [measuredWidth, setWidth] = useState<number | undefined>();
  const width = measuredWidth ?? 0;
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [hover, setHover] = useState<Hover | undefined>();
  const plotWidth = Math.max(50, width - gutterPx);

  useLayoutEffect(() => {
    const element = viewportRef.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
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

  const activeInView = active !== undefined && !hidden.has(active.rowKey) && active.endMs >= view.startMs && active.startMs <= view.endMs;
  const shown = `${formatSessionTime(Math.max(0, view.startMs))}–${formatSessionTime(view.endMs)}`;

  return (
    <div className="timeline">
      <div className="timeline-toolbar">
        <KindFilter rowKinds={model.rowKinds} hidden={hidden} onToggle={toggle} />
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

const renderMeasure = 'attune:timeline-render';

/**
 * Each redraw's render and commit as a User Timing measure (`attune:timeline-render`), for the
 * benchmarks and the browser's performance tools. Only the latest stays in the page's buffer, so
 * hours of zooming do not grow it; a PerformanceObserver still sees every one.
 */
function useRenderMeasure(): void {
  const renderStartedAt = performance.now();
  useLayoutEffect(() => {
    performance.clearMeasures(renderMeasure);
    performance.measure(renderMeasure, { start: renderStartedAt, end: performance.now() });
  });
}

interface DrawingProps {
  readonly model: TimelineModel;
  readonly rows: readonly TimelineRow[];
  readonly view: TimeRange;
  readonly plotWidth: number;
  readonly height: number;
}

const pinShapes: Record<'pins' | 'ticks', (row: TimelineRow) => PinShape> = {
  // As ItemShape draws one pin or tick.
  pins: (row) => ({ top: 3, height: row.height - 6, widthPx: 4, rounded: true }),
  ticks: (row) => ({ top: row.height / 2 - 6, height: 12, widthPx: 2, rounded: false }),
};
const pinShapeOf = (row: TimelineRow) => pinShapes[row.kind === 'actions' ? 'ticks' : 'pins'](row);

/** Everything but the hover and the selection, so moving the pointer does not redraw it. */
const TimelineDrawing = memo(function TimelineDrawing({ model, rows, view, plotWidth, height }: DrawingProps) {
  useRenderMeasure();
  const clipId = useId();
  const blocks = useMemo(() => timelineBlocks(model), [model]);
  // Built once per session (and filter): a zoom or pan only changes each path's transform.
  const pathsByRow = useMemo(() => {
    const byRow = new Map<string, PinPath[]>();
    for (const row of rows) {
      const inRow = model.itemsByRow.get(row.key);
      if (inRow !== undefined && drawsAsPath(inRow.items.length)) byRow.set(row.key, pinPaths(inRow.items, model.domain, pinShapeOf(row)));
    }
    return byRow;
  }, [model, rows]);
  const ticks = axisTicks(view, plotWidth);
  const x = (ms: Milliseconds) => gutterPx + timeToX(ms, view, plotWidth);
  const clipX = (ms: Milliseconds) => Math.min(gutterPx + plotWidth, Math.max(gutterPx, x(ms)));
  const axis = rows[0] as TimelineRow;
  return (
    <g className="timeline-drawing">
      <clipPath id={clipId}>
        <rect x={gutterPx} y={0} width={plotWidth} height={height} />
      </clipPath>
      <RowLabels rows={rows} plotWidth={plotWidth} />
      {ticks.map((tick) => (
        <g key={tick.ms}>
          <line className="tl-grid" x1={x(tick.ms)} x2={x(tick.ms)} y1={axis.height - 6} y2={height} />
          <text className="tl-axis-label" x={x(tick.ms) + 3} y={axis.height - 10}>
            {tick.label}
          </text>
        </g>
      ))}
      {rows.map((row) => {
        switch (row.kind) {
          case 'planned':
            return <Blocks key={row.key} blocks={blocks.planned} shape={phaseBlockShape} row={row} view={view} clipX={clipX} />;
          case 'actual':
            return <Blocks key={row.key} blocks={blocks.actual} shape={phaseBlockShape} row={row} view={view} clipX={clipX} />;
          case 'segments':
            return <Blocks key={row.key} blocks={blocks.segments} shape={segmentBlockShape} row={row} view={view} clipX={clipX} />;
          case 'state':
            return (
              <g key={row.key} data-row={row.key} className="tl-states">
                {model.states.map((span) => {
                  if (span.endMs < view.startMs || span.startMs > view.endMs) return null;
                  const left = clipX(span.startMs);
                  const width = Math.max(1, clipX(span.endMs) - left);
                  // A span state (dissociation) is a stripe along the bottom, over the band it overlaps.
                  const top = span.kind === 'band' ? row.y + 3 : row.y + row.height - 7;
                  const height = span.kind === 'band' ? row.height - 6 : 5;
                  return (
                    <rect key={span.id} className={`tl-state tl-state-${span.kind}`} data-state={span.stateId} x={left} y={top} width={width} height={height} fill={span.color ?? '#6b7079'}>
                      <title>{`${span.label} · ${formatSessionTime(span.startMs)}–${formatSessionTime(span.endMs)}${span.ended === 'open' ? ' (still holding)' : ''}`}</title>
                    </rect>
                  );
                })}
              </g>
            );
          case 'marks':
          case 'protocol':
          case 'actions': {
            const inRow = model.itemsByRow.get(row.key);
            if (inRow === undefined) return null;
            const paths = pathsByRow.get(row.key);
            return (
              <g key={row.key} data-row={row.key}>
                {paths === undefined ? null : (
                  <PinPaths row={row} paths={paths} view={view} transform={pinTransform(view, model.domain, gutterPx, plotWidth, row.y)} clipId={clipId} />
                )}
                <RowShapes row={row} inRow={inRow} pointsToo={paths === undefined} view={view} plotWidth={plotWidth} x={x} clipX={clipX} />
              </g>
            );
          }
          default:
            return null;
        }
      })}
    </g>
  );
});

/** As many characters of a row's name as the gutter holds. */
const rowLabelCharacters = 20;

/** The row names in the gutter: the same at every zoom. */
const RowLabels = memo(function RowLabels({ rows, plotWidth }: { readonly rows: readonly TimelineRow[]; readonly plotWidth: number }) {
  return (
    <>
      {rows.map((row) =>
        row.kind === 'axis' ? null : (
          <g key={`label-${row.key}`}>
            {row.firstOfLane ? <line className="tl-separator" x1={0} x2={gutterPx + plotWidth} y1={row.y - 3} y2={row.y - 3} /> : null}
            {row.color !== undefined ? <circle cx={10} cy={row.y + row.height / 2} r={4} fill={row.color} /> : null}
            <text className="tl-row-label" x={row.color !== undefined ? 20 : 4} y={row.y + row.height / 2 + 4}>
              {truncateLabel(row.label, rowLabelCharacters)}
            </text>
          </g>
        ),
      )}
    </>
  );
});

/** A row's point pins as paths, clipped to the plot; `data-count` is how many of them the view shows. */
function PinPaths({
  row,
  paths,
  view,
  transform,
  clipId,
}: {
  readonly row: TimelineRow;
  readonly paths: readonly PinPath[];
  readonly view: TimeRange;
  readonly transform: string;
  readonly clipId: string;
}) {
  const tick = row.kind === 'actions';
  const { widthPx, rounded } = pinShapeOf(row);
  return (
    <g clipPath={`url(#${clipId})`}>
      {paths.map((path) => (
        <path
          key={path.colour}
          className={`tl-item ${tick ? 'tl-ticks' : 'tl-pins'}`}
          data-kind={row.key}
          data-count={countInView(path.times, view)}
          d={path.d}
          transform={transform}
          stroke={path.colour}
          strokeWidth={widthPx}
          strokeLinecap={rounded ? 'round' : 'butt'}
          vectorEffect="non-scaling-stroke"
          fill="none"
        />
      ))}
    </g>
  );
}

/** The row's spans (and its points too, in a row with few), one element each, only those in view. */
function RowShapes({
  row,
  inRow,
  pointsToo,
  view,
  plotWidth,
  x,
  clipX,
}: {
  readonly row: TimelineRow;
  readonly inRow: RowItems;
  readonly pointsToo: boolean;
  readonly view: TimeRange;
  readonly plotWidth: number;
  readonly x: (ms: Milliseconds) => number;
  readonly clipX: (ms: Milliseconds) => number;
}) {
  if (!pointsToo && inRow.longestMs === 0) return null;
  const drawn = bucketItems(inRow.items, view, plotWidth, bucketPx, inRow.longestMs);
  return (
    <>
      {drawn.map(({ item, count }) =>
        pointsToo || item.endMs > item.startMs ? <ItemShape key={item.key} item={item} count={count} row={row} x={x} clipX={clipX} /> : null,
      )}
    </>
  );
}

/** How a row of blocks sits in its row: the gap between neighbours, the corner radius and where the label starts. */
interface BlockShape {
  readonly insetPx: number;
  readonly gapPx: number;
  readonly radius: number;
  readonly labelInsetPx: number;
}
const phaseBlockShape: BlockShape = { insetPx: 1, gapPx: 2, radius: 4, labelInsetPx: 7 };
const segmentBlockShape: BlockShape = { insetPx: 0, gapPx: 1, radius: 3, labelInsetPx: 5 };

/** A stretch drawn as a labelled block: a phase (planned or played) or what sounded. */
interface TimelineBlock {
  readonly key: string;
  readonly startMs: Milliseconds;
  readonly endMs: Milliseconds;
  readonly label: string;
  /** The tooltip: name, any detail, and the stretch since the dose. */
  readonly title: string;
  readonly className: string;
  /** Tests and styles find a phase or a segment by its id. */
  readonly data: { readonly 'data-phase-id': string } | { readonly 'data-segment-id': string };
}

const stretchText = (startMs: Milliseconds, endMs: Milliseconds) => `${formatSessionTime(startMs)}–${formatSessionTime(endMs)}`;

/** The blocks of the phase and music rows, built once per session: a zoom only places them. */
function timelineBlocks(model: TimelineModel): { planned: TimelineBlock[]; actual: TimelineBlock[]; segments: TimelineBlock[] } {
  const phaseBlock = (band: PhaseBand | ActualPhaseBand, className: string): TimelineBlock => ({
    key: band.id,
    startMs: band.startMs,
    endMs: band.endMs,
    label: band.title,
    title: `${band.title}${'held' in band && band.held ? ' (held)' : ''} · ${stretchText(band.startMs, band.endMs)}`,
    className: `tl-phase ${className}`,
    data: { 'data-phase-id': band.id },
  });
  return {
    planned: model.plannedPhases.map((band) => phaseBlock(band, 'tl-phase-planned')),
    actual: model.actualPhases.map((band) => phaseBlock(band, 'tl-phase-actual')),
    segments: model.segments.map((segment, index) => ({
      key: `${segment.id}-${index}`,
      startMs: segment.startMs,
      endMs: segment.endMs,
      label: segment.name,
      title: `${segment.name} · ${stretchText(segment.startMs, segment.endMs)}`,
      className: `tl-segment tl-segment-${segment.type}`,
      data: { 'data-segment-id': segment.id },
    })),
  };
}

/** The blocks in view, each labelled as far as its width allows. */
function Blocks({
  blocks,
  shape,
  row,
  view,
  clipX,
}: {
  readonly blocks: readonly TimelineBlock[];
  readonly shape: BlockShape;
  readonly row: TimelineRow;
  readonly view: TimeRange;
  readonly clipX: (ms: Milliseconds) => number;
}) {
  return (
    <g>
      {blocks.map((block) => {
        if (block.endMs < view.startMs || block.startMs > view.endMs) return null;
        const left = clipX(block.startMs);
        const blockWidth = Math.max(1, clipX(block.endMs) - left - shape.gapPx);
        const label = fitLabel(block.label, blockWidth);
        return (
          <g key={block.key} className={block.className} {...block.data}>
            <rect x={left + shape.insetPx} y={row.y + 2} width={blockWidth} height={row.height - 4} rx={shape.radius} />
            {label === undefined ? null : (
              <text x={left + shape.labelInsetPx} y={row.y + row.height / 2 + 4}>
                {label}
              </text>
            )}
            <title>{block.title}</title>
          </g>
        );
      })}
    </g>
  );
}

function ItemShape({
  item,
  count,
  row,
  x,
  clipX,
}: {
  readonly item: TimelineItem;
  readonly count: number;
  readonly row: TimelineRow;
  readonly x: (ms: Milliseconds) => number;
  readonly clipX: (ms: Milliseconds) => number;
}) {
  const middle = row.y + row.height / 2;
  if (item.endMs > item.startMs) {
    const left = clipX(item.startMs);
    const right = clipX(item.endMs);
    return (
      <g className="tl-item tl-span" data-kind={item.kind} data-key={item.key}>
        <rect x={left} y={middle - 4} width={Math.max(4, right - left)} height={8} rx={3} fill={item.color} opacity={0.55} />
        {x(item.startMs) >= left ? <rect x={left - 1.5} y={row.y + 3} width={3} height={row.height - 6} rx={1.5} fill={item.color} /> : null}
      </g>
    );
  }
  if (item.lane === 'actions') {
    return <rect className="tl-item tl-tick" data-kind={item.kind} data-key={item.key} data-count={count} x={x(item.startMs) - 1} y={middle - 6} width={2} height={12} fill={item.color} />;
  }
  // A mark written afterwards from memory is drawn hollow: its time is remembered, not pressed.
  const remembered = item.row.fromMemory;
  return (
    <rect
      className="tl-item tl-pin"
      data-kind={item.kind}
      data-key={item.key}
      data-count={count}
      data-from-memory={remembered ? 'true' : undefined}
      x={x(item.startMs) - 2}
      y={row.y + 3}
      width={4}
      height={row.height - 6}
      rx={2}
      fill={item.color}
      fillOpacity={remembered ? 0.2 : undefined}
      stroke={remembered ? item.color : undefined}
      strokeWidth={remembered ? 1.5 : undefined}
    />
  );
}
