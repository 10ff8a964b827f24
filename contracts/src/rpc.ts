import { z } from 'zod';
import { ErrorCodeSchema } from './errors';
import { Id } from './ids';
import { Limits } from './limits';

/**
 * NATS request/reply between services. The edge has already verified the caller's access token, so a request
 * names the caller in `auth`; command-api trusts it because only services hold NATS credentials.
 * Subject: Subjects.command(name), queue group Subjects.commandQueue; the commands and their inputs are the
 * `nats: true` entries of `Commands` (commands/catalog.ts).
 */
export const CallerAuth = z.object({ userId: Id, sessionId: Id });
export type CallerAuth = z.infer<typeof CallerAuth>;

export const CommandRequest = z.object({ auth: CallerAuth, input: z.unknown() });
export type CommandRequest = z.infer<typeof CommandRequest>;

/** Every NATS reply: `{ok:true,result}` or `{ok:false,error:{code,message}}`. */
export const RpcReply = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCodeSchema, message: z.string(), details: z.unknown().optional() }) }),
]);
export type RpcReply = z.infer<typeof RpcReply>;

/** Subjects.queryUserRooms: the rooms a user is a member of, from a read model at least `minSeq` current. */
export const UserRoomsRequest = z.object({ userId: Id, minSeq: z.number().int().nonnegative().optional() });
export const UserRoomsResult = z.object({
  asOfSeq: z.number().int(),
  rooms: z.array(z.object({ roomId: z.string(), joinedSeq: z.number().int(), lastSeq: z.number().int() })),
});
export type UserRoomsResult = z.infer<typeof UserRoomsResult>;

/**
 * Subjects.querySharesRoom: of `others`, the users who are members of at least one room `userId` is also a
 * member of (the user themself always counts). Used by the edge to authorize `presence_subscribe`.
 */
export const SharesRoomRequest = z.object({ userId: Id, others: z.array(Id).max(Limits.presenceSubscribeMax) });
export type SharesRoomRequest = z.infer<typeof SharesRoomRequest>;
export const SharesRoomResult = z.object({ asOfSeq: z.number().int(), shared: z.array(z.string()) });
export type SharesRoomResult = z.infer<typeof SharesRoomResult>;

/** A typing signal on core NATS (Subjects.typing(roomId)); never stored. */
export const TypingSignal = z.object({ roomId: Id, userId: Id, connId: Id });
export type TypingSignal = z.infer<typeof TypingSignal>;

// ---- messages (issue 10): what command-api decides on and what the edge redacts, from the read model

/**
 * Subjects.queryMessageState: the changeable state of one message (who sent it and when, whether it is
 * deleted, which emoji it carries, whether it is pinned) from a read model at least `minSeq` current.
 * command-api asks with minSeq = the head of the room's `.msg` subject, so it decides on every change stored
 * before the command arrived. `message: null`: no message with that seq in that room.
 */
export const MessageStateRequest = z.object({ roomId: Id, messageSeq: z.number().int().positive(), minSeq: z.number().int().nonnegative().optional() });
export type MessageStateRequest = z.infer<typeof MessageStateRequest>;
export const MessageFacts = z.object({
  seq: z.number().int(),
  messageId: z.string(),
  senderId: z.string(),
  sentAt: z.string(),
  /** A reply: its thread's root. */
  threadRootSeq: z.number().int().nullable(),
  /** The seq of the MessageDeleted, if deleted. */
  deletedSeq: z.number().int().nullable(),
  /** The distinct emoji it carries now. */
  emoji: z.array(z.string()),
  pinned: z.boolean(),
});
export type MessageFacts = z.infer<typeof MessageFacts>;
export const MessageStateResult = z.object({ asOfSeq: z.number().int(), message: MessageFacts.nullable() });
export type MessageStateResult = z.infer<typeof MessageStateResult>;

/** Subjects.queryDeletedMessages: which of these messages of a room are deleted (as of at least `minSeq`). */
export const DeletedMessagesRequest = z.object({
  roomId: Id,
  messageSeqs: z.array(z.number().int().positive()).max(1024),
  minSeq: z.number().int().nonnegative().optional(),
});
export type DeletedMessagesRequest = z.infer<typeof DeletedMessagesRequest>;
export const DeletedMessagesResult = z.object({ asOfSeq: z.number().int(), deleted: z.array(z.number().int()) });
export type DeletedMessagesResult = z.infer<typeof DeletedMessagesResult>;

/** Subjects.queryUsersByName: the users with these usernames (case-insensitive), for resolving @mentions. */
export const UsersByNameRequest = z.object({ usernames: z.array(z.string().max(64)).max(Limits.mentionsMax) });
export const UsersByNameResult = z.object({ asOfSeq: z.number().int(), users: z.array(z.object({ userId: z.string(), username: z.string() })) });
export type UsersByNameResult = z.infer<typeof UsersByNameResult>;
