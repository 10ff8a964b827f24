import { z } from 'zod';
import { Id } from '../ids';
import type { EventDefinitions } from './event-definition';

/**
 * Events of a room's messages, on `ev.room.<roomId>.msg` (not serialized per room: appended with the
 * client's message id as the idempotency key, after a membership check against the room's meta state).
 */
export const MessageEvents = {
  MessageSent: {
    v: 1,
    data: z.object({ roomId: Id, messageId: Id, senderId: Id, clientMsgId: z.string(), text: z.string() }),
  },
} as const satisfies EventDefinitions;
