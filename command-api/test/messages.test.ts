import { waitFor } from '@natter/infra/testing';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buckets, Subjects, type AuthTokens } from '@natter/contracts';
import { startHarness, type Harness } from './harness';

let h: Harness;
let alice: AuthTokens;
let mallory: AuthTokens;
let roomId: string;
beforeAll(async () => {
  h = await startHarness();
  alice = await h.register('alice');
  mallory = await h.register('mallory');
  const r = await h.http('POST', '/api/rooms', { name: 'general', visibility: 'public' }, alice.accessToken);
  roomId = r.body.roomId;
});
afterAll(() => h?.stop());

const send = (t: AuthTokens, body: unknown, room = roomId) => h.http('POST', `/api/rooms/${room}/messages`, body, t.accessToken);
const sid = (t: AuthTokens) => JSON.parse(Buffer.from(t.accessToken.split('.')[1], 'base64url').toString()).sid as string;
const sentOn = async (room = roomId) => (await h.events(Subjects.roomMsg(room))).filter((e) => e.type === 'MessageSent');

describe('send message', () => {
  it('a member sends: 201 with the stored message and its seq; one MessageSent on ev.room.<id>.msg', async () => {
    const r = await send(alice, { clientMsgId: 'm-1', text: 'hello <b>world</b>' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      seq: expect.any(Number),
      duplicate: false,
      message: { id: expect.any(String), roomId, seq: r.body.seq, senderId: alice.user.id, clientMsgId: 'm-1', text: 'hello <b>world</b>', sentAt: expect.any(String) },
    });
    const stored = await sentOn();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ seq: r.body.seq, subject: `ev.room.${roomId}.msg`, actor: alice.user.id, data: { messageId: r.body.message.id, text: 'hello <b>world</b>' } });
    expect(stored[0].headers['Natter-Event-Type']).toBe('MessageSent');
    expect(stored[0].headers['Nats-Msg-Id']).toBe(`msg:${roomId}:${alice.user.id}:m-1`);
  });

  it('sending twice with the same clientMsgId returns the same seq and message (200, duplicate) and stores one', async () => {
    const first = await send(alice, { clientMsgId: 'm-2', text: 'once' });
    const before = await h.streamCount();
    const retry = await send(alice, { clientMsgId: 'm-2', text: 'once' });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...first.body, duplicate: true });
    expect(await h.streamCount()).toBe(before);
    expect((await sentOn()).filter((e) => (e.data as { clientMsgId: string }).clientMsgId === 'm-2')).toHaveLength(1);
  });

  it('without the KV record (crash before it was written) the stream duplicate window still catches the retry', async () => {
    const first = await send(alice, { clientMsgId: 'm-3', text: 'crashy' });
    const kv = await new Kvm(h.nc).open(Buckets.msgDedupe);
    const key = `${roomId}.${alice.user.id}.m-3`;
    // the record is written after the reply: wait for it, or the purge could land first and prove nothing
    await waitFor('dedupe record', async () => (await kv.get(key))?.operation === 'PUT');
    await kv.purge(key);
    const before = await h.streamCount();
    const retry = await send(alice, { clientMsgId: 'm-3', text: 'crashy' });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...first.body, duplicate: true });
    expect(await h.streamCount()).toBe(before);
  });

  it('concurrent sends of the same clientMsgId store one message and all answer its seq', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => send(alice, { clientMsgId: 'm-race', text: 'race' })));
    const seqs = new Set(results.map((r) => r.body.seq));
    expect(seqs.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect((await sentOn()).filter((e) => (e.data as { clientMsgId: string }).clientMsgId === 'm-race')).toHaveLength(1);
  });

  it('a non-member gets 403 not_member and nothing is appended; after joining the send works', async () => {
    const before = await h.streamCount();
    const r = await send(mallory, { clientMsgId: 'x-1', text: 'let me in' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('not_member');
    expect(await h.streamCount()).toBe(before);
    await h.http('POST', `/api/rooms/${roomId}/join`, undefined, mallory.accessToken);
    expect((await send(mallory, { clientMsgId: 'x-1', text: 'let me in' })).status).toBe(201);
    // Leaving takes effect at once: the next send is refused (membership read fresh from the stream).
    await h.http('POST', `/api/rooms/${roomId}/leave`, undefined, mallory.accessToken);
    expect((await send(mallory, { clientMsgId: 'x-2', text: 'still here?' })).body.error.code).toBe('not_member');
  });

  it('unknown room is 404 room_not_found', async () => {
    expect((await send(alice, { clientMsgId: 'n-1', text: 'hi' }, 'no-such-room')).body.error.code).toBe('room_not_found');
  });

  it('bad input is 400 validation_failed / bad_json, oversized is 413, and nothing is appended', async () => {
    const before = await h.streamCount();
    for (const body of [{ clientMsgId: 'ok', text: '' }, { clientMsgId: 'ok', text: '   ' }, { clientMsgId: 'bad id', text: 'x' }, { clientMsgId: 'ok', text: 'x'.repeat(4001) }, { clientMsgId: 'ok', text: 'x', extra: true }, {}]) {
      const r = await send(alice, body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const badJson = await send(alice, '{"clientMsgId":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('bad_json');
    const huge = await send(alice, { clientMsgId: 'big', text: 'x'.repeat(65 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ error: { code: 'body_too_large', message: expect.any(String) } });
    expect(await h.streamCount()).toBe(before);
  });

  it('sends are rate limited per user (burst 20): the excess is 429 rate_limited and not stored', async () => {
    const bob = await h.register('bobsender');
    await h.http('POST', `/api/rooms/${roomId}/join`, undefined, bob.accessToken);
    const before = await h.streamCount();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => send(bob, { clientMsgId: `flood-${i}`, text: 'flood' })));
    const ok = results.filter((r) => r.status === 201).length;
    const limited = results.filter((r) => r.status === 429 && r.body.error.code === 'rate_limited').length;
    expect(ok + limited).toBe(30);
    expect(limited).toBeGreaterThan(0);
    expect(await h.streamCount()).toBe(before + ok);
  });
});

describe('send message over NATS', () => {
  it('SendMessage replies with the same SendMessageResult as HTTP, and a retry over HTTP is its duplicate', async () => {
    const viaNats = await h.rpc('SendMessage', { userId: alice.user.id, sessionId: sid(alice) }, { roomId, clientMsgId: 'nats-1', text: 'from the edge' });
    expect(viaNats).toMatchObject({ ok: true, result: { duplicate: false, message: { clientMsgId: 'nats-1', text: 'from the edge', senderId: alice.user.id } } });
    const result = (viaNats as { result: { seq: number } }).result;
    const viaHttp = await send(alice, { clientMsgId: 'nats-1', text: 'from the edge' });
    expect(viaHttp.body).toEqual({ ...result, duplicate: true });
    const again = await h.rpc('SendMessage', { userId: alice.user.id, sessionId: sid(alice) }, { roomId, clientMsgId: 'nats-1', text: 'from the edge' });
    expect(again).toEqual({ ok: true, result: { ...result, duplicate: true } });
  });

  it('a non-member over NATS gets not_member; malformed requests get bad_json / validation_failed', async () => {
    const before = await h.streamCount();
    expect(await h.rpc('SendMessage', { userId: mallory.user.id, sessionId: sid(mallory) }, { roomId, clientMsgId: 'n', text: 'x' })).toMatchObject({ ok: false, error: { code: 'not_member' } });
    const raw = await h.nc.request('natter.cmd.SendMessage', 'not json', { timeout: 5000 });
    expect(raw.json()).toMatchObject({ ok: false, error: { code: 'bad_json' } });
    expect(await h.rpc('SendMessage', { userId: alice.user.id, sessionId: sid(alice) }, { roomId, text: 'no id' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await h.streamCount()).toBe(before);
  });
});
