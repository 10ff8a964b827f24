import { DeletedMessagesRequest, MessageStateRequest, Subjects, UsersByNameRequest, type DeletedMessagesResult, type MessageStateResult, type UsersByNameResult } from '@natter/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Admission } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { Metrics } from '../http/metrics';
import { MessagesRepository } from '../messages/messages.repository';
import type { ReadModelReader } from '../read-model/reader';
import { serveRpc } from './rpc-endpoint';

/**
 * The read-model answers other services need about messages (issue 10), each with `minSeq` waiting exactly like
 * an HTTP read:
 * - `natter.query.message-state`: command-api decides a change to a message on it (with minSeq = the head of
 *   the room's `.msg` subject, so every earlier change is in);
 * - `natter.query.deleted-messages`: the edge blanks the text of deleted messages it replays from the stream;
 * - `natter.query.users-by-name`: command-api resolves @mentions.
 */
export function serveMessageQueries(nc: NatsConnection, reader: ReadModelReader, metrics: Metrics, admission: Admission, log: Logger): Subscription[] {
  const messages = new MessagesRepository();
  return [
    serveRpc(nc, Subjects.queryMessageState, MessageStateRequest, async (req): Promise<MessageStateResult> => {
      const snap = await reader.read({ minSeq: req.minSeq }, (q) => messages.facts(q, req.roomId, req.messageSeq));
      return { asOfSeq: snap.asOfSeq, message: snap.value };
    }, metrics, admission, log),
    serveRpc(nc, Subjects.queryDeletedMessages, DeletedMessagesRequest, async (req): Promise<DeletedMessagesResult> => {
      const snap = await reader.read({ minSeq: req.minSeq }, (q) => messages.deletedAmong(q, req.roomId, req.messageSeqs));
      return { asOfSeq: snap.asOfSeq, deleted: snap.value };
    }, metrics, admission, log),
    serveRpc(nc, Subjects.queryUsersByName, UsersByNameRequest, async (req): Promise<UsersByNameResult> => {
      const names = [...new Set(req.usernames.map((u) => u.toLowerCase()))];
      const snap = await reader.read({}, async (q) =>
        names.length === 0 ? [] : q.selectFrom('users').select(['id', 'username']).where('username_lower', 'in', names).execute(),
      );
      return { asOfSeq: snap.asOfSeq, users: snap.value.map((u) => ({ userId: u.id, username: u.username })) };
    }, metrics, admission, log),
  ];
}
