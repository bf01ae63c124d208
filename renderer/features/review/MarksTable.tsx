import { memo, useDeferredValue, useMemo, useState } from 'react';
import { describeVitals, segmentResolver } from '../../../core/exports';
import type { FoldedMark, FoldedSession } from '../../../core/fold';
import { formatClock, formatPosition } from '../../../core/format';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import type { Playlist } from '../../../core/playlist';
import type { ReviewPlayerState } from '../../audio/ReviewPlayer';
import { IntensitySelect } from './IntensitySelect';
import { MarkHistory } from './MarkCorrections';
import type { MarkEdit } from './MarkDetails';
import type { TimelineItem } from './timeline-model';

const tablePageSize = 200;

interface MarksTableProps {
  readonly folded: Pick<FoldedSession, 'marks' | 'deletedMarks'>;
  /** The timeline's items by mark id: a row replays and shows its item. */
  readonly itemByKey: ReadonlyMap<string, TimelineItem>;
  readonly kinds: readonly MarkKindDefinition[];
  readonly playlist: Playlist | undefined;
  readonly offsetMs: number;
  readonly timeZone: string;
  readonly replay: ReviewPlayerState;
  readonly replayUnavailable: (item: TimelineItem) => string | undefined;
  readonly kindLabelOf: (id: string) => string;
  readonly onShow: (markId: string) => void;
  readonly onEdit: (markId: string, changes: MarkEdit) => Promise<void>;
  readonly onReplay: (item: TimelineItem) => void;
  readonly onStop: () => void;
  readonly onRestore: (mark: FoldedMark) => void;
}

/** Every mark as a row to read, edit and replay, and the deleted ones to restore; the first page of rows, more on request. */
export function MarksTable({
  folded,
  itemByKey,
  kinds,
  playlist,
  offsetMs,
  timeZone,
  replay,
  replayUnavailable,
  kindLabelOf,
  onShow,
  onEdit,
  onReplay,
  onStop,
  onRestore,
}: MarksTableProps) {
  // A long table costs more to build than the whole timeline: it grows on request.
  const [rowLimit, setRowLimit] = useState(tablePageSize);
  // Its rows are built in a render of their own, after the table's frame: one that input can interrupt.
  const listedRows = useDeferredValue(rowLimit, 0);
  const phaseTitle = (id: string) => playlist?.phases.find((phase) => phase.id === id)?.title ?? id;
  const segmentNameOf = useMemo(() => {
    const resolve = segmentResolver(playlist);
    return (segmentId: string) => resolve(segmentId).name;
  }, [playlist]);
  return (
    <section className="panel marks-panel" aria-labelledby="marks-heading">
      <h2 id="marks-heading">Marks</h2>
      <table className="marks-table">
        <thead>
          <tr>
            <th scope="col">Since the dose</th>
            <th scope="col">Mark</th>
            <th scope="col">Phase</th>
            <th scope="col">Playing</th>
            <th scope="col">Position</th>
            <th scope="col">Intensity</th>
            <th scope="col">Note</th>
            <th scope="col">Clock time</th>
            <th scope="col">
              <span className="visually-hidden">Replay</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {folded.marks.slice(0, listedRows).map((mark) => {
            const item = itemByKey.get(mark.id);
            return (
              <MarkRow
                key={mark.id}
                mark={mark}
                kindLabel={kindLabelOf(mark.markKind)}
                kindColour={kinds.find((kind) => kind.id === mark.markKind)?.color}
                phaseTitle={phaseTitle(mark.phaseId)}
                segmentName={segmentNameOf(mark.segmentId)}
                offsetMs={offsetMs}
                item={item}
                playing={item !== undefined && replay.status !== 'idle' && replay.status !== 'failed' && replay.id === item.key}
                unavailable={replayUnavailable}
                onShow={onShow}
                onEdit={onEdit}
                onReplay={onReplay}
                onStop={onStop}
              />
            );
          })}
        </tbody>
      </table>
      {folded.marks.length === 0 ? <p className="muted">No marks in this session.</p> : null}
      {folded.deletedMarks.length > 0 ? (
        <details className="deleted-marks" data-testid="deleted-marks">
          <summary>
            Deleted marks ({folded.deletedMarks.length}): kept in the journal, not counted
          </summary>
          <ul>
            {folded.deletedMarks.map((mark) => (
              <li key={mark.id} data-mark-kind={mark.markKind}>
                <strong>
                  {kindLabelOf(mark.markKind)} at {formatClock(mark.sessionMs + offsetMs)}
                </strong>{' '}
                <button
                  type="button"
                  className="small"
                  onClick={() => onRestore(mark)}
                  aria-label={`Restore ${kindLabelOf(mark.markKind)} at ${formatClock(mark.sessionMs + offsetMs)}`}
                >
                  Restore
                </button>
                <MarkHistory mark={mark} kindLabel={kindLabelOf} t0OffsetMs={offsetMs} timeZone={timeZone} />
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {folded.marks.length > rowLimit ? (
        <p>
          <span className="muted">
            {rowLimit} of {folded.marks.length} marks listed.{' '}
          </span>
          <button type="button" onClick={() => setRowLimit((limit) => limit + tablePageSize)}>
            List {Math.min(tablePageSize, folded.marks.length - rowLimit)} more
          </button>
        </p>
      ) : null}
    </section>
  );
}

/** One row of the marks table; memoised, as a long table costs more to redraw than the timeline. */
const MarkRow = memo(function MarkRow({
  mark,
  kindLabel,
  kindColour,
  phaseTitle,
  segmentName,
  offsetMs,
  item,
  playing,
  unavailable,
  onShow,
  onEdit,
  onReplay,
  onStop,
}: {
  readonly mark: FoldedMark;
  readonly kindLabel: string;
  readonly kindColour: string | undefined;
  readonly phaseTitle: string;
  readonly segmentName: string;
  readonly offsetMs: number;
  readonly item: TimelineItem | undefined;
  readonly playing: boolean;
  readonly unavailable: (item: TimelineItem) => string | undefined;
  readonly onShow: (markId: string) => void;
  readonly onEdit: (markId: string, changes: MarkEdit) => Promise<void>;
  readonly onReplay: (item: TimelineItem) => void;
  readonly onStop: () => void;
}) {
  const time = formatClock(mark.sessionMs + offsetMs);
  return (
    <tr className="mark-row" data-mark-kind={mark.markKind}>
      <td>
        <button type="button" className="link-button" onClick={() => onShow(mark.id)} aria-label={`Show ${kindLabel} at ${time} on the timeline`}>
          {time}
        </button>
        {mark.span?.end !== undefined ? `–${formatClock(mark.span.end.sessionMs + offsetMs)}` : mark.span !== undefined ? '– open' : ''}
        {mark.span?.end?.autoClosed === true ? <span className="muted"> (closed at end)</span> : null}
      </td>
      <td style={{ color: kindColour }}>
        {kindLabel}
        {mark.fromMemory !== undefined ? <div className="muted">from memory</div> : null}
        {mark.originalSessionMs !== undefined ? <div className="muted">moved</div> : null}
        {mark.by !== undefined ? <div className="muted mark-author">by {mark.by}{mark.late ? ', sent late' : ''}</div> : null}
      </td>
      <td>{phaseTitle}</td>
      <td>{segmentName}</td>
      <td>{formatPosition(mark.positionMs)}</td>
      <td>
        <IntensitySelect label={`Intensity of ${kindLabel} at ${time}`} value={mark.intensity} onChange={(intensity) => void onEdit(mark.id, { intensity })} />
      </td>
      <td>
        <input
          className="note-input"
          aria-label={`Note for ${kindLabel} at ${time}`}
          defaultValue={mark.note ?? ''}
          maxLength={5000}
          onBlur={(event) => {
            const note = event.target.value.trim();
            if (note !== (mark.note ?? '')) void onEdit(mark.id, { note: note === '' ? null : note });
          }}
        />
        {mark.vitals !== undefined ? <div className="muted">{describeVitals(mark.vitals)}</div> : null}
        {mark.integrationNote !== undefined ? <div className="muted integration-text">Integration: {mark.integrationNote}</div> : null}
      </td>
      <td>{new Date(mark.wallTime).toLocaleTimeString()}</td>
      <td>{item === undefined ? null : <MarkReplayButton item={item} playing={playing} unavailable={unavailable} onReplay={onReplay} onStop={onStop} />}</td>
    </tr>
  );
});

function MarkReplayButton({
  item,
  playing,
  unavailable,
  onReplay,
  onStop,
}: {
  readonly item: TimelineItem;
  readonly playing: boolean;
  readonly unavailable: (item: TimelineItem) => string | undefined;
  readonly onReplay: (item: TimelineItem) => void;
  readonly onStop: () => void;
}) {
  const reason = unavailable(item);
  const time = formatClock(item.startMs);
  return playing ? (
    <button type="button" className="small" onClick={onStop} aria-label={`Stop the replay of ${item.label} at ${time}`}>
      Stop
    </button>
  ) : (
    <button type="button" className="small" disabled={reason !== undefined} title={reason} onClick={() => onReplay(item)} aria-label={`Replay ${item.label} at ${time}`}>
      Replay
    </button>
  );
}
