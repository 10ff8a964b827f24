import type { AssignableRole, CreateInviteBody, UpdateRoomBody } from '@natter/contracts/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../app/auth';
import { queryKeys } from '../../app/keys';

/** A room's bans (moderators and up) and invite links (owner and admins). */
export function useBans(roomId: string, enabled: boolean) {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.bans(roomId), queryFn: async () => (await api.bans(roomId)).items, enabled });
}

export function useInvites(roomId: string, enabled: boolean) {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.invites(roomId), queryFn: async () => (await api.invites(roomId)).items, enabled });
}

/** One thing done to a room; on success what it changes is refreshed (its live event does it for everyone else). */
function useRoomAction<A, R>(roomId: string, fn: (a: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      for (const key of [queryKeys.members(roomId), queryKeys.room(roomId), queryKeys.myRooms, queryKeys.bans(roomId), queryKeys.invites(roomId)]) {
        void qc.invalidateQueries({ queryKey: key });
      }
    },
  });
}

/** Everything owners, admins and moderators do to a room (the server decides who may). */
export function useRoomModeration(roomId: string) {
  const { api } = useAuth();
  return {
    add: useRoomAction(roomId, (userId: string) => api.addMember(roomId, userId)),
    kick: useRoomAction(roomId, (userId: string) => api.removeMember(roomId, userId)),
    setRole: useRoomAction(roomId, ({ userId, role }: { userId: string; role: AssignableRole }) => api.changeRole(roomId, userId, role)),
    transfer: useRoomAction(roomId, (userId: string) => api.transferOwnership(roomId, userId)),
    ban: useRoomAction(roomId, (userId: string) => api.ban(roomId, userId)),
    unban: useRoomAction(roomId, (userId: string) => api.unban(roomId, userId)),
    update: useRoomAction(roomId, (body: UpdateRoomBody) => api.updateRoom(roomId, body)),
    archive: useRoomAction(roomId, (archived: boolean) => api.archiveRoom(roomId, archived)),
    remove: useRoomAction(roomId, () => api.deleteRoom(roomId)),
    createInvite: useRoomAction(roomId, (body: CreateInviteBody) => api.createInvite(roomId, body)),
    revokeInvite: useRoomAction(roomId, (inviteId: string) => api.revokeInvite(roomId, inviteId)),
  };
}
