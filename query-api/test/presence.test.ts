import { Kvm, type KV } from '@nats-io/kv';
import { Buckets, presenceKey, Subjects, type PresenceEntry, type RpcReply } from '@natter/contracts';
import { waitFor } from '@natter/infra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
let kv: KV;
const tok: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness({ QUERY_API_SCHEMA_POLL_MS: '600000' });
  for (const u of ['alice', 'bob', 'carol']) await h.addUser(u);
  await h.addRoom('pub', 'public', [['alice', 'owner'], ['bob', 'member']]);
  await h.addRoom('solo', 'private', [['carol', 'owner']]);
  await h.setCheckpoint(h.nextSeq());
  for (const u of ['alice', 'bob', 'carol']) tok[u] = await h.token(u);
  kv = await new Kvm(h.nc).open(Buckets.presence);
});
afterAll(async () => {
  await h?.close();
});

function entry(userId: string, heartbeatAgoMs: number, staleAfterMs = 600): PresenceEntry {
  const t = new Date(Date.now() - heartbeatAgoMs).toISOString();
  return { userId, node: 'edge-x', connectedAt: t, heartbeatAt: t, staleAfterMs };
}

describe('GET /api/users/:userId/presence', () => {
  it('needs a signed-in caller', async () => {
    const r = await h.get('/api/users/alice/presence');
    expect(r.status).toBe(401);
  });

  it('offline without entries; online with a fresh one; offline once deleted', async () => {
    const off = await h.get('/api/users/alice/presence', tok.carol);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ userId: 'alice', online: false });
    expect(Date.parse(off.body.asOf)).toBeGreaterThan(Date.now() - 5000);
    expect(off.headers.get('natter-as-of-seq')).toBeNull();

    await kv.put(presenceKey('alice', 'c1'), JSON.stringify(entry('alice', 0, 60_000)));
    await waitFor('alice online', async () => (await h.get('/api/users/alice/presence', tok.carol)).body.online === true, 5000);
    await kv.delete(presenceKey('alice', 'c1'));
    await waitFor('alice offline', async () => (await h.get('/api/users/alice/presence', tok.carol)).body.online === false, 5000);
  });

  it('an entry whose heartbeat is older than its staleAfterMs counts as gone (an edge that died)', async () => {
    await kv.put(presenceKey('bob', 'dead'), JSON.stringify(entry('bob', 0, 600)));
    await waitFor('bob online', async () => (await h.get('/api/users/bob/presence', tok.alice)).body.online === true, 5000);
    // No delete, no event: staleness alone turns bob offline.
    await waitFor('bob offline by staleness', async () => (await h.get('/api/users/bob/presence', tok.alice)).body.online === false, 2000);
    await kv.put(presenceKey('bob', 'old'), JSON.stringify(entry('bob', 10_000, 600)));
    await new Promise((r) => setTimeout(r, 200));
    expect((await h.get('/api/users/bob/presence', tok.alice)).body.online).toBe(false);
  });

  it('rejects bad ids and unknown query parameters', async () => {
    expect((await h.get('/api/users/a.b/presence', tok.alice)).status).toBe(400);
    expect((await h.get('/api/users/alice/presence?x=1', tok.alice)).status).toBe(400);
  });
});

describe('natter.query.shares-room', () => {
  const ask = async (userId: string, others: unknown): Promise<RpcReply> =>
    (await h.nc.request(Subjects.querySharesRoom, JSON.stringify({ userId, others }), { timeout: 5000 })).json();

  it('answers the users sharing a room with the caller (and the caller)', async () => {
    const r = await ask('alice', ['bob', 'carol', 'alice', 'nobody']);
    expect(r.ok).toBe(true);
    expect(r.ok && (r.result as { shared: string[] }).shared.sort()).toEqual(['alice', 'bob']);
    const c = await ask('carol', ['alice', 'bob']);
    expect(c.ok && (c.result as { shared: string[] }).shared).toEqual([]);
  });

  it('validates its input', async () => {
    const r = await ask('alice', 'bob');
    expect(r).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});
