import type { DeviceStore, StoredDevice } from '../../core/pairing/device-client';

const databaseName = 'attune-device';
const storeName = 'pairing';
const recordKey = 'device';

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
    request.onblocked = () => reject(new Error('IndexedDB is held by another tab of this page'));
  });
}

function finished(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB write failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB write was aborted'));
  });
}

/**
 * The device's pairing and its unacknowledged marks in IndexedDB (this page's origin only).
 * Every write is committed with strict durability: a mark is on the device's disk before
 * `mark()` resolves, so a closed tab or a flat battery loses nothing.
 */
export function indexedDbDeviceStore(): DeviceStore {
  let database: Promise<IDBDatabase> | undefined;
  const db = () => (database ??= openDatabase());
  return {
    async load() {
      const transaction = (await db()).transaction(storeName, 'readonly');
      const request = transaction.objectStore(storeName).get(recordKey);
      await finished(transaction);
      // Checked by the DeviceClient against its own schema: a damaged record starts afresh.
      return request.result as StoredDevice | undefined;
    },
    async save(state) {
      const transaction = (await db()).transaction(storeName, 'readwrite', { durability: 'strict' });
      transaction.objectStore(storeName).put(state, recordKey);
      await finished(transaction);
    },
    async clear() {
      const transaction = (await db()).transaction(storeName, 'readwrite', { durability: 'strict' });
      transaction.objectStore(storeName).delete(recordKey);
      await finished(transaction);
    },
  };
}
