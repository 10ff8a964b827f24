import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { encodeEvent, newId, Subjects, type NewEvent, type RpcReply } from '@natter/contracts';
import type { KV } from '@nats-io/kv';
import { createKysely, createLogger, loadSigningKey, openRevocations, recordRevocation, signAccessToken } from '@natter/infra/runtime';
import { provisionAll } from '@natter/infra/provision';
import { createTestDatabase, generateJwtKeyPem, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import type { CryptoKey } from 'jose';
import { WebSocket } from 'ws';
import { startEdge, type EdgeHandle, type EdgeOverrides } from '../src/app';
import { loadConfig } from '../src/config';

export const log = createLogger('edge-test', process.env.TEST_LOG_LEVEL ?? 'silent');

/**
 * A throwaway world for one test file: nats-server + provisioned stream, a fake command-api / query-api that
 * appends real events to the real stream and answers membership from state it keeps, and edges.
 */
export class World {
  nats!: NatsServerHandle;
  db!: TestDatabase;
  nc!: NatsConnection;
  js!: JetStreamClient;
  fake!: FakeBackend;
  private keys!: { privateKeyPem: string; publicKeyPem: string };
  private signKey!: CryptoKey;
  private edges: EdgeHandle[] = [];
  private clients: Client[] = [];

  async start(): Promise<void> {
    this.nats = await startNats();
    this.db = await createTestDatabase();
    this.nc = await connect({ servers: this.nats.url });
    const kysely = createKysely(this.db.url);
    await provisionAll(this.nc, kysely, log);
    await kysely.destroy();
    this.js = jetstream(this.nc);
    this.keys = await generateJwtKeyPem();
    this.signKey = await loadSigningKey({ NATTER_JWT_PRIVATE_KEY: this.keys.privateKeyPem });
    this.fake = new FakeBackend(this.nc, this.js, await openRevocations(this.nc));
    await this.fake.start();
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.ws.terminate();
    for (const e of this.edges) await e.close().catch(() => {});
    await this.nc?.close().catch(() => {});
    await this.nats?.stop();
    await this.db?.drop();
  }

  async edge(overrides: EdgeOverrides = {}, env: Record<string, string> = {}): Promise<EdgeHandle> {
    const config = loadConfig({ ...this.edgeEnv(`edge-test-${this.edges.length}`), EDGE_PORT: '0', ...env });
    const e = await startEdge(config, log, overrides);
    this.edges.push(e);
    return e;
  }

  /** The environment of an edge of this world (tests that run an edge as a child process use it too). */
  edgeEnv(nodeId: string): Record<string, string> {
    return { NATS_URL: this.nats.url, NATTER_JWT_PUBLIC_KEY: this.keys.publicKeyPem, EDGE_NODE_ID: nodeId };
  }

  async token(userId: string, sessionId = `s-${userId}`, ttlSeconds?: number): Promise<string> {
    return (await signAccessToken(this.signKey, { sub: userId, sid: sessionId, usr: userId }, ttlSeconds)).token;
  }

  url(edge: EdgeHandle, token: string): string {
    return `ws://127.0.0.1:${edge.port}/ws?access_token=${token}`;
  }

  async client(edge: EdgeHandle, userId: string, sessionId?: string): Promise<Client> {
    const c = await Client.open(`ws://127.0.0.1:${edge.port}/ws?access_token=${await this.token(userId, sessionId)}`);
    this.clients.push(c);
    return c;
  }
}

type Frame = Record<string, any>;

/** A real WebSocket client that records every frame it receives. */
export class Client {
  readonly frames: Frame[] = [];
  closed?: { code: number; reason: string };
  /** Socket errors after open (an invalid frame from the server shows up here, then a 1006 close). */
  readonly errors: string[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.wake();
    });
    ws.on('error', (err) => {
      this.errors.push(String(err?.message ?? err));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: 10_000 });
      const c = new Client(ws);
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
      ws.once('error', reject);
    });
  }

  /** An upgrade the edge must refuse: its HTTP status and JSON error body (rejects if it upgrades). */
  static refused(url: string): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => {
        ws.terminate();
        reject(new Error('the upgrade was accepted'));
      });
      ws.once('unexpected-response', (req, res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          req.destroy();
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch (err) {
            reject(err);
          }
        });
      });
      ws.on('error', () => {});
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Wait until `pred` holds over the frames so far. */
  async until<T>(what: string, pred: (frames: Frame[]) => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred(this.frames);
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames).slice(0, 2000)}; closed: ${JSON.stringify(this.closed)}; errors: ${JSON.stringify(this.errors)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  frame(what: string, pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame> {
    return this.until(what, (fs) => fs.find(pred), timeoutMs);
  }

  /** The `hello` frame (waits for it). */
  hello(): Promise<Frame> {
    return this.frame('hello', (f) => f.type === 'hello');
  }

  /** Resume with these positions, in the epoch the `hello` named (as a client that collected them here would). */
  async resume(rooms: Record<string, number> = {}): Promise<Frame> {
    const { epoch } = await this.hello();
    const before = this.frames.length;
    this.send({ type: 'resume', epoch, rooms });
    return this.until('synced', (fs) => fs.slice(before).find((f) => f.type === 'synced'));
  }

  events(room?: string): Frame[] {
    return this.frames.filter((f) => f.type === 'event' && (room === undefined || f.room === room));
  }

  async request(frame: Frame): Promise<Frame> {
    this.send(frame);
    return this.frame(`reply to ${frame.id}`, (f) => (f.type === 'ack' || f.type === 'error') && f.id === frame.id);
  }

  waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    return this.until('close', () => this.closed, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Stands in for command-api and query-api: appends real events to the real stream (serially, so its state
 * follows stream order) and answers `natter.query.user-rooms` from the membership it has appended, and
 * `natter.query.deleted-messages` from the deletes.
 */
export class FakeBackend {
  /** roomId -> userId -> joinedSeq */
  readonly members = new Map<string, Map<string, number>>();
  readonly roomLastSeq = new Map<string, number>();
  /** `<roomId>:<messageSeq>` of every message deleted (MessageDeleted appended). */
  readonly deleted = new Set<string>();
  lastSeq = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly nc: NatsConnection, private readonly js: JetStreamClient, private readonly revoked: KV) {}

  async start(): Promise<void> {
    const reply = (fn: (req: any) => Promise<unknown>) => (err: Error | null, msg: any): void => {
      void (async () => {
      if (err) return;
      let out: RpcReply;
      try {
        out = { ok: true, result: await fn(msg.json()) };
      } catch (e) {
        const ne = e as { code?: string; message: string };
        out = { ok: false, error: { code: (ne.code as any) ?? 'internal', message: ne.message } };
      }
      msg.respond(JSON.stringify(out));
      })();
    };
    this.nc.subscribe(Subjects.queryUserRooms, {
      queue: Subjects.queryQueue,
      callback: reply(async (req: { userId: string; minSeq?: number }) => {
        await this.chain;
        const rooms = [...this.members].filter(([, m]) => m.has(req.userId)).map(([roomId, m]) => ({
          roomId,
          joinedSeq: m.get(req.userId)!,
          lastSeq: this.roomLastSeq.get(roomId) ?? 0,
        }));
        return { asOfSeq: Math.max(this.lastSeq, req.minSeq ?? 0), rooms };
      }),
    });
    this.nc.subscribe(Subjects.querySharesRoom, {
      queue: Subjects.queryQueue,
      callback: reply(async (req: { userId: string; others: string[] }) => {
        await this.chain;
        const shared = req.others.filter((o) => o === req.userId || [...this.members.values()].some((m) => m.has(req.userId) && m.has(o)));
        return { asOfSeq: this.lastSeq, shared };
      }),
    });
    this.nc.subscribe(Subjects.queryDeletedMessages, {
      queue: Subjects.queryQueue,
      callback: reply(async (req: { roomId: string; messageSeqs: number[] }) => {
        await this.chain;
        return { asOfSeq: this.lastSeq, deleted: req.messageSeqs.filter((s) => this.deleted.has(`${req.roomId}:${s}`)) };
      }),
    });
    this.nc.subscribe(Subjects.command('SendMessage'), {
      queue: Subjects.commandQueue,
      callback: reply(async (req) => {
        const { roomId, clientMsgId, text } = req.input;
        if (!this.members.get(roomId)?.has(req.auth.userId)) throw Object.assign(new Error('not a member'), { code: 'not_member' });
        const messageId = newId();
        const seq = await this.append(Subjects.roomMsg(roomId), { type: 'MessageSent', data: { roomId, messageId, senderId: req.auth.userId, clientMsgId, text } }, req.auth.userId);
        return { seq, duplicate: false, message: { id: messageId, roomId, seq, senderId: req.auth.userId, clientMsgId, text, sentAt: new Date().toISOString() } };
      }),
    });
    this.nc.subscribe(Subjects.command('JoinRoom'), {
      queue: Subjects.commandQueue,
      callback: reply(async (req) => ({ roomId: req.input.roomId, seq: await this.join(req.input.roomId, req.auth.userId) })),
    });
    this.nc.subscribe(Subjects.command('LeaveRoom'), {
      queue: Subjects.commandQueue,
      callback: reply(async (req) => ({ roomId: req.input.roomId, seq: await this.leave(req.input.roomId, req.auth.userId) })),
    });
    await this.nc.flush();
  }

  /** The stream was recreated: nothing appended so far exists any more. */
  forget(): void {
    this.members.clear();
    this.roomLastSeq.clear();
    this.deleted.clear();
    this.lastSeq = 0;
  }

  /** Append one event; state updates happen in stream order. */
  append(subject: string, e: NewEvent, actor: string | null): Promise<number> {
    const run = this.chain.then(async () => {
      const { body, headers } = encodeEvent(e, actor);
      const h = natsHeaders();
      for (const [k, v] of Object.entries(headers)) h.set(k, v);
      const ack = await this.js.publish(subject, body, { headers: h });
      this.lastSeq = Math.max(this.lastSeq, ack.seq);
      const p = subject.split('.');
      if (p[1] === 'room') {
        this.roomLastSeq.set(p[2], ack.seq);
        if (e.type === 'MemberJoined') {
          if (!this.members.has(p[2])) this.members.set(p[2], new Map());
          this.members.get(p[2])!.set(e.data.userId, ack.seq);
        }
        if (e.type === 'MemberLeft') this.members.get(p[2])?.delete(e.data.userId);
        if (e.type === 'MessageDeleted') this.deleted.add(`${p[2]}:${e.data.messageSeq}`);
      }
      return ack.seq;
    });
    this.chain = run.catch(() => {});
    return run;
  }

  async createRoom(roomId: string, ownerId: string, others: string[] = []): Promise<number> {
    await this.append(Subjects.roomMeta(roomId), { type: 'RoomCreated', data: { roomId, name: roomId, topic: '', visibility: 'public', createdBy: ownerId } }, ownerId);
    let seq = await this.join(roomId, ownerId, 'owner');
    for (const u of others) seq = await this.join(roomId, u);
    return seq;
  }

  join(roomId: string, userId: string, role: 'owner' | 'member' = 'member'): Promise<number> {
    return this.append(Subjects.roomMeta(roomId), { type: 'MemberJoined', data: { roomId, userId, role, addedBy: null } }, userId);
  }

  leave(roomId: string, userId: string): Promise<number> {
    return this.append(Subjects.roomMeta(roomId), { type: 'MemberLeft', data: { roomId, userId, reason: 'left', removedBy: null } }, userId);
  }

  message(roomId: string, senderId: string, text: string): Promise<number> {
    return this.append(Subjects.roomMsg(roomId), { type: 'MessageSent', data: { roomId, messageId: newId(), senderId, clientMsgId: newId(), text } }, senderId);
  }

  /** A message deleted (on the room's msg subject, as command-api appends it). */
  deleteMessage(roomId: string, messageSeq: number, deletedBy: string): Promise<number> {
    return this.append(Subjects.roomMsg(roomId), { type: 'MessageDeleted', data: { roomId, messageSeq, deletedBy } }, deletedBy);
  }

  /** What command-api's logout does: record the revocation in natter_revoked, then append SessionRevoked. */
  async revoke(userId: string, sessionId: string): Promise<number> {
    await recordRevocation(this.revoked, { sessionId });
    return this.append(Subjects.user(userId), { type: 'SessionRevoked', data: { userId, sessionId, reason: 'logout' } }, userId);
  }

  /** What a deactivation command is to do: record `user.<id>` in natter_revoked, then append UserDeactivated. */
  async deactivate(userId: string): Promise<number> {
    await recordRevocation(this.revoked, { userId });
    return this.append(Subjects.user(userId), { type: 'UserDeactivated', data: { userId } }, null);
  }
}

export const seqs = (frames: Frame[]) => frames.map((f) => f.seq as number);
export const texts = (frames: Frame[]) => frames.filter((f) => f.event.type === 'MessageSent').map((f) => f.event.data.text as string);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
