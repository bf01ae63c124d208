import { isChannel, type Channel } from '../../core/channels';
import { contract, type Handlers } from '../../core/contract';
import { ContractFailure, fail, ok, type Result } from '../../core/result';
import { describeZodError } from '../../core/validation';
import { nodeErrorCode } from './error-code';

export type FailureLogger = (channel: string, error: unknown) => void;

const logToConsole: FailureLogger = (channel, error) => console.error(`attune: ${channel} failed`, error);

/**
 * The one entry point both hosts call: unknown channel and malformed input become error
 * results; unexpected failures are logged here and reach the renderer without stack or paths.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  rawRequest: unknown,
  logFailure: FailureLogger = logToConsole,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) return fail('unknown-channel', `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
  const parsed = contract[channel].request.safeParse(rawRequest);
  if (!parsed.success) return fail('bad-request', describeZodError(parsed.error));
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (error) {
    if (error instanceof ContractFailure) return fail(error.code, error.message);
    logFailure(channel, error);
    const storageProblem = storageFailures[nodeErrorCode(error) ?? ''];
    if (storageProblem !== undefined) return fail('write-failed', `${describeChannel(channel)} could not be done: ${storageProblem}. Nothing was saved; try again once that is fixed`);
    return fail('internal', `${describeChannel(channel)} failed unexpectedly; the details are in the log`);
  }
}

/**
 * What the disk or the system answered when a file could not be written: a full disk or a
 * read-only folder is something the user can act on, so it is not an `internal` failure.
 */
const storageFailures: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full (ENOSPC)',
  EDQUOT: 'the disk quota is used up (EDQUOT)',
  EROFS: 'the data folder is on a read-only disk (EROFS)',
  EIO: 'the disk reported an input/output error (EIO)',
  EFBIG: 'a file grew past what the disk allows (EFBIG)',
  EACCES: 'the data folder may not be written (EACCES)',
  EPERM: 'the data folder may not be written (EPERM)',
  EMFILE: 'too many files are open (EMFILE)',
  ENFILE: 'too many files are open (ENFILE)',
};

function describeChannel(channel: Channel): string {
  return channel.replace(':', ' ');
}
