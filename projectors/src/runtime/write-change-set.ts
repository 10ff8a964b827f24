import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { ChangeSet, PatchRule, TableChanges } from './change-set';

type Row = Record<string, unknown>;

/**
 * Writes one batch's change set into `schema` inside the caller's transaction (the one that also moves the
 * checkpoint, which is why it takes the transaction): per table at most one statement for each kind of change, whatever the batch size. Rows travel
 * as ONE jsonb parameter and are typed by Postgres itself with `jsonb_populate_recordset(null::<table>, ...)`,
 * so no column types are repeated here and a batch of any size stays under the bind-parameter limit.
 * Order: inserts, puts, deletes, patches (see ChangeSet).
 */
export async function writeChangeSet<DB>(trx: QueryExecutorProvider, schema: string, cs: ChangeSet<DB>): Promise<void> {
  const tables = [...cs.tables].map(([name, t]) => ({ t, name, ref: sql.table(`${schema}.${name}`) }));
  for (const { t, ref } of tables) if (t.inserts.size) await upsert(trx, ref, t, [...t.inserts.values()], 'nothing');
  for (const { t, ref } of tables) if (t.puts.size) await upsert(trx, ref, t, [...t.puts.values()], 'update');
  for (const { t, ref } of tables) {
    if (!t.deletes.size) continue;
    await sql`delete from ${ref} as t using jsonb_populate_recordset(null::${ref}, ${json([...t.deletes.values()])}::jsonb) as v
      where ${matchKeys(t)}`.execute(trx);
  }
  for (const { t, ref } of tables) if (t.patches.size) await patch(trx, ref, t);
}

/** Rows grouped by the columns they name (absent or undefined: the column's default), one statement each. */
async function upsert(trx: QueryExecutorProvider, ref: RawBuilder<unknown>, t: TableChanges, rows: Row[], onConflict: 'nothing' | 'update'): Promise<void> {
  const groups = new Map<string, { columns: string[]; rows: Row[] }>();
  for (const row of rows) {
    const columns = Object.keys(row).filter((c) => row[c] !== undefined);
    const id = columns.join(',');
    const g = groups.get(id) ?? { columns, rows: [] };
    g.rows.push(row);
    groups.set(id, g);
  }
  for (const { columns, rows: group } of groups.values()) {
    const cols = sql.join(columns.map((c) => sql.ref(c)));
    const values = sql.join(columns.map((c) => sql.ref(`v.${c}`)));
    const replaced = onConflict === 'update' ? columns.filter((c) => !t.keyColumns.includes(c)) : [];
    const conflict = replaced.length
      ? sql`do update set ${sql.join(replaced.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}`
      : sql`do nothing`;
    await sql`insert into ${ref} (${cols})
      select ${values} from jsonb_populate_recordset(null::${ref}, ${json(group)}::jsonb) as v
      on conflict (${sql.join(t.keyColumns.map((c) => sql.ref(c)))}) ${conflict}`.execute(trx);
  }
}

const setters: Record<PatchRule['op'], (c: string) => RawBuilder<unknown>> = {
  set: (c) => sql`coalesce(${sql.ref(`v.${c}`)}, ${sql.ref(`t.${c}`)})`,
  max: (c) => sql`greatest(${sql.ref(`t.${c}`)}, ${sql.ref(`v.${c}`)})`,
  add: (c) => sql`${sql.ref(`t.${c}`)} + coalesce(${sql.ref(`v.${c}`)}, 0)`,
};

/** One `update ... from` for all patched rows; a column a row does not patch is null in v and kept. */
async function patch(trx: QueryExecutorProvider, ref: RawBuilder<unknown>, t: TableChanges): Promise<void> {
  const rows = [...t.patches.values()].map(({ key, columns }) => {
    const row: Row = { ...key };
    for (const [c, rule] of columns) row[c] = rule.value;
    return row;
  });
  const assignments = sql.join([...t.rules].map(([c, op]) => sql`${sql.ref(c)} = ${setters[op](c)}`));
  await sql`update ${ref} as t set ${assignments}
    from jsonb_populate_recordset(null::${ref}, ${json(rows)}::jsonb) as v
    where ${matchKeys(t)}`.execute(trx);
}

function matchKeys(t: TableChanges): RawBuilder<unknown> {
  return sql.join(t.keyColumns.map((c) => sql`${sql.ref(`t.${c}`)} = ${sql.ref(`v.${c}`)}`), sql` and `);
}

const json = (rows: Row[]) => JSON.stringify(rows);
