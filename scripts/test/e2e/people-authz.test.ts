import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, type CommandName, type ErrorCode } from '@natter/contracts';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { startStack, type Stack } from '../../src/stack/index';
import { relaxedRateLimits } from '../support/limits';
import { TestSocket, TestUser } from '../support/client';
import { httpCommand, StreamWatch, synced, wsCommand, type Outcome } from '../support/people';

/**
 * The authorization matrix of issue 11 on the real stack (gateway, command-api, query-api, projectors, an
 * edge): every new command, over HTTP and over the WebSocket (`command` frames through the edge and NATS),
 * and every new read, for each of: server admin, room owner, room admin, moderator, member, a banned user, a
 * removed (kicked) user, a deactivated account and an outsider. Every refusal must be a 4xx with a code from
 * the closed list and leave the event stream exactly as it was; every allowed call must succeed (each on a
 * fresh room, since it changes things). Room delivery (the edge's `synced` rooms) is checked per role too.
 */
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;
let base: string;
let wsUrl: string;
let stream: StreamWatch;

const roles = ['serverAdmin', 'owner', 'admin', 'moderator', 'member', 'banned', 'removed', 'deactivated', 'outsider'] as const;
type Role = (typeof roles)[number];
const u = {} as Record<Role | 'target' | 'spare' | 'victim', TestUser>;
const sockets = {} as Record<Exclude<Role, 'deactivated'>, TestSocket>;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-authz-'))]);
  stack = await startStack({
    dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, edges: 1, log: pino({ level: 'silent' }),
    // the matrix sends many frames and messages quickly: the per-socket and per-user limits are not under test
    env: { ...relaxedRateLimits, EDGE_COMMANDS_PER_SECOND: '5000', EDGE_COMMAND_BURST: '5000', COMMAND_API_SENDS_PER_SECOND: '5000' },
  });
  base = stack.gatewayUrl!;
  wsUrl = `${base.replace('http', 'ws')}/ws`;
  stream = await StreamWatch.open(stack.natsUrl);
  u.serverAdmin = await TestUser.register(base, 'root'); // the first account is the server admin
  for (const r of roles.filter((x) => x !== 'serverAdmin')) u[r] = await TestUser.register(base, r);
  for (const r of ['target', 'spare', 'victim'] as const) u[r] = await TestUser.register(base, r);
  expect((await u.serverAdmin.call('POST', `/api/admin/users/${u.deactivated.id}/deactivate`)).status).toBe(200);
  for (const r of roles) if (r !== 'deactivated') sockets[r] = await u[r].connect(wsUrl);
}, 180_000);

afterAll(async () => {
  for (const s of Object.values(sockets)) await s?.close().catch(() => {});
  await stream?.close();
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Fixture {
  roomId: string;
  inviteId: string;
  code: string;
}

/** A public room with an owner, an admin, a moderator, a member and the target; one banned, one kicked; an invite. */
async function fixture(): Promise<Fixture> {
  const ok = async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  const { roomId } = await ok(u.owner.call('POST', '/api/rooms', { name: 'matrix', visibility: 'public' }));
  for (const r of ['admin', 'moderator', 'member', 'banned', 'removed', 'target'] as const) await ok(u[r].call('POST', `/api/rooms/${roomId}/join`));
  await ok(u.owner.call('PATCH', `/api/rooms/${roomId}/members/${u.admin.id}`, { role: 'admin' }));
  await ok(u.owner.call('PATCH', `/api/rooms/${roomId}/members/${u.moderator.id}`, { role: 'moderator' }));
  await ok(u.moderator.call('POST', `/api/rooms/${roomId}/bans`, { userId: u.banned.id }));
  await ok(u.moderator.call('DELETE', `/api/rooms/${roomId}/members/${u.removed.id}`));
  const inv = await ok(u.owner.call('POST', `/api/rooms/${roomId}/invites`, {}));
  return { roomId, inviteId: inv.invite.id, code: inv.code };
}

let n = 0;
const fresh = async () => TestUser.register(base, `fresh${++n}`);
const members = ['owner', 'admin', 'moderator', 'member'] as const;
const everyone = roles.filter((r) => r !== 'deactivated');

/** Every new command: its input for a fixture (and a setup for allowed runs that need one), and who may run it. */
const commands: { name: CommandName; allowed: readonly Role[]; input: (f: Fixture, allowedRun: boolean) => Promise<Record<string, unknown>> | Record<string, unknown>; skipAllowed?: string }[] = [
  { name: 'UpdateRoom', allowed: ['owner', 'admin'], input: (f) => ({ roomId: f.roomId, name: 'renamed', topic: 'new topic' }) },
  { name: 'ArchiveRoom', allowed: ['owner', 'admin', 'serverAdmin'], input: (f) => ({ roomId: f.roomId }) },
  { name: 'UnarchiveRoom', allowed: ['owner', 'admin', 'serverAdmin'], input: (f) => ({ roomId: f.roomId }) },
  { name: 'DeleteRoom', allowed: ['owner', 'serverAdmin'], input: (f) => ({ roomId: f.roomId }) },
  { name: 'ChangeMemberRole', allowed: ['owner', 'admin'], input: (f) => ({ roomId: f.roomId, userId: u.target.id, role: 'moderator' }) },
  { name: 'TransferOwnership', allowed: ['owner'], input: (f) => ({ roomId: f.roomId, userId: u.target.id }) },
  { name: 'BanMember', allowed: ['owner', 'admin', 'moderator'], input: (f) => ({ roomId: f.roomId, userId: u.target.id, reason: 'matrix' }) },
  { name: 'UnbanMember', allowed: ['owner', 'admin', 'moderator'], input: (f) => ({ roomId: f.roomId, userId: u.banned.id }) },
  { name: 'CreateInvite', allowed: ['owner', 'admin'], input: (f) => ({ roomId: f.roomId, expiresInHours: 2, maxUses: 3 }) },
  { name: 'RevokeInvite', allowed: ['owner', 'admin'], input: (f) => ({ roomId: f.roomId, inviteId: f.inviteId }) },
  { name: 'AddMember', allowed: ['owner', 'admin'], input: (f) => ({ roomId: f.roomId, userId: u.spare.id }) },
  { name: 'RemoveMember', allowed: ['owner', 'admin', 'moderator'], input: (f) => ({ roomId: f.roomId, userId: u.target.id }) },
  // Members joining again change nothing (200 with the current seq); the public room lets outsiders and the kicked in.
  { name: 'JoinRoom', allowed: ['serverAdmin', ...members, 'removed', 'outsider'], input: (f) => ({ roomId: f.roomId }) },
  { name: 'LeaveRoom', allowed: ['admin', 'moderator', 'member'], input: (f) => ({ roomId: f.roomId }) },
  { name: 'SendMessage', allowed: members, input: (f) => ({ roomId: f.roomId, clientMsgId: `c${++n}`, text: 'matrix message' }) },
  { name: 'RedeemInvite', allowed: ['serverAdmin', ...members, 'removed', 'outsider'], input: (f) => ({ code: f.code }) },
  { name: 'SendDirectMessage', allowed: everyone, input: () => ({ userIds: [u.target.id], clientMsgId: `d${++n}`, text: 'psst' }) },
  { name: 'DeactivateUser', allowed: ['serverAdmin'], input: async (_f, run) => ({ userId: run ? (await fresh()).id : u.victim.id }) },
  { name: 'ReactivateUser', allowed: ['serverAdmin'], input: async (_f, run) => ({ userId: run ? (await fresh()).id : u.victim.id }) },
  { name: 'ForceLogout', allowed: ['serverAdmin'], input: async (_f, run) => ({ userId: run ? (await fresh()).id : u.victim.id }) },
  { name: 'ResetPassword', allowed: ['serverAdmin'], input: async (_f, run) => ({ userId: run ? (await fresh()).id : u.victim.id, password: 'a new password!' }) },
  { name: 'GrantServerAdmin', allowed: ['serverAdmin'], input: async (_f, run) => ({ userId: run ? (await fresh()).id : u.victim.id }) },
  {
    name: 'RevokeServerAdmin', allowed: ['serverAdmin'],
    input: async (_f, run) => {
      if (!run) return { userId: u.serverAdmin.id };
      const second = await fresh();
      expect((await u.serverAdmin.call('POST', `/api/admin/users/${second.id}/admin`)).status).toBe(200);
      return { userId: second.id };
    },
  },
  { name: 'UpdateServerSettings', allowed: ['serverAdmin'], input: () => ({ registrationOpen: true }) },
  { name: 'RebuildReadModel', allowed: ['serverAdmin'], input: () => ({}), skipAllowed: 'started and followed to the end in people-stack.test.ts' },
];

const statusOf = (code: string) => ErrorCodes[code as ErrorCode]?.status ?? 500;

async function run(transport: 'http' | 'ws', role: Role, name: CommandName, input: Record<string, unknown>): Promise<Outcome> {
  if (transport === 'http' || role === 'deactivated') return httpCommand(u[role], name, input);
  return wsCommand(sockets[role], name, input, statusOf);
}

function expectRefused(o: Outcome, what: string): void {
  expect(o.status, `${what}: ${JSON.stringify(o.body)}`).toBeGreaterThanOrEqual(400);
  expect(o.status, what).toBeLessThan(500);
  expect(Object.keys(ErrorCodes), what).toContain(o.code);
}

describe('authorization matrix: commands', () => {
  let refusals: Fixture;
  beforeAll(async () => {
    refusals = await fixture();
  }, 60_000);

  for (const transport of ['http', 'ws'] as const) {
    for (const c of commands) {
      it(`${c.name} over ${transport}: refused (4xx, nothing written) for ${roles.filter((r) => !c.allowed.includes(r)).join(', ')}`, async () => {
        for (const role of roles.filter((r) => !c.allowed.includes(r))) {
          const input = await c.input(refusals, false);
          const before = await stream.lastSeq();
          const o = await run(transport, role, c.name, input);
          expectRefused(o, `${c.name} by ${role} over ${transport}`);
          if (role === 'deactivated') expect(o.code).toBe('user_deactivated');
          expect(await stream.lastSeq(), `${c.name} by ${role} over ${transport} wrote something`).toBe(before);
        }
      });

      it.skipIf(c.skipAllowed !== undefined)(`${c.name} over ${transport}: allowed for ${c.allowed.join(', ')}`, async () => {
        for (const role of c.allowed) {
          const f = c.name.endsWith('ServerAdmin') || c.name === 'SendDirectMessage' || c.name.endsWith('User') ? refusals : await fixture();
          const o = await run(transport, role, c.name, await c.input(f, true));
          expect(o.status, `${c.name} by ${role} over ${transport}: ${JSON.stringify(o.body)}`).toBeLessThan(300);
        }
      });
    }
  }

  it('a deactivated account cannot even open a socket (403 user_deactivated at the upgrade)', async () => {
    await expect(u.deactivated.connect(wsUrl)).rejects.toThrow(/403/);
  });
});

describe('authorization matrix: reads and delivery', () => {
  let f: Fixture;
  let seq: number;
  beforeAll(async () => {
    f = await fixture();
    const sent = await u.member.call('POST', `/api/rooms/${f.roomId}/messages`, { clientMsgId: 'read-1', text: 'for the record' });
    seq = sent.body.seq;
  }, 60_000);

  const reads: { path: (f: Fixture) => string; allowed: readonly Role[] }[] = [
    { path: (x) => `/api/rooms/${x.roomId}/invites`, allowed: ['owner', 'admin'] },
    { path: (x) => `/api/rooms/${x.roomId}/bans`, allowed: ['owner', 'admin', 'moderator'] },
    { path: (x) => `/api/rooms/${x.roomId}/messages`, allowed: members },
    { path: () => '/api/users?q=tar', allowed: everyone },
    { path: () => `/api/users/${u.target.id}`, allowed: everyone },
    { path: () => '/api/admin/users?q=tar', allowed: ['serverAdmin'] },
    { path: () => `/api/admin/users/${u.target.id}/sessions`, allowed: ['serverAdmin'] },
    { path: () => '/api/admin/rooms', allowed: ['serverAdmin'] },
    { path: (x) => `/api/admin/rooms/${x.roomId}/members`, allowed: ['serverAdmin'] },
    { path: () => '/api/admin/audit?type=MemberBanned', allowed: ['serverAdmin'] },
    { path: () => '/api/admin/status', allowed: ['serverAdmin'] },
  ];

  for (const r of reads) {
    it(`GET ${r.path.toString().replace(/^.*=> /, '').replace(/[`']/g, '')}: ${r.allowed.join(', ')} only`, async () => {
      for (const role of roles) {
        const path = r.path(f);
        const url = path.includes('/status') ? path : `${path}${path.includes('?') ? '&' : '?'}minSeq=${seq}`;
        const res = await u[role].call('GET', url);
        if (r.allowed.includes(role)) expect(res.status, `${role} ${path}: ${JSON.stringify(res.body)}`).toBe(200);
        else expectRefused({ status: res.status, code: res.body?.error?.code, body: res.body }, `${role} ${path}`);
      }
    });
  }

  it('room delivery: the edge delivers the room to its members only (banned, removed, outsiders and admins of the server do not get it)', async () => {
    for (const role of everyone) {
      const { socket, rooms } = await synced(u[role], wsUrl);
      expect(f.roomId in rooms, role).toBe((members as readonly Role[]).includes(role));
      await socket.close();
    }
  });
});
