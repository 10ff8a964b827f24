import type { NatsConnection } from '@nats-io/transport-node';
import { DeletedMessagesResult, Limits, NatterError, RpcReply, Subjects } from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import type { DeletedMessages } from '../ports';

/**
 * Which messages are deleted, from query-api over NATS (`natter.query.deleted-messages`, queue group
 * `query-api`): one request per backfill chunk that carries message content (redaction.ts).
 */
export class NatsDeletedMessages implements DeletedMessages {
  private readonly requests: NatsRequester;

  constructor(nc: NatsConnection, timeoutMs = Limits.minSeqWaitMsMax + 2000) {
    this.requests = new NatsRequester(nc, timeoutMs);
  }

  async deletedAmong(roomId: string, messageSeqs: number[], minSeq: number): Promise<number[]> {
    const reply = await this.requests.request(Subjects.queryDeletedMessages, JSON.stringify({ roomId, messageSeqs, minSeq }));
    const r = RpcReply.parse(reply.json());
    if (!r.ok) throw new NatterError(r.error.code, r.error.message);
    return DeletedMessagesResult.parse(r.result).deleted;
  }

  close(): void {
    this.requests.close();
  }
}
