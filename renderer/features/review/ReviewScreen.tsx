import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { OpenedSession } from '../../../core/contract';
import { buildSessionExport } from '../../../core/exports';
import { SessionFold, liveMarkCount, takenBackMarkCount, type FoldedMark } from '../../../core/fold';
import { restoreMark, signedBy } from '../../../core/mark-corrections';
import { formatClock, formatMarkCount } from '../../../core/format';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import type { ClientStateDefinition } from '../../../core/client-states';
import type { Playlist } from '../../../core/playlist';
import { ok } from '../../../core/result';
import type { AudioOutput } from '../../audio/AudioOutput';
import { ReviewPlayer, type ReviewPlayerState } from '../../audio/ReviewPlayer';
import { call, mediaUrl } from '../../bridge/attune-bridge';
import { hrefFor } from '../../routes';
import { useAfterFirstFrame } from '../../use-after-first-frame';
import { useHostData } from '../../use-host-data';
import { ExportPanel } from './ExportPanel';
import { IntegrationNoteField, type UnsavedNote } from './IntegrationNoteField';
import { localTimeZone } from './export-formats';
import { AddFromMemory, type BuildCorrection } from './MarkCorrections';
import { StateCorrections, type BuildStateCorrection } from './StateCorrections';
import { MarkDetails, type MarkEdit } from './MarkDetails';
import { replayFromMs, replaySourceFor, replaySurroundingsFor } from './replay-source';
import { MarksTable } from './MarksTable';
import { SessionSummary } from './SessionSummary';
import { SessionTimeline, TimelineWidthProbe } from './SessionTimeline';
import { buildTimeline, isReplayable, type TimelineItem } from './timeline-model';
import './review.css';

/** What replay needs from the app: its one output, and whether a session is sounding on it. */
export interface ReviewAudio {
  readonly output: () => AudioOutput;
  /** While a live session runs, review does not play: its sound must not be disturbed. */
  readonly liveRunning: boolean;
  readonly targetLufs: number;
}

interface ReviewScreenProps {
  readonly sessionId: string | undefined;
  readonly kinds: readonly MarkKindDefinition[];
  /** The client states' labels and colours for the state lane. */
  readonly clientStates: readonly ClientStateDefinition[];
  readonly audio: ReviewAudio;
}

export function ReviewScreen({ sessionId, kinds, clientStates, audio }: ReviewScreenProps) {
  return sessionId === undefined ? <SessionList /> : <SessionDetail sessionId={sessionId} kinds={kinds} clientStates={clientStates} audio={audio} />;
}

function SessionList() {
  const [sessions] = useHostData(() => call('sessions:list', {}), []);
  if (sessions.status === 'loading') return <p className="muted">Loading sessions…</p>;
  if (sessions.status === 'error') return <p className="error">Sessions could not be listed: {sessions.message}</p>;
  return (
    <section className="panel" aria-labelledby="sessions-heading">
      <h1 id="sessions-heading">Sessions</h1>
      {sessions.value.length === 0 ? <p className="muted">No sessions yet. Start one from the Start screen.</p> : null}
      <ul className="session-list">
        {sessions.value.map(({ meta, markCount, lastSessionMs }) => (
          <li key={meta.id}>
            <a href={hrefFor({ screen: 'review', sessionId: meta.id })} className="session-link">
              <span>{new Date(meta.createdAt).toLocaleString()}</span>
              <span>{meta.playlistTitle}</span>
              <span>{meta.clientCode || 'no client code'}</span>
              <span>
                <span data-testid="listed-mark-count">{formatMarkCount(markCount)}</span> · {formatClock(lastSessionMs)}
              </span>
              <span className="muted">{meta.status === 'open' ? 'open' : 'ended'}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SessionDetail({
  sessionId,
  kinds,
  clientStates,
  audio,
}: {
  readonly sessionId: string;
  readonly kinds: readonly MarkKindDefinition[];
  readonly clientStates: readonly ClientStateDefinition[];
  readonly audio: ReviewAudio;
}) {
  const [loaded, reload] = useHostData(async () => {
    const opened = await call('sessions:open', { sessionId });
    if (!opened.ok) return opened;
    // The playlist may have been edited or removed since; ids are shown if so.
    const playlistAnswer = call('playlists:get', { playlistId: opened.value.meta.playlistId });
    // Folded while the host looks the playlist up: the screen needs both, and the fold does not need the playlist.
    const fold = SessionFold.of(opened.value.events);
    // Built now too (the fold keeps it): the screen reads this snapshot.
    fold.snapshot();
    const playlist = await playlistAnswer;
    return ok({ session: opened.value, fold, playlist: playlist.ok ? playlist.value : undefined });
  }, [sessionId]);
  const [timelineWidth, setTimelineWidth] = useState<number | undefined>();
  // Until the new session arrives, the previous one's data is still at hand: it is not shown.
  if (loaded.status === 'loading' || (loaded.status === 'ready' && loaded.value.session.meta.id !== sessionId)) {
    return (
      <div>
        <section className="panel">
          <p className="muted">Opening the session…</p>
          <TimelineWidthProbe onWidth={setTimelineWidth} />
        </section>
      </div>
    );
  }
  if (loaded.status === 'error') return <p className="error">The session could not be opened: {loaded.message}</p>;
  // Keyed, so another session starts with its own view, selection and replay.
  return (
    <SessionMarks
      key={loaded.value.session.meta.id}
      session={loaded.value.session}
      fold={loaded.value.fold}
      playlist={loaded.value.playlist}
      kinds={kinds}
      clientStates={clientStates}
      audio={audio}
      onChanged={reload}
      timelineWidth={timelineWidth}
    />
  );
}

const idleReplay: ReviewPlayerState = { status: 'idle' };
/** The key of the session's own integration note among the unsaved ones (mark ids are uuids). */
const sessionNoteKey = 'session';

/** One replay at a time for the screen; it stops when the screen goes. */
function useReviewPlayer(output: () => AudioOutput): [ReviewPlayer | undefined, ReviewPlayerState] {
  const [player, setPlayer] = useState<ReviewPlayer | undefined>();
  useEffect(() => {
    const created = new ReviewPlayer(output);
    setPlayer(created);
    return () => {
      // Leaving mid-replay fades it out as Stop does (dispose() would cut it); the player is freed once the fade is over.
      created.stop();
      window.setTimeout(() => created.dispose(), ReviewPlayer.defaults.fadeOutSeconds * 1000 + 100);
    };
  }, [output]);
  const subscribe = useCallback((notify: () => void) => player?.on('state', notify) ?? (() => undefined), [player]);
  const state = useSyncExternalStore(subscribe, () => player?.getState() ?? idleReplay);
  return [player, state];
}

function SessionMarks({
  session,
  fold,
  playlist,
  kinds,
  clientStates,
  audio,
  onChanged,
  timelineWidth,
}: {
  readonly session: OpenedSession;
  /** The session's events folded (SessionFold keeps its snapshot until another event is applied, and none is here). */
  readonly fold: SessionFold;
  readonly playlist: Playlist | undefined;
  readonly kinds: readonly MarkKindDefinition[];
  readonly clientStates: readonly ClientStateDefinition[];
  readonly audio: ReviewAudio;
  readonly onChanged: () => void;
  /** Measured while the session loaded; the timeline is drawn at it at once. */
  readonly timelineWidth: number | undefined;
}) {
  const folded = useMemo(() => fold.snapshot(), [fold]);
  // Folded once: the screen, its timeline and the exports read the same fold.
  const exportModel = useMemo(() => buildSessionExport(session, playlist, kinds, clientStates, folded), [session, playlist, kinds, clientStates, folded]);
  const timeline = useMemo(() => buildTimeline(exportModel), [exportModel]);
  const timeZone = useMemo(localTimeZone, []);
  const [activeKey, setActiveKey] = useState<string | undefined>();
  const activeItem = activeKey === undefined ? undefined : timeline.itemByKey.get(activeKey);
  const [player, replay] = useReviewPlayer(audio.output);
  const [error, setError] = useState<string | undefined>();
  // What the last correction did: said here, as a deleted mark leaves the details it was corrected in.
  const [correctionNotice, setCorrectionNotice] = useState<string | undefined>();
  // Who signs the corrections made on this screen; Attune has no accounts, so initials as typed.
  const [initials, setInitials] = useState('');
  // What lies below the timeline (the chosen mark's details, corrections, exports, the marks table) is built after the first frame: the timeline comes first.
  const restShown = useAfterFirstFrame();
  const offset = folded.t0OffsetMs;

  useEffect(() => {
    if (audio.liveRunning) player?.stop();
  }, [audio.liveRunning, player]);

  const { liveRunning, targetLufs } = audio;
  const { planActions } = folded;
  const replayUnavailable = useCallback(
    (item: TimelineItem): string | undefined => {
      if (liveRunning) return 'Replay is off while a session is running.';
      if (!isReplayable(item)) return 'Nothing known was playing at this moment.';
      if (replaySourceFor(playlist, item.row.segment?.id ?? '', targetLufs, mediaUrl) === undefined) return 'The playlist no longer has this segment.';
      return undefined;
    },
    [liveRunning, playlist, targetLufs],
  );

  const startReplay = useCallback(
    (item: TimelineItem) => {
      const segment = item.row.segment;
      if (player === undefined || segment === null || item.row.positionMs === null || replayUnavailable(item) !== undefined) return;
      const source = replaySourceFor(playlist, segment.id, targetLufs, mediaUrl);
      if (source === undefined) return;
      setActiveKey(item.key);
      const surroundings = replaySurroundingsFor(playlist, planActions, segment.id, targetLufs, mediaUrl);
      void player.play({ id: item.key, label: segment.name, source, fromMs: replayFromMs(item.row), ...(surroundings === undefined ? {} : { surroundings }) });
    },
    [player, playlist, planActions, targetLufs, replayUnavailable],
  );
  const stopReplay = useCallback(() => player?.stop(), [player]);

  const sessionId = session.meta.id;
  const lastSessionMs = folded.lastSessionMs;
  // Stable between reloads, so the table's rows are not redrawn when only the selection or the replay changes.
  const saveEdit = useCallback(
    async (markId: FoldedMark['id'], changes: MarkEdit) => {
      const result = await call('journal:append', {
        sessionId,
        events: [{ id: crypto.randomUUID(), kind: 'mark-edited', sessionMs: lastSessionMs, payload: { markId, ...changes } }],
      });
      if (result.ok) {
        setError(undefined);
        onChanged();
      } else setError(result.error.message);
    },
    [sessionId, lastSessionMs, onChanged],
  );

  const saveCorrection = useCallback(
    async (build: BuildCorrection, done: string): Promise<string | undefined> => {
      const built = build(fold, lastSessionMs);
      if (!built.ok) return built.error;
      const result = await call('journal:append', { sessionId, events: [{ id: crypto.randomUUID(), sessionMs: lastSessionMs, ...signedBy(built.draft, initials) }] });
      if (!result.ok) return `Not saved: ${result.error.message}`;
      setCorrectionNotice(done);
      onChanged();
      return undefined;
    },
    [fold, sessionId, lastSessionMs, onChanged, initials],
  );
  const saveStateCorrection = useCallback(
    async (build: BuildStateCorrection, done: string): Promise<string | undefined> => {
      const by = initials.trim().slice(0, 40);
      const built = build(fold, lastSessionMs, by === '' ? undefined : by);
      if (!built.ok) return built.error;
      const result = await call('journal:append', { sessionId, events: built.drafts.map((draft) => ({ id: crypto.randomUUID(), sessionMs: lastSessionMs, ...draft })) });
      if (!result.ok) return `Not saved: ${result.error.message}`;
      setCorrectionNotice(done);
      onChanged();
      return undefined;
    },
    [fold, sessionId, lastSessionMs, onChanged, initials],
  );
  const kindLabelOf = useCallback((id: string) => kinds.find((kind) => kind.id === id)?.label ?? id, [kinds]);
  const restore = async (mark: FoldedMark) => {
    const label = `${kindLabelOf(mark.markKind)} at ${formatClock(mark.sessionMs + offset)}`;
    const failed = await saveCorrection((current) => restoreMark(current, mark.id, 'review'), `${label} restored.`);
    if (failed !== undefined) setError(failed);
  };

  // Integration notes whose save failed, by mark id (or sessionNoteKey): the text outlives the field.
  const [unsavedNotes, setUnsavedNotes] = useState<ReadonlyMap<string, UnsavedNote>>(new Map());
  const saveIntegrationNote = async (markId: string | undefined, note: string | null): Promise<string | undefined> => {
    const result = await call('journal:append', {
      sessionId: session.meta.id,
      events: [
        {
          id: crypto.randomUUID(),
          kind: 'integration-note',
          sessionMs: folded.lastSessionMs,
          payload: markId === undefined ? { note } : { markId, note },
        },
      ],
    });
    const key = markId ?? sessionNoteKey;
    setUnsavedNotes((previous) => {
      const next = new Map(previous);
      if (result.ok) next.delete(key);
      else next.set(key, { text: note ?? '', message: result.error.message });
      return next;
    });
    if (!result.ok) return result.error.message;
    onChanged();
    return undefined;
  };
  const unsavedElsewhere = [...unsavedNotes.keys()].filter((key) => key !== sessionNoteKey && key !== activeKey);

  const endSession = async () => {
    const result = await call('sessions:end', {
      sessionId: session.meta.id,
      eventId: crypto.randomUUID(),
      sessionMs: folded.lastSessionMs,
      reason: 'facilitator',
    });
    if (result.ok) onChanged();
    else setError(result.error.message);
  };

  return (
    <div>
      <p>
        <a href={hrefFor({ screen: 'review' })}>← All sessions</a>
      </p>
      <SessionSummary meta={session.meta} folded={folded} plan={playlist} kinds={kinds} />
      <section className="panel" aria-labelledby="session-heading">
        <h1 id="session-heading">
          {session.meta.playlistTitle} · {session.meta.clientCode || 'no client code'}
        </h1>
        <p className="muted">
          Started {new Date(session.meta.createdAt).toLocaleString()} ·{' '}
          <span data-testid="session-mark-count">{formatMarkCount(liveMarkCount(folded), takenBackMarkCount(folded))}</span> ·{' '}
          {folded.ended === undefined ? 'still open' : 'ended'}
        </p>
        {session.meta.intention !== '' ? <p className="intention">Intention: {session.meta.intention}</p> : null}
        <IntegrationNoteField
          label="Integration note on the session"
          accessibleLabel="Integration note on the session"
          saved={folded.integrationNote}
          unsaved={unsavedNotes.get(sessionNoteKey)}
          onSave={(note) => saveIntegrationNote(undefined, note)}
          testId="session-integration-note"
        />
        {session.repairs.length > 0 ? (
          <div className="notice" role="status">
            The journal was repaired when it was opened:
            <ul>
              {session.repairs.map((repair) => (
                <li key={repair}>{repair}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {folded.ended === undefined ? (
          <p>
            <button type="button" onClick={() => void endSession()}>
              End this session
            </button>
          </p>
        ) : null}
        {error !== undefined ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        {unsavedElsewhere.length > 0 ? (
          <div className="error" role="alert">
            Integration notes not saved yet (choose the mark to try again):
            <ul>
              {unsavedElsewhere.map((markId) => {
                const item = timeline.itemByKey.get(markId);
                return (
                  <li key={markId}>
                    <button type="button" className="link-button" onClick={() => setActiveKey(markId)}>
                      {item === undefined ? 'a mark' : `${item.label} at ${formatClock(item.startMs)}`}
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <SessionTimeline
          model={timeline}
          activeKey={activeKey}
          onActivate={setActiveKey}
          onReplay={startReplay}
          onStopReplay={stopReplay}
          timeZone={timeZone}
          widthHint={timelineWidth}
        />
        {restShown ? (
          <>
            <MarkDetails
              item={activeItem}
              timeZone={timeZone}
              replay={replay}
              replayUnavailable={activeItem === undefined ? undefined : replayUnavailable(activeItem)}
              onReplay={startReplay}
              onStop={stopReplay}
              onEdit={(markId, changes) => void saveEdit(markId, changes)}
              onSaveIntegrationNote={saveIntegrationNote}
              unsavedIntegrationNotes={unsavedNotes}
              mark={activeItem?.row.source === 'mark' ? fold.mark(activeItem.key) : undefined}
              corrections={{ kinds, kindLabel: kindLabelOf, t0OffsetMs: offset, onSave: saveCorrection }}
            />
            <div className="correction-bar">
              <label>
                <span className="label">Corrections signed by</span>
                <input aria-label="Initials to sign corrections with" placeholder="initials (optional)" value={initials} maxLength={40} size={14} onChange={(event) => setInitials(event.target.value)} />
              </label>
              <p className="muted correction-notice" role="status" data-testid="correction-notice">
                {correctionNotice}
              </p>
            </div>
            <AddFromMemory kinds={kinds} origin="review" suggestedSinceDoseMs={activeItem?.startMs} onSave={saveCorrection} />
          </>
        ) : null}
      </section>
      {restShown && (folded.stateSpans.length > 0 || fold.clientStates.deletedChanges().length > 0) ? (
        <StateCorrections fold={fold} spans={folded.stateSpans} clientStates={clientStates} t0OffsetMs={offset} timeZone={timeZone} onSave={saveStateCorrection} />
      ) : null}
      {restShown ? <ExportPanel model={exportModel} sessionId={session.meta.id} timeZone={timeZone} /> : null}
      {restShown ? (
        <MarksTable
          folded={folded}
          itemByKey={timeline.itemByKey}
          kinds={kinds}
          playlist={playlist}
          offsetMs={offset}
          timeZone={timeZone}
          replay={replay}
          replayUnavailable={replayUnavailable}
          kindLabelOf={kindLabelOf}
          onShow={setActiveKey}
          onEdit={saveEdit}
          onReplay={startReplay}
          onStop={stopReplay}
          onRestore={(mark) => void restore(mark)}
        />
      ) : null}
    </div>
  );
}
