export const errorCodes = [
  'bad-request',
  'unknown-channel',
  'not-found',
  'invalid-data',
  'conflict',
  'write-failed',
  /** The host cannot do this at all (e.g. PDF export in the web host). */
  'unsupported',
  /** Sessions are encrypted and the key is not open: the UI asks for the passphrase. */
  'locked',
  /** The passphrase given does not open the key. */
  'wrong-passphrase',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ContractError {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ContractError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

/** Thrown by services for failures the caller should see as a typed error result. */
export class ContractFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContractFailure';
  }
}
