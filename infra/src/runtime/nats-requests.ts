import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** No reply within the timeout (the request may still have been acted on: callers treat it as unknown). */
export class NatsRequestTimeout extends Error {
  constructor(readonly subject: string, timeoutMs: number) {
    super(`no reply from ${subject} within ${timeoutMs} ms`);
    this.name = 'NatsRequestTimeout';
  }
}

/** Nobody listens on the subject (JetStream down, stream or bucket missing). */
export class NatsNoResponders extends Error {
  constructor(readonly subject: string) {
    super(`no responders on ${subject}`);
    this.name = 'NatsNoResponders';
  }
}

interface Pending {
  resolve(m: Msg): void;
  reject(err: Error): void;
  subject: string;
  deadline: number;
}

/**
 * Request/reply for command-api's hot path (JetStream publish, direct get), on one wildcard inbox
 * subscription, the way nats.js muxes requests, minus its per-request cost: nats.js 3.3.1 ends every
 * successful `nc.request` by rejecting the already-settled promise with a freshly constructed
 * `RequestError("cancelled")` (request.js RequestOne.cancel), a stack trace captured per request, and
 * starts a timer per request. That was ~15% of command-api's CPU per sent message (4 requests each).
 * Here: a token per request in a Map, and one sweep timer for every deadline (all requests share one
 * timeout, so the Map's insertion order is deadline order and the sweep stops at the first live one).
 * A reply after its deadline is dropped, exactly like nats.js.
 */
export class NatsRequester {
  private readonly prefix: string;
  private readonly pending = new Map<string, Pending>();
  private readonly sub: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private next = 0;

  constructor(private readonly nc: NatsConnection, private readonly timeoutMs = 5_000) {
    this.prefix = `${createInbox()}.`;
    this.sub = nc.subscribe(`${this.prefix}*`, { callback: (err, msg) => (err ? this.failAll(err) : this.onReply(msg)) });
    this.sweeper = setInterval(() => this.sweep(), Math.min(250, timeoutMs)).unref();
  }

  request(subject: string, data: Uint8Array | string, headers?: MsgHdrs): Promise<Msg> {
    const token = (this.next++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      this.pending.set(token, { resolve, reject, subject, deadline: Date.now() + this.timeoutMs });
      try {
        this.nc.publish(subject, data, { reply: this.prefix + token, headers });
      } catch (err) {
        this.pending.delete(token);
        reject(err as Error);
      }
    });
  }

  close(): void {
    clearInterval(this.sweeper);
    if (!this.sub.isClosed()) this.sub.unsubscribe();
    this.failAll(new Error('requester closed'));
  }

  private onReply(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const p = this.pending.get(token);
    if (!p) return;
    this.pending.delete(token);
    // A status-only message with 503: the server found no subscriber for the request subject.
    if (msg.data.length === 0 && msg.headers?.code === 503) p.reject(new NatsNoResponders(p.subject));
    else p.resolve(msg);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, p] of this.pending) {
      if (p.deadline > now) return;
      this.pending.delete(token);
      p.reject(new NatsRequestTimeout(p.subject, this.timeoutMs));
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** nats.js error names (by `name`: the classes differ between its packages) that mean "NATS did not serve". */
const unavailableNames = new Set(['NatsRequestTimeout', 'NatsNoResponders', 'TimeoutError', 'NoResponders', 'NoRespondersError', 'RequestError', 'ClosedConnectionError', 'DrainingConnectionError', 'ConnectionError']);

/**
 * True when `err` (or anything in its `cause` chain) says NATS or JetStream could not serve the request right
 * now: a timeout, no responders, a closed or reconnecting connection, or a JetStream 503 ("temporarily
 * unavailable", no stream leader during an election). The outcome of such a request is unknown, and a retry is
 * what the client should do: callers answer `unavailable`, never `internal`.
 */
export function isNatsUnavailable(err: unknown): boolean {
  for (let e = err as { name?: string; status?: number; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e !== 'object') return false;
    if (e.name && unavailableNames.has(e.name)) return true;
    if (e.status === 503) return true; // JetStreamApiError / a JetStream reply with status 503
  }
  return false;
}
