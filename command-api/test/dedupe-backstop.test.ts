import { Kvm } from '@nats-io/kv';
import { Buckets, MsgDedupe, type AuthTokens } from '@natter/contracts';
import { activeReadModelSchema } from '@natter/infra/runtime';
import { waitFor } from '@natter/infra/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

/**
 * Sends' dedupe records come from the projector (which is not running here: the test moves the checkpoint); command-api's DedupeBackstop
 * leaves a send to it once the chat projection's checkpoint has passed the send, and writes the record itself
 * for a send still not applied after COMMAND_API_DEDUPE_BACKSTOP_MS (here 1 s).
 */
let h: Harness;
let alice: AuthTokens;
let roomId: string;
beforeAll(async () => {
  h = await startHarness({ projectors: false, env: { COMMAND_API_DEDUPE_BACKSTOP_MS: '1000' } });
  alice = await h.register('alice');
  roomId = (await h.http('POST', '/api/rooms', { name: 'backstop', visibility: 'public' }, alice.accessToken)).body.roomId;
});
afterAll(() => h?.stop());

const backstop = async (outcome: string) => {
  const m = new RegExp(`natter_dedupe_backstop_records_total\\{outcome="${outcome}"\\} (\\d+)`).exec((await fetch(`${h.base}/metrics`).then((r) => r.text())) ?? '');
  return Number(m?.[1] ?? 0);
};
const record = async (clientMsgId: string) => {
  const e = await (await new Kvm(h.nc).open(Buckets.msgDedupe)).get(MsgDedupe.key(roomId, alice.user.id, clientMsgId));
  return e?.operation === 'PUT' ? e.json() : null;
};
const setCheckpoint = async (seq: number) => {
  const schema = await activeReadModelSchema(h.db);
  await sql`insert into ${sql.table(`${schema}.checkpoint`)} (projection, last_seq) values ('chat', ${seq})
    on conflict (projection) do update set last_seq = excluded.last_seq`.execute(h.db);
};

it('a send the projection has applied is left to the projector: command-api writes no record for it', async () => {
  const sent = await h.http('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'applied', text: 'x' }, alice.accessToken);
  await setCheckpoint(sent.body.seq);
  await waitFor('the backstop to let it go', async () => (await backstop('left_to_projector')) >= 1);
  expect(await record('applied')).toBeNull();
});

it('a send the projection has not applied gets its record from the backstop: a retry then finds the first result', async () => {
  const sent = await h.http('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'late', text: 'y' }, alice.accessToken);
  expect(await record('late')).toBeNull(); // not on the send's path
  await waitFor('the backstop record', async () => (await record('late')) !== null);
  expect(await record('late')).toEqual({ seq: sent.body.seq, messageId: sent.body.message.id, sentAt: sent.body.message.sentAt });
  expect(await backstop('written')).toBeGreaterThanOrEqual(1);
  // A retry answers the stored original once the read model says it was not deleted since: let it be current.
  await setCheckpoint(sent.body.seq);
  const retry = await h.http('POST', `/api/rooms/${roomId}/messages`, { clientMsgId: 'late', text: 'y' }, alice.accessToken);
  expect(retry.body).toEqual({ ...sent.body, duplicate: true });
});
