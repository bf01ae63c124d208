import { describe, expect, it } from 'vitest';
import type { InsightsReportResponse } from '../../../core/contract';
import { defaultMarkKinds } from '../../../core/mark-kinds';
import type { Segment } from '../../../core/playlist';
import type { PlaylistDraft } from '../../../core/playlist-edit';
import { RecordingIndex } from '../../../core/recording-identity';
import { insightBadgeText, insightDetailLines, rowsBySegment, segmentInsight } from './segment-insights';

type Row = InsightsReportResponse['rows'][number];

const tagged = (id: string, title: string, durationSeconds: number): Segment => ({ type: 'file', id, path: `/music/${id}.flac`, title, artist: 'Anouar Brahem', durationSeconds });

function row(segment: Segment, playlistId: string, figures: Partial<Row> = {}): Row {
  const { key, basis } = new RecordingIndex().identify(segment, playlistId, segment.id);
  return {
    id: segment.id,
    type: segment.type,
    title: null,
    artist: null,
    preset: null,
    name: segment.id,
    recordingKey: key,
    identifiedBy: basis,
    placements: [{ playlistId, playlistTitle: playlistId, segmentId: segment.id }],
    playlistId,
    playlistTitle: playlistId,
    segmentId: segment.id,
    sessions: 0,
    clients: 0,
    playedMs: 0,
    minutesPlayed: 0,
    marks: {},
    marksPerHour: {},
    weightedMarks: {},
    weightedPerHour: {},
    byPhase: {},
    byState: {},
    movesIntoWindow: 0,
    movesOutOfWindow: 0,
    ...figures,
  };
}

const draft = (segments: Segment[]): PlaylistDraft => ({
  format: 'attune.playlist',
  version: 1,
  id: 'evening',
  title: 'Evening',
  crossfadeSeconds: 8,
  phases: [{ id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 60, segments }],
});

describe('rowsBySegment', () => {
  it('finds a saved segment by where it was played, and a new one by its recording in another playlist', () => {
    const played = tagged('kashf', 'Kashf', 400);
    const elsewhere = tagged('other-id', 'Astrakan Café', 300);
    const rows = [row(played, 'evening'), row(elsewhere, 'morning')];
    // The same recording added here as its own segment, 1.4 s longer (another rip).
    const found = rowsBySegment(draft([played, tagged('new-one', 'astrakan  Café!', 301.4), tagged('unknown', 'Never played', 200)]), rows);
    expect(found.get('kashf')).toBe(rows[0]);
    expect(found.get('new-one')).toBe(rows[1]);
    expect(found.has('unknown')).toBe(false);
    // Renamed since it was played: still the segment it was played as.
    expect(rowsBySegment(draft([{ ...played, title: 'Kashf (radio edit)' }]), rows).get('kashf')).toBe(rows[0]);
  });

  it('does not take a recording of the same title whose length is beyond the tolerance', () => {
    const rows = [row(tagged('live', 'Kashf', 400), 'morning')];
    expect(rowsBySegment(draft([tagged('studio', 'Kashf', 460)]), rows).size).toBe(0);
  });

  it('matches a soundscape by its preset and settings', () => {
    const bed: Segment = { type: 'soundscape', id: 'bed', preset: 'breath', params: { intensity: 0.5, brightness: 0.5 }, durationSeconds: 600 };
    const rows = [row(bed, 'morning')];
    expect(rowsBySegment(draft([{ ...bed, id: 'bed-2', durationSeconds: 300 }]), rows).get('bed-2')).toBe(rows[0]);
    expect(rowsBySegment(draft([{ ...bed, id: 'bed-3', preset: 'drone' }]), rows).size).toBe(0);
  });
});

describe('segmentInsight', () => {
  const segment = tagged('kashf', 'Kashf', 400);

  it('shows sessions, clients and observation marks by kind from three sessions on, leaving protocol events out', () => {
    const insight = segmentInsight(
      row(segment, 'evening', { sessions: 3, clients: 2, minutesPlayed: 20, marks: { resonance: 4, distress: 1, dose: 2 }, marksPerHour: { resonance: 4, distress: 1, dose: 2 } }),
      defaultMarkKinds,
    );
    expect(insight.kind).toBe('trend');
    expect(insightBadgeText(insight)).toBe('3 sessions · 2 clients · Resonance 4 · Distress 1');
    expect(insightDetailLines(insight)).toEqual(['Played in 3 sessions, 2 clients, 20 min in all.', 'Resonance: 4 (4.0 per hour played)', 'Distress: 1 (1.0 per hour played)']);
  });

  it('says "too few sessions" below three, and shows no mark figures then', () => {
    const insight = segmentInsight(row(segment, 'evening', { sessions: 2, clients: 1, marks: { resonance: 9 } }), defaultMarkKinds);
    expect(insightBadgeText(insight)).toBe('too few sessions (2)');
    expect(insightDetailLines(insight).join(' ')).not.toMatch(/Resonance|9/);
    expect(insightBadgeText(segmentInsight(undefined, defaultMarkKinds))).toBe('too few sessions (none yet)');
  });
});
