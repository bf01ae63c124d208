import type { ResponseOf } from '../../../core/contract';
import type { Result } from '../../../core/result';
import { call } from '../../bridge/attune-bridge';

type PlaylistsAnswer = Promise<Result<ResponseOf<'playlists:list'>>>;
type SessionsAnswer = Promise<Result<ResponseOf<'sessions:list'>>>;

interface StartScreenLists {
  playlists?: PlaylistsAnswer;
  sessions?: SessionsAnswer;
}

let early: StartScreenLists = {};

/**
 * Asks for the Start screen's lists as soon as the code runs, beside the settings, rather
 * than after the screen's first render.
 */
export function requestStartScreenLists(): void {
  early = { playlists: call('playlists:list', {}), sessions: call('sessions:list', {}) };
}

/** The answer asked for early, taken once; every later showing of the screen asks again. */
export function playlistsAnswer(): PlaylistsAnswer {
  const answer = early.playlists ?? call('playlists:list', {});
  early.playlists = undefined;
  return answer;
}

export function sessionsAnswer(): SessionsAnswer {
  const answer = early.sessions ?? call('sessions:list', {});
  early.sessions = undefined;
  return answer;
}
