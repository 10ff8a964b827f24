import type { MessageItem as Item } from '../../realtime';
import { MessageItem } from '../messages/MessageItem';
import type { TimelineRenderer } from './renderer';

/** A stored message: the message bubble. (Messages still on their way are the outbox's, in RoomMessages.) */
export const messageSent: TimelineRenderer<Item> = {
  people: (item) => [item.senderId],
  Row: ({ item, ctx }) => {
    const mine = item.senderId === ctx.me.id;
    return <MessageItem seq={item.seq} author={mine ? ctx.me.displayName : ctx.nameOf(item.senderId)} at={item.at} text={item.text} status="sent" mine={mine} />;
  },
};
