import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Makes a new or renamed directory entry survive power loss (no-op where directories cannot be opened). */
export async function fsyncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a whole file so that readers see either the old contents or the new, never a mix. */
export async function writeFileAtomically(filePath: string, contents: string): Promise<void> {
  const directory = path.dirname(filePath);
  const temporaryPath = path.join(directory, `.${path.basename(filePath)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temporaryPath, 'w', 0o600);
  try {
    await handle.writeFile(contents, 'utf8');
    await handle.datasync();
  } catch (error) {
    await handle.close();
    await rm(temporaryPath, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporaryPath, filePath);
  await fsyncDirectory(directory);
}
