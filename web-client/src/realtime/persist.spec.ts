import { describe, expect, it } from 'vitest';
import { memoryTimelineStore } from './memory-store';
import { persistTimelines } from './persist';
import { message, messageEvent } from './testing';
import { Timelines } from './timeline';
import type { PersistedRoom, TimelineStore } from './types';

const texts = (t: Timelines, roomId: string) => t.get(roomId).items.map((i) => (i.kind === 'message' ? i.text : `#${i.seq}`));
const nextTask = () => new Promise((r) => setTimeout(r, 0));

/** A store whose writes finish only when the test says so. */
function slowStore(): TimelineStore & { saves: PersistedRoom[]; finish(): void; rows: Map<string, PersistedRoom> } {
  const rows = new Map<string, PersistedRoom>();
  const saves: PersistedRoom[] = [];
  const waiting: (() => void)[] = [];
  return {
    rows,
    saves,
    finish: () => waiting.splice(0).forEach((f) => f()),
    loadAll: async () => [...rows.values()],
    save: (r) => {
      saves.push(r);
      return new Promise<void>((resolve) =>
        waiting.push(() => {
          rows.set(r.roomId, r);
          resolve();
        }),
      );
    },
    delete: async (id) => void rows.delete(id),
  };
}

describe('persistTimelines', () => {
  it('has live events on the device right away, so a reload moments later restores everything shown', async () => {
    const store = memoryTimelineStore();
    const before = new Timelines();
    const p = persistTimelines(before, store);
    before.mergePage('r', [message('r', 6, 'hi bob'), message('r', 7, 'thanks alice')], { direction: 'newest', hasMore: false, asOfSeq: 7 });
    await nextTask();
    for (const [seq, text] of [[8, 'offline one'], [9, 'offline two'], [10, 'offline three']] as const) before.applyEvent('r', seq, messageEvent('r', text));
    // The page is reloaded in the next task: no timer gets to run, no unload handler is relied on.
    await nextTask();
    p.stop();

    const after = new Timelines();
    after.restore(await store.loadAll());
    expect(texts(after, 'r')).toEqual(['hi bob', 'thanks alice', 'offline one', 'offline two', 'offline three']);
    expect(after.get('r').position).toBe(10);
  });

  it('writes one at a time, folding changes made meanwhile into the next write, so the newest state wins', async () => {
    const store = slowStore();
    const t = new Timelines();
    const p = persistTimelines(t, store);
    t.applyEvent('r', 1, messageEvent('r', 'a'));
    t.applyEvent('r', 2, messageEvent('r', 'b')); // same task: one write
    await nextTask();
    expect(store.saves.map((s) => s.position)).toEqual([2]);
    t.applyEvent('r', 3, messageEvent('r', 'c'));
    t.applyEvent('r', 4, messageEvent('r', 'd'));
    await nextTask();
    expect(store.saves).toHaveLength(1); // waits for the write in flight
    const flushed = p.flush();
    store.finish();
    await nextTask();
    expect(store.saves.map((s) => s.position)).toEqual([2, 4]);
    store.finish();
    await flushed;
    expect(store.rows.get('r')?.position).toBe(4);
    expect(store.rows.get('r')?.items.map((i) => i.seq)).toEqual([1, 2, 3, 4]);
    p.stop();
  });

  it('keeps going after a failed write', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const rows = new Map<string, PersistedRoom>();
    const store: TimelineStore = {
      loadAll: async () => [...rows.values()],
      save: async (r) => {
        if (fail) throw new Error('quota');
        rows.set(r.roomId, r);
      },
      delete: async (id) => void rows.delete(id),
    };
    const t = new Timelines();
    const p = persistTimelines(t, store, { onError: (e) => errors.push(e) });
    t.applyEvent('r', 1, messageEvent('r', 'a'));
    await p.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    t.applyEvent('r', 2, messageEvent('r', 'b'));
    await p.flush();
    expect(rows.get('r')?.position).toBe(2);
    p.stop();
  });
});
