// The app's storage on the device: IndexedDB, which keeps a CryptoKeyPair as it is (so
// the DPoP private key stays non-extractable), and the session (refresh token, ID
// token). The access token lives in memory only.
const DB_NAME = 'hawiya-mobile';
const STORE = 'kv';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB unavailable'));
  });
}

async function run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = action(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result as T);
      request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
    });
  } finally {
    db.close();
  }
}

export const readValue = <T>(key: string) => run<T | undefined>('readonly', (store) => store.get(key));
export const writeValue = (key: string, value: unknown) => run<IDBValidKey>('readwrite', (store) => store.put(value, key));
export const deleteValue = (key: string) => run<undefined>('readwrite', (store) => store.delete(key));
