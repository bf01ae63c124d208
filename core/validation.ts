import type * as z from 'zod';

function formatPath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const key of path) {
    if (typeof key === 'number') formatted += `[${key}]`;
    else formatted += formatted === '' ? String(key) : `.${String(key)}`;
  }
  return formatted === '' ? '(top level)' : formatted;
}

/** A message can quote the input (every unknown key of an object): a hostile file must not make it megabytes long. */
const maxLineLength = 300;

function clip(line: string): string {
  if (line.length <= maxLineLength) return line;
  const cut = line.slice(0, maxLineLength - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** One line per problem, each naming the field, e.g. `phases[1].targetMinutes: expected number, received string`. */
export function describeZodError(error: z.ZodError, limit = 8): string {
  const lines = error.issues.slice(0, limit).map((issue) => clip(`${formatPath(issue.path)}: ${issue.message}`));
  const more = error.issues.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more problem${more === 1 ? '' : 's'}`);
  return lines.join('\n');
}
