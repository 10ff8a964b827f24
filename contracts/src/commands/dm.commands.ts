import { SendDirectMessageBody, SendDirectMessageResult } from '../api/people';
import type { CommandDefinitions } from './command-definition';

/** Direct messages: rooms of fixed membership, one per set of people, created by their first message. */
export const DmCommands = {
  SendDirectMessage: {
    input: SendDirectMessageBody, result: SendDirectMessageResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/dms/messages', body: SendDirectMessageBody, status: 201, duplicateStatus: 200 },
    summary: 'Send a direct message to 1 to 7 people',
    description: 'The conversation of exactly you and `userIds` is created by its first message, once, even when several people start it at the same moment; later messages go to the same room (its id is in the answer). Idempotent per clientMsgId.',
    resultDescription: 'Stored (201), or a retry (200, duplicate true).', errors: ['user_not_found', 'rate_limited', 'conflict'],
  },
} as const satisfies CommandDefinitions;
