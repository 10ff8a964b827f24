/**
 * KV `natter_msg_dedupe`: the first result of each send, so that a retry arriving after the event stream's
 * duplicate window (2 min) still gets it: key `<roomId>.<senderId>.<clientMsgId>` (all three are ids of
 * `[A-Za-z0-9_-]`, so the key is a valid KV key as it is), value JSON MsgDedupeRecord, kept a week.
 * Written from the committed MessageSent event (by the projector, command-api's backstop, or a rebuild), read
 * by command-api before it appends a send.
 */
export interface MsgDedupeRecord {
  seq: number;
  messageId: string;
  sentAt: string;
}

export const MsgDedupe = Object.freeze({
  /** How long a record is kept (the bucket's TTL): the window within which a retry gets the first result. */
  ttlMs: 7 * 24 * 3600_000,
  key: (roomId: string, senderId: string, clientMsgId: string) => `${roomId}.${senderId}.${clientMsgId}`,
  /** The record of a stored MessageSent event. */
  record: (ev: { seq: number; at: string; data: { messageId: string } }): MsgDedupeRecord => ({ seq: ev.seq, messageId: ev.data.messageId, sentAt: ev.at }),
});
