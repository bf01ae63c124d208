import type { DeviceStore, StoredDevice } from '../../core/pairing/device-client';

/** A device's storage kept in memory, copied in and out as IndexedDB would, so a test or the bench can read what the device kept. */
export class MemoryDeviceStore implements DeviceStore {
  value: StoredDevice | undefined;

  async load(): Promise<StoredDevice | undefined> {
    return this.value === undefined ? undefined : structuredClone(this.value);
  }

  async save(state: StoredDevice): Promise<void> {
    this.value = structuredClone(state);
  }

  async clear(): Promise<void> {
    this.value = undefined;
  }
}
