import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { createServices } from '../services/create-services';
import { defaultDataDir } from '../services/data-paths';
import { nodeErrorCode } from '../services/error-code';
import { entryPrefix } from './access-control';
import { loadHostIdentity, newHostKey, saveHostIdentity } from './host-identity';
import type { WebApp } from './web-server';

const defaultPort = 5780;
const usage = `usage: npm run web -- [--port N] [--data-dir DIR] [--new-key]
  --port N     listen on port N (default ${defaultPort}); --port 0 picks a free port the first time and reuses it after
  --new-key    make a new key (open tabs must use the new address)`;

function parseCommandLine() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(defaultPort) },
      'data-dir': { type: 'string' },
      'new-key': { type: 'boolean', default: false },
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
  return { port, newKey: values['new-key'], dataDir: path.resolve(values['data-dir'] ?? defaultDataDir()) };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The services and the app that answers with them. Imported only now: evaluating their modules
 * (the contract's schemas, the socket server, the tag reader, …) is most of the host's start, and
 * the host already listens meanwhile, so the browser loads the page while they load.
 */
async function loadWebApp(where: { dataDir: string; appRoot: string; rendererDir: string; token: string; server: http.Server }): Promise<{ services: ReturnType<typeof createServices>; app: WebApp }> {
  const [{ createServices }, { createWebApp }] = await Promise.all([import('../services/create-services'), import('./web-server')]);
  // The co-facilitator's page (device.html) comes from the same build; its server listens only while an invitation is open or a device is paired.
  const services = createServices({ dataDir: where.dataDir, bundledPlaylistsDir: path.join(where.appRoot, 'playlists'), deviceAppDir: where.rendererDir });
  const { handlers, playlists, libraryRoots, events } = services;
  const app = createWebApp({ handlers, rendererDir: where.rendererDir, playlists, libraryRoots, token: where.token, events }, where.server);
  return { services, app };
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
  const rendererDir = path.join(appRoot, 'dist', 'renderer');
  // The key and (for --port 0) the port are the data folder's, so a restarted host is the same address to an open tab.
  const identity = await loadHostIdentity(options.dataDir);
  for (const note of identity.notes) console.log(note);
  const token = options.newKey || identity.stored === undefined ? newHostKey() : identity.stored.key;
  const server = http.createServer();
  // Loaded once the address is printed (loading them first would delay it); until they are up,
  // requests wait for them: the page's first ones, made while the browser loads it.
  let startLoading!: () => void;
  const loading = new Promise<void>((resolve) => (startLoading = resolve)).then(() =>
    loadWebApp({ dataDir: options.dataDir, appRoot, rendererDir, token, server }),
  );
  loading.catch((error: unknown) => {
    console.error(`Attune could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    loading.then(({ app }) => app.handleRequest(request, response), () => response.destroy());
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    loading.then(({ app }) => app.handleUpgrade(request, socket, head), () => socket.destroy());
  });
  const rememberedPort = options.port === 0 ? identity.stored?.port : undefined;
  let port: number;
  try {
    port = await listen(server, rememberedPort ?? options.port);
  } catch (error) {
    if (rememberedPort === undefined || nodeErrorCode(error) !== 'EADDRINUSE') {
      console.error(`Attune could not listen on port ${options.port}: ${nodeErrorCode(error) === 'EADDRINUSE' ? 'another program uses it' : String(error)}`);
      process.exit(1);
    }
    port = await listen(server, 0);
    console.log(`Port ${rememberedPort}, used last time, is taken by another program; Attune uses port ${port} now (open tabs must use the new address).`);
  }
  const keptPort = options.port === 0 ? port : identity.stored?.port;
  if (token !== identity.stored?.key || keptPort !== identity.stored.port) {
    await saveHostIdentity(options.dataDir, keptPort === undefined ? { key: token } : { key: token, port: keptPort });
  }
  // The address carries the data folder's key (kept in web-host.json); only a browser that opened it can use the host.
  console.log(`Attune listening on http://127.0.0.1:${port}${entryPrefix}${token}/`);
  startLoading();
  const { services, app } = await loading;
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
    app.close();
    await services.close();
    console.log(`Attune stopped (${signal}); data in ${options.dataDir}`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
