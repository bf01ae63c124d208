import * as z from 'zod';
import { markKeySchema, type MarkKindDefinition } from './mark-kinds';
import { slugId } from './playlist';

/**
 * The client's arousal, as the facilitators read it: a band state (within the window of
 * tolerance, hyperaroused, hypoaroused) holds from its key press until the next band key;
 * a span state (dissociated / numb) is opened by its key and closed by the next press,
 * over whatever band state holds underneath.
 */
export const clientStateDefinitionSchema = z.strictObject({
  id: slugId,
  label: z.string().trim().min(1).max(40),
  key: markKeySchema,
  /** A muted colour for a dark screen, as #rrggbb. */
  color: z.string().regex(/^#[0-9a-f]{6}$/i, 'a colour is #rrggbb'),
  span: z.boolean(),
  hidden: z.boolean(),
  /** The live screen's quiet prompt after the state has held this long; null: never. */
  promptAfterMinutes: z.number().int().min(1).max(600).nullable(),
});
export type ClientStateDefinition = z.infer<typeof clientStateDefinitionSchema>;

export const clientStateListSchema = z
  .array(clientStateDefinitionSchema)
  .min(1)
  .max(12)
  .superRefine((states, context) => {
    const ids = new Map<string, number>();
    const keys = new Map<string, number>();
    states.forEach((state, index) => {
      const sameId = ids.get(state.id);
      if (sameId !== undefined) context.addIssue({ code: 'custom', path: [index, 'id'], message: `the id "${state.id}" is already used by ${states[sameId]?.label}` });
      ids.set(state.id, index);
      if (state.hidden) return;
      const sameKey = keys.get(state.key);
      if (sameKey !== undefined) {
        context.addIssue({ code: 'custom', path: [index, 'key'], message: `the key "${state.key.toUpperCase()}" is already used by ${states[sameKey]?.label}` });
      }
      keys.set(state.key, index);
    });
  });

const define = (id: string, label: string, key: string, color: string, options: Partial<Pick<ClientStateDefinition, 'span' | 'promptAfterMinutes'>> = {}): ClientStateDefinition => ({
  id,
  label,
  key,
  color,
  span: options.span ?? false,
  hidden: false,
  promptAfterMinutes: options.promptAfterMinutes ?? null,
});

/** The band state the window-of-tolerance insights count moves into and out of. */
export const windowStateId = 'within-window';

/**
 * Keys chosen clear of the marks' (r d n b m t o s v k), of Shift+H/E/N/R/S (so a slipped
 * Shift never turns a state into a plan change), of 1–5, Q and Space.
 */
export const defaultClientStates: readonly ClientStateDefinition[] = [
  define('within-window', 'Within window', 'w', '#5f7f6c'),
  define('hyperaroused', 'Hyperaroused', 'u', '#9a6f62', { promptAfterMinutes: 20 }),
  define('hypoaroused', 'Hypoaroused', 'l', '#66748f'),
  define('dissociated', 'Dissociated / numb', 'x', '#7b6f94', { span: true, promptAfterMinutes: 15 }),
];

/**
 * Every visible mark kind and client state needs its own key: one press must mean one thing.
 * Returns a message per clash, naming both.
 */
export function stateKeyClashes(markKinds: readonly MarkKindDefinition[], states: readonly ClientStateDefinition[]): { index: number; message: string }[] {
  const markKeys = new Map(markKinds.filter((kind) => !kind.hidden).map((kind) => [kind.key, kind.label]));
  const clashes: { index: number; message: string }[] = [];
  states.forEach((state, index) => {
    if (state.hidden) return;
    const mark = markKeys.get(state.key);
    if (mark !== undefined) clashes.push({ index, message: `the key "${state.key.toUpperCase()}" of the state ${state.label} is already the mark ${mark}` });
  });
  return clashes;
}
