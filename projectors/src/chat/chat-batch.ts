import type { StoredEvent } from '@natter/contracts';
import type { MessagesTable, RoomMembersTable } from '@natter/infra/runtime';

/**
 * What one batch of events does to the chat read model, reduced in memory so that it can be written with a
 * handful of multi-row statements. The reduction is independent of where batch boundaries fall: applying the
 * events one per batch or all in one batch gives the same rows (a rebuild batches differently from the live
 * projector, and both must end equal).
 *
 * Write order (chat.repository.ts): inserts first (users, rooms, messages, member upserts), then member
 * deletes, then the per-row updates, which therefore also reach rows inserted in the same batch.
 * Inserts never overwrite (`on conflict do nothing`): the first registration of an id wins, as it would
 * across batches.
 */
export interface UserInsert {
  id: string;
  username: string;
  username_lower: string;
  display_name: string;
  email: string;
  registered_seq: number;
  updated_seq: number;
}
export interface UserUpdate {
  display_name?: string;
  deactivated?: boolean;
  updated_seq: number;
}
export interface RoomInsert {
  id: string;
  name: string;
  topic: string;
  visibility: 'public' | 'private';
  created_by: string;
  created_at: string;
  created_seq: number;
  last_seq: number;
}
/** Net change of a room: member_count += delta, last_seq = greatest(last_seq, lastSeq). */
export interface RoomUpdate {
  memberDelta: number;
  lastSeq: number;
}
/** Rows as the read model's tables define them (infra/src/read-model-tables.ts); times as ISO text. */
export type MemberRow = RoomMembersTable;
export type MessageInsert = MessagesTable & { sent_at: string };

export interface ChatBatch {
  userInserts: Map<string, UserInsert>;
  userUpdates: Map<string, UserUpdate>;
  roomInserts: Map<string, RoomInsert>;
  roomUpdates: Map<string, RoomUpdate>;
  /** Final membership per `roomId userId`: the row to upsert, or null to delete. */
  members: Map<string, MemberRow | null>;
  messages: MessageInsert[];
}

export function emptyChatBatch(): ChatBatch {
  return { userInserts: new Map(), userUpdates: new Map(), roomInserts: new Map(), roomUpdates: new Map(), members: new Map(), messages: [] };
}

/**
 * Postgres text cannot hold U+0000, which JSON (and so an event) can: such a character becomes U+FFFD, the
 * same way on every replay, instead of failing the batch forever.
 */
const t = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s);

function touchRoom(b: ChatBatch, roomId: string, seq: number, memberDelta = 0): void {
  const u = b.roomUpdates.get(roomId);
  if (u) {
    u.memberDelta += memberDelta;
    u.lastSeq = Math.max(u.lastSeq, seq);
  } else {
    b.roomUpdates.set(roomId, { memberDelta, lastSeq: seq });
  }
}

function updateUser(b: ChatBatch, userId: string, seq: number, change: Omit<UserUpdate, 'updated_seq'>): void {
  const u = b.userUpdates.get(userId) ?? { updated_seq: seq };
  Object.assign(u, change, { updated_seq: Math.max(u.updated_seq, seq) });
  b.userUpdates.set(userId, u);
}

/** Folds one decoded event (in stream order) into the batch. */
export function addEvent(b: ChatBatch, e: StoredEvent): void {
  switch (e.type) {
    case 'UserRegistered': {
      const d = e.data;
      if (!b.userInserts.has(d.userId)) {
        b.userInserts.set(d.userId, {
          id: d.userId,
          username: t(d.username),
          username_lower: t(d.username).toLowerCase(),
          display_name: t(d.displayName),
          email: t(d.email),
          registered_seq: e.seq,
          updated_seq: e.seq,
        });
      }
      return;
    }
    case 'ProfileUpdated':
      updateUser(b, e.data.userId, e.seq, { display_name: t(e.data.displayName) });
      return;
    case 'UserDeactivated':
      updateUser(b, e.data.userId, e.seq, { deactivated: true });
      return;
    case 'SessionRevoked':
      return;
    case 'RoomCreated': {
      const d = e.data;
      if (!b.roomInserts.has(d.roomId)) {
        b.roomInserts.set(d.roomId, {
          id: d.roomId,
          name: t(d.name),
          topic: t(d.topic),
          visibility: d.visibility,
          created_by: d.createdBy,
          created_at: e.at,
          created_seq: e.seq,
          last_seq: e.seq,
        });
      }
      touchRoom(b, d.roomId, e.seq);
      return;
    }
    case 'MemberJoined':
      b.members.set(`${e.data.roomId} ${e.data.userId}`, { room_id: e.data.roomId, user_id: e.data.userId, role: e.data.role, joined_seq: e.seq });
      touchRoom(b, e.data.roomId, e.seq, +1);
      return;
    case 'MemberLeft':
      b.members.set(`${e.data.roomId} ${e.data.userId}`, null);
      touchRoom(b, e.data.roomId, e.seq, -1);
      return;
    case 'MessageSent': {
      const d = e.data;
      b.messages.push({ room_id: d.roomId, seq: e.seq, id: d.messageId, sender_id: d.senderId, client_msg_id: t(d.clientMsgId), text: t(d.text), sent_at: e.at });
      touchRoom(b, d.roomId, e.seq);
      return;
    }
    default: {
      // A new event type must be handled here (or explicitly ignored): the compiler checks it.
      const never: never = e;
      void never;
    }
  }
}
