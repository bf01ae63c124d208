import { useState } from 'react';
import { sessionLengthBoundsSeconds, type PlaylistTotals } from '../../../core/curation-warnings';
import { formatMinutes } from '../../../core/format';
import { call } from '../../bridge/attune-bridge';
import { navigate } from '../../routes';
import { ErrorLine } from '../../ErrorLine';

/** The music's length against the phases' targets, flagged when the session would run outside 6–8 h. */
export function SessionTotalLine({ totals }: { readonly totals: PlaylistTotals }) {
  const { min, max } = sessionLengthBoundsSeconds;
  const outside = totals.targetSeconds < min || totals.targetSeconds > max;
  return (
    <p className={outside ? 'session-total notice' : 'session-total muted'}>
      Music {formatMinutes(Math.round(totals.plannedSeconds / 60))} · phase targets {formatMinutes(Math.round(totals.targetSeconds / 60))} (a session runs 6–8 h)
      {totals.unknownDurations > 0 ? ` · ${totals.unknownDurations} of unknown length` : ''}
    </p>
  );
}

/** A bundled playlist: why nothing can be changed, and the way to a copy that can. */
export function ReadOnlyBanner({ playlistId }: { readonly playlistId: string }) {
  const [error, setError] = useState<string | undefined>();
  const duplicate = async () => {
    const result = await call('playlists:duplicate', { playlistId });
    if (!result.ok) setError(`It could not be duplicated: ${result.error.message}`);
    else navigate({ screen: 'playlist', playlistId: result.value.id });
  };
  return (
    <div className="panel read-only-banner">
      <p>This playlist comes with Attune and cannot be changed. Duplicate it to make your own copy and edit that.</p>
      <button type="button" className="primary" onClick={() => void duplicate()}>
        Duplicate to edit
      </button>
      <ErrorLine message={error} />
    </div>
  );
}
