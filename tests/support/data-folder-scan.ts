import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Every regular file under `directory`, as paths relative to it. */
export async function filesUnder(directory: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push(path.relative(directory, full));
    }
  };
  await walk(directory);
  return files.sort();
}

/**
 * Each place a needle appears in clear (UTF-8 or UTF-16) in any byte of any file under
 * `directory`, as `file: needle`. Empty when none is found.
 */
export async function plaintextFindings(directory: string, needles: readonly string[]): Promise<string[]> {
  const findings: string[] = [];
  for (const file of await filesUnder(directory)) {
    const bytes = await readFile(path.join(directory, file));
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'))) findings.push(`${file}: ${needle}`);
    }
  }
  return findings;
}
