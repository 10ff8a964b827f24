import { z } from 'zod';
import { natsCommandNames, type NatsCommandName, Commands } from '../commands/catalog';
import { ErrorCodeSchema } from '../errors';
import { EventEnvelope } from '../events/envelope';
import { Id } from '../ids';
import { Limits } from '../limits';
import { Text } from '../text';
import type { ClientFrameType, ServerFrameType } from './frame-types';

/**
 * The WebSocket protocol (docs/websocket.md). Text frames, one JSON object each, `type` first.
 * A request frame carries a client-chosen `id` that its `ack` or `error` echoes.
 */
const RequestId = Text({ min: 1, max: 64, trim: false });
/**
 * The identity of the event stream the positions belong to (its creation time, opaque to clients). Sent in
 * `hello` and `synced`; a `resume` with positions must send back the epoch they were collected in.
 */
export const Epoch = Text({ min: 1, max: 64, trim: false });

// Client -> server
export const ResumeFrame = z.strictObject({
  type: z.literal('resume'),
  /** The epoch of `rooms` (from the `hello`/`synced` they were collected under). Required when `rooms` is not empty. */
  epoch: Epoch.optional(),
  /** Last sequence the client holds per room. Rooms left out are delivered live from now on. */
  rooms: z.record(Id, z.number().int().nonnegative()),
  /**
   * Opt in to the user's own events (`user_event` frames; docs/architecture.md "Per-user delivery"): the last
   * seq of `ev.user.<me>` the client holds (same epoch as `rooms`), or `"now"` for live from now on (then
   * `synced.user` says from where: read the state derived from those events with `minSeq` = it). Left out:
   * no user events on this connection.
   */
  user: z.union([z.number().int().nonnegative(), z.literal('now')]).optional(),
});
/** A command as a frame (command-frames.ts): its input plus `type` and `id`. */
const framed = <T extends string>(type: T) => ({ type: z.literal(type), id: RequestId });
/** Send a message, or a reply (`threadRootSeq`, `alsoToRoom`): SendMessage's input. */
export const SendFrame = Commands.SendMessage.input.extend(framed('send'));
export const JoinFrame = Commands.JoinRoom.input.extend(framed('join'));
export const LeaveFrame = Commands.LeaveRoom.input.extend(framed('leave'));
/** Changes to a message, named by `messageSeq` (issue 10). */
export const EditFrame = Commands.EditMessage.input.extend(framed('edit'));
export const DeleteFrame = Commands.DeleteMessage.input.extend(framed('delete'));
export const ReactFrame = Commands.AddReaction.input.extend(framed('react'));
export const UnreactFrame = Commands.RemoveReaction.input.extend(framed('unreact'));
export const PinFrame = Commands.PinMessage.input.extend(framed('pin'));
export const UnpinFrame = Commands.UnpinMessage.input.extend(framed('unpin'));
export const PingFrame = z.strictObject({ type: z.literal('ping'), id: RequestId.optional() });
/**
 * Follow the presence of these users (replaces the previous list; `[]` stops). Every one must share a room with
 * the caller, else the whole frame is refused (`forbidden`). Answered by an ack `{online:{<userId>:boolean}}`,
 * then `presence` frames on changes.
 */
export const PresenceSubscribeFrame = z.strictObject({
  type: z.literal('presence_subscribe'),
  id: RequestId,
  userIds: z.array(Id).max(Limits.presenceSubscribeMax),
});
/** "I am typing in this room": relayed to the room's other members, never stored, at most one per 2 s per room. */
export const TypingClientFrame = z.strictObject({ type: z.literal('typing'), roomId: Id });
/**
 * Any command the edge may forward (`nats: true` in contracts' `Commands`: room settings, moderation, invites,
 * direct messages, administration, ...), by name, with the same `input` as its HTTP body plus path ids.
 * Answered by an `ack` with exactly the HTTP result, or an `error` with the same code HTTP would give. The
 * everyday ones also have frames of their own (send, join, leave, edit, delete, react, unreact, pin, unpin).
 */
export const CommandFrame = z.strictObject({
  type: z.literal('command'),
  id: RequestId,
  name: z.enum(natsCommandNames as [NatsCommandName, ...NatsCommandName[]]),
  input: z.record(z.string(), z.unknown()),
});
export const ClientFrame = z.discriminatedUnion('type', [
  ResumeFrame, SendFrame, JoinFrame, LeaveFrame, PingFrame, PresenceSubscribeFrame, TypingClientFrame,
  EditFrame, DeleteFrame, ReactFrame, UnreactFrame, PinFrame, UnpinFrame, CommandFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// Server -> client
export const HelloFrame = z.object({ type: z.literal('hello'), userId: z.string(), connId: z.string(), node: z.string(), epoch: Epoch });
/** One committed event of one room. `seq` is the stream sequence: the room's order. */
export const EventFrame = z.object({ type: z.literal('event'), room: z.string(), seq: z.number().int(), event: EventEnvelope });
/** Sent once per resume: for each room, the sequence up to which the client now has everything. */
export const SyncedFrame = z.object({
  type: z.literal('synced'),
  epoch: Epoch,
  rooms: z.record(z.string(), z.number().int()),
  /** With a `resume` that opted in to user events: the seq of `ev.user.<me>` the client now has everything up to. */
  user: z.number().int().optional(),
});
/**
 * One event of the user's own subject `ev.user.<me>` (read markers, profile changes: contracts'
 * `deliversToUser` decides which), in seq order, each once, after a `resume` with `user`. `seq` is the stream
 * sequence: the client's new `user` position.
 */
export const UserEventFrame = z.object({ type: z.literal('user_event'), seq: z.number().int(), event: EventEnvelope });
/**
 * In band, in the user subject's order: its events with `after < seq <= upto` are not sent on this connection
 * (a resume too far behind); `upto` is the client's new `user` position. Reload what is derived from them
 * (`GET /api/me/rooms?minSeq=<upto>`).
 */
export const UserTruncatedFrame = z.object({ type: z.literal('user_truncated'), after: z.number().int(), upto: z.number().int() });
/**
 * In band, in a room's order: the events of `room` with `after < seq <= upto` are not sent on this connection
 * (a resume or join too far behind, or a backfill outrun by live traffic); the next event of the room has
 * seq > `upto`, which is now the client's position. Fetch the messages of the gap over HTTP
 * (`GET /api/rooms/{room}/messages?after=<after>&minSeq=<upto>`) and reload the room's members.
 */
export const TruncatedFrame = z.object({ type: z.literal('truncated'), room: z.string(), after: z.number().int(), upto: z.number().int() });
/**
 * The client's positions are not positions of this stream: `epoch` (the resume's epoch is not the stream's, or
 * positions came without one), `position` (a position beyond the end of the stream), `stream_recreated` (the
 * stream was replaced while connected). Close 4003 follows. Drop every position and whatever was derived from
 * them, reload over HTTP, reconnect and resume with `rooms: {}`.
 */
export const ResetFrame = z.object({ type: z.literal('reset'), reason: z.enum(['epoch', 'position', 'stream_recreated']), epoch: Epoch });
export const AckFrame = z.object({ type: z.literal('ack'), id: z.string(), result: z.unknown() });
/**
 * `retryAfterMs` comes with `rate_limited` and `overloaded`: send the frame again after that long (not before).
 */
export const ErrorFrame = z.object({ type: z.literal('error'), id: z.string().optional(), code: ErrorCodeSchema, message: z.string(), retryAfterMs: z.number().int().nonnegative().optional() });
export const PongFrame = z.object({ type: z.literal('pong'), id: z.string().optional() });
/** Sent before a close that invites the client to reconnect (to any node) and resume. */
export const ReconnectFrame = z.object({ type: z.literal('reconnect'), reason: z.string() });
/** A followed user came online (first live connection) or went offline (last one closed or went stale). */
export const PresenceFrame = z.object({ type: z.literal('presence'), userId: z.string(), online: z.boolean() });
/** The ack `result` of `presence_subscribe`: the current state of every user asked for. */
export const PresenceSubscribeResult = z.object({ online: z.record(z.string(), z.boolean()) });
/** Another member is typing in `room` (show it for a few seconds, or until their next message). */
export const TypingServerFrame = z.object({ type: z.literal('typing'), room: z.string(), userId: z.string() });
export const ServerFrame = z.discriminatedUnion('type', [HelloFrame, EventFrame, SyncedFrame, TruncatedFrame, ResetFrame, AckFrame, ErrorFrame, PongFrame, ReconnectFrame, PresenceFrame, TypingServerFrame, UserEventFrame, UserTruncatedFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type EventFrame = z.infer<typeof EventFrame>;
export type ResetReason = z.infer<typeof ResetFrame>['reason'];

// The type lists in frame-types.ts are exactly the unions' discriminators (compile-time, both ways).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const clientTypesMatch: Same<ClientFrame['type'], ClientFrameType> = true;
const serverTypesMatch: Same<ServerFrame['type'], ServerFrameType> = true;
void clientTypesMatch;
void serverTypesMatch;
