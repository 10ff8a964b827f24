import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { Buckets, MsgDedupe } from '@natter/contracts';
import { provisionBuckets } from '@natter/infra/provision';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProjectors } from '../src/app';
import { append, checkpointOf, ev, silent, startEnv, waitCheckpoint, type Env } from './fixtures';

/**
 * The live projector writes each send's dedupe record (KV natter_msg_dedupe, contracts' MsgDedupe) from the
 * committed MessageSent event before the batch's checkpoint moves, so command-api's send is one JetStream write
 * and a retry after the stream's duplicate window still finds the first result.
 */
let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

const record = async (roomId: string, senderId: string, clientMsgId: string) => {
  const e = await (await new Kvm(env.nc).open(Buckets.msgDedupe)).get(MsgDedupe.key(roomId, senderId, clientMsgId));
  return e?.operation === 'PUT' ? e.json() : null;
};

it("records every recent send as {seq, messageId, sentAt}; a send older than the bucket's TTL is not brought back", async () => {
  const now = new Date();
  const [, recent] = ev.msg('dr', 'u1', 1);
  const seq = await append(env.js, ...ev.msg('dr', 'u1', 1), 'u1', now);
  const old = await append(env.js, ...ev.msg('dr', 'u1', 2), 'u1', new Date(Date.now() - MsgDedupe.ttlMs - 60_000));
  const app = await startProjectors(env.config, silent);
  try {
    await waitCheckpoint(env.db, old);
    expect(await record('dr', 'u1', 'c1')).toEqual({ seq, messageId: (recent.data as { messageId: string }).messageId, sentAt: now.toISOString() });
    expect(await record('dr', 'u1', 'c2')).toBeNull();
  } finally {
    await app.close();
  }
});

it('a record that cannot be written holds the batch back (the checkpoint does not move); once it can, both happen', async () => {
  const app = await startProjectors(env.config, silent);
  try {
    const before = await append(env.js, ...ev.msg('dr2', 'u1', 3), 'u1', new Date());
    await waitCheckpoint(env.db, before);
    const jsm = await jetstreamManager(env.nc);
    await jsm.streams.delete(`KV_${Buckets.msgDedupe}`);
    const seq = await append(env.js, ...ev.msg('dr2', 'u1', 4), 'u1', new Date());
    // The projector keeps trying the batch; nothing of it commits while the record cannot be stored.
    await expect(waitCheckpoint(env.db, seq, 1500)).rejects.toThrow();
    expect(await checkpointOf(env.db)).toBe(before);
    await provisionBuckets(env.nc, silent);
    await waitCheckpoint(env.db, seq, 20_000);
    expect(await record('dr2', 'u1', 'c4')).toMatchObject({ seq });
  } finally {
    await app.close();
  }
});
