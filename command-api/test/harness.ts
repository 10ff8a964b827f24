import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, EventHeaders, Streams, type AuthTokens, type RpcReply, type StoredEvent } from '@natter/contracts';
import { createKysely, createLogger } from '@natter/infra/runtime';
import { provisionAll } from '@natter/infra/provision';
import { createTestDatabase, generateJwtKeyPem, startNats, startNatsCluster, type TestDatabase } from '@natter/infra/testing';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { startProjectors, loadConfig as projectorsConfig } from '@natter/projectors';
import { startQueryApi, loadConfig as queryApiConfig } from '@natter/query-api';
import { startCommandApi, type RunningCommandApi } from '../src/app';
import { loadConfig } from '../src/config';

export type StoredWithHeaders = StoredEvent & { headers: Record<string, string> };
export type HttpFn = (method: string, path: string, body?: unknown, token?: string, init?: RequestInit) => Promise<{ status: number; body: any; headers: Headers }>;

function httpClient(base: string): HttpFn {
  return async (method, path, body, token, init) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), ...init });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** One throwaway nats-server + database + command-api per test file, and helpers a client would use. */
export interface Harness {
  base: string;
  nc: NatsConnection;
  jsm: JetStreamManager;
  db: Kysely<any>;
  api: RunningCommandApi;
  http: HttpFn;
  /** query-api's HTTP (the read side, to see what the commands did). */
  query: HttpFn;
  /** Another command-api instance on the same database, on NATS `natsUrl` or the same one (stopped with the harness). */
  secondInstance(natsUrl?: string): Promise<{ base: string; http: HttpFn }>;
  /** The NATS server URLs: one, or one per node of the cluster. */
  natsUrls: string[];
  register(name: string, password?: string): Promise<AuthTokens>;
  rpc(command: string, auth: { userId: string; sessionId: string }, input: unknown): Promise<RpcReply>;
  /** Every event stored on exactly `subject`, in order, with its headers. */
  events(subject: string): Promise<StoredWithHeaders[]>;
  /** Messages in the whole stream. */
  streamCount(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Rate limits loose enough for tests that register, log in and create rooms freely from one address; a test
 * of the limits passes its own (`env`). Sends keep their default (10/s, bursts of 20) unless set.
 */
export const relaxedRateLimits = {
  COMMAND_API_REGISTER_PER_ADDRESS: '100000/1',
  COMMAND_API_LOGIN_PER_ADDRESS: '100000/1',
  COMMAND_API_REFRESH_PER_ADDRESS: '100000/1',
  COMMAND_API_ROOMS_PER_USER: '100000/1',
};

/**
 * The read side runs too (projectors and query-api, in process): changes to messages are decided on the
 * read model (natter.query.message-state) and a retried send of a deleted message is answered without its
 * text, so command-api is not complete without it. `projectors: false` leaves the projector out (a test of what
 * command-api does while none runs; the read model then moves only when the test writes it).
 *
 * `cluster: true` runs a 3-node JetStream cluster with the event stream and buckets at R3, and connects the
 * first command-api instance to node 1 only (a second instance can be pointed at another node).
 */
export async function startHarness(opts: { cluster?: boolean; sendsPerSecond?: number; env?: Record<string, string>; projectors?: boolean } = {}): Promise<Harness> {
  const nats = opts.cluster ? await startNatsCluster(3) : await startNats();
  const natsUrls = 'nodes' in nats ? nats.nodes.map((n) => n.url) : [nats.url];
  const database: TestDatabase = await createTestDatabase();
  const log = createLogger('command-api-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const db = createKysely<any>(database.url, 2);
  const nc = await connect({ servers: natsUrls[0] });
  await provisionAll(nc, db, log, { replicas: natsUrls.length === 3 ? 3 : 1 });
  const jsm = await jetstreamManager(nc);
  const keys = await generateJwtKeyPem();
  const config = await loadConfig({
    ...relaxedRateLimits,
    ...opts.env,
    NATS_URL: natsUrls[0],
    ...(opts.sendsPerSecond ? { COMMAND_API_SENDS_PER_SECOND: String(opts.sendsPerSecond) } : {}),
    DATABASE_URL: database.url,
    COMMAND_API_PORT: '0',
    NATTER_JWT_PRIVATE_KEY: keys.privateKeyPem,
    NATTER_JWT_PUBLIC_KEY: keys.publicKeyPem,
    // The backstop writes the sends' dedupe records promptly, whether or not the projector got there first.
    COMMAND_API_DEDUPE_BACKSTOP_MS: '50',
    ...opts.env,
  });
  const projectors = (opts.projectors ?? true) ? await startProjectors(projectorsConfig({ NATS_URL: natsUrls[0], DATABASE_URL: database.url, PROJECTORS_PORT: '0', PROJECTOR_LOCK_RETRY_MS: '100' }), log) : undefined;
  const queryApi = await startQueryApi(queryApiConfig({ NATS_URL: natsUrls[0], DATABASE_URL: database.url, QUERY_API_PORT: '0', NATTER_JWT_PUBLIC_KEY: keys.publicKeyPem, LOG_LEVEL: 'silent' }), log);
  const api = await startCommandApi(config, log);
  const base = `http://127.0.0.1:${api.port}`;

  const http = httpClient(base);
  const query = httpClient(`http://127.0.0.1:${queryApi.port}`);
  const extra: RunningCommandApi[] = [];
  const secondInstance: Harness['secondInstance'] = async (natsUrl) => {
    const other = await startCommandApi(natsUrl ? { ...config, natsUrl } : config, log);
    extra.push(other);
    const otherBase = `http://127.0.0.1:${other.port}`;
    return { base: otherBase, http: httpClient(otherBase) };
  };

  let n = 0;
  const register: Harness['register'] = async (name, password = 'correct horse battery') => {
    const r = await http('POST', '/api/auth/register', { username: name, email: `${name}@example.test`, password, displayName: `User ${name} ${++n}` });
    if (r.status !== 201) throw new Error(`register ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as AuthTokens;
  };

  const rpc: Harness['rpc'] = async (command, auth, input) => {
    const m = await nc.request(`natter.cmd.${command}`, JSON.stringify({ auth, input }), { timeout: 10_000 });
    return m.json<RpcReply>();
  };

  const events: Harness['events'] = async (subject) => {
    const out: StoredWithHeaders[] = [];
    let seq = 0;
    for (;;) {
      const m = await jsm.direct.getMessage(Streams.events, { next_by_subj: subject, seq: seq + 1 });
      if (!m) return out;
      seq = m.seq;
      const headers: Record<string, string> = {};
      for (const h of [EventHeaders.type, EventHeaders.version, 'Nats-Msg-Id']) headers[h] = m.header?.get(h) ?? '';
      out.push({ ...decodeEvent(m.seq, m.subject, m.data), headers });
    }
  };

  const streamCount = async () => (await jsm.streams.info(Streams.events)).state.messages;

  return {
    base, nc, jsm, db, api, http, query, secondInstance, natsUrls, register, rpc, events, streamCount,
    stop: async () => {
      for (const other of extra) await other.close().catch((err) => console.error('second api.close failed', err));
      await api.close().catch((err) => console.error("api.close failed", err));
      await queryApi.close().catch((err) => console.error('queryApi.close failed', err));
      await projectors?.close().catch((err) => console.error('projectors.close failed', err));
      await nc.close().catch(() => {});
      await db.destroy().catch(() => {});
      await waitForNoConnections(database.url);
      await database.drop().catch(() => {});
      await nats.stop();
    },
  };
}

/**
 * Pools resolve end() before the server has seen their sockets close; dropping the database (with force)
 * in that window kills them and surfaces errors on clients nobody listens to. Wait, from another database,
 * until the server lists no connection to this one.
 */
async function waitForNoConnections(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    for (const until = Date.now() + 5000; Date.now() < until; ) {
      const { rows } = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await c.end();
  }
}
