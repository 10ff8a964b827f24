import type { ShownEvent, TimelineRenderer } from './renderer';
import { SystemLine } from './SystemLine';

export const roomCreated: TimelineRenderer<ShownEvent<'RoomCreated'>> = {
  roomInfo: true,
  people: (item) => [item.data.createdBy],
  Row: ({ item, ctx }) => (
    <SystemLine seq={item.seq}>
      {item.data.createdBy === ctx.me.id ? 'You' : ctx.nameOf(item.data.createdBy)} created the room
    </SystemLine>
  ),
};
