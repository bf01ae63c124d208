import type { Channel } from '../../../core/channels';
import type { RequestOf } from '../../../core/contract';
import type { EnableEncryptionRequest, EncryptionStatus } from '../../../core/encryption';
import { TypedEmitter } from '../../../core/typed-emitter';
import { call } from '../../bridge/attune-bridge';
import { onHostEvent } from '../../bridge/host-events';

export type EncryptionTask = 'enabling' | 'unlocking' | 'changing' | 'disabling';

export interface EncryptionState {
  readonly status: EncryptionStatus | undefined;
  readonly loadError: string | undefined;
  /** What is being done now; only one thing at a time. */
  readonly task: EncryptionTask | undefined;
}

type StatusChannel = Extract<Channel, 'encryption:enable' | 'encryption:unlock' | 'encryption:change-passphrase' | 'encryption:disable'>;

/** The renderer's view of encryption at rest; the settings section and the Start screen's prompt read it. */
export class EncryptionClient extends TypedEmitter<{ state: EncryptionState }> {
  private state: EncryptionState = { status: undefined, loadError: undefined, task: undefined };
  private stopProgress: (() => void) | undefined;

  getState(): EncryptionState {
    return this.state;
  }

  private set(changes: Partial<EncryptionState>): void {
    this.state = { ...this.state, ...changes };
    this.emit('state', this.state);
  }

  async load(): Promise<void> {
    const result = await call('encryption:status', {});
    if (result.ok) this.set({ status: result.value, loadError: undefined });
    else this.set({ loadError: result.error.message });
  }

  /** Resolves to an error message to show beside the form, or undefined when it worked. */
  enable(request: EnableEncryptionRequest): Promise<string | undefined> {
    return this.run('enabling', 'encryption:enable', request);
  }

  unlock(passphrase: string): Promise<string | undefined> {
    return this.run('unlocking', 'encryption:unlock', { passphrase });
  }

  changePassphrase(current: string, next: string): Promise<string | undefined> {
    return this.run('changing', 'encryption:change-passphrase', { current, next });
  }

  disable(passphrase: string | undefined): Promise<string | undefined> {
    return this.run('disabling', 'encryption:disable', passphrase === undefined ? {} : { passphrase });
  }

  private async run<C extends StatusChannel>(task: EncryptionTask, channel: C, request: RequestOf<C>): Promise<string | undefined> {
    if (this.state.task !== undefined) return 'Wait until the current step has finished.';
    this.set({ task });
    // Turning encryption on or off converts every session (and unlocking may finish an interrupted conversion): the host tells how far it is.
    this.stopProgress = onHostEvent('encryption:progress', (progress) => this.showProgress(progress));
    try {
      const result = await call(channel, request);
      if (result.ok) {
        this.set({ status: result.value, loadError: undefined });
        return undefined;
      }
      await this.load();
      return result.error.message;
    } finally {
      this.stopProgress?.();
      this.stopProgress = undefined;
      this.set({ task: undefined });
    }
  }

  private showProgress(progress: EncryptionStatus['progress'] | null): void {
    const status = this.state.status;
    if (status === undefined || this.state.task === undefined) return;
    const next: EncryptionStatus = { ...status };
    if (progress === null || progress === undefined) delete next.progress;
    else next.progress = progress;
    this.set({ status: next });
  }

  dispose(): void {
    this.stopProgress?.();
    this.removeAllListeners();
  }
}
