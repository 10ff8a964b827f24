import pg from 'pg';

export interface PostgresBaseline {
  rows: number;
  batch: number;
  seconds: number;
  rowsPerSec: number;
}

/**
 * Multi-row INSERTs of message rows (the read model's `messages` table) at the projector's batch size, one
 * transaction per batch with a checkpoint upsert, one batch at a time: the projector's write pattern without
 * NATS, decoding or the projection's logic. Runs in a throwaway database on the same Postgres server.
 */
export async function postgresBaseline(o: { serverUrl: string; rows: number; batch: number }): Promise<PostgresBaseline> {
  const name = `bench_pg_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: o.serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(o.serverUrl);
  u.pathname = `/${name}`;
  const c = new pg.Client({ connectionString: u.toString() });
  try {
    await c.connect();
    await c.query(`create table messages (room_id text not null, seq bigint not null, id text not null, sender_id text not null,
      client_msg_id text not null, text text not null, sent_at timestamptz not null, primary key (room_id, seq))`);
    await c.query('create table checkpoint (projection text primary key, last_seq bigint not null)');
    const room = '5b0e1c9e-6a43-4c7e-9d0e-3f2a1b4c5d6e';
    const sender = '0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1';
    const text = 'x'.repeat(64);
    const t0 = performance.now();
    for (let start = 1; start <= o.rows; start += o.batch) {
      const n = Math.min(o.batch, o.rows - start + 1);
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (let i = 0; i < n; i++) {
        const seq = start + i;
        const b = params.length;
        params.push(room, seq, `m-${seq}`, sender, `c-${seq}`, text, new Date().toISOString());
        tuples.push(`($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7})`);
      }
      await c.query('begin');
      await c.query(`insert into messages (room_id, seq, id, sender_id, client_msg_id, text, sent_at) values ${tuples.join(',')}`, params);
      await c.query(`insert into checkpoint values ('chat', $1) on conflict (projection) do update set last_seq = excluded.last_seq`, [start + n - 1]);
      await c.query('commit');
    }
    const seconds = (performance.now() - t0) / 1000;
    return { rows: o.rows, batch: o.batch, seconds: Math.round(seconds * 100) / 100, rowsPerSec: Math.round(o.rows / seconds) };
  } finally {
    await c.end().catch(() => {});
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  }
}
