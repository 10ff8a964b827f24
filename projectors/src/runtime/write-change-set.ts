import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { ChangeSet, PatchRule, TableChanges } from './change-set';

type Row = Record<string, unknown>;

/**
 * Writes one batch's change set into `schema` inside the caller's transaction (the one that also moves the
 * checkpoint, which is why it takes the transaction): per table at most one statement for each kind of change, whatever the batch size. Rows travel
 * as ONE jsonb parameter and are typed by Postgres itself with `jsonb_populate_recordset(null::<table>, ...)`,
 * so no column types are repeated here and a batch of any size stays under the bind-parameter limit.
 * Order: inserts, puts, ensures, deletes, purges, patches, tombstones (see ChangeSet). Rows of a table owned
 * by a tombstoned row are never written (`alive`), and a tombstoned row's content columns are never patched.
 */
export async function writeChangeSet<DB>(trx: QueryExecutorProvider, schema: string, cs: ChangeSet<DB>): Promise<void> {
  const ref = (name: string) => sql.table(`${schema}.${name}`);
  const tables = [...cs.tables].map(([name, t]) => ({ t, name, ref: ref(name), alive: ownerAlive(t, ref) }));
  for (const { t, ref, alive } of tables) if (t.inserts.size) await upsert(trx, ref, t, [...t.inserts.values()], 'nothing', alive);
  for (const { t, ref, alive } of tables) if (t.puts.size) await upsert(trx, ref, t, [...t.puts.values()], 'update', alive);
  for (const { t, ref, alive } of tables) if (t.ensures.size) await upsert(trx, ref, t, [...t.ensures.values()], 'nothing', alive);
  for (const { t, ref } of tables) {
    if (!t.deletes.size) continue;
    await sql`delete from ${ref} as t using jsonb_populate_recordset(null::${ref}, ${json([...t.deletes.values()])}::jsonb) as v
      where ${matchKeys(t)}`.execute(trx);
  }
  for (const { t, ref } of tables) {
    if (!t.purges.size) continue;
    const cols = Object.values(t.owner!.columns);
    await sql`delete from ${ref} as t using jsonb_populate_recordset(null::${ref}, ${json([...t.purges.values()])}::jsonb) as v
      where ${sql.join(cols.map((c) => sql`${sql.ref(`t.${c}`)} = ${sql.ref(`v.${c}`)}`), sql` and `)}`.execute(trx);
  }
  for (const { t, ref, alive } of tables) if (t.patches.size) await patch(trx, ref, t, alive);
  for (const { t, ref } of tables) if (t.tombstones.size) await tombstone(trx, ref, t);
}

/**
 * For a table owned by another (TableRules): "the owner of row v is not tombstoned", as a condition on `v`.
 * (An owner row that does not exist does not block: an owned row always follows its owner in stream order.)
 */
function ownerAlive(t: TableChanges, ref: (name: string) => RawBuilder<unknown>): RawBuilder<unknown> | undefined {
  const o = t.owner;
  if (!o) return undefined;
  const owners = ref(o.table);
  return sql`not exists (select 1 from ${owners} as o where ${sql.join(
    o.ownerKeys.map((c) => sql`${sql.ref(`o.${c}`)} = ${sql.ref(`v.${o.columns[c]}`)}`),
    sql` and `,
  )} and ${sql.ref(`o.${o.ownerFlag}`)})`;
}

/** Rows grouped by the columns they name (absent or undefined: the column's default), one statement each. */
async function upsert(trx: QueryExecutorProvider, ref: RawBuilder<unknown>, t: TableChanges, rows: Row[], onConflict: 'nothing' | 'update', alive?: RawBuilder<unknown>): Promise<void> {
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
      ${alive ? sql`where ${alive}` : sql``}
      on conflict (${sql.join(t.keyColumns.map((c) => sql.ref(c)))}) ${conflict}`.execute(trx);
  }
}

const setters: Record<PatchRule['op'], (c: string) => RawBuilder<unknown>> = {
  set: (c) => sql`coalesce(${sql.ref(`v.${c}`)}, ${sql.ref(`t.${c}`)})`,
  max: (c) => sql`greatest(${sql.ref(`t.${c}`)}, ${sql.ref(`v.${c}`)})`,
  add: (c) => sql`${sql.ref(`t.${c}`)} + coalesce(${sql.ref(`v.${c}`)}, 0)`,
};

/**
 * One `update ... from` for all patched rows; a column a row does not patch is null in v and kept. A tombstone
 * rule's content columns keep their value on a flagged row.
 */
async function patch(trx: QueryExecutorProvider, ref: RawBuilder<unknown>, t: TableChanges, alive?: RawBuilder<unknown>): Promise<void> {
  const rows = [...t.patches.values()].map(({ key, columns }) => {
    const row: Row = { ...key };
    for (const [c, rule] of columns) row[c] = rule.value;
    return row;
  });
  const frozen = new Set(t.tombstone?.content ?? []);
  const assignments = sql.join(
    [...t.rules].map(([c, op]) =>
      frozen.has(c)
        ? sql`${sql.ref(c)} = case when ${sql.ref(`t.${t.tombstone!.flag}`)} then ${sql.ref(`t.${c}`)} else ${setters[op](c)} end`
        : sql`${sql.ref(c)} = ${setters[op](c)}`,
    ),
  );
  await sql`update ${ref} as t set ${assignments}
    from jsonb_populate_recordset(null::${ref}, ${json(rows)}::jsonb) as v
    where ${matchKeys(t)}${alive ? sql` and ${alive}` : sql``}`.execute(trx);
}

/** Tombstones: the flag and the given values (nulls included) on rows not flagged yet, grouped by the columns named. */
async function tombstone(trx: QueryExecutorProvider, ref: RawBuilder<unknown>, t: TableChanges): Promise<void> {
  const groups = new Map<string, Row[]>();
  for (const row of t.tombstones.values()) {
    const id = Object.keys(row).filter((c) => !t.keyColumns.includes(c)).sort().join(',');
    groups.set(id, [...(groups.get(id) ?? []), row]);
  }
  for (const [id, rows] of groups) {
    const assignments = sql.join(id.split(',').map((c) => sql`${sql.ref(c)} = ${sql.ref(`v.${c}`)}`));
    await sql`update ${ref} as t set ${assignments}
      from jsonb_populate_recordset(null::${ref}, ${json(rows)}::jsonb) as v
      where ${matchKeys(t)} and not ${sql.ref(`t.${t.tombstone!.flag}`)}`.execute(trx);
  }
}

function matchKeys(t: TableChanges): RawBuilder<unknown> {
  return sql.join(t.keyColumns.map((c) => sql`${sql.ref(`t.${c}`)} = ${sql.ref(`v.${c}`)}`), sql` and `);
}

const json = (rows: Row[]) => JSON.stringify(rows);
