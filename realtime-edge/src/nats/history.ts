import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { Streams } from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import type { History, RawEvent, StreamState } from '../ports';

/** A JetStream API error status on a direct get (anything but a message or 404). */
export class DirectGetError extends Error {
  constructor(readonly status: number, description: string) {
    super(`direct get failed: ${status} ${description}`);
    this.name = 'DirectGetError';
  }
}

/**
 * History from the event stream. Short reads (gap repair, a client away for seconds) use direct get
 * `next_by_subj` one message at a time (nats-server 2.9 has no batch direct get); a read that is still going
 * after `directGetBudget` messages switches to an ordered consumer with one filter subject.
 *
 * Callers pass EXACT subjects: on nats-server 2.9 a wildcard `next_by_subj` scans the rest of the stream per
 * request (room-history.ts reads a room as its two exact subjects and merges them).
 *
 * Direct gets are written on the wire (`$JS.API.DIRECT.GET.<stream>` with `{seq, next_by_subj}` or
 * `{last_by_subj}`; the reply is the stored message with `Nats-Subject` / `Nats-Sequence` headers, or a 404
 * status) through infra's NatsRequester, which avoids nats.js's per-request Error and timer. Timeouts and
 * no-responders reject with NatsRequestTimeout / NatsNoResponders (callers treat any failure as "resume").
 */
export class JetStreamHistory implements History {
  private readonly enc = new TextEncoder();
  private readonly directSubject = `$JS.API.DIRECT.GET.${Streams.events}`;

  private constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly requests: NatsRequester,
    private readonly directGetBudget: number,
  ) {}

  static async create(nc: NatsConnection, directGetBudget = 32, timeoutMs = 5000): Promise<JetStreamHistory> {
    return new JetStreamHistory(await jetstreamManager(nc), jetstream(nc), new NatsRequester(nc, timeoutMs), directGetBudget);
  }

  /** Fails pending reads and drops the reply subscription. */
  close(): void {
    this.requests.close();
  }

  async streamState(): Promise<StreamState> {
    const info = await this.jsm.streams.info(Streams.events);
    return { lastSeq: info.state.last_seq, epoch: info.created };
  }

  async lastSeqOf(subject: string): Promise<number> {
    const m = await this.directGet({ last_by_subj: subject });
    return m ? m.seq : 0;
  }

  async *eventsAfter(filter: string, afterSeq: number, uptoSeq = Number.MAX_SAFE_INTEGER): AsyncIterable<RawEvent> {
    let cur = afterSeq;
    for (let i = 0; i < this.directGetBudget; i++) {
      if (cur >= uptoSeq) return;
      const m = await this.directGet({ seq: cur + 1, next_by_subj: filter });
      if (!m || m.seq > uptoSeq || m.seq <= cur) return;
      cur = m.seq;
      yield m;
    }
    if (cur >= uptoSeq) return;
    // Long read: one ordered consumer, read until it reports nothing pending (or we pass uptoSeq).
    if ((await this.streamState()).lastSeq <= cur) return;
    const consumer = await this.js.consumers.get(Streams.events, {
      filter_subjects: filter,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: cur + 1,
    });
    const msgs = await consumer.consume({ max_messages: 256 });
    try {
      for await (const m of msgs) {
        if (m.seq > uptoSeq) return;
        yield { seq: m.seq, subject: m.subject, data: m.data };
        if (m.info.pending === 0 || m.seq === uptoSeq) return;
      }
    } finally {
      msgs.stop();
      await consumer.delete().catch(() => {});
    }
  }

  private async directGet(query: { seq: number; next_by_subj: string } | { last_by_subj: string }): Promise<RawEvent | null> {
    return this.answer(await this.requests.request(this.directSubject, this.enc.encode(JSON.stringify(query))));
  }

  private answer(m: Msg): RawEvent | null {
    const h = m.headers;
    if (!h) throw new DirectGetError(0, 'answered without headers');
    if (h.code === 404) return null;
    if (h.hasError) throw new DirectGetError(h.code, h.description);
    return { seq: Number(h.last('Nats-Sequence')), subject: h.last('Nats-Subject'), data: m.data };
  }
}
