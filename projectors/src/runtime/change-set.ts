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
 * Written in the order inserts, puts, deletes, patches (each table in the order the keys were declared),
 * so a patch reaches a row inserted by the same batch. A patch must therefore follow the creation of its row
 * in stream order, which holds for aggregates: creation is the first event on their subject.
 */
export type PrimaryKeys<DB> = { readonly [T in keyof DB & string]?: readonly (keyof DB[T] & string)[] };

export type PatchRule =
  | { readonly op: 'set'; readonly value: string | number | boolean }
  | { readonly op: 'max'; readonly value: number }
  | { readonly op: 'add'; readonly value: number };

/** Last value wins. */
export const set = (value: string | number | boolean): PatchRule => ({ op: 'set', value });
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
}

export class ChangeSet<DB> {
  /** Per table, in the order the keys were declared. */
  readonly tables = new Map<string, TableChanges>();

  constructor(keys: PrimaryKeys<DB>) {
    for (const [table, keyColumns] of Object.entries(keys) as [string, readonly string[]][]) {
      this.tables.set(table, { keyColumns, inserts: new Map(), puts: new Map(), deletes: new Map(), patches: new Map(), rules: new Map() });
    }
  }

  insert<T extends keyof DB & string>(table: T, row: Insertable<DB[T]>): void {
    const t = this.table(table, 'insert');
    const k = keyOf(t, row as Row);
    if (!t.inserts.has(k)) t.inserts.set(k, row as Row);
  }

  put<T extends keyof DB & string>(table: T, row: Insertable<DB[T]>): void {
    const t = this.table(table, 'put');
    const k = keyOf(t, row as Row);
    t.puts.set(k, row as Row);
    t.deletes.delete(k);
    const p = t.patches.get(k);
    if (p) {
      for (const c of Object.keys(row as Row)) p.columns.delete(c);
      if (p.columns.size === 0) t.patches.delete(k);
    }
  }

  delete<T extends keyof DB & string>(table: T, key: Partial<Insertable<DB[T]>>): void {
    const t = this.table(table, 'put');
    const k = keyOf(t, key as Row);
    t.puts.delete(k);
    t.deletes.set(k, pick(t, key as Row));
    t.patches.delete(k);
  }

  patch<T extends keyof DB & string>(table: T, key: Partial<Insertable<DB[T]>>, changes: { readonly [C in keyof DB[T] & string]?: PatchRule }): void {
    const t = this.table(table, 'patch');
    const k = keyOf(t, key as Row);
    let p = t.patches.get(k);
    if (!p) {
      p = { key: pick(t, key as Row), columns: new Map() };
      t.patches.set(k, p);
    }
    for (const [column, rule] of Object.entries(changes) as [string, PatchRule | undefined][]) {
      if (!rule) continue;
      const known = t.rules.get(column);
      if (known === undefined) t.rules.set(column, rule.op);
      else if (known !== rule.op) throw new Error(`${table}.${column} is patched with both ${known} and ${rule.op}`);
      p.columns.set(column, merge(p.columns.get(column), rule));
    }
  }

  get isEmpty(): boolean {
    for (const t of this.tables.values()) if (t.inserts.size || t.puts.size || t.deletes.size || t.patches.size) return false;
    return true;
  }

  private table(name: string, kind: 'insert' | 'put' | 'patch'): TableChanges {
    const t = this.tables.get(name);
    if (!t) throw new Error(`table ${name} has no declared primary key in this projection`);
    if (kind === 'insert' && (t.puts.size || t.deletes.size)) throw new Error(`table ${name} mixes insert with put/delete`);
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
  const cols = t.keyColumns;
  if (cols.length === 1) return String(row[cols[0]]);
  let k = String(row[cols[0]]);
  for (let i = 1; i < cols.length; i++) k += `\u0000${String(row[cols[i]])}`;
  return k;
}
