import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, encodeEvent, Streams, type EventEnvelope, type NewEvent, type StoredEvent } from '@natter/contracts';
import { NatsRequester } from '@natter/infra/runtime';
import type { JetStreamOp } from './metrics';

/**
 * The durable event log. Every write of command-api goes through here, to JetStream; nothing in-process
 * (such as the @nestjs/cqrs EventBus) counts as stored.
 */
export interface EventStore {
  /** Events on exactly `subject` with seq > afterSeq, in order (direct get `next_by_subj`, one by one). */
  readAfter(subject: string, afterSeq: number): AsyncIterable<StoredEvent>;
  /** The stored event at `seq`, or null. */
  readAt(seq: number): Promise<StoredEvent | null>;
  /** The seq of the last event on exactly `subject` (0: none): what a decision must have seen to be current. */
  lastSeqOf(subject: string): Promise<number>;
  /**
   * Append `event` to an aggregate subject whose last sequence is `expectedSeq` (0: none yet). Guarded twice,
   * because nats-server 2.9.10 does not enforce an expected last subject sequence > 0 on R3 streams:
   * `expect.lastSubjectSequence` and `msgID = <subject>:<expectedSeq+1>` (a second writer deciding on the same
   * version is a duplicate). Throws AppendConflict when someone else appended first.
   */
  appendExpected(subject: string, expectedSeq: number, event: NewEvent, actor: string | null): Promise<Appended>;
  /** Append with an idempotency key only (messages). `duplicate` means the key was seen: nothing was stored. */
  appendIdempotent(subject: string, msgID: string, event: NewEvent, actor: string | null): Promise<Appended & { duplicate: boolean }>;
}

export interface Appended {
  seq: number;
  envelope: EventEnvelope;
}

/** Someone else appended to the subject between our load and our append: reload and decide again. */
export class AppendConflict extends Error {
  constructor(readonly subject: string, readonly expectedSeq: number, options?: { cause?: unknown }) {
    super(`append conflict on ${subject} at ${expectedSeq}`, options);
    this.name = 'AppendConflict';
  }
}

/** JetStream's "wrong last sequence" API error (10071 on nats-server 2.9.10). */
export const WRONG_LAST_SEQUENCE = 10071;

/** A JetStream API error answer (`{error:{code,err_code,description}}`), such as a rejected publish. */
export class JetStreamReplyError extends Error {
  constructor(readonly status: number, readonly code: number, description: string) {
    super(description);
    this.name = 'JetStreamReplyError';
  }
}

/**
 * The JetStream wire protocol for the few calls command-api makes per command, through NatsRequester rather
 * than @nats-io/jetstream (whose every call pays nats.js's per-request costs, see infra/src/nats-requests.ts):
 * - publish: a core publish with a reply inbox and headers (`Nats-Msg-Id`, `Nats-Expected-Last-Subject-
 *   Sequence`); the reply is a PubAck `{stream, seq, duplicate?}` or `{error:{code, err_code, description}}`.
 * - direct get: a request to `$JS.API.DIRECT.GET.<stream>` (`{seq}` or `{seq, next_by_subj}`), or to
 *   `$JS.API.DIRECT.GET.<stream>.<subject>` for the last message on a subject; the reply is the stored
 *   message with `Nats-Subject` / `Nats-Sequence` headers, or a 404 status when there is none.
 * Both are what nats.js sends for `js.publish` and `jsm.direct.getMessage` (nats-server 2.9+).
 */
export class JetStreamWire {
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder();

  constructor(
    readonly requests: NatsRequester,
    /** Counts each request by operation (Metrics.jetStreamRequest). */
    private readonly count: (op: JetStreamOp) => void = () => {},
  ) {}

  async publish(subject: string, body: Uint8Array, headers?: MsgHdrs): Promise<{ seq: number; duplicate: boolean }> {
    this.count('publish');
    const m = await this.requests.request(subject, body, headers);
    const ack = JSON.parse(this.dec.decode(m.data)) as { seq?: number; duplicate?: boolean; error?: { code: number; err_code: number; description: string } };
    if (ack.error) throw new JetStreamReplyError(ack.error.code, ack.error.err_code, ack.error.description);
    if (typeof ack.seq !== 'number') throw new Error(`unexpected publish ack on ${subject}: ${this.dec.decode(m.data)}`);
    return { seq: ack.seq, duplicate: ack.duplicate === true };
  }

  /** The stored message matching `query` on `stream`, or null (404). */
  async directGet(stream: string, query: { seq: number; next_by_subj?: string }): Promise<DirectMsg | null> {
    this.count('direct_get');
    return this.directAnswer(await this.requests.request(`$JS.API.DIRECT.GET.${stream}`, this.enc.encode(JSON.stringify(query))));
  }

  /**
   * The same query answered by the stream LEADER (`$JS.API.STREAM.MSG.GET.<stream>`). With `allow_direct` on a
   * replicated stream every replica answers direct gets, and a replica may not have applied the newest
   * messages yet; the leader has everything it acknowledged. Costs a little more (JSON + base64).
   */
  async leaderGet(stream: string, query: { seq: number; next_by_subj?: string } | { last_by_subj: string }): Promise<DirectMsg | null> {
    this.count('leader_get');
    const m = await this.requests.request(`$JS.API.STREAM.MSG.GET.${stream}`, this.enc.encode(JSON.stringify(query)));
    const r = JSON.parse(this.dec.decode(m.data)) as {
      message?: { subject: string; seq: number; data?: string };
      error?: { code: number; err_code: number; description: string };
    };
    if (r.error?.code === 404) return null;
    if (r.error) throw new JetStreamReplyError(r.error.code, r.error.err_code, r.error.description);
    if (!r.message) throw new Error(`unexpected message get answer from ${stream}`);
    const data = r.message.data ? new Uint8Array(Buffer.from(r.message.data, 'base64')) : new Uint8Array(0);
    return { subject: r.message.subject, seq: r.message.seq, data, headers: natsHeaders() };
  }

  /** The last stored message on exactly `subject`, or null. */
  async directGetLast(stream: string, subject: string): Promise<DirectMsg | null> {
    this.count('direct_get_last');
    return this.directAnswer(await this.requests.request(`$JS.API.DIRECT.GET.${stream}.${subject}`, new Uint8Array(0)));
  }

  private directAnswer(m: Msg): DirectMsg | null {
    const h = m.headers;
    if (!h) throw new Error('direct get answered without headers');
    if (h.code === 404) return null;
    if (h.hasError) throw new JetStreamReplyError(h.code, 0, `direct get failed: ${h.code} ${h.description}`);
    return { subject: h.last('Nats-Subject'), seq: Number(h.last('Nats-Sequence')), data: m.data, headers: h };
  }
}

export interface DirectMsg {
  subject: string;
  seq: number;
  data: Uint8Array;
  headers: MsgHdrs;
}

export class JetStreamEventStore implements EventStore {
  /**
   * `replicated`: the event stream has more than one replica, so aggregate reads go to the leader (see
   * JetStreamWire.leaderGet): a decision on a lagging replica's state would only burn retries, and a
   * membership check for a send (not guarded by an expected sequence) must see the newest joins and leaves.
   * On a single-node stream, direct get is the leader.
   */
  private constructor(readonly wire: JetStreamWire, private readonly replicated: boolean) {}

  static connect(nc: NatsConnection, requests = new NatsRequester(nc), opts: { replicated?: boolean; count?: (op: JetStreamOp) => void } = {}): JetStreamEventStore {
    return new JetStreamEventStore(new JetStreamWire(requests, opts.count), opts.replicated ?? false);
  }

  private get(query: { seq: number; next_by_subj?: string }): Promise<DirectMsg | null> {
    return this.replicated ? this.wire.leaderGet(Streams.events, query) : this.wire.directGet(Streams.events, query);
  }

  async *readAfter(subject: string, afterSeq: number): AsyncIterable<StoredEvent> {
    let seq = afterSeq;
    for (;;) {
      const m = await this.get({ seq: seq + 1, next_by_subj: subject });
      if (!m) return;
      // next_by_subj is exact here (no wildcard), but be defensive: never apply another subject's event.
      if (m.subject !== subject || m.seq <= seq) return;
      seq = m.seq;
      yield decodeEvent(m.seq, m.subject, m.data);
    }
  }

  async lastSeqOf(subject: string): Promise<number> {
    const m = this.replicated ? await this.wire.leaderGet(Streams.events, { last_by_subj: subject }) : await this.wire.directGetLast(Streams.events, subject);
    return m ? m.seq : 0;
  }

  /** Used to answer a duplicate with the stored original: always the leader, which acknowledged it. */
  async readAt(seq: number): Promise<StoredEvent | null> {
    const m = await this.wire.leaderGet(Streams.events, { seq });
    return m ? decodeEvent(m.seq, m.subject, m.data) : null;
  }

  async appendExpected(subject: string, expectedSeq: number, event: NewEvent, actor: string | null): Promise<Appended> {
    const { body, headers, envelope } = encodeEvent(event, actor);
    const h = toHeaders(headers, `${subject}:${expectedSeq + 1}`);
    h.set('Nats-Expected-Last-Subject-Sequence', String(expectedSeq));
    try {
      const ack = await this.wire.publish(subject, body, h);
      // A duplicate ack means another writer already published the version we decided on: we lost.
      if (ack.duplicate) throw new AppendConflict(subject, expectedSeq);
      return { seq: ack.seq, envelope };
    } catch (err) {
      if (err instanceof JetStreamReplyError && err.code === WRONG_LAST_SEQUENCE) throw new AppendConflict(subject, expectedSeq, { cause: err });
      throw err;
    }
  }

  async appendIdempotent(subject: string, msgID: string, event: NewEvent, actor: string | null): Promise<Appended & { duplicate: boolean }> {
    const { body, headers, envelope } = encodeEvent(event, actor);
    const ack = await this.wire.publish(subject, body, toHeaders(headers, msgID));
    return { seq: ack.seq, envelope, duplicate: ack.duplicate };
  }
}

/** The event's headers (encodeEvent's) plus the stream's idempotency key. */
function toHeaders(h: Record<string, string>, msgID: string): MsgHdrs {
  const out = natsHeaders();
  for (const k in h) out.set(k, h[k]);
  out.set('Nats-Msg-Id', msgID);
  return out;
}
