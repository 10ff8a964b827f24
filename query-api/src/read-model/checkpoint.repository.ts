import { CHAT_PROJECTION } from '@natter/infra/runtime';
import type { ReadScope } from './scope';

export interface SnapshotHead {
  /** The chat projection's checkpoint: the asOfSeq of everything read in the same snapshot. */
  lastSeq: number;
  /** True when the caller's user row says deactivated; false when not, or when the row is not there yet. */
  callerDeactivated: boolean;
  /** True when the caller is a server admin in this snapshot (admin reads check it). */
  callerAdmin: boolean;
}

export class CheckpointRepository {
  /** One statement: the checkpoint, and the caller's deactivated and server-admin flags when a caller is given. */
  async head(q: ReadScope, callerId: string | undefined): Promise<SnapshotHead> {
    const row = await q
      .selectNoFrom((eb) => [
        eb.selectFrom('checkpoint').select('last_seq').where('projection', '=', CHAT_PROJECTION).as('last_seq'),
        eb.selectFrom('users').select('deactivated').where('id', '=', callerId ?? '').as('deactivated'),
        eb.selectFrom('users').select('server_admin').where('id', '=', callerId ?? '').as('server_admin'),
      ])
      .executeTakeFirstOrThrow();
    return {
      lastSeq: Number(row.last_seq ?? 0),
      callerDeactivated: callerId !== undefined && row.deactivated === true,
      callerAdmin: callerId !== undefined && row.server_admin === true,
    };
  }

  async lastSeq(q: ReadScope): Promise<number> {
    const row = await q.selectFrom('checkpoint').select('last_seq').where('projection', '=', CHAT_PROJECTION).executeTakeFirst();
    return Number(row?.last_seq ?? 0);
  }
}
