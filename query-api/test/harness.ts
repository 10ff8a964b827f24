import { activeReadModelSchema, PgChannels, connectNats, createKysely, createLogger, loadSigningKey, signAccessToken, type ReadModelDB } from '@natter/infra/runtime';
import { provisionAll } from '@natter/infra/provision';
import { createTestDatabase, generateJwtKeyPem, startNats } from '@natter/infra/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { sql, type Kysely } from 'kysely';
import { startQueryApi } from '../src/app';
import { loadConfig } from '../src/config';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/**
 * One throwaway NATS + Postgres database + query-api for a test file. Read-model rows are inserted directly
 * into the schema `migrate` created (no projector involved); `setCheckpoint` plays the projector's part.
 */
export async function startHarness(env: Record<string, string> = {}) {
  const nats = await startNats();
  const tdb = await createTestDatabase();
  const log = createLogger('query-api-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const db = createKysely<any>(tdb.url, 1);
  const nc: NatsConnection = await connectNats(nats.url, 'query-api-test', log);
  await provisionAll(nc, db, log);
  const schema = await activeReadModelSchema(db);
  const keys = await generateJwtKeyPem();
  const signKey = await loadSigningKey({ NATTER_JWT_PRIVATE_KEY: keys.privateKeyPem });
  const config = loadConfig({
    DATABASE_URL: tdb.url,
    NATS_URL: nats.url,
    QUERY_API_PORT: '0',
    NATTER_JWT_PUBLIC_KEY: keys.publicKeyPem,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const api = await startQueryApi(config, log);
  const base = `http://127.0.0.1:${api.port}`;
  let seq = 0;

  const h = {
    db,
    nc,
    schema,
    base,
    api,
    /** The active schema's tables. */
    rm: (s = schema): Kysely<ReadModelDB> => db.withSchema(s) as unknown as Kysely<ReadModelDB>,
    nextSeq: () => ++seq,
    async token(userId: string, ttlSeconds?: number, sessionId = `sess-${userId}`): Promise<string> {
      return (await signAccessToken(signKey, { sub: userId, sid: sessionId, usr: userId }, ttlSeconds)).token;
    },
    async get(path: string, token?: string): Promise<Reply> {
      const res = await fetch(base + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* text */
      }
      return { status: res.status, body, headers: res.headers };
    },
    async setCheckpoint(lastSeq: number, opts: { notify?: boolean; schema?: string } = {}): Promise<void> {
      const s = opts.schema ?? schema;
      await h
        .rm(s)
        .insertInto('checkpoint')
        .values({ projection: 'chat', last_seq: lastSeq })
        .onConflict((oc) => oc.column('projection').doUpdateSet({ last_seq: lastSeq }))
        .execute();
      if (opts.notify ?? true) await sql`select pg_notify(${PgChannels.projection}, ${`${s}:${lastSeq}`})`.execute(db);
    },
    async addUser(id: string, opts: { deactivated?: boolean; schema?: string } = {}): Promise<void> {
      const s = h.nextSeq();
      await h
        .rm(opts.schema)
        .insertInto('users')
        .values({ id, username: id, username_lower: id.toLowerCase(), display_name: `User ${id}`, email: `${id}@example.test`, deactivated: opts.deactivated ?? false, registered_seq: s, updated_seq: s })
        .execute();
    },
    async addRoom(id: string, visibility: 'public' | 'private', members: [string, 'owner' | 'admin' | 'member'][], opts: { name?: string; schema?: string } = {}): Promise<void> {
      const created = h.nextSeq();
      await h
        .rm(opts.schema)
        .insertInto('rooms')
        .values({ id, name: opts.name ?? `Room ${id}`, topic: '', visibility, created_by: members[0]?.[0] ?? 'nobody', created_at: new Date(), created_seq: created, member_count: members.length, last_seq: created })
        .execute();
      for (const [userId, role] of members) {
        const joined = h.nextSeq();
        await h.rm(opts.schema).insertInto('room_members').values({ room_id: id, user_id: userId, role, joined_seq: joined }).execute();
        await h.rm(opts.schema).updateTable('rooms').set({ last_seq: joined }).where('id', '=', id).execute();
      }
    },
    /** `count` messages with fresh sequences, in one statement. Returns their seqs. */
    async addMessages(roomId: string, count: number, opts: { schema?: string } = {}): Promise<number[]> {
      const seqs = Array.from({ length: count }, () => h.nextSeq());
      for (let i = 0; i < seqs.length; i += 1000) {
        const chunk = seqs.slice(i, i + 1000);
        await h
          .rm(opts.schema)
          .insertInto('messages')
          .values(chunk.map((s) => ({ room_id: roomId, seq: s, id: `m${s}`, sender_id: 'sender', client_msg_id: `c${s}`, text: `message ${s}`, sent_at: new Date() })))
          .execute();
      }
      await h.rm(opts.schema).updateTable('rooms').set({ last_seq: seqs[seqs.length - 1] }).where('id', '=', roomId).execute();
      return seqs;
    },
    async close(): Promise<void> {
      await api.close().catch(() => {});
      await nc.close().catch(() => {});
      // Let the service's backends exit before the forced drop: a backend killed while its client is still
      // ending surfaces as an unhandled 57P01 in pg.
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
          .execute(db)
          .catch(() => ({ rows: [{ n: 0 }] }));
        if (r.rows[0].n === 0) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      await db.destroy().catch(() => {});
      await new Promise((res) => setTimeout(res, 50));
      await tdb.drop().catch(() => {});
      await nats.stop();
    },
  };
  return h;
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
