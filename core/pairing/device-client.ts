import { randomBytes } from '@noble/hashes/utils.js';
import * as z from 'zod';
import { TypedEmitter } from '../typed-emitter';
import { fromHex, open, seal, toHex, type BoxBinding } from './channel';
import { cpaceKeys, cpaceShare, sameTag, type CpaceContext } from './cpace';
import { normalisePairingCode } from './pairing-code';
import {
  deviceDetailsSchema,
  deviceMarkSchema,
  deviceResponseSchema,
  deviceStateSchema,
  FEED_WAIT_MS,
  feedSchema,
  finishResponsePlaintextSchema,
  helloResponseSchema,
  MAX_PAIRING_BODY_BYTES,
  pairingErrorSchema,
  pairingPaths,
  sealedResponseSchema,
  startResponseSchema,
  type DeviceRequest,
  type DeviceResponse,
  type Feed,
  type PairingErrorCode,
} from './protocol';

/** How the device reaches its host; rejects when the network fails. */
export interface DeviceTransport {
  post(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
}

/** Durable storage on the device (IndexedDB in the browser). */
export interface DeviceStore {
  load(): Promise<StoredDevice | undefined>;
  save(state: StoredDevice): Promise<void>;
  clear(): Promise<void>;
}

export type DeviceLink = 'unpaired' | 'pairing' | 'online' | 'offline' | 'removed' | 'session-ended' | 'refused-host';

export interface DeviceMarkView {
  id: string;
  markKind: string;
  by: string | null;
  sessionMs: number;
  intensity: number | null;
  note: string | null;
  late: boolean;
  pending: boolean;
  mine: boolean;
}

export interface DeviceView {
  link: DeviceLink;
  initials: string | null;
  /** A sentence for the screen: why pairing failed, why the link is down. */
  problem: string | null;
  session: Feed['session'] | null;
  /** Newest last, every author's. */
  marks: DeviceMarkView[];
  /** Made here, not yet acknowledged by the host. */
  pending: number;
}

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const storedDeviceSchema = z.strictObject({
  version: z.literal(1),
  deviceId: z.uuid(),
  initials: z.string().nullable(),
  /** Present while paired; dropped when the host says the device was removed or the session ended. */
  keys: z.strictObject({ deviceToHost: hex32, hostToDevice: hex32 }).nullable(),
  /** The last request counter used: the host refuses anything not above the last it saw. */
  counter: z.number().int().min(0),
  clock: z.strictObject({ offsetMs: z.number(), roundTripMs: z.number().min(0), measuredAt: z.number() }).nullable(),
  ended: z.enum(['removed', 'session-ended']).nullable(),
  pendingMarks: z.array(deviceMarkSchema),
  pendingEdits: z.array(deviceDetailsSchema),
  pendingStates: z.array(deviceStateSchema),
  feed: feedSchema.nullable(),
});
/** What survives a reload of the device page: JSON-serialisable. */
export type StoredDevice = z.infer<typeof storedDeviceSchema>;

export interface DeviceClientDeps {
  transport: DeviceTransport;
  store: DeviceStore;
  /** The device's wall clock (ms since the epoch). */
  now: () => number;
  /** Waits; defaults to setTimeout (tests pass a fake). */
  wait?: (ms: number) => Promise<void>;
}

/** Backoff after a failed request: doubles from the first to the last. */
const RETRY_FIRST_MS = 500;
const RETRY_LAST_MS = 10_000;
/** A feed request not answered within this is treated as a dropped link. */
const FEED_TIMEOUT_MS = FEED_WAIT_MS + 10_000;
/** The offset measured with the lowest round trip wins, but an old sample counts as slightly worse (clocks drift). */
const CLOCK_AGE_PENALTY = 1e-4;

const problemSentences: Partial<Record<PairingErrorCode, string>> = {
  'no-invitation': 'No invitation is open. Ask for a new code on the main screen.',
  expired: 'This code has expired. Ask for a new code on the main screen.',
  locked: 'Too many wrong codes: this invitation is locked. Open a new invitation on the main screen.',
  'slow-down': 'Too many wrong codes: wait a little before trying again.',
  'wrong-code': 'The code did not match. Check it on the main screen and try again.',
};

interface TimerGlobal {
  setTimeout(handler: () => void, ms: number): unknown;
}
const defaultWait = (ms: number) =>
  new Promise<void>((resolve) => {
    (globalThis as unknown as TimerGlobal).setTimeout(resolve, ms);
  });

function newUuid(): string {
  const bytes = randomBytes(16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function requestItemIds(request: DeviceRequest): string[] {
  switch (request.op) {
    case 'mark':
      return request.marks.map((mark) => mark.id);
    case 'details':
      return request.edits.map((edit) => edit.id);
    case 'state':
      return request.states.map((state) => state.id);
    case 'feed':
      return [];
  }
}

/** Plaintext characters per request: sealed as hex it doubles, and stays well under the host's body cap. */
const BATCH_CHARACTERS = Math.floor(MAX_PAIRING_BODY_BYTES / 4);

/** The oldest items that fit one request (always at least one: a single item is far below the cap). */
function withinBatch<Item>(items: readonly Item[], maxItems: number): Item[] {
  const batch: Item[] = [];
  let characters = 0;
  for (const item of items) {
    characters += JSON.stringify(item).length;
    if (batch.length > 0 && (batch.length >= maxItems || characters > BATCH_CHARACTERS)) break;
    batch.push(item);
  }
  return batch;
}

function emptyState(): StoredDevice {
  return {
    version: 1,
    deviceId: newUuid(),
    initials: null,
    keys: null,
    counter: 0,
    clock: null,
    ended: null,
    pendingMarks: [],
    pendingEdits: [],
    pendingStates: [],
    feed: null,
  };
}

class HostRefused extends Error {}

class PairingRefusal extends Error {
  constructor(
    readonly code: PairingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The co-facilitator's device: pairs with the host from the short code (CPace), then keeps its
 * marks durably until the host acknowledges them and follows the session's marks by long-polling.
 * Every request after pairing is sealed; a response that does not open under the pairing keys
 * marks the host as refused (a forged host learns nothing, and the marks wait for the real one).
 */
export class DeviceClient extends TypedEmitter<{ changed: DeviceView }> {
  private link: DeviceLink;
  private problem: string | null = null;
  private disposed = false;
  private loopsRunning = false;
  private flushing = false;
  private flushAgain = false;
  private failures = 0;
  private wakeFlushWait: (() => void) | null = null;
  /** Items of the request on its way: a mark in it can no longer take details inline. */
  private readonly inFlight = new Set<string>();

  private constructor(
    private readonly deps: DeviceClientDeps & { wait: (ms: number) => Promise<void> },
    private state: StoredDevice,
  ) {
    super();
    this.link = state.ended ?? (state.keys === null ? 'unpaired' : 'offline');
  }

  static async open(deps: DeviceClientDeps): Promise<DeviceClient> {
    const stored = storedDeviceSchema.safeParse(await deps.store.load());
    const client = new DeviceClient({ ...deps, wait: deps.wait ?? defaultWait }, stored.success ? stored.data : emptyState());
    if (client.state.keys !== null) client.startLoops();
    return client;
  }

  view(): DeviceView {
    const { feed, pendingMarks, pendingEdits, initials, deviceId } = this.state;
    const marks = new Map<string, DeviceMarkView>();
    for (const mark of feed?.marks ?? []) {
      marks.set(mark.id, {
        id: mark.id,
        markKind: mark.markKind,
        by: mark.by,
        sessionMs: mark.sessionMs,
        intensity: mark.intensity,
        note: mark.note,
        late: mark.late,
        pending: false,
        mine: mark.device === deviceId,
      });
    }
    for (const mark of pendingMarks) {
      if (marks.has(mark.id)) continue;
      marks.set(mark.id, {
        id: mark.id,
        markKind: mark.markKind,
        by: initials,
        sessionMs: this.sessionMsAt(mark.madeAtHostMs),
        intensity: mark.intensity ?? null,
        note: mark.note ?? null,
        late: false,
        pending: true,
        mine: true,
      });
    }
    for (const edit of pendingEdits) {
      const mark = marks.get(edit.markId);
      if (mark === undefined) continue;
      marks.set(edit.markId, {
        ...mark,
        pending: true,
        ...(edit.intensity !== undefined ? { intensity: edit.intensity } : {}),
        ...(edit.note !== undefined ? { note: edit.note } : {}),
      });
    }
    return {
      link: this.link,
      initials,
      problem: this.problem,
      session: feed?.session ?? null,
      marks: [...marks.values()].sort((a, b) => a.sessionMs - b.sessionMs),
      pending: pendingMarks.length + pendingEdits.length + this.state.pendingStates.length,
    };
  }

  /**
   * Pairs with the host that holds the invitation. `expectedHostId` is the certificate
   * fingerprint from the scanned link, when there is one: a host with another one is refused.
   * Marks still waiting from an earlier pairing are kept and sent to the new one.
   */
  async pair(code: string, initials: string, expectedHostId?: string): Promise<void> {
    // A second tap while one pairing runs would spend a second guess of the invitation.
    if (this.link === 'pairing') return;
    const normalised = normalisePairingCode(code);
    const signature = initials.trim();
    if (normalised === undefined) return this.failPairing('A code is 8 characters (letters and digits, as shown on the main screen).');
    if (signature.length === 0 || signature.length > 40) return this.failPairing('Sign with your initials (up to 40 characters).');
    this.setLink('pairing', null);
    try {
      const hello = await this.deps.transport.post(pairingPaths.hello, {});
      const helloBody = this.expect(hello, helloResponseSchema);
      if (expectedHostId !== undefined && expectedHostId.toLowerCase() !== helloBody.hostId.toLowerCase()) {
        return this.failPairing('This is not the computer whose code you scanned (its fingerprint differs). Do not pair; tell the main facilitator.', 'refused-host');
      }
      const deviceId = newUuid();
      const context: CpaceContext = { code: normalised, invitationId: helloBody.invitationId, deviceId, hostId: helloBody.hostId };
      const own = cpaceShare(context);
      const sentAt = this.deps.now();
      const start = await this.deps.transport.post(pairingPaths.start, { invitationId: context.invitationId, deviceId, share: toHex(own.share) });
      const receivedAt = this.deps.now();
      const startBody = this.expect(start, startResponseSchema);
      const keys = cpaceKeys(context, 'device', own, fromHex(startBody.share));
      if (!sameTag(keys.hostConfirm, fromHex(startBody.hostConfirm))) return this.failPairing(problemSentences['wrong-code'] ?? null);
      const binding: BoxBinding = { deviceId, counter: 0, direction: 'device-to-host', path: pairingPaths.finish };
      const finish = await this.deps.transport.post(pairingPaths.finish, {
        invitationId: context.invitationId,
        deviceId,
        deviceConfirm: toHex(keys.deviceConfirm),
        box: seal(keys.deviceToHost, binding, { initials: signature }),
      });
      const finishBody = this.expect(finish, sealedResponseSchema);
      const opened = open(keys.hostToDevice, { ...binding, direction: 'host-to-device' }, finishBody.box);
      const plaintext = finishResponsePlaintextSchema.safeParse(opened?.value);
      if (!plaintext.success) throw new HostRefused();
      this.state = {
        ...this.state,
        deviceId,
        initials: signature,
        keys: { deviceToHost: toHex(keys.deviceToHost), hostToDevice: toHex(keys.hostToDevice) },
        counter: 0,
        clock: null,
        ended: null,
        feed: plaintext.data.feed,
      };
      this.observeClock(sentAt, receivedAt, startBody.hostTime);
      await this.deps.store.save(this.state);
      this.failures = 0;
      this.setLink('online', null);
      this.startLoops();
    } catch (error) {
      if (error instanceof PairingRefusal) return this.failPairing(problemSentences[error.code] ?? error.message);
      if (error instanceof HostRefused) return this.failPairing('The computer that answered could not prove it is your host. Do not pair; tell the main facilitator.', 'refused-host');
      return this.failPairing('The host could not be reached. Check that this device is on the same network, then try again.');
    }
  }

  /** Resolves once the mark is stored durably on this device; the host gets it as soon as it can. */
  async mark(markKind: string, details: { intensity?: number; note?: string } = {}): Promise<string> {
    this.assertPaired();
    const mark = deviceMarkSchema.parse({ id: newUuid(), markKind, madeAtHostMs: this.hostNow(), ...details });
    this.state = { ...this.state, pendingMarks: [...this.state.pendingMarks, mark] };
    await this.persistAndFlush();
    return mark.id;
  }

  /** Intensity and note on any author's mark: null clears, absent leaves as it was. */
  async addDetails(markId: string, details: { intensity?: number | null; note?: string | null }): Promise<void> {
    this.assertPaired();
    const pendingMark = this.state.pendingMarks.find((mark) => mark.id === markId);
    if (pendingMark !== undefined && !this.inFlight.has(markId)) {
      // Not sent yet: the details travel with the mark itself.
      const merged = { ...pendingMark };
      if (details.intensity !== undefined) merged.intensity = details.intensity ?? undefined;
      if (details.note !== undefined) merged.note = details.note ?? undefined;
      const valid = deviceMarkSchema.parse(JSON.parse(JSON.stringify(merged)));
      this.state = { ...this.state, pendingMarks: this.state.pendingMarks.map((mark) => (mark.id === markId ? valid : mark)) };
    } else {
      const edit = deviceDetailsSchema.parse({ id: newUuid(), markId, madeAtHostMs: this.hostNow(), ...details });
      this.state = { ...this.state, pendingEdits: [...this.state.pendingEdits, edit] };
    }
    await this.persistAndFlush();
  }

  /** A band state of the client (journaled as client-state set). */
  async setState(stateId: string): Promise<void> {
    this.assertPaired();
    const state = deviceStateSchema.parse({ id: newUuid(), stateId, madeAtHostMs: this.hostNow() });
    this.state = { ...this.state, pendingStates: [...this.state.pendingStates, state] };
    await this.persistAndFlush();
  }

  dispose(): void {
    this.disposed = true;
    this.wakeFlushWait?.();
    this.removeAllListeners();
  }

  // ---- internals ----

  private assertPaired(): void {
    if (this.state.keys === null) throw new Error('This device is not paired with a session.');
  }

  private hostNow(): number {
    return Math.max(0, Math.round(this.deps.now() + (this.state.clock?.offsetMs ?? 0)));
  }

  private sessionMsAt(madeAtHostMs: number): number {
    const clock = this.state.feed?.clock;
    if (clock === undefined) return 0;
    return Math.max(0, clock.sessionMs + (madeAtHostMs - clock.hostTime));
  }

  private observeClock(sentAt: number, receivedAt: number, hostTime: number): void {
    const roundTripMs = Math.max(0, receivedAt - sentAt);
    const offsetMs = hostTime - (sentAt + receivedAt) / 2;
    const current = this.state.clock;
    const currentCost = current === null ? Infinity : current.roundTripMs + (receivedAt - current.measuredAt) * CLOCK_AGE_PENALTY;
    if (roundTripMs <= currentCost) this.state = { ...this.state, clock: { offsetMs, roundTripMs, measuredAt: receivedAt } };
  }

  private failPairing(problem: string | null, link: DeviceLink = 'unpaired'): void {
    this.setLink(this.state.keys !== null && link === 'unpaired' ? this.link : link, problem);
  }

  private setLink(link: DeviceLink, problem: string | null): void {
    this.link = link;
    this.problem = problem;
    this.emitChanged();
  }

  private emitChanged(): void {
    if (!this.disposed) this.emit('changed', this.view());
  }

  private expect<Schema extends z.ZodType>(response: { status: number; body: unknown }, schema: Schema): z.infer<Schema> {
    if (response.status !== 200) {
      const error = pairingErrorSchema.safeParse(response.body);
      throw error.success ? new PairingRefusal(error.data.error, error.data.message) : new HostRefused();
    }
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw new HostRefused();
    return parsed.data;
  }

  private async persistAndFlush(): Promise<void> {
    await this.deps.store.save(this.state);
    this.emitChanged();
    void this.flush();
  }

  private startLoops(): void {
    if (this.loopsRunning) return;
    this.loopsRunning = true;
    void this.feedLoop();
    void this.flush();
  }

  private paired(): boolean {
    return !this.disposed && this.state.keys !== null;
  }

  private async feedLoop(): Promise<void> {
    while (this.paired()) {
      const since = this.link === 'online' ? (this.state.feed?.revision ?? null) : null;
      const response = await this.send({ op: 'feed', since }, FEED_TIMEOUT_MS);
      if (response === undefined) await this.deps.wait(this.backoff());
    }
    this.loopsRunning = false;
  }

  /** Sends everything pending, one request at a time, until nothing is left or the link fails. */
  private async flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      while (this.paired()) {
        this.flushAgain = false;
        const request = this.nextPendingRequest();
        if (request === undefined) break;
        for (const id of requestItemIds(request)) this.inFlight.add(id);
        const response = await this.send(request, FEED_TIMEOUT_MS).finally(() => this.inFlight.clear());
        if (response === undefined) {
          await this.waitForRetry(this.backoff());
          continue;
        }
        if (response.status === 'ok') this.settle(response.accepted, response.rejected);
        await this.deps.store.save(this.state);
        this.emitChanged();
      }
    } finally {
      this.flushing = false;
    }
  }

  private nextPendingRequest(): DeviceRequest | undefined {
    const { pendingMarks, pendingEdits, pendingStates } = this.state;
    // Marks before details, so details on a mark just made never reach the host before it.
    if (pendingMarks.length > 0) return { op: 'mark', marks: withinBatch(pendingMarks, 500) };
    if (pendingEdits.length > 0) return { op: 'details', edits: withinBatch(pendingEdits, 500) };
    if (pendingStates.length > 0) return { op: 'state', states: withinBatch(pendingStates, 100) };
    return undefined;
  }

  private settle(accepted: string[], rejected: { id: string; reason: string }[]): void {
    const done = new Set([...accepted, ...rejected.map((item) => item.id)]);
    this.state = {
      ...this.state,
      pendingMarks: this.state.pendingMarks.filter((item) => !done.has(item.id)),
      pendingEdits: this.state.pendingEdits.filter((item) => !done.has(item.id)),
      pendingStates: this.state.pendingStates.filter((item) => !done.has(item.id)),
    };
    if (rejected.length > 0) this.problem = `The host refused ${rejected.length === 1 ? 'one item' : `${rejected.length} items`}: ${rejected[0]?.reason ?? ''}`;
  }

  private async waitForRetry(ms: number): Promise<void> {
    await Promise.race([this.deps.wait(ms), new Promise<void>((resolve) => (this.wakeFlushWait = resolve))]);
    this.wakeFlushWait = null;
  }

  private backoff(): number {
    return Math.min(RETRY_LAST_MS, RETRY_FIRST_MS * 2 ** Math.min(this.failures - 1, 10));
  }

  /**
   * One sealed request. Undefined when it failed (network, refused host, stale counter): the
   * caller retries later. A 'gone' answer ends the pairing here.
   */
  private async send(request: DeviceRequest, timeoutMs: number): Promise<DeviceResponse | undefined> {
    const keys = this.state.keys;
    if (keys === null) return undefined;
    const counter = this.state.counter + 1;
    this.state = { ...this.state, counter };
    // The counter is durable before the request leaves, so a reload never reuses one.
    await this.deps.store.save(this.state);
    const binding: BoxBinding = { deviceId: this.state.deviceId, counter, direction: 'device-to-host', path: pairingPaths.device };
    const envelope = { deviceId: this.state.deviceId, counter, box: seal(fromHex(keys.deviceToHost), binding, request) };
    const sentAt = this.deps.now();
    let answer: { status: number; body: unknown } | 'timeout';
    try {
      answer = await Promise.race([this.deps.transport.post(pairingPaths.device, envelope), this.deps.wait(timeoutMs).then(() => 'timeout' as const)]);
    } catch {
      answer = 'timeout';
    }
    const receivedAt = this.deps.now();
    if (this.disposed || this.state.keys !== keys) return undefined;
    if (answer === 'timeout') return this.failed('offline', 'The host cannot be reached. Marks made here are kept and sent when the link returns.');
    if (answer.status !== 200) {
      const error = pairingErrorSchema.safeParse(answer.body);
      if (error.success && error.data.error === 'stale-counter') return this.failed(this.link, this.problem);
      if (error.success && error.data.error === 'unknown-device') {
        this.state = { ...this.state, keys: null };
        await this.deps.store.save(this.state);
        this.setLink('unpaired', 'The host no longer knows this device (it was restarted). Pair again: marks made here are kept and sent then.');
        return undefined;
      }
      return this.failed('offline', 'The host answered with an error. Marks made here are kept and sent when it recovers.');
    }
    const sealed = sealedResponseSchema.safeParse(answer.body);
    const opened = sealed.success ? open(fromHex(keys.hostToDevice), { ...binding, direction: 'host-to-device' }, sealed.data.box) : undefined;
    const response = deviceResponseSchema.safeParse(opened?.value);
    if (!response.success) {
      return this.failed('refused-host', 'A computer answered that could not prove it is your host: nothing was sent to it. Marks wait here for the real host.');
    }
    this.observeClock(sentAt, receivedAt, response.data.hostTime);
    this.failures = 0;
    // The link is back: whatever waits to be sent goes now, not after the backoff.
    this.wakeFlushWait?.();
    if (response.data.status === 'gone') {
      this.state = { ...this.state, keys: null, ended: response.data.reason };
      await this.deps.store.save(this.state);
      this.setLink(
        response.data.reason,
        response.data.reason === 'removed' ? 'The main facilitator removed this device.' : 'The session has ended. Thank you.',
      );
      return response.data;
    }
    // A long-poll answer built before a later mark's answer may arrive after it: the older feed is not taken.
    const feed = response.data.feed;
    if (feed !== null && feed.revision >= (this.state.feed?.revision ?? 0)) this.state = { ...this.state, feed };
    if (this.link !== 'online' || response.data.feed !== null) this.setLink('online', this.link === 'online' ? this.problem : null);
    return response.data;
  }

  private failed(link: DeviceLink, problem: string | null): undefined {
    this.failures += 1;
    if (link !== this.link || problem !== this.problem) this.setLink(link, problem);
    return undefined;
  }
}

