import os from 'node:os';
import path from 'node:path';

export const appFolderName = 'Attune';

/** The same per-user folder Electron uses as `userData` for an app named Attune. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', appFolderName);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), appFolderName);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), appFolderName);
}
