import path from 'node:path';
import { ContractFailure } from '../../core/result';

/** A filesystem root ("/", "C:\") would make every file on the computer playable. */
function isFilesystemRoot(folder: string): boolean {
  return path.parse(folder).root === folder;
}

/** Whether a stored root may be served from at all (a settings file written by hand can hold anything). */
export function isUsableLibraryRoot(folder: string): boolean {
  return path.isAbsolute(folder) && !isFilesystemRoot(path.resolve(folder));
}

/**
 * The one rule for the library folders, wherever they are set (the library screen adds one,
 * settings:update replaces the list): full paths, not a whole disk, each once, none inside
 * another. Returns the list normalised (no trailing separators, no `..`).
 */
export function checkLibraryRoots(requested: readonly string[]): string[] {
  const roots: string[] = [];
  for (const entry of requested) {
    if (!path.isAbsolute(entry)) throw new ContractFailure('bad-request', `type the full path of the folder (it starts with / or a drive letter): ${entry}`);
    const folder = path.resolve(entry);
    if (isFilesystemRoot(folder)) throw new ContractFailure('bad-request', `${folder} is a whole disk; choose the folder that holds the music`);
    if (roots.includes(folder)) throw new ContractFailure('conflict', `${folder} is already a library folder`);
    const nested = roots.find((root) => folder.startsWith(`${root}${path.sep}`) || root.startsWith(`${folder}${path.sep}`));
    if (nested !== undefined) throw new ContractFailure('conflict', `${folder} overlaps the library folder ${nested}; remove one of them first`);
    roots.push(folder);
  }
  return roots;
}
