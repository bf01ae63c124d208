import * as z from 'zod';

/**
 * The web host's second way in to the same contract: one WebSocket per page, each frame a
 * request for a channel or the answer to one. Loopback HTTP costs Chromium a few
 * milliseconds per request; a frame on an open socket costs a fraction of one, which is
 * what a mark's acknowledgement is made of.
 */
export const socketPath = 'api/socket';

/** The largest frame either side accepts: the HTTP route's request limit. */
export const maxSocketFrameBytes = 1024 * 1024;

export const socketRequestFrameSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  request: z.unknown(),
});
export type SocketRequestFrame = z.infer<typeof socketRequestFrameSchema>;

/** `result` is the channel's `{ ok, value } | { ok, error }`, parsed by the caller like any answer. */
export const socketAnswerFrameSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  result: z.unknown(),
});
export type SocketAnswerFrame = z.infer<typeof socketAnswerFrameSchema>;
