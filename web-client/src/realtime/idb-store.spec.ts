import { describe, expect, it } from 'vitest';
import { deleteNatterDb, idbCache, idbOutboxStore, idbTimelineStore, openNatterDb } from './idb-store';
import { Outbox } from './outbox';
import { persistTimelines } from './persist';
import { messageEvent } from './testing';
import { Timelines } from './timeline';

describe('IndexedDB persistence', () => {
  it('keeps the outbox (order, clientMsgId, status) across a reload', async () => {
    let db = await openNatterDb('u1');
    let n = 0;
    const outbox = new Outbox(idbOutboxStore(db), () => `id-${++n}`);
    await outbox.load();
    outbox.add('r1', 'first');
    outbox.add('r2', 'second');
    outbox.add('r1', 'third');
    outbox.update('id-2', { status: 'failed', error: { code: 'forbidden', message: 'no' } });
    outbox.remove('id-3');
    await new Promise((r) => setTimeout(r, 20));
    db.close();

    db = await openNatterDb('u1');
    const reloaded = new Outbox(idbOutboxStore(db), () => 'new');
    await reloaded.load();
    expect(reloaded.all().map((e) => [e.clientMsgId, e.roomId, e.text, e.status])).toEqual([
      ['id-1', 'r1', 'first', 'pending'],
      ['id-2', 'r2', 'second', 'failed'],
    ]);
    db.close();
    await deleteNatterDb('u1');
  });

  it('persists timelines with their position in one record, and restores them', async () => {
    const db = await openNatterDb('u2');
    const t = new Timelines();
    const p = persistTimelines(t, idbTimelineStore(db), { keepItems: 2 });
    t.applyEvent('r1', 4, messageEvent('r1', 'a'));
    t.applyEvent('r1', 7, messageEvent('r1', 'b'));
    t.applyEvent('r1', 9, messageEvent('r1', 'c'));
    await p.flush();
    p.stop();

    const restored = new Timelines();
    restored.restore(await idbTimelineStore(db).loadAll());
    expect(restored.get('r1').items.map((i) => i.seq)).toEqual([7, 9]);
    expect(restored.get('r1').position).toBe(9);
    expect(restored.get('r1').hasOlder).toBe(true);
    expect(restored.positions()).toEqual({ r1: 9 });

    const cache = idbCache(db);
    await cache.set('myRooms', { items: [1] });
    expect(await cache.get('myRooms')).toEqual({ items: [1] });
    db.close();
    await deleteNatterDb('u2');
  });
});
