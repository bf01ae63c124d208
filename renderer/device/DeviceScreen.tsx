import { useEffect, useRef, useState, type FormEvent } from 'react';
import { formatClock } from '../../core/format';
import type { DeviceClient, DeviceMarkView, DeviceView } from '../../core/pairing/device-client';
import { groupCode, type InvitationFragment } from './invitation-fragment';
import { canMark, describeLink } from './link-text';

/** The client's view, re-read on each of its changes. */
function useDeviceView(client: DeviceClient): DeviceView {
  const [view, setView] = useState(() => client.view());
  useEffect(() => {
    setView(client.view());
    return client.on('changed', setView);
  }, [client]);
  return view;
}

/**
 * Keeps the screen on while the device is paired and shown: a phone that dims after 30 s would
 * drop its link (and the facilitator's glance). Where the browser will not, nothing else changes.
 */
function useScreenAwake(active: boolean): void {
  useEffect(() => {
    if (!active || !('wakeLock' in navigator)) return;
    let sentinel: WakeLockSentinel | undefined;
    let stopped = false;
    const request = () => {
      if (document.visibilityState !== 'visible') return;
      navigator.wakeLock.request('screen').then(
        (held) => {
          if (stopped) void held.release();
          else sentinel = held;
        },
        () => undefined,
      );
    };
    request();
    document.addEventListener('visibilitychange', request);
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', request);
      void sentinel?.release();
    };
  }, [active]);
}

function PairingForm({
  client,
  view,
  fragment,
  again = false,
}: {
  readonly client: DeviceClient;
  readonly view: DeviceView;
  readonly fragment: InvitationFragment;
  /** Inside the ended screen: its problem line already says why, and nothing takes the focus. */
  readonly again?: boolean;
}) {
  const [code, setCode] = useState(fragment.code === undefined ? '' : groupCode(fragment.code));
  const [initials, setInitials] = useState(view.initials ?? '');
  const initialsRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // The code came with the QR code: what is left to type is the initials.
    if (!again) (fragment.code === undefined ? codeRef : initialsRef).current?.focus();
  }, [fragment.code, again]);
  const pairing = view.link === 'pairing';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void client.pair(code, initials, fragment.fingerprint);
  };
  return (
    <form className="device-pairing" onSubmit={submit} aria-label="Pair this device">
      {again ? null : <h1 id="pairing-heading">Join the session as co-facilitator</h1>}
      <p className="device-muted">Type the code shown on the main screen (it came with the QR code if you scanned it) and your initials.</p>
      <label className="device-field">
        <span>Code</span>
        <input
          ref={codeRef}
          className="device-code-input"
          value={code}
          onChange={(event) => setCode(event.target.value.toUpperCase())}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          inputMode="text"
          maxLength={12}
          placeholder="XXXX XXXX"
          aria-describedby="pairing-problem"
        />
      </label>
      <label className="device-field">
        <span>Your initials</span>
        <input
          ref={initialsRef}
          value={initials}
          onChange={(event) => setInitials(event.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={40}
          aria-describedby="pairing-problem"
        />
      </label>
      <button type="submit" className="device-primary" disabled={pairing || code.trim() === '' || initials.trim() === ''}>
        {pairing ? 'Pairing…' : 'Pair'}
      </button>
      {again ? null : (
        <p id="pairing-problem" className="device-problem" role="alert">
          {view.problem ?? ''}
        </p>
      )}
      {fragment.fingerprint !== undefined ? (
        <p className="device-muted device-fingerprint">
          Host fingerprint from the QR code: <span>{fragment.fingerprint.replace(/(.{4})(?=.)/g, '$1 ')}</span>. Pairing is refused if another computer answers.
        </p>
      ) : null}
    </form>
  );
}

function markLabel(view: DeviceView, mark: DeviceMarkView): string {
  return view.session?.markKinds.find((kind) => kind.id === mark.markKind)?.label ?? mark.markKind;
}

function MarkDetails({
  client,
  view,
  mark,
  enabled,
  focusNote,
}: {
  readonly client: DeviceClient;
  readonly view: DeviceView;
  readonly mark: DeviceMarkView;
  readonly enabled: boolean;
  /** The Note kind was just tapped: its field is what comes next. */
  readonly focusNote: boolean;
}) {
  const [note, setNote] = useState(mark.note ?? '');
  const noteRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusNote) noteRef.current?.focus();
  }, [focusNote]);
  const saveNote = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = note.trim();
    if (trimmed === (mark.note ?? '')) return;
    void client.addDetails(mark.id, { note: trimmed === '' ? null : trimmed });
  };
  const label = `${markLabel(view, mark)} at ${formatClock(mark.sessionMs)}`;
  return (
    <section className="device-details" aria-labelledby="details-heading" data-testid="device-details" data-mark-id={mark.id}>
      <h2 id="details-heading">
        Details · {label}
        {mark.by !== null ? <span className="device-muted"> · {mark.by}</span> : null}
      </h2>
      <div className="device-intensity" role="group" aria-label={`Intensity of ${label}`}>
        {[1, 2, 3, 4, 5].map((level) => (
          <button
            key={level}
            type="button"
            aria-pressed={mark.intensity === level}
            disabled={!enabled}
            onClick={() => void client.addDetails(mark.id, { intensity: mark.intensity === level ? null : level })}
          >
            {level}
          </button>
        ))}
      </div>
      <form className="device-note" onSubmit={saveNote}>
        <input ref={noteRef} aria-label={`Note for ${label}`} value={note} maxLength={5000} placeholder="short note…" disabled={!enabled} onChange={(event) => setNote(event.target.value)} />
        <button type="submit" disabled={!enabled || note.trim() === (mark.note ?? '')}>
          Save note
        </button>
      </form>
    </section>
  );
}

function MarkRow({ view, mark, selected, onSelect }: { readonly view: DeviceView; readonly mark: DeviceMarkView; readonly selected: boolean; readonly onSelect: () => void }) {
  return (
    <li className="device-mark" data-mark-id={mark.id} data-author={mark.by ?? ''} data-pending={mark.pending} data-late={mark.late} data-mine={mark.mine}>
      <button type="button" aria-pressed={selected} onClick={onSelect}>
        <span className="device-mark-kind">{markLabel(view, mark)}</span>
        <span className="device-mark-author">{mark.by ?? '—'}</span>
        <span className="device-mark-time">{formatClock(mark.sessionMs)}</span>
        <span className="device-mark-flags">
          {mark.intensity !== null ? <span>{mark.intensity}/5</span> : null}
          {mark.pending ? <span className="device-pending">waiting to be sent</span> : null}
          {mark.late ? <span className="device-late">late</span> : null}
        </span>
        {mark.note !== null ? <span className="device-mark-note">{mark.note}</span> : null}
      </button>
    </li>
  );
}

function Marking({ client, view }: { readonly client: DeviceClient; readonly view: DeviceView }) {
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [said, setSaid] = useState<string | undefined>();
  const [noteFor, setNoteFor] = useState<string | undefined>();
  const enabled = canMark(view);
  const session = view.session;
  const newestFirst = [...view.marks].reverse();
  // The mark chosen in the list, else the newest one made here.
  const selected = newestFirst.find((mark) => mark.id === selectedId) ?? newestFirst.find((mark) => mark.mine);

  const mark = async (markKind: string, label: string) => {
    if (!canMark(view)) {
      setSaid(`Not marked: ${describeLink(view).toLowerCase()}.`);
      return;
    }
    try {
      const id = await client.mark(markKind);
      setSelectedId(id);
      setNoteFor(markKind === 'note' ? id : undefined);
      setSaid(`${label} marked`);
    } catch (error) {
      setSaid(`Not marked: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  // Digits 1–5 set the selected mark's intensity, as on the main screen.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat || event.ctrlKey || event.metaKey || event.altKey || !/^[1-5]$/.test(event.key)) return;
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      if (selected === undefined || !canMark(view)) return;
      event.preventDefault();
      const level = Number(event.key);
      void client.addDetails(selected.id, { intensity: selected.intensity === level ? null : level });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [client, selected, view]);

  return (
    <>
      <section className="device-now" aria-label="Now playing">
        <p className="device-session-title">{session?.title ?? 'Waiting for the session…'}</p>
        <p className="device-phase" data-testid="device-phase">
          {session?.phaseTitle ?? '—'}
          {session?.trackTitle != null ? <span className="device-muted"> · {session.trackTitle}</span> : null}
        </p>
      </section>
      <div className="device-mark-buttons" role="group" aria-label="Marks">
        {/* A span (a break) opens and closes on the main screen only: the host refuses it from a device. */}
        {session?.markKinds.filter((kind) => !kind.span).map((kind) => (
          <button key={kind.id} type="button" className="device-mark-button" data-mark-kind={kind.id} disabled={!enabled} onClick={() => void mark(kind.id, kind.label)}>
            {kind.label}
          </button>
        ))}
      </div>
      {session !== null && session.states.length > 0 ? (
        <div className="device-state-buttons" role="group" aria-label="Client state">
          {session.states.map((state) => (
            <button
              key={state.id}
              type="button"
              data-state-id={state.id}
              aria-pressed={session.currentStateId === state.id}
              disabled={!enabled}
              onClick={() => {
                void client.setState(state.id).then(
                  () => setSaid(`State: ${state.label}`),
                  (error: unknown) => setSaid(`Not set: ${error instanceof Error ? error.message : String(error)}`),
                );
              }}
            >
              {state.label}
            </button>
          ))}
        </div>
      ) : null}
      <p className="device-said" role="status" aria-live="polite" data-testid="device-said">
        {said ?? ' '}
      </p>
      {selected !== undefined ? <MarkDetails key={selected.id} client={client} view={view} mark={selected} enabled={enabled} focusNote={noteFor === selected.id} /> : null}
      <section aria-labelledby="device-marks-heading">
        <h2 id="device-marks-heading">Marks · both facilitators</h2>
        {newestFirst.length === 0 ? <p className="device-muted">None yet.</p> : null}
        <ol className="device-marks">
          {newestFirst.map((each) => (
            <MarkRow key={each.id} view={view} mark={each} selected={each.id === selected?.id} onSelect={() => setSelectedId(each.id)} />
          ))}
        </ol>
      </section>
    </>
  );
}

/**
 * The co-facilitator's page on a phone, tablet or second laptop: pairing, then one large
 * button per mark kind and per state, details for a mark, and every author's marks. It makes
 * no sound, ever, and holds no audio code.
 */
export function DeviceScreen({ client, fragment }: { readonly client: DeviceClient; readonly fragment: InvitationFragment }) {
  const view = useDeviceView(client);
  const paired = view.session !== null && view.link !== 'unpaired' && view.link !== 'pairing';
  useScreenAwake(paired && canMark(view));
  const ended = view.link === 'removed' || view.link === 'session-ended';
  return (
    <main className="device" data-link={view.link}>
      <header className="device-header">
        <p className="device-link" role="status" data-testid="device-link" data-link={view.link}>
          {describeLink(view)}
        </p>
        {view.initials !== null && paired ? <p className="device-muted">You sign as {view.initials}</p> : null}
      </header>
      {paired && view.problem !== null ? (
        // A dropped link is expected and nothing is lost: said quietly, not as an alarm.
        <p className={view.link === 'offline' ? 'device-muted' : 'device-problem'} role={view.link === 'offline' ? 'status' : 'alert'}>
          {view.problem}
        </p>
      ) : null}
      {paired ? <Marking client={client} view={view} /> : <PairingForm client={client} view={view} fragment={fragment} />}
      {paired && ended ? (
        <details className="device-pair-again">
          <summary>Pair again with a new code</summary>
          <PairingForm client={client} view={view} fragment={{ code: undefined, fingerprint: fragment.fingerprint }} again />
        </details>
      ) : null}
    </main>
  );
}
