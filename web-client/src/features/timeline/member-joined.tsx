import type { MemberItem } from '../../realtime';
import type { TimelineRenderer } from './renderer';
import { SystemLine } from './SystemLine';

export const memberJoined: TimelineRenderer<MemberItem> = {
  roomInfo: true,
  people: (item) => [item.userId],
  Row: ({ item, ctx }) => <SystemLine seq={item.seq}>{item.userId === ctx.me.id ? 'You' : ctx.nameOf(item.userId)} joined</SystemLine>,
};
