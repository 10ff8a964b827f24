import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Subjects } from '@natter/contracts';
import { activeReadModelSchema } from '@natter/infra/runtime';
import { waitFor } from '@natter/infra/testing';
import { startProjectors } from '@natter/projectors';
import { append, appendAll, checkpointOf, dump, ev, silent, startEnv, waitCheckpoint, type Env, type Ev } from '@natter/projectors/testing';
import { rebuildReadModel } from '@natter/projectors';
import { READ_MODEL_VERSION } from '@natter/infra/provision';

/** The live read model's schema and the one a rebuild makes beside it. */
const LIVE = `rm_v${READ_MODEL_VERSION}_0`;
const NEXT = `rm_v${READ_MODEL_VERSION}_1`;

let env: Env;
let live: Awaited<ReturnType<typeof startProjectors>>;
beforeAll(async () => {
  env = await startEnv();
  live = await startProjectors(env.config, silent);
});
afterAll(async () => {
  await live?.close();
  await env?.stop();
});

const schemaExists = async (name: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${name}`.execute(env.db)).rows[0].n === 1;

function history(): Ev[] {
  const out: Ev[] = [];
  for (let u = 0; u < 6; u++) out.push(ev.register(`u${u}`, `User${u}`));
  for (let r = 0; r < 8; r++) {
    out.push(ev.room(`r${r}`, `room ${r}`, 'u0', r % 2 ? 'private' : 'public'), ev.join(`r${r}`, 'u0', 'owner'));
    for (let u = 1; u < 6; u++) out.push(ev.join(`r${r}`, `u${u}`));
    const first = out.length + 1; // the seq of the room's first message (seq = position + 1)
    for (let m = 0; m < 10; m++) out.push(ev.msg(`r${r}`, `u${m % 6}`, m));
    // issue 10: changes to the room's messages, including ones voided by a delete
    out.push(
      ev.edit(`r${r}`, first, `edited ${r}`), ev.react(`r${r}`, first, 'u1', 'tada'), ev.react(`r${r}`, first + 1, 'u2', 'heart'),
      ev.pin(`r${r}`, first + 1, 'u0'), ev.reply(`r${r}`, 'u2', 100 + r, { seq: first, senderId: 'u0' }, r % 2 === 0),
      ev.del(`r${r}`, first + 2, 'u0'), ev.react(`r${r}`, first + 2, 'u1', 'eyes'), ev.settings(`r${r}`, r % 2 ? 600 : null, r % 3 === 0),
    );
    out.push(ev.leave(`r${r}`, 'u3'), ev.profile(`u${r % 6}`, `Name ${r}`), ev.revoke('u1'));
  }
  out.push(ev.deactivate('u5'));
  // the people read model (v2): every one of its tables gets rows
  out.push(ev.session('u1', 'sess1'), ev.endSession('u1', 'sess1'), ev.role('r0', 'u2', 'moderator'), ev.ban('r0', 'u4', true), ev.invite('r0', 'inv1'));
  out.push(ev.joinByInvite('r0', 'u4b', 'inv1'), ev.grantAdmin('u0'), ev.registration(false), ev.bio('u2', 'a bio', 'busy'));
  return out;
}

describe('rebuild by replay', () => {
  it('rebuilds into a new schema that equals the live one, table by table', async () => {
    const seqs = await appendAll(env.js, history());
    await env.js.publish(Subjects.roomMsg('r0'), 'garbage, not an event');
    const last = await append(env.js, ...ev.msg('r0', 'u0', 99));
    expect(last).toBe(seqs.length + 2);
    await waitCheckpoint(env.db, last);

    const r = await rebuildReadModel(env.nc, env.db, env.pg.url, silent, { verify: true, keep: true, batch: { maxEvents: 37, lingerMs: 1 } });
    expect(r.liveSchema).toBe(LIVE);
    expect(r.schema).toBe(NEXT);
    expect(r.replay.checkpoint).toBe(last);
    expect(r.equal).toBe(true);
    expect(r.comparison?.map((t) => t.table)).toEqual([
      'audit_log', 'checkpoint', 'message_edits', 'message_pins', 'message_reactions', 'messages', 'read_markers', 'room_bans', 'room_invites', 'room_members',
      'room_settings', 'rooms', 'server_settings', 'thread_participants', 'user_search_terms', 'user_sessions', 'users',
    ]);
    expect(r.comparison?.every((t) => t.differing === 0 && t.newRows === t.liveRows && t.newRows > 0)).toBe(true);
    expect(r.swapped).toBe(false);
    // Independent of compareSchemas: the rows themselves are equal.
    expect(await dump(env.db, r.schema)).toEqual(await dump(env.db, LIVE));
    expect(await activeReadModelSchema(env.db)).toBe(LIVE);
    // The live projector got its lock back and keeps projecting into the live schema.
    const next = await append(env.js, ...ev.msg('r1', 'u1', 100));
    await waitCheckpoint(env.db, next);
    await sql`drop schema ${sql.raw(NEXT)} cascade`.execute(env.db);
  });

  it('swaps while events keep arriving: the new schema becomes live, the old one is dropped, projection continues', async () => {
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await append(env.js, ...ev.msg(`r${written % 8}`, 'u0', 1000 + written));
        written++;
        await new Promise((res) => setTimeout(res, 2));
      }
    })();
    await waitFor('writer started', async () => written > 20);
    const r = await rebuildReadModel(env.nc, env.db, env.pg.url, silent, { verify: true, swap: true });
    writing = false;
    await writer;
    expect(r).toMatchObject({ liveSchema: LIVE, schema: NEXT, equal: true, swapped: true, dropped: LIVE });
    expect(r.finalSeq).toBeGreaterThan(0);
    expect(await activeReadModelSchema(env.db)).toBe(NEXT);
    expect(await schemaExists(LIVE)).toBe(false);

    const last = await append(env.js, ...ev.leave('r2', 'u4'));
    await waitCheckpoint(env.db, last);
    expect(live.runner.schema).toBe(NEXT);
    const d = await dump(env.db);
    expect(d.checkpoint).toEqual([{ projection: 'chat', last_seq: last }]);
    expect(d.rooms.find((x) => x.id === 'r2')).toMatchObject({ member_count: 4, last_seq: last });
    expect(await checkpointOf(env.db, NEXT)).toBe(last);
    // Every message written during the swap is there exactly once.
    const msgs = d.messages.filter((m) => m.client_msg_id.startsWith('c1') && Number(m.client_msg_id.slice(1)) >= 1000);
    expect(msgs).toHaveLength(written);
  });
});
