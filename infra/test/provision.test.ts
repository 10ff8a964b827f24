import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import { sql } from 'kysely';
import { Buckets, Streams, Subjects } from '@natter/contracts';
import { activeReadModelSchema, createKysely } from '../src/runtime/index';
import { provisionAll, READ_MODEL_VERSION } from '../src/provision/index';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '../src/testing/index';

const log = pino({ level: 'silent' });
let nats: NatsServerHandle;
let db: TestDatabase;
let nc: NatsConnection;

beforeAll(async () => {
  [nats, db] = await Promise.all([startNats(), createTestDatabase()]);
  nc = await connect({ servers: nats.url });
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
  await db?.drop();
});

describe('provisioning', () => {
  it('creates the event stream, buckets and schemas, and a second run changes nothing', async () => {
    const k = createKysely<any>(db.url);
    await provisionAll(nc, k, log);
    await provisionAll(nc, k, log);
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(Streams.events);
    expect(info.config.subjects).toEqual([Subjects.all]);
    expect(info.config.allow_direct).toBe(true);
    expect(info.config.deny_delete).toBe(true);
    expect(info.config.deny_purge).toBe(true);
    expect(info.config.republish).toMatchObject({ src: 'ev.>', dest: 'live.>' });
    const schema = await activeReadModelSchema(k);
    expect(schema).toBe(`rm_v${READ_MODEL_VERSION}_0`);
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${schema} order by 1`.execute(k);
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'audit_log', 'checkpoint', 'message_edits', 'message_mentions', 'message_pins', 'message_reactions', 'messages', 'read_markers', 'room_bans', 'room_invites',
      'room_members', 'room_settings', 'rooms', 'search_messages', 'server_settings', 'thread_participants', 'user_search_terms', 'user_sessions', 'users',
    ]);
    // every command-side migration file applied once, in order
    const files = (await readdir(fileURLToPath(new URL('../migrations/command/', import.meta.url)))).filter((f) => f.endsWith('.sql')).sort();
    const migrations = await sql<{ id: string }>`select id from natter.migrations order by id`.execute(k);
    expect(migrations.rows.map((r) => r.id)).toEqual(files);
    expect(files).toEqual(expect.arrayContaining(['003_rate_limits.sql', '004_invite_codes.sql', '005_read_model_builds.sql']));
    const kvm = new Kvm(nc);
    for (const b of Object.values(Buckets)) expect((await (await kvm.open(b)).status()).bucket, b).toBe(b);
    await k.destroy();
  });

  it('republishes every stored event to its live subject with sequence headers', async () => {
    const sub = nc.subscribe('live.room.r1.msg', { max: 1 });
    const js = (await import('@nats-io/jetstream')).jetstream(nc);
    const ack = await js.publish(Subjects.roomMsg('r1'), 'x');
    for await (const m of sub) {
      expect(m.headers?.get('Nats-Sequence')).toBe(String(ack.seq));
      expect(m.headers?.get('Nats-Subject')).toBe('ev.room.r1.msg');
    }
  });
});
