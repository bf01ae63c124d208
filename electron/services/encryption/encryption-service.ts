import type { EnableEncryptionRequest, EncryptionStatus } from '../../../core/encryption';
import { ContractFailure } from '../../../core/result';
import { nodeErrorCode } from '../error-code';
import { convertSessionFolder, type ConversionDirection, type SessionFileNames } from './convert-session';
import {
  defaultScryptCost,
  keyFilePath,
  keychainProblem,
  readKeyFile,
  removeKeyFile,
  unwrapWithKeychain,
  unwrapWithPassphrase,
  wrapWithKeychain,
  wrapWithPassphrase,
  writeKeyFile,
  type KeyFile,
  type KeyProtector,
  type ScryptCost,
} from './key-file';
import { newDataKey } from './record-cipher';
import { clearCodec, encryptedCodec, type SessionCodec } from './session-codec';

/** What the service needs of the session store to convert existing sessions. */
export interface SessionFolders {
  sessionIds(): Promise<string[]>;
  rewriteSession(sessionId: string, work: (directory: string) => Promise<void>): Promise<void>;
}

export interface EncryptionServiceOptions {
  readonly dataDir: string;
  readonly sessions: SessionFolders;
  readonly sessionFiles: SessionFileNames;
  /** The desktop host's safeStorage; absent in the web host. */
  readonly keyProtector?: KeyProtector;
  /** For new passphrases (the cost is stored with the key, so a file written with another still opens). */
  readonly scryptCost?: ScryptCost;
  /** Told each time the conversion of the existing sessions moves, and null when it is over (the host's `encryption:progress` event). */
  readonly onProgress?: (progress: Progress | null) => void;
}

type Progress = NonNullable<EncryptionStatus['progress']>;

const messages = {
  lockedPassphrase: 'The sessions are encrypted and locked: enter the passphrase on the Start screen to open them.',
  wrongPassphrase: 'That passphrase does not open these sessions.',
  damagedKeyFile:
    'The key file of this data folder (keys.json) is damaged, so the encrypted sessions cannot be opened. Put back keys.json from a backup of this folder.',
};

function failureReason(error: unknown): string {
  if (error instanceof ContractFailure) return error.message;
  const code = nodeErrorCode(error);
  return code === undefined ? 'an unexpected error (see the log)' : `the disk answered ${code}`;
}

/**
 * Encryption at rest for session files: one random data key per data folder, kept in
 * `keys.json` wrapped by the system keychain or by a key derived from a passphrase
 * (scrypt). Hands the session store and insights the codec of the moment; turns
 * encryption on and off by converting every session folder, resumably.
 */
export class EncryptionService {
  private readonly keyPath: string;
  private loading: Promise<void> | undefined;
  private keyFile: KeyFile | undefined;
  private keyFileDamaged = false;
  private dataKey: Buffer | undefined;
  private keychainOpening: Promise<void> | undefined;
  private keychainOpenProblem: string | undefined;
  private progress: Progress | undefined;
  private conversion: Promise<void> | undefined;
  private conversionProblem: string | undefined;
  private operations: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EncryptionServiceOptions) {
    this.keyPath = keyFilePath(options.dataDir);
  }

  private load(): Promise<void> {
    this.loading ??= readKeyFile(this.keyPath).then(
      (file) => {
        this.keyFileDamaged = file === 'damaged';
        this.keyFile = file === 'damaged' ? undefined : file;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /**
   * Enable, unlock, change and disable one at a time, each after any conversion running
   * in the background has finished, so each decides on the state as it is.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const settledWork = async () => {
      await this.conversion?.catch(() => undefined);
      return work();
    };
    const result = this.operations.then(settledWork, settledWork);
    this.operations = result.catch(() => undefined);
    return result;
  }

  /** The keychain opens the key without asking anyone; tried when first needed, and again after a failure. */
  private async openWithKeychain(): Promise<void> {
    const file = this.keyFile;
    const protector = this.options.keyProtector;
    if (this.dataKey !== undefined || file?.wrapping.method !== 'keychain') return;
    if (protector === undefined) {
      this.keychainOpenProblem = 'These sessions are encrypted with the keychain of the computer whose desktop app encrypted them; open them there.';
      return;
    }
    this.keychainOpening ??= (async () => {
      try {
        const { dataKey, shouldRewrap } = await unwrapWithKeychain(file.wrapping as Extract<KeyFile['wrapping'], { method: 'keychain' }>, protector);
        this.dataKey = dataKey;
        this.keychainOpenProblem = undefined;
        if (shouldRewrap) {
          const wrapping = await wrapWithKeychain(dataKey, protector);
          if (this.keyFile !== undefined) {
            this.keyFile = { ...this.keyFile, wrapping };
            await writeKeyFile(this.keyPath, this.keyFile);
          }
        }
      } catch {
        this.keychainOpenProblem =
          "This computer's keychain did not give back the key of these sessions (was the folder copied from another computer or user account?), so they cannot be opened here.";
      } finally {
        this.keychainOpening = undefined;
      }
    })();
    await this.keychainOpening;
  }

  private lockedFailure(): ContractFailure {
    if (this.keyFileDamaged) return new ContractFailure('locked', messages.damagedKeyFile);
    if (this.keyFile?.wrapping.method === 'keychain') return new ContractFailure('locked', this.keychainOpenProblem ?? messages.lockedPassphrase);
    return new ContractFailure('locked', messages.lockedPassphrase);
  }

  /**
   * How session files are written and read now. Rejects with a `locked` failure until
   * the key is open. An interrupted conversion resumes in the background here (the
   * codec reads both forms meanwhile); it is never awaited, as callers hold session locks.
   */
  async codec(): Promise<SessionCodec> {
    await this.load();
    if (this.keyFileDamaged) throw this.lockedFailure();
    const file = this.keyFile;
    if (file === undefined) return clearCodec;
    await this.openWithKeychain();
    const dataKey = this.dataKey;
    if (dataKey === undefined) throw this.lockedFailure();
    if (file.state !== 'on' && this.conversion === undefined && this.conversionProblem === undefined) {
      void this.convertAll(file.state === 'decrypting' ? 'decrypt' : 'encrypt').catch(() => undefined);
    }
    return encryptedCodec(dataKey, {
      writesEncrypted: file.state !== 'decrypting',
      readsClear: file.state !== 'on',
    });
  }

  private setProgress(progress: Progress | undefined): void {
    this.progress = progress;
    this.options.onProgress?.(progress ?? null);
  }

  async status(): Promise<EncryptionStatus> {
    await this.load();
    await this.openWithKeychain();
    const keychain = await keychainProblem(this.options.keyProtector);
    const enabled = this.keyFile !== undefined || this.keyFileDamaged;
    const locked = enabled && this.dataKey === undefined;
    const problem = this.keyFileDamaged
      ? messages.damagedKeyFile
      : locked && this.keyFile?.wrapping.method === 'keychain'
        ? this.keychainOpenProblem
        : this.conversionProblem;
    return {
      enabled,
      locked,
      method: this.keyFile?.wrapping.method ?? null,
      keychainAvailable: keychain === undefined,
      ...(keychain === undefined ? {} : { keychainProblem: keychain }),
      ...(this.keyFile === undefined || this.keyFile.state === 'on' ? {} : { unfinished: this.keyFile.state === 'encrypting' ? 'encrypt' : 'decrypt' }),
      ...(this.progress === undefined ? {} : { progress: { ...this.progress } }),
      ...(problem === undefined ? {} : { problem }),
    };
  }

  /** Encrypts every existing session (resuming an interrupted start if there was one); resolves when all are. */
  enable(request: EnableEncryptionRequest): Promise<EncryptionStatus> {
    return this.exclusive(async () => {
      await this.load();
      if (this.keyFileDamaged) throw this.lockedFailure();
      const existing = this.keyFile;
      if (existing?.state === 'on') throw new ContractFailure('conflict', 'Encryption is already on.');
      if (existing !== undefined) {
        // Interrupted, or being turned off: finish encrypting with the key there is.
        await this.openWithKeychain();
        if (this.dataKey === undefined) throw this.lockedFailure();
        await this.setState('encrypting');
      } else {
        const dataKey = newDataKey();
        let wrapping: KeyFile['wrapping'];
        if (request.method === 'keychain') {
          const problem = await keychainProblem(this.options.keyProtector);
          if (problem !== undefined || this.options.keyProtector === undefined) throw new ContractFailure('unsupported', problem ?? 'no keychain');
          wrapping = await wrapWithKeychain(dataKey, this.options.keyProtector);
        } else {
          wrapping = await wrapWithPassphrase(dataKey, request.passphrase, this.options.scryptCost ?? defaultScryptCost);
        }
        const file: KeyFile = { format: 'attune.keys', version: 1, state: 'encrypting', wrapping };
        await writeKeyFile(this.keyPath, file);
        this.keyFile = file;
        this.dataKey = dataKey;
      }
      await this.convertAll('encrypt');
      return this.status();
    });
  }

  /** Opens the key with the passphrase; finishes an interrupted conversion before answering. */
  unlock(passphrase: string): Promise<EncryptionStatus> {
    return this.exclusive(async () => {
      await this.load();
      if (this.keyFileDamaged) throw this.lockedFailure();
      const file = this.keyFile;
      if (file === undefined) throw new ContractFailure('conflict', 'Encryption is off; there is nothing to unlock.');
      if (file.wrapping.method !== 'passphrase') {
        await this.openWithKeychain();
        if (this.dataKey === undefined) throw this.lockedFailure();
      } else if (this.dataKey === undefined) {
        const dataKey = await unwrapWithPassphrase(file.wrapping, passphrase);
        if (dataKey === undefined) throw new ContractFailure('wrong-passphrase', messages.wrongPassphrase);
        this.dataKey = dataKey;
      }
      if (file.state !== 'on') await this.convertAll(file.state === 'decrypting' ? 'decrypt' : 'encrypt');
      return this.status();
    });
  }

  /** Wraps the same data key under the new passphrase: keys.json changes, no session file does. */
  changePassphrase(current: string, next: string): Promise<EncryptionStatus> {
    return this.exclusive(async () => {
      await this.load();
      if (this.keyFileDamaged) throw this.lockedFailure();
      const file = this.keyFile;
      if (file?.wrapping.method !== 'passphrase') {
        throw new ContractFailure('conflict', file === undefined ? 'Encryption is off.' : 'The key is kept by the keychain; there is no passphrase to change.');
      }
      const dataKey = await unwrapWithPassphrase(file.wrapping, current);
      if (dataKey === undefined) throw new ContractFailure('wrong-passphrase', 'The current passphrase is not right.');
      const wrapping = await wrapWithPassphrase(dataKey, next, this.options.scryptCost ?? defaultScryptCost);
      const rewrapped: KeyFile = { ...(this.keyFile ?? file), wrapping };
      await writeKeyFile(this.keyPath, rewrapped);
      this.keyFile = rewrapped;
      this.dataKey = dataKey;
      return this.status();
    });
  }

  /** Decrypts every session, then removes the key; with a passphrase, it must be typed to confirm. */
  disable(passphrase: string | undefined): Promise<EncryptionStatus> {
    return this.exclusive(async () => {
      await this.load();
      if (this.keyFileDamaged) throw this.lockedFailure();
      const file = this.keyFile;
      if (file === undefined) throw new ContractFailure('conflict', 'Encryption is already off.');
      if (file.wrapping.method === 'passphrase') {
        if (passphrase === undefined) throw new ContractFailure('wrong-passphrase', 'Type the passphrase to turn encryption off.');
        const dataKey = await unwrapWithPassphrase(file.wrapping, passphrase);
        if (dataKey === undefined) throw new ContractFailure('wrong-passphrase', messages.wrongPassphrase);
        this.dataKey = dataKey;
      } else {
        await this.openWithKeychain();
        if (this.dataKey === undefined) throw this.lockedFailure();
      }
      await this.setState('decrypting');
      await this.convertAll('decrypt');
      return this.status();
    });
  }

  private async setState(state: KeyFile['state']): Promise<void> {
    if (this.keyFile === undefined || this.keyFile.state === state) return;
    const file = { ...this.keyFile, state };
    await writeKeyFile(this.keyPath, file);
    this.keyFile = file;
  }

  /** One conversion at a time; a second caller waits for the one running, then runs its own if still needed. */
  private convertAll(direction: ConversionDirection): Promise<void> {
    const run = async () => {
      const expected = direction === 'encrypt' ? 'encrypting' : 'decrypting';
      if (this.keyFile?.state !== expected) return;
      this.conversionProblem = undefined;
      try {
        await this.convertEverySession(direction);
      } catch (error) {
        this.conversionProblem = `${direction === 'encrypt' ? 'Encrypting' : 'Decrypting'} the existing sessions stopped (${failureReason(error)}); every session can still be read, and Attune tries again the next time it starts.`;
        throw new ContractFailure('write-failed', this.conversionProblem);
      } finally {
        this.setProgress(undefined);
      }
    };
    const running = (this.conversion ?? Promise.resolve()).then(run, run);
    // Kept only to wait on: never rejects (the caller of this run gets its failure), so nothing goes unhandled.
    const tracked: Promise<void> = running
      .catch(() => undefined)
      .finally(() => {
        if (this.conversion === tracked) this.conversion = undefined;
      });
    this.conversion = tracked;
    return running;
  }

  private async convertEverySession(direction: ConversionDirection): Promise<void> {
    const dataKey = this.dataKey;
    if (dataKey === undefined) throw this.lockedFailure();
    const reading = encryptedCodec(dataKey, { writesEncrypted: false, readsClear: true });
    const target = direction === 'encrypt' ? encryptedCodec(dataKey, { writesEncrypted: true, readsClear: false }) : clearCodec;
    const expected = direction === 'encrypt' ? 'encrypting' : 'decrypting';
    // Turned the other way meanwhile: that conversion takes over.
    const superseded = () => this.keyFile?.state !== expected;
    const converted = new Set<string>();
    // A session started while the list was being worked through is picked up by the next pass.
    for (;;) {
      const pending = (await this.options.sessions.sessionIds()).filter((sessionId) => !converted.has(sessionId));
      if (pending.length === 0) break;
      this.setProgress({ direction, done: converted.size, total: converted.size + pending.length });
      for (const sessionId of pending) {
        if (superseded()) return;
        await this.options.sessions.rewriteSession(sessionId, (directory) =>
          convertSessionFolder(directory, sessionId, this.options.sessionFiles, { direction, reading, target }),
        );
        converted.add(sessionId);
        this.setProgress({ direction, done: converted.size, total: this.progress?.total ?? converted.size });
      }
    }
    if (superseded()) return;
    if (direction === 'encrypt') {
      await this.setState('on');
    } else {
      await removeKeyFile(this.keyPath);
      this.keyFile = undefined;
      this.dataKey = undefined;
    }
  }

  /** Waits for a conversion running in the background (before the store closes). */
  async dispose(): Promise<void> {
    await this.conversion?.catch(() => undefined);
  }
}
