import type { ReadModelDB } from '@natter/infra/runtime';
import type { QueryCreator } from 'kysely';

/**
 * The read model as seen by one request: the active schema inside one REPEATABLE READ snapshot. Repository
 * methods take it as their first argument, so every query of a request reads the same snapshot as its
 * `asOfSeq` stamp.
 */
export type ReadScope = QueryCreator<ReadModelDB>;
