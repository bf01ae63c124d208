import * as z from 'zod';
import type { Channel } from './channels';
import {
  changePassphraseSchema,
  disableEncryptionSchema,
  enableEncryptionSchema,
  encryptionStatusSchema,
  unlockEncryptionSchema,
} from './encryption';
import { journalEventInputSchema, journalEventSchema } from './events';
import { courseContract } from './course-contract';
import { pairingContract } from './pairing-contract';
import { libraryJobSchema, libraryViewSchema, loudnessMeasurementSchema } from './library';
import { playlistFileFormats } from './playlist-formats/file-formats';
import { fileSegmentSchema, playlistSchema, slugId } from './playlist';
import { errorCodes, type Result } from './result';
import { sessionIdSchema, sessionMetaSchema, sessionSetupSchema } from './session';
import { settingsSchema, settingsUpdateSchema } from './settings';

const noArguments = z.strictObject({});

/** What a native picker is asked to choose (dialog:choose). */
export const choosePurposeSchema = z.enum(['library-folder', 'playlist-file', 'export-folder', 'portable-folder']);
export type ChoosePurpose = z.infer<typeof choosePurposeSchema>;

export const playlistSummarySchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  source: z.enum(['bundled', 'user']),
  fileName: z.string(),
  totalTargetMinutes: z.number(),
  phaseTitles: z.array(z.string()),
  /** Set when the file could not be read or validated; the playlist cannot be started. */
  problem: z.string().optional(),
});
export type PlaylistSummary = z.infer<typeof playlistSummarySchema>;

export const sessionSummarySchema = z.strictObject({
  meta: sessionMetaSchema,
  markCount: z.number().int().min(0),
  lastSessionMs: z.number().int().min(0),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

export const openedSessionSchema = z.strictObject({
  meta: sessionMetaSchema,
  events: z.array(journalEventSchema),
  /** What was repaired or skipped while reading the journal, in words a facilitator can read. */
  repairs: z.array(z.string()),
});
export type OpenedSession = z.infer<typeof openedSessionSchema>;

export const appendAckSchema = z.strictObject({
  id: z.uuid(),
  seq: z.number().int().min(0),
  wallTime: z.iso.datetime(),
  /** True when this event id was already in the journal (a retry); nothing new was written. */
  duplicate: z.boolean(),
});
export type AppendAck = z.infer<typeof appendAckSchema>;

export const settingsResultSchema = z.strictObject({
  settings: settingsSchema,
  /** Set when the stored settings could not be read and were set aside; defaults are in use. */
  notice: z.string().optional(),
});
export type SettingsResult = z.infer<typeof settingsResultSchema>;

/** A day (`2026-11-21`, midnight UTC) or an instant with its offset, as the insights filter takes it. */
const insightsInstant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const insightsQuerySchema = z.strictObject({
  /** Only sessions of these playlists; all when absent or empty. */
  playlistIds: z.array(slugId).max(500).optional(),
  /** Sessions started at or after this instant. */
  from: insightsInstant.optional(),
  /** Sessions started before this instant. */
  to: insightsInstant.optional(),
});
export type InsightsQuery = z.infer<typeof insightsQuerySchema>;

const trackInsightSchema = z.strictObject({
  id: z.string(),
  type: z.enum(['file', 'soundscape', 'unknown']),
  title: z.string().nullable(),
  artist: z.string().nullable(),
  preset: z.string().nullable(),
  name: z.string(),
  /** The recording (core/recording-identity.ts), whatever playlists it sat in. */
  recordingKey: z.string(),
  identifiedBy: z.enum(['tags', 'file-name', 'soundscape', 'segment']),
  /** The file's duration as its first placement knows it; absent for a soundscape. */
  durationSeconds: z.number().min(0).optional(),
  placements: z.array(z.strictObject({ playlistId: z.string(), playlistTitle: z.string(), segmentId: z.string() })).readonly(),
  playlistId: z.string(),
  playlistTitle: z.string(),
  segmentId: z.string(),
  sessions: z.number().int().min(0),
  clients: z.number().int().min(0),
  playedMs: z.number().min(0),
  minutesPlayed: z.number().min(0),
  marks: z.record(z.string(), z.number().int().min(0)),
  /** null for a track that never played. */
  marksPerHour: z.record(z.string(), z.number().min(0).nullable()),
  /** Marks weighed by intensity (core/insights.ts markWeight). */
  weightedMarks: z.record(z.string(), z.number().min(0)),
  weightedPerHour: z.record(z.string(), z.number().min(0).nullable()),
  byPhase: z.record(z.string(), z.strictObject({ playedMs: z.number().min(0), marks: z.record(z.string(), z.number().int().min(0)), weightedMarks: z.record(z.string(), z.number().min(0)) })),
  byState: z.record(z.string(), z.strictObject({ ms: z.number().min(0), marks: z.record(z.string(), z.number().int().min(0)), weightedMarks: z.record(z.string(), z.number().min(0)) })),
  movesIntoWindow: z.number().int().min(0),
  movesOutOfWindow: z.number().int().min(0),
});

export const insightsReportSchema = z.strictObject({
  rows: z.array(trackInsightSchema),
  kinds: z.array(z.string()),
  sessionCount: z.number().int().min(0),
  skipped: z.array(z.strictObject({ sessionId: z.string(), reason: z.string() })),
});
export type InsightsReportResponse = z.infer<typeof insightsReportSchema>;

const absolutePath = z.string().min(1).max(4096);

/** A file version the host asks the app to measure: the result is stored only if the file is still this version. */
export const platformDecodeTaskSchema = z.strictObject({
  path: z.string().min(1).max(4096),
  size: z.number().int().min(0),
  mtimeMs: z.number(),
});
export type PlatformDecodeTask = z.infer<typeof platformDecodeTaskSchema>;

/** What the app's decoder made of a task: a measurement, or why the platform could not decode the file. */
export const platformDecodeOutcomeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('measured'), measurement: loudnessMeasurementSchema }),
  z.strictObject({ kind: z.literal('failed'), reason: z.string().min(1).max(1000) }),
]);
export type PlatformDecodeOutcome = z.infer<typeof platformDecodeOutcomeSchema>;

export const playlistImportSchema = z.strictObject({
  title: z.string(),
  format: z.enum(playlistFileFormats),
  segments: z.array(fileSegmentSchema),
  /** Every entry that could not be used, with why, so nothing is dropped silently. */
  unresolved: z.array(z.strictObject({ location: z.string(), line: z.number().int().optional(), reason: z.string() })),
  /** How the text was read, when that needed a guess (e.g. "read as Windows-1252"). */
  notes: z.array(z.string()),
});
export type PlaylistImport = z.infer<typeof playlistImportSchema>;

/** What only the host can tell before a session: the files, the disk, the sleep blocker. */
export const preflightHostFactsSchema = z.strictObject({
  files: z.array(
    z.strictObject({
      segmentId: z.string(),
      status: z.enum(['ok', 'missing', 'unreadable']),
      reason: z.string().optional(),
      durationSeconds: z.number().min(0).optional(),
    }),
  ),
  /** Free space where the journal is written; null when the host cannot tell. */
  freeDiskBytes: z.number().min(0).nullable(),
  /** The desktop host holds a power-save blocker; the web host cannot keep the machine awake. */
  keepAwakeAvailable: z.boolean(),
});
export type PreflightHostFacts = z.infer<typeof preflightHostFactsSchema>;

export const contract = {
  'settings:get': { request: noArguments, response: settingsResultSchema },
  'settings:update': { request: settingsUpdateSchema, response: settingsResultSchema },
  'playlists:list': { request: noArguments, response: z.array(playlistSummarySchema) },
  'playlists:get': { request: z.strictObject({ playlistId: slugId }), response: playlistSchema },
  'sessions:start': {
    request: z.strictObject({ playlistId: slugId, ...sessionSetupSchema.shape }),
    response: sessionMetaSchema,
  },
  'sessions:list': { request: noArguments, response: z.array(sessionSummarySchema) },
  /** What start-up moved out of sessions/ (remains of starts a crash interrupted), or null. */
  'sessions:set-aside': {
    request: noArguments,
    response: z.strictObject({ folder: z.string(), entries: z.array(z.string()) }).nullable(),
  },
  'sessions:open': { request: z.strictObject({ sessionId: sessionIdSchema }), response: openedSessionSchema },
  'sessions:end': {
    request: z.strictObject({
      sessionId: sessionIdSchema,
      eventId: z.uuid(),
      sessionMs: z.number().int().min(0),
      reason: z.enum(['facilitator', 'plan-finished']),
    }),
    response: sessionMetaSchema,
  },
  /** The desktop host prints the printable summary to a PDF the user places with a save dialog. */
  'export:pdf': {
    request: z.strictObject({
      html: z.string().min(1).max(5_000_000),
      fileName: z.string().regex(/^[\w.-]{1,120}\.pdf$/, 'a file name like attune-session.pdf'),
    }),
    response: z.strictObject({ saved: z.boolean() }),
  },
  /** While a session runs the machine must not sleep (the desktop host holds a power-save blocker). */
  'power:keep-awake': {
    request: z.strictObject({ active: z.boolean() }),
    response: z.strictObject({ held: z.boolean() }),
  },
  /** One or more events, saved together with one fdatasync (a burst of marks is one commit). */
  'journal:append': {
    request: z.strictObject({ sessionId: sessionIdSchema, events: z.array(journalEventInputSchema).min(1).max(200) }),
    response: z.array(appendAckSchema),
  },
  /** The library: its folders, every track found, unreadable files and the running job. */
  'library:get': { request: noArguments, response: libraryViewSchema },
  'library:add-root': { request: z.strictObject({ path: absolutePath }), response: libraryViewSchema },
  'library:remove-root': { request: z.strictObject({ path: absolutePath }), response: libraryViewSchema },
  /** Scans every root (incrementally), then measures the tracks without trustworthy loudness tags. */
  'library:scan': { request: z.strictObject({ analyse: z.boolean().default(true) }), response: libraryJobSchema },
  'library:analyse': { request: z.strictObject({ paths: z.array(absolutePath).min(1).max(100_000) }), response: libraryJobSchema },
  'library:job': { request: noArguments, response: libraryJobSchema.nullable() },
  'library:cancel': { request: noArguments, response: libraryJobSchema.nullable() },
  /**
   * The next track only the platform's decoder can read (AAC/M4A without ffmpeg), for the app to
   * measure and answer with `library:platform-result`; null when there is none or the library is
   * busy with other work (the `library:platform-work` event says when to ask again).
   */
  'library:platform-take': { request: noArguments, response: platformDecodeTaskSchema.nullable() },
  /** Stores the app's measurement (or its reason for failing); `stored` is false when the file changed meanwhile. */
  'library:platform-result': {
    request: z.strictObject({ task: platformDecodeTaskSchema, outcome: platformDecodeOutcomeSchema }),
    response: z.strictObject({ stored: z.boolean() }),
  },
  /** A native picker in the desktop app; the web host answers "unsupported" (the path is typed). */
  'dialog:choose': {
    request: z.strictObject({ purpose: choosePurposeSchema }),
    response: z.strictObject({ path: z.string().nullable() }),
  },
  /** Writes a user playlist (the editor's autosave); bundled playlists are read-only. */
  'playlists:save': { request: z.strictObject({ playlist: playlistSchema }), response: playlistSummarySchema },
  'playlists:create': { request: z.strictObject({ title: z.string().trim().min(1).max(200) }), response: playlistSchema },
  'playlists:duplicate': {
    request: z.strictObject({ playlistId: slugId, title: z.string().trim().min(1).max(200).optional() }),
    response: playlistSchema,
  },
  /** Moves a user playlist's file aside (to playlists/deleted/), never erases it. */
  'playlists:delete': { request: z.strictObject({ playlistId: slugId }), response: z.strictObject({ deleted: z.literal(true) }) },
  /** Reads an M3U/M3U8, PLS or XSPF file into segments, resolving entries against the library. */
  'playlists:import': { request: z.strictObject({ path: absolutePath }), response: playlistImportSchema },
  'playlists:export-m3u8': {
    request: z.strictObject({ playlistId: slugId, phaseId: slugId.optional() }),
    response: z.strictObject({ fileName: z.string(), text: z.string() }),
  },
  /**
   * Opens a portable folder exported by another Attune: its playlist.json becomes one of the
   * user's playlists (paths made absolute) and the folder joins the library so its audio plays.
   */
  'playlists:open-portable': {
    request: z.strictObject({ path: absolutePath }),
    response: z.strictObject({ playlist: playlistSchema, notes: z.array(z.string()) }),
  },
  /** Copies the playlist and its audio into `<destination>/<playlist id>/` with relative paths. */
  'playlists:export-folder': { request: z.strictObject({ playlistId: slugId, destination: absolutePath }), response: libraryJobSchema },
  'preflight:facts': { request: z.strictObject({ playlistId: slugId }), response: preflightHostFactsSchema },
  /** Per track across every session journal: sessions played, minutes played, marks of each kind per hour of play. */
  'insights:query': { request: insightsQuerySchema, response: insightsReportSchema },
  /** Encryption at rest: whether it is on, locked, and how the key is kept. */
  'encryption:status': { request: noArguments, response: encryptionStatusSchema },
  /** Encrypts every existing session; answers once all are (poll the status for progress meanwhile). */
  'encryption:enable': { request: enableEncryptionSchema, response: encryptionStatusSchema },
  'encryption:unlock': { request: unlockEncryptionSchema, response: encryptionStatusSchema },
  /** Re-wraps the data key under the new passphrase; no session file is rewritten. */
  'encryption:change-passphrase': { request: changePassphraseSchema, response: encryptionStatusSchema },
  /** Decrypts every session and removes the key. */
  'encryption:disable': { request: disableEncryptionSchema, response: encryptionStatusSchema },
  ...courseContract,
  ...pairingContract,
} as const satisfies Record<Channel, { request: z.ZodType; response: z.ZodType }>;

export type Contract = typeof contract;
/** What a caller passes (defaults may be omitted). */
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
/** What a handler receives, after parsing and defaults. */
export type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<Contract[C]['response']>;

export type Handlers = { readonly [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/** How renderer code asks the host: the bridge's `call`, or a test's stand-in for it. Never throws. */
export type HostCall = <C extends Channel>(channel: C, request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;

const contractErrorSchema = z.strictObject({ code: z.enum(errorCodes), message: z.string() });

/** Parses a result that crossed a process boundary; a malformed one becomes an error result. */
export function resultSchemaFor<C extends Channel>(channel: C) {
  return z.union([
    z.strictObject({ ok: z.literal(true), value: contract[channel].response }),
    z.strictObject({ ok: z.literal(false), error: contractErrorSchema }),
  ]) as unknown as z.ZodType<Result<ResponseOf<C>>>;
}
