import { CHAT_PROJECTION, type ReadModelDB } from '@natter/infra/runtime';
import { reducedProjection, type Reducers } from '../runtime/reduced-projection';
import { auditReducer } from './audit.reducer';
import { chatTableRules, chatTables } from './chat.tables';
import { messageReducers } from './message.reducers';
import { roomReducers } from './room.reducers';
import { serverReducers } from './server.reducers';
import { userReducers } from './user.reducers';

/** Every event type the chat read model reacts to, one reducer each (one file per context). */
export const chatReducers: Reducers<ReadModelDB> = { ...userReducers, ...roomReducers, ...messageReducers, ...serverReducers };

/**
 * The `chat` read model: users, rooms, room_members, messages and what hangs off them
 * (migrations/read-model/read-model.sql), with the audit log of every non-message event.
 */
export const chatProjection = reducedProjection(CHAT_PROJECTION, chatTables, chatReducers, chatTableRules, auditReducer);
