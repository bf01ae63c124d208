import type { HostCall } from '../../../core/contract';
import { facilitatorInitialsSchema } from '../../../core/events';
import type { PairingStatus } from '../../../core/pairing-contract';
import type { Result } from '../../../core/result';
import { TypedEmitter } from '../../../core/typed-emitter';

export interface CoFacilitationState {
  /** The host's latest word on this session's pairing; undefined until it has answered once. */
  readonly status: PairingStatus | undefined;
  /** A request is on its way: the panel's buttons wait for it. */
  readonly busy: boolean;
  /** Why the last request failed, as a sentence for the panel. */
  readonly problem: string | undefined;
}

export interface CoFacilitationHost {
  readonly call: HostCall;
  /** The host's `pairing:status` events (any session's); answers the unsubscribe. */
  readonly onStatus: (listener: (status: PairingStatus) => void) => () => void;
  /** The main facilitator signed in: their marks carry these initials from now on. */
  readonly signIn: (initials: string) => void;
}

/**
 * The main screen's side of co-facilitation for one running session: the open invitation,
 * the paired devices, and what the facilitator asks of them (invite, cancel, remove). React-free;
 * the panel reads it through useExternalState.
 */
export class CoFacilitation extends TypedEmitter<{ state: CoFacilitationState }> {
  private state: CoFacilitationState = { status: undefined, busy: false, problem: undefined };
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(
    readonly sessionId: string,
    private readonly host: CoFacilitationHost,
  ) {
    super();
    this.unsubscribe = host.onStatus((status) => {
      if (status.sessionId === this.sessionId) this.take(status);
    });
  }

  getState(): CoFacilitationState {
    return this.state;
  }

  /** The initials the main facilitator signed with, if they have (here or before a reload). */
  hostInitials(): string | null {
    return this.state.status?.hostInitials ?? null;
  }

  /** Asks the host where pairing stands (on opening the panel, after a reload). */
  async refresh(): Promise<void> {
    await this.request(() => this.host.call('pairing:status', { sessionId: this.sessionId }));
  }

  /** Opens (or renews) the invitation, signed by the main facilitator. */
  async invite(initials: string): Promise<boolean> {
    const parsed = facilitatorInitialsSchema.safeParse(initials);
    if (!parsed.success) {
      this.set({ problem: 'Type your initials first (up to 40 characters): your marks will carry them.' });
      return false;
    }
    const done = await this.request(() => this.host.call('pairing:invite', { sessionId: this.sessionId, hostInitials: parsed.data }));
    if (done) this.host.signIn(parsed.data);
    return done;
  }

  async cancelInvitation(): Promise<boolean> {
    return this.request(() => this.host.call('pairing:cancel-invite', { sessionId: this.sessionId }));
  }

  /** Revokes the device at once: its next request is refused, and it is told so. */
  async remove(deviceId: string): Promise<boolean> {
    return this.request(() => this.host.call('pairing:remove', { sessionId: this.sessionId, deviceId }));
  }

  private async request(send: () => Promise<Result<PairingStatus>>): Promise<boolean> {
    this.set({ busy: true, problem: undefined });
    const result = await send();
    if (this.disposed) return false;
    if (!result.ok) {
      this.set({ busy: false, problem: result.error.message });
      return false;
    }
    this.set({ busy: false });
    this.take(result.value);
    return true;
  }

  private take(status: PairingStatus): void {
    if (status.hostInitials !== null) this.host.signIn(status.hostInitials);
    this.set({ status });
  }

  private set(changes: Partial<CoFacilitationState>): void {
    if (this.disposed) return;
    this.state = { ...this.state, ...changes };
    this.emit('state', this.state);
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.removeAllListeners();
  }
}
