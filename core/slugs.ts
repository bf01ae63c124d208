/*
 * Slug ids (playlists, phases, segments, mark kinds): readable, stable, safe in a file name
 * and a URL.
 */

const maxSlugBaseLength = 56;

/** Lower-case ASCII letters, digits and dashes; accents dropped; '' when nothing of the text survives. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, maxSlugBaseLength)
    .replace(/-+$/, '');
}

/** A slug id from `text` (or `fallback` when the text has no letters or digits) that is not in `taken`: `rain`, `rain-2`, … */
export function uniqueSlug(text: string, taken: ReadonlySet<string>, fallback: string): string {
  const base = slugify(text) || slugify(fallback) || 'item';
  if (!taken.has(base)) return base;
  for (let counter = 2; ; counter += 1) {
    const candidate = `${base}-${counter}`;
    if (!taken.has(candidate)) return candidate;
  }
}
