import { memo, useId, useLayoutEffect, useMemo } from 'react';
import { formatSessionTime } from '../../../core/exports/time';
import type { Milliseconds } from '../../../core/units';
import type { ActualPhaseBand, PhaseBand, RowItems, TimelineItem, TimelineModel, TimelineRow } from './timeline-model';
import { fitLabel, truncateLabel } from './timeline-labels';
import { countInView, drawsAsPath, pinPaths, pinTransform, type PinPath, type PinShape } from './timeline-pins';
import { axisTicks, bucketItems, timeToX, type TimeRange } from './timeline-scale';

/** The row names' column, left of the plot. */
export const gutterPx = 168;
/** Pins closer than this merge into one at the current zoom (the hover still finds each). */
const bucketPx = 3;

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
export const TimelineDrawing = memo(function TimelineDrawing({ model, rows, view, plotWidth, height }: DrawingProps) {
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
