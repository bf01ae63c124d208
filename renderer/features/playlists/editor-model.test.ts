import { describe, expect, it } from 'vitest';
import { moveSegment, type PlaylistDraft } from '../../../core/playlist-edit';
import { moveSlot, nextSegment, phaseTotalText, segmentLength } from './editor-model';
import { segmentName } from '../../../core/segment-names';

const file = (id: string) => ({ type: 'file' as const, id, path: `/music/${id}.flac`, durationSeconds: 300 });

const draft: PlaylistDraft = {
  format: 'attune.playlist',
  version: 1,
  id: 'set',
  title: 'Set',
  crossfadeSeconds: 8,
  phases: [
    { id: 'onset', kind: 'onset', title: 'Onset', targetMinutes: 60, segments: [file('a'), file('b'), file('c')] },
    { id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 120, segments: [file('d')] },
  ],
};

const order = (value: PlaylistDraft) => value.phases.map((phase) => phase.segments.map((segment) => segment.id).join(''));

describe('moveSlot', () => {
  it('drops a segment where the indicator showed it, down or up its own phase', () => {
    // Indicator before "c" (shown index 2): "a" ends up between b and c.
    const down = moveSegment(draft, 'a', moveSlot(draft, 'a', { phaseId: 'onset', index: 2 }));
    expect(down.ok && order(down.value)).toEqual(['bac', 'd']);
    const toEnd = moveSegment(draft, 'a', moveSlot(draft, 'a', { phaseId: 'onset', index: 3 }));
    expect(toEnd.ok && order(toEnd.value)).toEqual(['bca', 'd']);
    const up = moveSegment(draft, 'c', moveSlot(draft, 'c', { phaseId: 'onset', index: 0 }));
    expect(up.ok && order(up.value)).toEqual(['cab', 'd']);
  });

  it('drops into another phase at the shown place', () => {
    const across = moveSegment(draft, 'b', moveSlot(draft, 'b', { phaseId: 'peak', index: 1 }));
    expect(across.ok && order(across.value)).toEqual(['ac', 'db']);
  });
});

describe('nextSegment', () => {
  it('follows the music across a phase boundary and ends with the last', () => {
    expect(nextSegment(draft, 'a')?.id).toBe('b');
    expect(nextSegment(draft, 'c')?.id).toBe('d');
    expect(nextSegment(draft, 'd')).toBeUndefined();
  });
});

describe('segment text', () => {
  it('names a file by its title, else its file name, and gives its played length', () => {
    expect(segmentName({ ...file('a'), title: 'Weightless' })).toBe('Weightless');
    expect(segmentName(file('a'))).toBe('a.flac');
    expect(segmentLength({ ...file('a'), trimStartSeconds: 60 })).toBe('4:00');
    expect(segmentLength({ type: 'file', id: 'x', path: 'x.mp3' })).toBe('length unknown');
  });

  it('prints a phase total against its target', () => {
    expect(phaseTotalText(92 * 60, 90 * 60)).toBe('1 h 32 min of 1 h 30 min');
  });
});
