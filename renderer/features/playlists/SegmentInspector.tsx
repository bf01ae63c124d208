import { useId } from 'react';
import type { FileFacts } from '../../../core/curation-warnings';
import { trackGain } from '../../../core/loudness';
import { soundscapePresetInfo, soundscapePresets, type Segment, type SoundscapePreset } from '../../../core/playlist';
import type { PlaylistDraft, SegmentPatch } from '../../../core/playlist-edit';
import type { CuratorPreviewState } from '../../audio/CuratorPreview';
import { isPreviewing } from '../library/curator-audio';
import { loudnessFigures, signedDecimal } from '../library/track-format';
import { NumberField, TextField } from './fields';
import { IntensitySelect } from '../review/IntensitySelect';
import { segmentName } from '../../../core/segment-names';
import { ErrorLine } from '../../ErrorLine';

interface SegmentInspectorProps {
  readonly draft: PlaylistDraft;
  readonly segment: Segment;
  readonly phaseId: string;
  readonly next: Segment | undefined;
  readonly facts: FileFacts | undefined;
  readonly readOnly: boolean;
  readonly targetLufs: number;
  readonly preview: CuratorPreviewState;
  readonly previewBlocked: boolean;
  readonly onUpdate: (patch: SegmentPatch, label: string, coalesce?: string) => void;
  readonly onMoveToPhase: (phaseId: string) => void;
  readonly onPreviewTrack: () => void;
  readonly onPreviewTransition: () => void;
  readonly onStopPreview: () => void;
}

const presetName = (preset: SoundscapePreset): string => soundscapePresetInfo[preset].name;

/** The selected segment's settings: crossfade, gain trim, trims, flags and notes; and its previews. */
export function SegmentInspector(props: SegmentInspectorProps) {
  const { draft, segment, phaseId, next, facts, readOnly, targetLufs, preview, previewBlocked, onUpdate, onMoveToPhase } = props;
  const moveId = useId();
  const key = (field: string) => `${segment.id}:${field}`;
  const title = segmentName(segment);
  const trackPlaying = isPreviewing(preview, `track:${segment.id}`);
  const transitionPlaying = isPreviewing(preview, `transition:${segment.id}`);

  return (
    <section className="inspector panel" aria-labelledby="inspector-heading" data-segment-id={segment.id}>
      <h2 id="inspector-heading">{title}</h2>
      <p className="muted inspector-source">
        {segment.type === 'file' ? <span className="root-path">{segment.path}</span> : `${presetName(segment.preset)} soundscape`}
      </p>
      {segment.type === 'file' ? <LoudnessLine segment={segment} facts={facts} targetLufs={targetLufs} /> : null}

      <div className="preview-controls">
        <button type="button" className="small" aria-pressed={trackPlaying} disabled={previewBlocked} onClick={trackPlaying ? props.onStopPreview : props.onPreviewTrack}>
          {trackPlaying ? 'Stop' : 'Preview'}
        </button>
        <button
          type="button"
          className="small"
          aria-pressed={transitionPlaying}
          disabled={previewBlocked || next === undefined}
          onClick={transitionPlaying ? props.onStopPreview : props.onPreviewTransition}
          title={next === undefined ? 'This is the last segment of the playlist' : `The last seconds crossfading into “${segmentName(next)}”`}
        >
          {transitionPlaying ? 'Stop transition' : next === undefined ? 'No transition (last)' : 'Preview transition into next'}
        </button>
        <ErrorLine message={preview.status === 'failed' && (preview.id === `track:${segment.id}` || preview.id === `transition:${segment.id}`) ? preview.message : undefined} />
      </div>

      <fieldset className="inspector-fields" disabled={readOnly}>
        <legend className="visually-hidden">Settings of {title}</legend>
        <TextField label="Title" value={segment.title ?? ''} maxLength={300} onCommit={(value) => onUpdate({ title: value }, 'rename', key('title'))} />
        <NumberField
          label="Crossfade into it"
          unit="s"
          optional
          min={0}
          max={60}
          placeholder={`${draft.crossfadeSeconds} (playlist)`}
          value={segment.crossfadeSeconds}
          onCommit={(value) => onUpdate({ crossfadeSeconds: value }, 'change crossfade', key('crossfade'))}
        />
        {segment.type === 'file' ? (
          <>
            <NumberField
              label="Gain trim"
              unit="dB"
              optional
              min={-24}
              max={12}
              placeholder="0"
              value={segment.gainDb}
              onCommit={(value) => onUpdate({ gainDb: value }, 'change gain trim', key('gain'))}
            />
            <NumberField
              label="Skip at start"
              unit="s"
              optional
              min={0}
              placeholder="0"
              value={segment.trimStartSeconds}
              onCommit={(value) => onUpdate({ trimStartSeconds: value }, 'change start trim', key('trim-start'))}
            />
            <NumberField
              label="Skip at end"
              unit="s"
              optional
              min={0}
              placeholder="0"
              value={segment.trimEndSeconds}
              onCommit={(value) => onUpdate({ trimEndSeconds: value }, 'change end trim', key('trim-end'))}
            />
          </>
        ) : (
          <>
            <label className="number-field">
              <span>Soundscape</span>
              <select
                className="curator-input"
                value={segment.preset}
                onChange={(event) => onUpdate({ preset: event.target.value as SoundscapePreset }, 'change soundscape')}
              >
                {soundscapePresets.map((name) => (
                  <option key={name} value={name}>
                    {presetName(name)}
                  </option>
                ))}
              </select>
            </label>
            <NumberField
              label="Length"
              unit="min"
              min={0.1}
              max={480}
              value={Math.round((segment.durationSeconds / 60) * 100) / 100}
              onCommit={(value) => value !== undefined && onUpdate({ durationSeconds: Math.round(value * 60) }, 'change soundscape length', key('length'))}
            />
          </>
        )}
        <label className="check-field">
          <input
            type="checkbox"
            checked={segment.flags?.lyrics === true}
            onChange={(event) => onUpdate({ flags: { lyrics: event.target.checked ? true : undefined } }, event.target.checked ? 'flag words' : 'unflag words')}
          />
          Has words (lyrics or speech)
        </label>
        <label className="check-field">
          <input
            type="checkbox"
            checked={segment.flags?.intentionallyQuiet === true}
            onChange={(event) =>
              onUpdate({ flags: { intentionallyQuiet: event.target.checked ? true : undefined } }, event.target.checked ? 'mark as intentionally quiet' : 'unmark as intentionally quiet')
            }
          />
          Intentionally quiet (near-silence here is meant: no silence alarm)
        </label>
        <TextField
          label="Language of the words"
          value={segment.flags?.language ?? ''}
          maxLength={40}
          placeholder="e.g. Portuguese"
          onCommit={(value) => onUpdate({ flags: { language: value.trim() === '' ? undefined : value } }, 'change language', key('language'))}
        />
        <label className="number-field">
          <span>Intensity (1 gentle – 5 overwhelming)</span>
          <IntensitySelect
            label={`Intensity of ${title}`}
            value={segment.flags?.intensity}
            onChange={(intensity) => onUpdate({ flags: { intensity: intensity ?? undefined } }, 'change intensity')}
          />
        </label>
        <TextField label="Notes" multiline maxLength={5000} value={segment.notes ?? ''} onCommit={(value) => onUpdate({ notes: value }, 'edit notes', key('notes'))} />
        <div className="row">
          <label htmlFor={moveId}>Move to phase</label>
          <select id={moveId} className="curator-input" value={phaseId} onChange={(event) => onMoveToPhase(event.target.value)}>
            {draft.phases.map((phase) => (
              <option key={phase.id} value={phase.id}>
                {phase.title}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
    </section>
  );
}

function LoudnessLine({ segment, facts, targetLufs }: { readonly segment: Extract<Segment, { type: 'file' }>; readonly facts: FileFacts | undefined; readonly targetLufs: number }) {
  const gain = trackGain(segment, targetLufs);
  const plays = `plays at ${gain.gainDb > 0 ? '+' : ''}${signedDecimal(gain.gainDb)} dB${gain.limitedByPeak ? ' (held down by its peaks)' : ''}`;
  return (
    <p className="inspector-loudness">
      {segment.loudness === undefined
        ? `Loudness not known${facts?.loudness !== undefined ? ' to the playlist yet (the library has it: update from the library)' : ''}: ${plays}, a cautious guess.`
        : `${loudnessFigures(segment.loudness)} · ${plays}.`}
    </p>
  );
}
