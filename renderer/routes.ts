import { useEffect, useState } from 'react';

export type Route =
  | { readonly screen: 'home' }
  | { readonly screen: 'live'; readonly sessionId: string }
  | { readonly screen: 'review'; readonly sessionId?: string }
  | { readonly screen: 'settings' }
  | { readonly screen: 'insights' }
  | { readonly screen: 'library' }
  | { readonly screen: 'playlists' }
  | { readonly screen: 'playlist'; readonly playlistId: string }
  | { readonly screen: 'clients' }
  | { readonly screen: 'client'; readonly clientId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'live' && parts[1] !== undefined) return { screen: 'live', sessionId: parts[1] };
  if (parts[0] === 'settings') return { screen: 'settings' };
  if (parts[0] === 'insights') return { screen: 'insights' };
  if (parts[0] === 'library') return { screen: 'library' };
  if (parts[0] === 'playlists') return parts[1] === undefined ? { screen: 'playlists' } : { screen: 'playlist', playlistId: parts[1] };
  if (parts[0] === 'clients') return parts[1] === undefined ? { screen: 'clients' } : { screen: 'client', clientId: parts[1] };
  if (parts[0] === 'review') return parts[1] === undefined ? { screen: 'review' } : { screen: 'review', sessionId: parts[1] };
  return { screen: 'home' };
}

export function hrefFor(route: Route): string {
  switch (route.screen) {
    case 'home':
      return '#/';
    case 'live':
      return `#/live/${route.sessionId}`;
    case 'review':
      return route.sessionId === undefined ? '#/review' : `#/review/${route.sessionId}`;
    case 'settings':
      return '#/settings';
    case 'insights':
      return '#/insights';
    case 'library':
      return '#/library';
    case 'playlists':
      return '#/playlists';
    case 'playlist':
      return `#/playlists/${route.playlistId}`;
    case 'clients':
      return '#/clients';
    case 'client':
      return `#/clients/${route.clientId}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
