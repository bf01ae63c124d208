import { useCallback, useState } from 'react';
import { buildPlan } from '../core/plan';
import { AudioOutput } from './audio/AudioOutput';
import { callOrThrow } from './bridge/attune-bridge';
import { HomeScreen } from './features/home/HomeScreen';
import { LiveScreen } from './features/live/LiveScreen';
import { LiveSession } from './features/live/LiveSession';
import { ReviewScreen } from './features/review/ReviewScreen';
import { hrefFor, navigate, useRoute } from './routes';

let sharedOutput: AudioOutput | undefined;
/** One AudioContext for the life of the page, created on the first user gesture. */
function audioOutput(): AudioOutput {
  sharedOutput ??= new AudioOutput();
  return sharedOutput;
}

export function App() {
  const route = useRoute();
  const [live, setLive] = useState<LiveSession | undefined>();

  const startSession = useCallback(async (playlistId: string, clientCode: string) => {
    const output = audioOutput();
    const playlist = await callOrThrow('playlists:get', { playlistId });
    const meta = await callOrThrow('sessions:start', { playlistId, clientCode });
    const session = new LiveSession(meta, playlist, buildPlan(playlist), output);
    setLive((previous) => {
      previous?.dispose();
      return session;
    });
    navigate({ screen: 'live', sessionId: meta.id });
    await session.play();
  }, []);

  const leaveLive = useCallback(() => {
    setLive((previous) => {
      previous?.dispose();
      return undefined;
    });
  }, []);

  return (
    <div className="app">
      <nav className="top-nav" aria-label="Screens">
        <span className="brand">Attune</span>
        {live !== undefined && !live.getState().ended ? (
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
      </nav>
      <main className="screen">
        {route.screen === 'home' ? <HomeScreen onStart={startSession} /> : null}
        {route.screen === 'live' ? (
          <LiveScreen session={live?.meta.id === route.sessionId ? live : undefined} sessionId={route.sessionId} onLeave={leaveLive} />
        ) : null}
        {route.screen === 'review' ? <ReviewScreen sessionId={route.sessionId} /> : null}
      </main>
    </div>
  );
}
