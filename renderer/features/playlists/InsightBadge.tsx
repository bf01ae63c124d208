import { useId, useState } from 'react';
import { insightBadgeText, insightDetailLines, type SegmentInsight } from './segment-insights';

/**
 * A quiet line under a segment: what the sessions say about its recording. Its detail opens
 * on hover and on keyboard focus, and stays open when the line is pressed.
 */
export function InsightBadge({ insight, segmentTitle }: { readonly insight: SegmentInsight; readonly segmentTitle: string }) {
  const detailId = useId();
  const [pinned, setPinned] = useState(false);
  return (
    <span className={pinned ? 'segment-insight pinned' : 'segment-insight'} data-insight={insight.kind}>
      <button
        type="button"
        className="insight-badge"
        aria-label={`Sessions with ${segmentTitle}: ${insightBadgeText(insight)}`}
        aria-describedby={detailId}
        aria-expanded={pinned}
        onClick={() => setPinned((open) => !open)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setPinned(false);
        }}
      >
        {insightBadgeText(insight)}
      </button>
      <span role="tooltip" id={detailId} className="insight-detail">
        {insightDetailLines(insight).map((line) => (
          <span key={line}>{line}</span>
        ))}
      </span>
    </span>
  );
}
