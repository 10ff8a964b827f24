import { CloseCode } from '@natter/contracts/browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Outbox } from './outbox';
import { harness, memberEvent, message, messageEvent, settle } from './testing';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Start, answer hello, and sync with the given rooms. */
async function online(h: ReturnType<typeof harness>, synced: Record<string, number> = {}) {
  if (h.client.status === 'idle') h.client.start();
  await settle();
  h.last().hello();
  h.last().synced(synced);
}

describe('connect and resume', () => {
  it('sends nothing before hello, then resume with every tracked position', async () => {
    const h = harness();
    h.timelines.mergePage('r1', [message('r1', 5, 'a')], { direction: 'newest', hasMore: false, asOfSeq: 7 });
    h.timelines.applyEvent('r2', 12, messageEvent('r2', 'x'));
    h.client.start();
    await settle();
    expect(h.last().url).toBe('ws://test/ws?access_token=t1');
    expect(h.last().sent).toEqual([]);
    h.last().hello();
    expect(h.last().sent).toEqual([{ type: 'resume', rooms: { r1: 7, r2: 12 } }]);
    expect(h.client.status).toBe('syncing');
    h.last().synced({ r1: 9, r2: 12, r3: 20 });
    expect(h.client.status).toBe('online');
    expect(h.timelines.positions()).toEqual({ r1: 9, r2: 12, r3: 20 });
  });

  it('sends resume {} when nothing is tracked', async () => {
    const h = harness();
    h.client.start();
    await settle();
    h.last().hello();
    expect(h.last().sent).toEqual([{ type: 'resume', rooms: {} }]);
  });

  it('stops tracking rooms the server no longer lists in synced (left while away)', async () => {
    const h = harness();
    h.timelines.applyEvent('gone', 3, messageEvent('gone', 'old'));
    await online(h, { kept: 4 });
    expect(h.timelines.positions()).toEqual({ kept: 4 });
  });

  it('resumes after a drop from the last applied sequence of each room', async () => {
    const h = harness();
    await online(h, { r1: 10 });
    h.last().event('r1', 11, messageEvent('r1', 'one'));
    h.last().event('r1', 14, messageEvent('r1', 'two'));
    h.last().serverClose(CloseCode.SlowConsumer);
    expect(h.client.status).toBe('offline');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(h.sockets).toHaveLength(2);
    h.last().hello();
    expect(h.last().sent[0]).toEqual({ type: 'resume', rooms: { r1: 14 } });
    // Backfill: the missed events, then synced.
    h.last().event('r1', 15, messageEvent('r1', 'missed 1'));
    h.last().event('r1', 18, messageEvent('r1', 'missed 2'));
    h.last().synced({ r1: 18 });
    expect(h.timelines.get('r1').items.map((i) => i.seq)).toEqual([11, 14, 15, 18]);
  });
});

describe('events', () => {
  it('drops duplicates and anything at or below the position', async () => {
    const h = harness();
    const seen: number[] = [];
    h.client.onEvent((_room, seq) => seen.push(seq));
    await online(h, { r1: 10 });
    h.last().event('r1', 10, messageEvent('r1', 'already had'));
    h.last().event('r1', 11, messageEvent('r1', 'new'));
    h.last().event('r1', 11, messageEvent('r1', 'dup'));
    h.last().event('r1', 9, messageEvent('r1', 'old'));
    h.last().event('r1', 12, messageEvent('r1', 'newer'));
    expect(seen).toEqual([11, 12]);
    const items = h.timelines.get('r1').items;
    expect(items.map((i) => i.seq)).toEqual([11, 12]);
    expect(items.map((i) => (i.kind === 'message' ? i.text : ''))).toEqual(['new', 'newer']);
  });

  it('keeps the timeline in sequence order when history pages and live events interleave', async () => {
    const h = harness();
    await online(h, { r1: 20 });
    h.last().event('r1', 23, messageEvent('r1', 'live 23'));
    h.timelines.mergePage('r1', [message('r1', 18, 'h18'), message('r1', 20, 'h20')], { direction: 'newest', hasMore: true, asOfSeq: 23 });
    h.timelines.mergePage('r1', [message('r1', 15, 'h15'), message('r1', 17, 'h17')], { direction: 'older', hasMore: false, asOfSeq: 23 });
    h.last().event('r1', 25, messageEvent('r1', 'live 25'));
    const t = h.timelines.get('r1');
    expect(t.items.map((i) => i.seq)).toEqual([15, 17, 18, 20, 23, 25]);
    expect(t.hasOlder).toBe(false);
    expect(t.position).toBe(25);
  });

  it('shows joins and leaves, and stops tracking a room the user left', async () => {
    const h = harness();
    await online(h, { r1: 1 });
    h.last().event('r1', 2, memberEvent('r1', 'bob', 'MemberJoined'));
    h.last().event('r1', 3, memberEvent('r1', 'me', 'MemberLeft'));
    expect(h.timelines.get('r1').items.map((i) => (i.kind === 'member' ? `${i.userId} ${i.change}` : ''))).toEqual(['bob joined', 'me left']);
    expect(h.timelines.positions()).toEqual({});
  });

  it('ignores malformed frames', async () => {
    const h = harness();
    await online(h, {});
    h.last().onmessage?.({ data: 'not json' });
    h.last().onmessage?.({ data: JSON.stringify({ type: 'event', room: 'r1' }) });
    expect(h.timelines.positions()).toEqual({});
    expect(h.client.status).toBe('online');
  });
});

describe('outbox', () => {
  it('keeps messages written offline as pending and sends them in order, one in flight per room', async () => {
    const h = harness();
    const a = h.client.send('r1', 'first');
    const b = h.client.send('r1', 'second');
    const c = h.client.send('r2', 'other room');
    expect(h.outbox.all().map((e) => e.status)).toEqual(['pending', 'pending', 'pending']);
    await online(h, { r1: 1, r2: 1 });
    let sends = h.last().sentOfType('send');
    expect(sends.map((s) => [s.roomId, s.clientMsgId, s.text])).toEqual([
      ['r1', a, 'first'],
      ['r2', c, 'other room'],
    ]);
    h.last().deliver({ type: 'ack', id: sends[0].id, result: { seq: 2, duplicate: false, message: message('r1', 2, 'first', { senderId: 'me', clientMsgId: a }) } });
    sends = h.last().sentOfType('send');
    expect(sends).toHaveLength(3);
    expect(sends[2]).toMatchObject({ roomId: 'r1', clientMsgId: b, text: 'second' });
    expect(h.outbox.get(a)).toBeUndefined();
    expect(h.timelines.get('r1').items.map((i) => i.seq)).toEqual([2]);
    // The live event of the acked message does not show it twice.
    h.last().event('r1', 2, messageEvent('r1', 'first', { senderId: 'me', clientMsgId: a }));
    expect(h.timelines.get('r1').items).toHaveLength(1);
  });

  it('resends an unacknowledged message after a reconnect with the same clientMsgId, never a new one', async () => {
    const h = harness();
    await online(h, { r1: 1 });
    const id = h.client.send('r1', 'hello');
    expect(h.last().sentOfType('send')).toHaveLength(1);
    h.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(30_000);
    h.last().hello();
    expect(h.last().sentOfType('send')).toHaveLength(0); // not before synced
    h.last().synced({ r1: 1 });
    h.last().serverClose(CloseCode.ServerError);
    await vi.advanceTimersByTimeAsync(30_000);
    h.last().hello();
    h.last().synced({ r1: 1 });
    const all = h.sockets.flatMap((s) => s.sentOfType('send'));
    expect(all).toHaveLength(3);
    expect(new Set(all.map((s) => s.clientMsgId))).toEqual(new Set([id]));
    expect(new Set(all.map((s) => s.id)).size).toBe(3);
  });

  it('settles a message from its own event when the ack was lost, and does not send it again', async () => {
    const h = harness();
    await online(h, { r1: 1 });
    const id = h.client.send('r1', 'committed');
    h.last().serverClose(1006); // the ack never arrives
    await vi.advanceTimersByTimeAsync(30_000);
    h.last().hello();
    h.last().event('r1', 2, messageEvent('r1', 'committed', { senderId: 'me', clientMsgId: id }));
    h.last().synced({ r1: 2 });
    expect(h.outbox.all()).toEqual([]);
    expect(h.last().sentOfType('send')).toHaveLength(0);
  });

  it('marks a rejected message failed, goes on with the next, and retries it with the same clientMsgId', async () => {
    const h = harness();
    await online(h, { r1: 1 });
    const a = h.client.send('r1', 'rejected');
    const b = h.client.send('r1', 'next');
    const [first] = h.last().sentOfType('send');
    h.last().deliver({ type: 'error', id: first.id, code: 'not_member', message: 'You are not a member of this room.' });
    expect(h.outbox.get(a)).toMatchObject({ status: 'failed', error: { code: 'not_member' } });
    expect(h.last().sentOfType('send')[1]).toMatchObject({ clientMsgId: b });
    h.last().deliver({ type: 'ack', id: h.last().sentOfType('send')[1].id, result: { seq: 3, duplicate: false, message: message('r1', 3, 'next', { clientMsgId: b, senderId: 'me' }) } });
    h.client.retry(a);
    expect(h.outbox.get(a)?.status).toBe('pending');
    const again = h.last().sentOfType('send')[2];
    expect(again).toMatchObject({ clientMsgId: a, text: 'rejected' });
    expect(again.id).not.toBe(first.id);
    h.last().deliver({ type: 'ack', id: again.id, result: { seq: 4, duplicate: true, message: message('r1', 4, 'rejected', { clientMsgId: a, senderId: 'me' }) } });
    expect(h.outbox.all()).toEqual([]);
  });

  it('retries transient errors by itself, holding the room, then fails after the attempts run out', async () => {
    const h = harness({ maxSendAttempts: 2 });
    await online(h, { r1: 1 });
    const a = h.client.send('r1', 'busy');
    h.client.send('r1', 'waits');
    let sends = h.last().sentOfType('send');
    h.last().deliver({ type: 'error', id: sends[0].id, code: 'unavailable', message: 'try again' });
    expect(h.outbox.get(a)?.status).toBe('pending');
    expect(h.last().sentOfType('send')).toHaveLength(1); // the next one waits its turn
    await vi.advanceTimersByTimeAsync(10_000);
    sends = h.last().sentOfType('send');
    expect(sends).toHaveLength(2);
    expect(sends[1].clientMsgId).toBe(a);
    h.last().deliver({ type: 'error', id: sends[1].id, code: 'unavailable', message: 'try again' });
    expect(h.outbox.get(a)?.status).toBe('failed');
    expect(h.last().sentOfType('send')[2].text).toBe('waits');
  });

  it('fails a message whose frame would exceed the WebSocket frame limit instead of looping on 1009', async () => {
    const h = harness();
    await online(h, { r1: 1 });
    const big = h.client.send('r1', '\u0001'.repeat(3000)); // 3000 chars, 18 000 bytes once JSON-escaped
    const ok = h.client.send('r1', 'small');
    expect(h.outbox.get(big)).toMatchObject({ status: 'failed', error: { code: 'body_too_large' } });
    expect(h.last().sentOfType('send').map((f) => f.clientMsgId)).toEqual([ok]);
  });

  it('marks a message failed when no ack comes in time', async () => {
    const h = harness({ ackTimeoutMs: 5000, heartbeatMs: 60_000 });
    await online(h, { r1: 1 });
    const a = h.client.send('r1', 'lost');
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.outbox.get(a)).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
  });

  it('survives a reload: a new outbox over the same store sends the same messages in the same order', async () => {
    const h = harness();
    const a = h.client.send('r1', 'one');
    const b = h.client.send('r1', 'two');
    await settle();
    const reloaded = new Outbox(h.outboxStore, () => 'never-used');
    await reloaded.load();
    expect(reloaded.all().map((e) => [e.clientMsgId, e.text])).toEqual([
      [a, 'one'],
      [b, 'two'],
    ]);
  });
});

describe('errors without a request id', () => {
  it('starts over on a new connection when the edge cannot resume (error while syncing)', async () => {
    const h = harness({ backoff: { baseMs: 1000, maxMs: 1000 } });
    h.client.start();
    await settle();
    h.last().hello();
    h.last().deliver({ type: 'error', code: 'unavailable', message: 'could not load your rooms; send resume again' });
    expect(h.client.status).toBe('offline');
    expect(h.sockets[0].closedByClient).not.toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.sockets).toHaveLength(2);
    h.last().hello();
    expect(h.last().sent).toEqual([{ type: 'resume', rooms: {} }]);
  });

  it('an unnamed error once online (a dropped ping or typing signal) changes nothing', async () => {
    const h = harness();
    await online(h, { r1: 1 });
    const a = h.client.send('r1', 'one');
    h.last().deliver({ type: 'error', code: 'rate_limited', message: 'Too many requests; slow down.' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.client.status).toBe('online');
    expect(h.last().sentOfType('send').map((f) => f.clientMsgId)).toEqual([a]);
    expect(h.outbox.get(a)?.status).toBe('pending');
  });
});

describe('rate limiting', () => {
  it('a send refused as rate_limited (the error carries its id) goes again after a backoff, same clientMsgId', async () => {
    const h = harness();
    await online(h, { r1: 1 });
    const a = h.client.send('r1', 'one');
    const [first] = h.last().sentOfType('send');
    h.last().deliver({ type: 'error', id: first.id, code: 'rate_limited', message: 'Too many requests; slow down.' });
    expect(h.outbox.get(a)?.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(10_000);
    const sends = h.last().sentOfType('send');
    expect(sends.map((f) => f.clientMsgId)).toEqual([a, a]);
    expect(sends[1].id).not.toBe(first.id);
    h.last().deliver({ type: 'ack', id: sends[1].id, result: { seq: 2, duplicate: false, message: message('r1', 2, 'one', { clientMsgId: a, senderId: 'me' }) } });
    expect(h.outbox.all()).toEqual([]);
    expect(h.timelines.get('r1').items.map((i) => i.seq)).toEqual([2]);
  });
});

describe('load shedding', () => {
  it('a send refused as overloaded waits at least the hinted retryAfterMs, then goes again with the same clientMsgId', async () => {
    const h = harness();
    await online(h, { r1: 1 });
    const a = h.client.send('r1', 'one');
    const [first] = h.last().sentOfType('send');
    h.last().deliver({ type: 'error', id: first.id, code: 'overloaded', message: 'at capacity', retryAfterMs: 20_000 });
    expect(h.outbox.get(a)?.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(19_000); // past any plain backoff of a first attempt (at most 2 s)
    expect(h.last().sentOfType('send')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    const sends = h.last().sentOfType('send');
    expect(sends.map((f) => f.clientMsgId)).toEqual([a, a]);
  });
});

describe('close codes and auth', () => {
  it('backs off with growing delays on 40xx and network closes, and resets once synced', async () => {
    const h = harness({ backoff: { baseMs: 1000, maxMs: 8000 } });
    await online(h, {});
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      h.last().serverClose(i === 0 ? CloseCode.ServerError : 1006);
      const before = h.sockets.length;
      let waited = 0;
      while (h.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      delays.push(waited);
    }
    // random()=0.5: 3/4 of 1s, 2s, 4s, 8s
    expect(delays).toEqual([800, 1500, 3000, 6000]);
    h.last().hello();
    h.last().synced({});
    h.last().serverClose(1006);
    const n = h.sockets.length;
    await vi.advanceTimersByTimeAsync(800);
    expect(h.sockets.length).toBe(n + 1);
  });

  it('reconnects at once when the server drains (reconnect frame, then 4000)', async () => {
    const h = harness();
    await online(h, {});
    h.last().deliver({ type: 'reconnect', reason: 'shutdown' });
    h.last().serverClose(CloseCode.Reconnect);
    await vi.advanceTimersByTimeAsync(0);
    await settle();
    expect(h.sockets).toHaveLength(2);
  });

  it('refreshes the token on 4101 and reconnects with the new one, then resumes', async () => {
    const h = harness();
    await online(h, { r1: 5 });
    h.last().serverClose(CloseCode.TokenExpired);
    await settle();
    expect(h.sockets).toHaveLength(2);
    expect(h.last().url).toBe('ws://test/ws?access_token=t2');
    h.last().hello();
    expect(h.last().sent[0]).toEqual({ type: 'resume', rooms: { r1: 5 } });
  });

  it('ends the session when the refresh fails', async () => {
    const h = harness();
    h.auth.refreshAccessToken = async () => null;
    await online(h, {});
    h.last().serverClose(CloseCode.TokenExpired);
    await settle();
    expect(h.ended).toEqual(['unauthenticated']);
    expect(h.client.status).toBe('stopped');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.sockets).toHaveLength(1);
  });

  it.each([
    [CloseCode.SessionRevoked, 'revoked'],
    [CloseCode.UserDeactivated, 'deactivated'],
  ])('does not reconnect after close %i', async (code, reason) => {
    const h = harness();
    await online(h, {});
    h.last().serverClose(code);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.ended).toEqual([reason]);
    expect(h.sockets).toHaveLength(1);
  });

  it('gives up on a silent socket after the heartbeat and reconnects', async () => {
    const h = harness({ heartbeatMs: 10_000 });
    await online(h, { r1: 3 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.sockets[0].sentOfType('ping')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.sockets[0].closedByClient?.code).toBe(4900);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(h.sockets).toHaveLength(2);
  });

  it('keeps a socket that answers pings', async () => {
    const h = harness({ heartbeatMs: 10_000 });
    await online(h, {});
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(10_000);
      h.last().deliver({ type: 'pong' });
    }
    expect(h.sockets).toHaveLength(1);
  });

  it('reconnectNow skips the backoff wait', async () => {
    const h = harness({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
    await online(h, {});
    h.last().serverClose(1006);
    h.client.reconnectNow();
    await settle();
    expect(h.sockets).toHaveLength(2);
  });

  it('networkLost drops the socket at once, keeps new messages pending, and sends them after reconnectNow', async () => {
    const h = harness({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
    await online(h, { r1: 1 });
    const first = h.last();
    h.client.networkLost();
    expect(first.closedByClient).toMatchObject({ code: 1000 });
    expect(h.client.status).toBe('offline');
    const id = h.client.send('r1', 'written offline');
    expect(first.sentOfType('send')).toHaveLength(0);
    expect(h.outbox.get(id)?.status).toBe('pending');
    h.client.reconnectNow();
    await settle();
    expect(h.sockets).toHaveLength(2);
    h.last().hello();
    h.last().synced({ r1: 1 });
    expect(h.last().sentOfType('send').map((f) => [f.clientMsgId, f.text])).toEqual([[id, 'written offline']]);
  });

  it('stop closes the socket and never reconnects', async () => {
    const h = harness();
    await online(h, {});
    h.client.stop();
    expect(h.sockets[0].closedByClient?.code).toBe(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.sockets).toHaveLength(1);
  });
});

describe('replies', () => {
  it('send a reply frame; a thread-only reply stays out of the timeline; the ack reports people not in the room', async () => {
    const h = harness();
    await online(h, { r: 10 });
    const results: unknown[] = [];
    h.client.onSendResult((room, r) => results.push([room, r.notInRoom]));
    h.client.send('r', 'in the thread', { threadRootSeq: 7, alsoToRoom: false });
    const frame = h.last().sentOfType('send')[0];
    expect(frame).toMatchObject({ roomId: 'r', text: 'in the thread', threadRootSeq: 7, alsoToRoom: false });
    h.last().deliver({ type: 'ack', id: frame.id, result: { seq: 11, duplicate: false, message: message('r', 11, 'in the thread', { senderId: 'me', clientMsgId: frame.clientMsgId }), notInRoom: [{ userId: 'c', username: 'carol' }] } });
    expect(h.timelines.get('r').items).toEqual([]);
    expect(results).toEqual([['r', [{ userId: 'c', username: 'carol' }]]]);
    h.client.send('r', 'also to the room', { threadRootSeq: 7, alsoToRoom: true });
    const second = h.last().sentOfType('send')[1];
    h.last().deliver({ type: 'ack', id: second.id, result: { seq: 12, duplicate: false, message: message('r', 12, 'also to the room', { senderId: 'me', clientMsgId: second.clientMsgId }) } });
    expect(h.timelines.get('r').items).toMatchObject([{ seq: 12, threadRootSeq: 7, inRoom: true }]);
  });
});

describe('send results', () => {
  it('still reports the ack when the message\'s own event settled it first', async () => {
    const h = harness();
    await online(h, { r: 10 });
    const results: unknown[] = [];
    h.client.onSendResult((room, r) => results.push([room, r.seq, r.notInRoom]));
    h.client.send('r', '@carol hi');
    const frame = h.last().sentOfType('send')[0];
    h.last().event('r', 11, messageEvent('r', '@carol hi', { senderId: 'me', clientMsgId: frame.clientMsgId }));
    h.last().deliver({ type: 'ack', id: frame.id, result: { seq: 11, duplicate: false, message: message('r', 11, '@carol hi', { senderId: 'me', clientMsgId: frame.clientMsgId }), notInRoom: [{ userId: 'c', username: 'carol' }] } });
    expect(results).toEqual([['r', 11, [{ userId: 'c', username: 'carol' }]]]);
    expect(h.timelines.get('r').items.map((i) => i.seq)).toEqual([11]);
  });
});
