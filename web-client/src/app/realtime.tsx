import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import {
  attachBrowserTriggers,
  browserSocket,
  deleteNatterDb,
  idbCache,
  idbOutboxStore,
  idbTimelineStore,
  memoryOutboxStore,
  memoryTimelineStore,
  newClientId,
  openNatterDb,
  Outbox,
  persistTimelines,
  RealtimeClient,
  Timelines,
  wsUrl,
  type ConnectionStatus,
  type KeyValueCache,
  type NatterDatabase,
  type OutboxEntry,
  type RoomTimeline,
  type SocketFactory,
} from '../realtime';
import { changesRoomInfo, timelineItemOf } from '../features/timeline/registry';
import { ReadMarkers } from '../state/read-markers';
import { useAuth } from './auth';
import { queryKeys } from './keys';
import { followNotifications } from '../features/notifications/notifications.queries';

export interface RealtimeValue {
  client: RealtimeClient;
  timelines: Timelines;
  outbox: Outbox;
  cache: KeyValueCache;
  markers: ReadMarkers;
}

const RealtimeContext = createContext<RealtimeValue | null>(null);

function memoryCache(): KeyValueCache {
  const m = new Map<string, unknown>();
  return { get: async <T,>(k: string) => m.get(k) as T | undefined, set: async (k, v) => void m.set(k, v) };
}

/**
 * Per signed-in user: opens that user's IndexedDB, restores timelines and outbox, starts the socket. On
 * sign-out it stops everything and deletes the user's local data (a shared device keeps nothing).
 */
export function RealtimeProvider({ children, createSocket = browserSocket }: { children: ReactNode; createSocket?: SocketFactory | undefined }) {
  const { session, user, api } = useAuth();
  const qc = useQueryClient();
  const [value, setValue] = useState<RealtimeValue | null>(null);
  const userId = user?.id;

  useEffect(() => {
    if (!userId) return;
    let cancelled = false;
    let cleanup: (() => void) | undefined;
    void (async () => {
      let db: NatterDatabase | null = null;
      try {
        db = await openNatterDb(userId);
      } catch {
        db = null; // private mode without IndexedDB: works, keeps nothing across reloads
      }
      const outbox = new Outbox(db ? idbOutboxStore(db) : memoryOutboxStore(), newClientId);
      const timelineStore = db ? idbTimelineStore(db) : memoryTimelineStore();
      const timelines = new Timelines(timelineItemOf);
      await outbox.load();
      timelines.restore(await timelineStore.loadAll());
      if (cancelled) {
        db?.close();
        return;
      }
      // Writes each change at once (no debounce): an unload handler cannot be trusted to get a write through.
      const persister = persistTimelines(timelines, timelineStore, { onError: (err) => console.warn('[realtime] saving timelines failed', err) });
      // Belt and braces: nothing should be left to write by now.
      const flushOnHide = () => void persister.flush();
      window.addEventListener('pagehide', flushOnHide);
      const client = new RealtimeClient({
        url: (t) => wsUrl(t),
        createSocket,
        auth: {
          getAccessToken: () => session.getAccessToken(),
          refreshAccessToken: () => session.refresh(),
          onSessionEnded: () => session.signOut(),
        },
        timelines,
        outbox,
        newId: newClientId,
        userEvents: true,
        log: (msg, data) => console.debug(`[realtime] ${msg}`, data ?? ''),
      });
      const refreshRoom = (roomId: string) => {
        for (const key of [queryKeys.members(roomId), queryKeys.room(roomId), queryKeys.myRooms, queryKeys.bans(roomId), queryKeys.invites(roomId)]) {
          void qc.invalidateQueries({ queryKey: key });
        }
      };
      const notifications = followNotifications(qc, (seq) => api.observe(seq), userId);
      const offUserEvent = client.onUserEvent((seq, event) => notifications.onUserEvent(seq, event));
      const offEvent = client.onEvent((roomId, seq, event) => {
        notifications.onRoomEvent(roomId, seq, event);
        if (changesRoomInfo(event.type)) {
          // The refetch must see this event: the read model may be a few ms behind the socket.
          api.observe(seq);
          refreshRoom(roomId);
        }
        // What is loaded over HTTP beside the timeline (which folds message changes itself).
        const target = (event.data as { messageSeq?: number }).messageSeq;
        if (event.type === 'MessagePinned' || event.type === 'MessageUnpinned' || event.type === 'MessageDeleted' || event.type === 'MessageEdited') {
          void qc.invalidateQueries({ queryKey: queryKeys.pins(roomId) });
        }
        if ((event.type === 'MessageEdited' || event.type === 'MessageDeleted') && target) void qc.invalidateQueries({ queryKey: queryKeys.messageHistory(roomId, target) });
        if (event.type === 'RoomSettingsUpdated') void qc.invalidateQueries({ queryKey: queryKeys.roomSettings(roomId) });
      });
      // A gap in a room (`truncated`) may hide membership changes; a reset (another stream) voids everything.
      const offGap = client.onRoomGap(refreshRoom);
      const offReset = client.onReset(() => void qc.invalidateQueries());
      const detach = attachBrowserTriggers(client);
      client.start();
      setValue({ client, timelines, outbox, cache: db ? idbCache(db) : memoryCache(), markers: new ReadMarkers(userId) });
      cleanup = () => {
        window.removeEventListener('pagehide', flushOnHide);
        client.stop();
        offEvent();
        offUserEvent();
        notifications.stop();
        offGap();
        offReset();
        detach();
        void persister.flush().finally(() => {
          persister.stop();
          db?.close();
          if (!session.current) {
            localStorage.removeItem(`natter.read.${userId}`);
            void deleteNatterDb(userId);
          }
        });
      };
    })();
    return () => {
      cancelled = true;
      cleanup?.();
      setValue(null);
      qc.clear();
    };
  }, [userId, session, qc, createSocket, api]);

  if (!value) {
    return (
      <div className="splash" role="status">
        Loading…
      </div>
    );
  }
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeValue {
  const v = useContext(RealtimeContext);
  if (!v) throw new Error('useRealtime outside RealtimeProvider');
  return v;
}

export function useConnectionStatus(): ConnectionStatus {
  const { client } = useRealtime();
  return useSyncExternalStore(
    (fn) => client.onStatus(fn),
    () => client.status,
  );
}

export function useTimeline(roomId: string): RoomTimeline {
  const { timelines } = useRealtime();
  return useSyncExternalStore(
    (fn) => timelines.subscribe((id) => id === roomId && fn()),
    () => timelines.get(roomId),
  );
}

/** Re-renders on any timeline change (room list: latest sequence per room). */
export function useTimelinesVersion(): number {
  const { timelines } = useRealtime();
  return useSyncExternalStore(
    (fn) => timelines.subscribe(fn),
    () => timelines.version,
  );
}

export function useOutbox(roomId: string): OutboxEntry[] {
  const { outbox } = useRealtime();
  const all = useSyncExternalStore(
    (fn) => outbox.subscribe(fn),
    () => outbox.all(),
  );
  return useMemo(() => all.filter((e) => e.roomId === roomId), [all, roomId]);
}

export function useReadMarkers(): ReadMarkers {
  const { markers } = useRealtime();
  useSyncExternalStore(
    (fn) => markers.subscribe(fn),
    () => markers.version,
  );
  return markers;
}

/** Re-render on every typing/presence change (the signals are tiny; selectors below derive from them). */
function useSignalsVersion(): number {
  const { client } = useRealtime();
  return useSyncExternalStore(
    (fn) => client.signals.subscribe(fn),
    () => client.signals.version,
  );
}

/** Users (other than me) typing in the room now. */
export function useTyping(roomId: string): string[] {
  const { client } = useRealtime();
  useSignalsVersion();
  return client.signals.typingIn(roomId);
}

/**
 * Who each mounted usePresence follows. The socket follows one list (presence_subscribe replaces it), so the
 * lists of every component that wants presence (the members panel, the direct messages) are merged.
 */
const followers = new WeakMap<RealtimeClient, Map<object, string[]>>();

function follow(client: RealtimeClient, owner: object, userIds: string[] | null): void {
  let all = followers.get(client);
  if (!all) followers.set(client, (all = new Map()));
  if (userIds) all.set(owner, userIds);
  else all.delete(owner);
  client.followPresence([...new Set([...all.values()].flat())]);
}

/** Follow these users' presence while mounted; true/false per user once known. */
export function usePresence(userIds: string[] | undefined): Record<string, boolean | undefined> {
  const { client } = useRealtime();
  useSignalsVersion();
  const [owner] = useState(() => ({}));
  const key = (userIds ?? []).join(',');
  useEffect(() => {
    if (!key) return;
    follow(client, owner, key.split(','));
    return () => follow(client, owner, null);
  }, [client, key, owner]);
  return Object.fromEntries((userIds ?? []).map((u) => [u, client.signals.isOnline(u)]));
}
