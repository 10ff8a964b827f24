import type { Transaction } from 'kysely';
import type { StoredEvent } from '@natter/contracts';
import { CHAT_PROJECTION, type ReadModelDB } from '@natter/infra/runtime';
import type { Projection } from '../runtime/projection';
import { addEvent, emptyChatBatch } from './chat-batch';
import { writeChatBatch } from './chat.repository';

/**
 * The `chat` read model: users, rooms, room_members, messages (migrations/read-model/read-model.sql).
 * Every event that belongs to a room raises rooms.last_seq; SessionRevoked changes nothing here.
 */
export const chatProjection: Projection = {
  name: CHAT_PROJECTION,
  async apply(trx: Transaction<ReadModelDB>, schema: string, events: StoredEvent[]): Promise<void> {
    const b = emptyChatBatch();
    for (const e of events) addEvent(b, e);
    await writeChatBatch(trx, schema, b);
  },
};
