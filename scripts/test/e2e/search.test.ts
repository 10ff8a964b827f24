import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEvent, Subjects, type SearchResponse } from '@natter/contracts';
import { createTestDatabase, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { loadConfig, startProjectors } from '@natter/projectors';
import { startStack, type Stack } from '../../src/stack/index';
import { relaxedRateLimits } from '../support/limits';
import { TestUser } from '../support/client';

/**
 * Message search (issue 12) on the real stack (gateway, command-api, query-api, projectors, an edge; real NATS
 * and Postgres). The stack starts WITHOUT the search projection and gets history first; search is then added
 * the way an operator adds it to a running deployment (a projectors process running it), and back-fills:
 * progress in its log, in the admin status, and `503 search_not_ready` from the API until it has caught up.
 * Then what a user checks: only messages of rooms they are in now (not after removal; a DM only for its two
 * people), edits found by their new words and not the old, deletes gone, filters, ranking, highlights and
 * paging; and a rebuild by `npm run replay -- --verify --swap` answers every query the same.
 */
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let base: string;
let nc: NatsConnection;
let searchProjectors: Awaited<ReturnType<typeof startProjectors>> | undefined;
const searchLog: Record<string, any>[] = [];

const u = {} as Record<'ada' | 'bob' | 'cy' | 'dee' | 'admin', TestUser>;
let general = '';
let secret = '';
let dmRoom = '';
const seqs = {} as Record<string, number>;
let counter = 0;

async function send(user: TestUser, roomId: string, text: string, extra: Record<string, unknown> = {}): Promise<number> {
  const r = await user.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `c-${++counter}`, text, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.seq;
}

async function search(user: TestUser, q: string, extra = ''): Promise<{ status: number; body: any }> {
  return user.call('GET', `/api/search?q=${encodeURIComponent(q)}${extra}`);
}

/** The seqs a user finds for q (the API must answer 200). */
async function found(user: TestUser, q: string, minSeq?: number): Promise<number[]> {
  const r = await search(user, q, minSeq ? `&minSeq=${minSeq}&limit=50` : '&limit=50');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body as SearchResponse).items.map((h) => h.seq);
}

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-search-'))]);
  stack = await startStack({
    dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, log: pino({ level: 'silent' }),
    // A deployment from before search: its projectors run the chat projection only. Search bands of 20 seqs
    // (default 10,000): the ~3,100 events here span 6 bands, so every query and page below crosses them.
    env: { ...relaxedRateLimits, COMMAND_API_SENDS_PER_SECOND: '5000', PROJECTOR_PROJECTIONS: 'chat', QUERY_API_SEARCH_BAND: '20' },
  });
  base = stack.gatewayUrl!;
  nc = await connect({ servers: nats.url });
  u.admin = await TestUser.register(base, 'admin'); // the first account: server admin
  for (const n of ['ada', 'bob', 'cy', 'dee'] as const) u[n] = await TestUser.register(base, n);
  general = (await u.ada.call('POST', '/api/rooms', { name: 'general', visibility: 'public' })).body.roomId;
  secret = (await u.ada.call('POST', '/api/rooms', { name: 'secret-plans', visibility: 'private' })).body.roomId;
  for (const who of [u.bob, u.cy]) expect((await who.call('POST', `/api/rooms/${general}/join`)).status).toBe(200);
  expect((await u.ada.call('POST', `/api/rooms/${secret}/members`, { userId: u.cy.id })).status).toBe(200);

  seqs.deploy = await send(u.ada, general, 'The deploy of the billing service went fine, notes at https://example.com/notes');
  seqs.deploying = await send(u.bob, general, 'I am deploying the search service tomorrow');
  seqs.threadReply = await send(u.cy, general, 'Deploy checklist is in the wiki', { threadRootSeq: seqs.deploy });
  seqs.lunch = await send(u.bob, general, 'lunch at the usual place?');
  seqs.typo = await send(u.cy, general, 'the quarterly numbrs look good');
  seqs.gone = await send(u.ada, general, 'password for the staging deploy is hunter2');
  seqs.secret = await send(u.ada, secret, 'secret deploy of the rocket launcher');
  const dm = await u.ada.call('POST', '/api/dms/messages', { userIds: [u.bob.id], clientMsgId: `c-${++counter}`, text: 'private deploy question for you, bob' });
  expect(dm.status, JSON.stringify(dm.body)).toBe(201);
  dmRoom = dm.body.roomId;
  seqs.dm = dm.body.seq;

  // Enough history that the back-fill takes a while: filler messages appended to the log as command-api does.
  const js = jetstream(nc);
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < 3000; i++) {
    const enc = encodeEvent({ type: 'MessageSent', data: { roomId: general, messageId: `fill-${i}`, senderId: u.bob.id, clientMsgId: `fill-${i}`, text: `filler about the weather ${i}` } }, u.bob.id, new Date());
    const h = headers();
    for (const [k, v] of Object.entries(enc.headers)) h.set(k, v);
    acks.push(js.publish(Subjects.roomMsg(general), enc.body, { headers: h }));
  }
  const last = Math.max(...(await Promise.all(acks)).map((a) => (a as { seq: number }).seq));
  // Search is ready once it is within a few events of the chat projection, so the chat projection must have
  // the history first: otherwise a loaded machine's search catches up with a chat projection still at the
  // start, and never shows a back-fill.
  await waitFor('the chat projection has the history', async () => (await u.ada.call('GET', `/api/rooms/${general}/messages?limit=1&minSeq=${last}`)).status === 200, 120_000, 200);
}, 240_000);

afterAll(async () => {
  await searchProjectors?.close();
  await nc?.close();
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('message search', () => {
  it('added to a running stack, back-fills from history: 503 search_not_ready with progress until caught up, logged and in the admin status', async () => {
    // Before search runs at all: a clear 503, nothing that looks like "no results".
    const before = await search(u.ada, 'deploy');
    expect(before.status).toBe(503);
    expect(before.body.error.code).toBe('search_not_ready');

    const stream = new Writable({ write(chunk, _e, cb) { for (const l of String(chunk).split('\n')) if (l) searchLog.push(JSON.parse(l)); cb(); } });
    searchProjectors = await startProjectors(
      // Small batches so the back-fill of ~3,000 events is slow enough to be watched.
      loadConfig({ NATS_URL: nats.url, DATABASE_URL: db.url, PROJECTORS_PORT: '0', PROJECTOR_LOCK_RETRY_MS: '100', PROJECTOR_PROJECTIONS: 'search', PROJECTOR_BATCH_MAX_EVENTS: '3', PROJECTOR_SEARCH_LINGER_MS: '0' }),
      pino({ level: 'info' }, stream),
    );
    // While it back-fills: the API says so with its progress, and the admin status shows the projection behind.
    const seen: unknown[] = [];
    const during = await waitFor('a 503 with progress', async () => {
      if (process.env.SEARCH_TEST_DEBUG) console.log(JSON.stringify(searchLog.slice(-3).map((l) => l.msg)));
      const r = await search(u.ada, 'deploy');
      if (seen.length < 5 || r.status !== 503) seen.push([r.status, r.body]);
      // Anything but 503s while it back-fills is a failure: say what came instead.
      if (seen.length > 8) throw new Error(`not a back-fill 503: ${JSON.stringify(seen)}`);
      return r.status === 503 && r.body.error.details?.appliedSeq > 0 ? r : undefined;
    }, 60_000, 20);
    expect(during.body.error.code).toBe('search_not_ready');
    expect(during.body.error.details.targetSeq).toBeGreaterThan(during.body.error.details.appliedSeq);
    const status = await waitFor('admin status shows the back-fill', async () => {
      const r = await u.admin.call('GET', '/api/admin/status');
      expect(r.status).toBe(200);
      const projector = (r.body.services as any[]).map((i) => i.details?.projections?.search).find((p) => p?.role === 'active');
      return r.body.search.checkpoint > 0 && !r.body.search.ready && projector?.backfilling ? { search: r.body.search, projector } : undefined;
    }, 30_000, 50);
    expect(status.search.lag).toBeGreaterThan(0);
    expect(status.search.percent).toBeLessThan(100);
    expect(status.projector.appliedSeq).toBeLessThan(status.projector.streamLastSeq);
    expect(searchLog.some((l) => l.msg === 'projection catching up (back-fill)' && l.projection === 'search')).toBe(true);

    await waitFor('search serves', async () => (await search(u.ada, 'deploy')).status === 200, 120_000, 100);
    const ready = await u.admin.call('GET', '/api/admin/status');
    expect(ready.body.search).toMatchObject({ ready: true, percent: expect.any(Number) });
    await waitFor('caught-up line', async () => searchLog.some((l) => l.msg === 'projection caught up' && l.projection === 'search'), 30_000, 50);
    // The start line names where it starts and the stream's end; the end line how many events at what rate
    // (in between, a 'projection back-fill progress' line every 2 s: this one is over sooner).
    const start = searchLog.find((l) => l.msg === 'projection catching up (back-fill)')!;
    expect(start.lastSeq).toBeGreaterThan(3000);
    const done = searchLog.find((l) => l.msg === 'projection caught up')!;
    expect(done.seq).toBeGreaterThanOrEqual(start.lastSeq - 100); // within 100 events of the end it saw at the start
    expect(done.events).toBeGreaterThan(2900);
    expect(done.eventsPerSec).toBeGreaterThan(0);
  }, 180_000);

  it('finds only what each person can read now: their rooms and DMs, never a private room or someone else\'s DM', async () => {
    expect((await found(u.ada, 'deploy')).sort()).toEqual([seqs.deploy, seqs.deploying, seqs.threadReply, seqs.gone, seqs.secret, seqs.dm].sort());
    // bob: general and his DM with ada; not the private room
    expect((await found(u.bob, 'deploy')).sort()).toEqual([seqs.deploy, seqs.deploying, seqs.threadReply, seqs.gone, seqs.dm].sort());
    // cy: general and the private room; not ada and bob's DM
    expect((await found(u.cy, 'deploy')).sort()).toEqual([seqs.deploy, seqs.deploying, seqs.threadReply, seqs.gone, seqs.secret].sort());
    // dee is in no room: finds nothing, even by exact words
    expect(await found(u.dee, 'rocket launcher')).toEqual([]);
    expect(await found(u.dee, 'deploy')).toEqual([]);
    // a DM is named by its other person
    const dm = (await search(u.bob, 'question')).body.items[0];
    expect(dm).toMatchObject({ roomId: dmRoom, roomKind: 'dm', roomName: 'ada', senderDisplayName: 'ada' });
  });

  it('ranks, highlights and pages; the filters do what they say; bad syntax is a 400 naming it', async () => {
    const r = await search(u.ada, 'deploy service');
    expect(r.status).toBe(200);
    const body = r.body as SearchResponse;
    expect(body.items.map((h) => h.seq).sort()).toEqual([seqs.deploy, seqs.deploying].sort());
    expect(body.items[0].rank).toBeGreaterThanOrEqual(body.items[1].rank);
    const hit = body.items.find((h) => h.seq === seqs.deploying)!;
    expect(hit.snippet.filter((s) => s.hit).map((s) => s.text.toLowerCase())).toEqual(expect.arrayContaining(['deploying', 'service']));
    expect(hit.snippet.map((s) => s.text).join('')).toContain('search service tomorrow');
    expect(hit).toMatchObject({ roomId: general, roomName: 'general', senderUsername: u.bob.tokens.user.username, senderDisplayName: 'bob' });

    // Paging: 3,000 filler hits, 50 a page, no hit twice, ranked order kept across pages.
    const seen = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p = await search(u.ada, 'weather', `&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      expect(p.status, JSON.stringify(p.body)).toBe(200);
      for (const h of (p.body as SearchResponse).items) {
        expect(seen.has(h.seq)).toBe(false);
        seen.add(h.seq);
      }
      cursor = p.body.nextCursor;
      pages++;
    } while (cursor && pages < 5);
    expect(seen.size).toBe(250);

    expect(await found(u.ada, 'deploy from:@' + u.bob.tokens.user.username)).toEqual([seqs.deploying]);
    expect((await found(u.ada, 'deploy in:#secret-plans'))).toEqual([seqs.secret]);
    expect((await found(u.ada, 'deploy has:link'))).toEqual([seqs.deploy]);
    expect((await found(u.ada, 'deploy is:thread'))).toEqual([seqs.threadReply]);
    expect((await found(u.ada, 'deploy before:2000-01-01'))).toEqual([]);
    expect((await found(u.ada, 'deploy after:2000-01-01')).length).toBe(6);
    // The ends of the calendar Postgres compares with (these once answered 500).
    expect((await found(u.ada, 'deploy after:9999-12-31'))).toEqual([]);
    expect((await found(u.ada, 'deploy after:0001-01-01')).length).toBe(6);
    expect(await found(u.ada, '"billing service"')).toEqual([seqs.deploy]);
    expect(await found(u.ada, 'deploy -billing -search -staging -rocket -checklist')).toEqual([seqs.dm]);

    const bad = await search(u.ada, 'deploy before:yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'q' }] });
    expect((await search(u.ada, 'deploy', '&cursor=bm9wZQ')).status).toBe(400);
    // A made-up cursor whose rank Postgres cannot hold as a real (once a 500), and empty names in filters.
    for (const rank of ['1e39', '1e-50']) {
      const forged = await search(u.ada, 'deploy', `&cursor=${Buffer.from(`${rank}:5`).toString('base64url')}`);
      expect(forged.status, JSON.stringify(forged.body)).toBe(400);
      expect(forged.body.error.code).toBe('validation_failed');
    }
    for (const q of ['from:@', 'deploy in:#']) expect((await search(u.ada, q)).status).toBe(400);
    expect((await u.ada.call('GET', '/api/search?q=')).status).toBe(400);
    expect((await fetch(`${base}/api/search?q=deploy`)).status).toBe(401);
  });

  it('an edit re-indexes (found by its new words, not its old), a delete removes, a removed member no longer finds the room', async () => {
    const edit = await u.cy.call('PATCH', `/api/rooms/${general}/messages/${seqs.typo}`, { clientOpId: 'e1', text: 'the quarterly revenue looks good' });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(await found(u.ada, 'revenue', edit.body.seq)).toEqual([seqs.typo]);
    expect(await found(u.ada, 'numbrs')).toEqual([]);
    const edited = (await search(u.ada, 'revenue')).body.items[0];
    expect(edited.edited).toBe(true);

    const del = await u.ada.call('DELETE', `/api/rooms/${general}/messages/${seqs.gone}`);
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(await found(u.ada, 'hunter2', del.body.seq)).toEqual([]);
    expect(await found(u.bob, 'staging')).toEqual([]);

    // cy is removed from the private room: its messages disappear from cy's results at once.
    expect(await found(u.cy, 'rocket')).toEqual([seqs.secret]);
    const removed = await u.ada.call('DELETE', `/api/rooms/${secret}/members/${u.cy.id}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(await found(u.cy, 'rocket', removed.body.seq)).toEqual([]);
    expect(await found(u.cy, 'deploy in:#secret-plans')).toEqual([]);
    expect(await found(u.ada, 'rocket')).toEqual([seqs.secret]);
    // bob leaves general: he keeps finding his DM only
    const left = await u.bob.call('POST', `/api/rooms/${general}/leave`);
    expect(left.status, JSON.stringify(left.body)).toBe(200);
    expect(await found(u.bob, 'deploy', left.body.seq)).toEqual([seqs.dm]);
  });

  it('gives identical results after npm run replay -- --verify --swap', async () => {
    const queries = ['deploy', 'weather', 'revenue', 'deploy has:link', 'deploy is:thread', 'hunter2'];
    const users = [u.ada, u.bob, u.cy, u.dee];
    const snapshot = async () => {
      const out: unknown[] = [];
      for (const who of users) for (const q of queries) {
        const r = await search(who, q, '&limit=50');
        expect(r.status).toBe(200);
        out.push((r.body as SearchResponse).items.map(({ rank: _rank, ...h }) => ({ ...h, rank: Math.round(_rank * 1e6) })));
      }
      return out;
    };
    const liveResults = await snapshot();
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'replay', '--', '--verify', '--swap'], {
      cwd: process.cwd(), env: { ...process.env, NATS_URL: nats.url, DATABASE_URL: db.url, LOG_LEVEL: 'info' }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000,
    });
    const lines = (stdout + stderr).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const verify = lines.find((l) => l.msg === 'verify');
    expect(verify?.equal).toBe(true);
    expect(verify.tables.find((t: any) => t.table === 'search_messages')).toMatchObject({ differing: 0 });
    expect(lines.some((l) => l.msg === 'read model swapped')).toBe(true);
    // query-api switched to the new schema; the search projection continues there
    await waitFor('results served from the rebuilt schema', async () => JSON.stringify(await snapshot()) === JSON.stringify(liveResults), 30_000, 200);
    const after = await send(u.ada, general, 'a kiwi after the swap');
    expect(await found(u.ada, 'kiwi', after)).toEqual([after]);
  }, 180_000);
});
