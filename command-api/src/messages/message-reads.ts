import type { NatsConnection } from '@nats-io/transport-node';
import {
  DeletedMessagesResult,
  Limits,
  MessageStateResult,
  NatterError,
  RpcReply,
  Subjects,
  UsersByNameResult,
  type MessageFacts,
} from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import type { z } from 'zod';

/**
 * What the messages commands read from the chat read model, through query-api over NATS (the edge does the
 * same for membership): the changeable state of a message, which messages are deleted, users by name.
 * `minSeq` makes query-api wait until the projection has applied that seq (at most Limits.minSeqWaitMsMax,
 * then `projection_lagging`), so a decision can see everything stored before it.
 */
export interface MessageReads {
  /** The message `messageSeq` of the room as of at least `minSeq`, or null when the room has no such message. */
  message(roomId: string, messageSeq: number, minSeq: number): Promise<MessageFacts | null>;
  /** Of `seqs`, the deleted messages of the room as of at least `minSeq`. */
  deleted(roomId: string, seqs: number[], minSeq: number): Promise<number[]>;
  /** The users with these usernames (case-insensitive). */
  usersByName(usernames: string[]): Promise<{ userId: string; username: string }[]>;
}

export const MESSAGE_READS = Symbol('MessageReads');

export class NatsMessageReads implements MessageReads {
  private readonly requests: NatsRequester;

  constructor(nc: NatsConnection, timeoutMs = Limits.minSeqWaitMsMax + 2000) {
    this.requests = new NatsRequester(nc, timeoutMs);
  }

  async message(roomId: string, messageSeq: number, minSeq: number): Promise<MessageFacts | null> {
    return (await this.ask(Subjects.queryMessageState, { roomId, messageSeq, minSeq }, MessageStateResult)).message;
  }

  async deleted(roomId: string, seqs: number[], minSeq: number): Promise<number[]> {
    return (await this.ask(Subjects.queryDeletedMessages, { roomId, messageSeqs: seqs, minSeq }, DeletedMessagesResult)).deleted;
  }

  async usersByName(usernames: string[]): Promise<{ userId: string; username: string }[]> {
    if (usernames.length === 0) return [];
    return (await this.ask(Subjects.queryUsersByName, { usernames }, UsersByNameResult)).users;
  }

  close(): void {
    this.requests.close();
  }

  private async ask<S extends z.ZodType>(subject: string, body: unknown, result: S): Promise<z.infer<S>> {
    let reply;
    try {
      reply = await this.requests.request(subject, JSON.stringify(body));
    } catch (err) {
      throw new NatterError('unavailable', 'The read model could not be asked; try again.', undefined, { cause: err });
    }
    const r = RpcReply.parse(reply.json());
    if (!r.ok) throw new NatterError(r.error.code, r.error.message);
    return result.parse(r.result);
  }
}
