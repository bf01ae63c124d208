import { randomUUID } from 'node:crypto';
import type { JournalEventInput } from '../../core/events';
import { EncryptionService } from '../../electron/services/encryption/encryption-service';
import { SessionStore, sessionFileNames } from '../../electron/services/sessions';

/**
 * Appends marks to one session as fast as the journal acknowledges them and prints each
 * acknowledged id on its own line, until it is killed. `journal-crash.test.ts` kills it.
 *
 * Arguments: data folder, session id, and optionally an id acknowledged before the last
 * kill, which is sent again first (a renderer retrying) and answered `duplicate <id>`.
 * With ATTUNE_CRASH_PASSPHRASE set, the data folder is encrypted and opened with it.
 */
const [dataDir, sessionId, retryId] = process.argv.slice(2);
if (dataDir === undefined || sessionId === undefined) {
  process.stderr.write('usage: journal-crash-child <data dir> <session id> [retry id]\n');
  process.exit(2);
}

// Never outlive a test that failed to kill it.
setTimeout(() => process.exit(3), 20_000).unref();

const startedAt = Date.now();
const markKinds = ['resonance', 'distress', 'breakthrough', 'note'];
let count = 0;

function mark(id: string = randomUUID()): JournalEventInput {
  count += 1;
  return {
    id,
    kind: 'mark',
    sessionMs: Date.now() - startedAt,
    payload: {
      markKind: markKinds[count % markKinds.length] ?? 'resonance',
      phaseId: 'peak',
      segmentId: 'peak-drone',
      positionMs: count * 250,
      reactionOffsetMs: 0,
      ...(count % 3 === 0 ? { note: `mark ${count}: ${'ü'.repeat(count % 200)}` } : {}),
    },
  };
}

const passphrase = process.env.ATTUNE_CRASH_PASSPHRASE;
const store: SessionStore =
  passphrase === undefined
    ? new SessionStore(dataDir)
    : new SessionStore(dataDir, { codec: () => encryption.codec() });
const encryption = new EncryptionService({ dataDir, sessions: store, sessionFiles: sessionFileNames });
if (passphrase !== undefined) await encryption.unlock(passphrase);

if (retryId !== undefined && retryId !== '') {
  // A renderer retrying sends the same event again: the same id and the same content.
  const saved = (await store.open(sessionId)).events.find((event) => event.id === retryId);
  if (saved === undefined) throw new Error(`the acknowledged event ${retryId} is not in the journal`);
  const ack = await store.append(sessionId, { id: saved.id, kind: saved.kind, sessionMs: saved.sessionMs, payload: saved.payload } as JournalEventInput);
  process.stdout.write(`${ack.duplicate ? 'duplicate' : 'written-again'} ${retryId}\n`);
}

// Marks in quick succession: alternately a few separate appends in flight at once, which
// must still land in order, and a group commit of several.
for (let round = 0; ; round += 1) {
  const batch = [mark(), mark(), mark()];
  if (round % 2 === 0) {
    await Promise.all(
      batch.map(async (input) => {
        await store.append(sessionId, input);
        process.stdout.write(`${input.id}\n`);
      }),
    );
  } else {
    await store.appendMany(sessionId, batch);
    process.stdout.write(batch.map((input) => `${input.id}\n`).join(''));
  }
}
