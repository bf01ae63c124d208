import { useState } from 'react';
import { dosingHeading, recordSessionHeading, type CourseTimelineEntry } from '../../../core/course';
import type { CourseView } from '../../../core/course-contract';
import { worksheetMoments } from '../../../core/exports';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { call } from '../../bridge/attune-bridge';
import { useHostData } from '../../use-host-data';
import { loadDosingModels } from './course-exports';
import { ErrorLine } from '../../ErrorLine';

interface MomentNotesProps {
  readonly view: CourseView;
  readonly entry: Extract<CourseTimelineEntry, { type: 'preparation' | 'integration' }>;
  readonly kinds: readonly MarkKindDefinition[];
  readonly onSaved: () => void;
}

/** An integration session's notes on the moments of the dosing session it follows: one field per marked moment, saved when left. */
export function MomentNotes({ view, entry, kinds, onSaved }: MomentNotesProps) {
  const sessionId = entry.followsSessionId;
  const [models] = useHostData(async () => {
    if (sessionId === null) return { ok: true as const, value: [] };
    try {
      return { ok: true as const, value: await loadDosingModels(call, [sessionId], kinds) };
    } catch (error) {
      return { ok: false as const, error: { code: 'not-found' as const, message: error instanceof Error ? error.message : String(error) } };
    }
  }, [sessionId, kinds]);
  const heading = recordSessionHeading(entry);
  return (
    <section className="panel" aria-labelledby="moment-notes-heading">
      <h2 id="moment-notes-heading">
        {heading}: notes on the moments of {sessionId === null ? 'no dosing session' : dosingHeading(sessionId, view.timeline)}
      </h2>
      {models.status === 'loading' ? <p className="muted">Loading the dosing session…</p> : null}
      <ErrorLine message={models.status === 'error' ? models.message : undefined} />
      {models.status === 'ready' && sessionId !== null
        ? models.value.map(({ model }) => {
            const moments = worksheetMoments({ model, heading: '' });
            if (moments.length === 0) return <p key="none">No moments were marked in that session.</p>;
            return (
              <ol key={model.facts.sessionId} className="moment-list">
                {moments.map((moment) => (
                  <li key={moment.row.id} data-mark-id={moment.row.id}>
                    <MomentNoteField
                      view={view}
                      courseSessionId={entry.id}
                      sessionId={sessionId}
                      markId={moment.row.id}
                      label={`${moment.number}. ${moment.time} · ${moment.kind}${moment.intensity === null ? '' : ` · intensity ${moment.intensity}`} · ${moment.music}`}
                      detail={moment.note}
                      onSaved={onSaved}
                    />
                  </li>
                ))}
              </ol>
            );
          })
        : null}
    </section>
  );
}

interface MomentNoteFieldProps {
  readonly view: CourseView;
  readonly courseSessionId: string;
  readonly sessionId: string;
  readonly markId: string;
  readonly label: string;
  readonly detail: string | null;
  readonly onSaved: () => void;
}

function MomentNoteField({ view, courseSessionId, sessionId, markId, label, detail, onSaved }: MomentNoteFieldProps) {
  const saved = view.momentNotes.find((note) => note.courseSessionId === courseSessionId && note.markId === markId)?.note ?? '';
  const [text, setText] = useState(saved);
  const [status, setStatus] = useState<string | undefined>();
  const save = async () => {
    if (text.trim() === saved.trim()) return;
    const result = await call('clients:append', {
      clientId: view.client.id,
      events: [{ id: crypto.randomUUID(), kind: 'moment-note', payload: { courseSessionId, sessionId, markId, note: text.trim() === '' ? null : text } }],
    });
    // A failed save keeps the text in the field for the next try.
    setStatus(result.ok ? 'Saved' : `Not saved: ${result.error.message}`);
    if (result.ok) onSaved();
  };
  return (
    <label className="field wide moment-note">
      <span>{label}</span>
      {detail === null ? null : <small>Noted on the day: {detail}</small>}
      <textarea
        name="moment-note"
        value={text}
        rows={2}
        maxLength={5000}
        onChange={(event) => setText(event.target.value)}
        onBlur={() => void save()}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && event.ctrlKey) void save();
        }}
      />
      <small role="status">{status}</small>
    </label>
  );
}
