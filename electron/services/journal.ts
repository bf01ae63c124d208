import { open, type FileHandle } from 'node:fs/promises';
import * as z from 'zod';
import { journalEventSchema, type JournalEvent, type JournalEventInput } from '../../core/events';
import { ContractFailure } from '../../core/result';

export interface JournalContents {
  readonly events: JournalEvent[];
  /** Human-readable notes about what was cut or skipped. */
  readonly repairs: string[];
  /** Complete lines in the file (skipped ones included): the next record's place. */
  readonly recordCount: number;
}

/** A stored line as its event text again, or why it cannot be read (an encrypted record that does not open). */
export type LineDecoder = (recordIndex: number, line: string) => { readonly text: string } | { readonly problem: string };

let compiledEventSchema: typeof journalEventSchema | undefined;

/**
 * The event schema compiled to one generated parser (z.compile), which a replay needs: the
 * interpreter's node-by-node work was most of reading a journal. A line it refuses goes to
 * the interpreter, so what is refused (and why) stays the schema's own. Compiled on the
 * first read, not at import, so a host that reads no journal does not pay for it; and here
 * in Node, not in core, because the renderer's Content-Security-Policy forbids `new Function`.
 */
function storedEventSchema(): typeof journalEventSchema {
  compiledEventSchema ??= z.compile(journalEventSchema);
  return compiledEventSchema;
}

const asStored: LineDecoder = (_recordIndex, line) => ({ text: line });

const newline = 0x0a;

function describeBytes(count: number): string {
  return count === 1 ? '1 byte' : `${count} bytes`;
}

/**
 * Reads a journal, cutting off a torn last line (a write interrupted by a crash) so the
 * next append starts on a clean line. Complete lines that do not parse are skipped and
 * reported but left in the file: nothing acknowledged is ever rewritten.
 */
export async function readJournal(filePath: string, options: { repair: boolean; decodeLine?: LineDecoder }): Promise<JournalContents> {
  const decodeLine = options.decodeLine ?? asStored;
  const handle = await open(filePath, options.repair ? 'r+' : 'r');
  try {
    const bytes = await handle.readFile();
    const repairs: string[] = [];
    const completeLength = bytes.lastIndexOf(newline) + 1;
    if (completeLength < bytes.length) {
      const tornBytes = bytes.length - completeLength;
      if (options.repair) {
        await handle.truncate(completeLength);
        await handle.datasync();
        repairs.push(`cut off an incomplete last line (${describeBytes(tornBytes)}) left by an interrupted write`);
      } else {
        repairs.push(`ignored an incomplete last line (${describeBytes(tornBytes)})`);
      }
    }
    const eventSchema = storedEventSchema();
    const events: JournalEvent[] = [];
    const text = bytes.subarray(0, completeLength).toString('utf8');
    let lineNumber = 0;
    for (const line of text.split('\n')) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      const decoded = decodeLine(lineNumber - 1, line);
      if ('problem' in decoded) {
        repairs.push(`skipped line ${lineNumber}: ${decoded.problem}`);
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(decoded.text);
      } catch {
        repairs.push(`skipped line ${lineNumber}: not valid JSON`);
        continue;
      }
      const parsed = eventSchema.safeParse(json);
      if (!parsed.success) {
        repairs.push(`skipped line ${lineNumber}: not a valid event`);
        continue;
      }
      events.push(parsed.data);
    }
    return { events, repairs, recordCount: lineNumber - 1 };
  } finally {
    await handle.close();
  }
}

/** Object keys in a fixed order, so two events compare by content whatever order their fields came in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** The stored event and a resent input are the same event when all but what the host added (seq, wallTime) match. */
function sameEventContent(stored: JournalEvent, input: JournalEventInput): boolean {
  return canonicalJson({ ...stored, seq: undefined, wallTime: undefined }) === canonicalJson(input);
}

/** How each event's line is stored: as it is, or sealed to its place (encryption at rest). */
export interface JournalLineFormat {
  /** Complete lines already in the file (`readJournal`'s `recordCount`). */
  readonly recordCount: number;
  readonly encode: (recordIndex: number, line: string) => string;
}

const linesAsTheyAre: JournalLineFormat = { recordCount: 0, encode: (_recordIndex, line) => line };

/**
 * Appends events as lines. An append resolves only after its lines are on disk
 * (fdatasync); appends are serialised so sequence numbers follow file order.
 */
export class JournalWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly acknowledged = new Map<string, JournalEvent>();
  /** The session-started event's id, kept so an append need not look through every saved event for it. */
  private startedId: string | undefined;
  private nextSeq: number;
  private recordCount: number;

  private constructor(
    private readonly handle: FileHandle,
    existing: readonly JournalEvent[],
    private sizeBytes: number,
    private readonly wallClock: () => Date,
    private readonly lineFormat: JournalLineFormat,
  ) {
    for (const event of existing) this.remember(event);
    this.nextSeq = existing.reduce((highest, event) => Math.max(highest, event.seq + 1), 0);
    this.recordCount = lineFormat.recordCount;
  }

  static async open(
    filePath: string,
    existing: readonly JournalEvent[],
    wallClock: () => Date = () => new Date(),
    lineFormat: JournalLineFormat = linesAsTheyAre,
  ) {
    const handle = await open(filePath, 'a', 0o600);
    const { size } = await handle.stat();
    return new JournalWriter(handle, existing, size, wallClock, lineFormat);
  }

  append(input: JournalEventInput): Promise<{ event: JournalEvent; duplicate: boolean }> {
    return this.appendMany([input]).then((results) => results[0] as { event: JournalEvent; duplicate: boolean });
  }

  /**
   * Appends several events with one write and one fdatasync (a group commit): a burst of
   * marks is acknowledged together instead of queueing behind one sync each. All or none.
   */
  appendMany(inputs: readonly JournalEventInput[]): Promise<{ event: JournalEvent; duplicate: boolean }[]> {
    const run = async () => {
      const results: { event: JournalEvent; duplicate: boolean }[] = [];
      const fresh: JournalEvent[] = [];
      const wallTime = this.wallClock().toISOString();
      for (const input of inputs) {
        const existing = this.acknowledged.get(input.id) ?? fresh.find((event) => event.id === input.id);
        if (existing !== undefined) {
          // A retry resends the same event; the same id with other content is a different event, and saving neither silently would lose it.
          if (!sameEventContent(existing, input)) {
            throw new ContractFailure('conflict', `event ${input.id} was already saved with different content; an id names one event only`);
          }
          results.push({ event: existing, duplicate: true });
          continue;
        }
        const event = { ...input, seq: this.nextSeq + fresh.length, wallTime } as JournalEvent;
        fresh.push(event);
        results.push({ event, duplicate: false });
      }
      if (fresh.length === 0) return results;
      const lines = fresh.map((event, offset) => `${this.lineFormat.encode(this.recordCount + offset, JSON.stringify(event))}\n`);
      const bytes = Buffer.from(lines.join(''), 'utf8');
      try {
        await this.handle.appendFile(bytes);
        await this.handle.datasync();
      } catch (error) {
        // A partly written line would be glued to the next record: take it back.
        await this.handle.truncate(this.sizeBytes).catch(() => undefined);
        throw error;
      }
      this.sizeBytes += bytes.length;
      this.nextSeq += fresh.length;
      this.recordCount += fresh.length;
      for (const event of fresh) this.remember(event);
      return results;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private remember(event: JournalEvent): void {
    this.acknowledged.set(event.id, event);
    if (event.kind === 'session-started' && this.startedId === undefined) this.startedId = event.id;
  }

  /** The id of the journal's session-started event, if it has one. */
  sessionStartedId(): string | undefined {
    return this.startedId;
  }

  events(): JournalEvent[] {
    return [...this.acknowledged.values()].sort((a, b) => a.seq - b.seq);
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle.close();
  }
}
