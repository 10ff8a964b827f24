import type { MemberItem } from '../../realtime';
import type { TimelineRenderer } from './renderer';
import { SystemLine } from './SystemLine';

/** Left, or removed by an owner or admin. */
export const memberLeft: TimelineRenderer<MemberItem> = {
  roomInfo: true,
  people: (item) => [item.userId],
  Row: ({ item, ctx }) => {
    const me = item.userId === ctx.me.id;
    const who = me ? 'You' : ctx.nameOf(item.userId);
    const text = item.change === 'removed' ? `${who} ${me ? 'were' : 'was'} removed` : `${who} left`;
    return <SystemLine seq={item.seq}>{text}</SystemLine>;
  },
};
