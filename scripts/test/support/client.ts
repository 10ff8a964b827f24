import WebSocket from 'ws';
import type { AuthTokens, ServerFrame } from '@natter/contracts';

/** A test user talking to Natter the way a program would: HTTP through the gateway, frames over /ws. */
export class TestUser {
  constructor(readonly base: string, readonly tokens: AuthTokens) {}
  get id() {
    return this.tokens.user.id;
  }

  static async register(base: string, name: string): Promise<TestUser> {
    const suffix = Math.random().toString(36).slice(2, 8);
    const username = `${name}_${suffix}`;
    const r = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, email: `${username}@example.test`, password: 'correct horse battery', displayName: name }),
    });
    if (r.status !== 201) throw new Error(`register ${name}: ${r.status} ${await r.text()}`);
    return new TestUser(base, (await r.json()) as AuthTokens);
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const r = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.tokens.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  }

  async connect(wsUrl: string): Promise<TestSocket> {
    return TestSocket.open(`${wsUrl}?access_token=${encodeURIComponent(this.tokens.accessToken)}`);
  }
}

/** Collects every frame; `until` waits (bounded) for a condition over what has arrived. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  closeCode?: number;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static open(url: string): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const s = new TestSocket(ws);
      ws.once('open', () => resolve(s));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async until<T>(what: string, pick: (frames: ServerFrame[]) => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pick(this.frames);
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.slice(-10))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  events(roomId?: string) {
    return this.frames.filter((f): f is Extract<ServerFrame, { type: 'event' }> => f.type === 'event' && (!roomId || f.room === roomId));
  }

  hello() {
    return this.frames.find((f): f is Extract<ServerFrame, { type: 'hello' }> => f.type === 'hello');
  }

  async close() {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((r) => this.ws.once('close', r));
    this.ws.close();
    await closed;
  }
}
