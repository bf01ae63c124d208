import { formatPosition, formatSessionTime } from '../../../core/exports/time';
import type { FoldedMark } from '../../../core/fold';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import type { ReviewPlayerState } from '../../audio/ReviewPlayer';
import { IntegrationNoteField, type UnsavedNote } from './IntegrationNoteField';
import { IntensitySelect } from './IntensitySelect';
import { CorrectMark, MarkHistory, type SaveCorrection } from './MarkCorrections';
import { DetailList } from './SessionTimeline';
import type { TimelineItem } from './timeline-model';
import { replayFromMs, replayLeadInMs } from './replay-source';

/** A change to a mark's details; null clears a value. */
export interface MarkEdit {
  readonly intensity?: number | null;
  readonly note?: string | null;
}

interface MarkDetailsProps {
  readonly item: TimelineItem | undefined;
  readonly timeZone: string;
  readonly replay: ReviewPlayerState;
  /** Why the item cannot be replayed; undefined when it can. */
  readonly replayUnavailable: string | undefined;
  readonly onReplay: (item: TimelineItem) => void;
  readonly onStop: () => void;
  readonly onEdit: (markId: string, changes: MarkEdit) => void;
  /** Journals a mark's integration note; resolves to an error message, or undefined once saved. */
  readonly onSaveIntegrationNote: (markId: string, note: string | null) => Promise<string | undefined>;
  /** Integration notes whose save failed, by mark id. */
  readonly unsavedIntegrationNotes: ReadonlyMap<string, UnsavedNote>;
  /** The chosen mark as folded (with its corrections); undefined for an event. */
  readonly mark: FoldedMark | undefined;
  readonly corrections: {
    readonly kinds: readonly MarkKindDefinition[];
    readonly kindLabel: (id: string) => string;
    readonly t0OffsetMs: number;
    readonly onSave: SaveCorrection;
  };
}

/** The chosen item in full, with replay and, for a mark, its intensity, note and integration note to edit (journaled). */
export function MarkDetails({
  item,
  timeZone,
  replay,
  replayUnavailable,
  onReplay,
  onStop,
  onEdit,
  onSaveIntegrationNote,
  unsavedIntegrationNotes,
  mark,
  corrections,
}: MarkDetailsProps) {
  const sounding = replay.status === 'loading' || replay.status === 'playing';
  const replayOfEvent = replay.status === 'playing' && item !== undefined && replay.id === item.key && item.row.source === 'event';
  return (
    <div className="mark-details" data-testid="mark-details">
      <div aria-live="polite">
        {item === undefined ? (
          <p className="muted">Choose a mark on the timeline (click it, or focus the timeline and press <kbd>.</kbd>) to see it in full and hear it again.</p>
        ) : (
          <>
            <h3 style={{ color: item.color }}>
              {item.label} at {formatSessionTime(item.startMs)}
            </h3>
            <DetailList item={item} timeZone={timeZone} />
          </>
        )}
      </div>
      <div className="replay-controls">
        {item !== undefined ? (
          <button type="button" className="primary" disabled={replayUnavailable !== undefined} onClick={() => onReplay(item)}>
            Replay from {formatPosition(replayFromMs(item.row))}
          </button>
        ) : null}
        <button type="button" disabled={!sounding} onClick={onStop}>
          Stop
        </button>
        <p className="replay-status" role="status" data-testid="replay-status" data-replay-status={replay.status}>
          {replayUnavailable !== undefined && item !== undefined ? replayUnavailable : null}
          {replay.status === 'loading' ? `Loading ${replay.label}…` : null}
          {replay.status === 'playing'
            ? `Playing ${replay.label} from ${formatPosition(replay.fromMs)}${replayOfEvent ? '' : ` (${replayLeadInMs / 1000} s before the mark)`}.`
            : null}
          {replay.status === 'failed' ? <span className="error">{`${replay.label} cannot be replayed: ${replay.message}`}</span> : null}
        </p>
      </div>
      {item !== undefined && item.row.source === 'mark' ? (
        <MarkEditor
          key={item.key}
          item={item}
          onEdit={onEdit}
          onSaveIntegrationNote={onSaveIntegrationNote}
          unsavedIntegrationNote={unsavedIntegrationNotes.get(item.key)}
        />
      ) : null}
      {item !== undefined && mark !== undefined ? (
        <>
          <CorrectMark
            key={mark.id}
            mark={mark}
            label={`${item.label} at ${formatSessionTime(item.startMs)}`}
            kinds={corrections.kinds}
            t0OffsetMs={corrections.t0OffsetMs}
            origin="review"
            onSave={corrections.onSave}
          />
          <MarkHistory mark={mark} kindLabel={corrections.kindLabel} t0OffsetMs={corrections.t0OffsetMs} timeZone={timeZone} />
        </>
      ) : null}
    </div>
  );
}

function MarkEditor({
  item,
  onEdit,
  onSaveIntegrationNote,
  unsavedIntegrationNote,
}: {
  readonly item: TimelineItem;
  readonly onEdit: (markId: string, changes: MarkEdit) => void;
  readonly onSaveIntegrationNote: (markId: string, note: string | null) => Promise<string | undefined>;
  readonly unsavedIntegrationNote: UnsavedNote | undefined;
}) {
  const { row } = item;
  const time = formatSessionTime(item.startMs);
  return (
    <div className="mark-editor">
      <label>
        <span className="label">Intensity</span>
        <IntensitySelect label={`Intensity of ${item.label} at ${time}`} value={row.intensity} onChange={(intensity) => onEdit(item.key, { intensity })} />
      </label>
      <label className="grow">
        <span className="label">Note</span>
        <textarea
          aria-label={`Note on ${item.label} at ${time}`}
          defaultValue={row.note ?? ''}
          maxLength={5000}
          rows={2}
          onBlur={(event) => {
            const note = event.target.value.trim();
            if (note !== (row.note ?? '')) onEdit(item.key, { note: note === '' ? null : note });
          }}
        />
      </label>
      <IntegrationNoteField
        label="Integration note"
        accessibleLabel={`Integration note on ${item.label} at ${time}`}
        saved={row.integrationNote ?? undefined}
        unsaved={unsavedIntegrationNote}
        onSave={(note) => onSaveIntegrationNote(item.key, note)}
        testId="mark-integration-note"
      />
    </div>
  );
}
