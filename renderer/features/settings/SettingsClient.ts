import { defaultSettings, type Settings, type SettingsUpdate } from '../../../core/settings';
import { TypedEmitter } from '../../../core/typed-emitter';
import { call } from '../../bridge/attune-bridge';

export interface SettingsState {
  readonly settings: Settings;
  readonly loaded: boolean;
  /** From the host when stored settings were unreadable and set aside. */
  readonly notice: string | undefined;
  readonly loadError: string | undefined;
}

/** The renderer's copy of the settings; React reads it with useExternalState. */
export class SettingsClient extends TypedEmitter<{ state: SettingsState }> {
  private state: SettingsState = { settings: defaultSettings, loaded: false, notice: undefined, loadError: undefined };

  getState(): SettingsState {
    return this.state;
  }

  private set(changes: Partial<SettingsState>): void {
    this.state = { ...this.state, ...changes };
    this.emit('state', this.state);
  }

  async load(): Promise<void> {
    const result = await call('settings:get', {});
    if (result.ok) this.set({ settings: result.value.settings, notice: result.value.notice, loaded: true, loadError: undefined });
    else this.set({ loaded: true, loadError: result.error.message });
  }

  /** Resolves to an error message the settings screen shows next to the fields, or undefined. */
  async update(patch: SettingsUpdate): Promise<string | undefined> {
    const result = await call('settings:update', patch);
    if (!result.ok) return result.error.message;
    this.set({ settings: result.value.settings, notice: result.value.notice });
    return undefined;
  }

  dismissNotice(): void {
    this.set({ notice: undefined });
  }
}
