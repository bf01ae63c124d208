import type { WebPreferences } from 'electron';

/**
 * Pure decisions of the desktop shell, kept apart from the code that wires them to
 * Electron so they can be tested without it.
 */
export const appScheme = 'attune';
export const appHost = 'app';
export const appOrigin = `${appScheme}://${appHost}`;
export const appIndexUrl = `${appOrigin}/index.html`;

/** The one webPreferences every window uses (the preload path is added where it is known). */
export const secureWebPreferences = {
  autoplayPolicy: 'no-user-gesture-required',
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  // Middle-click would open links in new windows; those are denied anyway, this removes the path.
  disableBlinkFeatures: 'Auxclick',
  // A session runs for hours behind other windows: timers and audio must not be throttled.
  backgroundThrottling: false,
} as const satisfies WebPreferences;

/** Exactly our app origin: `attune://app/...`; lookalikes (`attune://app.evil`, `attune://app@x`) are not. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${appScheme}:` && parsed.host === appHost && parsed.username === '' && parsed.password === '';
}

/** The renderer never navigates away: only reloads of our own pages. */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** What an IPC message tells us about where it came from. */
export interface IpcSender {
  readonly senderId: number;
  /** The id of our main window's webContents, if it exists. */
  readonly mainWindowId: number | undefined;
  readonly isMainFrame: boolean;
  readonly frameUrl: string | undefined;
}

/** Only our own window's top-level frame, showing our own page, may call the contract. */
export function isTrustedSender({ senderId, mainWindowId, isMainFrame, frameUrl }: IpcSender): boolean {
  return mainWindowId !== undefined && senderId === mainWindowId && isMainFrame && frameUrl !== undefined && isAppUrl(frameUrl);
}

/** Every permission is refused except choosing the audio output. */
export function allowPermission(permission: string): boolean {
  return permission === 'speaker-selection';
}
