import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { encodeEvent, NoMentions, Subjects, type NewEvent, type RawEvent } from '@natter/contracts';
import { activeReadModelSchema, createKysely, type ReadModelDB } from '@natter/infra/runtime';
import { createReadModelSchema, provisionAll } from '@natter/infra/provision';
import { createTestDatabase, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { loadConfig, type ProjectorsConfig } from '../src/config';

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface Env {
  nats: NatsServerHandle;
  pg: TestDatabase;
  nc: NatsConnection;
  js: JetStreamClient;
  db: Kysely<ReadModelDB>;
  config: ProjectorsConfig;
  stop(): Promise<void>;
}

/** A throwaway nats-server and database, provisioned (stream, buckets, schemas). */
export async function startEnv(): Promise<Env> {
  const [nats, pg] = await Promise.all([startNats(), createTestDatabase()]);
  const nc = await connect({ servers: nats.url });
  const db = createKysely<ReadModelDB>(pg.url, 4);
  await provisionAll(nc, db, silent);
  const config = loadConfig({ NATS_URL: nats.url, DATABASE_URL: pg.url, PROJECTORS_PORT: '0', PROJECTOR_LOCK_RETRY_MS: '100' });
  return {
    nats, pg, nc, js: jetstream(nc), db, config,
    stop: async () => {
      await nc.close();
      await db.destroy();
      await nats.stop();
      await pg.drop();
    },
  };
}

/** Appends one event the way command-api does (envelope body + type/version headers); returns its seq. */
export async function append(js: JetStreamClient, subject: string, e: NewEvent, actor: string | null = null, at = new Date('2026-01-02T03:04:05.000Z')): Promise<number> {
  const enc = encodeEvent(e, actor, at);
  const h = headers();
  for (const [k, v] of Object.entries(enc.headers)) h.set(k, v);
  return (await js.publish(subject, enc.body, { headers: h })).seq;
}

export const ev = {
  register: (userId: string, username: string) => [Subjects.user(userId), { type: 'UserRegistered', data: { userId, username, displayName: username, email: `${username.toLowerCase()}@example.org` } }] as const,
  profile: (userId: string, displayName: string) => [Subjects.user(userId), { type: 'ProfileUpdated', data: { userId, displayName } }] as const,
  revoke: (userId: string) => [Subjects.user(userId), { type: 'SessionRevoked', data: { userId, sessionId: 's1', reason: 'logout' } }] as const,
  deactivate: (userId: string) => [Subjects.user(userId), { type: 'UserDeactivated', data: { userId } }] as const,
  room: (roomId: string, name: string, createdBy: string, visibility: 'public' | 'private' = 'public') =>
    [Subjects.roomMeta(roomId), { type: 'RoomCreated', data: { roomId, name, topic: `${name} topic`, visibility, createdBy } }] as const,
  join: (roomId: string, userId: string, role: 'owner' | 'admin' | 'member' = 'member') =>
    [Subjects.roomMeta(roomId), { type: 'MemberJoined', data: { roomId, userId, role, addedBy: null } }] as const,
  leave: (roomId: string, userId: string) => [Subjects.roomMeta(roomId), { type: 'MemberLeft', data: { roomId, userId, reason: 'left', removedBy: null } }] as const,
  msg: (roomId: string, senderId: string, n: number) =>
    [Subjects.roomMsg(roomId), { type: 'MessageSent', data: { roomId, messageId: `m-${roomId}-${n}`, senderId, clientMsgId: `c${n}`, text: `hello ${n}` } }] as const,
  // ---- people and moderation (issue 11)
  bio: (userId: string, bio: string, statusText: string) => [Subjects.user(userId), { type: 'ProfileUpdated', data: { userId, bio, statusText } }] as const,
  session: (userId: string, sessionId: string) => [Subjects.user(userId), { type: 'SessionStarted', data: { userId, sessionId } }] as const,
  endSession: (userId: string, sessionId: string) => [Subjects.user(userId), { type: 'SessionRevoked', data: { userId, sessionId, reason: 'admin' } }] as const,
  reactivate: (userId: string) => [Subjects.user(userId), { type: 'UserReactivated', data: { userId } }] as const,
  role: (roomId: string, userId: string, role: 'admin' | 'moderator' | 'member') =>
    [Subjects.roomMeta(roomId), { type: 'MemberRoleChanged', data: { roomId, userId, role, changedBy: 'u0' } }] as const,
  transfer: (roomId: string, from: string, to: string) => [Subjects.roomMeta(roomId), { type: 'OwnershipTransferred', data: { roomId, from, to } }] as const,
  ban: (roomId: string, userId: string, wasMember: boolean) =>
    [Subjects.roomMeta(roomId), { type: 'MemberBanned', data: { roomId, userId, bannedBy: 'u0', wasMember, reason: 'spam' } }] as const,
  unban: (roomId: string, userId: string) => [Subjects.roomMeta(roomId), { type: 'MemberUnbanned', data: { roomId, userId, unbannedBy: 'u0' } }] as const,
  update: (roomId: string, name: string) => [Subjects.roomMeta(roomId), { type: 'RoomUpdated', data: { roomId, name, topic: `${name}!` } }] as const,
  archive: (roomId: string, archived: boolean) => [Subjects.roomMeta(roomId), { type: archived ? 'RoomArchived' : 'RoomUnarchived', data: { roomId } }] as const,
  invite: (roomId: string, inviteId: string) =>
    [Subjects.roomMeta(roomId), { type: 'InviteCreated', data: { roomId, inviteId, createdBy: 'u0', expiresAt: '2030-01-01T00:00:00.000Z', maxUses: 5 } }] as const,
  revokeInvite: (roomId: string, inviteId: string) => [Subjects.roomMeta(roomId), { type: 'InviteRevoked', data: { roomId, inviteId, revokedBy: 'u0' } }] as const,
  joinByInvite: (roomId: string, userId: string, inviteId: string) =>
    [Subjects.roomMeta(roomId), { type: 'MemberJoined', data: { roomId, userId, role: 'member', addedBy: null, inviteId } }] as const,
  deleteRoom: (roomId: string) => [Subjects.roomMeta(roomId), { type: 'RoomDeleted', data: { roomId } }] as const,
  dm: (roomId: string, memberIds: string[]) => [Subjects.roomMeta(roomId), { type: 'DirectMessageStarted', data: { roomId, memberIds, startedBy: memberIds[0] } }] as const,
  grantAdmin: (userId: string) => [Subjects.server, { type: 'ServerAdminGranted', data: { userId } }] as const,
  revokeAdmin: (userId: string) => [Subjects.server, { type: 'ServerAdminRevoked', data: { userId } }] as const,
  registration: (open: boolean) => [Subjects.server, { type: 'RegistrationChanged', data: { open } }] as const,
  // issue 10: a message is named by its seq (rootSeq, messageSeq)
  reply: (roomId: string, senderId: string, n: number, root: { seq: number; senderId: string }, alsoToRoom = false, mentions = NoMentions) =>
    [Subjects.roomMsg(roomId), {
      type: 'MessageSent',
      data: { roomId, messageId: `m-${roomId}-${n}`, senderId, clientMsgId: `c${n}`, text: `reply ${n}`, mentions, thread: { rootSeq: root.seq, rootSenderId: root.senderId, alsoToRoom } },
    }] as const,
  edit: (roomId: string, messageSeq: number, text: string, mentions = NoMentions) => [Subjects.roomMsg(roomId), { type: 'MessageEdited', data: { roomId, messageSeq, text, mentions } }] as const,
  del: (roomId: string, messageSeq: number, deletedBy: string) => [Subjects.roomMsg(roomId), { type: 'MessageDeleted', data: { roomId, messageSeq, deletedBy } }] as const,
  react: (roomId: string, messageSeq: number, userId: string, emoji: string) => [Subjects.roomMsg(roomId), { type: 'ReactionAdded', data: { roomId, messageSeq, userId, emoji } }] as const,
  unreact: (roomId: string, messageSeq: number, userId: string, emoji: string) => [Subjects.roomMsg(roomId), { type: 'ReactionRemoved', data: { roomId, messageSeq, userId, emoji } }] as const,
  pin: (roomId: string, messageSeq: number, pinnedBy: string) => [Subjects.roomMsg(roomId), { type: 'MessagePinned', data: { roomId, messageSeq, pinnedBy } }] as const,
  unpin: (roomId: string, messageSeq: number, unpinnedBy: string) => [Subjects.roomMsg(roomId), { type: 'MessageUnpinned', data: { roomId, messageSeq, unpinnedBy } }] as const,
  // ---- read state (issue 12)
  markRead: (userId: string, markers: { roomId: string; seq: number; threadRootSeq?: number }[]) =>
    [Subjects.user(userId), { type: 'ReadMarkersMoved', data: { userId, markers } }] as const,
  settings: (roomId: string, editWindowSeconds: number | null, anyoneCanPin: boolean) =>
    [Subjects.roomMeta(roomId), { type: 'RoomSettingsUpdated', data: { roomId, editWindowSeconds, anyoneCanPin } }] as const,
};

export type Ev = readonly [string, NewEvent];

/**
 * A throwaway database for applying batches straight to Postgres (applyBatch, no NATS), with a read-model
 * schema named `schema` when given.
 */
export async function startReadModelDb(schema?: string): Promise<{ db: Kysely<ReadModelDB>; stop(): Promise<void> }> {
  const pg = await createTestDatabase();
  const db = createKysely<ReadModelDB>(pg.url, 2);
  if (schema) await createReadModelSchema(db, schema);
  return {
    db,
    stop: async () => {
      await db.destroy();
      await pg.drop();
    },
  };
}

/** Events as the stream hands them to a projection: consecutive seqs from `from`, all at one time, by `actor`. */
export const rawEvents = (events: readonly Ev[], from = 1, actor: string | null = 'u1', at = new Date('2026-01-02T03:04:05.000Z')): RawEvent[] =>
  events.map(([subject, e], i) => ({ seq: from + i, subject, data: encodeEvent(e, actor, at).body }));

export async function appendAll(js: JetStreamClient, events: readonly Ev[]): Promise<number[]> {
  const seqs: number[] = [];
  for (const [subject, e] of events) seqs.push(await append(js, subject, e));
  return seqs;
}

export async function checkpointOf(db: Kysely<ReadModelDB>, schema?: string): Promise<number> {
  const s = schema ?? (await activeReadModelSchema(db));
  const r = await db.withSchema(s).selectFrom('checkpoint').select('last_seq').where('projection', '=', 'chat').executeTakeFirst();
  return r ? Number(r.last_seq) : 0;
}

export async function waitCheckpoint(db: Kysely<ReadModelDB>, seq: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(`checkpoint ${seq}`, async () => (await checkpointOf(db)) >= seq, timeoutMs, 25);
}

/** Every table of a read-model schema (infra/migrations/read-model/*.sql), sorted by primary key, for exact comparisons. */
export async function dump(db: Kysely<ReadModelDB>, schema?: string) {
  const s = schema ?? (await activeReadModelSchema(db));
  const d = db.withSchema(s);
  return {
    checkpoint: await d.selectFrom('checkpoint').selectAll().where('projection', '=', 'chat').execute(),
    users: await d.selectFrom('users').selectAll().orderBy('id').execute(),
    rooms: await d.selectFrom('rooms').selectAll().orderBy('id').execute(),
    room_members: await d.selectFrom('room_members').selectAll().orderBy('room_id').orderBy('user_id').execute(),
    messages: await d.selectFrom('messages').selectAll().orderBy('room_id').orderBy('seq').execute(),
    user_search_terms: await d.selectFrom('user_search_terms').selectAll().orderBy('user_id').orderBy('slot').execute(),
    room_bans: await d.selectFrom('room_bans').selectAll().orderBy('room_id').orderBy('user_id').execute(),
    room_invites: await d.selectFrom('room_invites').selectAll().orderBy('id').execute(),
    user_sessions: await d.selectFrom('user_sessions').selectAll().orderBy('id').execute(),
    server_settings: await d.selectFrom('server_settings').selectAll().orderBy('id').execute(),
    audit_log: await d.selectFrom('audit_log').selectAll().orderBy('seq').execute(),
    message_edits: await d.selectFrom('message_edits').selectAll().orderBy('room_id').orderBy('message_seq').orderBy('seq').execute(),
    message_reactions: await d.selectFrom('message_reactions').selectAll().orderBy('room_id').orderBy('message_seq').orderBy('emoji').orderBy('user_id').execute(),
    message_pins: await d.selectFrom('message_pins').selectAll().orderBy('room_id').orderBy('message_seq').execute(),
    thread_participants: await d.selectFrom('thread_participants').selectAll().orderBy('room_id').orderBy('root_seq').orderBy('user_id').execute(),
    room_settings: await d.selectFrom('room_settings').selectAll().orderBy('room_id').execute(),
    // issue 12: mention rows and read markers (the unread and mention counts are computed from them)
    message_mentions: await d.selectFrom('message_mentions').selectAll().orderBy('user_id').orderBy('room_id').orderBy('seq').execute(),
    read_markers: await d.selectFrom('read_markers').selectAll().orderBy('user_id').orderBy('room_id').orderBy('thread_root_seq').execute(),
    // issue 12: the search projection's table (empty where it does not run)
    search_messages: await d.selectFrom('search_messages').selectAll().orderBy('room_id').orderBy('seq').execute(),
  };
}

export async function count(db: Kysely<ReadModelDB>, table: string): Promise<number> {
  const s = await activeReadModelSchema(db);
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`${s}.${table}`)}`.execute(db);
  return r.rows[0].n;
}
