import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import pino from 'pino';
import { Buckets, Limits, NatterError } from '@natter/contracts';
import { createKysely, recordRevocation, RevocationKeys, watchRevocations, type RevocationWatch } from '../src/runtime/index';
import { provisionAll, RevokedTtlMs } from '../src/provision/index';
import { createTestDatabase, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '../src/testing/index';

const log = pino({ level: 'silent' });
let nats: NatsServerHandle;
let db: TestDatabase;
let nc: NatsConnection;
const watches: RevocationWatch[] = [];
const watch = () => {
  const w = watchRevocations(nc, log);
  watches.push(w);
  return w;
};

beforeAll(async () => {
  [nats, db] = await Promise.all([startNats(), createTestDatabase()]);
  nc = await connect({ servers: nats.url });
});
afterAll(async () => {
  for (const w of watches) await w.stop();
  await nc?.close();
  await nats?.stop();
  await db?.drop();
});

describe('watchRevocations', () => {
  it('fails start-up (ready rejects) when the bucket was never provisioned', async () => {
    await expect(watch().ready).rejects.toThrow(/natter_revoked/);
    const k = createKysely<any>(db.url);
    await provisionAll(nc, k, log);
    await k.destroy();
  });

  it('provisions natter_revoked as a file bucket, history 1, TTL longer than an access token', async () => {
    const status = await (await new Kvm(nc).open(Buckets.revoked)).status();
    expect(status.history).toBe(1);
    expect(status.storage).toBe('file');
    expect(status.ttl).toBe(RevokedTtlMs);
    expect(RevokedTtlMs).toBeGreaterThan(Limits.accessTokenSeconds * 1000);
  });

  it('is ready at once on an empty bucket', async () => {
    const w = watch();
    await w.ready;
    expect(w.size).toBe(0);
  });

  it('knows revocations made before it started once ready resolves, and new ones within milliseconds', async () => {
    const kv = await new Kvm(nc).open(Buckets.revoked);
    await recordRevocation(kv, { sessionId: 'before-1' });
    await recordRevocation(kv, { sessionId: 'before-2' });
    await recordRevocation(kv, { sessionId: 'before-1' }); // written twice: still one entry
    await recordRevocation(kv, { userId: 'gone-user' });
    const w = watch();
    await w.ready;
    expect(w.isRevoked('before-1')).toBe(true);
    expect(w.isRevoked('before-2')).toBe(true);
    expect(w.isUserRevoked('gone-user')).toBe(true);
    expect(w.isRevoked('never')).toBe(false);
    expect(w.size).toBe(3);

    expect(() => w.assertActive({ sub: 'u', sid: 'before-1' })).toThrow(expect.objectContaining({ code: 'unauthenticated', message: expect.stringMatching(/revoked/) }));
    expect(() => w.assertActive({ sub: 'gone-user', sid: 'other' })).toThrow(NatterError);
    expect(() => w.assertActive({ sub: 'u', sid: 'other' })).not.toThrow();

    const t0 = Date.now();
    await recordRevocation(kv, { sessionId: 'after-1' });
    await waitFor('live revocation', async () => w.isRevoked('after-1'), 1000, 5);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('stored values are {revokedAt, expiresAt} and entries past expiresAt are forgotten without an event', async () => {
    const kv = await new Kvm(nc).open(Buckets.revoked);
    const w = watch();
    await w.ready;
    const now = Date.now();
    await recordRevocation(kv, { sessionId: 'shape' }, now);
    const stored = (await kv.get(RevocationKeys.session('shape')))!.json<{ revokedAt: string; expiresAt: string }>();
    expect(Date.parse(stored.revokedAt)).toBe(now);
    expect(Date.parse(stored.expiresAt)).toBeGreaterThanOrEqual(now + Limits.accessTokenSeconds * 1000);

    await kv.put(RevocationKeys.session('short'), JSON.stringify({ revokedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 300).toISOString() }));
    await waitFor('short revocation', async () => w.isRevoked('short'), 1000, 5);
    await new Promise((r) => setTimeout(r, 350));
    expect(w.isRevoked('short')).toBe(false);
  });
});
