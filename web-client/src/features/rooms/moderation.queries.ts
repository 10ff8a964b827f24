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

/**
 * Everything owners, admins and moderators do to a room, each refreshing what it changes (the room's live
 * events refresh them too, for everyone else looking).
 */
export function useRoomModeration(roomId: string) {
  const { api } = useAuth();
  const qc = useQueryClient();
  const refresh = () => {
    for (const key of [queryKeys.members(roomId), queryKeys.room(roomId), queryKeys.myRooms, queryKeys.bans(roomId), queryKeys.invites(roomId)]) {
      void qc.invalidateQueries({ queryKey: key });
    }
  };
  const m = <A,>(fn: (a: A) => Promise<unknown>) => useMutation({ mutationFn: fn, onSuccess: refresh });
  return {
    add: m((userId: string) => api.addMember(roomId, userId)),
    kick: m((userId: string) => api.removeMember(roomId, userId)),
    setRole: m(({ userId, role }: { userId: string; role: AssignableRole }) => api.changeRole(roomId, userId, role)),
    transfer: m((userId: string) => api.transferOwnership(roomId, userId)),
    ban: m((userId: string) => api.ban(roomId, userId)),
    unban: m((userId: string) => api.unban(roomId, userId)),
    update: m((body: UpdateRoomBody) => api.updateRoom(roomId, body)),
    archive: m((archived: boolean) => api.archiveRoom(roomId, archived)),
    remove: m(() => api.deleteRoom(roomId)),
    createInvite: m((body: CreateInviteBody) => api.createInvite(roomId, body)),
    revokeInvite: m((inviteId: string) => api.revokeInvite(roomId, inviteId)),
  };
}
