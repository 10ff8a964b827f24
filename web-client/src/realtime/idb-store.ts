import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxEntry, OutboxStore, PersistedRoom, TimelineStore } from './types';

interface NatterDB extends DBSchema {
  outbox: { key: string; value: OutboxEntry };
  timelines: { key: string; value: PersistedRoom };
  /** Small offline copies of query results (my rooms, ...), keyed by name. */
  cache: { key: string; value: unknown };
}

export type NatterDatabase = IDBPDatabase<NatterDB>;

/** One database per signed-in user, so two accounts on one device never see each other's data. */
export const dbName = (userId: string) => `natter-${userId}`;

export function openNatterDb(userId: string): Promise<NatterDatabase> {
  return openDB<NatterDB>(dbName(userId), 1, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'clientMsgId' });
      db.createObjectStore('timelines', { keyPath: 'roomId' });
      db.createObjectStore('cache');
    },
  });
}

export function deleteNatterDb(userId: string): Promise<void> {
  return deleteDB(dbName(userId));
}

export function idbOutboxStore(db: NatterDatabase): OutboxStore {
  return {
    loadAll: () => db.getAll('outbox'),
    put: async (e) => void (await db.put('outbox', e)),
    delete: (id) => db.delete('outbox', id),
  };
}

export function idbTimelineStore(db: NatterDatabase): TimelineStore {
  return {
    loadAll: () => db.getAll('timelines'),
    save: async (r) => void (await db.put('timelines', r)),
    delete: (id) => db.delete('timelines', id),
  };
}

export interface KeyValueCache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export function idbCache(db: NatterDatabase): KeyValueCache {
  return {
    get: async <T,>(key: string) => (await db.get('cache', key)) as T | undefined,
    set: async (key, value) => void (await db.put('cache', value, key)),
  };
}
