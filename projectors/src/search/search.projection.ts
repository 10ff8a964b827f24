import type { Kysely } from 'kysely';
import { SEARCH_PROJECTION, type ReadModelDB } from '@natter/infra/runtime';
// The search table's definition is provisioning's (read-model/search.sql), like the chat tables'.
import { ensureSearchTables } from '@natter/infra/provision';
import type { Projection } from '../runtime/projection';
import { reducedProjection } from '../runtime/reduced-projection';
import { searchReducers } from './search.reducers';
import { searchTableRules, searchTables } from './search.tables';

/**
 * The `search` projection (issue 12): messages indexed for full-text search, in the read-model schema beside
 * the chat tables, with its own checkpoint row and advisory lock (`natter.projection.search`), so it runs,
 * fails over and back-fills independently of `chat`. Its table is created idempotently in the live schema
 * before it projects (`prepare`), which is what lets it be added to a running deployment: it starts from
 * checkpoint 0 and back-fills from the log while the chat projection goes on serving.
 */
export const searchProjection: Projection = {
  ...reducedProjection(SEARCH_PROJECTION, searchTables, searchReducers, searchTableRules),
  prepare: (db: Kysely<ReadModelDB>, schema: string) => ensureSearchTables(db, schema),
};
