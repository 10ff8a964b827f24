import { registerUser, ResumingListener, SteadySender, type ChatUser } from './clients';

export interface TrafficOptions {
  rooms: number;
  /** Sockets listening to each room (through the gateway, so spread over the edges by least_conn). */
  listenersPerRoom: number;
  /** Pause between one acknowledged send and the next, per room. */
  sendEveryMs: number;
}

/** What a client saw, checked against what was acknowledged: lost, duplicated, reordered. */
export interface TrafficVerdict {
  acked: number;
  /** Acknowledged messages missing from a listener or from the history. */
  lost: number;
  duplicates: number;
  reorderings: number;
  listeners: number;
  /** Failed send attempts by what they got (each was retried with the same clientMsgId). */
  failures: Record<string, number>;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Steady chat traffic through the gateway: per room one sender (HTTP, retrying each message with the same
 * clientMsgId until it is acknowledged, as a client's outbox does) and listeners that reconnect and resume
 * whenever their socket closes. `verify()` compares what every listener received and what the query API
 * serves with what was acknowledged.
 */
export class Traffic {
  private constructor(
    readonly senders: SteadySender[],
    readonly listeners: ResumingListener[],
    private readonly owners: ChatUser[],
  ) {}

  static async start(base: string, o: TrafficOptions): Promise<Traffic> {
    const wsUrl = base.replace(/^http/, 'ws') + '/ws';
    const senders: SteadySender[] = [];
    const listeners: ResumingListener[] = [];
    const owners: ChatUser[] = [];
    for (let r = 0; r < o.rooms; r++) {
      const owner = await registerUser(base, `owner${r}`);
      const room = await call(owner, 'POST', '/api/rooms', { name: `chaos-${r}`, visibility: 'public' });
      const roomId = (room.body as { roomId: string }).roomId;
      for (let l = 0; l < o.listenersPerRoom; l++) {
        const member = await registerUser(base, `listener${r}x${l}`);
        const joined = await call(member, 'POST', `/api/rooms/${roomId}/join`);
        if (joined.status !== 200) throw new Error(`join: ${joined.status} ${JSON.stringify(joined.body)}`);
        listeners.push(new ResumingListener(member, wsUrl, roomId));
      }
      owners.push(owner);
      senders.push(new SteadySender(owner, roomId, o.sendEveryMs));
    }
    for (const l of listeners) l.start();
    for (const s of senders) s.start();
    return new Traffic(senders, listeners, owners);
  }

  /** Acknowledged sends so far, all rooms. */
  get acked(): number {
    return this.senders.reduce((n, s) => n + s.acked.length, 0);
  }

  /**
   * Resolves once every room has had a send acknowledged after `since` and every listener of the room has
   * received everything acknowledged up to it: writes and live delivery both work again.
   */
  async healthySince(since: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = this.senders.every((s) => {
        const i = s.ackedAt.findIndex((t) => t > since);
        if (i < 0) return false;
        const seq = s.acked[i].seq;
        return this.listeners.filter((l) => l.roomId === s.roomId).every((l) => (l.messages.at(-1)?.seq ?? 0) >= seq);
      });
      if (ok) return Date.now();
      if (Date.now() > deadline) throw new Error(`traffic not healthy ${timeoutMs} ms after ${new Date(since).toISOString()}: ${this.describe()}`);
      await sleep(50);
    }
  }

  /** Longest time without an acknowledged send in any room, within [from, to]. */
  longestStall(from: number, to: number): number {
    let worst = 0;
    for (const s of this.senders) {
      const times = [from, ...s.ackedAt.filter((t) => t > from && t < to), to];
      for (let i = 1; i < times.length; i++) worst = Math.max(worst, times[i] - times[i - 1]);
    }
    return worst;
  }

  describe(): string {
    return this.senders
      .map((s) => `room ${s.roomId}: acked ${s.acked.length} (last seq ${s.acked.at(-1)?.seq ?? 0}), listeners at ${this.listeners.filter((l) => l.roomId === s.roomId).map((l) => l.messages.at(-1)?.seq ?? 0).join('/')}`)
      .join('; ');
  }

  /** Stop sending, let every listener catch up (bounded), compare with the history, then close the sockets. */
  async stop(catchUpMs = 30_000): Promise<TrafficVerdict> {
    await Promise.all(this.senders.map((s) => s.stop()));
    // Bounded: whatever has not arrived by then is counted as lost below, message by message.
    const lastAcked = (s: SteadySender) => s.acked.at(-1)?.seq ?? 0;
    const deadline = Date.now() + catchUpMs;
    while (Date.now() < deadline && !this.senders.every((s) => this.listeners.filter((l) => l.roomId === s.roomId).every((l) => (l.messages.at(-1)?.seq ?? 0) >= lastAcked(s)))) await sleep(100);
    for (const l of this.listeners) await l.stop();

    const verdict: TrafficVerdict = { acked: this.acked, lost: 0, duplicates: 0, reorderings: 0, listeners: this.listeners.length, failures: {}, problems: [] };
    for (const [i, s] of this.senders.entries()) {
      for (const [why, n] of s.failures) verdict.failures[why] = (verdict.failures[why] ?? 0) + n;
      const history = await this.history(this.owners[i], s.roomId, lastAcked(s));
      const views: [string, { clientMsgId: string; seq: number }[]][] = [
        [`history of ${s.roomId}`, history],
        ...this.listeners.filter((l) => l.roomId === s.roomId).map((l, j): [string, { clientMsgId: string; seq: number }[]] => [`listener ${j} of ${s.roomId}`, l.messages]),
      ];
      for (const [who, got] of views) {
        const c = compare(s.acked, got);
        verdict.lost += c.lost;
        verdict.duplicates += c.duplicates;
        verdict.reorderings += c.reorderings;
        if (c.lost || c.duplicates || c.reorderings) verdict.problems.push(`${who}: ${c.lost} lost, ${c.duplicates} duplicates, ${c.reorderings} out of order`);
      }
    }
    return verdict;
  }

  private async history(owner: ChatUser, roomId: string, minSeq: number): Promise<{ clientMsgId: string; seq: number }[]> {
    const out: { clientMsgId: string; seq: number }[] = [];
    let path = `/api/rooms/${roomId}/messages?minSeq=${minSeq}&after=0&limit=200`;
    for (;;) {
      const page = await call(owner, 'GET', path);
      if (page.status !== 200) throw new Error(`history: ${page.status} ${JSON.stringify(page.body)}`);
      const body = page.body as { messages: { clientMsgId: string; seq: number }[]; hasMore: boolean };
      out.push(...body.messages.map((m) => ({ clientMsgId: m.clientMsgId, seq: m.seq })));
      if (!body.hasMore) return out;
      path = `/api/rooms/${roomId}/messages?after=${out.at(-1)!.seq}&limit=200`;
    }
  }
}

/** Lost: acknowledged and absent. Duplicates: delivered more than once. Reorderings: delivered after a later one. */
function compare(acked: { clientMsgId: string; seq: number }[], got: { clientMsgId: string; seq: number }[]) {
  const seen = new Map<string, number>();
  const seqOf = new Map(got.map((m) => [m.clientMsgId, m.seq]));
  let reorderings = 0;
  let prev = 0;
  for (const m of got) {
    seen.set(m.clientMsgId, (seen.get(m.clientMsgId) ?? 0) + 1);
    if (m.seq <= prev) reorderings++;
    prev = Math.max(prev, m.seq);
  }
  let lost = 0;
  for (const a of acked) if (seqOf.get(a.clientMsgId) !== a.seq) lost++;
  const duplicates = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
  return { lost, duplicates, reorderings };
}

async function call(user: ChatUser, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  for (let attempt = 1; ; attempt++) {
    const r = await fetch(`${user.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${user.tokens.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    }).catch(() => undefined);
    // Reads and idempotent set-up calls are retried while a dependency is restarting.
    if (r && (r.status < 500 || attempt >= 10)) {
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    }
    if (!r && attempt >= 10) throw new Error(`${method} ${path}: no answer`);
    await sleep(300);
  }
}
