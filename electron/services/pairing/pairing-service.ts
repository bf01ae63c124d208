import type * as QRCodeModule from 'qrcode';
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import type { JournalEvent, JournalEventInput } from '../../../core/events';
import { stateChangeProblem } from '../../../core/client-state-fold';
import { SessionFold } from '../../../core/fold';
import { formatClock } from '../../../core/format';
import type * as Channel from '../../../core/pairing/channel';
import type { BoxBinding } from '../../../core/pairing/channel';
import type * as Cpace from '../../../core/pairing/cpace';
import type { CpaceContext } from '../../../core/pairing/cpace';
import { formatPairingCode } from '../../../core/pairing/pairing-code';
import {
  deviceEnvelopeSchema,
  deviceRequestSchema,
  FEED_WAIT_MS,
  finishPlaintextSchema,
  finishRequestSchema,
  pairingPaths,
  startRequestSchema,
  type DeviceDetails,
  type DeviceMark,
  type DeviceRequest,
  type DeviceResponse,
  type DeviceState,
  type Feed,
  type FeedMark,
  type PairingError,
} from '../../../core/pairing/protocol';
import type { PairedDevice, PairingStatus } from '../../../core/pairing-contract';
import { phaseSegments, type Playlist } from '../../../core/playlist';
import { ContractFailure } from '../../../core/result';
import type { SessionId } from '../../../core/session';
import { TypedEmitter } from '../../../core/typed-emitter';
import type { PlaylistCatalog } from '../playlists';
import type { SessionStore } from '../sessions';
import type { SettingsService } from '../settings';
import { loadOrCreateHostCertificate, type HostCertificate } from './host-certificate';
import { defaultInvitationPolicy, Invitation, type InvitationPolicy } from './invitation';
import { LanServer, type PostAnswer } from './lan-server';

interface PairingCrypto {
  readonly cpace: typeof Cpace;
  readonly channel: typeof Channel;
}
/** The PAKE and the cipher, loaded when the server first listens: their curve arithmetic cost every host start ~25 ms. */
let pairingCrypto: PairingCrypto | undefined;

async function loadPairingCrypto(): Promise<PairingCrypto> {
  pairingCrypto ??= { cpace: await import('../../../core/pairing/cpace'), channel: await import('../../../core/pairing/channel') };
  return pairingCrypto;
}

/** The crypto, which every request handler may take as loaded: requests only come while the server listens. */
function loadedCrypto(): PairingCrypto {
  if (pairingCrypto === undefined) throw new Error('the pairing crypto is loaded before the server listens');
  return pairingCrypto;
}

type QrCodes = Pick<typeof QRCodeModule, 'create'>;
/** The QR encoder, loaded with the first invitation rather than at every host start. */
let qrCodes: QrCodes | undefined;

export interface PairingServiceOptions {
  readonly dataDir: string;
  readonly sessions: SessionStore;
  readonly settings: SettingsService;
  readonly playlists: PlaylistCatalog;
  /** The built renderer (holds device.html); undefined: the device page answers 503. */
  readonly deviceAppDir: string | undefined;
  readonly now: () => number;
  /** Where the local-network server listens (every IPv4 interface; tests may pass 127.0.0.1). */
  readonly listenHost: string;
  readonly invitationPolicy: InvitationPolicy;
  /** How long a feed request is held when nothing changed. */
  readonly feedWaitMs: number;
  /** Silence after which a paired device shows as quiet. */
  readonly quietAfterMs: number;
  /** A device mark journaled this long after it was made is flagged late. */
  readonly lateAfterMs: number;
  /**
   * How long the server listens on, after the last device is removed or the session ends, for a device not yet
   * told so (its link down, or between two requests); told, it stops at once.
   */
  readonly noticeWindowMs: number;
  readonly log: (line: string) => void;
}

export interface PairingEvents extends Record<string, unknown> {
  status: PairingStatus;
  /** Events journaled for paired devices, already saved, in journal order. */
  'remote-events': { sessionId: SessionId; events: JournalEvent[] };
}

interface Device {
  readonly deviceId: string;
  readonly initials: string;
  readonly deviceToHost: Uint8Array;
  readonly hostToDevice: Uint8Array;
  readonly pairedAt: number;
  lastCounter: number;
  lastSeenAt: number | null;
  /** Feed requests held right now: a device waiting on one is not quiet. */
  heldFeeds: number;
  markCount: number;
}

/** What is left of a device that may no longer send: the key to tell it so, nothing to read its requests. */
interface Tombstone {
  readonly hostToDevice: Uint8Array;
  readonly reason: 'removed' | 'session-ended';
  /** When it was removed or its session ended, on the host clock. */
  readonly since: number;
  /** Whether it has been answered with the notice (the server keeps listening until then, within `noticeWindowMs`). */
  told: boolean;
}

interface PendingRun {
  readonly invitation: Invitation;
  readonly context: CpaceContext;
  readonly deviceConfirm: Uint8Array;
  readonly deviceToHost: Uint8Array;
  readonly hostToDevice: Uint8Array;
}

interface Pairing {
  readonly sessionId: SessionId;
  readonly fold: SessionFold;
  readonly playlist: Playlist;
  readonly title: string;
  hostInitials: string | null;
  invitation: Invitation | null;
  readonly runs: Map<string, PendingRun>;
  readonly devices: Map<string, Device>;
  readonly tombstones: Map<string, Tombstone>;
  /** Mark id → who made it and from where (the fold does not keep authors). */
  readonly authors: Map<string, { by: string | null; device: 'main' | string | null; late: boolean }>;
  /** The device that sent a mark, by mark id: set before its event is journaled, read when the fold hears of it. */
  readonly deviceOfMark: Map<string, string>;
  /**
   * The main screen's event latest in session time, to turn a host-clock time into session
   * time. Never one of ours: their session time was derived from the anchor (a late mark's
   * even lies in the past), so their journal time would skew it.
   */
  anchor: { sessionMs: number; wallMs: number };
  /** Ids of the events this service journaled for devices. */
  readonly ownEventIds: Set<string>;
  revision: number;
  readonly feedWaiters: Set<() => void>;
  ended: boolean;
}

const error = (status: number, body: PairingError): PostAnswer => ({ status, body });

/**
 * Co-facilitation on the host: the invitation of the running session, the paired devices and
 * their keys, the local-network server (listening only while an invitation is open or a
 * device is paired, and until a removed device has been told), and the journaling of device
 * marks through the session store.
 */
export class PairingService extends TypedEmitter<PairingEvents> {
  static readonly defaults: Omit<PairingServiceOptions, 'dataDir' | 'sessions' | 'settings' | 'playlists' | 'deviceAppDir'> = {
    now: () => Date.now(),
    listenHost: '0.0.0.0',
    invitationPolicy: defaultInvitationPolicy,
    feedWaitMs: FEED_WAIT_MS,
    quietAfterMs: 10_000,
    lateAfterMs: 5_000,
    noticeWindowMs: 60_000,
    log: (line) => console.error(line),
  };

  private readonly options: PairingServiceOptions;
  private pairing: Pairing | undefined;
  private server: LanServer | undefined;
  private certificate: Promise<HostCertificate> | undefined;
  private readonly stopObserving: () => void;
  private watchTimer: ReturnType<typeof setInterval> | undefined;
  private lastQuiet = new Map<string, boolean>();
  private lifecycle: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(options: Pick<PairingServiceOptions, 'dataDir' | 'sessions' | 'settings' | 'playlists' | 'deviceAppDir'> & Partial<PairingServiceOptions>) {
    super();
    this.options = { ...PairingService.defaults, ...options };
    this.stopObserving = this.options.sessions.observeAppends((sessionId, events) => this.observe(sessionId, events));
  }

  // ---- the main screen's side ----

  async invite(sessionId: SessionId, hostInitials: string): Promise<PairingStatus> {
    return this.serially(async () => {
      const pairing = await this.pairingFor(sessionId);
      if (pairing.ended) throw new ContractFailure('conflict', 'this session has ended; a co-facilitator can only join a running session');
      if (pairing.hostInitials === null) {
        await this.journal(pairing, [this.coFacilitatorEvent(pairing, 'joined', 'main', hostInitials)]);
      }
      pairing.hostInitials = hostInitials;
      qrCodes ??= (await import('qrcode')).default;
      pairing.invitation = new Invitation(this.options.now(), this.options.invitationPolicy);
      await this.ensureListening();
      this.watch();
      return this.publishStatus();
    });
  }

  async cancelInvite(sessionId: SessionId): Promise<PairingStatus> {
    return this.serially(async () => {
      const pairing = this.current(sessionId);
      if (pairing !== undefined) pairing.invitation = null;
      await this.stopListeningIfIdle();
      return this.publishStatus(sessionId);
    });
  }

  async status(sessionId: SessionId): Promise<PairingStatus> {
    return this.statusOf(sessionId);
  }

  async remove(sessionId: SessionId, deviceId: string): Promise<PairingStatus> {
    return this.serially(async () => {
      const pairing = this.current(sessionId);
      const device = pairing?.devices.get(deviceId);
      if (pairing === undefined || device === undefined) throw new ContractFailure('not-found', 'no such device is paired with this session');
      pairing.devices.delete(deviceId);
      pairing.tombstones.set(deviceId, { hostToDevice: device.hostToDevice, reason: 'removed', since: this.options.now(), told: false });
      this.wakeFeeds(pairing, false);
      await this.journal(pairing, [this.coFacilitatorEvent(pairing, 'left', deviceId, device.initials, 'removed')]);
      await this.stopListeningIfIdle();
      return this.publishStatus();
    });
  }

  /** Where the server listens now, for tests and the host log; undefined when it does not. */
  get listeningPort(): number | undefined {
    return this.server?.listening === true ? this.server.port : undefined;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.stopObserving();
    if (this.watchTimer !== undefined) clearInterval(this.watchTimer);
    if (this.pairing !== undefined) this.wakeFeeds(this.pairing, false);
    await this.server?.stop();
    this.server = undefined;
    this.removeAllListeners();
  }

  // ---- the local network's side ----

  /** Answers one POST from the local network; `body` is parsed JSON, unchecked. */
  async handlePost(urlPath: string, body: unknown): Promise<PostAnswer> {
    switch (urlPath) {
      case pairingPaths.hello:
        return this.hello();
      case pairingPaths.start:
        return this.serially(() => this.start(body));
      case pairingPaths.finish:
        return this.serially(() => this.finish(body));
      case pairingPaths.device:
        return this.deviceRequest(body);
      default:
        return error(404, { error: 'not-found', message: `nothing is at ${urlPath}` });
    }
  }

  private openInvitation(): { pairing: Pairing; invitation: Invitation } | undefined {
    const pairing = this.pairing;
    const invitation = pairing?.invitation ?? null;
    if (pairing === undefined || invitation === null || pairing.ended) return undefined;
    return { pairing, invitation };
  }

  private async hello(): Promise<PostAnswer> {
    const invited = this.openInvitation();
    if (invited === undefined) return error(404, { error: 'no-invitation', message: 'no invitation is open on the main screen' });
    if (invited.invitation.expired(this.options.now())) return error(410, { error: 'expired', message: 'the invitation has expired' });
    const certificate = await this.hostCertificate();
    return { status: 200, body: { invitationId: invited.invitation.id, hostId: certificate.fingerprint, hostTime: this.options.now() } };
  }

  private async start(body: unknown): Promise<PostAnswer> {
    const request = startRequestSchema.safeParse(body);
    if (!request.success) return error(400, { error: 'bad-request', message: 'a pairing start needs invitationId, deviceId and a 32-byte share' });
    const invited = this.openInvitation();
    if (invited === undefined || invited.invitation.id !== request.data.invitationId) {
      return error(404, { error: 'no-invitation', message: 'this invitation is not open (ask for a new code on the main screen)' });
    }
    if (invited.pairing.devices.has(request.data.deviceId) || invited.pairing.tombstones.has(request.data.deviceId)) {
      // A device id is the device's for good: another pairing under it must not take its place.
      return error(400, { error: 'bad-request', message: 'this device id is already used; a new pairing uses a new one' });
    }
    const verdict = invited.invitation.beginAttempt(this.options.now());
    if (!verdict.ok) {
      const messages = { expired: 'the invitation has expired or was used', locked: 'too many wrong codes: the invitation is locked', 'slow-down': 'too many wrong codes: wait before trying again' };
      this.publishStatus();
      return error(verdict.error === 'slow-down' ? 429 : verdict.error === 'locked' ? 423 : 410, {
        error: verdict.error,
        message: messages[verdict.error],
        ...(verdict.retryAfterMs === undefined ? {} : { retryAfterMs: verdict.retryAfterMs }),
      });
    }
    this.publishStatus();
    const certificate = await this.hostCertificate();
    const context: CpaceContext = { code: invited.invitation.code, invitationId: invited.invitation.id, deviceId: request.data.deviceId, hostId: certificate.fingerprint };
    const { cpace, channel } = loadedCrypto();
    const own = cpace.cpaceShare(context);
    let keys;
    try {
      keys = cpace.cpaceKeys(context, 'host', own, channel.fromHex(request.data.share));
    } catch {
      return error(400, { error: 'bad-request', message: 'the share is not a valid group element' });
    }
    invited.pairing.runs.set(request.data.deviceId, { invitation: invited.invitation, context, deviceConfirm: keys.deviceConfirm, deviceToHost: keys.deviceToHost, hostToDevice: keys.hostToDevice });
    return { status: 200, body: { share: channel.toHex(own.share), hostConfirm: channel.toHex(keys.hostConfirm), hostTime: this.options.now() } };
  }

  private async finish(body: unknown): Promise<PostAnswer> {
    const request = finishRequestSchema.safeParse(body);
    if (!request.success) return error(400, { error: 'bad-request', message: 'a pairing finish needs invitationId, deviceId, deviceConfirm and a box' });
    const invited = this.openInvitation();
    const run = invited?.pairing.runs.get(request.data.deviceId);
    if (invited === undefined || run === undefined || run.invitation !== invited.invitation || invited.invitation.id !== request.data.invitationId) {
      return error(404, { error: 'no-invitation', message: 'no pairing of this device is under way' });
    }
    const { pairing, invitation } = invited;
    pairing.runs.delete(request.data.deviceId);
    if (invitation.consumed || invitation.expired(this.options.now())) return error(410, { error: 'expired', message: 'the invitation has expired or was used' });
    const { cpace, channel } = loadedCrypto();
    if (!cpace.sameTag(run.deviceConfirm, channel.fromHex(request.data.deviceConfirm))) {
      return error(403, { error: 'wrong-code', message: 'the code did not match' });
    }
    const binding: BoxBinding = { deviceId: request.data.deviceId, counter: 0, direction: 'device-to-host', path: pairingPaths.finish };
    const plaintext = finishPlaintextSchema.safeParse(openBox(run.deviceToHost, binding, request.data.box));
    if (!plaintext.success) return error(400, { error: 'bad-request', message: 'the pairing box does not open or does not hold initials' });
    invitation.succeed();
    pairing.invitation = null;
    pairing.runs.clear();
    const now = this.options.now();
    const device: Device = {
      deviceId: request.data.deviceId,
      initials: plaintext.data.initials,
      deviceToHost: run.deviceToHost,
      hostToDevice: run.hostToDevice,
      pairedAt: now,
      lastCounter: 0,
      lastSeenAt: now,
      heldFeeds: 0,
      markCount: 0,
    };
    pairing.devices.set(device.deviceId, device);
    await this.journal(pairing, [this.coFacilitatorEvent(pairing, 'joined', device.deviceId, device.initials)]);
    this.publishStatus();
    const box = channel.seal(device.hostToDevice, { ...binding, direction: 'host-to-device' }, { hostTime: this.options.now(), feed: this.feed(pairing) });
    return { status: 200, body: { box } };
  }

  private async deviceRequest(body: unknown): Promise<PostAnswer> {
    const envelope = deviceEnvelopeSchema.safeParse(body);
    if (!envelope.success) return error(400, { error: 'bad-request', message: 'a device request is { deviceId, counter, box }' });
    const { deviceId, counter, box } = envelope.data;
    const pairing = this.pairing;
    const binding: BoxBinding = { deviceId, counter, direction: 'device-to-host', path: pairingPaths.device };
    const reply = (key: Uint8Array, response: DeviceResponse): PostAnswer => ({ status: 200, body: { box: loadedCrypto().channel.seal(key, { ...binding, direction: 'host-to-device' }, response) } });
    const tombstone = pairing?.tombstones.get(deviceId);
    if (pairing !== undefined && tombstone !== undefined) {
      this.noteTold(tombstone);
      // Its request is not read (the key to open it is gone); the answer only proves to the device that its host says so.
      return reply(tombstone.hostToDevice, { status: 'gone', hostTime: this.options.now(), reason: tombstone.reason });
    }
    const device = pairing?.devices.get(deviceId);
    if (pairing === undefined || device === undefined) return error(404, { error: 'unknown-device', message: 'this host does not know this device' });
    const opened = openBox(device.deviceToHost, binding, box);
    if (opened === undefined) return error(400, { error: 'bad-request', message: 'the box does not open' });
    // Checked only once the box opened: an outsider cannot move the counter on.
    if (counter <= device.lastCounter) return error(409, { error: 'stale-counter', message: 'this request was already used (a replay, or overtaken by a later one)' });
    device.lastCounter = counter;
    device.lastSeenAt = this.options.now();
    const request = deviceRequestSchema.safeParse(opened);
    if (!request.success) return error(400, { error: 'bad-request', message: 'the sealed request is not one this host understands' });
    this.noteSeen(device);
    return reply(device.hostToDevice, await this.answerDevice(pairing, device, request.data));
  }

  private ok(accepted: string[], rejected: { id: string; reason: string }[], feed: Feed | null): DeviceResponse {
    return { status: 'ok', hostTime: this.options.now(), accepted, rejected, feed };
  }

  private async answerDevice(pairing: Pairing, device: Device, request: DeviceRequest): Promise<DeviceResponse> {
    switch (request.op) {
      case 'feed':
        return this.waitForFeed(pairing, device, request.since);
      case 'mark':
        return this.serially(() => this.journalDeviceItems(pairing, device, request.marks, (mark) => this.markEvent(pairing, device, mark)));
      case 'details':
        return this.serially(() => this.journalDeviceItems(pairing, device, request.edits, (edit) => this.detailsEvent(pairing, device, edit)));
      case 'state':
        return this.serially(() => this.journalDeviceItems(pairing, device, request.states, (state) => this.stateEvent(pairing, state)));
    }
  }

  private async waitForFeed(pairing: Pairing, device: Device, since: number | null): Promise<DeviceResponse> {
    if (since !== pairing.revision || pairing.ended) return this.goneOr(pairing, device) ?? this.ok([], [], this.feed(pairing));
    device.heldFeeds += 1;
    try {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          pairing.feedWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.options.feedWaitMs);
        pairing.feedWaiters.add(wake);
      });
    } finally {
      device.heldFeeds -= 1;
      device.lastSeenAt = this.options.now();
    }
    return this.goneOr(pairing, device) ?? this.ok([], [], since === pairing.revision ? null : this.feed(pairing));
  }

  /** A device removed or ended while its request was held hears it in that request's answer. */
  private goneOr(pairing: Pairing, device: Device): DeviceResponse | undefined {
    if (pairing.devices.get(device.deviceId) === device) return undefined;
    const tombstone = pairing.tombstones.get(device.deviceId);
    if (tombstone !== undefined) this.noteTold(tombstone);
    return { status: 'gone', hostTime: this.options.now(), reason: tombstone?.reason ?? 'removed' };
  }

  /** A removed or ended device has its notice: the server may stop once no other needs it. */
  private noteTold(tombstone: Tombstone): void {
    if (tombstone.told) return;
    tombstone.told = true;
    void this.serially(() => this.stopListeningIfIdle()).then(() => this.publishStatus());
  }

  /** A removed or ended device not yet told so, within the notice window: the server listens on for it. */
  private awaitingNotice(pairing: Pairing | undefined): boolean {
    if (pairing === undefined) return false;
    const now = this.options.now();
    return [...pairing.tombstones.values()].some((tombstone) => !tombstone.told && now - tombstone.since < this.options.noticeWindowMs);
  }

  private async journalDeviceItems<Item extends { id: string; madeAtHostMs: number }>(
    pairing: Pairing,
    device: Device,
    items: readonly Item[],
    toEvent: (item: Item) => JournalEventInput | string,
  ): Promise<DeviceResponse> {
    const gone = this.goneOr(pairing, device);
    if (gone !== undefined) return gone;
    const rejected: { id: string; reason: string }[] = [];
    const inputs: JournalEventInput[] = [];
    for (const item of items) {
      const event = toEvent(item);
      if (typeof event === 'string') rejected.push({ id: item.id, reason: event });
      else inputs.push(event);
    }
    inputs.sort((a, b) => a.sessionMs - b.sessionMs);
    let saved: { event: JournalEvent; duplicate: boolean }[] = [];
    if (inputs.length > 0) {
      try {
        saved = await this.journal(pairing, inputs);
      } catch (failure) {
        // Nothing was saved: the device keeps the items and sends them again.
        this.options.log(`attune: a paired device's items could not be journaled: ${failure instanceof Error ? failure.message : String(failure)}`);
        return this.ok([], [], null);
      }
    }
    const fresh = saved.filter((result) => !result.duplicate).map((result) => result.event);
    const freshMarks = fresh.filter((event) => event.kind === 'mark').length;
    device.markCount += freshMarks;
    if (fresh.length > 0) this.emit('remote-events', { sessionId: pairing.sessionId, events: fresh });
    if (freshMarks > 0) this.publishStatus();
    // The answer carries the feed with these items in it, so the device never shows an acknowledged mark missing.
    return this.ok(
      inputs.map((input) => input.id),
      rejected,
      this.feed(pairing),
    );
  }

  private sessionMsAt(pairing: Pairing, hostMs: number): number {
    return Math.max(0, Math.round(pairing.anchor.sessionMs + (hostMs - pairing.anchor.wallMs)));
  }

  private markEvent(pairing: Pairing, device: Device, mark: DeviceMark): JournalEventInput | string {
    const definition = this.options.settings.current().markKinds.find((kind) => kind.id === mark.markKind);
    if (definition === undefined) return `no mark kind "${mark.markKind}" in the host's settings`;
    if (definition.span) return `${definition.label} opens and closes a span: make it on the main screen`;
    // The same reaction time as the main screen's keys: the mark is placed where the facilitator noticed.
    const madeAtSessionMs = this.sessionMsAt(pairing, mark.madeAtHostMs);
    const reactionOffsetMs = Math.min(this.options.settings.current().reactionOffsetMs, madeAtSessionMs);
    const sessionMs = madeAtSessionMs - reactionOffsetMs;
    const place = pairing.fold.musicPlaceAt(sessionMs) ?? firstPlace(pairing.playlist);
    const late = this.options.now() - mark.madeAtHostMs > this.options.lateAfterMs;
    pairing.deviceOfMark.set(mark.id, device.deviceId);
    return {
      id: mark.id,
      kind: 'mark',
      sessionMs,
      payload: {
        markKind: mark.markKind,
        ...place,
        reactionOffsetMs,
        by: device.initials,
        ...(mark.intensity === undefined ? {} : { intensity: mark.intensity }),
        ...(mark.note === undefined ? {} : { note: mark.note }),
        ...(late ? { late: true as const } : {}),
      },
    };
  }

  private detailsEvent(pairing: Pairing, device: Device, edit: DeviceDetails): JournalEventInput | string {
    const mark = pairing.fold.mark(edit.markId);
    if (mark === undefined || mark.deleted !== undefined) return 'that mark is not in this session (or was deleted)';
    return {
      id: edit.id,
      kind: 'mark-edited',
      sessionMs: Math.max(mark.sessionMs, this.sessionMsAt(pairing, edit.madeAtHostMs)),
      payload: {
        markId: edit.markId,
        ...(edit.intensity === undefined ? {} : { intensity: edit.intensity }),
        ...(edit.note === undefined ? {} : { note: edit.note }),
        from: 'live',
        by: device.initials,
      },
    };
  }

  private stateEvent(pairing: Pairing, state: DeviceState): JournalEventInput | string {
    const definition = this.options.settings.current().clientStates.find((candidate) => candidate.id === state.stateId);
    if (definition === undefined) return `no client state "${state.stateId}" in the host's settings`;
    if (definition.span) return `${definition.label} opens and closes a span: set it on the main screen`;
    const settings = this.options.settings.current();
    const madeAtSessionMs = this.sessionMsAt(pairing, state.madeAtHostMs);
    const reactionOffsetMs = Math.min(settings.reactionOffsetMs, madeAtSessionMs);
    const sessionMs = madeAtSessionMs - reactionOffsetMs;
    // The main screen's rules for the state band hold for the device's changes too.
    const problem = stateChangeProblem(
      {
        ended: pairing.ended,
        breakOpen: pairing.fold.openSpans().some((span) => span.markKind === 'break'),
        states: pairing.fold.clientStates,
        formatTime: (ms) => formatClock(ms + pairing.fold.t0OffsetMs),
        labelOf: (id) => settings.clientStates.find((candidate) => candidate.id === id)?.label ?? id,
      },
      sessionMs,
    );
    if (problem !== undefined) return problem;
    return { id: state.id, kind: 'client-state', sessionMs, payload: { stateId: state.stateId, action: 'set', reactionOffsetMs } };
  }

  // ---- the session's journal ----

  private coFacilitatorEvent(pairing: Pairing, action: 'joined' | 'left', device: string, by: string, reason?: 'removed'): JournalEventInput {
    return {
      id: randomUUID(),
      kind: 'co-facilitator',
      sessionMs: this.sessionMsAt(pairing, this.options.now()),
      payload: { action, device, by, ...(reason === undefined ? {} : { reason }) },
    };
  }

  /** Saves through the session store (the same group commit as the main screen's marks); the fold follows through observe(). */
  private async journal(pairing: Pairing, inputs: JournalEventInput[]): Promise<{ event: JournalEvent; duplicate: boolean }[]> {
    for (const input of inputs) pairing.ownEventIds.add(input.id);
    const acks = await this.options.sessions.appendMany(pairing.sessionId, inputs);
    const byId = new Map(inputs.map((input) => [input.id, input]));
    // A duplicate's stored event is the first one's: the fold has it; this copy only counts it as done.
    return acks.map((ack) => ({ event: { ...(byId.get(ack.id) as JournalEventInput), seq: ack.seq, wallTime: ack.wallTime } as JournalEvent, duplicate: ack.duplicate }));
  }

  private observe(sessionId: SessionId, events: readonly JournalEvent[]): void {
    const pairing = this.pairing;
    if (pairing === undefined || pairing.sessionId !== sessionId) return;
    for (const event of events) this.apply(pairing, event);
    this.wakeFeeds(pairing, true);
    if (events.some((event) => event.kind === 'session-ended')) void this.serially(() => this.endSession(pairing));
  }

  private apply(pairing: Pairing, event: JournalEvent): void {
    if (event.seq <= pairing.fold.lastSeq) return;
    pairing.fold.apply(event);
    const wallMs = Date.parse(event.wallTime);
    if (!pairing.ownEventIds.has(event.id) && event.sessionMs >= pairing.anchor.sessionMs && Number.isFinite(wallMs)) pairing.anchor = { sessionMs: event.sessionMs, wallMs };
    if (event.kind === 'mark') {
      const device = event.payload.by === undefined ? null : (pairing.deviceOfMark.get(event.id) ?? 'main');
      pairing.authors.set(event.id, { by: event.payload.by ?? null, device, late: event.payload.late === true });
    }
  }

  private async endSession(pairing: Pairing): Promise<void> {
    if (pairing.ended) return;
    pairing.ended = true;
    pairing.invitation = null;
    pairing.runs.clear();
    for (const device of pairing.devices.values()) pairing.tombstones.set(device.deviceId, { hostToDevice: device.hostToDevice, reason: 'session-ended', since: this.options.now(), told: false });
    pairing.devices.clear();
    this.wakeFeeds(pairing, false);
    await this.stopListeningIfIdle();
    this.publishStatus();
  }

  private wakeFeeds(pairing: Pairing, changed: boolean): void {
    if (changed) pairing.revision += 1;
    for (const wake of [...pairing.feedWaiters]) wake();
  }

  private feed(pairing: Pairing): Feed {
    const now = this.options.now();
    const nowSessionMs = this.sessionMsAt(pairing, now);
    const place = pairing.fold.musicPlaceAt(pairing.fold.lastSessionMs);
    const phase = place === undefined ? undefined : pairing.playlist.phases.find((candidate) => candidate.id === place.phaseId);
    const segment = phase === undefined || place === undefined ? undefined : phaseSegments(phase).find((candidate) => candidate.id === place.segmentId);
    const settings = this.options.settings.current();
    const currentBand = pairing.fold.clientStates.spans().findLast((span) => span.kind === 'band' && span.endMs === undefined);
    const marks: FeedMark[] = pairing.fold.snapshot().marks.map((mark) => {
      const author = pairing.authors.get(mark.id);
      return {
        id: mark.id,
        markKind: mark.markKind,
        by: author?.by ?? null,
        device: author?.device ?? null,
        sessionMs: mark.sessionMs,
        intensity: mark.intensity ?? null,
        note: mark.note ?? null,
        late: author?.late ?? false,
      };
    });
    return {
      revision: pairing.revision,
      clock: { hostTime: now, sessionMs: nowSessionMs },
      session: {
        title: pairing.title,
        phaseTitle: phase?.title ?? null,
        trackTitle: segment === undefined ? null : (segment.title ?? (segment.type === 'file' ? path.basename(segment.path, path.extname(segment.path)) : null)),
        markKinds: settings.markKinds.filter((kind) => !kind.hidden).map((kind) => ({ id: kind.id, label: kind.label, span: kind.span })),
        states: settings.clientStates.filter((state) => !state.hidden && !state.span).map((state) => ({ id: state.id, label: state.label })),
        currentStateId: currentBand?.stateId ?? null,
      },
      marks,
    };
  }

  // ---- lifecycle ----

  /** Pairing work one step at a time: an invitation, a run, a removal and a session end never interleave. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.lifecycle.then(work);
    this.lifecycle = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private current(sessionId: SessionId): Pairing | undefined {
    return this.pairing?.sessionId === sessionId ? this.pairing : undefined;
  }

  private async pairingFor(sessionId: SessionId): Promise<Pairing> {
    const existing = this.current(sessionId);
    if (existing !== undefined) return existing;
    const opened = await this.options.sessions.open(sessionId);
    const previous = this.pairing;
    if (previous !== undefined && !previous.ended) await this.endSession(previous);
    const pairing: Pairing = {
      sessionId,
      fold: new SessionFold(),
      playlist: await this.options.playlists.get(opened.meta.playlistId),
      title: opened.meta.playlistTitle,
      hostInitials: null,
      invitation: null,
      runs: new Map(),
      devices: new Map(),
      tombstones: new Map(),
      authors: new Map(),
      deviceOfMark: new Map(),
      ownEventIds: new Set(),
      anchor: { sessionMs: 0, wallMs: Date.parse(opened.meta.createdAt) },
      revision: 1,
      feedWaiters: new Set(),
      ended: opened.meta.status === 'ended',
    };
    for (const event of opened.events) {
      this.apply(pairing, event);
      if (event.kind === 'co-facilitator' && event.payload.device === 'main' && event.payload.action === 'joined') pairing.hostInitials = event.payload.by;
    }
    this.pairing = pairing;
    return pairing;
  }

  private async hostCertificate(): Promise<HostCertificate> {
    this.certificate ??= loadOrCreateHostCertificate(this.options.dataDir, this.options.log);
    this.certificateNow = await this.certificate;
    return this.certificateNow;
  }

  private async ensureListening(): Promise<void> {
    if (this.disposed || this.server?.listening === true) return;
    await loadPairingCrypto();
    this.server = new LanServer({
      certificate: await this.hostCertificate(),
      deviceAppDir: this.options.deviceAppDir,
      handlePost: (urlPath, body) => this.handlePost(urlPath, body),
      host: this.options.listenHost,
    });
    await this.server.start();
  }

  /** Whether anything needs the server: an open invitation, a paired device, or a removed one not yet told (within its window). */
  private needsServer(pairing: Pairing | undefined): boolean {
    const invitationOpen = pairing?.invitation != null && !pairing.invitation.expired(this.options.now());
    return invitationOpen || (pairing?.devices.size ?? 0) > 0 || this.awaitingNotice(pairing);
  }

  /** Stops the server when nothing needs it. */
  private async stopListeningIfIdle(): Promise<void> {
    if (this.needsServer(this.pairing)) return;
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  /** While pairing is live, checks each second for an expired invitation and devices gone quiet. */
  private watch(): void {
    if (this.watchTimer !== undefined) return;
    this.watchTimer = setInterval(() => {
      const pairing = this.pairing;
      if (pairing === undefined) return;
      let changed = false;
      if (pairing.invitation !== null && pairing.invitation.expired(this.options.now())) {
        pairing.invitation = null;
        changed = true;
      }
      for (const device of pairing.devices.values()) {
        const quiet = this.isQuiet(device);
        if (this.lastQuiet.get(device.deviceId) !== quiet) changed = true;
        this.lastQuiet.set(device.deviceId, quiet);
      }
      const needed = this.needsServer(pairing);
      // Nothing needs the server it still runs (the last notice window closed).
      if (!needed && this.server !== undefined) changed = true;
      if (changed) {
        void this.serially(() => this.stopListeningIfIdle()).then(() => this.publishStatus());
      }
      if (!needed && this.watchTimer !== undefined) {
        clearInterval(this.watchTimer);
        this.watchTimer = undefined;
      }
    }, 1000);
    this.watchTimer.unref?.();
  }

  private noteSeen(device: Device): void {
    if (this.lastQuiet.get(device.deviceId) === true) {
      this.lastQuiet.set(device.deviceId, false);
      this.publishStatus();
    }
  }

  private isQuiet(device: Device): boolean {
    if (device.heldFeeds > 0) return false;
    return this.options.now() - (device.lastSeenAt ?? device.pairedAt) > this.options.quietAfterMs;
  }

  private statusOf(sessionId: SessionId): PairingStatus {
    const pairing = this.current(sessionId);
    const port = this.listeningPort;
    const addresses = lanAddresses();
    const listening = port === undefined ? null : { addresses: this.options.listenHost === '0.0.0.0' ? addresses : [this.options.listenHost], port };
    if (pairing === undefined) return { sessionId, hostInitials: null, invitation: null, devices: [], listening };
    const invitation = pairing.invitation;
    const certificate = this.certificateNow;
    const devices: PairedDevice[] = [...pairing.devices.values()].map((device) => ({
      deviceId: device.deviceId,
      initials: device.initials,
      pairedAt: new Date(device.pairedAt).toISOString(),
      lastSeenAt: device.lastSeenAt === null ? null : new Date(device.lastSeenAt).toISOString(),
      quiet: this.isQuiet(device),
      markCount: device.markCount,
    }));
    let invitationView: PairingStatus['invitation'] = null;
    if (invitation !== null && certificate !== undefined && port !== undefined && !invitation.expired(this.options.now())) {
      const host = listening?.addresses[0] ?? '127.0.0.1';
      const url = `https://${host}:${port}/#c=${invitation.code}&f=${certificate.fingerprint}`;
      // Loaded by invite(), the only place an invitation is made.
      const qr = (qrCodes as QrCodes).create(url, { errorCorrectionLevel: 'M' });
      const size = qr.modules.size;
      invitationView = {
        url,
        code: formatPairingCode(invitation.code),
        expiresAt: new Date(invitation.expiresAt).toISOString(),
        fingerprint: certificate.fingerprintForReading,
        qr: Array.from({ length: size }, (_, row) => Array.from({ length: size }, (_, column) => qr.modules.get(row, column) === 1)),
        failedAttempts: invitation.failedAttempts,
        locked: invitation.locked,
      };
    }
    return { sessionId, hostInitials: pairing.hostInitials, invitation: invitationView, devices, listening };
  }

  private certificateNow: HostCertificate | undefined;

  private publishStatus(sessionId?: SessionId): PairingStatus {
    const id = sessionId ?? this.pairing?.sessionId;
    if (id === undefined) throw new ContractFailure('not-found', 'no session has pairing');
    const status = this.statusOf(id);
    this.emit('status', status);
    return status;
  }
}

function openBox(key: Uint8Array, binding: BoxBinding, box: Parameters<typeof Channel.open>[2]): unknown {
  return loadedCrypto().channel.open(key, binding, box)?.value;
}

function firstPlace(playlist: Playlist): { phaseId: string; segmentId: string; positionMs: number } {
  const phase = playlist.phases[0];
  const segment = phase === undefined ? undefined : phase.segments[0];
  return { phaseId: phase?.id ?? 'unknown', segmentId: segment?.id ?? 'unknown', positionMs: 0 };
}

/** The machine's non-loopback IPv4 addresses: what a device on the local network can reach. */
export function lanAddresses(): string[] {
  const addresses: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) addresses.push(entry.address);
  }
  return addresses;
}
