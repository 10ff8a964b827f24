import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pino from 'pino';
import { activeReadModelSchema, createKysely } from '@natter/infra/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { TestSocket, TestUser } from '../support/client';

/**
 * The end-to-end path, through the real gateway (nginx), two real edge processes, command-api,
 * query-api and projectors as separate processes, a throwaway nats-server and a throwaway database.
 */
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let base: string;
let wsUrl: string;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-e2e-'))]);
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 2, log: pino({ level: 'silent' }) });
  base = stack.gatewayUrl!;
  wsUrl = base.replace('http', 'ws') + '/ws';
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const messageTexts = (s: TestSocket, roomId: string) =>
  s.events(roomId).filter((f) => f.event.type === 'MessageSent').map((f) => ({ seq: f.seq, text: (f.event.data as { text: string }).text }));

describe('chat end to end through the gateway', () => {
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let roomId: string;
  let aliceWs: TestSocket;
  let bobWs: TestSocket;
  let carolWs: TestSocket;

  it('serves the web client and the API document through the gateway', async () => {
    const r = await fetch(base + '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    const doc = await fetch(base + '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
  });

  it('two users register, one creates a room and the other joins it', async () => {
    [alice, bob, carol] = await Promise.all([TestUser.register(base, 'alice'), TestUser.register(base, 'bob'), TestUser.register(base, 'carol')]);
    const created = await alice.call('POST', '/api/rooms', { name: 'general', visibility: 'public' });
    expect(created.status).toBe(201);
    roomId = created.body.roomId;
    const joined = await bob.call('POST', `/api/rooms/${roomId}/join`);
    expect(joined.status).toBe(200);
    const members = await alice.call('GET', `/api/rooms/${roomId}/members?minSeq=${joined.body.seq}`);
    expect(members.status).toBe(200);
    expect(members.body.items.map((m: { userId: string }) => m.userId).sort()).toEqual([alice.id, bob.id].sort());
  });

  it('messages sent over WS and over HTTP reach both members in the same order, and history matches', async () => {
    [aliceWs, bobWs, carolWs] = await Promise.all([alice.connect(wsUrl), bob.connect(wsUrl), carol.connect(wsUrl)]);
    for (const s of [aliceWs, bobWs, carolWs]) {
      await s.until('hello', (f) => f.some((x) => x.type === 'hello'));
      s.send({ type: 'resume', rooms: {} });
      await s.until('synced', (f) => f.some((x) => x.type === 'synced'));
    }
    aliceWs.send({ type: 'send', id: 'a1', roomId, clientMsgId: 'alice-1', text: 'hello from alice over ws' });
    const ack = await aliceWs.until('ack a1', (f) => f.find((x) => x.type === 'ack' && x.id === 'a1'));
    const wsSeq = (ack as { result: { seq: number } }).result.seq;
    expect(wsSeq).toBeGreaterThan(0);
    const http = await bob.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'bob-1', text: 'hello from bob over http' });
    expect(http.status).toBe(201);
    expect(http.body.seq).toBeGreaterThan(wsSeq);

    const want = [
      { seq: wsSeq, text: 'hello from alice over ws' },
      { seq: http.body.seq, text: 'hello from bob over http' },
    ];
    for (const s of [aliceWs, bobWs]) await s.until('both messages', () => messageTexts(s, roomId).length >= 2);
    expect(messageTexts(aliceWs, roomId)).toEqual(want);
    expect(messageTexts(bobWs, roomId)).toEqual(want);

    const history = await bob.call('GET', `/api/rooms/${roomId}/messages?minSeq=${http.body.seq}`);
    expect(history.status).toBe(200);
    expect(history.body.messages.map((m: { seq: number; text: string }) => ({ seq: m.seq, text: m.text }))).toEqual(want);
    expect(history.body.asOfSeq).toBeGreaterThanOrEqual(http.body.seq);
  });

  it('a client that reconnects to the other edge node with its last sequence gets exactly what it missed', async () => {
    const bobNode = bobWs.hello()!.node;
    const lastSeq = Math.max(...bobWs.events(roomId).map((f) => f.seq));
    await bobWs.close();

    const sent: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const r = await alice.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: `missed-${i}`, text: `missed ${i}` });
      expect(r.status).toBe(201);
      sent.push(r.body.seq);
    }

    const other = stack.edges.find((e) => e.name !== bobNode)!; // edge names double as their node ids
    const otherWs = `ws://127.0.0.1:${other.port}/ws`;
    bobWs = await bob.connect(otherWs);
    await bobWs.until('hello', (f) => f.some((x) => x.type === 'hello'));
    expect(bobWs.hello()!.node).not.toBe(bobNode);
    bobWs.send({ type: 'resume', epoch: bobWs.hello()!.epoch, rooms: { [roomId]: lastSeq } });
    const synced = await bobWs.until('synced', (f) => f.find((x) => x.type === 'synced'));
    expect((synced as { rooms: Record<string, number> }).rooms[roomId]).toBe(sent[2]);
    expect(messageTexts(bobWs, roomId)).toEqual(sent.map((seq, i) => ({ seq, text: `missed ${i + 1}` })));
    expect(bobWs.events(roomId).map((f) => f.seq)).toEqual(sent);

    // and then live again, on the new node
    const live = await alice.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'after-resume', text: 'live again' });
    await bobWs.until('live message', () => messageTexts(bobWs, roomId).some((m) => m.seq === live.body.seq));
    expect(bobWs.events(roomId).map((f) => f.seq)).toEqual([...sent, live.body.seq]);
  });

  it('a non-member gets 403 on history and receives nothing of the room', async () => {
    const r = await carol.call('GET', `/api/rooms/${roomId}/messages`);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('not_member');
    const send = await carol.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'sneaky', text: 'let me in' });
    expect(send.status).toBe(403);
    expect(send.body.error.code).toBe('not_member');
    expect(carolWs.events(roomId)).toEqual([]);
  });

  it('a retried send stores one message and returns the same sequence', async () => {
    const body = { clientMsgId: 'retry-me', text: 'only once' };
    const first = await alice.call('POST', `/api/rooms/${roomId}/messages`, body);
    const second = await alice.call('POST', `/api/rooms/${roomId}/messages`, body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.seq).toBe(first.body.seq);
    expect(second.body.duplicate).toBe(true);
    const history = await alice.call('GET', `/api/rooms/${roomId}/messages?minSeq=${first.body.seq}`);
    expect(history.body.messages.filter((m: { text: string }) => m.text === 'only once')).toHaveLength(1);
    await aliceWs.until('retried message delivered', () => messageTexts(aliceWs, roomId).some((m) => m.seq === first.body.seq));
    await new Promise((r) => setTimeout(r, 300));
    expect(messageTexts(aliceWs, roomId).filter((m) => m.text === 'only once')).toHaveLength(1);
  });

  it('leaving stops delivery at the leave event', async () => {
    const left = await bob.call('POST', `/api/rooms/${roomId}/leave`);
    expect(left.status).toBe(200);
    await bobWs.until('own leave event', () => bobWs.events(roomId).some((f) => f.seq === left.body.seq));
    const after = await alice.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'after-leave', text: 'bob is gone' });
    await aliceWs.until('message after leave', () => messageTexts(aliceWs, roomId).some((m) => m.seq === after.body.seq));
    await new Promise((r) => setTimeout(r, 300));
    expect(Math.max(...bobWs.events(roomId).map((f) => f.seq))).toBe(left.body.seq);
    const history = await bob.call('GET', `/api/rooms/${roomId}/messages`);
    expect(history.status).toBe(403);
  });

  it('rebuilding the read models by replay gives identical tables, and the API serves the rebuilt ones', async () => {
    const before = await alice.call('GET', `/api/rooms/${roomId}/messages?limit=200`);
    const db = createKysely<any>(stack.databaseUrl, 1);
    const oldSchema = await activeReadModelSchema(db);
    // the operator's command, as a separate process against the running stack
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/src/replay.ts', '--verify', '--swap'], {
      env: { ...process.env, NATS_URL: stack.natsUrl, DATABASE_URL: stack.databaseUrl, LOG_LEVEL: 'info' },
    });
    const verify = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.msg === 'verify');
    expect(verify.equal).toBe(true);
    expect(verify.tables.map((t: { table: string }) => t.table).sort()).toEqual([
      'audit_log', 'checkpoint', 'message_edits', 'message_mentions', 'message_pins', 'message_reactions', 'messages', 'read_markers', 'room_bans', 'room_invites',
      'room_members', 'room_settings', 'rooms', 'search_messages', 'server_settings', 'thread_participants', 'user_search_terms', 'user_sessions', 'users',
    ]);
    const newSchema = await activeReadModelSchema(db);
    await db.destroy();
    expect(newSchema).not.toBe(oldSchema);
    const after = await alice.call('GET', `/api/rooms/${roomId}/messages?limit=200`);
    expect(after.status).toBe(200);
    expect(after.body.messages).toEqual(before.body.messages);
  });
});
