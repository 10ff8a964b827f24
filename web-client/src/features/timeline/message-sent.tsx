import type { MessageItem as Item } from '../../realtime';
import { MessageItem } from '../messages/MessageItem';
import type { TimelineRenderer } from './renderer';

/**
 * A stored message: the message bubble, with what happened to it since (the timeline folds edits, deletes,
 * reactions, pins and replies into the item). Messages still on their way are the outbox's, in RoomMessages.
 */
export const messageSent: TimelineRenderer<Item> = {
  people: (item) => [item.senderId, ...item.reactions.flatMap((g) => g.userIds)],
  Row: ({ item, ctx }) => {
    const mine = item.senderId === ctx.me.id;
    const author = mine ? ctx.me.displayName : item.senderName || ctx.nameOf(item.senderId);
    return <MessageItem seq={item.seq} author={author} at={item.at} text={item.text} status="sent" mine={mine} stored={item} controls={ctx.controls} nameOf={ctx.nameOf} />;
  },
};
