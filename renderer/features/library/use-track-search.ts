import { useDeferredValue, useMemo, useState } from 'react';
import type { LibraryTrack } from '../../../core/library';
import { filterTracks, pageOf, searchText, type Page } from './track-format';

export interface TrackSearch {
  readonly query: string;
  /** A new query starts again at the first page. */
  readonly setQuery: (query: string) => void;
  readonly shown: Page<{ readonly track: LibraryTrack; readonly text: string }>;
  readonly setPage: (page: number) => void;
}

/**
 * Library tracks filtered by a typed query and shown a page at a time: the search text is
 * built once per track list, and the filter follows the query deferred, so typing stays quick
 * with thousands of tracks.
 */
export function useTrackSearch(tracks: readonly LibraryTrack[], pageSize: number): TrackSearch {
  const [query, setQueryText] = useState('');
  const [page, setPage] = useState(0);
  const deferredQuery = useDeferredValue(query);
  const indexed = useMemo(() => tracks.map((track) => ({ track, text: searchText(track) })), [tracks]);
  const matching = useMemo(() => filterTracks(indexed, deferredQuery, (entry) => entry.text), [indexed, deferredQuery]);
  const setQuery = (next: string) => {
    setQueryText(next);
    setPage(0);
  };
  return { query, setQuery, shown: pageOf(matching, page, pageSize), setPage };
}
