import { describe, expect, it } from 'vitest';
import { defaultMarkKinds, markKindDefinitionSchema, markKindListSchema, newMarkKindId, reservedKeys, type MarkKindDefinition } from './mark-kinds';
import { slugId } from './playlist';
import { describeZodError } from './validation';

function kind(id: string, key: string, overrides: Partial<MarkKindDefinition> = {}): MarkKindDefinition {
  return { id, label: id[0]?.toUpperCase() + id.slice(1), key, color: '#7b8794', category: 'observation', span: false, hidden: false, fields: 'none', ...overrides };
}

function problemsOf(kinds: unknown): string {
  const parsed = markKindListSchema.safeParse(kinds);
  if (parsed.success) throw new Error('expected the list to be refused');
  return describeZodError(parsed.error);
}

describe('default mark kinds', () => {
  it('validate and have no key or id conflicts', () => {
    expect(markKindListSchema.safeParse(defaultMarkKinds).success).toBe(true);
    const keys = defaultMarkKinds.map((definition) => definition.key);
    const ids = defaultMarkKinds.map((definition) => definition.id);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(keys.filter((key) => (reservedKeys as readonly string[]).includes(key))).toEqual([]);
  });

  it('cover the marks and protocol events the sessions need', () => {
    expect(defaultMarkKinds.map((definition) => definition.id)).toEqual(
      expect.arrayContaining(['resonance', 'distress', 'dissociation', 'breakthrough', 'music-resistance', 'note', 'dose', 'supplemental-dose', 'vitals', 'break']),
    );
    const byId = new Map(defaultMarkKinds.map((definition) => [definition.id, definition]));
    expect(byId.get('resonance')).toMatchObject({ key: 'r', category: 'observation', span: false, hidden: false });
    expect(byId.get('distress')).toMatchObject({ key: 'd', category: 'observation' });
    expect(byId.get('vitals')).toMatchObject({ fields: 'vitals', category: 'protocol' });
    expect(byId.get('break')).toMatchObject({ span: true, category: 'protocol' });
    expect(byId.get('dose')?.category).toBe('protocol');
    expect(byId.get('supplemental-dose')?.category).toBe('protocol');
    expect(defaultMarkKinds.filter((definition) => definition.span).map((definition) => definition.id)).toEqual(['break']);
    expect(defaultMarkKinds.filter((definition) => definition.fields === 'vitals').map((definition) => definition.id)).toEqual(['vitals']);
  });
});

describe('markKindListSchema', () => {
  it('refuses a key already taken by another visible kind, naming that kind and where', () => {
    const kinds = [...defaultMarkKinds, kind('calm', 'r', { label: 'Calm' })];
    const problems = problemsOf(kinds);
    expect(problems).toBe(`[${defaultMarkKinds.length}].key: the key "R" is already used by Resonance`);
  });

  it('refuses the same id twice, naming the kind that has it', () => {
    const problems = problemsOf([kind('calm', 'c', { label: 'Calm' }), kind('calm', 'x', { label: 'Calm too' })]);
    expect(problems).toBe('[1].id: the id "calm" is already used by Calm');
  });

  it('lets a hidden kind keep a key a visible kind uses', () => {
    const hiddenFirst = [kind('old-calm', 'c', { hidden: true }), kind('calm', 'c')];
    const hiddenLast = [kind('calm', 'c'), kind('old-calm', 'c', { hidden: true })];
    expect(markKindListSchema.safeParse(hiddenFirst).success).toBe(true);
    expect(markKindListSchema.safeParse(hiddenLast).success).toBe(true);
    expect(markKindListSchema.safeParse([kind('calm', 'c'), kind('old-calm', 'c', { hidden: false })]).success).toBe(false);
  });

  it.each(['1', '2', '3', '4', '5'])('refuses the intensity key %s', (key) => {
    expect(problemsOf([kind('calm', key)])).toContain('[0].key: keys 1–5 (intensity) and Q (quiet) are kept by the live screen');
  });

  it('refuses Space, upper case, and anything longer than one key', () => {
    for (const key of [' ', 'R', 'rr', '', 'é']) {
      expect(problemsOf([kind('calm', key)])).toMatch(/^\[0\]\.key: /);
    }
  });

  it('accepts the other digits', () => {
    for (const key of ['0', '6', '7', '8', '9']) expect(markKindListSchema.safeParse([kind('calm', key)]).success).toBe(true);
  });

  it('refuses a hidden kind with a reserved key too', () => {
    expect(markKindListSchema.safeParse([kind('calm', '3', { hidden: true })]).success).toBe(false);
  });

  it.each(['red', '#abc', '#12345g', '7b8794', '#7b87944'])('refuses the colour %s', (color) => {
    expect(problemsOf([kind('calm', 'c', { color })])).toBe('[0].color: a colour is #rrggbb');
  });

  it('accepts a colour in either case', () => {
    expect(markKindListSchema.safeParse([kind('calm', 'c', { color: '#A8796F' })]).success).toBe(true);
  });

  it('refuses an empty list, a blank label and unknown fields', () => {
    expect(markKindListSchema.safeParse([]).success).toBe(false);
    expect(markKindDefinitionSchema.safeParse(kind('calm', 'c', { label: '   ' })).success).toBe(false);
    expect(markKindDefinitionSchema.safeParse({ ...kind('calm', 'c'), shortcut: 'c' }).success).toBe(false);
  });
});

describe('newMarkKindId', () => {
  it('makes a valid id from the label', () => {
    expect(newMarkKindId('Body Tremor', defaultMarkKinds)).toBe('body-tremor');
    expect(newMarkKindId('  Tears!  (quiet) ', defaultMarkKinds)).toBe('tears-quiet');
    expect(newMarkKindId('!!!', defaultMarkKinds)).toBe('kind');
  });

  it('drops accents rather than splitting the word', () => {
    expect(newMarkKindId('Émotion forte', [])).toBe('emotion-forte');
    expect(newMarkKindId('Rückkehr', [])).toBe('ruckkehr');
  });

  it('numbers an id that is taken', () => {
    expect(newMarkKindId('Resonance', defaultMarkKinds)).toBe('resonance-2');
    expect(newMarkKindId('Resonance', [...defaultMarkKinds, kind('resonance-2', 'x')])).toBe('resonance-3');
  });

  it('gives a new id every time kinds with the same label are added', () => {
    const kinds: MarkKindDefinition[] = [...defaultMarkKinds];
    for (let count = 0; count < 30; count += 1) {
      const id = newMarkKindId('New kind', kinds);
      expect(slugId.safeParse(id).success).toBe(true);
      expect(kinds.some((existing) => existing.id === id)).toBe(false);
      kinds.push(kind(id, 'x', { hidden: true }));
    }
    expect(new Set(kinds.map((existing) => existing.id)).size).toBe(kinds.length);
  });

  it('keeps a very long label within the id length limit, even numbered', () => {
    const label = 'a very long label that goes on and on well past sixty-four characters';
    const first = newMarkKindId(label, []);
    const second = newMarkKindId(label, [kind(first, 'x')]);
    expect(slugId.safeParse(first).success).toBe(true);
    expect(slugId.safeParse(second).success).toBe(true);
    expect(second).not.toBe(first);
  });
});
