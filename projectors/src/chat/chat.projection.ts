import { CHAT_PROJECTION, type ReadModelDB } from '@natter/infra/runtime';
import { reducedProjection, type Reducers } from '../runtime/reduced-projection';
import { chatTableRules, chatTables } from './chat.tables';
import { messageReducers } from './message.reducers';
import { roomReducers } from './room.reducers';
import { userReducers } from './user.reducers';

/** Every event type the chat read model reacts to, one reducer each (one file per context). */
export const chatReducers: Reducers<ReadModelDB> = { ...userReducers, ...roomReducers, ...messageReducers };

/** The `chat` read model: users, rooms, room_members, messages and what hangs off them (migrations/read-model/read-model.sql). */
export const chatProjection = reducedProjection(CHAT_PROJECTION, chatTables, chatReducers, chatTableRules);
