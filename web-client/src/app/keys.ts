/** React Query keys, in one place so invalidations match. */
export const queryKeys = {
  myRooms: ['myRooms'] as const,
  publicRooms: (q: string) => ['publicRooms', q] as const,
  room: (roomId: string) => ['room', roomId] as const,
  members: (roomId: string) => ['members', roomId] as const,
  user: (userId: string) => ['user', userId] as const,
  // ---- people and administration (issue 11)
  meProfile: ['meProfile'] as const,
  profile: (userId: string) => ['profile', userId] as const,
  directory: (q: string) => ['directory', q] as const,
  bans: (roomId: string) => ['bans', roomId] as const,
  invites: (roomId: string) => ['invites', roomId] as const,
  admin: ['admin'] as const,
  pins: (roomId: string) => ['pins', roomId] as const,
  roomSettings: (roomId: string) => ['roomSettings', roomId] as const,
  messageHistory: (roomId: string, seq: number) => ['messageHistory', roomId, seq] as const,
};
