import { describe, expect, it } from 'vitest';
import { defaultMarkKinds } from './mark-kinds';
import { defaultSettings, settingsSchema, settingsUpdateSchema } from './settings';
import { describeZodError } from './validation';

describe('settings', () => {
  it('defaults validate, with every default mark kind and no reaction offset', () => {
    expect(settingsSchema.parse(defaultSettings)).toEqual(defaultSettings);
    expect(defaultSettings.markKinds).toEqual(defaultMarkKinds);
    expect(defaultSettings.reactionOffsetMs).toBe(0);
  });

  it('names the setting and the kind when a key is used twice', () => {
    const resonance = defaultMarkKinds[0];
    const kinds = [...defaultMarkKinds, { ...resonance, id: 'warmth', label: 'Warmth' }];
    const parsed = settingsSchema.safeParse({ ...defaultSettings, markKinds: kinds });
    expect(parsed.success).toBe(false);
    expect(parsed.error && describeZodError(parsed.error)).toBe(`markKinds[${defaultMarkKinds.length}].key: the key "R" is already used by Resonance`);
  });

  it('refuses a key conflict in an update too', () => {
    const kinds = defaultMarkKinds.map((definition) => (definition.id === 'distress' ? { ...definition, key: 'r' } : definition));
    expect(settingsUpdateSchema.safeParse({ markKinds: kinds }).success).toBe(false);
  });

  it('keeps the reaction offset a whole number of milliseconds up to 30 s', () => {
    const accepts = (reactionOffsetMs: number) => settingsSchema.safeParse({ ...defaultSettings, reactionOffsetMs }).success;
    expect(accepts(0)).toBe(true);
    expect(accepts(750)).toBe(true);
    expect(accepts(30_000)).toBe(true);
    expect(accepts(30_001)).toBe(false);
    expect(accepts(-1)).toBe(false);
    expect(accepts(12.5)).toBe(false);
  });

  it('accepts an update of one setting and refuses unknown ones', () => {
    expect(settingsUpdateSchema.safeParse({ reactionOffsetMs: 500 }).success).toBe(true);
    expect(settingsUpdateSchema.safeParse({}).success).toBe(true);
    expect(settingsUpdateSchema.safeParse({ outputDevice: 'default' }).success).toBe(false);
  });
});
