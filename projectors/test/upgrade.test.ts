import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeReadModelSchema } from '@natter/infra/runtime';
import { createReadModelSchema, READ_MODEL_VERSION } from '@natter/infra/provision';
import { catchUp, chatProjection, upgradeReadModel } from '../src/index';
import { searchProjection } from '../src/search/search.projection';
import { appendAll, dump, ev, silent, startEnv, type Env, type Ev } from './fixtures';

/**
 * The read-model upgrade on start (upgrade.ts), against real NATS and Postgres: an older version's live schema
 * is rebuilt into READ_MODEL_VERSION and swapped in; a build a dead instance left half done is continued from
 * its checkpoint rather than started again; a newer live version is refused. (The whole stack upgrading, with
 * two projectors and query-api's 503, is scripts/test/e2e/read-model-upgrade.test.ts.)
 */
let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

function history(): Ev[] {
  const out: Ev[] = [];
  for (let u = 0; u < 4; u++) out.push(ev.register(`u${u}`, `User${u}`));
  for (let r = 0; r < 5; r++) {
    out.push(ev.room(`r${r}`, `room ${r}`, 'u0'), ev.join(`r${r}`, 'u0', 'owner'), ev.join(`r${r}`, 'u1'));
    for (let m = 0; m < 8; m++) out.push(ev.msg(`r${r}`, `u${m % 2}`, m));
  }
  return out;
}

/** Pretends the live schema was built by an older version: the same tables under rm_v<N-1>_0. */
async function makeLiveSchemaOlder(): Promise<string> {
  const live = await activeReadModelSchema(env.db);
  const old = `rm_v${READ_MODEL_VERSION - 1}_0`;
  await sql`alter schema ${sql.id(live)} rename to ${sql.id(old)}`.execute(env.db);
  await sql`update natter.read_models set active_schema = ${old}`.execute(env.db);
  return old;
}

describe('read-model upgrade', () => {
  it('continues a build a dead instance left half done, then swaps and drops the old version', async () => {
    const seqs = await appendAll(env.js, history());
    const last = seqs.at(-1)!;
    // Built by "the previous version" and live, fully projected.
    await catchUp(env.nc, env.db, await activeReadModelSchema(env.db), chatProjection, last, silent, { batch: { maxEvents: 100, lingerMs: 1 } });
    // (and its search index: an upgrade rebuilds both projections of the schema)
    await catchUp(env.nc, env.db, await activeReadModelSchema(env.db), searchProjection, last, silent, { batch: { maxEvents: 100, lingerMs: 1 } });
    const expected = await dump(env.db);
    const old = await makeLiveSchemaOlder();
    // An instance started the upgrade and died halfway: its schema is there, recorded, with a checkpoint.
    const half = `rm_v${READ_MODEL_VERSION}_0`;
    await createReadModelSchema(env.db, half);
    await sql`insert into natter.read_model_builds (schema, projection, from_schema, target_seq, applied_seq) values (${half}, 'chat', ${old}, ${last}, 0)`.execute(env.db);
    const middle = seqs[Math.floor(seqs.length / 2)];
    await catchUp(env.nc, env.db, half, chatProjection, middle, silent, { batch: { maxEvents: 7, lingerMs: 1 } });

    const progress: number[] = [];
    const r = await upgradeReadModel(env.nc, env.db, env.pg.url, silent, { dropDelayMs: 0, onProgress: (s) => progress.push(s.progress) });
    expect(r).toEqual({ from: old, to: half }); // the same schema, continued: not a new build
    expect(await activeReadModelSchema(env.db)).toBe(half);
    expect(await dump(env.db, half)).toEqual(expected);
    expect(progress.at(-1)).toBe(1);
    const build = await sql<{ applied_seq: string; finished_at: Date | null }>`select applied_seq, finished_at from natter.read_model_builds where schema = ${half}`.execute(env.db);
    expect(Number(build.rows[0].applied_seq)).toBe(last);
    expect(build.rows[0].finished_at).not.toBeNull();
    const schemas = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${old}`.execute(env.db);
    expect(schemas.rows[0].n).toBe(0);
    // Nothing left to do the second time.
    expect(await upgradeReadModel(env.nc, env.db, env.pg.url, silent)).toBeNull();
  });

  it('refuses to touch a live read model of a newer version than this code', async () => {
    const live = await activeReadModelSchema(env.db);
    const newer = `rm_v${READ_MODEL_VERSION + 1}_0`;
    await sql`alter schema ${sql.id(live)} rename to ${sql.id(newer)}`.execute(env.db);
    await sql`update natter.read_models set active_schema = ${newer}`.execute(env.db);
    await expect(upgradeReadModel(env.nc, env.db, env.pg.url, silent)).rejects.toThrow(/newer than this projector/);
    expect(await activeReadModelSchema(env.db)).toBe(newer);
  });
});
