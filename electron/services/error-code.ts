/** The `code` Node puts on system and stream errors (`ENOENT`, `ERR_STREAM_PREMATURE_CLOSE`, …). */
export function nodeErrorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
