import { Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { foldSession, programMsAt, sessionMsFromJournal } from '../core/fold';
import type { PreflightLine } from '../core/preflight';
import type { SessionSetup } from '../core/session';
import { call, callOrThrow } from './bridge/attune-bridge';
import { EncryptionClient } from './features/encryption/EncryptionClient';
import { UnlockPanel } from './features/encryption/UnlockPanel';
import { HomeScreen } from './features/home/HomeScreen';
import { requestStartScreenLists } from './features/home/start-screen-lists';
import type { LiveSession } from './features/live/LiveSession';
import { browserJournalOutbox } from './features/live/journal-outbox';
import { sendWaitingEvents } from './features/live/JournalSender';
import { startPlatformLoudness } from './features/library/platform-loudness/platform-loudness';
import { SettingsClient } from './features/settings/SettingsClient';
import { diagnosticSpeed, exposeDiagnostics } from './diagnostics';
import { hrefFor, navigate, parseRoute, useRoute, type Route } from './routes';
import {
  ClientsRoute,
  InsightsScreen,
  LibraryScreen,
  LiveScreen,
  loadAudioEngine,
  loadedAudioEngine,
  loadSessionCode,
  PlaylistEditor,
  PlaylistsScreen,
  requireAudioEngine,
  ReviewScreen,
  SettingsScreen,
  type AudioEngine,
} from './screens';
import { useExternalState } from './use-external-state';

const settingsClient = new SettingsClient();
void settingsClient.load();
if (parseRoute(window.location.hash).screen === 'home') requestStartScreenLists();

/** Encryption at rest: the Start screen asks for the passphrase while the sessions are locked. */
const encryptionClient = new EncryptionClient();
void encryptionClient.load();
/** The Start screen's first showing uses the answer asked for above instead of asking twice. */
let encryptionAskedAtLoad = true;

/** Events an earlier page could not get saved (the host was down) go now, with their own ids and times. */
void sendWaitingEvents(call, browserJournalOutbox(), { timeoutMs: 0 });
/** Files the host cannot decode (AAC/M4A without ffmpeg) are measured here, by the platform's decoder, while the app is open. */
const platformLoudness = startPlatformLoudness();

/** How long a resume waits for them, so the journal it opens holds them. */
const resumeWaitsForWaitingEventsMs = 5000;

async function linkToExistingClient(clientCode: string, sessionId: string): Promise<void> {
  const listed = await call('clients:list', {});
  const client = listed.ok ? listed.value.clients.find((candidate) => candidate.code.trim().toLowerCase() === clientCode.trim().toLowerCase()) : undefined;
  if (client !== undefined) await call('clients:link-offered', { clientCode: client.code, sessionIds: [sessionId], via: 'start' });
}

let currentLive: LiveSession | undefined;
exposeDiagnostics({
  output: () => loadedAudioEngine()?.existingOutput(),
  audioElementCount: () => loadedAudioEngine()?.liveAudioElementCount() ?? 0,
  live: () => currentLive,
});

/** The screens that play (or preview) sound, and so need the audio engine before they show. */
function playsSound(route: Route): boolean {
  return route.screen === 'live' || route.screen === 'review' || route.screen === 'library' || route.screen === 'playlist';
}

/** The audio engine, loaded when a screen that plays is shown. */
function useAudioEngine(wanted: boolean): AudioEngine | undefined {
  const [engine, setEngine] = useState(loadedAudioEngine);
  useEffect(() => {
    if (!wanted || engine !== undefined) return;
    let cancelled = false;
    void loadAudioEngine().then((loaded) => {
      if (!cancelled) setEngine(loaded);
    });
    return () => {
      cancelled = true;
    };
  }, [wanted, engine]);
  return engine;
}

/** Long enough for the Start screen's first paint and first keystrokes to go first. */
const warmUpDelayMs = 1000;

/** Once the Start screen shows its playlists, what starting a session needs loads while the facilitator fills in the form. */
function warmSessionCode(): void {
  window.setTimeout(() => requestIdleCallback(() => void loadSessionCode(), { timeout: 2000 }), warmUpDelayMs);
}

export function App() {
  const route = useRoute();
  const [live, setLive] = useState<LiveSession | undefined>();
  const settingsState = useExternalState(settingsClient);
  const sessionsLocked = useExternalState(encryptionClient).status?.locked === true;
  // The host may have restarted (and locked) since: the Start screen asks again each time it shows.
  useEffect(() => {
    const askedAtLoad = encryptionAskedAtLoad;
    encryptionAskedAtLoad = false;
    if (route.screen === 'home' && !askedAtLoad) void encryptionClient.load();
  }, [route.screen]);

  useEffect(() => live?.updateSettings(settingsState.settings), [live, settingsState.settings]);
  const outputDeviceId = settingsState.settings.outputDeviceId;
  useEffect(() => {
    if (live === undefined) return;
    void requireAudioEngine()
      .audioOutput()
      .setOutputDevice(outputDeviceId)
      .then((ok) => {
        if (!ok) live.showNotice('The chosen audio output is not available; sound goes to the system default output.');
      });
  }, [live, outputDeviceId]);
  useEffect(() => live?.on('volume', (volume) => void settingsClient.update({ volume })), [live]);

  const replaceLive = useCallback((next: LiveSession | undefined) => {
    currentLive = next;
    setLive((previous) => {
      previous?.retire();
      return next;
    });
  }, []);

  const startSession = useCallback(
    async (playlistId: string, setup: SessionSetup, confirmed: readonly PreflightLine[]) => {
      const { engine, createLiveSession } = await loadSessionCode();
      const output = engine.audioOutput();
      const playlist = await callOrThrow('playlists:get', { playlistId });
      const meta = await callOrThrow('sessions:start', { playlistId, ...setup });
      // A session started under a client's code joins that client's course (journaled in the client's record; creates none).
      if (meta.clientCode !== '') void linkToExistingClient(meta.clientCode, meta.id);
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
      const { engine, createLiveSession } = await loadSessionCode();
      const output = engine.audioOutput();
      await sendWaitingEvents(call, browserJournalOutbox(), { sessionId, timeoutMs: resumeWaitsForWaitingEventsMs });
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

  const leaveLive = useCallback(() => {
    replaceLive(undefined);
    // Nothing sounds once the session is closed; whatever plays next starts the output again.
    void loadedAudioEngine()?.existingOutput()?.rest();
  }, [replaceLive]);
  const liveRunning = live !== undefined && !live.getState().ended;
  useEffect(() => platformLoudness.setPaused(liveRunning), [liveRunning]);
  const targetLufs = settingsState.settings.targetLoudnessLufs;
  const engine = useAudioEngine(playsSound(route));
  const reviewAudio = useMemo(() => engine && { output: engine.audioOutput, liveRunning, targetLufs }, [engine, liveRunning, targetLufs]);
  useEffect(() => engine?.curatorPreview.setSessionRunning(liveRunning), [engine, liveRunning]);
  const curatorAudio = useMemo(() => engine && { preview: engine.curatorPreview, liveRunning, targetLufs }, [engine, liveRunning, targetLufs]);

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
        <a href={hrefFor({ screen: 'clients' })} aria-current={route.screen === 'clients' || route.screen === 'client'}>
          Clients
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
        <Suspense fallback={null}>
          {route.screen === 'home' ? <UnlockPanel client={encryptionClient} /> : null}
          {/* Mounted afresh once unlocked, so it lists the sessions it could not read before. */}
          {route.screen === 'home' ? (
            <HomeScreen key={sessionsLocked ? 'locked' : 'open'} onStart={startSession} onResume={resumeSession} outputDeviceId={outputDeviceId} onShown={warmSessionCode} />
          ) : null}
          {route.screen === 'live' ? (
            <LiveScreen session={live?.meta.id === route.sessionId ? live : undefined} sessionId={route.sessionId} onLeave={leaveLive} />
          ) : null}
          {route.screen === 'review' && reviewAudio !== undefined ? <ReviewScreen sessionId={route.sessionId} kinds={settingsState.settings.markKinds} clientStates={settingsState.settings.clientStates} audio={reviewAudio} /> : null}
          {route.screen === 'insights' ? <InsightsScreen kinds={settingsState.settings.markKinds} clientStates={settingsState.settings.clientStates} /> : null}
          {route.screen === 'settings' ? <SettingsScreen client={settingsClient} encryption={encryptionClient} /> : null}
          {route.screen === 'library' && curatorAudio !== undefined ? <LibraryScreen audio={curatorAudio} kinds={settingsState.settings.markKinds} /> : null}
          {route.screen === 'playlists' ? <PlaylistsScreen /> : null}
          {route.screen === 'clients' || route.screen === 'client' ? (
            <ClientsRoute clientId={route.screen === 'client' ? route.clientId : undefined} kinds={settingsState.settings.markKinds} />
          ) : null}
          {route.screen === 'playlist' && curatorAudio !== undefined ? <PlaylistEditor key={route.playlistId} playlistId={route.playlistId} audio={curatorAudio} /> : null}
        </Suspense>
      </main>
    </div>
  );
}
