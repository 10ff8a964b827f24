import type { ShownEvent, TimelineRenderer } from './renderer';
import type { RowContext } from './renderer';
import { SystemLine } from './SystemLine';

const who = (ctx: RowContext, id: string | null) => (id === null ? 'Someone' : id === ctx.me.id ? 'You' : ctx.nameOf(id));
/** The same as the object of a sentence ("banned by you"). */
const whom = (ctx: RowContext, id: string | null) => (id === ctx.me.id ? 'you' : who(ctx, id));

/** Renamed and/or a new topic. */
export const roomUpdated: TimelineRenderer<ShownEvent<'RoomUpdated'>> = {
  roomInfo: true,
  people: (item) => (item.actor ? [item.actor] : []),
  Row: ({ item, ctx }) => (
    <SystemLine seq={item.seq}>
      {who(ctx, item.actor)}
      {item.data.name !== undefined && ` renamed the room to ${item.data.name}`}
      {item.data.name !== undefined && item.data.topic !== undefined && ' and'}
      {item.data.topic !== undefined && (item.data.topic ? ` set the topic: ${item.data.topic}` : ' cleared the topic')}
    </SystemLine>
  ),
};

export const roomArchived: TimelineRenderer<ShownEvent<'RoomArchived'>> = {
  roomInfo: true,
  people: (item) => (item.actor ? [item.actor] : []),
  Row: ({ item, ctx }) => <SystemLine seq={item.seq}>{who(ctx, item.actor)} archived the room: it is read-only now</SystemLine>,
};

export const roomUnarchived: TimelineRenderer<ShownEvent<'RoomUnarchived'>> = {
  roomInfo: true,
  people: (item) => (item.actor ? [item.actor] : []),
  Row: ({ item, ctx }) => <SystemLine seq={item.seq}>{who(ctx, item.actor)} unarchived the room</SystemLine>,
};

/** The last event of a room anyone receives. */
export const roomDeleted: TimelineRenderer<ShownEvent<'RoomDeleted'>> = {
  roomInfo: true,
  people: (item) => (item.actor ? [item.actor] : []),
  Row: ({ item, ctx }) => <SystemLine seq={item.seq}>{who(ctx, item.actor)} deleted the room</SystemLine>,
};

export const directMessageStarted: TimelineRenderer<ShownEvent<'DirectMessageStarted'>> = {
  roomInfo: true,
  people: (item) => [item.data.startedBy],
  Row: ({ item, ctx }) => <SystemLine seq={item.seq}>{who(ctx, item.data.startedBy)} started this conversation</SystemLine>,
};

export { who, whom };
