import type { CreateRoomBody, Member, MyRoom, Room, RoomSettings } from '@natter/contracts/browser';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { isUnreachable } from '../api/errors';
import { useAuth } from './auth';
import { queryKeys } from './keys';
import { useRealtime } from './realtime';
import type { KeyValueCache } from '../realtime';
import { rememberPictures } from '../features/people/Avatar';

export { queryKeys };


/**
 * My rooms, network first; when the network is down, the copy saved in IndexedDB at the last success
 * (so the app opens offline with its rooms).
 */
export function useMyRooms() {
  const { api } = useAuth();
  const { cache, unread } = useRealtime();
  return useQuery({
    queryKey: queryKeys.myRooms,
    queryFn: (): Promise<MyRoom[]> =>
      withOfflineCopy(cache, 'myRooms', async () => {
        const { items, asOfSeq } = await api.myRooms();
        unread.setSnapshot(items, asOfSeq);
        return items;
      }),
  });
}

/** A room of mine's visibility by id (undefined: not one of mine), for drawing its name (features/rooms/room-name.ts). */
export function useVisibilityOf(): (roomId: string) => MyRoom['visibility'] | undefined {
  const rooms = useMyRooms().data;
  return (roomId) => rooms?.find((r) => r.id === roomId)?.visibility;
}

export function usePublicRooms(q: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.publicRooms(q), queryFn: async () => (await api.publicRooms(q)).items });
}

export function useRoom(roomId: string) {
  const { api } = useAuth();
  const { cache } = useRealtime();
  return useQuery({
    queryKey: queryKeys.room(roomId),
    queryFn: (): Promise<Room> => withOfflineCopy(cache, `room.${roomId}`, async () => (await api.room(roomId)).room),
    // A 404 may be a room created a moment ago that the read model has not reached yet (a link shared
    // right after creation): ask a few more times, backing off, before showing "not found".
    retry: (n, e) => (e && 'status' in e && (e as { status: number }).status === 404 ? n < 3 : n < 2),
  });
}

/** Run `load`, saving its result under `key`; when the server is unreachable, answer the saved copy. */
async function withOfflineCopy<T>(cache: KeyValueCache, key: string, load: () => Promise<T>): Promise<T> {
  try {
    const value = await load();
    void cache.set(key, value);
    return value;
  } catch (e) {
    if (isUnreachable(e)) {
      const saved = await cache.get<T>(key);
      if (saved !== undefined) return saved;
    }
    throw e;
  }
}

/**
 * The read-model position a room's reads should reach: what this client has seen of the room (its timeline
 * position), so a list refreshed because of a live event (a join, a pin) is not read from before that event.
 */
function useRoomPosition(): (roomId: string) => number | undefined {
  const { timelines } = useRealtime();
  return useCallback((roomId: string) => timelines.get(roomId).position ?? undefined, [timelines]);
}

export function useMembers(roomId: string, enabled = true) {
  const { api } = useAuth();
  const { cache } = useRealtime();
  const position = useRoomPosition();
  return useQuery({
    queryKey: queryKeys.members(roomId),
    queryFn: () =>
      withOfflineCopy(cache, `members.${roomId}`, async () => {
        const { items } = await api.members(roomId, position(roomId));
        rememberPictures(items.map((m) => ({ id: m.userId, avatar: m.avatar })));
        return items;
      }),
    enabled,
  });
}

/** Display names for user ids: members of the room first, then one lookup per unknown author. */
export function useUserNames(roomId: string, userIds: string[]): (userId: string) => string {
  const { api } = useAuth();
  const { cache } = useRealtime();
  const members = useMembers(roomId);
  const known = useMemo(() => new Map((members.data ?? []).map((m: Member) => [m.userId, m.displayName])), [members.data]);
  const unknown = useMemo(() => [...new Set(userIds)].filter((id) => !known.has(id)), [userIds, known]);
  const lookups = useQueries({
    queries: unknown.map((id) => ({
      queryKey: queryKeys.user(id),
      queryFn: () =>
        withOfflineCopy(cache, `user.${id}`, async () => {
          const { user } = await api.user(id);
          rememberPictures([user]);
          return user;
        }),
      staleTime: 10 * 60_000,
      enabled: members.isFetched,
    })),
  });
  const looked = new Map(lookups.flatMap((q) => (q.data ? [[q.data.id, q.data.displayName] as const] : [])));
  return useCallback((id: string) => known.get(id) ?? looked.get(id) ?? 'Unknown user', [known, looked]);
}

export function useRoomMutations() {
  const { api } = useAuth();
  const qc = useQueryClient();
  const refresh = (roomId?: string) => {
    void qc.invalidateQueries({ queryKey: queryKeys.myRooms });
    void qc.invalidateQueries({ queryKey: ['publicRooms'] });
    if (roomId) {
      void qc.invalidateQueries({ queryKey: queryKeys.members(roomId) });
      void qc.invalidateQueries({ queryKey: queryKeys.room(roomId) });
    }
  };
  // Creating or joining a room ends once my rooms list has it (the mutation stays pending until then), so the
  // room opened next is the member's view at once, not a flash of "You are not a member" whose panels vanish.
  const refreshMine = async (roomId: string) => {
    refresh(roomId);
    await qc.refetchQueries({ queryKey: queryKeys.myRooms });
  };
  return {
    create: useMutation({ mutationFn: (body: CreateRoomBody) => api.createRoom(body), onSuccess: (r) => refreshMine(r.roomId) }),
    join: useMutation({ mutationFn: (roomId: string) => api.joinRoom(roomId), onSuccess: (r) => refreshMine(r.roomId) }),
    leave: useMutation({ mutationFn: (roomId: string) => api.leaveRoom(roomId), onSuccess: (r) => refresh(r.roomId) }),
  };
}

/** The room's pinned messages (refreshed when a pin changes: realtime.tsx). */
export function usePins(roomId: string, enabled = true) {
  const { api } = useAuth();
  const position = useRoomPosition();
  return useQuery({ queryKey: queryKeys.pins(roomId), queryFn: async () => (await api.pins(roomId, position(roomId))).items, enabled });
}

/** The room's message settings (edit window, who pins); the defaults until loaded. */
export function useRoomSettings(roomId: string, enabled = true): RoomSettings {
  const { api } = useAuth();
  const position = useRoomPosition();
  const q = useQuery({ queryKey: queryKeys.roomSettings(roomId), queryFn: async () => (await api.roomSettings(roomId, position(roomId))).settings, enabled });
  return q.data ?? { editWindowSeconds: null, anyoneCanPin: false };
}

/** Every version of a message's text (the "(edited)" history). */
export function useMessageHistory(roomId: string, seq: number | null) {
  const { api } = useAuth();
  const position = useRoomPosition();
  return useQuery({ queryKey: queryKeys.messageHistory(roomId, seq ?? 0), queryFn: async () => (await api.messageHistory(roomId, seq!, position(roomId))).versions, enabled: seq !== null, staleTime: 0 });
}
