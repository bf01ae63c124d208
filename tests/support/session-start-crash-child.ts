import { sessionSetupSchema } from '../../core/session';
import { SessionStore } from '../../electron/services/sessions';
import { droneOnlyPlaylist } from './drone-playlist';

/**
 * Starts sessions one after another in a data folder, printing `started <id>` once each
 * start has answered, until it is killed. `session-start-crash.test.ts` kills it at random
 * moments, so most kills land inside a start (or inside start-up's sweep of the last one).
 *
 * Argument: the data folder.
 */
const [dataDir] = process.argv.slice(2);
if (dataDir === undefined) {
  process.stderr.write('usage: session-start-crash-child <data dir>\n');
  process.exit(2);
}

// Never outlive a test that failed to kill it.
setTimeout(() => process.exit(3), 20_000).unref();

const playlist = droneOnlyPlaylist();

const store = new SessionStore(dataDir, { log: () => undefined });
process.stdout.write('ready\n');
for (;;) {
  const meta = await store.start(playlist, sessionSetupSchema.parse({ clientCode: 'CRASH-START' }));
  process.stdout.write(`started ${meta.id}\n`);
}
