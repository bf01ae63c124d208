/** The average width of a label character at the drawing's font size, close enough to fit names without measuring text. */
export const labelCharacterPx = 6.6;
/** Room left free inside a block around its label. */
const labelPaddingPx = 10;
/** Fewer characters than this say nothing: the block shows no label (its tooltip still names it). */
const shortestLabel = 3;

/** The text cut to at most `characters`, an ellipsis standing for what was cut. */
export function truncateLabel(text: string, characters: number): string {
  return text.length > characters ? `${text.slice(0, Math.max(0, characters - 1))}…` : text;
}

/** The label a block `widthPx` wide can hold, or undefined when too few characters would fit to say anything. */
export function fitLabel(text: string, widthPx: number): string | undefined {
  const characters = Math.floor((widthPx - labelPaddingPx) / labelCharacterPx);
  return characters < shortestLabel ? undefined : truncateLabel(text, characters);
}
