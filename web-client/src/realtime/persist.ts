import type { Timelines } from './timeline';
import type { TimelineStore } from './types';

/**
 * Writes changed timelines to the store as soon as they change. Each write is one record holding the items,
 * the position and its epoch, so after a reload the position never runs ahead of what is shown, and is never
 * resumed in another stream. Only the newest
 * `keepItems` items are kept (a contiguous tail; older ones load from history again).
 *
 * No debounce timer: whatever the page shows must already be on the device when the page goes away, and an
 * unload handler cannot promise that (a reload right after a live event would lose it: IndexedDB aborts the
 * transactions a document still had open when it is torn down). Instead the write starts in the same task
 * as the change (after a microtask, so one burst of changes is one write), and writes run one at a time:
 * changes made while one is in flight are coalesced into the next, so a backfill burst costs a handful of
 * writes, not one per event, and a later write never races an earlier one.
 */
export function persistTimelines(
  timelines: Timelines,
  store: TimelineStore,
  opts: { keepItems?: number; onError?: (err: unknown) => void } = {},
): {
  /** Resolves once every change made before the call is written. */
  flush(): Promise<void>;
  stop(): void;
} {
  const keep = opts.keepItems ?? 200;
  const dirty = new Set<string>();
  let scheduled = false;
  let running: Promise<void> | null = null;

  const save = (roomId: string) => {
    const t = timelines.get(roomId);
    const items = t.items.slice(-keep);
    return store.save({ roomId, epoch: timelines.epoch, position: t.position, hasOlder: t.hasOlder || items.length < t.items.length, items });
  };

  const drain = (): Promise<void> => {
    running ??= (async () => {
      try {
        while (dirty.size > 0) {
          const ids = [...dirty];
          dirty.clear();
          // Each record is read from the timeline when its write starts: the newest state, never an older one.
          await Promise.all(ids.map(save)).catch((err: unknown) => opts.onError?.(err));
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const unsubscribe = timelines.subscribe((roomId) => {
    dirty.add(roomId);
    if (scheduled || running) return; // a running drain picks it up when its write is done
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      void drain();
    });
  });
  return {
    flush: drain,
    stop() {
      unsubscribe();
      dirty.clear();
    },
  };
}
