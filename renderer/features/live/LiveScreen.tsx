import { memo, useCallback, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { Vitals } from '../../../core/events';
import { formatClock, formatMinutes, formatPosition } from '../../../core/format';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { hrefFor } from '../../routes';
import { useExternalState } from '../../use-external-state';
import type { DueReminder } from '../../../core/reminders';
import { SessionSummary } from '../review/SessionSummary';
import type { CoFacilitation } from './CoFacilitation';
import { createCoFacilitation } from './create-co-facilitation';
import { InvitePanel } from './InvitePanel';
import { LiveCorrections } from './LiveCorrections';
import { undoWindowMs, type LiveMark, type LiveSession } from './LiveSession';
import { useLiveKeys } from './mark-keys';
import { StateLane } from './StateLane';
import { useMediaSession } from './media-session';
import { LevelMeter } from './LevelMeter';
import { livePollClock } from './poll-clock';
import { usePolled } from './use-polled';
import { describeWaiting } from './waiting-text';
import { segmentName } from '../../../core/segment-names';

interface LiveScreenProps {
  readonly session: LiveSession | undefined;
  readonly sessionId: string;
  readonly onLeave: () => void;
}

export function LiveScreen({ session, sessionId, onLeave }: LiveScreenProps) {
  if (session === undefined) {
    return (
      <section className="panel">
        <h1>This session is not running here</h1>
        <p className="muted">
          The page was reloaded or the app restarted. Everything marked so far is saved. Resume it from the Start screen, or read
          it in review.
        </p>
        <p className="row">
          <a className="button" href={hrefFor({ screen: 'home' })}>
            Go to Start
          </a>
          <a className="button" href={hrefFor({ screen: 'review', sessionId })}>
            Open it in review
          </a>
        </p>
      </section>
    );
  }
  return <RunningSession session={session} onLeave={onLeave} />;
}

function signedMinutes(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes === 0 ? 'on target' : `${minutes > 0 ? '+' : '−'}${formatMinutes(Math.abs(minutes))}`;
}

/** Onset, peak, return as planned and as projected now (holds, extensions, pauses included). */
const PhaseBar = memo(function PhaseBar({ session }: { readonly session: LiveSession }) {
  const projection = usePolled(() => session.projection(), 1000);
  const nowMs = session.sessionMs() - (session.getState().t0OffsetMs);
  return (
    <div className="phase-bar" role="list" aria-label="Phases">
      {projection.phases
        .filter((phase) => !phase.skipped)
        .map((phase) => {
          const length = Math.max(1, phase.endSessionMs - phase.startSessionMs);
          const progress = Math.min(1, Math.max(0, (nowMs - phase.startSessionMs) / length));
          const current = phase.status === 'current';
          return (
            <div
              key={phase.id}
              role="listitem"
              data-phase-id={phase.id}
              data-held={phase.held}
              className={`phase-bar-part${current ? ' current' : ''}${phase.held ? ' held' : ''}`}
              style={{ flexGrow: length }}
              title={`target ${formatMinutes(phase.targetMs / 60_000)} · projected ${formatMinutes(phase.projectedDurationMs / 60_000)}`}
            >
              <div className="phase-bar-fill" style={{ width: `${(phase.status === 'past' ? 1 : current ? progress : 0) * 100}%` }} />
              <span className="phase-bar-label">
                {phase.title}
                {phase.held ? ' · held' : ''}
                <span className="phase-bar-delta"> {signedMinutes(phase.deltaFromTargetMs)}</span>
              </span>
            </div>
          );
        })}
    </div>
  );
});

const Reminders = memo(function Reminders({
  session,
  reminders,
  t0OffsetMs,
}: {
  readonly session: LiveSession;
  readonly reminders: readonly DueReminder[];
  readonly t0OffsetMs: number;
}) {
  if (reminders.length === 0) return null;
  const keyOf = (kindId: string) => session.markKinds().find((kind) => kind.id === kindId && !kind.hidden)?.key.toUpperCase();
  return (
    <ul className="reminders" aria-label="Reminders">
      {reminders.map((reminder) => (
        <li key={`${reminder.reminder}@${reminder.dueSessionMs}`} className="reminder" data-reminder={reminder.reminder}>
          <span>
            {reminder.reminder === 'supplemental-dose'
              ? `Supplemental dose due (${session.meta.supplementalDosePlan}) · window ${formatClock(reminder.dueSessionMs + t0OffsetMs)}–${formatClock((reminder.windowEndSessionMs ?? reminder.dueSessionMs) + t0OffsetMs)}`
              : `Vitals check due since ${formatClock(reminder.dueSessionMs + t0OffsetMs)}`}
          </span>
          <button type="button" onClick={() => session.logReminder(reminder)}>
            {reminder.reminder === 'supplemental-dose' ? 'Log the dose' : 'Log vitals'}
            {keyOf(reminder.logsAs) !== undefined ? <kbd>{keyOf(reminder.logsAs)}</kbd> : null}
          </button>
          <button type="button" onClick={() => session.dismissReminder(reminder)}>
            Dismiss <kbd>Esc</kbd>
          </button>
        </li>
      ))}
    </ul>
  );
});

const PhaseControls = memo(function PhaseControls({ session, status }: { readonly session: LiveSession; readonly status: string }) {
  const projection = usePolled(() => session.projection(), 1000);
  const current = projection.currentPhaseIndex === undefined ? undefined : projection.phases[projection.currentPhaseIndex];
  const active = status === 'playing' || status === 'paused' || status === 'quiet';
  return (
    <div className="phase-controls" role="group" aria-label="Phase">
      <span className="muted" data-testid="next-phase-change">
        {projection.nextPhaseChangeInMs === null
          ? 'Last phase ended'
          : current?.held === true
            ? `${current.title} is held`
            : `${formatPosition(projection.nextPhaseChangeInMs)} to the next phase`}
      </span>
      <button type="button" disabled={!active} aria-pressed={current?.held === true} onClick={() => session.holdPhase()}>
        {current?.held === true ? 'Release phase' : 'Hold phase'} <kbd>⇧H</kbd>
      </button>
      <button type="button" disabled={!active} onClick={() => session.extendPhase(10)}>
        +10 min <kbd>⇧E</kbd>
      </button>
      <button type="button" disabled={!active} onClick={() => session.advancePhase()}>
        Next phase <kbd>⇧N</kbd>
      </button>
      <button type="button" disabled={!active} onClick={() => session.jumpToReturn()}>
        Go to return <kbd>⇧R</kbd>
      </button>
      <button type="button" disabled={!active} onClick={() => session.skipSegment()}>
        Skip segment <kbd>⇧S</kbd>
      </button>
    </div>
  );
});

/** Its own component, so the four readings a second re-render only the clock. */
const SessionClockDisplay = memo(function SessionClockDisplay({ session }: { readonly session: LiveSession }) {
  const shown = usePolled(() => formatClock(session.sessionMs()), 250);
  return (
    <div className="session-clock" data-testid="session-clock">
      {shown}
    </div>
  );
});

const SegmentRemaining = memo(function SegmentRemaining({ session }: { readonly session: LiveSession }) {
  const shown = usePolled(() => {
    const remainingMs = session.player.getState().position?.entryRemainingMs;
    if (remainingMs === undefined) return undefined;
    return Number.isFinite(remainingMs) ? `${formatPosition(remainingMs)} left in this segment` : 'continues until the phase is released';
  }, 1000);
  if (shown === undefined) return null;
  return <div className="segment-remaining">{shown}</div>;
});

const kindStyle = (kind: MarkKindDefinition | undefined): CSSProperties => ({ '--kind-color': kind?.color ?? '#7b8794' }) as CSSProperties;

const MarkButton = memo(function MarkButton({ kind, session, openSince }: { readonly kind: MarkKindDefinition; readonly session: LiveSession; readonly openSince: number | undefined }) {
  return (
    <button
      type="button"
      className={`mark-button mark-${kind.category}`}
      style={kindStyle(kind)}
      aria-pressed={kind.span ? openSince !== undefined : undefined}
      onClick={() => session.mark(kind.id)}
    >
      <span>{kind.label}</span>
      {openSince !== undefined ? <span className="span-open">open since {formatClock(openSince)}</span> : null}
      <kbd>{kind.key.toUpperCase()}</kbd>
    </button>
  );
});

/** Escape in a form its mark opened: what was typed is kept; a mark still empty is taken back. */
function leaveForm(event: KeyboardEvent<HTMLInputElement>, session: LiveSession, mark: LiveMark, openedByMark: boolean): void {
  if (event.key !== 'Enter' && event.key !== 'Escape') return;
  event.currentTarget.blur();
  if (event.key === 'Escape' && openedByMark) session.takeBackIfEmpty(mark.id);
}

/** The form a vitals mark opens: Escape in it takes the mark back while it is still empty. */
function VitalsFields({ mark, session }: { readonly mark: LiveMark; readonly session: LiveSession }) {
  const fields: { key: keyof Vitals; label: string; step: number }[] = [
    { key: 'systolic', label: 'Systolic', step: 1 },
    { key: 'diastolic', label: 'Diastolic', step: 1 },
    { key: 'heartRate', label: 'Heart rate', step: 1 },
    { key: 'temperatureC', label: 'Temp °C', step: 0.1 },
  ];
  const save = (key: keyof Vitals, text: string) => {
    const value = text.trim() === '' ? undefined : Number(text);
    if (value !== undefined && !Number.isFinite(value)) return;
    // Merged with the vitals as saved now, not as last rendered: another field may have just changed them.
    session.setVital(mark.id, key, value === undefined ? undefined : key === 'temperatureC' ? Math.round(value * 10) / 10 : Math.round(value));
  };
  return (
    <span className="vitals-fields">
      {fields.map(({ key, label, step }) => (
        <label key={key}>
          <span className="muted">{label}</span>
          <input
            type="number"
            step={step}
            defaultValue={mark.vitals?.[key] ?? ''}
            onBlur={(event) => save(key, event.target.value)}
            onKeyDown={(event) => leaveForm(event, session, mark, true)}
          />
        </label>
      ))}
    </span>
  );
}

const RecentMarkRow = memo(function RecentMarkRow({
  mark,
  session,
  t0OffsetMs,
  focusNote,
}: {
  readonly mark: LiveMark;
  readonly session: LiveSession;
  readonly t0OffsetMs: number;
  /** The key that made this mark (a note kind) opens its note field. */
  readonly focusNote: boolean;
}) {
  const noteRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusNote) noteRef.current?.focus();
  }, [focusNote]);
  // A note written elsewhere (the co-facilitator's device, a correction) shows, unless this field is being typed in.
  useEffect(() => {
    const input = noteRef.current;
    if (input !== null && document.activeElement !== input) input.value = mark.note ?? '';
  }, [mark.note]);
  const plan = session.plan;
  const entry = plan.entries.find((candidate) => candidate.segment.id === mark.segmentId);
  const phase = plan.phases.find((candidate) => candidate.id === mark.phaseId);
  const label = mark.kind?.label ?? mark.markKind;
  return (
    <li
      className="recent-mark"
      style={kindStyle(mark.kind)}
      data-saved={mark.saved}
      data-mark-kind={mark.markKind}
      data-mark-id={mark.id}
      data-author={mark.by}
      data-late={mark.late}
    >
      <span className="recent-mark-kind">
        {label}
        {mark.by !== undefined ? (
          <span className="mark-author" data-testid="mark-author">
            {mark.by}
          </span>
        ) : null}
        {mark.late ? (
          <span className="late-tag" title="Made on the co-facilitator's device while its link was down; sent when it came back">
            late
          </span>
        ) : null}
      </span>
      <span>{formatClock(mark.sessionMs + t0OffsetMs)}</span>
      <span className="muted recent-mark-place">
        {phase?.title ?? mark.phaseId} · {entry === undefined ? mark.segmentId : segmentName(entry.segment)} at {formatPosition(mark.positionMs)}
        {mark.span !== undefined ? (mark.span.end === undefined ? ' · open' : ` · until ${formatClock(mark.span.end.sessionMs + t0OffsetMs)}`) : ''}
      </span>
      <span className="intensity" role="group" aria-label={`Intensity of ${label} at ${formatClock(mark.sessionMs + t0OffsetMs)}`}>
        {[1, 2, 3, 4, 5].map((level) => (
          <button
            type="button"
            key={level}
            className="intensity-button"
            aria-pressed={mark.intensity === level}
            onClick={() => session.toggleIntensity(mark.id, level)}
          >
            {level}
          </button>
        ))}
      </span>
      <input
        ref={noteRef}
        className="note-input"
        aria-label={`Note for ${label} at ${formatClock(mark.sessionMs + t0OffsetMs)}`}
        placeholder="note…"
        defaultValue={mark.note ?? ''}
        maxLength={5000}
        onBlur={(event) => session.editMark(mark.id, { note: event.target.value.trim() === '' ? null : event.target.value.trim() })}
        onKeyDown={(event) => leaveForm(event, session, mark, focusNote)}
      />
      <span className="muted save-state">{mark.saved ? 'saved' : 'saving…'}</span>
      {mark.kind?.fields === 'vitals' ? <VitalsFields mark={mark} session={session} /> : null}
    </li>
  );
});

const T0Correction = memo(function T0Correction({ session, t0OffsetMs }: { readonly session: LiveSession; readonly t0OffsetMs: number }) {
  const [minutes, setMinutes] = useState(String(Math.round(t0OffsetMs / 60_000)));
  return (
    <details className="t0-correction">
      <summary>Correct the dose time (T0)</summary>
      <label>
        The dose was taken{' '}
        <input type="number" value={minutes} step={1} min={-720} max={720} onChange={(event) => setMinutes(event.target.value)} /> minutes
        before Start was pressed.
      </label>
      <button type="button" onClick={() => session.correctT0(Number(minutes) * 60_000)} disabled={!Number.isFinite(Number(minutes))}>
        Apply
      </button>
      {t0OffsetMs !== 0 ? <span className="muted"> Currently {Math.round(t0OffsetMs / 60_000)} min.</span> : null}
    </details>
  );
});

/** One per running session, for as long as its screen shows: it hears the host's pairing news even while the panel is closed. */
function useCoFacilitation(session: LiveSession): CoFacilitation | undefined {
  const [coFacilitation, setCoFacilitation] = useState<CoFacilitation | undefined>();
  useEffect(() => {
    const made = createCoFacilitation(session);
    setCoFacilitation(made);
    return () => made.dispose();
  }, [session]);
  return coFacilitation;
}

/** The panel's toggle: says who is paired, and which device has gone quiet, while the panel is closed. */
function InviteToggle({ coFacilitation, open, onToggle }: { readonly coFacilitation: CoFacilitation; readonly open: boolean; readonly onToggle: () => void }) {
  const { status } = useExternalState(coFacilitation);
  const devices = status?.devices ?? [];
  const quiet = devices.filter((device) => device.quiet);
  return (
    <button
      type="button"
      className="invite-toggle"
      aria-expanded={open}
      aria-controls="invite-panel"
      aria-keyshortcuts="Shift+I"
      aria-label={
        devices.length === 0
          ? 'Invite a co-facilitator'
          : `Co-facilitators: ${devices.map((device) => `${device.initials}${device.quiet ? ' (quiet)' : ''}`).join(', ')}`
      }
      onClick={onToggle}
      data-testid="invite-toggle"
    >
      {devices.length === 0 ? 'Invite' : devices.map((device) => device.initials).join(', ')}
      {quiet.length > 0 ? <span className="notice">quiet</span> : null}
      <kbd>⇧I</kbd>
    </button>
  );
}

function RunningSession({ session, onLeave }: { readonly session: LiveSession; readonly onLeave: () => void }) {
  const state = useExternalState(session);
  const coFacilitation = useCoFacilitation(session);
  const [inviteOpen, setInviteOpen] = useState(false);
  const toggleInvite = useCallback(() => setInviteOpen((open) => !open), []);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [endError, setEndError] = useState<string | undefined>();
  const [noteFocus, setNoteFocus] = useState<string | undefined>();
  const { position, status } = state.player;
  const kinds = session.markKinds().filter((kind) => !kind.hidden);
  const t0OffsetMs = state.t0OffsetMs;
  // Every figure read once a second changes just after the session clock's second, in one frame with it.
  useEffect(() => (session.isRealTime() ? livePollClock.alignTo(() => session.sessionMs()) : undefined), [session]);

  const onMarked = useCallback((markId: string, markKind: string) => {
    if (markKind === 'note') setNoteFocus(markId);
  }, []);
  useLiveKeys(session, { onMarked, onToggleInvite: toggleInvite });
  useMediaSession(session, state.player);

  useEffect(() => {
    if (!confirmEnd) return;
    const timer = setTimeout(() => setConfirmEnd(false), 4000);
    return () => clearTimeout(timer);
  }, [confirmEnd]);

  const endSession = async () => {
    if (!confirmEnd) {
      setConfirmEnd(true);
      return;
    }
    try {
      await session.end();
    } catch (error) {
      setEndError(error instanceof Error ? error.message : String(error));
    }
  };

  const playing = status === 'playing';
  const latest = state.recentMarks[0];
  const openSince = (kind: MarkKindDefinition) => {
    const open = state.openSpans.find((span) => span.markKind === kind.id);
    return open === undefined ? undefined : open.sessionMs + t0OffsetMs;
  };

  if (state.ended) {
    return (
      <div className="live">
        <SessionSummary meta={session.meta} folded={session.foldedSession()} plan={session.plan} kinds={session.markKinds()} />
        <p>
          <a className="button" href={hrefFor({ screen: 'review', sessionId: session.meta.id })} onClick={onLeave}>
            Review this session
          </a>
        </p>
      </div>
    );
  }

  return (
    <div className="live" data-status={status} data-unsaved={state.unsavedCount}>
      {state.saveWarning !== undefined ? (
        <p className="save-warning" role="alert">
          {describeWaiting(state)}. Attune keeps trying, and this browser keeps them until they are saved; nothing is dropped.
        </p>
      ) : null}
      {state.refusedEvents.length > 0 ? (
        <div className="save-warning" role="alert">
          {state.refusedEvents.length} event(s) were refused by Attune's host and are not in the journal:
          <ul>
            {state.refusedEvents.map((refused, index) => (
              <li key={index}>
                {refused.kind}: {refused.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <header className="live-header">
        <div>
          <div className="label">Since the dose</div>
          <SessionClockDisplay session={session} />
        </div>
        <div className="live-now">
          <div className="label">
            {state.closing !== undefined ? 'Music ended' : (position?.phase.title ?? 'Not started')}
            {status === 'quiet' ? ' · quiet' : status === 'paused' ? ' · paused' : ''}
          </div>
          <div className="now-playing" data-testid="now-playing">
            {state.closing !== undefined
              ? state.closing === 'none'
                ? 'Silence'
                : `Closing soundscape (${state.closing})`
              : position === null
                ? '—'
                : segmentName(position.entry.segment)}
          </div>
          {position !== null ? <SegmentRemaining session={session} /> : null}
        </div>
        <div className="live-side">
          <LevelMeter session={session} />
          <div className="live-side-row">
            <span className="muted save-summary" data-testid="save-summary">
              {state.unsavedCount === 0 ? 'Everything saved' : `Saving ${state.unsavedCount}…`}
            </span>
            {coFacilitation !== undefined ? <InviteToggle coFacilitation={coFacilitation} open={inviteOpen} onToggle={toggleInvite} /> : null}
          </div>
        </div>
      </header>

      {state.closing !== undefined ? (
        <p className="notice closing-notice" role="status" data-testid="closing-notice">
          {state.closing === 'none' ? 'The music has ended — silence now' : 'The music has ended — closing soundscape playing'}; marks, vitals and notes
          continue. End the session when you are done.
        </p>
      ) : null}
      <Reminders session={session} reminders={state.reminders} t0OffsetMs={t0OffsetMs} />
      <PhaseBar session={session} />
      <PhaseControls session={session} status={status} />

      <div className="mark-buttons" role="group" aria-label="Marks">
        {kinds
          .filter((kind) => kind.category === 'observation')
          .map((kind) => (
            <MarkButton key={kind.id} kind={kind} session={session} openSince={openSince(kind)} />
          ))}
      </div>
      <div className="protocol-buttons" role="group" aria-label="Protocol events">
        {kinds
          .filter((kind) => kind.category === 'protocol')
          .map((kind) => (
            <MarkButton key={kind.id} kind={kind} session={session} openSince={openSince(kind)} />
          ))}
      </div>
      <StateLane session={session} spans={state.stateSpans} prompts={state.statePrompts} t0OffsetMs={t0OffsetMs} phaseHeld={position?.phase.held === true} />
      <p className="mark-confirmation" role="status" aria-live="polite">
        {latest === undefined
          ? ' '
          : `${latest.kind?.label ?? latest.markKind} marked at ${formatClock(latest.sessionMs + t0OffsetMs)}${latest.saved ? ' · saved' : ' · saving…'}`}
      </p>

      <div className="transport">
        <button type="button" className="primary" disabled={status === 'starting' || status === 'ended'} onClick={() => session.togglePlayback()}>
          {playing ? 'Pause' : status === 'quiet' ? 'Resume' : 'Play'} <kbd>Space</kbd>
        </button>
        <button type="button" aria-pressed={status === 'quiet'} disabled={status !== 'playing' && status !== 'quiet'} onClick={() => session.toggleQuiet()}>
          {status === 'quiet' ? 'Resume from quiet' : 'Quiet'} <kbd>Q</kbd>
        </button>
        <span className="volume" role="group" aria-label="Volume">
          <button type="button" aria-label="Volume down" onClick={() => session.changeVolume(-1)}>
            − <kbd>↓</kbd>
          </button>
          <span className="muted" data-testid="volume">
            {Math.round(session.volume() * 100)}%
          </span>
          <button type="button" aria-label="Volume up" onClick={() => session.changeVolume(1)}>
            + <kbd>↑</kbd>
          </button>
        </span>
        <button type="button" disabled={state.undoable === undefined} onClick={() => session.undoLastMark()}>
          {state.undoable === undefined ? 'Undo' : `Undo ${state.undoable.kind?.label ?? state.undoable.markKind}`} <kbd>Ctrl Z</kbd>
        </button>
        <button type="button" className={confirmEnd ? 'danger' : ''} onClick={() => void endSession()}>
          {confirmEnd ? 'Press again to end the session' : 'End session'}
        </button>
      </div>
      {inviteOpen && coFacilitation !== undefined ? (
        <div id="invite-panel">
          <InvitePanel coFacilitation={coFacilitation} onClose={() => setInviteOpen(false)} />
        </div>
      ) : null}
      {endError !== undefined ? <p className="error">{endError}</p> : null}
      {state.notice !== undefined ? <p className="notice">{state.notice}</p> : null}

      <section aria-labelledby="recent-marks-heading">
        <h2 id="recent-marks-heading" className="label">
          Recent marks <span className="muted">· 1–5 sets the intensity of your newest mark · undo within {undoWindowMs / 1000} s</span>
        </h2>
        <ol className="recent-marks">
          {state.recentMarks.map((mark) => (
            <RecentMarkRow key={mark.id} mark={mark} session={session} t0OffsetMs={t0OffsetMs} focusNote={noteFocus === mark.id} />
          ))}
        </ol>
        <LiveCorrections session={session} recentMarks={state.recentMarks} t0OffsetMs={t0OffsetMs} />
      </section>
      <T0Correction session={session} t0OffsetMs={t0OffsetMs} />
    </div>
  );
}
