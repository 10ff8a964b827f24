import type { EventType, StoredEvent } from '@natter/contracts';
import { ChangeSet, type PrimaryKeys, type TableRules } from './change-set';
import type { Projection } from './projection';
import { writeChangeSet } from './write-change-set';

/** What one event type does to a projection's tables: it only records changes, it never reads or writes. */
export type Reducer<DB, T extends EventType> = (event: StoredEvent<T>, out: ChangeSet<DB>) => void;

/** One reducer per event type a projection cares about; event types without one change nothing in it. */
export type Reducers<DB> = { readonly [T in EventType]?: Reducer<DB, T> };

/** A reducer every event goes through (after its type's), for tables that record events of any type (an audit log). */
export type EveryEventReducer<DB> = (event: StoredEvent, out: ChangeSet<DB>) => void;

/**
 * A projection made of reducers: each batch is folded, event by event in stream order, into one ChangeSet,
 * which is written with a few multi-row statements in the batch's transaction (the one that also moves the
 * checkpoint). `keys` declares the primary key of every table the reducers touch; `rules` which rows can be
 * tombstoned and which rows belong to them (ChangeSet).
 */
export function reducedProjection<DB>(name: string, keys: PrimaryKeys<DB>, reducers: Reducers<DB>, rules: TableRules<DB> = {}, every?: EveryEventReducer<DB>): Projection {
  return {
    name,
    async apply(trx, schema, events) {
      const out = reduce(keys, reducers, events, rules, every);
      if (!out.isEmpty) await writeChangeSet(trx, schema, out);
    },
  };
}

/** Folds events, in stream order, into one change set. */
export function reduce<DB>(keys: PrimaryKeys<DB>, reducers: Reducers<DB>, events: readonly StoredEvent[], rules: TableRules<DB> = {}, every?: EveryEventReducer<DB>): ChangeSet<DB> {
  const out = new ChangeSet<DB>(keys, rules);
  for (const e of events) {
    (reducers[e.type] as Reducer<DB, EventType> | undefined)?.(e, out);
    every?.(e, out);
  }
  return out;
}
