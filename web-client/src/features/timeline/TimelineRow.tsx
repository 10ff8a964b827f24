import type { TimelineItem } from '../../realtime';
import { rendererOf } from './registry';
import type { RowContext } from './renderer';

/** One item of a room's timeline, drawn by its event type's renderer (nothing for a type without one). */
export function TimelineRow({ item, ctx }: { item: TimelineItem; ctx: RowContext }) {
  const renderer = rendererOf(item);
  return renderer ? <renderer.Row item={item} ctx={ctx} /> : null;
}

/** The people a list of items names, for one batched name lookup. */
export function peopleOf(items: readonly TimelineItem[]): string[] {
  return items.flatMap((item) => rendererOf(item)?.people(item) ?? []);
}
