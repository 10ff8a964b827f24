import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { ReadModelDB } from '@natter/infra/runtime';
import { applyBatch, chatProjection } from '../src/index';
import { CheckpointWentBack, type Projection } from '../src/runtime/projection';
import { ev, rawEvents as raw, silent, startReadModelDb } from './fixtures';

// Batches commit without a WAL flush (synchronous_commit off), so a Postgres crash can take back commits the
// projector saw succeed. What the projector then finds is a checkpoint lower than the one it committed: it must
// refuse to go on after it (which would leave the lost events out for good) and read the stream again.
let env: Awaited<ReturnType<typeof startReadModelDb>>;
let db: Kysely<ReadModelDB>;
beforeAll(async () => {
  env = await startReadModelDb('guard');
  db = env.db;
});
afterAll(() => env?.stop());

const users = async () => (await sql<{ id: string }>`select id from guard.users order by id`.execute(db)).rows.map((r) => r.id);

describe('a batch after a checkpoint that went back', () => {
  it('is refused, writes nothing, and the events from the checkpoint on are then applied in order', async () => {
    const first = await applyBatch(db, 'guard', chatProjection, raw([ev.register('u1', 'ada'), ev.register('u2', 'bob')], 1), silent, undefined, 0);
    expect(first.checkpoint).toBe(2);
    // As after a crash that lost the projector's commits of seqs 3 and 4: it committed up to 4, Postgres has 2.
    const after = raw([ev.register('u5', 'eve')], 5);
    await expect(applyBatch(db, 'guard', chatProjection, after, silent, undefined, 4)).rejects.toBeInstanceOf(CheckpointWentBack);
    expect(await users()).toEqual(['u1', 'u2']);
    // Read again from the checkpoint: 3, 4 and 5 in order.
    const again = await applyBatch(db, 'guard', chatProjection, [...raw([ev.register('u3', 'cy'), ev.register('u4', 'dan')], 3), ...after], silent, undefined, 2);
    expect(again.checkpoint).toBe(5);
    expect(await users()).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
  });

  it('runs its batches without waiting for a WAL flush at commit, and with generic plans', async () => {
    let settings: unknown;
    const probe: Projection = {
      name: 'probe',
      async apply(trx) {
        settings = (await sql<{ sc: string; pcm: string }>`select current_setting('synchronous_commit') as sc, current_setting('plan_cache_mode') as pcm`.execute(trx)).rows[0];
      },
    };
    await applyBatch(db, 'guard', probe, raw([ev.register('u6', 'fay')], 1), silent);
    expect(settings).toEqual({ sc: 'off', pcm: 'force_generic_plan' });
    // Local to the batch's transaction: the pool's next session is back to the defaults.
    expect((await sql<{ sc: string }>`select current_setting('synchronous_commit') as sc`.execute(db)).rows[0].sc).toBe('on');
  });
});
