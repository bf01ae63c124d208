import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { createServices } from '../services/create-services';
import { defaultDataDir } from '../services/data-paths';
import { entryPrefix } from './access-control';
import { createWebServer } from './web-server';

const usage = 'usage: npm run web -- [--port N] [--data-dir DIR]   (--port 0 picks any free port; default 5780)';

function parseCommandLine() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5780' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535\n${usage}`);
  return { port, dataDir: path.resolve(values['data-dir'] ?? defaultDataDir()) };
}

async function main() {
  let options: ReturnType<typeof parseCommandLine>;
  try {
    options = parseCommandLine();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const services = createServices({ dataDir: options.dataDir, bundledPlaylistsDir: path.join(appRoot, 'playlists') });
  const token = randomBytes(32).toString('base64url');
  const server = createWebServer({
    handlers: services.handlers,
    rendererDir: path.join(appRoot, 'dist', 'renderer'),
    playlists: services.playlists,
    libraryRoots: services.libraryRoots,
    token,
  });
  server.listen(options.port, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  // The address carries this run's key; only a browser that opened it can use the host.
  console.log(`Attune listening on http://127.0.0.1:${port}${entryPrefix}${token}/`);
  // The Start screen's first question is the playlists: reading and validating them while the
  // browser still loads the page lets the catalog answer it from its cache. A failure here is
  // the request's to report, so it is dropped.
  services.playlists.list().catch(() => undefined);
  // Leftovers of a start a crash interrupted are set aside (and logged) now, not on the first click.
  services.sessions.setAsideReport().catch(() => undefined);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    await services.close();
    console.log(`Attune stopped (${signal}); data in ${options.dataDir}`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
