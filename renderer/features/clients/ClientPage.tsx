import { useEffect, useState } from 'react';
import { useAfterFirstFrame } from '../../use-after-first-frame';
import { dosingHeading, recordSessionHeading, type CourseEventInput, type CourseTimelineEntry } from '../../../core/course';
import type { CourseView } from '../../../core/course-contract';
import { formatClock } from '../../../core/format';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { call } from '../../bridge/attune-bridge';
import { hrefFor } from '../../routes';
import { useHostData } from '../../use-host-data';
import { CourseExports } from './CourseExports';
import { MomentNotes } from './MomentNotes';
import { localToday } from './course-exports';
import './clients.css';
import { ErrorLine } from '../../ErrorLine';

interface ClientPageProps {
  readonly clientId: string;
  readonly kinds: readonly MarkKindDefinition[];
}

type RecordEntry = Extract<CourseTimelineEntry, { type: 'preparation' | 'integration' }>;

/** Appends to the client's record; resolves to the host's refusal in words, or undefined once saved. */
async function appendToRecord(clientId: string, event: CourseEventInput): Promise<string | undefined> {
  const result = await call('clients:append', { clientId, events: [event] });
  return result.ok ? undefined : result.error.message;
}

const typeLabels: Record<CourseTimelineEntry['type'], string> = { preparation: 'Preparation', dosing: 'Dosing', integration: 'Integration' };

function entryHeading(entry: CourseTimelineEntry, timeline: readonly CourseTimelineEntry[]): string {
  return entry.type === 'dosing' ? dosingHeading(entry.id, timeline) : recordSessionHeading(entry);
}

/** A client's course: the sessions as a timeline, a form for preparation and integration sessions, notes on moments, and the exports. */
export function ClientPage({ clientId, kinds }: ClientPageProps) {
  const [loaded, reload] = useHostData(() => call('clients:course', { clientId }), [clientId]);
  const [openNotes, setOpenNotes] = useState<string | undefined>();
  // The add-a-session form (below the course) comes a frame after it: its date field alone
  // cost ~20 ms to set up, which the course itself need not wait for.
  const formsShown = useAfterFirstFrame(loaded.status === 'ready');
  if (loaded.status === 'loading') return <p className="muted">Loading the course…</p>;
  if (loaded.status === 'error') {
    return (
      <ErrorLine message={loaded.message} />
    );
  }
  const view = loaded.value;
  const openEntry = view.timeline.find((entry): entry is RecordEntry => entry.type === 'integration' && entry.id === openNotes);
  return (
    <div className="clients client-page">
      <p>
        <a href={hrefFor({ screen: 'clients' })}>← Clients</a>
      </p>
      <h1>
        Client <span data-testid="client-code">{view.client.code}</span>
      </h1>
      <p className="no-names">A pseudonym only: no names in the notes or the sessions.</p>
      <ClientNotes view={view} onSaved={reload} />
      <OfferedSessions view={view} onLinked={reload} />

      <section className="panel" aria-labelledby="course-heading">
        <h2 id="course-heading">Course</h2>
        {view.unreadableSessionIds.length > 0 ? (
          <p className="notice" role="status">
            {view.unreadableSessionIds.length} linked session(s) cannot be read now ({view.unreadableSessionIds.join(', ')}); they stay in the record.
          </p>
        ) : null}
        {view.timeline.length === 0 ? <p className="muted">No sessions yet.</p> : null}
        <ol className="course-timeline" data-course-ready="true" aria-label={`${view.client.code}’s sessions in time order`}>
          {view.timeline.map((entry) => (
            <li key={entry.id} className={`course-entry course-${entry.type}`} data-entry-type={entry.type} data-entry-id={entry.id}>
              <span className="course-badge">{typeLabels[entry.type]}</span>
              <div className="course-entry-body">
                <h3>{entryHeading(entry, view.timeline)}</h3>
                {entry.type === 'dosing' ? (
                  <p className="muted">
                    {entry.playlistTitle} · {entry.markCount} mark{entry.markCount === 1 ? '' : 's'} · {formatClock(entry.durationMs)} · {entry.status}
                    {entry.facilitators === '' ? '' : ` · ${entry.facilitators}`}
                  </p>
                ) : (
                  <p className="muted">
                    {entry.facilitators === '' ? 'no facilitators noted' : entry.facilitators}
                    {entry.type === 'integration' ? ` · ${entry.momentNoteCount} note${entry.momentNoteCount === 1 ? '' : 's'} on moments` : ''}
                  </p>
                )}
                {entry.notes === '' ? null : <p className="course-notes">{entry.notes}</p>}
                <div className="row">
                  {entry.type === 'dosing' ? (
                    <a className="button" href={hrefFor({ screen: 'review', sessionId: entry.id })}>
                      Review
                    </a>
                  ) : null}
                  {entry.type === 'integration' ? (
                    <button type="button" aria-expanded={openNotes === entry.id} onClick={() => setOpenNotes(openNotes === entry.id ? undefined : entry.id)}>
                      Notes on moments
                    </button>
                  ) : null}
                </div>
              </div>
            </li>
          ))}
        </ol>
      </section>

      {openEntry === undefined ? null : <MomentNotes key={openEntry.id} view={view} entry={openEntry} kinds={kinds} onSaved={reload} />}
      {formsShown ? <AddSession view={view} onAdded={reload} /> : null}
      <CourseExports view={view} kinds={kinds} />
    </div>
  );
}

function ClientNotes({ view, onSaved }: { readonly view: CourseView; readonly onSaved: () => void }) {
  const [notes, setNotes] = useState(view.client.notes);
  const [status, setStatus] = useState<string | undefined>();
  useEffect(() => setNotes(view.client.notes), [view.client.notes]);
  const save = async () => {
    if (notes.trim() === view.client.notes) return;
    const problem = await appendToRecord(view.client.id, { id: crypto.randomUUID(), kind: 'client-edited', payload: { notes } });
    setStatus(problem ?? 'Saved');
    if (problem === undefined) onSaved();
  };
  return (
    <label className="field wide">
      <span>Notes on the client (no names)</span>
      <textarea name="client-notes" value={notes} rows={2} maxLength={5000} onChange={(event) => setNotes(event.target.value)} onBlur={() => void save()} />
      <small role="status">{status}</small>
    </label>
  );
}

function OfferedSessions({ view, onLinked }: { readonly view: CourseView; readonly onLinked: () => void }) {
  const [problem, setProblem] = useState<string | undefined>();
  if (view.offeredSessionIds.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="offered-heading">
      <h2 id="offered-heading">Sessions under this code, not yet in the course</h2>
      <p className="muted">{view.offeredSessionIds.map((sessionId) => dosingHeading(sessionId)).join('; ')}</p>
      <button
        type="button"
        onClick={async () => {
          const result = await call('clients:link-offered', { clientCode: view.client.code, sessionIds: view.offeredSessionIds, via: 'manual' });
          setProblem(result.ok ? undefined : result.error.message);
          onLinked();
        }}
      >
        Link {view.offeredSessionIds.length} session{view.offeredSessionIds.length === 1 ? '' : 's'} into the course
      </button>
      <ErrorLine message={problem} />
    </section>
  );
}

function randomCourseSessionId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `course-${Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => alphabet[byte % alphabet.length]).join('')}`;
}

function AddSession({ view, onAdded }: { readonly view: CourseView; readonly onAdded: () => void }) {
  const dosing = view.timeline.filter((entry) => entry.type === 'dosing');
  const [type, setType] = useState<'preparation' | 'integration'>('integration');
  const [date, setDate] = useState(localToday);
  const [facilitators, setFacilitators] = useState('');
  const [notes, setNotes] = useState('');
  const [follows, setFollows] = useState(dosing.at(-1)?.id ?? '');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const add = async () => {
    setBusy(true);
    const problemText = await appendToRecord(view.client.id, {
      id: crypto.randomUUID(),
      kind: 'course-session-added',
      payload: { courseSessionId: randomCourseSessionId(), type, date, facilitators, notes, ...(type === 'integration' && follows !== '' ? { followsSessionId: follows } : {}) },
    });
    setBusy(false);
    // On a refusal the form keeps what was typed.
    setProblem(problemText);
    if (problemText !== undefined) return;
    setNotes('');
    onAdded();
  };
  return (
    <section className="panel" aria-labelledby="add-session-heading">
      <h2 id="add-session-heading">Add a preparation or integration session</h2>
      <form
        className="add-session"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <label className="field">
          <span>Type</span>
          <select name="session-type" value={type} onChange={(event) => setType(event.target.value === 'preparation' ? 'preparation' : 'integration')}>
            <option value="preparation">Preparation</option>
            <option value="integration">Integration</option>
          </select>
        </label>
        <label className="field">
          <span>Date</span>
          <input type="date" name="session-date" value={date} required onChange={(event) => setDate(event.target.value)} />
        </label>
        {type === 'integration' ? (
          <label className="field">
            <span>Follows the dosing session</span>
            <select name="follows" value={follows} onChange={(event) => setFollows(event.target.value)}>
              {dosing.length === 0 ? <option value="">No dosing session in the course yet</option> : null}
              {dosing.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {dosingHeading(entry.id, view.timeline)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="field">
          <span>Facilitators (initials)</span>
          <input name="session-facilitators" value={facilitators} maxLength={80} autoComplete="off" onChange={(event) => setFacilitators(event.target.value)} />
        </label>
        <label className="field wide">
          <span>Notes (no names)</span>
          <textarea name="session-notes" value={notes} rows={3} maxLength={20_000} onChange={(event) => setNotes(event.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Add session
        </button>
        <ErrorLine message={problem} />
      </form>
    </section>
  );
}
