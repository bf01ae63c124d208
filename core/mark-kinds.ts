import * as z from 'zod';
import { uniqueSlug } from './slugs';
import { slugId } from './playlist';

/**
 * Keys the live screen keeps for itself: Space plays/pauses, Q goes quiet and back,
 * digits set the intensity of the latest mark. A mark kind can never take one of them.
 */
export const reservedKeys = [' ', '1', '2', '3', '4', '5', 'q'] as const;

export const markKeySchema = z
  .string()
  .regex(/^[a-z0-9]$/, 'a key is one lowercase letter or digit')
  .refine((key) => !(reservedKeys as readonly string[]).includes(key), { message: 'keys 1–5 (intensity) and Q (quiet) are kept by the live screen' });

export const markCategorySchema = z.enum(['observation', 'protocol']);

export const markKindDefinitionSchema = z.strictObject({
  id: slugId,
  label: z.string().trim().min(1).max(40),
  key: markKeySchema,
  /** A muted colour for a dark screen, as #rrggbb. */
  color: z.string().regex(/^#[0-9a-f]{6}$/i, 'a colour is #rrggbb'),
  category: markCategorySchema,
  /** A span is opened by one press and closed by the next (e.g. a break). */
  span: z.boolean(),
  hidden: z.boolean(),
  /** Extra typed fields the mark carries. */
  fields: z.enum(['none', 'vitals']),
});
export type MarkKindDefinition = z.infer<typeof markKindDefinitionSchema>;

export const markKindListSchema = z
  .array(markKindDefinitionSchema)
  .min(1)
  .max(40)
  .superRefine((kinds, context) => {
    const ids = new Map<string, number>();
    const keys = new Map<string, number>();
    kinds.forEach((kind, index) => {
      const sameId = ids.get(kind.id);
      if (sameId !== undefined) {
        context.addIssue({ code: 'custom', path: [index, 'id'], message: `the id "${kind.id}" is already used by ${kinds[sameId]?.label}` });
      }
      ids.set(kind.id, index);
      if (kind.hidden) return;
      const sameKey = keys.get(kind.key);
      if (sameKey !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [index, 'key'],
          message: `the key "${kind.key.toUpperCase()}" is already used by ${kinds[sameKey]?.label}`,
        });
      }
      keys.set(kind.key, index);
    });
  });

const define = (
  id: string,
  label: string,
  key: string,
  color: string,
  options: Partial<Pick<MarkKindDefinition, 'category' | 'span' | 'fields'>> = {},
): MarkKindDefinition => ({
  id,
  label,
  key,
  color,
  category: options.category ?? 'observation',
  span: options.span ?? false,
  hidden: false,
  fields: options.fields ?? 'none',
});

export const defaultMarkKinds: readonly MarkKindDefinition[] = [
  define('resonance', 'Resonance', 'r', '#6f9c84'),
  define('distress', 'Distress', 'd', '#a8796f'),
  define('dissociation', 'Dissociation / numbness', 'n', '#7d7fa3'),
  define('breakthrough', 'Breakthrough', 'b', '#a39566'),
  define('music-resistance', 'Music resistance', 'm', '#9a7794'),
  define('note', 'Note', 't', '#7b8794'),
  define('dose', 'Dose', 'o', '#6f8fa8', { category: 'protocol' }),
  define('supplemental-dose', 'Supplemental dose', 's', '#6f8fa8', { category: 'protocol' }),
  define('vitals', 'Vitals', 'v', '#7a9aa0', { category: 'protocol', fields: 'vitals' }),
  define('break', 'Break', 'k', '#8a8a7a', { category: 'protocol', span: true }),
];

/** Turns a label into a new, unused id (`my-kind`, `my-kind-2`, …). */
export function newMarkKindId(label: string, existing: readonly MarkKindDefinition[]): string {
  return uniqueSlug(label, new Set(existing.map((kind) => kind.id)), 'kind');
}
