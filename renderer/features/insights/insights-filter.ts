import type { InsightsQuery } from '../../../core/contract';

export interface InsightsFilterInput {
  readonly playlistIds: readonly string[];
  /** `YYYY-MM-DD` from a date field, in the user's own calendar; '' for no bound. */
  readonly fromDate: string;
  /** The last day included; '' for no bound. */
  readonly toDate: string;
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a `YYYY-MM-DD` day (plus `addDays`), as an instant with its offset; undefined when the text is not a day. */
export function localMidnight(day: string, addDays = 0): string | undefined {
  const match = dayPattern.exec(day);
  if (match === null) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The channel's filter from the screen's fields: days are the user's local days, and the
 * "to" day is included (the query's `to` is the following midnight, exclusive).
 */
export function insightsQueryFrom(input: InsightsFilterInput): InsightsQuery {
  const from = localMidnight(input.fromDate);
  const to = localMidnight(input.toDate, 1);
  return {
    ...(input.playlistIds.length > 0 ? { playlistIds: [...input.playlistIds] } : {}),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
}
