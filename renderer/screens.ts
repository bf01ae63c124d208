import { lazy, type ComponentType } from 'react';
import type * as AudioEngineModule from './audio-engine';
import type * as LiveSessionFactory from './features/live/create-live-session';

export type AudioEngine = typeof AudioEngineModule;

let engine: AudioEngine | undefined;
let engineLoading: Promise<AudioEngine> | undefined;

/**
 * The Start screen plays nothing, yet the audio engine (Tone.js, howler) and the other
 * screens are most of the renderer's code: they load when first needed, so the Start
 * screen parses and shows sooner.
 */
export function loadAudioEngine(): Promise<AudioEngine> {
  engineLoading ??= import('./audio-engine').then((loaded) => (engine = loaded));
  return engineLoading;
}

/** The engine if it has loaded; nothing that plays runs before it has. */
export function loadedAudioEngine(): AudioEngine | undefined {
  return engine;
}

/** For code reached only through a screen whose loader waited for the engine. */
export function requireAudioEngine(): AudioEngine {
  if (engine === undefined) throw new Error('the audio engine has not loaded yet');
  return engine;
}

export type CreateLiveSession = (typeof LiveSessionFactory)['createLiveSession'];

const loadLiveScreen = () => import('./features/live/LiveScreen');

/** What starting or resuming a session needs: the engine, the live session, and its screen (so it shows at once). */
export async function loadSessionCode(): Promise<{ engine: AudioEngine; createLiveSession: CreateLiveSession }> {
  const [loadedEngine, { createLiveSession }] = await Promise.all([loadAudioEngine(), import('./features/live/create-live-session'), loadLiveScreen()]);
  return { engine: loadedEngine, createLiveSession };
}

function lazyScreen<Props extends object>(load: () => Promise<ComponentType<Props>>) {
  return lazy(async () => ({ default: await load() }));
}

export const LiveScreen = lazyScreen(async () => (await loadLiveScreen()).LiveScreen);
export const ReviewScreen = lazyScreen(async () => (await import('./features/review/ReviewScreen')).ReviewScreen);
export const InsightsScreen = lazyScreen(async () => (await import('./features/insights/InsightsScreen')).InsightsScreen);
export const SettingsScreen = lazyScreen(async () => (await import('./features/settings/SettingsScreen')).SettingsScreen);
export const LibraryScreen = lazyScreen(async () => (await import('./features/library/LibraryScreen')).LibraryScreen);
export const PlaylistsScreen = lazyScreen(async () => (await import('./features/playlists/PlaylistsScreen')).PlaylistsScreen);
export const PlaylistEditor = lazyScreen(async () => (await import('./features/playlists/PlaylistEditor')).PlaylistEditor);
export const ClientsRoute = lazyScreen(async () => (await import('./features/clients')).ClientsRoute);
