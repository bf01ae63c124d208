import { EncryptionService } from '../../electron/services/encryption/encryption-service';
import { SessionStore, sessionFileNames } from '../../electron/services/sessions';

/**
 * Turns encryption on (`enable`) or off (`disable`) for a data folder with the passphrase
 * in ATTUNE_CRASH_PASSPHRASE, or, when a conversion was interrupted, opens the key, which
 * resumes it. Prints `ready` before converting, `converted N` as sessions are done and
 * `done` at the end. `encryption-crash.test.ts` kills it in between.
 */
const [dataDir, direction] = process.argv.slice(2);
const passphrase = process.env.ATTUNE_CRASH_PASSPHRASE;
if (dataDir === undefined || (direction !== 'enable' && direction !== 'disable') || passphrase === undefined) {
  process.stderr.write('usage: ATTUNE_CRASH_PASSPHRASE=… encryption-crash-child <data dir> enable|disable\n');
  process.exit(2);
}

// Never outlive a test that failed to kill it.
setTimeout(() => process.exit(3), 60_000).unref();

const store: SessionStore = new SessionStore(dataDir, { codec: () => encryption.codec() });
const encryption = new EncryptionService({ dataDir, sessions: store, sessionFiles: sessionFileNames, scryptCost: { N: 2 ** 14, r: 8, p: 1 } });

const status = await encryption.status();
process.stdout.write('ready\n');
// Each session converted, as `converted N`, so the test can kill it midway on purpose.
let reported = 0;
const progressWatch = setInterval(() => {
  void encryption.status().then(({ progress }) => {
    if (progress !== undefined && progress.done > reported) {
      reported = progress.done;
      process.stdout.write(`converted ${reported}\n`);
    }
  });
}, 1);
if (direction === 'enable') {
  if (status.enabled) await encryption.unlock(passphrase);
  else await encryption.enable({ method: 'passphrase', passphrase });
} else if (status.enabled) {
  // Opening the key resumes an interrupted decryption; a folder still fully encrypted is turned off here.
  const opened = await encryption.unlock(passphrase);
  if (opened.enabled) await encryption.disable(passphrase);
}
clearInterval(progressWatch);
await store.close();
process.stdout.write('done\n');
