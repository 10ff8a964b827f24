import { CHAT_PROJECTION, type ReadModelDB } from '@natter/infra/runtime';
import type { Projection } from '../runtime/projection';
import { reduce, type Reducers } from '../runtime/reduced-projection';
import { writeChangeSet } from '../runtime/write-change-set';
import { auditReducer } from './audit.reducer';
import { chatTableRules, chatTables } from './chat.tables';
import { messageReducers } from './message.reducers';
import { syncMarkerCounts } from './marker-counts';
import { syncMentionRows } from './mention-rows';
import { assignOrdinals } from './ordinals';
import { readStateReducers } from './read-state.reducers';
import { roomReducers } from './room.reducers';
import { serverReducers } from './server.reducers';
import { userReducers } from './user.reducers';

/** Every event type the chat read model reacts to, one reducer each (one file per context). */
export const chatReducers: Reducers<ReadModelDB> = { ...userReducers, ...roomReducers, ...messageReducers, ...serverReducers, ...readStateReducers };

/**
 * The `chat` read model: users, rooms, room_members, messages and what hangs off them
 * (migrations/read-model/read-model.sql), with the audit log of every non-message event. The reduced tables
 * (new timeline messages with their ordinals), then what issue 12's counts derive from them: mention rows,
 * counts at markers.
 */
export const chatProjection: Projection = {
  name: CHAT_PROJECTION,
  async apply(trx, schema, events) {
    const out = reduce(chatTables, chatReducers, events, chatTableRules, auditReducer);
    await assignOrdinals(trx, schema, out);
    if (!out.isEmpty) await writeChangeSet(trx, schema, out);
    const mentions = await syncMentionRows(trx, schema, events);
    await syncMarkerCounts(trx, schema, events, mentions);
  },
};
