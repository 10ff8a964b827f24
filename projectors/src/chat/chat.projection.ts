import { CHAT_PROJECTION, type ReadModelDB } from '@natter/infra/runtime';
import type { Projection } from '../runtime/projection';
import { reducedProjection, type Reducers } from '../runtime/reduced-projection';
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
 * (migrations/read-model/read-model.sql), with the audit log of every non-message event.
 */
const reduced = reducedProjection(CHAT_PROJECTION, chatTables, chatReducers, chatTableRules, auditReducer);

/** The reduced tables, then what issue 12's counts derive from them: timeline ordinals, mention rows, counts at markers. */
export const chatProjection: Projection = {
  name: reduced.name,
  async apply(trx, schema, events) {
    await reduced.apply(trx, schema, events);
    await assignOrdinals(trx, schema, events);
    const mentions = await syncMentionRows(trx, schema, events);
    await syncMarkerCounts(trx, schema, events, mentions);
  },
};
