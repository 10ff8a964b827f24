import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../app/auth';
import { queryKeys } from '../../app/keys';

const k = (...parts: unknown[]) => [...queryKeys.admin, ...parts];

export function useAdminUsers(q: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: k('users', q), queryFn: async () => (await api.adminUsers(q)).items });
}

export function useUserSessions(userId: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: k('sessions', userId), queryFn: async () => (await api.userSessions(userId)).items });
}

export function useAdminRooms(q: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: k('rooms', q), queryFn: async () => (await api.adminRooms(q)).items });
}

export function useAdminRoomMembers(roomId: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: k('room-members', roomId), queryFn: async () => (await api.adminRoomMembers(roomId)).items });
}

export function useAudit(f: { type?: string; actor?: string; room?: string; before?: number }) {
  const { api } = useAuth();
  return useQuery({ queryKey: k('audit', f), queryFn: () => api.audit(f) });
}

/** The system status, polled every 5 s, every second while a rebuild runs (its progress). */
export function useSystemStatus() {
  const { api } = useAuth();
  return useQuery({ queryKey: k('status'), queryFn: () => api.systemStatus(), refetchInterval: (q) => (q.state.data?.rebuild.state === 'running' ? 1000 : 5000) });
}

/** An admin action; everything the panel shows is refreshed after it. */
export function useAdminAction<A>(fn: (a: A) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => void qc.invalidateQueries({ queryKey: queryKeys.admin }) });
}
