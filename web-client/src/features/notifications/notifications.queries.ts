import { markersMovedBySend, membershipChange, type EventEnvelope, type MyRoom, type NotificationSettingsView, type NotificationsPage, type ReadMarker } from '@natter/contracts/browser';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useAuth } from '../../app/auth';
import { queryKeys } from '../../app/keys';

export const notificationKeys = {
  center: ['notifications'] as const,
  settings: ['notificationSettings'] as const,
};

/** The newest page of the notification center, with the unread count (refetched on live events, below). */
export function useNotifications() {
  const { api } = useAuth();
  return useQuery({ queryKey: notificationKeys.center, queryFn: () => api.notifications(), staleTime: 10_000 });
}

export function useNotificationSettings() {
  const { api } = useAuth();
  return useQuery({ queryKey: notificationKeys.settings, queryFn: () => api.notificationSettings() });
}

/** Mark some (or all, up to a seq) read; the center refetches once the projection has the event. */
export function useMarkRead() {
  const { api } = useAuth();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { seqs: number[] } | { upToSeq: number }) => api.markNotificationsRead(body),
    onSuccess: ({ seq }) => {
      api.observe(seq);
      void qc.invalidateQueries({ queryKey: notificationKeys.center });
    },
  });
}

/**
 * Whether a live room event may have notified me: a message from someone else that names me, the room, a
 * thread, or lands in a DM or a room I follow entirely. Only then is the center refetched, so a busy room
 * does not turn every message into a read of the center.
 */
export function mayNotify(event: EventEnvelope, roomId: string, me: string, qc: QueryClient): boolean {
  if (event.type !== 'MessageSent') return false;
  const d = event.data as { senderId: string; mentions?: { userIds: string[]; room: boolean; here: boolean }; thread?: unknown };
  if (d.senderId === me) return false;
  if (d.mentions && (d.mentions.userIds.includes(me) || d.mentions.room || d.mentions.here)) return true;
  if (d.thread) return true;
  const room = qc.getQueryData<MyRoom[]>(queryKeys.myRooms)?.find((r) => r.id === roomId);
  // A room not in my list yet is a direct message just started (its first message notifies me) or one I was
  // just added to: ask.
  if (!room || room.kind === 'dm') return true;
  const s = qc.getQueryData<NotificationSettingsView>(notificationKeys.settings);
  const level = s?.rooms.find((r) => r.roomId === roomId)?.level ?? s?.level;
  return level === 'all';
}

/**
 * Whether read markers (reading a room or a thread on any device) may have read notifications in the center:
 * the server marks those they cover read, so the center is refetched only then, not on every marker. An unread
 * count beyond the loaded page may hide covered ones: refetch then too.
 */
export function markersMayRead(page: NotificationsPage | undefined, markers: readonly ReadMarker[]): boolean {
  if (!page || page.unread === 0) return false;
  const unread = page.items.filter((n) => !n.read);
  if (page.unread > unread.length) return true;
  return unread.some((n) => markers.some((m) => m.roomId === n.roomId && n.messageSeq <= m.seq && (m.threadRootSeq ?? null) === n.threadRootSeq));
}

/** Live: the center follows room events that may concern me, and my own notification events from any device. */
export function followNotifications(qc: QueryClient, observe: (seq: number) => void, me: string) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  // The queries to refetch when the timer fires: a burst of events refetches each once, none is dropped.
  const due = new Set<readonly string[]>();
  const refetch = (seq: number, key: readonly string[]) => {
    observe(seq);
    due.add(key);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      for (const k of due) void qc.invalidateQueries({ queryKey: k });
      due.clear();
    }, 150);
  };
  // A center read is coming or under way (a message that notified me a moment ago, not in the cached page yet).
  const centerPending = () => due.has(notificationKeys.center) || qc.isFetching({ queryKey: notificationKeys.center }) > 0;
  return {
    onRoomEvent(roomId: string, seq: number, event: EventEnvelope) {
      const membership = membershipChange(event);
      if (mayNotify(event, roomId, me, qc)) refetch(seq, notificationKeys.center);
      // Leaving, removed or banned (or the room deleted): the server took the room's notifications out of my center.
      else if (membership?.change === 'stop' && (membership.userId === me || membership.userId === null)) refetch(seq, notificationKeys.center);
      else if (event.type === 'MessageSent' && (event.data as { senderId: string }).senderId === me) {
        // My own send reads what notified me there before it (the server moves my markers to it).
        const d = event.data as { thread?: { rootSeq: number; alsoToRoom: boolean } };
        if (centerPending() || markersMayRead(qc.getQueryData<NotificationsPage>(notificationKeys.center), markersMovedBySend(roomId, seq, d.thread))) refetch(seq, notificationKeys.center);
      }
    },
    onUserEvent(seq: number, event: EventEnvelope) {
      if (event.type === 'NotificationsRead') refetch(seq, notificationKeys.center);
      else if (event.type === 'ReadMarkersMoved') {
        // When a center read is pending it must read as of this marker too, or it shows what the marker read
        // as unread; otherwise only when the marker covers an unread notification the center shows.
        if (centerPending() || markersMayRead(qc.getQueryData<NotificationsPage>(notificationKeys.center), (event.data as { markers: ReadMarker[] }).markers)) refetch(seq, notificationKeys.center);
      } else if (event.type.endsWith('NotificationSettingsChanged') || event.type === 'ThreadMuteChanged') refetch(seq, notificationKeys.settings);
    },
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}
