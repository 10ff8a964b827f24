import { AdminRoomsQuery, AdminUsersQuery, AsOfSeqHeader, AuditQuery, DirectoryQuery, HistoryQuery, MinSeqQuery, parseOrThrow, SearchQuery } from '@natter/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AdminService } from '../admin/admin.service';
import type { SystemStatusService } from '../admin/system-status';
import type { HistoryService } from '../messages/history.service';
import type { Snapshot } from '../read-model/reader';
import type { PresenceService } from '../presence/presence.service';
import type { RoomsService } from '../rooms/rooms.service';
import type { SearchService } from '../search/search.service';
import type { UsersService } from '../users/users.service';
import type { Authenticator, Caller } from './auth';
import { MessageParams, RoomIdParams, RoomSearchQuery, UserIdParams } from './schemas';

export interface QueryServices {
  users: UsersService;
  rooms: RoomsService;
  history: HistoryService;
  presence: PresenceService;
  admin: AdminService;
  status: SystemStatusService;
  search: SearchService;
}

type Handler<P, Q> = (ctx: { caller: Caller; params: P; query: Q }) => Promise<{ asOfSeq: number }>;

const NoParams = undefined;
const NoQuery = z.strictObject({});

/**
 * Every authenticated GET goes through here, in this order: bearer token (401), path params and query string
 * against their contracts schemas (400 validation_failed, unknown query parameters included), then the
 * handler. The answer's `asOfSeq` is mirrored in the Natter-As-Of-Seq header.
 */
function authedGet<PS extends z.ZodType | undefined, QS extends z.ZodType>(
  app: FastifyInstance,
  auth: Authenticator,
  path: string,
  schemas: { params: PS; query: QS },
  handler: Handler<PS extends z.ZodType ? z.infer<PS> : undefined, z.infer<QS>>,
): void {
  app.get(path, async (req, reply) => {
    const caller = await auth.authenticate(req.headers.authorization);
    const params = (schemas.params ? parseOrThrow(schemas.params, req.params) : undefined) as PS extends z.ZodType ? z.infer<PS> : undefined;
    const query = parseOrThrow(schemas.query, req.query ?? {});
    const body = await handler({ caller, params, query });
    void reply.header(AsOfSeqHeader, String(body.asOfSeq));
    return body;
  });
}

function flat<T extends object>(s: Snapshot<T>): T & { asOfSeq: number } {
  return { ...s.value, asOfSeq: s.asOfSeq };
}

export function registerQueryRoutes(app: FastifyInstance, key: Authenticator, s: QueryServices): void {
  authedGet(app, key, '/api/me', { params: NoParams, query: MinSeqQuery }, async ({ caller, query }) => flat(await s.users.me(caller, query.minSeq)));

  authedGet(app, key, '/api/users', { params: NoParams, query: DirectoryQuery }, async ({ caller, query }) =>
    flat(await s.users.search(caller, query.q, query.limit, query.minSeq)),
  );

  authedGet(app, key, '/api/users/:userId', { params: UserIdParams, query: MinSeqQuery }, async ({ caller, params, query }) =>
    flat(await s.users.byId(caller, params.userId, query.minSeq)),
  );

  // Presence is live state from KV natter_presence, not the read model: no snapshot, no asOfSeq, no minSeq.
  app.get('/api/users/:userId/presence', async (req) => {
    const caller = await key.authenticate(req.headers.authorization);
    const params = parseOrThrow(UserIdParams, req.params);
    parseOrThrow(NoQuery, req.query ?? {});
    return s.presence.of(caller, params.userId);
  });

  // issue 12: full-text search over the messages the caller can read now (its own projection, its own asOfSeq).
  authedGet(app, key, '/api/search', { params: NoParams, query: SearchQuery }, ({ caller, query }) => s.search.search(caller, query));

  authedGet(app, key, '/api/me/rooms', { params: NoParams, query: MinSeqQuery }, async ({ caller, query }) => flat(await s.rooms.myRooms(caller, query.minSeq)));

  authedGet(app, key, '/api/rooms', { params: NoParams, query: RoomSearchQuery }, async ({ caller, query }) =>
    flat(await s.rooms.searchPublic(caller, query.q?.trim() || undefined, query.limit, query.minSeq)),
  );

  authedGet(app, key, '/api/rooms/:roomId', { params: RoomIdParams, query: MinSeqQuery }, async ({ caller, params, query }) =>
    flat(await s.rooms.details(caller, params.roomId, query.minSeq)),
  );

  authedGet(app, key, '/api/rooms/:roomId/members', { params: RoomIdParams, query: MinSeqQuery }, async ({ caller, params, query }) =>
    flat(await s.rooms.memberList(caller, params.roomId, query.minSeq)),
  );

  authedGet(app, key, '/api/rooms/:roomId/messages', { params: RoomIdParams, query: HistoryQuery }, async ({ caller, params, query }) =>
    s.history.page(caller, params.roomId, query),
  );

  // ---- people and administration (issue 11)
  authedGet(app, key, '/api/rooms/:roomId/invites', { params: RoomIdParams, query: MinSeqQuery }, async ({ caller, params, query }) =>
    flat(await s.rooms.invites(caller, params.roomId, query.minSeq)),
  );
  authedGet(app, key, '/api/rooms/:roomId/bans', { params: RoomIdParams, query: MinSeqQuery }, async ({ caller, params, query }) =>
    flat(await s.rooms.bans(caller, params.roomId, query.minSeq)),
  );
  authedGet(app, key, '/api/admin/users', { params: NoParams, query: AdminUsersQuery }, async ({ caller, query }) =>
    flat(await s.admin.users(caller, query.q, query.limit, query.minSeq)),
  );
  authedGet(app, key, '/api/admin/users/:userId/sessions', { params: UserIdParams, query: MinSeqQuery }, async ({ caller, params, query }) =>
    flat(await s.admin.sessions(caller, params.userId, query.minSeq)),
  );
  authedGet(app, key, '/api/admin/rooms', { params: NoParams, query: AdminRoomsQuery }, async ({ caller, query }) =>
    flat(await s.admin.roomList(caller, query.q, query.limit, query.minSeq)),
  );
  authedGet(app, key, '/api/admin/rooms/:roomId/members', { params: RoomIdParams, query: MinSeqQuery }, async ({ caller, params, query }) =>
    flat(await s.admin.roomMembers(caller, params.roomId, query.minSeq)),
  );
  authedGet(app, key, '/api/admin/audit', { params: NoParams, query: AuditQuery }, async ({ caller, query }) => flat(await s.admin.auditLog(caller, query)));
  // Live state gathered over NATS (plus the checkpoint): no minSeq, no asOfSeq header.
  app.get('/api/admin/status', async (req) => {
    const caller = await key.authenticate(req.headers.authorization);
    parseOrThrow(MinSeqQuery, req.query ?? {}); // the web client sends its minSeq with every read; nothing to wait for here
    return s.status.status(caller);
  });
  // issue 10: one message, its versions, its thread; the room's pins and message settings
  authedGet(app, key, '/api/rooms/:roomId/messages/:messageSeq', { params: MessageParams, query: MinSeqQuery }, ({ caller, params, query }) =>
    s.history.message(caller, params.roomId, params.messageSeq, query.minSeq),
  );
  authedGet(app, key, '/api/rooms/:roomId/messages/:messageSeq/history', { params: MessageParams, query: MinSeqQuery }, ({ caller, params, query }) =>
    s.history.versions(caller, params.roomId, params.messageSeq, query.minSeq),
  );
  authedGet(app, key, '/api/rooms/:roomId/messages/:messageSeq/thread', { params: MessageParams, query: HistoryQuery }, ({ caller, params, query }) =>
    s.history.thread(caller, params.roomId, params.messageSeq, query),
  );
  authedGet(app, key, '/api/rooms/:roomId/pins', { params: RoomIdParams, query: MinSeqQuery }, ({ caller, params, query }) => s.history.pins(caller, params.roomId, query.minSeq));
  authedGet(app, key, '/api/rooms/:roomId/settings', { params: RoomIdParams, query: MinSeqQuery }, ({ caller, params, query }) =>
    s.history.roomSettings(caller, params.roomId, query.minSeq),
  );
}
