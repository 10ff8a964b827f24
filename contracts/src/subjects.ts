/**
 * Every NATS name Natter uses: one stream as the source of truth, subjects per aggregate, live subjects the
 * stream republishes to, request subjects of the command and query services, and the KV buckets.
 */
export const Streams = Object.freeze({ events: 'NATTER_EVENTS' });

export const Buckets = Object.freeze({
  /** Reservations of unique names (usernames, emails). Written only with `create`; never deleted. */
  unique: 'natter_unique',
  /** clientMsgId -> stored sequence, so a retry after the stream's duplicate window still finds its message. */
  msgDedupe: 'natter_msg_dedupe',
  /** Presence heartbeats, memory storage. */
  presence: 'natter_presence',
  /**
   * Revoked sessions (`sid.<sessionId>`) and deactivated users (`user.<userId>`), value JSON
   * `{revokedAt, expiresAt}` (ISO times). Written with `put` by command-api before it answers; watched by every
   * service that accepts access tokens. Entries outlive the last access token they can concern (bucket TTL).
   */
  revoked: 'natter_revoked',
  /**
   * `<userId>` -> ISO time the user's last connection closed, `put` by the edge holding it (file storage, no
   * TTL). With presence it answers "last seen" on profiles. A node that dies writes nothing for its sockets.
   */
  lastSeen: 'natter_last_seen',
});

/** Object store buckets (JetStream Object Store, `@nats-io/obj`). */
export const ObjectStores = Object.freeze({
  /** Uploaded files, their thumbnails and avatars (contracts' FileObjects names them). */
  files: 'natter_files',
});

export const Subjects = Object.freeze({
  all: 'ev.>',
  user: (userId: string) => `ev.user.${userId}`,
  roomMeta: (roomId: string) => `ev.room.${roomId}.meta`,
  roomMsg: (roomId: string) => `ev.room.${roomId}.msg`,
  /** The server aggregate (server admins, registration); one literal subject. Not a room or user subject. */
  server: 'ev.server',

  /** The stream republishes `ev.>` to `live.>` (fixed at stream creation on nats-server 2.9). */
  republishSource: 'ev.>',
  republishDestination: 'live.>',
  liveAllRoomMeta: 'live.room.*.meta',
  liveRoomMsg: (roomId: string) => `live.room.${roomId}.msg`,
  liveAllUsers: 'live.user.*',
  liveFor: (eventSubject: string) => `live.${eventSubject.slice('ev.'.length)}`,

  /** Commands as NATS request endpoints (queue group `command-api`), used by the edge. */
  command: (name: string) => `natter.cmd.${name}`,
  commandQueue: 'command-api',
  /** Read endpoints the edge needs (queue group `query-api`). */
  queryUserRooms: 'natter.query.user-rooms',
  /** Which of some users share at least one room with a user (presence authorization at the edge). */
  querySharesRoom: 'natter.query.shares-room',
  queryQueue: 'query-api',
  /**
   * Status scatter-gather: every service instance (no queue group) answers a request here with its
   * ServiceStatus; the asker collects replies for a short window (query-api's GET /api/admin/status).
   */
  status: 'natter.status',
  /** Start a read-model rebuild (queue group `projectors`); answered with the RebuildStatus. */
  adminRebuild: 'natter.admin.rebuild',
  projectorsQueue: 'projectors',
  /** One message's changeable state (command-api decides edits, deletes, reactions, pins, replies on it). */
  queryMessageState: 'natter.query.message-state',
  /** Which of some messages are deleted (the edge redacts their text when it replays stored events). */
  queryDeletedMessages: 'natter.query.deleted-messages',
  /** Users by username (command-api resolves @mentions). */
  queryUsersByName: 'natter.query.users-by-name',
  /** Ephemeral signals: core NATS only, never stored. */
  typing: (roomId: string) => `sig.typing.${roomId}`,
  /** Every room's typing signals (operators: `nats sub 'sig.typing.*'`). */
  typingAll: 'sig.typing.*',
});

/**
 * Parses `ev.room.<roomId>.<kind>` / `ev.user.<userId>` (or their `live.` twins). Anything else (`ev.server`)
 * is null: no room, no user; the edge does not subscribe to it and would skip it.
 */
export function parseEventSubject(subject: string):
  | { kind: 'room'; roomId: string; part: 'meta' | 'msg' }
  | { kind: 'user'; userId: string }
  | null {
  const t = subject.split('.');
  if (t[0] !== 'ev' && t[0] !== 'live') return null;
  if (t[1] === 'room' && t.length === 4 && (t[3] === 'meta' || t[3] === 'msg')) {
    return { kind: 'room', roomId: t[2], part: t[3] };
  }
  if (t[1] === 'user' && t.length === 3) return { kind: 'user', userId: t[2] };
  return null;
}
