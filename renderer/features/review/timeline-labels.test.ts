import { describe, expect, it } from 'vitest';
import { fitLabel, labelCharacterPx, truncateLabel } from './timeline-labels';

describe('timeline labels', () => {
  it('keeps a label that fits and cuts a long one to the limit, the ellipsis counted in it', () => {
    expect(truncateLabel('Onset', 20)).toBe('Onset');
    expect(truncateLabel('A very long phase title indeed', 20)).toBe('A very long phase t…');
    expect(truncateLabel('A very long phase title indeed', 20)).toHaveLength(20);
  });

  it('fits a label to a block: whole when there is room, cut when not, none when under three characters fit', () => {
    // Half a pixel over, as a drawn width is never exactly a multiple of a character.
    const roomFor = (characters: number) => 10 + characters * labelCharacterPx + 0.5;
    expect(fitLabel('Peak', roomFor(10))).toBe('Peak');
    expect(fitLabel('Breathing soundscape', roomFor(8))).toBe('Breathi…');
    expect(fitLabel('Breathing soundscape', roomFor(3))).toBe('Br…');
    expect(fitLabel('Breathing soundscape', roomFor(2.9))).toBeUndefined();
    expect(fitLabel('Peak', 0)).toBeUndefined();
  });
});
