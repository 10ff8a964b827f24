import WebSocket from 'ws';
import type { AuthTokens, ServerFrame } from '@natter/contracts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Who a client acts as: the gateway's base URL and a signed-in user's tokens (the tests' TestUser is one). */
export interface ChatUser {
  readonly base: string;
  readonly tokens: AuthTokens;
}

/** Register a user through the API (a random suffix keeps names unique across runs). */
export async function registerUser(base: string, name: string): Promise<ChatUser> {
  const username = `${name}_${Math.random().toString(36).slice(2, 8)}`;
  for (let attempt = 1; ; attempt++) {
    const r = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@example.test`, password: 'correct horse battery', displayName: name }),
    }).catch((err: Error) => ({ status: 0, text: async () => err.message }));
    if (r.status === 201) return { base, tokens: (await (r as Response).json()) as AuthTokens };
    if (attempt >= 5 || (r.status !== 0 && r.status < 500)) throw new Error(`register ${name}: ${r.status} ${await r.text()}`);
    await sleep(500);
  }
}

/**
 * Sends messages one after another over HTTP, as a real client with an outbox would: a send that fails
 * (connection refused or reset, a 5xx, 429) is retried with the same clientMsgId until it is acknowledged.
 */
export class SteadySender {
  readonly acked: { clientMsgId: string; seq: number }[] = [];
  /** When each of `acked` was acknowledged (Date.now()), for stall and recovery times. */
  readonly ackedAt: number[] = [];
  /** Every failed attempt, by what it got: `503 unavailable`, `fetch failed`, ... (each was retried). */
  readonly failures = new Map<string, number>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly user: ChatUser, readonly roomId: string, private readonly everyMs = 120) {}

  start(): void {
    this.loop = this.run();
  }

  /** Stop after the send in progress is acknowledged; rejects if a send got an answer no retry can fix. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    for (let i = 1; !this.stopped; i++) {
      const clientMsgId = `steady-${i}`;
      for (;;) {
        const r = await this.attempt(clientMsgId, `message ${i}`);
        if (r.ok) {
          this.acked.push({ clientMsgId, seq: r.seq });
          this.ackedAt.push(Date.now());
          break;
        }
        this.failures.set(r.why, (this.failures.get(r.why) ?? 0) + 1);
        await sleep(150);
      }
      await sleep(this.everyMs);
    }
  }

  private async attempt(clientMsgId: string, text: string): Promise<{ ok: true; seq: number } | { ok: false; why: string }> {
    let res: Response;
    try {
      res = await fetch(`${this.user.base}/api/rooms/${this.roomId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.user.tokens.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMsgId, text }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      return { ok: false, why: (err as Error).message };
    }
    const body = await res.text();
    if (res.status === 201 || res.status === 200) return { ok: true, seq: (JSON.parse(body) as { seq: number }).seq };
    let code = 'not json';
    try {
      code = (JSON.parse(body) as { error: { code: string } }).error.code;
    } catch {
      // an HTML error page, for example: recorded as such
    }
    if (res.status >= 500 || res.status === 429) return { ok: false, why: `${res.status} ${code}` };
    throw new Error(`send ${clientMsgId}: ${res.status} ${body}`);
  }
}

/**
 * Listens on a WebSocket through the gateway and, whenever the socket closes (its edge or the gateway went
 * away), reconnects and resumes from the last sequence it holds, as docs/websocket.md tells a client to.
 */
export class ResumingListener {
  /** Every MessageSent delivered, in delivery order (duplicates included: none are expected). */
  readonly messages: { clientMsgId: string; seq: number }[] = [];
  connections = 0;
  /** The highest room sequence delivered so far. */
  lastSeq = 0;
  /** The epoch `lastSeq` was collected under (from the first `hello`): a resume must send it back. */
  private epoch: string | undefined;
  private ws: WebSocket | undefined;
  private stopped = false;

  constructor(private readonly user: ChatUser, private readonly wsUrl: string, readonly roomId: string) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    while (!this.stopped) {
      const closed = await new Promise<void>((resolve) => {
        const ws = new WebSocket(`${this.wsUrl}?access_token=${encodeURIComponent(this.user.tokens.accessToken)}`, { perMessageDeflate: false });
        this.ws = ws;
        ws.on('message', (data) => this.onFrame(ws, JSON.parse(String(data)) as ServerFrame));
        ws.on('open', () => this.connections++);
        ws.on('close', () => resolve());
        ws.on('error', () => {}); // 'close' follows
      });
      void closed;
      if (!this.stopped) await sleep(200);
    }
  }

  private onFrame(ws: WebSocket, f: ServerFrame): void {
    if (f.type === 'hello') {
      this.epoch ??= f.epoch;
      ws.send(JSON.stringify({ type: 'resume', epoch: this.epoch, rooms: { [this.roomId]: this.lastSeq } }));
    }
    if (f.type === 'error' && !('id' in f && f.id)) ws.close(); // resume refused (a dependency is down): reconnect
    if (f.type !== 'event' || f.room !== this.roomId) return;
    this.lastSeq = Math.max(this.lastSeq, f.seq);
    if (f.event.type === 'MessageSent') this.messages.push({ clientMsgId: (f.event.data as { clientMsgId: string }).clientMsgId, seq: f.seq });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ws?.close();
  }
}
