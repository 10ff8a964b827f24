import type { EventDataOf, EventType } from '@natter/contracts/browser';
import type { ReactNode } from 'react';
import type { EventItem, MemberItem, MessageItem, TimelineItem } from '../../realtime';
import type { MessageControls } from '../messages/message-controls';

/** What every row may use: who is looking, the names of the people rows mention, what messages may do. */
export interface RowContext {
  readonly me: { readonly id: string; readonly displayName: string };
  nameOf(userId: string): string;
  /** Actions on stored messages (absent: read-only). */
  readonly controls?: MessageControls;
}

/** How one event type shows in a room's timeline. */
export interface TimelineRenderer<I extends TimelineItem = TimelineItem> {
  /** The users the row names (their names are fetched for the room before it renders). */
  people(item: I): string[];
  Row(props: { item: I; ctx: RowContext }): ReactNode;
  /** The event changes the room's details, members, bans or invites: views of them are refreshed. */
  roomInfo?: true;
}

/** A room event other than a message or a membership change, with its data typed. */
export type ShownEvent<T extends EventType> = EventItem & { type: T; data: EventDataOf<T> };

/** The item each event type's row gets: messages and membership changes have the realtime module's own. */
export type ItemOf<T extends EventType> = T extends 'MessageSent' ? MessageItem : T extends 'MemberJoined' | 'MemberLeft' ? MemberItem : ShownEvent<T>;

export type TimelineRenderers = { readonly [T in EventType]?: TimelineRenderer<ItemOf<T>> };
