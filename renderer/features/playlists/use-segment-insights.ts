import { useEffect, useMemo, useState } from 'react';
import type { InsightsReportResponse } from '../../../core/contract';
import type { MarkKindDefinition } from '../../../core/mark-kinds';
import { phaseSegments } from '../../../core/playlist';
import type { PlaylistDraft } from '../../../core/playlist-edit';
import { call } from '../../bridge/attune-bridge';
import { rowsBySegment, segmentInsight, type SegmentInsight } from './segment-insights';

export type SegmentInsights = { readonly status: 'loading' } | { readonly status: 'error'; readonly message: string } | { readonly status: 'ready'; readonly bySegment: ReadonlyMap<string, SegmentInsight> };

/**
 * What the sessions say about each segment's recording, from the insights the host computes
 * over every session (all playlists: a recording's history follows it into this one). Read
 * once when the editor opens; matched to the draft again as it changes.
 */
export function useSegmentInsights(draft: PlaylistDraft): SegmentInsights {
  const [loaded, setLoaded] = useState<{ rows: InsightsReportResponse['rows']; kinds: readonly MarkKindDefinition[] } | { error: string } | undefined>();
  useEffect(() => {
    let cancelled = false;
    void Promise.all([call('insights:query', {}), call('settings:get', {})]).then(([report, settings]) => {
      if (cancelled) return;
      if (!report.ok) setLoaded({ error: report.error.message });
      else setLoaded({ rows: report.value.rows, kinds: settings.ok ? settings.value.settings.markKinds : [] });
    });
    return () => {
      cancelled = true;
    };
  }, []);
  return useMemo((): SegmentInsights => {
    if (loaded === undefined) return { status: 'loading' };
    if ('error' in loaded) return { status: 'error', message: loaded.error };
    const rows = rowsBySegment(draft, loaded.rows);
    const bySegment = new Map<string, SegmentInsight>();
    for (const phase of draft.phases) {
      for (const segment of phaseSegments(phase)) bySegment.set(segment.id, segmentInsight(rows.get(segment.id), loaded.kinds));
    }
    return { status: 'ready', bySegment };
  }, [draft, loaded]);
}
