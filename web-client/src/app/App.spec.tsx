import type { AuthTokens, Message, MyRoom } from '@natter/contracts/browser';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api } from '../api/client';
import { Session } from '../api/session';
import { FakeSocket, message, messageEvent } from '../realtime/testing';
import { AppProviders, AppRoutes, makeQueryClient } from './App';

const alice = { id: 'alice', username: 'alice', displayName: 'Alice', bio: '', statusText: '', email: 'alice@example.com' };
const far = new Date(Date.now() + 3600_000).toISOString();
const tokens: AuthTokens = { accessToken: 'a1', accessTokenExpiresAt: far, refreshToken: 'r1', refreshTokenExpiresAt: far, user: alice, seq: 1 };

function room(id: string, name: string, lastSeq: number): MyRoom {
  return { id, name, topic: `about ${name}`, visibility: 'public', kind: 'room', archived: false, createdBy: 'bob', createdAt: '2026-01-01T00:00:00Z', memberCount: 2, lastSeq, role: 'member', joinedSeq: 1, unread: { readSeq: lastSeq, unread: 0, mentions: 0, firstUnreadSeq: null } };
}

/** A scripted query/command API: answers by method and path, records every request. */
function fakeServer() {
  const requests: { method: string; url: string; body?: unknown; auth?: string | null }[] = [];
  const history: Record<string, Message[]> = {
    general: [message('general', 4, 'older hello'), message('general', 9, 'hello <b>there</b>')],
    random: [],
  };
  const fetchFn: typeof fetch = async (input, init) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const headers = (init?.headers ?? {}) as Record<string, string>;
    requests.push({ method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined, auth: headers.authorization ?? null });
    const path = url.split('?')[0];
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (method === 'POST' && path === '/api/auth/login') {
      const body = JSON.parse(String(init?.body));
      return body.password === 'correct horse' ? json(200, tokens) : json(401, { error: { code: 'invalid_credentials', message: 'Wrong login or password.' } });
    }
    if (path === '/api/me/rooms') return json(200, { items: [room('general', 'general', 10), room('random', 'random', 8)], asOfSeq: 10 });
    const m = /^\/api\/rooms\/([^/]+)(\/.*)?$/.exec(path);
    if (m && !m[2]) return json(200, { room: room(m[1], m[1], 10), asOfSeq: 10 });
    if (m && m[2] === '/members') return json(200, { items: [{ userId: 'bob', username: 'bob', displayName: 'Bob', role: 'owner', joinedSeq: 1 }, { userId: 'alice', username: 'alice', displayName: 'Alice', role: 'member', joinedSeq: 2 }], asOfSeq: 10 });
    if (m && m[2] === '/messages') return json(200, { messages: history[m[1]] ?? [], hasMore: false, asOfSeq: 10 });
    if (method === 'POST' && path === '/api/auth/logout') return json(200, { ok: true, seq: 20 });
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  };
  return { fetchFn, requests };
}

function setup() {
  const server = fakeServer();
  const sockets: FakeSocket[] = [];
  const session = new Session(localStorage, server.fetchFn);
  const api = new Api(session, server.fetchFn);
  const createSocket = (url: string) => {
    const s = new FakeSocket(url);
    sockets.push(s);
    return s;
  };
  render(
    <AppProviders session={session} api={api} queryClient={makeQueryClient()}>
      <MemoryRouter initialEntries={['/']}>
        <AppRoutes createSocket={createSocket} />
      </MemoryRouter>
    </AppProviders>,
  );
  return { server, sockets, session, last: () => sockets[sockets.length - 1] };
}

beforeEach(() => localStorage.clear());
afterEach(() => localStorage.clear());

describe('the app, with a fake server and socket', () => {
  it('logs in, reads a room, sends with pending then sent, marks news elsewhere, and resumes after a drop', async () => {
    const user = userEvent.setup();
    const { server, sockets, last } = setup();

    // Not signed in: the login page. A wrong password shows the error.
    await user.type(await screen.findByLabelText('Username or email'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username/email or password.');
    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    // Signed in: rooms listed, the socket opened with the access token.
    const nav = await screen.findByRole('navigation', { name: 'Rooms' });
    await within(nav).findByRole('link', { name: /general/ });
    await waitFor(() => expect(sockets).toHaveLength(1));
    expect(last().url).toContain('/ws?access_token=a1');
    act(() => {
      last().hello('alice');
      last().synced({ general: 10, random: 8 });
    });
    expect(last().sent[0]).toEqual({ type: 'resume', rooms: {}, user: 'now' }); // the user's own events too (notifications on every device)

    // Open a room: history with author names; text stays text.
    await user.click(within(nav).getByRole('link', { name: /general/ }));
    const log = await screen.findByRole('log', { name: 'Messages in #general' });
    await within(log).findByText('hello <b>there</b>');
    expect(log.querySelector('b')).toBeNull();
    const historyCall = server.requests.find((r) => r.url.startsWith('/api/rooms/general/messages'));
    expect(historyCall?.url).toContain('minSeq=10');
    expect(historyCall?.auth).toBe('Bearer a1');
    await within(log).findAllByText('Bob');

    // Write: pending at once, sent when acked.
    await user.type(screen.getByLabelText('Message #general'), 'hi all{Enter}');
    const pending = await within(log).findByText('hi all');
    const item = pending.closest('[data-testid="message"]')!;
    expect(item).toHaveAttribute('data-status', 'pending');
    const send = last().sentOfType('send')[0];
    expect(send).toMatchObject({ roomId: 'general', text: 'hi all' });
    act(() => last().deliver({ type: 'ack', id: send.id, result: { seq: 11, duplicate: false, message: message('general', 11, 'hi all', { senderId: 'alice', clientMsgId: send.clientMsgId }) } }));
    await waitFor(() => {
      const sent = within(log).getByText('hi all').closest('[data-testid="message"]')!;
      expect(sent).toHaveAttribute('data-status', 'sent');
      expect(sent).toHaveAttribute('data-seq', '11');
    });
    expect(within(log).getAllByText('hi all')).toHaveLength(1);

    // News in another room: marked unread in the list.
    act(() => last().event('random', 12, messageEvent('random', 'psst', { senderId: 'bob' })));
    await waitFor(() => expect(within(nav).getByRole('link', { name: /random/ })).toHaveAttribute('data-unread', 'true'));
    expect(within(nav).getByRole('link', { name: /general/ })).toHaveAttribute('data-unread', 'false');

    // Drop: banner, reconnect, resume from the last positions, the missed message shows, banner says back.
    act(() => last().serverClose(1006));
    expect(await screen.findByTestId('connection-banner', {}, { timeout: 3000 })).toHaveAttribute('data-state', 'lost');
    await waitFor(() => expect(sockets).toHaveLength(2), { timeout: 3000 });
    act(() => last().hello('alice'));
    // general: the ack put our message (seq 11) on screen, but only events move the position, so the
    // backfill repeats 11 (shown once) before the one that was missed.
    expect(last().sent[0]).toEqual({ type: 'resume', rooms: { general: 10, random: 12 }, user: 'now' });
    act(() => {
      last().event('general', 11, messageEvent('general', 'hi all', { senderId: 'alice', clientMsgId: send.clientMsgId }));
      last().event('general', 13, messageEvent('general', 'while you were away', { senderId: 'bob' }));
      last().synced({ general: 13, random: 12 });
    });
    await within(log).findByText('while you were away');
    expect(screen.getByTestId('connection-banner')).toHaveAttribute('data-state', 'back');
    const seqs = within(log)
      .getAllByTestId('message')
      .map((li) => li.getAttribute('data-seq'));
    expect(seqs).toEqual(['4', '9', '11', '13']);
    // A whole session in one test (login, history, send, drop, resume): seconds of jsdom work on a busy machine.
  }, 30_000);

  it('keeps a message written offline in the outbox and sends it once the socket is synced', async () => {
    localStorage.setItem('natter.auth', JSON.stringify({ ...tokens, seq: undefined }));
    const user = userEvent.setup();
    const { last, sockets } = setup();
    const nav = await screen.findByRole('navigation', { name: 'Rooms' });
    await user.click(await within(nav).findByRole('link', { name: /general/ }));
    const log = await screen.findByRole('log', { name: 'Messages in #general' });
    await user.type(screen.getByLabelText('Message #general'), 'written offline{Enter}');
    expect((await within(log).findByText('written offline')).closest('[data-testid="message"]')).toHaveAttribute('data-status', 'pending');
    await waitFor(() => expect(sockets).toHaveLength(1));
    expect(last().sentOfType('send')).toHaveLength(0);
    act(() => {
      last().hello('alice');
      last().synced({ general: 10 });
    });
    expect(last().sentOfType('send')).toMatchObject([{ roomId: 'general', text: 'written offline' }]);
  });
});
