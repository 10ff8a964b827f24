import { SharesRoomRequest, Subjects, type SharesRoomResult } from '@natter/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Admission } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { Metrics } from '../http/metrics';
import { MembersRepository } from '../members/members.repository';
import type { ReadModelReader } from '../read-model/reader';
import { serveRpc } from './rpc-endpoint';

/**
 * `natter.query.shares-room`: of `others`, who shares at least one room with `userId` (the user themself
 * always does). The edge asks it to authorize `presence_subscribe`. Answers from the current read model, no minSeq.
 */
export function serveSharesRoom(nc: NatsConnection, reader: ReadModelReader, metrics: Metrics, admission: Admission, log: Logger): Subscription {
  const members = new MembersRepository();
  return serveRpc(nc, Subjects.querySharesRoom, SharesRoomRequest, async (req): Promise<SharesRoomResult> => {
    const others = [...new Set(req.others)].filter((u) => u !== req.userId);
    const snap = await reader.read({}, (q) => members.sharedWith(q, req.userId, others));
    const shared = req.others.includes(req.userId) ? [req.userId, ...snap.value] : snap.value;
    return { asOfSeq: snap.asOfSeq, shared };
  }, metrics, admission, log);
}
