import path from 'node:path';

/** Whether `candidate` is `folder` itself or lies somewhere below it; both absolute and normalised. */
export function isInsideFolder(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
