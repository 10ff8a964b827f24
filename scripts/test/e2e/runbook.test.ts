import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Objm } from '@nats-io/obj';
import { Buckets, FileObjects, ObjectStores, Streams, type PresenceEntry } from '@natter/contracts';
import { activeReadModelSchema, createKysely } from '@natter/infra/runtime';
import { createTestDatabase, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { backupStream, restoreStream } from '../../src/ops/stream-backup';
import { repoRoot } from '../../src/stack/service-process';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser, type TestSocket } from '../support/client';

const run = promisify(execFile);

/**
 * docs/operations.md cannot rot: every `nats ...` and `npm run replay ...` command in its shell blocks is
 * performed here, in the runbook's order, against a running stack: the nats CLI commands through the same
 * JetStream API calls the CLI makes (it is not installable here), `npm run replay` for real. Each one checks
 * the effect the runbook promises (a revoked session is refused, a deleted presence key makes its user
 * offline, a backup restores into an empty NATS with the same messages). A command the runbook names that
 * this test does not know fails it.
 */
let nats: NatsServerHandle;
let spare: NatsServerHandle | undefined;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-runbook-'))]);
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, gateway: false, log: pino({ level: 'silent' }) });
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
}, 180_000);

afterAll(async () => {
  await nc?.close();
  await stack?.stop();
  await nats?.stop();
  await spare?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The commands of the runbook's ```sh blocks that this test performs, in order. */
async function runbookCommands(): Promise<string[]> {
  const text = await readFile(join(repoRoot, 'docs/operations.md'), 'utf8');
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) => b.split('\n').map((l) => l.trim())).filter((l) => l.startsWith('nats ') || l.startsWith('npm run replay'));
}

/** The message a subscription gets next, bounded, once `trigger` (which causes it) has finished too. */
async function nextMessage(subject: string, trigger: () => Promise<unknown>): Promise<Msg> {
  const got = new Promise<Msg>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing on ${subject}`)), 10_000);
    const sub = nc.subscribe(subject, {
      callback: (_err, msg) => {
        clearTimeout(timer);
        sub.unsubscribe();
        resolve(msg);
      },
    });
  });
  await nc.flush();
  const [msg] = await Promise.all([got, trigger()]);
  return msg;
}

it('performs every command of docs/operations.md and gets what the runbook says', async () => {
  const edgeWs = `ws://127.0.0.1:${stack.edges[0].port}/ws`;
  const cmd = `http://127.0.0.1:${stack.commandApi.port}`;
  const query = (u: TestUser) => new TestUser(`http://127.0.0.1:${stack.queryApi.port}`, u.tokens);
  const [alice, mallory, ghost] = await Promise.all(['alice', 'mallory', 'ghost'].map((n) => TestUser.register(cmd, n)));
  const roomId: string = (await alice.call('POST', '/api/rooms', { name: 'ops', visibility: 'public' })).body.roomId;
  for (const u of [mallory, ghost]) expect((await u.call('POST', `/api/rooms/${roomId}/join`)).status).toBe(200);
  let lastSent = 0;
  const send = async (text: string) => {
    const r = await alice.call('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: text.replaceAll(' ', '-'), text });
    expect(r.status).toBe(201);
    return (lastSent = r.body.seq);
  };
  await send('hello ops');
  // A stuck presence key: a connection whose edge is gone, written with a far staleness.
  const stuckKey = `${ghost.id}.stuck-connection`;
  const presence = await new Kvm(nc).open(Buckets.presence);
  const now = new Date().toISOString();
  await presence.put(stuckKey, JSON.stringify({ userId: ghost.id, node: 'edge-gone', connectedAt: now, heartbeatAt: now, staleAfterMs: 3_600_000 } satisfies PresenceEntry));
  const isOnline = async (u: TestUser) => (await query(alice).call('GET', `/api/users/${u.id}/presence`)).body.online as boolean;
  await waitFor('the stuck key to show ghost online', async () => isOnline(ghost), 10_000);
  const mallorySession = JSON.parse(Buffer.from(mallory.tokens.accessToken.split('.')[1], 'base64url').toString()).sid as string;
  let typist: TestSocket | undefined;
  const restoredInto = new Map<string, number>();

  const values: Record<string, () => string> = {
    '<seq>': () => String(lastSent),
    '<roomId>': () => roomId,
    '<sessionId>': () => mallorySession,
    '<userId>.<connId>': () => stuckKey,
    '<now>': () => new Date().toISOString(),
    '<in 20 minutes>': () => new Date(Date.now() + 20 * 60_000).toISOString(),
    '<fileId>': () => fileId,
  };
  const fill = (line: string) => Object.entries(values).reduce((l, [k, v]) => l.replaceAll(k, v()), line);
  const unquote = (s: string) => s.replace(/^'(.*)'$/, '$1');
  const backupDir = (d: string) => join(dir, d.replace(/^\.\//, ''));

  // A file in the room, for the object store commands (uploaded to command-api directly: no gateway here).
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('%PDF-1.4 runbook')]), 'runbook.pdf');
  const uploaded = await fetch(`${cmd}/api/rooms/${roomId}/files`, { method: 'POST', headers: { authorization: `Bearer ${alice.tokens.accessToken}` }, body: form });
  expect(uploaded.status).toBe(201);
  const fileId = ((await uploaded.json()) as { file: { fileId: string } }).file.fileId;

  const handlers: [RegExp, (m: RegExpMatchArray) => Promise<void>][] = [
    [/^nats object ls (\S+)$/, async ([, bucket]) => {
      const names = (await (await new Objm(nc).open(bucket)).list()).map((o) => o.name);
      expect(names).toContain(FileObjects.file(fileId));
    }],
    [/^nats object info (\S+) (\S+)$/, async ([, bucket, name]) => {
      const info = await (await new Objm(nc).open(bucket)).info(name);
      expect(info?.metadata).toMatchObject({ 'Natter-Room': roomId, 'Natter-Content-Type': 'application/pdf', 'Natter-File-Name': 'runbook.pdf' });
    }],
    [/^nats consumer info (\S+) (\S+)$/, async ([, s, name]) => {
      const info = await jsm.consumers.info(s, name);
      expect(info.config).toMatchObject({ durable_name: 'natter_file_reaper', filter_subject: 'ev.room.*.msg' });
      expect(info.num_pending).toBeGreaterThanOrEqual(0);
    }],
    [/^nats stream info (\S+)$/, async ([, s]) => {
      const i = await jsm.streams.info(s);
      expect(i.config).toMatchObject({ name: Streams.events, deny_delete: true, deny_purge: true, allow_direct: true, republish: { src: 'ev.>', dest: 'live.>' }, max_age: 0, max_msgs: -1 });
      expect(i.state.last_seq).toBeGreaterThanOrEqual(lastSent);
    }],
    [/^nats stream report$/, async () => {
      const names: string[] = [];
      for await (const s of jsm.streams.list()) names.push(s.config.name);
      expect(names.sort()).toEqual([Streams.events, ...Object.values(Buckets).map((b) => `KV_${b}`), ...Object.values(ObjectStores).map((b) => `OBJ_${b}`)].sort());
    }],
    [/^nats consumer ls (\S+)$/, async ([, s]) => {
      const consumers = [];
      for await (const c of jsm.consumers.list(s)) consumers.push(c);
      expect(consumers.length).toBeGreaterThan(0); // the projector's ordered consumer at least
      // One durable consumer, the file reaper's (issue 13); the rest are ephemeral.
      expect(consumers.filter((c) => c.config.durable_name).map((c) => c.config.durable_name)).toEqual(['natter_file_reaper']);
    }],
    [/^nats kv ls$/, async () => {
      const buckets: string[] = [];
      for await (const b of new Kvm(nc).list()) buckets.push(b.bucket);
      expect(buckets.sort()).toEqual(Object.values(Buckets).sort());
    }],
    [/^nats stream get (\S+) (\d+)$/, async ([, s, seq]) => {
      const m = await jsm.streams.getMessage(s, { seq: Number(seq) });
      const envelope = m!.json<{ type: string; data: { text: string } }>();
      expect(envelope).toMatchObject({ type: 'MessageSent', data: { text: 'hello ops' } });
      expect(m!.header.get('Natter-Event-Type')).toBe('MessageSent');
    }],
    [/^nats stream get (\S+) --last-for (\S+)$/, async ([, s, subject]) => {
      const m = await jsm.streams.getMessage(s, { last_by_subj: unquote(subject) });
      expect(m!.seq).toBe(lastSent);
    }],
    [/^nats sub (\S+)$/, async ([, subject]) => {
      const subj = unquote(subject);
      if (subj.startsWith('live.room.')) {
        const msg = await nextMessage(subj, () => send('watched live'));
        expect(msg.subject).toBe(`live.room.${roomId}.msg`);
        expect(Number(msg.headers?.get('Nats-Sequence'))).toBe(lastSent);
        expect(msg.headers?.get('Nats-Last-Sequence')).toBeTruthy();
      } else if (subj.startsWith('sig.typing.')) {
        typist ??= await alice.connect(edgeWs);
        const t = typist;
        t.send({ type: 'resume', epoch: (await t.until('hello', () => t.hello())).epoch, rooms: { [roomId]: lastSent } });
        await t.until('synced', (f) => f.some((x) => x.type === 'synced'));
        const msg = await nextMessage(subj, async () => t.send({ type: 'typing', roomId }));
        expect(msg.json()).toMatchObject({ roomId, userId: alice.id });
      } else throw new Error(`no check for nats sub ${subj}`);
    }],
    [/^nats kv ls (\S+)$/, async ([, bucket]) => {
      const kv = await new Kvm(nc).open(bucket);
      const keys: string[] = [];
      for await (const k of await kv.keys()) keys.push(k);
      if (bucket === Buckets.presence) expect(keys).toContain(stuckKey);
      else expect(bucket).toBe(Buckets.revoked);
    }],
    [/^nats kv put (\S+) (\S+) '(.*)'$/, async ([, bucket, key, value]) => {
      expect(bucket).toBe(Buckets.revoked);
      expect((await query(mallory).call('GET', '/api/me')).status).toBe(200);
      const socket = await mallory.connect(edgeWs);
      await (await new Kvm(nc).open(bucket)).put(key, value);
      // Refused everywhere at once, and the open socket is closed.
      await waitFor('the session to be refused', async () => (await query(mallory).call('GET', '/api/me')).status === 401, 5000);
      await waitFor('the socket to be closed 4102', async () => socket.closeCode === 4102, 5000);
    }],
    [/^nats kv get (\S+) (\S+)$/, async ([, bucket, key]) => {
      const e = await (await new Kvm(nc).open(bucket)).get(key);
      expect(e?.operation).toBe('PUT');
      if (bucket === Buckets.revoked) expect(Date.parse(e!.json<{ expiresAt: string }>().expiresAt)).toBeGreaterThan(Date.now());
      else expect(e!.json<PresenceEntry>()).toMatchObject({ userId: ghost.id, node: 'edge-gone' });
    }],
    [/^nats kv del (\S+) (\S+) -f$/, async ([, bucket, key]) => {
      expect(await isOnline(ghost)).toBe(true);
      await (await new Kvm(nc).open(bucket)).delete(key);
      await waitFor('ghost to be offline', async () => !(await isOnline(ghost)), 5000);
    }],
    [/^nats stream backup (\S+) (\S+)$/, async ([, s, d]) => {
      const r = await backupStream(nc, s, backupDir(d));
      expect(r.state.messages).toBe((await jsm.streams.info(s)).state.messages);
    }],
    [/^nats stream restore (\S+)$/, async ([, d]) => {
      // Into an empty NATS, as after losing the servers.
      spare ??= await startNats();
      const target = await connect({ servers: spare.url });
      try {
        const info = await restoreStream(target, backupDir(d));
        const original = await jsm.streams.info(info.config.name);
        expect(info.state.messages).toBeGreaterThan(0);
        expect({ first: info.state.first_seq, config: info.config.subjects }).toEqual({ first: original.state.first_seq, config: original.config.subjects });
        restoredInto.set(info.config.name, info.state.last_seq);
        if (info.config.name === Streams.events) {
          const m = await (await jetstreamManager(target)).streams.getMessage(Streams.events, { seq: 1 });
          expect(m!.data).toEqual((await jsm.streams.getMessage(Streams.events, { seq: 1 }))!.data);
        }
      } finally {
        await target.close();
      }
    }],
    [/^npm run replay -- (.*)$/, async ([, args]) => {
      const k = createKysely<any>(db.url, 1);
      try {
        const before = await activeReadModelSchema(k);
        await run('npm', ['run', 'replay', '--', ...args.split(' ')], { cwd: repoRoot, env: { ...process.env, NATS_URL: nats.url, DATABASE_URL: db.url, LOG_LEVEL: 'warn' } });
        expect(await activeReadModelSchema(k)).not.toBe(before); // verified equal, then swapped
      } finally {
        await k.destroy();
      }
    }],
  ];

  const commands = await runbookCommands();
  expect(commands.length).toBeGreaterThan(20);
  const performed: string[] = [];
  for (const line of commands) {
    const filled = fill(line);
    const h = handlers.find(([re]) => re.test(filled));
    if (!h) throw new Error(`docs/operations.md names \`${line}\`, which this test does not perform: add it here`);
    await h[1](filled.match(h[0])!);
    performed.push(line);
  }
  // The backup the runbook takes holds what a restore needs.
  expect([...restoredInto.keys()].sort()).toEqual([Streams.events, `KV_${Buckets.unique}`, `KV_${Buckets.msgDedupe}`, `KV_${Buckets.revoked}`].sort());
  expect(performed).toEqual(commands);
  await typist?.close();
}, 240_000);
