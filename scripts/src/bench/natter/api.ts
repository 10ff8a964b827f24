/**
 * The few HTTP calls the bench makes to Natter (directly to command-api and query-api, not through nginx, so
 * the gateway is not part of the figures). Global fetch keeps connections alive.
 */
export interface BenchUser {
  idx: number;
  id: string;
  username: string;
  accessToken: string;
  refreshToken: string;
  tokenAt: number;
}

export class HttpError extends Error {
  constructor(readonly status: number, readonly body: string, what: string) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export class NatterApi {
  constructor(readonly commandUrl: string, readonly queryUrl: string) {}

  private async call<T>(method: string, url: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (!res.ok) throw new HttpError(res.status, text, `${method} ${new URL(url).pathname}`);
    return JSON.parse(text) as T;
  }

  async register(idx: number, runId: string): Promise<BenchUser> {
    const username = `b${runId}_${idx}`;
    const t = await this.call<{ accessToken: string; refreshToken: string; user: { id: string } }>('POST', `${this.commandUrl}/api/auth/register`, {
      username,
      email: `${username}@bench.invalid`,
      password: 'bench-password-1',
      displayName: `Bench ${idx}`,
    });
    return { idx, id: t.user.id, username, accessToken: t.accessToken, refreshToken: t.refreshToken, tokenAt: Date.now() };
  }

  async refresh(u: BenchUser): Promise<void> {
    const t = await this.call<{ accessToken: string; refreshToken: string }>('POST', `${this.commandUrl}/api/auth/refresh`, { refreshToken: u.refreshToken });
    u.accessToken = t.accessToken;
    u.refreshToken = t.refreshToken;
    u.tokenAt = Date.now();
  }

  async createRoom(u: BenchUser, name: string): Promise<string> {
    return (await this.createRoomWithSeq(u, name)).roomId;
  }

  async createRoomWithSeq(u: BenchUser, name: string): Promise<{ roomId: string; seq: number }> {
    return this.call<{ roomId: string; seq: number }>('POST', `${this.commandUrl}/api/rooms`, { name, visibility: 'public' }, u.accessToken);
  }

  async join(u: BenchUser, roomId: string): Promise<number> {
    return (await this.call<{ seq: number }>('POST', `${this.commandUrl}/api/rooms/${roomId}/join`, undefined, u.accessToken)).seq;
  }

  async send(u: BenchUser, roomId: string, clientMsgId: string, text: string): Promise<{ seq: number }> {
    return this.call('POST', `${this.commandUrl}/api/rooms/${roomId}/messages`, { clientMsgId, text }, u.accessToken);
  }

  async history(u: BenchUser, roomId: string, query: string): Promise<{ messages: unknown[]; asOfSeq: number }> {
    return this.call('GET', `${this.queryUrl}/api/rooms/${roomId}/messages?${query}`, undefined, u.accessToken);
  }

  async me(u: BenchUser): Promise<{ user: unknown; asOfSeq: number }> {
    return this.call('GET', `${this.queryUrl}/api/me`, undefined, u.accessToken);
  }

  /** My rooms with their exact unread counts (issue 12). */
  async myRooms(u: BenchUser): Promise<{ items: { id: string; unread: { unread: number; mentions: number } }[]; asOfSeq: number }> {
    return this.call('GET', `${this.queryUrl}/api/me/rooms`, undefined, u.accessToken);
  }

  /** The user directory (`GET /api/users?q=`), 20 results. */
  async directory(u: BenchUser, q: string, minSeq = 0): Promise<{ items: unknown[]; asOfSeq: number }> {
    return this.call('GET', `${this.queryUrl}/api/users?q=${encodeURIComponent(q)}&limit=20${minSeq ? `&minSeq=${minSeq}` : ''}`, undefined, u.accessToken);
  }

  /** Message search (`GET /api/search?q=&limit=20`). */
  async search(u: BenchUser, q: string, extra = ''): Promise<{ items: unknown[]; asOfSeq: number; nextCursor: string | null }> {
    return this.call('GET', `${this.queryUrl}/api/search?q=${encodeURIComponent(q)}&limit=20${extra ? `&${extra}` : ''}`, undefined, u.accessToken);
  }

  /** `minSeq`: wait (up to 5 s) until the read model has applied that sequence (read-your-writes). */
  async room(u: BenchUser, roomId: string, minSeq = 0): Promise<{ room: { lastSeq: number }; asOfSeq: number }> {
    return this.call('GET', `${this.queryUrl}/api/rooms/${roomId}${minSeq ? `?minSeq=${minSeq}` : ''}`, undefined, u.accessToken);
  }
}

/** Runs fn over items with at most `concurrency` in flight; the first error stops it. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return out;
}
