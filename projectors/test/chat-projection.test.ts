import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subjects } from '@natter/contracts';
import { activeReadModelSchema } from '@natter/infra/runtime';
import { READ_MODEL_VERSION } from '@natter/infra/provision';
import { waitFor } from '@natter/infra/testing';
import { startProjectors } from '../src/app';
import { applyBatch, chatProjection, type RawEvent } from '../src/index';
import { append, appendAll, checkpointOf, count, dump, ev, silent, startEnv, waitCheckpoint, type Env, type Ev } from './fixtures';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

// seq:                     1..3 users, 4..20 rooms, membership, messages (see expectations below)
const scenario: Ev[] = [
  ev.register('u1', 'Alice'), // 1
  ev.register('u2', 'Bob'), // 2
  ev.register('u3', 'Carol'), // 3
  ev.room('r1', 'general', 'u1'), // 4
  ev.join('r1', 'u1', 'owner'), // 5
  ev.room('r2', 'secret', 'u2', 'private'), // 6
  ev.join('r2', 'u2', 'owner'), // 7
  ev.join('r1', 'u2'), // 8
  ev.msg('r1', 'u1', 1), // 9
  ev.msg('r1', 'u2', 2), // 10
  ev.join('r2', 'u3'), // 11
  ev.join('r1', 'u3'), // 12
  ev.profile('u2', 'Bobby'), // 13
  ev.msg('r2', 'u3', 3), // 14
  ev.leave('r1', 'u2'), // 15
  ev.revoke('u1'), // 16
  ev.msg('r1', 'u3', 4), // 17
  ev.deactivate('u3'), // 18
  ev.join('r1', 'u2', 'admin'), // 19: rejoin
  ev.leave('r2', 'u3'), // 20
];
const at = new Date('2026-01-02T03:04:05.000Z');

describe('chat projection', () => {
  it('projects a realistic sequence into exactly the expected rows, and serves ops endpoints', async () => {
    const seqs = await appendAll(env.js, scenario);
    expect(seqs).toEqual(scenario.map((_, i) => i + 1));
    const app = await startProjectors(env.config, silent);
    try {
      await waitCheckpoint(env.db, 20);
      const d = await dump(env.db);
      expect(d.checkpoint).toEqual([{ projection: 'chat', last_seq: 20 }]);
      expect(d.users).toEqual([
        { id: 'u1', username: 'Alice', username_lower: 'alice', display_name: 'Alice', email: 'alice@example.org', deactivated: false, registered_seq: 1, updated_seq: 1, bio: '', status_text: '', server_admin: false, registered_at: at, email_verified: false, avatar: '' },
        { id: 'u2', username: 'Bob', username_lower: 'bob', display_name: 'Bobby', email: 'bob@example.org', deactivated: false, registered_seq: 2, updated_seq: 13, bio: '', status_text: '', server_admin: false, registered_at: at, email_verified: false, avatar: '' },
        { id: 'u3', username: 'Carol', username_lower: 'carol', display_name: 'Carol', email: 'carol@example.org', deactivated: true, registered_seq: 3, updated_seq: 18, bio: '', status_text: '', server_admin: false, registered_at: at, email_verified: false, avatar: '' },
      ]);
      expect(d.rooms).toEqual([
        { id: 'r1', name: 'general', topic: 'general topic', visibility: 'public', created_by: 'u1', created_at: at, created_seq: 4, member_count: 3, last_seq: 19, kind: 'room', archived: false, deleted: false, msg_ord: 3, deleted_msgs: 0, room_mentions: 0 },
        { id: 'r2', name: 'secret', topic: 'secret topic', visibility: 'private', created_by: 'u2', created_at: at, created_seq: 6, member_count: 1, last_seq: 20, kind: 'room', archived: false, deleted: false, msg_ord: 1, deleted_msgs: 0, room_mentions: 0 },
      ]);
      expect(d.room_members).toEqual([
        // issue 12: what is at each member's room marker (their own send, or their join, the later one), and the first unread after it
        { room_id: 'r1', user_id: 'u1', role: 'owner', joined_seq: 5, read_seq: 9, read_ord: 1, read_deleted: 0, read_mentions: 0, mentions_total: 0, first_unread_seq: 10 },
        { room_id: 'r1', user_id: 'u2', role: 'admin', joined_seq: 19, read_seq: 19, read_ord: 3, read_deleted: 0, read_mentions: 0, mentions_total: 0, first_unread_seq: null },
        { room_id: 'r1', user_id: 'u3', role: 'member', joined_seq: 12, read_seq: 17, read_ord: 3, read_deleted: 0, read_mentions: 0, mentions_total: 0, first_unread_seq: null },
        { room_id: 'r2', user_id: 'u2', role: 'owner', joined_seq: 7, read_seq: 7, read_ord: 0, read_deleted: 0, read_mentions: 0, mentions_total: 0, first_unread_seq: 14 },
      ]);
      // messages nothing happened to (no thread, mentions, edit, delete or replies: issue 10's columns at rest)
      const untouched = {
        in_room: true, thread_root_seq: null, mentions: { userIds: [], room: false, here: false }, edited_text: null, edited_seq: null, edited_at: null,
        deleted: false, deleted_seq: null, deleted_by: null, deleted_at: null, reply_count: 0, last_reply_seq: null, last_reply_at: null,
        attachments: [], // issue 13
      };
      expect(d.messages).toEqual([
        { room_id: 'r1', seq: 9, id: 'm-r1-1', sender_id: 'u1', client_msg_id: 'c1', text: 'hello 1', sent_at: at, ...untouched, ord: 1 },
        { room_id: 'r1', seq: 10, id: 'm-r1-2', sender_id: 'u2', client_msg_id: 'c2', text: 'hello 2', sent_at: at, ...untouched, ord: 2 },
        { room_id: 'r1', seq: 17, id: 'm-r1-4', sender_id: 'u3', client_msg_id: 'c4', text: 'hello 4', sent_at: at, ...untouched, ord: 3 },
        { room_id: 'r2', seq: 14, id: 'm-r2-3', sender_id: 'u3', client_msg_id: 'c3', text: 'hello 3', sent_at: at, ...untouched, ord: 1 },
      ]);

      const base = `http://127.0.0.1:${app.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ok: true, nats: true, postgres: true, role: 'active', schema: `rm_v${READ_MODEL_VERSION}_0`, appliedSeq: 20 });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('natter_projection_applied_seq{projection="chat"} 20');
      expect(metrics).toContain('natter_projection_lag{projection="chat"} 0');
      expect(metrics).toContain('natter_projection_active{projection="chat"} 1');
      expect(metrics).toMatch(/natter_projection_batch_size_count\{projection="chat"\} [1-9]/);
    } finally {
      await app.close();
    }
  });

  it('skips a corrupt (non-JSON) message, logging its seq, and keeps projecting', async () => {
    const app = await startProjectors(env.config, silent);
    try {
      const bad = (await env.js.publish(Subjects.roomMsg('r1'), 'not json {')).seq;
      const good = await append(env.js, ...ev.msg('r1', 'u1', 5));
      await waitCheckpoint(env.db, good);
      expect(bad).toBe(good - 1);
      const d = await dump(env.db);
      expect(d.messages.filter((m) => m.room_id === 'r1').map((m) => m.seq)).toEqual([9, 10, 17, good]);
      expect(d.rooms.find((r) => r.id === 'r1')?.last_seq).toBe(good);
      expect(await (await fetch(`http://127.0.0.1:${app.port}/metrics`)).text()).toContain('natter_projection_undecodable_total{projection="chat"} 1');
    } finally {
      await app.close();
    }
  });

  it('applies a redelivered batch only once (checkpoint in the same transaction)', async () => {
    const schema = await activeReadModelSchema(env.db);
    const cp = await checkpointOf(env.db);
    const before = await dump(env.db);
    const e = ev.msg('r2', 'u2', 6);
    const seq = await append(env.js, ...e);
    const { encodeEvent } = await import('@natter/contracts');
    const raw: RawEvent[] = [{ seq, subject: e[0], data: encodeEvent(e[1], null, at).body }];
    expect(seq).toBe(cp + 1);
    const first = await applyBatch(env.db, schema, chatProjection, raw, silent);
    const second = await applyBatch(env.db, schema, chatProjection, raw, silent);
    expect(first).toMatchObject({ applied: 1, skipped: 0, checkpoint: seq });
    expect(second).toMatchObject({ applied: 0, skipped: 1, checkpoint: seq });
    const after = await dump(env.db);
    expect(after.messages.length).toBe(before.messages.length + 1);
    expect(after.rooms.find((r) => r.id === 'r2')?.last_seq).toBe(seq);
  });

  it('survives a restart mid-stream: no duplicate effects, same final state', async () => {
    const start = await checkpointOf(env.db);
    // 40 rooms; in each: create, 5 joins, 4 messages, 2 leaves, 1 rejoin -> 13 events per room.
    const events: Ev[] = [];
    for (let r = 0; r < 40; r++) {
      const room = `x${r}`;
      events.push(ev.room(room, `room ${r}`, 'u1'));
      for (let u = 0; u < 5; u++) events.push(ev.join(room, `u${u}`));
      for (let m = 0; m < 4; m++) events.push(ev.msg(room, 'u0', m));
      events.push(ev.leave(room, 'u1'), ev.leave(room, 'u2'), ev.join(room, 'u1', 'admin'));
    }
    await appendAll(env.js, events);
    const end = start + events.length;
    const small = { ...env.config, batchMaxEvents: 7, batchLingerMs: { chat: 0, search: 0, notifications: 0 } };
    const a = await startProjectors(small, silent);
    await waitFor('some progress', async () => (await checkpointOf(env.db)) >= start + 60, 15_000, 5);
    await a.close();
    const mid = await checkpointOf(env.db);
    expect(mid).toBeGreaterThan(start);
    expect(mid).toBeLessThan(end);
    const b = await startProjectors({ ...env.config, batchMaxEvents: 50 }, silent);
    try {
      await waitCheckpoint(env.db, end);
    } finally {
      await b.close();
    }
    expect(await checkpointOf(env.db)).toBe(end);
    const d = await dump(env.db);
    const xs = d.rooms.filter((r) => r.id.startsWith('x'));
    expect(xs).toHaveLength(40);
    for (const room of xs) expect(room.member_count).toBe(4);
    expect(d.room_members.filter((m) => m.room_id.startsWith('x'))).toHaveLength(160);
    expect(d.messages.filter((m) => m.room_id.startsWith('x'))).toHaveLength(160);
    expect(await count(env.db, 'messages')).toBe(6 + 160);
  });
});
