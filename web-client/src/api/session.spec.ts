import type { AuthTokens } from '@natter/contracts/browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Api } from './client';
import { ApiError } from './errors';
import { Session } from './session';

const user = { id: 'u1', username: 'alice', displayName: 'Alice', bio: '', statusText: '' };
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const tokens = (n: number, accessExpiresAt = inAnHour()): AuthTokens => ({
  accessToken: `a${n}`,
  accessTokenExpiresAt: accessExpiresAt,
  refreshToken: `r${n}`,
  refreshTokenExpiresAt: inAnHour(),
  user,
  seq: 0,
});
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => localStorage.clear());

describe('Session', () => {
  it('refreshes an access token about to expire, once, however many callers ask', async () => {
    const fetchFn = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json(200, tokens(2)));
    const s = new Session(localStorage, fetchFn);
    s.signIn(tokens(1, new Date(Date.now() + 10_000).toISOString()));
    const [a, b] = await Promise.all([s.getAccessToken(), s.getAccessToken()]);
    expect([a, b]).toEqual(['a2', 'a2']);
    expect(fetchFn).toHaveBeenCalledOnce();
    expect(JSON.parse(String(fetchFn.mock.calls[0][1]?.body))).toEqual({ refreshToken: 'r1' });
    expect(JSON.parse(localStorage.getItem('natter.auth')!).refreshToken).toBe('r2');
  });

  it('signs out when the refresh token is refused, and keeps the session on a network error', async () => {
    const refused = new Session(localStorage, async () => json(401, { error: { code: 'invalid_refresh_token', message: 'x' } }));
    refused.signIn(tokens(1));
    expect(await refused.refresh()).toBeNull();
    expect(refused.current).toBeNull();

    const offline = new Session(localStorage, async () => {
      throw new TypeError('Failed to fetch');
    });
    offline.signIn(tokens(1));
    await expect(offline.refresh()).rejects.toMatchObject({ code: 'network' });
    expect(offline.current?.refreshToken).toBe('r1');
  });

  it('uses the tokens another tab just refreshed instead of reusing the old refresh token', async () => {
    const fetchFn = vi.fn(async () => json(200, tokens(9)));
    const s = new Session(localStorage, fetchFn);
    s.signIn(tokens(1, new Date(Date.now() - 1000).toISOString()));
    // Another tab rotated r1 -> r2 meanwhile.
    localStorage.setItem('natter.auth', JSON.stringify({ ...tokens(2) }));
    expect(await s.refresh()).toBe('a2');
    expect(fetchFn).not.toHaveBeenCalled();
  });
});

describe('Api', () => {
  it('refreshes once on 401 and retries the call with the new token', async () => {
    const calls: string[] = [];
    const fetchFn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      const auth = (init?.headers as Record<string, string>).authorization ?? '';
      calls.push(`${init?.method} ${String(url)} ${auth}`);
      if (String(url) === '/api/auth/refresh') return json(200, tokens(2));
      return auth === 'Bearer a2' ? json(200, { items: [], asOfSeq: 3 }) : json(401, { error: { code: 'token_expired', message: 'expired' } });
    });
    const s = new Session(localStorage, fetchFn);
    s.signIn(tokens(1));
    const api = new Api(s, fetchFn);
    expect(await api.myRooms()).toEqual({ items: [], asOfSeq: 3 });
    expect(calls).toEqual(['GET /api/me/rooms Bearer a1', 'POST /api/auth/refresh ', 'GET /api/me/rooms Bearer a2']);
  });

  it('turns error bodies into ApiError and reads after a write carry minSeq', async () => {
    const urls: string[] = [];
    const fetchFn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      urls.push(String(url));
      if (init?.method === 'POST') return json(200, { roomId: 'r1', seq: 42 });
      if (String(url).startsWith('/api/rooms/nope')) return json(404, { error: { code: 'room_not_found', message: 'No such room.' } });
      return json(200, { items: [], asOfSeq: 42 });
    });
    const s = new Session(localStorage, fetchFn);
    s.signIn(tokens(1));
    const api = new Api(s, fetchFn);
    await expect(api.room('nope')).rejects.toEqual(new ApiError(404, 'room_not_found', 'No such room.'));
    await api.joinRoom('r1');
    await api.myRooms();
    expect(urls.at(-1)).toBe('/api/me/rooms?minSeq=42');
  });
});
