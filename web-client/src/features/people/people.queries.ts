import type { MyRoom } from '@natter/contracts/browser';
import { useQuery } from '@tanstack/react-query';
import { useAuth } from '../../app/auth';
import { queryKeys } from '../../app/keys';
import { useMyRooms } from '../../app/queries';
import { rememberPictures } from './Avatar';

/** Profiles say whether the person has a picture: avatars then ask only for those that exist. */
function remembered<T extends { id: string; avatar?: string | null } | { id: string; avatar?: string | null }[]>(people: T): T {
  rememberPictures(Array.isArray(people) ? people : [people]);
  return people;
}

/** Your own profile from the read model: `serverAdmin` decides whether the admin panel is yours. */
export function useMeProfile() {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.meProfile, queryFn: async () => remembered((await api.me()).user), staleTime: 60_000 });
}

/** The directory: active people whose names start with the query's words (no case, no accents). */
export function useDirectory(q: string, enabled = true) {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.directory(q), queryFn: async () => remembered((await api.users(q)).items), enabled });
}

/** Someone's profile, with presence and last seen (refreshed while on screen). */
export function useProfile(userId: string) {
  const { api } = useAuth();
  return useQuery({ queryKey: queryKeys.profile(userId), queryFn: async () => remembered((await api.profile(userId)).user), refetchInterval: 30_000 });
}

/** My direct-message rooms, newest activity first. */
export function useDirectMessages(): MyRoom[] {
  const rooms = useMyRooms();
  return (rooms.data ?? []).filter((r) => r.kind === 'dm');
}

/** The direct-message room of exactly me and `userIds`, if it exists. */
export function useDmWith(userIds: readonly string[]): MyRoom | undefined {
  const want = [...new Set(userIds)].sort().join(',');
  return useDirectMessages().find((r) => (r.peers ?? []).map((p) => p.userId).sort().join(',') === want);
}

/** A direct message's name: its other people's names. */
export const dmName = (r: Pick<MyRoom, 'peers'>) => (r.peers ?? []).map((p) => p.displayName).join(', ') || 'Just you';
