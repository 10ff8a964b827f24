import { Kvm } from '@nats-io/kv';
import { waitFor } from '@natter/infra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Buckets, Limits, Subjects, type AuthTokens } from '@natter/contracts';
import { startHarness, type Harness } from './harness';

/**
 * Changes to messages through command-api (HTTP and its NATS endpoints), decided on the read model that the
 * in-process projector builds (the harness runs the read side). What every reader makes of them (live, resume,
 * the read model after races) is proven end to end in scripts/test/e2e/messages.test.ts.
 */
let h: Harness;
let alice: AuthTokens;
let bob: AuthTokens;
let carol: AuthTokens;
let roomId: string;
let otherRoom: string;
beforeAll(async () => {
  h = await startHarness({ sendsPerSecond: 1000 }); // many changes in a row; rate limits are tested with sends
  [alice, bob, carol] = [await h.register('alice'), await h.register('bob'), await h.register('carol')];
  roomId = (await h.http('POST', '/api/rooms', { name: 'general', visibility: 'public' }, alice.accessToken)).body.roomId;
  otherRoom = (await h.http('POST', '/api/rooms', { name: 'other', visibility: 'public' }, alice.accessToken)).body.roomId;
  await h.http('POST', `/api/rooms/${roomId}/join`, undefined, bob.accessToken);
});
afterAll(() => h?.stop());

let n = 0;
const send = async (t: AuthTokens, text: string, extra: object = {}, room = roomId) => {
  const r = await h.http('POST', `/api/rooms/${room}/messages`, { clientMsgId: `c${++n}`, text, ...extra }, t.accessToken);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { seq: number; notInRoom?: unknown };
};
const op = () => `op${++n}`;
const path = (seq: number | string, rest = '', room = roomId) => `/api/rooms/${room}/messages/${seq}${rest}`;
const read = async (t: AuthTokens, p: string, minSeq: number) => h.query('GET', `${p}${p.includes('?') ? '&' : '?'}minSeq=${minSeq}`, undefined, t.accessToken);
const msgEvents = async () => h.events(Subjects.roomMsg(roomId));

describe('edit', () => {
  it('the author edits: the message shows the new text and "(edited)", and every version is readable', async () => {
    const sent = await send(alice, 'first version');
    const e1 = await h.http('PATCH', path(sent.seq), { clientOpId: op(), text: 'second version' }, alice.accessToken);
    expect(e1.status).toBe(200);
    expect(e1.body).toEqual({ roomId, messageSeq: sent.seq, seq: expect.any(Number), duplicate: false, notInRoom: [] });
    const e2 = await h.http('PATCH', path(sent.seq), { clientOpId: op(), text: 'third version' }, alice.accessToken);
    const m = await read(bob, path(sent.seq), e2.body.seq);
    expect(m.body.message).toMatchObject({ seq: sent.seq, text: 'third version', edited: { seq: e2.body.seq }, deleted: null, senderName: expect.stringContaining('alice') });
    const versions = await read(bob, path(sent.seq, '/history'), e2.body.seq);
    expect(versions.body.versions.map((v: { text: string }) => v.text)).toEqual(['first version', 'second version', 'third version']);
    expect(versions.body.versions.map((v: { seq: number }) => v.seq)).toEqual([sent.seq, e1.body.seq, e2.body.seq]);
  });

  it('a retry with the same clientOpId stores nothing new and answers the first result, also after the duplicate window (KV)', async () => {
    const sent = await send(alice, 'retry me');
    const body = { clientOpId: op(), text: 'edited once' };
    const first = await h.http('PATCH', path(sent.seq), body, alice.accessToken);
    const before = await h.streamCount();
    const again = await h.http('PATCH', path(sent.seq), body, alice.accessToken);
    expect(again.body).toEqual({ roomId, messageSeq: sent.seq, seq: first.body.seq, duplicate: true });
    // over NATS (as the edge forwards it) too
    const viaNats = await h.rpc('EditMessage', { userId: alice.user.id, sessionId: sid(alice) }, { roomId, messageSeq: sent.seq, ...body });
    expect(viaNats).toEqual({ ok: true, result: { roomId, messageSeq: sent.seq, seq: first.body.seq, duplicate: true } });
    // without the KV record, the stream's duplicate window still catches it
    const kv = await new Kvm(h.nc).open(Buckets.msgDedupe);
    const key = `op.${roomId}.${alice.user.id}.${body.clientOpId}`;
    await waitFor('op record', async () => (await kv.get(key))?.operation === 'PUT');
    await kv.purge(key);
    const third = await h.http('PATCH', path(sent.seq), body, alice.accessToken);
    expect(third.body).toMatchObject({ seq: first.body.seq, duplicate: true });
    expect(await h.streamCount()).toBe(before);
  });

  it('only the author, only while a member, only within the room\'s edit window', async () => {
    const sent = await send(alice, 'mine');
    const other = await h.http('PATCH', path(sent.seq), { clientOpId: op(), text: 'not yours' }, bob.accessToken);
    expect([other.status, other.body.error.code]).toEqual([403, 'forbidden']);
    const outsider = await h.http('PATCH', path(sent.seq), { clientOpId: op(), text: 'x' }, carol.accessToken);
    expect([outsider.status, outsider.body.error.code]).toEqual([403, 'not_member']);
    const bobs = await send(bob, 'bob wrote this');
    await h.http('POST', `/api/rooms/${roomId}/leave`, undefined, bob.accessToken);
    const left = await h.http('PATCH', path(bobs.seq), { clientOpId: op(), text: 'x' }, bob.accessToken);
    expect([left.status, left.body.error.code]).toEqual([403, 'not_member']);
    await h.http('POST', `/api/rooms/${roomId}/join`, undefined, bob.accessToken);

    const set = await h.http('PATCH', `/api/rooms/${roomId}/settings`, { editWindowSeconds: 1 }, alice.accessToken);
    expect(set.body).toEqual({ roomId, seq: expect.any(Number), settings: { editWindowSeconds: 1, anyoneCanPin: false } });
    const notOwner = await h.http('PATCH', `/api/rooms/${roomId}/settings`, { anyoneCanPin: true }, bob.accessToken);
    expect([notOwner.status, notOwner.body.error.code]).toEqual([403, 'forbidden']);
    const old = await send(alice, 'old news');
    await new Promise((r) => setTimeout(r, 1100)); // the window is wall-clock time by design: wait past it
    const late = await h.http('PATCH', path(old.seq), { clientOpId: op(), text: 'too late' }, alice.accessToken);
    expect([late.status, late.body.error.code]).toEqual([403, 'edit_window_closed']);
    const reset = await h.http('PATCH', `/api/rooms/${roomId}/settings`, { editWindowSeconds: null }, alice.accessToken);
    expect((await read(bob, `/api/rooms/${roomId}/settings`, reset.body.seq)).body.settings).toEqual({ editWindowSeconds: null, anyoneCanPin: false });
    expect((await h.http('PATCH', path(old.seq), { clientOpId: op(), text: 'fine again' }, alice.accessToken)).status).toBe(200);
  });
});

describe('bad input gets a clear 4xx and stores nothing', () => {
  it('unknown message, a message of another room, a deleted message, 4,001 characters, unknown emoji, too many reactions', async () => {
    const sent = await send(alice, 'target');
    const elsewhere = await send(alice, 'in the other room', {}, otherRoom);
    const gone = await send(alice, 'to be deleted');
    const del = await h.http('DELETE', path(gone.seq), undefined, alice.accessToken);
    expect(del.status).toBe(200);
    const before = await h.streamCount();
    const cases: [string, string, unknown, number, string][] = [
      ['PATCH', path(999_999), { clientOpId: op(), text: 'x' }, 404, 'message_not_found'],
      ['PATCH', path(elsewhere.seq), { clientOpId: op(), text: 'x' }, 404, 'message_not_found'],
      ['POST', path(elsewhere.seq, '/react'), { clientOpId: op(), emoji: 'tada' }, 404, 'message_not_found'],
      ['PATCH', path(gone.seq), { clientOpId: op(), text: 'x' }, 410, 'message_deleted'],
      ['POST', path(gone.seq, '/react'), { clientOpId: op(), emoji: 'tada' }, 410, 'message_deleted'],
      ['POST', path(gone.seq, '/pin'), { clientOpId: op() }, 410, 'message_deleted'],
      ['PATCH', path(sent.seq), { clientOpId: op(), text: 'x'.repeat(Limits.messageTextChars + 1) }, 400, 'validation_failed'],
      ['PATCH', path(sent.seq), { clientOpId: op(), text: '   ' }, 400, 'validation_failed'],
      ['POST', path(sent.seq, '/react'), { clientOpId: op(), emoji: 'not_an_emoji' }, 400, 'validation_failed'],
      ['POST', path(sent.seq, '/react'), { clientOpId: 'bad id!', emoji: 'tada' }, 400, 'validation_failed'],
      ['PATCH', path('abc'), { clientOpId: op(), text: 'x' }, 400, 'validation_failed'],
      ['PATCH', path(0), { clientOpId: op(), text: 'x' }, 400, 'validation_failed'],
      ['DELETE', path(sent.seq), { unexpected: true }, 400, 'validation_failed'],
      ['PATCH', `/api/rooms/${roomId}/settings`, { editWindowSeconds: 0 }, 400, 'validation_failed'],
      ['PATCH', `/api/rooms/${roomId}/settings`, {}, 400, 'validation_failed'],
      ['POST', `/api/rooms/${roomId}/messages`, { clientMsgId: op(), text: 'reply to nothing', threadRootSeq: 999_999 }, 404, 'message_not_found'],
      ['POST', `/api/rooms/${roomId}/messages`, { clientMsgId: op(), text: 'reply to the dead', threadRootSeq: gone.seq }, 410, 'message_deleted'],
      ['PATCH', path(sent.seq, '', 'no-such-room'), { clientOpId: op(), text: 'x' }, 404, 'room_not_found'],
    ];
    for (const [method, p, body, status, code] of cases) {
      const r = await h.http(method, p, body, alice.accessToken);
      expect([r.status, r.body?.error?.code], `${method} ${p} ${JSON.stringify(body).slice(0, 80)}`).toEqual([status, code]);
    }
    expect(await h.streamCount()).toBe(before);

    // too many reactions: 20 different emoji fit, the 21st does not, one already there still does
    const emoji = ['grinning', 'smiley', 'smile', 'grin', 'laughing', 'sweat_smile', 'joy', 'rofl', 'wink', 'blush', 'innocent', 'heart_eyes', 'thinking', 'smirk', 'grimacing', 'sunglasses', 'cry', 'sob', 'rage', 'skull'];
    let last = 0;
    for (const e of emoji) last = (await h.http('POST', path(sent.seq, '/react'), { clientOpId: op(), emoji: e }, alice.accessToken)).body.seq;
    await read(alice, path(sent.seq), last);
    const full = await h.http('POST', path(sent.seq, '/react'), { clientOpId: op(), emoji: 'tada' }, bob.accessToken);
    expect([full.status, full.body.error.code]).toEqual([409, 'too_many_reactions']);
    expect((await h.http('POST', path(sent.seq, '/react'), { clientOpId: op(), emoji: 'skull' }, bob.accessToken)).status).toBe(200);
  });
});

describe('delete', () => {
  it('leaves a tombstone: text, edits, reactions and pin gone from every read; a retried send answers without the text', async () => {
    const sent = await h.http('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'secret-1', text: 'my secret' }, alice.accessToken);
    const seq = sent.body.seq as number;
    await h.http('PATCH', path(seq), { clientOpId: op(), text: 'my secret, edited' }, alice.accessToken);
    await h.http('POST', path(seq, '/react'), { clientOpId: op(), emoji: 'eyes' }, bob.accessToken);
    const pin = await h.http('POST', path(seq, '/pin'), { clientOpId: op() }, alice.accessToken);
    expect((await read(bob, `/api/rooms/${roomId}/pins`, pin.body.seq)).body.items.map((m: { seq: number }) => m.seq)).toContain(seq);

    const del = await h.http('DELETE', path(seq), undefined, bob.accessToken);
    expect([del.status, del.body.error?.code]).toEqual([403, 'forbidden']);
    const ok = await h.http('DELETE', path(seq), undefined, alice.accessToken);
    expect(ok.body).toEqual({ roomId, messageSeq: seq, seq: expect.any(Number), duplicate: false });
    const again = await h.http('DELETE', path(seq), undefined, alice.accessToken);
    expect(again.body).toEqual({ ...ok.body, duplicate: true });

    const m = (await read(bob, path(seq), ok.body.seq)).body.message;
    expect(m).toMatchObject({ seq, text: '', edited: null, reactions: [], pinned: null, deleted: { seq: ok.body.seq, by: alice.user.id } });
    expect((await read(bob, path(seq, '/history'), ok.body.seq)).body.versions).toEqual([]);
    expect((await read(bob, `/api/rooms/${roomId}/pins`, ok.body.seq)).body.items.map((x: { seq: number }) => x.seq)).not.toContain(seq);
    const page = await read(bob, `/api/rooms/${roomId}/messages?limit=200`, ok.body.seq);
    expect(JSON.stringify(page.body)).not.toContain('my secret');

    const retried = await h.http('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'secret-1', text: 'my secret' }, alice.accessToken);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ seq, duplicate: true, message: { seq, text: '' } });
    // the stream keeps what it stored (the source of truth): nothing was appended by the retry
    expect((await msgEvents()).filter((e) => e.type === 'MessageDeleted' && (e.data as { messageSeq: number }).messageSeq === seq)).toHaveLength(1);
  });
});

describe('reactions and pins', () => {
  it('are sets: adding twice or removing what is not there changes nothing; grouped with who reacted', async () => {
    const sent = await send(alice, 'react to me');
    const react = (t: AuthTokens, emoji: string, add = true) => h.http('POST', path(sent.seq, add ? '/react' : '/unreact'), { clientOpId: op(), emoji }, t.accessToken);
    await react(alice, 'tada');
    await react(bob, 'tada');
    await react(bob, 'tada');
    await react(bob, 'thumbsup');
    await react(alice, 'heart', false);
    const last = (await react(bob, 'thumbsup', false)).body.seq;
    const m = (await read(alice, path(sent.seq), last)).body.message;
    expect(m.reactions).toEqual([{ emoji: 'tada', count: 2, userIds: [alice.user.id, bob.user.id] }]);
  });

  it('pin: owner/admin, or anyone when the room allows it; the pinned list', async () => {
    const sent = await send(bob, 'pin me');
    const denied = await h.http('POST', path(sent.seq, '/pin'), { clientOpId: op() }, bob.accessToken);
    expect([denied.status, denied.body.error.code]).toEqual([403, 'forbidden']);
    await h.http('PATCH', `/api/rooms/${roomId}/settings`, { anyoneCanPin: true }, alice.accessToken);
    const pinned = await h.http('POST', path(sent.seq, '/pin'), { clientOpId: op() }, bob.accessToken);
    expect(pinned.status).toBe(200);
    const list = await read(alice, `/api/rooms/${roomId}/pins`, pinned.body.seq);
    expect(list.body.items[0]).toMatchObject({ seq: sent.seq, text: 'pin me', pinned: { by: bob.user.id, seq: pinned.body.seq } });
    const unpinned = await h.http('POST', path(sent.seq, '/unpin'), { clientOpId: op() }, alice.accessToken);
    expect((await read(alice, `/api/rooms/${roomId}/pins`, unpinned.body.seq)).body.items.map((x: { seq: number }) => x.seq)).not.toContain(sent.seq);
    await h.http('PATCH', `/api/rooms/${roomId}/settings`, { anyoneCanPin: false }, alice.accessToken);
  });
});

describe('replies and mentions', () => {
  it('a reply joins the root\'s thread (a reply to a reply too); the root counts them; participants are recorded', async () => {
    const root = await send(alice, 'root of a thread');
    const r1 = await send(bob, 'first reply', { threadRootSeq: root.seq });
    const r2 = await send(alice, 'reply to the reply, also in the room', { threadRootSeq: r1.seq, alsoToRoom: true });
    const thread = await read(bob, path(root.seq, '/thread'), r2.seq);
    expect(thread.body.root).toMatchObject({ seq: root.seq, replies: { count: 2, lastSeq: r2.seq } });
    expect(thread.body.replies.map((m: { seq: number; threadRootSeq: number }) => [m.seq, m.threadRootSeq])).toEqual([[r1.seq, root.seq], [r2.seq, root.seq]]);
    const timeline = (await read(bob, `/api/rooms/${roomId}/messages?limit=200`, r2.seq)).body.messages.map((m: { seq: number }) => m.seq);
    expect(timeline).toContain(root.seq);
    expect(timeline).toContain(r2.seq);
    expect(timeline).not.toContain(r1.seq);
    const ofReply = await read(bob, path(r1.seq, '/thread'), r2.seq);
    expect([ofReply.status, ofReply.body.error.code]).toEqual([404, 'message_not_found']);
    const stored = (await msgEvents()).find((e) => e.seq === r2.seq)!;
    expect(stored.data).toMatchObject({ thread: { rootSeq: root.seq, rootSenderId: alice.user.id, alsoToRoom: true } });
  });

  it('@username, @room and @here become ids in the event; a mention of someone not in the room comes back', async () => {
    const sent = await send(alice, `hi @${bob.user.username} and @${carol.user.username}, @room @here; \`@${bob.user.username}\` in code is not one`);
    expect(sent.notInRoom).toEqual([{ userId: carol.user.id, username: carol.user.username }]);
    const stored = (await msgEvents()).find((e) => e.seq === sent.seq)!;
    expect(stored.data).toMatchObject({ mentions: { userIds: [bob.user.id], room: true, here: true } });
    const edit = await h.http('PATCH', path(sent.seq), { clientOpId: op(), text: `just @${carol.user.username}` }, alice.accessToken);
    expect(edit.body.notInRoom).toEqual([{ userId: carol.user.id, username: carol.user.username }]);
    const m = (await read(bob, path(sent.seq), edit.body.seq)).body.message;
    expect(m.mentions).toEqual({ userIds: [], room: false, here: false });
  });
});

function sid(t: AuthTokens): string {
  return JSON.parse(Buffer.from(t.accessToken.split('.')[1], 'base64url').toString()).sid;
}
