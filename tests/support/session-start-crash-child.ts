import { parsePlaylist } from '../../core/playlist';
import { sessionSetupSchema } from '../../core/session';
import { SessionStore } from '../../electron/services/sessions';

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

const playlist = parsePlaylist({
  format: 'attune.playlist',
  version: 1,
  id: 'ocean',
  title: 'Ocean',
  phases: [{ id: 'peak', kind: 'peak', title: 'Peak', targetMinutes: 60, segments: [{ type: 'soundscape', id: 'peak-drone', preset: 'drone', durationSeconds: 600 }] }],
});
if (!playlist.ok) throw new Error(playlist.error.message);

const store = new SessionStore(dataDir, { log: () => undefined });
process.stdout.write('ready\n');
for (;;) {
  const meta = await store.start(playlist.value, sessionSetupSchema.parse({ clientCode: 'CRASH-START' }));
  process.stdout.write(`started ${meta.id}\n`);
}
