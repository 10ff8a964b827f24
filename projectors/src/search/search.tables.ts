import type { ReadModelDB } from '@natter/infra/runtime';
import type { PrimaryKeys, TableRules } from '../runtime/change-set';

/** The search projection's table (infra/migrations/read-model/search.sql) and its key. */
export const searchTables: PrimaryKeys<ReadModelDB> = {
  search_messages: ['room_id', 'seq'],
};

/**
 * A deleted message leaves the index for good: its row is flagged and its text emptied (so its tsv is empty
 * and it matches nothing), and no edit stored after the delete, in this batch or a later one, writes it again
 * (contracts' foldMessage, rules 2 and 3), whatever the batch boundaries of a live run or a rebuild.
 */
export const searchTableRules: TableRules<ReadModelDB> = {
  tombstones: { search_messages: { flag: 'deleted', content: ['text', 'has_link', 'edited_seq'] } },
};
