import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ElectronStore from 'electron-store';
import { writeFile } from 'node:fs/promises';
import { BrowserWindow, app, dialog, ipcMain, powerSaveBlocker, safeStorage, session, type IpcMainInvokeEvent, type OpenDialogOptions, type WebPreferences } from 'electron';
import { channels, hostEventIpcChannel } from '../../core/channels';
import type { ChoosePurpose } from '../../core/contract';
import { fail } from '../../core/result';
import { createServices } from '../services/create-services';
import { dispatch } from '../services/dispatch';
import { registerAppScheme, serveAppProtocol } from './app-protocol';
import { allowNavigation, allowPermission, appIndexUrl, isTrustedSender, secureWebPreferences } from './shell-policy';

app.setName('Attune');
// Lets tests (and a facilitator who wants a separate data folder) point the app elsewhere.
if (process.env.ATTUNE_DATA_DIR !== undefined && process.env.ATTUNE_DATA_DIR !== '') {
  app.setPath('userData', path.resolve(process.env.ATTUNE_DATA_DIR));
}
registerAppScheme();

const appRoot = app.isPackaged ? process.resourcesPath : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rendererDir = path.join(buildDir, 'renderer');

const windowPreferences: WebPreferences = { ...secureWebPreferences, preload: path.join(buildDir, 'electron', 'preload.cjs') };
/** The hidden window that prints an export: no preload, no script at all. */
const printWindowPreferences: WebPreferences = { ...secureWebPreferences, javascript: false };

let mainWindow: BrowserWindow | undefined;

interface WindowSettings {
  readonly bounds?: { x: number; y: number; width: number; height: number };
}

function isOwnTopLevelFrame(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return isTrustedSender({
    senderId: event.sender.id,
    mainWindowId: mainWindow?.webContents.id,
    isMainFrame: frame !== null && mainWindow !== undefined && frame === mainWindow.webContents.mainFrame,
    frameUrl: frame?.url,
  });
}

function createWindow(settings: ElectronStore<WindowSettings>): BrowserWindow {
  const bounds = settings.get('bounds');
  const window = new BrowserWindow({
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 800,
    ...(bounds === undefined ? {} : { x: bounds.x, y: bounds.y }),
    minWidth: 900,
    minHeight: 600,
    backgroundColor: '#0d0f12',
    title: 'Attune',
    show: false,
    webPreferences: windowPreferences,
  });
  window.once('ready-to-show', () => window.show());
  window.on('close', () => settings.set('bounds', window.getNormalBounds()));
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => {
    if (!allowNavigation(event.url)) event.preventDefault();
  });
  window.webContents.on('will-redirect', (event) => {
    if (!allowNavigation(event.url)) event.preventDefault();
  });
  void window.loadURL(appIndexUrl);
  return window;
}

/** The printable summary to a PDF placed where the user chooses; the file is written in clear. */
async function savePdf(html: string, fileName: string): Promise<boolean> {
  const options = { defaultPath: fileName, filters: [{ name: 'PDF', extensions: ['pdf'] }] };
  const choice = mainWindow === undefined ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(mainWindow, options);
  if (choice.canceled || choice.filePath === undefined) return false;
  const printer = new BrowserWindow({ show: false, webPreferences: printWindowPreferences });
  try {
    printer.webContents.on('will-navigate', (event) => event.preventDefault());
    await printer.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    const pdf = await printer.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    await writeFile(choice.filePath, pdf, { mode: 0o600 });
    return true;
  } finally {
    printer.destroy();
  }
}

/** The native pickers behind dialog:choose; the renderer only ever gets back the path the user chose. */
async function choosePath(purpose: ChoosePurpose): Promise<string | null> {
  const options: OpenDialogOptions =
    purpose === 'playlist-file'
      ? { title: 'Import a playlist', properties: ['openFile'], filters: [{ name: 'Playlists', extensions: ['m3u', 'm3u8', 'pls', 'xspf'] }] }
      : {
          title: purpose === 'library-folder' ? 'Add a music folder' : purpose === 'portable-folder' ? 'Open a portable playlist folder' : 'Export to a folder',
          properties: purpose === 'portable-folder' ? ['openDirectory'] : ['openDirectory', 'createDirectory'],
        };
  const choice = mainWindow === undefined ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(mainWindow, options);
  return choice.canceled ? null : (choice.filePaths[0] ?? null);
}

let sleepBlockerId: number | undefined;

/** The laptop must not sleep while a session runs (the screen may dim). */
function sessionSleepBlocker(active: boolean): boolean {
  if (active && sleepBlockerId === undefined) sleepBlockerId = powerSaveBlocker.start('prevent-app-suspension');
  if (!active && sleepBlockerId !== undefined) {
    powerSaveBlocker.stop(sleepBlockerId);
    sleepBlockerId = undefined;
  }
  return sleepBlockerId !== undefined && powerSaveBlocker.isStarted(sleepBlockerId);
}

async function start(): Promise<void> {
  await app.whenReady();
  const services = createServices({
    dataDir: app.getPath('userData'),
    bundledPlaylistsDir: path.join(appRoot, 'playlists'),
    // userData/settings.json, the same file the web host reads with conf.
    openSettingsStore: () => new ElectronStore<Record<string, unknown>>({ name: 'settings' }),
    keepAwake: sessionSleepBlocker,
    savePdf,
    choosePath,
    // Keeps the encryption key in the system keychain; the services refuse Linux's basic_text store.
    keyProtector: safeStorage,
    // The co-facilitator's page (device.html) is served from the same build to the paired device.
    deviceAppDir: rendererDir,
  });
  serveAppProtocol({ rendererDir, playlists: services.playlists, libraryRoots: services.libraryRoots });
  for (const channel of channels) {
    ipcMain.handle(channel, (event, request: unknown) =>
      isOwnTopLevelFrame(event) ? dispatch(services.handlers, channel, request) : fail('bad-request', 'refused: not the Attune window'),
    );
  }
  // The contract's host events go to the Attune window only (the PDF printer window is not a renderer of ours).
  services.events.subscribe((event) => {
    if (mainWindow !== undefined && !mainWindow.isDestroyed()) mainWindow.webContents.send(hostEventIpcChannel, event);
  });
  const windowSettings = new ElectronStore<WindowSettings>({ name: 'window' });
  mainWindow = createWindow(windowSettings);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(windowSettings);
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    sessionSleepBlocker(false);
    void services.close();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, decide) => decide(allowPermission(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => allowPermission(permission));
}

void start();
