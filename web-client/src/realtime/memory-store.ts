import type { OutboxEntry, OutboxStore, PersistedRoom, TimelineStore } from './types';

/** In-memory stores: for tests, and for browsers without IndexedDB (nothing survives a reload). */
export function memoryOutboxStore(): OutboxStore & { rows: Map<string, OutboxEntry> } {
  const rows = new Map<string, OutboxEntry>();
  return {
    rows,
    loadAll: async () => [...rows.values()].map((e) => ({ ...e })),
    put: async (e) => void rows.set(e.clientMsgId, { ...e }),
    delete: async (id) => void rows.delete(id),
  };
}

export function memoryTimelineStore(): TimelineStore & { rows: Map<string, PersistedRoom> } {
  const rows = new Map<string, PersistedRoom>();
  return {
    rows,
    loadAll: async () => [...rows.values()],
    save: async (r) => void rows.set(r.roomId, r),
    delete: async (id) => void rows.delete(id),
  };
}
