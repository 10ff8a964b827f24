/** React Query keys, in one place so invalidations match. */
export const queryKeys = {
  myRooms: ['myRooms'] as const,
  publicRooms: (q: string) => ['publicRooms', q] as const,
  room: (roomId: string) => ['room', roomId] as const,
  members: (roomId: string) => ['members', roomId] as const,
  user: (userId: string) => ['user', userId] as const,
  pins: (roomId: string) => ['pins', roomId] as const,
  roomSettings: (roomId: string) => ['roomSettings', roomId] as const,
  messageHistory: (roomId: string, seq: number) => ['messageHistory', roomId, seq] as const,
};
