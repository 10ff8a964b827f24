import { jetstreamManager } from '@nats-io/jetstream';
import { CloseCode, Streams } from '@natter/contracts';
import { eventStreamConfig } from '@natter/infra/provision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeHandle } from '../src/app';
import type { LiveEvents } from '../src/ports';
import { seqs, sleep, World } from './harness';

const w = new World();
let edge: EdgeHandle;
/** Hears nothing live (every republished message is dropped): only its periodic check can notice a new stream. */
let deaf: EdgeHandle;

const streamInfo = async () => (await jetstreamManager(w.nc)).streams.info(Streams.events);

beforeAll(async () => {
  await w.start();
  // A long periodic check: the recreation below must be noticed from the live messages themselves.
  edge = await w.edge({}, { EDGE_EPOCH_CHECK_MS: '600000' });
  const drop = (real: LiveEvents): LiveEvents => ({
    subscribe: (subject) => real.subscribe(subject, () => {}),
    onReconnect: (cb) => real.onReconnect(cb),
    isConnected: () => real.isConnected(),
  });
  deaf = await w.edge({ liveEvents: drop }, { EDGE_EPOCH_CHECK_MS: '200' });
});
afterAll(() => w.stop());

describe('epochs', () => {
  it('hello and synced carry the stream epoch (its creation time); a resume without positions needs none', async () => {
    await w.fake.createRoom('e1', 'ann', ['bo']);
    const { created } = await streamInfo();
    const ann = await w.client(edge, 'ann');
    expect(await ann.hello()).toMatchObject({ type: 'hello', epoch: created });
    ann.send({ type: 'resume', rooms: {} });
    const synced = await ann.frame('synced', (f) => f.type === 'synced');
    expect(synced).toEqual({ type: 'synced', epoch: created, rooms: { e1: w.fake.roomLastSeq.get('e1') } });
  });

  for (const [label, epoch] of [
    ['of another epoch', '2001-01-01T00:00:00Z'],
    ['without an epoch', undefined],
  ] as const) {
    it(`positions ${label} get reset {reason: epoch} and close 4003, never events`, async () => {
      const { created } = await streamInfo();
      const bo = await w.client(edge, 'bo');
      await bo.hello();
      bo.send({ type: 'resume', ...(epoch ? { epoch } : {}), rooms: { e1: 1 } });
      expect((await bo.waitClosed()).code).toBe(CloseCode.Reset);
      expect(bo.frames.map((f) => f.type)).toEqual(['hello', 'reset']);
      expect(bo.frames[1]).toEqual({ type: 'reset', reason: 'epoch', epoch: created });
    });
  }

  it('a position beyond the end of the stream is refused with reset {reason: position}, not echoed (the room would be mute)', async () => {
    const { state } = await streamInfo();
    const bo = await w.client(edge, 'bo');
    const { epoch } = await bo.hello();
    bo.send({ type: 'resume', epoch, rooms: { e1: state.last_seq + 1000 } });
    expect((await bo.waitClosed()).code).toBe(CloseCode.Reset);
    expect(bo.frames.at(-1)).toEqual({ type: 'reset', reason: 'position', epoch });
    expect(bo.frames.some((f) => f.type === 'synced')).toBe(false);
    // The stream's own end is a fine position: the room is live from there.
    const again = await w.client(edge, 'bo');
    const synced = await again.resume({ e1: state.last_seq });
    expect(synced.rooms.e1).toBe(state.last_seq);
    const next = await w.fake.message('e1', 'ann', 'after the end');
    await again.until('live', () => again.events('e1').some((f) => f.seq === next));
  });

  it('recreating the stream under connected clients resets them (4003) with the new epoch; they start over in it', async () => {
    const old = (await streamInfo()).created;
    const ann = await w.client(edge, 'ann');
    await ann.resume({ e1: w.fake.roomLastSeq.get('e1')! });
    const fresh = await w.client(edge, 'bo'); // hello only, no resume yet: its hello named the old epoch
    await fresh.hello();
    const elsewhere = await w.client(deaf, 'ann');
    await elsewhere.resume({});

    const jsm = await jetstreamManager(w.nc);
    await jsm.streams.delete(Streams.events);
    await jsm.streams.add(eventStreamConfig());
    w.fake.forget();
    const created = (await streamInfo()).created;
    expect(created).not.toBe(old);
    // The new stream's first events reuse sequences the node saw in the old one.
    await w.fake.createRoom('n1', 'ann', ['bo']);

    for (const c of [ann, fresh, elsewhere]) {
      expect((await c.waitClosed()).code).toBe(CloseCode.Reset);
      expect(c.frames.at(-1)).toEqual({ type: 'reset', reason: 'stream_recreated', epoch: created });
    }
    expect(edge.metrics.epochResets).toBe(1);
    expect(deaf.metrics.epochResets).toBe(1);

    // Old positions are refused; from nothing, the client is live in the new stream.
    const stale = await w.client(edge, 'ann');
    expect(await stale.hello()).toMatchObject({ epoch: created });
    stale.send({ type: 'resume', epoch: old, rooms: { e1: 3 } });
    expect((await stale.waitClosed()).code).toBe(CloseCode.Reset);
    const back = await w.client(edge, 'ann');
    const synced = await back.resume({});
    expect(synced).toEqual({ type: 'synced', epoch: created, rooms: { n1: w.fake.roomLastSeq.get('n1') } });
    const m = await w.fake.message('n1', 'bo', 'first in the new stream');
    await back.until('live', () => back.events('n1').length === 1);
    await sleep(100);
    expect(seqs(back.events('n1'))).toEqual([m]);
  });
});
