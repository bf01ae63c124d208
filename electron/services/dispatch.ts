import { isChannel, type Channel } from '../../core/channels';
import { contract, type Handlers } from '../../core/contract';
import { ContractFailure, fail, ok, type Result } from '../../core/result';
import { describeZodError } from '../../core/validation';

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
    return fail('internal', `${describeChannel(channel)} failed unexpectedly; the details are in the log`);
  }
}

function describeChannel(channel: Channel): string {
  return channel.replace(':', ' ');
}
