import { NatterError, Streams, Subjects } from '@natter/contracts';
import type { NatsRequester } from '@natter/infra/runtime';

/**
 * The stream sequence of a room's latest membership event (the last message on `ev.room.<id>.meta`), straight
 * from JetStream: what a room-scoped read must have in its snapshot before it checks membership
 * (ReadModelReader, `room`). Without it, a user removed a moment ago could still read the room from a read
 * model that had not applied the removal yet (the answer then carried the old asOfSeq).
 *
 * One request per room-scoped read. On a single-node stream a direct get (`last_by_subj`, answered by the
 * server that stores it); on a replicated one the leader's message get, because a replica may not have
 * applied the newest events yet and would name an older sequence (the same reason command-api reads
 * aggregates through the leader).
 */
export class RoomMetaHeads {
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder();

  constructor(
    private readonly requests: NatsRequester,
    private readonly replicated: boolean,
  ) {}

  /** Asks the stream's replica count once (stream info), to pick the read that is exact for it. */
  static async create(requests: NatsRequester): Promise<RoomMetaHeads> {
    const m = await requests.request(`$JS.API.STREAM.INFO.${Streams.events}`, new Uint8Array(0));
    const info = JSON.parse(new TextDecoder().decode(m.data)) as { config?: { num_replicas?: number }; error?: { description: string } };
    if (!info.config) throw new Error(`stream info of ${Streams.events} failed: ${info.error?.description ?? 'no config'}`);
    return new RoomMetaHeads(requests, (info.config.num_replicas ?? 1) > 1);
  }

  /** 0 when the room has no events (it does not exist). */
  async lastSeq(roomId: string): Promise<number> {
    const subject = Subjects.roomMeta(roomId);
    try {
      if (!this.replicated) {
        const m = await this.requests.request(`$JS.API.DIRECT.GET.${Streams.events}.${subject}`, new Uint8Array(0));
        if (m.headers?.code === 404) return 0;
        const seq = Number(m.headers?.last('Nats-Sequence'));
        if (!m.headers || m.headers.hasError || !Number.isSafeInteger(seq)) throw new Error(`direct get of ${subject} failed: ${m.headers?.code} ${m.headers?.description}`);
        return seq;
      }
      const m = await this.requests.request(`$JS.API.STREAM.MSG.GET.${Streams.events}`, this.enc.encode(JSON.stringify({ last_by_subj: subject })));
      const r = JSON.parse(this.dec.decode(m.data)) as { message?: { seq: number }; error?: { code: number; description: string } };
      if (r.error?.code === 404) return 0;
      if (!r.message) throw new Error(`message get of ${subject} failed: ${r.error?.code} ${r.error?.description}`);
      return r.message.seq;
    } catch (err) {
      // Without the fence the read could answer from before a removal: refuse (retryable) rather than guess.
      throw new NatterError('unavailable', 'The event stream did not answer; try again.', undefined, { cause: err });
    }
  }
}
