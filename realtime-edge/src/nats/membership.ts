import type { NatsConnection } from '@nats-io/transport-node';
import { Limits, NatterError, RpcReply, Subjects, UserRoomsResult } from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import type { MembershipSource } from '../ports';

/**
 * The rooms of a user from query-api over NATS (`natter.query.user-rooms`, queue group `query-api`), one request
 * per resume, through infra's NatsRequester. A timeout or no responder rejects with a non-NatterError, which the
 * session answers as `unavailable`.
 */
export class NatsMembershipSource implements MembershipSource {
  private readonly requests: NatsRequester;

  constructor(nc: NatsConnection, timeoutMs = Limits.minSeqWaitMsMax + 2000) {
    this.requests = new NatsRequester(nc, timeoutMs);
  }

  async userRooms(userId: string, minSeq: number): Promise<UserRoomsResult> {
    const reply = await this.requests.request(Subjects.queryUserRooms, JSON.stringify({ userId, minSeq }));
    const r = RpcReply.parse(reply.json());
    if (!r.ok) throw new NatterError(r.error.code, r.error.message);
    return UserRoomsResult.parse(r.result);
  }

  close(): void {
    this.requests.close();
  }
}
