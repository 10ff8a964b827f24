import type { Insertable } from 'kysely';

/**
 * What one batch of events does to a projection's tables, collected in memory by the reducers and then
 * written by `writeChangeSet` with one multi-row statement per table and kind of change.
 *
 * The result must not depend on where batch boundaries fall (a rebuild batches differently from the live
 * projector, and both must end equal), so every kind of change has a merge rule that gives, for one batch,
 * exactly what applying its events one by one would:
 * - `insert`: the row if none with its key exists yet; the first insert of a key wins (`on conflict do
 *   nothing`). For rows created once and never replaced (users, rooms, messages).
 * - `put` / `delete`: the row's final state, last one wins per key (`on conflict do update` / `delete`).
 *   For rows that come and go (memberships). A table uses either `insert` or `put`/`delete`, never both
 *   (an insert after a delete in one batch could not be ordered right); mixing them throws.
 * - `patch`: column changes to an existing row, merged per key and column with the column's rule:
 *   `set(v)` last value wins (a value, never null), `max(n)` keeps the greatest, `add(n)` sums (a counter).
 *   A column has one rule in a table. A patch of a key that a later `put` names or `delete`s in the same
 *   batch is dropped (those columns) as the one-by-one order would overwrite it.
 * - `ensure`: the row exists afterwards; an existing one is kept (`on conflict do nothing`), so adding what is
 *   there changes nothing (a set: reactions, pins). With `delete` on the same table: an ensure after a delete
 *   of its key in the batch is that exact row (a `put`). A table written with ensure is not patched.
 * Written in the order inserts, puts, ensures, deletes, purges, patches, tombstones (each table in the order
 * the keys were declared), so a patch reaches a row inserted by the same batch. A patch must therefore follow
 * the creation of its row in stream order, which holds for aggregates: creation is the first event on their
 * subject.
 *
 * Tombstones and owned rows (TableRules), for things that are deleted for good while their history races on
 * (a message deleted while someone edits it or reacts to it):
 * - `tombstone(table, key, values)` on a table with a tombstone rule sets the flag column and the given values
 *   (nulls allowed) on a live row; a row already flagged is left as it is (the first tombstone wins). The
 *   rule's `content` columns are never patched again (in this batch: dropped from later patches; in later
 *   batches: the patch keeps them when the flag is set).
 * - A table `owned` by another (a message's reactions, pins, edit history) loses every row of an owner when
 *   the owner is tombstoned (purge), and no change of it under a tombstoned owner is written: in this batch
 *   they are dropped (earlier ones too), in later batches the statements skip owners whose flag is set.
 * One batch thus still gives what its events one by one would: after a tombstone its key is dead.
 */
export type PrimaryKeys<DB> = { readonly [T in keyof DB & string]?: readonly (keyof DB[T] & string)[] };

/** A row of `table` that can be deleted for good: `flag` (boolean) marks it; `content` columns are frozen then. */
export interface TombstoneRule {
  readonly flag: string;
  readonly content: readonly string[];
}
/** Rows that belong to a row of `table`: `columns` maps each of the owner's key columns to this table's column. */
export interface OwnerRule {
  readonly table: string;
  readonly columns: Readonly<Record<string, string>>;
}
export interface TableRules<DB> {
  readonly tombstones?: { readonly [T in keyof DB & string]?: TombstoneRule };
  readonly owners?: { readonly [T in keyof DB & string]?: OwnerRule };
}

/** A JSON value a `set` may write (jsonb columns take objects and arrays). */
export type PatchValue = string | number | boolean | { readonly [k: string]: unknown } | readonly unknown[];

export type PatchRule =
  | { readonly op: 'set'; readonly value: PatchValue }
  | { readonly op: 'max'; readonly value: number }
  | { readonly op: 'add'; readonly value: number };

/** Last value wins. */
export const set = (value: PatchValue): PatchRule => ({ op: 'set', value });
/** The greatest value wins (sequences). */
export const max = (value: number): PatchRule => ({ op: 'max', value });
/** Added to the current value (counters). */
export const add = (value: number): PatchRule => ({ op: 'add', value });

type Row = Record<string, unknown>;

/** The changes of one table, keyed by the row's primary key. */
export interface TableChanges {
  readonly keyColumns: readonly string[];
  readonly inserts: Map<string, Row>;
  /** Final state per key: the row to upsert, or (in `deletes`) its key to delete; a key is in one of them. */
  readonly puts: Map<string, Row>;
  readonly deletes: Map<string, Row>;
  readonly patches: Map<string, { key: Row; columns: Map<string, PatchRule> }>;
  /** The rule of each patched column (one per column). */
  readonly rules: Map<string, PatchRule['op']>;
  /** Rows that must exist; an existing row is kept. */
  readonly ensures: Map<string, Row>;
  /** This table's tombstone rule, the rows tombstoned in this batch (key -> key + values), and their keys. */
  readonly tombstone?: TombstoneRule;
  readonly tombstones: Map<string, Row>;
  /** The owner of this table's rows, and the owners tombstoned in this batch (owner key -> this table's columns). */
  readonly owner?: OwnerRule & { readonly ownerKeys: readonly string[]; readonly ownerFlag: string };
  readonly purges: Map<string, Row>;
}

export class ChangeSet<DB> {
  /** Per table, in the order the keys were declared. */
  readonly tables = new Map<string, TableChanges>();

  constructor(keys: PrimaryKeys<DB>, rules: TableRules<DB> = {}) {
    for (const [table, keyColumns] of Object.entries(keys) as [string, readonly string[]][]) {
      const owner = (rules.owners as Record<string, OwnerRule | undefined> | undefined)?.[table];
      const ownerKeys = owner ? (keys as Record<string, readonly string[]>)[owner.table] : undefined;
      const ownerFlag = owner ? (rules.tombstones as Record<string, TombstoneRule | undefined> | undefined)?.[owner.table]?.flag : undefined;
      if (owner && (!ownerKeys || !ownerFlag)) throw new Error(`${table} is owned by ${owner.table}, which needs a primary key and a tombstone rule`);
      this.tables.set(table, {
        keyColumns, inserts: new Map(), puts: new Map(), deletes: new Map(), patches: new Map(), rules: new Map(), ensures: new Map(),
        tombstone: (rules.tombstones as Record<string, TombstoneRule | undefined> | undefined)?.[table], tombstones: new Map(),
        owner: owner && { ...owner, ownerKeys: ownerKeys!, ownerFlag: ownerFlag! }, purges: new Map(),
      });
    }
  }

  insert<T extends keyof DB & string>(table: T, row: Insertable<DB[T]>): void {
    const t = this.table(table, 'insert');
    if (this.ownerDead(t, row as Row)) return;
    const k = keyOf(t, row as Row);
    if (!t.inserts.has(k)) t.inserts.set(k, row as Row);
  }

  /** The row exists afterwards; an existing one (in the database, or ensured earlier in the batch) is kept. */
  ensure<T extends keyof DB & string>(table: T, row: Insertable<DB[T]>): void {
    const t = this.table(table, 'put');
    if (t.patches.size) throw new Error(`table ${table} mixes ensure with patch`);
    if (this.ownerDead(t, row as Row)) return;
    const k = keyOf(t, row as Row);
    if (t.deletes.delete(k)) t.puts.set(k, row as Row);
    else if (!t.puts.has(k) && !t.ensures.has(k)) t.ensures.set(k, row as Row);
  }

  put<T extends keyof DB & string>(table: T, row: Insertable<DB[T]>): void {
    const t = this.table(table, 'put');
    if (this.ownerDead(t, row as Row)) return;
    const k = keyOf(t, row as Row);
    t.puts.set(k, row as Row);
    t.ensures.delete(k);
    t.deletes.delete(k);
    const p = t.patches.get(k);
    if (p) {
      for (const c of Object.keys(row as Row)) p.columns.delete(c);
      if (p.columns.size === 0) t.patches.delete(k);
    }
  }

  delete<T extends keyof DB & string>(table: T, key: Partial<Insertable<DB[T]>>): void {
    const t = this.table(table, 'put');
    if (this.ownerDead(t, key as Row)) return;
    const k = keyOf(t, key as Row);
    t.puts.delete(k);
    t.ensures.delete(k);
    t.deletes.set(k, pick(t, key as Row));
    t.patches.delete(k);
  }

  patch<T extends keyof DB & string>(table: T, key: Partial<Insertable<DB[T]>>, changes: { readonly [C in keyof DB[T] & string]?: PatchRule }): void {
    const t = this.table(table, 'patch');
    if (t.ensures.size) throw new Error(`table ${table} mixes patch with ensure`);
    if (this.ownerDead(t, key as Row)) return;
    const k = keyOf(t, key as Row);
    const frozen = t.tombstone && t.tombstones.has(k) ? new Set(t.tombstone.content) : undefined;
    let p = t.patches.get(k);
    if (!p) {
      p = { key: pick(t, key as Row), columns: new Map() };
      t.patches.set(k, p);
    }
    for (const [column, rule] of Object.entries(changes) as [string, PatchRule | undefined][]) {
      if (!rule || frozen?.has(column)) continue;
      const known = t.rules.get(column);
      if (known === undefined) t.rules.set(column, rule.op);
      else if (known !== rule.op) throw new Error(`${table}.${column} is patched with both ${known} and ${rule.op}`);
      p.columns.set(column, merge(p.columns.get(column), rule));
    }
    if (p.columns.size === 0) t.patches.delete(k);
  }

  /**
   * Delete the row for good (see TableRules): the flag and `values` are written on a live row, the first
   * tombstone of a key wins, its content columns are never patched again, and every row it owns goes.
   */
  tombstone<T extends keyof DB & string>(table: T, key: Partial<Insertable<DB[T]>>, values: Partial<Insertable<DB[T]>>): void {
    const t = this.table(table, 'patch');
    if (!t.tombstone) throw new Error(`table ${table} has no tombstone rule`);
    const k = keyOf(t, key as Row);
    if (t.tombstones.has(k)) return;
    t.tombstones.set(k, { ...(values as Row), ...pick(t, key as Row), [t.tombstone.flag]: true });
    const p = t.patches.get(k);
    if (p) for (const c of t.tombstone.content) p.columns.delete(c);
    for (const child of this.tables.values()) {
      if (child.owner?.table !== table) continue;
      const owned = (row: Row) => ownerKeyOf(child, row) === k;
      for (const m of [child.inserts, child.puts, child.ensures, child.deletes]) for (const [ck, row] of m) if (owned(row)) m.delete(ck);
      for (const [ck, { key: row }] of child.patches) if (owned(row)) child.patches.delete(ck);
      child.purges.set(k, Object.fromEntries(Object.entries(child.owner.columns).map(([ownerCol, col]) => [col, (key as Row)[ownerCol]])));
    }
  }

  get isEmpty(): boolean {
    for (const t of this.tables.values()) {
      if (t.inserts.size || t.puts.size || t.ensures.size || t.deletes.size || t.patches.size || t.tombstones.size || t.purges.size) return false;
    }
    return true;
  }

  /** Whether `row` belongs to an owner tombstoned in this batch (its changes are void). */
  private ownerDead(t: TableChanges, row: Row): boolean {
    if (!t.owner) return false;
    return this.tables.get(t.owner.table)!.tombstones.has(ownerKeyOf(t, row));
  }

  private table(name: string, kind: 'insert' | 'put' | 'patch'): TableChanges {
    const t = this.tables.get(name);
    if (!t) throw new Error(`table ${name} has no declared primary key in this projection`);
    if (kind === 'insert' && (t.puts.size || t.ensures.size || t.deletes.size)) throw new Error(`table ${name} mixes insert with put/delete`);
    if (kind === 'put' && t.inserts.size) throw new Error(`table ${name} mixes put/delete with insert`);
    return t;
  }
}

function merge(prev: PatchRule | undefined, next: PatchRule): PatchRule {
  if (!prev) return next;
  if (next.op === 'max') return max(Math.max(prev.value as number, next.value));
  if (next.op === 'add') return add((prev.value as number) + next.value);
  return next;
}

function pick(t: TableChanges, row: Row): Row {
  return Object.fromEntries(t.keyColumns.map((c) => [c, row[c]]));
}

/** Key columns joined by U+0000, which no id and no Postgres text can contain. */
function keyOf(t: TableChanges, row: Row): string {
  return joinKey(t.keyColumns.map((c) => row[c]));
}

/** The key (as keyOf gives it for the owner's table) of the owner of an owned row. */
function ownerKeyOf(t: TableChanges, row: Row): string {
  const o = t.owner!;
  return joinKey(o.ownerKeys.map((c) => row[o.columns[c]]));
}

function joinKey(values: unknown[]): string {
  let k = String(values[0]);
  for (let i = 1; i < values.length; i++) k += `\u0000${String(values[i])}`;
  return k;
}
