import { Id } from '../ids';
import { SendMessageBody, SendMessageResult } from '../api/messages';
import type { CommandDefinitions } from './command-definition';

/** Messages (events on `ev.room.<roomId>.msg`). */
export const MessageCommands = {
  SendMessage: {
    input: SendMessageBody.extend({ roomId: Id }), result: SendMessageResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/messages', body: SendMessageBody, status: 201, duplicateStatus: 200 },
    summary: 'Send a message', description: 'Idempotent per clientMsgId: a retry answers 200 with `duplicate: true` and the original message and seq.',
    resultDescription: 'Stored (201), or a retry of a stored message (200, duplicate true).', errors: ['not_member', 'room_not_found', 'rate_limited'],
  },
} as const satisfies CommandDefinitions;
