import * as z from 'zod';

const count = z.number().int().min(0);

/**
 * A library scan's progress, throttled by the scanner. `listing` walks the roots (`found` grows);
 * `reading` reads the tags of new and changed files (`read` of `total`); `done` and `cancelled`
 * are the last report of a scan, with final counts.
 */
export const scanProgressSchema = z.strictObject({
  phase: z.enum(['listing', 'reading', 'done', 'cancelled']),
  /** Audio files found so far under the roots. */
  found: count,
  /** Files read so far in this scan (readable or not). */
  read: count,
  /** Files this scan has to read: new or changed since the last scan. Known once listing ends; 0 before. */
  total: count,
  /** The folder being listed or the file being read. */
  currentPath: z.string().optional(),
});
export type ScanProgress = z.infer<typeof scanProgressSchema>;
export type ScanPhase = ScanProgress['phase'];

export const scanProblemSchema = z.strictObject({ path: z.string(), reason: z.string() });
export type ScanProblem = z.infer<typeof scanProblemSchema>;

export const scanSummarySchema = z.strictObject({
  /** Tracks new to the index. */
  added: count,
  /** Known tracks read again because their size or modification time changed. */
  updated: count,
  /** Known tracks whose size and modification time were unchanged (not read). */
  unchanged: count,
  /** Tracks and unreadable files dropped because they are gone (or their root was removed). */
  removed: count,
  /** Files found that could not be read as audio; listed with reasons in the index. */
  unreadable: count,
  /** Roots that could not be scanned (missing, not a folder, no permission); their tracks are kept. */
  rootProblems: z.array(z.strictObject({ root: z.string(), reason: z.string() })),
  /** Folders under a root that could not be listed; their tracks are kept. */
  folderProblems: z.array(scanProblemSchema),
  cancelled: z.boolean(),
  /** Set when the index could not be saved: the scan's results hold until the app quits, and the next scan tries again. */
  saveProblem: z.string().optional(),
  elapsedMs: z.number().min(0),
});
export type ScanSummary = z.infer<typeof scanSummarySchema>;
