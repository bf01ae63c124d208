import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { SettingsResult } from '../../core/contract';
import { ContractFailure } from '../../core/result';
import { defaultSettings, settingsFieldsSchema, settingsSchema, settingsUpdateSchema, type Settings, type SettingsUpdate } from '../../core/settings';
import { describeZodError } from '../../core/validation';
import { checkLibraryRoots } from './library-roots';

/** The part of electron-store (desktop) and conf (web host) that settings need; both write atomically. */
export interface KeyValueStore {
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
}

export interface SettingsServiceOptions {
  /** Opens the store; throws when its file is not valid JSON. */
  readonly openStore: () => KeyValueStore;
  readonly filePath: string;
  readonly now?: () => Date;
}

/**
 * conf and electron-store read a file holding an array, a string, a number or null as an
 * empty store, which the next save would silently replace.
 */
function holdsJsonOtherThanAnObject(filePath: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(filePath, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return false;
  }
  return json === null || typeof json !== 'object' || Array.isArray(json);
}

/**
 * Settings validated on every read. A settings file that cannot be read or does not
 * validate is moved aside (kept, never wiped), defaults are used, and the user is told.
 */
export class SettingsService {
  private readonly store: KeyValueStore;
  private notice: string | undefined;

  constructor(private readonly options: SettingsServiceOptions) {
    let store: KeyValueStore;
    try {
      store = options.openStore();
    } catch {
      const keptAt = this.moveAside();
      this.notice = `The settings file could not be read, so Attune started with default settings. The old file was kept as ${keptAt}.`;
      store = options.openStore();
    }
    this.store = store;
    if (holdsJsonOtherThanAnObject(options.filePath)) {
      const keptAt = this.moveAside();
      this.store = options.openStore();
      this.notice = `The settings file did not hold settings, so Attune started with default settings. The old file was kept as ${keptAt}.`;
      return;
    }
    const parsed = settingsFieldsSchema.partial().safeParse(store.store);
    if (!parsed.success) {
      const problem = describeZodError(parsed.error, 3);
      const keptAt = this.moveAside();
      this.store = options.openStore();
      this.notice = `Some settings were not valid (${problem}), so Attune started with default settings. The old file was kept as ${keptAt}.`;
    }
  }

  private moveAside(): string {
    const stamp = (this.options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    const keptAt = `${this.options.filePath}.unreadable-${stamp}`;
    if (existsSync(this.options.filePath)) renameSync(this.options.filePath, keptAt);
    return keptAt;
  }

  current(): Settings {
    const parsed = settingsFieldsSchema.partial().safeParse(this.store.store);
    const stored = parsed.success ? parsed.data : {};
    return { ...defaultSettings, ...stored };
  }

  get(): SettingsResult {
    return this.notice === undefined ? { settings: this.current() } : { settings: this.current(), notice: this.notice };
  }

  update(patch: SettingsUpdate): SettingsResult {
    const parsedPatch = settingsUpdateSchema.safeParse(patch);
    if (!parsedPatch.success) throw new ContractFailure('bad-request', describeZodError(parsedPatch.error));
    const { libraryRoots } = parsedPatch.data;
    const checked = libraryRoots === undefined ? parsedPatch.data : { ...parsedPatch.data, libraryRoots: checkLibraryRoots(libraryRoots) };
    const merged = settingsSchema.safeParse({ ...this.current(), ...checked });
    if (!merged.success) throw new ContractFailure('bad-request', describeZodError(merged.error));
    for (const [key, value] of Object.entries(merged.data)) this.store.set(key, value);
    this.notice = undefined;
    return this.get();
  }
}
