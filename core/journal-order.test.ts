import { describe, expect, it } from 'vitest';
import { loadHostileSession } from '../tests/fixtures/sessions/hostile-session';
import { inJournalOrder } from './journal-order';

const { opened } = loadHostileSession();

describe('inJournalOrder', () => {
  it('hands back the same array when the events are already by seq (no copy for the usual journal)', () => {
    expect(inJournalOrder(opened.events)).toBe(opened.events);
  });

  it('sorts a copy by seq when they are not, leaving the caller\'s array as it was', () => {
    const reversed = [...opened.events].reverse();
    const sorted = inJournalOrder(reversed);
    expect(sorted.map((event) => event.seq)).toEqual(opened.events.map((event) => event.seq));
    expect(reversed[0]?.seq).toBe(opened.events.at(-1)?.seq);
  });
});
