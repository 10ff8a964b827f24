import { Subjects, UserRoomsRequest, type UserRoomsResult } from '@natter/contracts';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Admission } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { Metrics } from '../http/metrics';
import type { ReadModelReader } from '../read-model/reader';
import { RoomsRepository } from '../rooms/rooms.repository';
import { serveRpc } from './rpc-endpoint';

/**
 * `natter.query.user-rooms`: the rooms a user is in, for the realtime edge. `minSeq` waits exactly like an
 * HTTP read.
 */
export function serveUserRooms(nc: NatsConnection, reader: ReadModelReader, metrics: Metrics, admission: Admission, log: Logger): Subscription {
  const rooms = new RoomsRepository();
  return serveRpc(nc, Subjects.queryUserRooms, UserRoomsRequest, async (req): Promise<UserRoomsResult> => {
    const snap = await reader.read({ minSeq: req.minSeq }, (q) => rooms.listIdsForMember(q, req.userId));
    return { asOfSeq: snap.asOfSeq, rooms: snap.value };
  }, metrics, admission, log);
}
