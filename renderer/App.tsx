import { useCallback, useEffect, useMemo, useState } from 'react';
import { foldSession, programMsAt, sessionMsFromJournal } from '../core/fold';
import type { PreflightLine } from '../core/preflight';
import type { SessionSetup } from '../core/session';
import { AudioOutput } from './audio/AudioOutput';
import { CuratorPreview } from './audio/CuratorPreview';
import { call, callOrThrow } from './bridge/attune-bridge';
import { EncryptionClient } from './features/encryption/EncryptionClient';
import { UnlockPanel } from './features/encryption/UnlockPanel';
import { HomeScreen } from './features/home/HomeScreen';
import { LiveScreen } from './features/live/LiveScreen';
import type { LiveSession } from './features/live/LiveSession';
import { createLiveSession } from './features/live/create-live-session';
import { InsightsScreen } from './features/insights/InsightsScreen';
import { LibraryScreen } from './features/library/LibraryScreen';
import { PlaylistEditor } from './features/playlists/PlaylistEditor';
import { PlaylistsScreen } from './features/playlists/PlaylistsScreen';
import { ReviewScreen } from './features/review/ReviewScreen';
import { SettingsClient } from './features/settings/SettingsClient';
import { SettingsScreen } from './features/settings/SettingsScreen';
import { diagnosticSpeed, exposeDiagnostics } from './diagnostics';
import { hrefFor, navigate, useRoute } from './routes';
import { useExternalState } from './use-external-state';

let sharedOutput: AudioOutput | undefined;
/** One AudioContext for the life of the page, created on the first user gesture. */
function audioOutput(): AudioOutput {
  sharedOutput ??= new AudioOutput();
  return sharedOutput;
}

/** The curator's one preview, shared by the library and the playlist editor. */
const curatorPreview = new CuratorPreview(audioOutput);

const settingsClient = new SettingsClient();
void settingsClient.load();

/** Encryption at rest: the Start screen asks for the passphrase while the sessions are locked. */
const encryptionClient = new EncryptionClient();
void encryptionClient.load();

let currentLive: LiveSession | undefined;
exposeDiagnostics(
  () => sharedOutput,
  () => currentLive,
);

export function App() {
  const route = useRoute();
  const [live, setLive] = useState<LiveSession | undefined>();
  const settingsState = useExternalState(settingsClient);
  const sessionsLocked = useExternalState(encryptionClient).status?.locked === true;
  // The host may have restarted (and locked) since: the Start screen asks again each time it shows.
  useEffect(() => {
    if (route.screen === 'home') void encryptionClient.load();
  }, [route.screen]);

  useEffect(() => live?.updateSettings(settingsState.settings), [live, settingsState.settings]);
  const outputDeviceId = settingsState.settings.outputDeviceId;
  useEffect(() => {
    if (live === undefined) return;
    void audioOutput()
      .setOutputDevice(outputDeviceId)
      .then((ok) => {
        if (!ok) live.showNotice('The chosen audio output is not available; sound goes to the system default output.');
      });
  }, [live, outputDeviceId]);
  useEffect(() => live?.on('volume', (volume) => void settingsClient.update({ volume })), [live]);

  const replaceLive = useCallback((next: LiveSession | undefined) => {
    currentLive = next;
    setLive((previous) => {
      previous?.dispose();
      return next;
    });
  }, []);

  const startSession = useCallback(
    async (playlistId: string, setup: SessionSetup, confirmed: readonly PreflightLine[]) => {
      const output = audioOutput();
      const playlist = await callOrThrow('playlists:get', { playlistId });
      const meta = await callOrThrow('sessions:start', { playlistId, ...setup });
      // Library work (a scan, loudness analysis) uses every core: it stops for the session.
      void call('library:cancel', {});
      if (confirmed.length > 0) {
        // What the facilitator knowingly started past, kept with the session for review.
        const lines = confirmed.map((line) => ({ check: line.id, label: line.label, detail: line.detail.slice(0, 2000) }));
        await callOrThrow('journal:append', { sessionId: meta.id, events: [{ id: crypto.randomUUID(), kind: 'preflight-confirmed', sessionMs: 0, payload: { lines } }] });
      }
      const session = createLiveSession(meta, playlist, output, settingsClient.getState().settings, undefined, diagnosticSpeed());
      replaceLive(session);
      navigate({ screen: 'live', sessionId: meta.id });
      await session.play();
    },
    [replaceLive],
  );

  /** Re-anchors the clock from the journal and puts the music where it would be now. */
  const resumeSession = useCallback(
    async (sessionId: string) => {
      const output = audioOutput();
      const opened = await callOrThrow('sessions:open', { sessionId });
      void call('library:cancel', {});
      const playlist = await callOrThrow('playlists:get', { playlistId: opened.meta.playlistId });
      const folded = foldSession(opened.events);
      const sessionMs = sessionMsFromJournal(opened.events, Date.now());
      const playing = folded.playback?.playing ?? true;
      const programMs = programMsAt(folded.playback, sessionMs);
      const resume = { events: opened.events, sessionMs, programMs, playing };
      const session = createLiveSession(opened.meta, playlist, output, settingsClient.getState().settings, resume, diagnosticSpeed());
      replaceLive(session);
      navigate({ screen: 'live', sessionId });
      if (playing) await session.play();
    },
    [replaceLive],
  );

  const leaveLive = useCallback(() => replaceLive(undefined), [replaceLive]);
  const liveRunning = live !== undefined && !live.getState().ended;
  const targetLufs = settingsState.settings.targetLoudnessLufs;
  const reviewAudio = useMemo(() => ({ output: audioOutput, liveRunning, targetLufs }), [liveRunning, targetLufs]);
  useEffect(() => curatorPreview.setSessionRunning(liveRunning), [liveRunning]);
  const curatorAudio = useMemo(() => ({ preview: curatorPreview, liveRunning, targetLufs }), [liveRunning, targetLufs]);

  return (
    <div className="app">
      <nav className="top-nav" aria-label="Screens">
        <span className="brand">Attune</span>
        {liveRunning ? (
          <a href={hrefFor({ screen: 'live', sessionId: live.meta.id })} aria-current={route.screen === 'live'}>
            Live session
          </a>
        ) : null}
        <a href={hrefFor({ screen: 'home' })} aria-current={route.screen === 'home'}>
          Start
        </a>
        <a href={hrefFor({ screen: 'review' })} aria-current={route.screen === 'review'}>
          Review
        </a>
        <a href={hrefFor({ screen: 'insights' })} aria-current={route.screen === 'insights'}>
          Insights
        </a>
        <a href={hrefFor({ screen: 'playlists' })} aria-current={route.screen === 'playlists' || route.screen === 'playlist'}>
          Playlists
        </a>
        <a href={hrefFor({ screen: 'library' })} aria-current={route.screen === 'library'}>
          Library
        </a>
        <a href={hrefFor({ screen: 'settings' })} aria-current={route.screen === 'settings'}>
          Settings
        </a>
      </nav>
      {settingsState.notice !== undefined && route.screen !== 'settings' ? (
        <p className="notice banner" role="status">
          {settingsState.notice}
        </p>
      ) : null}
      <main className="screen">
        {route.screen === 'home' ? <UnlockPanel client={encryptionClient} /> : null}
        {/* Mounted afresh once unlocked, so it lists the sessions it could not read before. */}
        {route.screen === 'home' ? <HomeScreen key={sessionsLocked ? 'locked' : 'open'} onStart={startSession} onResume={resumeSession} outputDeviceId={outputDeviceId} /> : null}
        {route.screen === 'live' ? (
          <LiveScreen session={live?.meta.id === route.sessionId ? live : undefined} sessionId={route.sessionId} onLeave={leaveLive} />
        ) : null}
        {route.screen === 'review' ? <ReviewScreen sessionId={route.sessionId} kinds={settingsState.settings.markKinds} audio={reviewAudio} /> : null}
        {route.screen === 'insights' ? <InsightsScreen kinds={settingsState.settings.markKinds} /> : null}
        {route.screen === 'settings' ? <SettingsScreen client={settingsClient} encryption={encryptionClient} /> : null}
        {route.screen === 'library' ? <LibraryScreen audio={curatorAudio} /> : null}
        {route.screen === 'playlists' ? <PlaylistsScreen /> : null}
        {route.screen === 'playlist' ? <PlaylistEditor key={route.playlistId} playlistId={route.playlistId} audio={curatorAudio} /> : null}
      </main>
    </div>
  );
}
