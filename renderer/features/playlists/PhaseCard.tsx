import { memo, useId, useState, type DragEvent, type KeyboardEvent } from 'react';
import { phaseFit, type PhaseTotal } from '../../../core/curation-warnings';
import { phaseKinds, soundscapePresetInfo, soundscapePresets, type PhaseKind, type Segment, type SoundscapePreset } from '../../../core/playlist';
import type { PhaseDraft, PhasePatch } from '../../../core/playlist-edit';
import { fitWords, phaseTotalText, segmentLength, type DragItem, type DropTarget } from './editor-model';
import { NumberField, TextField } from './fields';
import { InsightBadge } from './InsightBadge';
import type { SegmentInsight } from './segment-insights';
import { segmentName } from '../../../core/segment-names';
import { ErrorLine } from '../../ErrorLine';

/** What a phase card can ask of the editor; every callback reads the editor's current draft. */
export interface PhaseActions {
  selectSegment(segmentId: string): void;
  selectPhase(phaseId: string): void;
  updatePhase(phaseId: string, patch: PhasePatch, label: string, coalesce?: string): void;
  removePhase(phaseId: string): void;
  /** -1 up, +1 down, across phase boundaries at the ends. */
  moveSegmentBy(segmentId: string, delta: -1 | 1): void;
  removeSegment(segmentId: string): void;
  insertSoundscape(phaseId: string, index: number, preset: SoundscapePreset, minutes: number): string | undefined;
  dragStart(item: DragItem): void;
  dragEnd(): void;
  /** The pointer is over a drop place; false when nothing of ours is being dragged. */
  dragOver(target: DropTarget): boolean;
  drop(): void;
}

interface PhaseCardProps {
  readonly phase: PhaseDraft;
  readonly total: PhaseTotal | undefined;
  readonly readOnly: boolean;
  readonly canRemove: boolean;
  readonly selectedSegmentId: string | undefined;
  readonly phaseSelected: boolean;
  /** Warnings per segment id, for a marker on the row. */
  readonly warningCounts: ReadonlyMap<string, number>;
  /** What the sessions say about each segment's recording; undefined while it loads or when it cannot be read. */
  readonly insights: ReadonlyMap<string, SegmentInsight> | undefined;
  readonly dropIndex: number | undefined;
  readonly actions: PhaseActions;
}

const presetName = (preset: SoundscapePreset): string => soundscapePresetInfo[preset].name;

/** One phase: its title and durations, its total against the target, and its music in order. */
export const PhaseCard = memo(function PhaseCard({ phase, total, readOnly, canRemove, selectedSegmentId, phaseSelected, warningCounts, insights, dropIndex, actions }: PhaseCardProps) {
  const [inserting, setInserting] = useState(false);
  const fit = total === undefined || phase.segments.length === 0 ? undefined : phaseFit(total);
  const headingId = `phase-heading-${phase.id}`;
  const selectedIndex = phase.segments.findIndex((segment) => segment.id === selectedSegmentId);

  const over = (event: DragEvent, index: number) => {
    if (readOnly) return;
    if (actions.dragOver({ phaseId: phase.id, index })) {
      event.preventDefault();
      event.dataTransfer.dropEffect = event.dataTransfer.effectAllowed === 'copy' ? 'copy' : 'move';
    }
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    actions.drop();
  };

  return (
    <section className={phaseSelected ? 'phase-card selected' : 'phase-card'} aria-labelledby={headingId} data-phase-id={phase.id}>
      <header className="phase-head">
        <h2 id={headingId} className="phase-heading">
          <button type="button" className="link-button phase-select" id={`phase-${phase.id}`} onClick={() => actions.selectPhase(phase.id)}>
            {phase.title}
          </button>
          <span className="muted phase-kind">{phase.kind}</span>
        </h2>
        <p className={`phase-total fit-${fit ?? 'empty'}`} data-fit={fit ?? 'empty'}>
          {total === undefined ? '' : phaseTotalText(total.plannedSeconds, total.targetSeconds)}
          <span className="phase-fit-words"> · {fit === undefined ? 'no music yet' : fitWords[fit]}</span>
          {total !== undefined && total.unknownDurations > 0 ? <span className="muted"> · {total.unknownDurations} of unknown length</span> : null}
        </p>
      </header>
      {!readOnly ? (
        <div className="phase-fields">
          <TextField
            label="Title"
            value={phase.title}
            maxLength={120}
            onCommit={(title) => actions.updatePhase(phase.id, { title }, 'rename phase', `phase-title:${phase.id}`)}
          />
          <label className="number-field">
            <span>Kind</span>
            <select
              className="curator-input"
              value={phase.kind}
              onChange={(event) => actions.updatePhase(phase.id, { kind: event.target.value as PhaseKind }, 'change phase kind')}
            >
              {phaseKinds.map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
          </label>
          <NumberField
            label="Target"
            unit="min"
            value={phase.targetMinutes}
            min={1}
            max={480}
            onCommit={(value) => value !== undefined && actions.updatePhase(phase.id, { targetMinutes: value }, 'change phase target', `phase-target:${phase.id}`)}
          />
          <NumberField
            label="Min"
            unit="min"
            optional
            placeholder="none"
            value={phase.minMinutes}
            min={1}
            max={480}
            onCommit={(value) => actions.updatePhase(phase.id, { minMinutes: value }, 'change phase minimum', `phase-min:${phase.id}`)}
          />
          <NumberField
            label="Max"
            unit="min"
            optional
            placeholder="none"
            value={phase.maxMinutes}
            min={1}
            max={480}
            onCommit={(value) => actions.updatePhase(phase.id, { maxMinutes: value }, 'change phase maximum', `phase-max:${phase.id}`)}
          />
        </div>
      ) : null}
      <ol className="segment-list" aria-label={`Music of ${phase.title}`}>
        {phase.segments.map((segment, index) => (
          <SegmentRow
            key={segment.id}
            segment={segment}
            index={index}
            phaseTitle={phase.title}
            readOnly={readOnly}
            selected={segment.id === selectedSegmentId}
            warnings={warningCounts.get(segment.id) ?? 0}
            insight={insights?.get(segment.id)}
            dropBefore={dropIndex === index}
            onDragOver={over}
            onDrop={drop}
            actions={actions}
          />
        ))}
      </ol>
      {!readOnly ? (
        <div
          className={dropIndex === phase.segments.length ? 'phase-drop-zone active' : 'phase-drop-zone'}
          data-drop-phase={phase.id}
          onDragOver={(event) => over(event, phase.segments.length)}
          onDrop={drop}
        >
          {phase.segments.length === 0 ? 'No music yet: drop tracks here, or add them from the library list' : 'Drop tracks here to add them at the end'}
        </div>
      ) : null}
      {(phase.extras ?? []).length > 0 ? (
        <>
          <h3 className="extras-heading">Extras: played only when the phase runs longer than its music</h3>
          <ol className="segment-list" aria-label={`Extras of ${phase.title}`}>
            {(phase.extras ?? []).map((segment, index) => (
              <SegmentRow
                key={segment.id}
                segment={segment}
                index={index}
                phaseTitle={phase.title}
                readOnly={readOnly}
                extra
                selected={segment.id === selectedSegmentId}
                warnings={warningCounts.get(segment.id) ?? 0}
                insight={insights?.get(segment.id)}
                dropBefore={false}
                onDragOver={() => undefined}
                onDrop={() => undefined}
                actions={actions}
              />
            ))}
          </ol>
        </>
      ) : null}
      {!readOnly ? (
        <div className="phase-tools">
          {inserting ? (
            <InsertSoundscapeForm
              phase={phase}
              defaultIndex={selectedIndex === -1 ? phase.segments.length : selectedIndex + 1}
              onInsert={(index, preset, minutes) => {
                const problem = actions.insertSoundscape(phase.id, index, preset, minutes);
                if (problem === undefined) setInserting(false);
                return problem;
              }}
              onCancel={() => setInserting(false)}
            />
          ) : (
            <button type="button" className="small" onClick={() => setInserting(true)}>
              Insert soundscape
            </button>
          )}
          {canRemove ? (
            <button type="button" className="small" onClick={() => actions.removePhase(phase.id)}>
              Remove phase
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
});

interface SegmentRowProps {
  readonly segment: Segment;
  readonly index: number;
  readonly phaseTitle: string;
  readonly readOnly: boolean;
  /** One of the phase's extras: selected and removed here, not dragged or moved. */
  readonly extra?: boolean;
  readonly selected: boolean;
  readonly warnings: number;
  readonly insight: SegmentInsight | undefined;
  readonly dropBefore: boolean;
  readonly onDragOver: (event: DragEvent, index: number) => void;
  readonly onDrop: (event: DragEvent) => void;
  readonly actions: PhaseActions;
}

function SegmentRow({ segment, index, phaseTitle, readOnly, extra = false, selected, warnings, insight, dropBefore, onDragOver, onDrop, actions }: SegmentRowProps) {
  const title = segmentName(segment);
  const movable = !readOnly && !extra;
  const keyDown = (event: KeyboardEvent) => {
    if (!movable || !event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    actions.moveSegmentBy(segment.id, event.key === 'ArrowUp' ? -1 : 1);
  };
  const classes = ['segment-row', segment.type, selected ? 'selected' : '', dropBefore ? 'drop-before' : ''].filter(Boolean).join(' ');
  return (
    <li
      className={classes}
      data-segment-id={segment.id}
      draggable={movable}
      onDragStart={(event) => {
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData('text/plain', title);
        actions.dragStart({ kind: 'segment', segmentId: segment.id });
      }}
      onDragEnd={actions.dragEnd}
      onDragOver={(event) => {
        if (!movable) return;
        const box = event.currentTarget.getBoundingClientRect();
        onDragOver(event, event.clientY > box.top + box.height / 2 ? index + 1 : index);
      }}
      onDrop={onDrop}
    >
      <button
        type="button"
        id={`segment-${segment.id}`}
        className="segment-select"
        aria-pressed={selected}
        aria-keyshortcuts={movable ? 'Alt+ArrowUp Alt+ArrowDown' : undefined}
        onClick={() => actions.selectSegment(segment.id)}
        onKeyDown={keyDown}
      >
        <span className="segment-index">{index + 1}</span>
        <span className="segment-name">
          {title}
          {segment.type === 'file' && segment.artist !== undefined ? <span className="muted"> · {segment.artist}</span> : null}
        </span>
        <span className="segment-facts muted">
          {segment.type === 'soundscape' ? <span className="badge">soundscape</span> : null}
          {segment.flags?.lyrics === true ? <span className="badge">words</span> : null}
          {segment.flags?.intensity !== undefined ? <span className="badge">intensity {segment.flags.intensity}</span> : null}
          <span className="segment-length">{segmentLength(segment)}</span>
          {warnings > 0 ? (
            <span className="segment-warning" title={`${warnings} warning${warnings === 1 ? '' : 's'}`}>
              ⚠ {warnings}
              <span className="visually-hidden"> warning{warnings === 1 ? '' : 's'}</span>
            </span>
          ) : null}
        </span>
      </button>
      {insight !== undefined ? <InsightBadge insight={insight} segmentTitle={title} /> : null}
      {!readOnly ? (
        <span className="segment-actions">
          {movable ? (
            <>
              <button type="button" className="icon-button" aria-label={`Move ${title} up`} onClick={() => actions.moveSegmentBy(segment.id, -1)}>
                ↑
              </button>
              <button type="button" className="icon-button" aria-label={`Move ${title} down`} onClick={() => actions.moveSegmentBy(segment.id, 1)}>
                ↓
              </button>
            </>
          ) : null}
          <button type="button" className="icon-button" aria-label={`Remove ${title} from ${phaseTitle}`} onClick={() => actions.removeSegment(segment.id)}>
            ✕
          </button>
        </span>
      ) : null}
    </li>
  );
}

interface InsertSoundscapeFormProps {
  readonly phase: PhaseDraft;
  readonly defaultIndex: number;
  readonly onInsert: (index: number, preset: SoundscapePreset, minutes: number) => string | undefined;
  readonly onCancel: () => void;
}

function InsertSoundscapeForm({ phase, defaultIndex, onInsert, onCancel }: InsertSoundscapeFormProps) {
  const [preset, setPreset] = useState<SoundscapePreset>('breath');
  const [minutes, setMinutes] = useState('5');
  const [index, setIndex] = useState(defaultIndex);
  const [error, setError] = useState<string | undefined>();
  const presetId = useId();
  const minutesId = useId();
  const placeId = useId();
  const submit = () => {
    const value = Number(minutes.replace(',', '.'));
    if (!Number.isFinite(value) || value <= 0 || value > 480) {
      setError('The length is a number of minutes, more than 0 and at most 480.');
      return;
    }
    setError(onInsert(Math.min(index, phase.segments.length), preset, value));
  };
  return (
    <div className="insert-soundscape" role="group" aria-label={`Insert a soundscape into ${phase.title}`}>
      <label htmlFor={presetId}>Soundscape</label>
      <select id={presetId} className="curator-input" value={preset} onChange={(event) => setPreset(event.target.value as SoundscapePreset)}>
        {soundscapePresets.map((name) => (
          <option key={name} value={name}>
            {presetName(name)}
          </option>
        ))}
      </select>
      <label htmlFor={minutesId}>Minutes</label>
      <input id={minutesId} className="curator-input minutes-input" inputMode="decimal" value={minutes} onChange={(event) => setMinutes(event.target.value)} />
      <label htmlFor={placeId}>Where</label>
      <select id={placeId} className="curator-input" value={index} onChange={(event) => setIndex(Number(event.target.value))}>
        <option value={0}>At the start</option>
        {phase.segments.map((segment, position) => (
          <option key={segment.id} value={position + 1}>
            After {position + 1}. {segmentName(segment)}
          </option>
        ))}
      </select>
      <button type="button" className="small primary" onClick={submit}>
        Insert
      </button>
      <button type="button" className="small" onClick={onCancel}>
        Cancel
      </button>
      <ErrorLine message={error} />
    </div>
  );
}
