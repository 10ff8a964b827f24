import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pino from 'pino';
import { Writable } from 'node:stream';
import { Subjects, type NewEvent } from '@natter/contracts';
import { activeReadModelSchema } from '@natter/infra/runtime';
import { waitFor } from '@natter/infra/testing';
import { startProjectors } from '../src/app';
import { loadConfig } from '../src/config';
import { rebuildReadModel } from '../src/index';
import { append, appendAll, ev, silent, startEnv, waitCheckpoint, type Env } from './fixtures';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
});

const say = (roomId: string, senderId: string, n: number, text: string): readonly [string, NewEvent] =>
  [Subjects.roomMsg(roomId), { type: 'MessageSent', data: { roomId, messageId: `m-${roomId}-${n}`, senderId, clientMsgId: `c${n}`, text } }] as const;

async function searchCheckpoint(): Promise<number> {
  const s = await activeReadModelSchema(env.db);
  const r = await env.db.withSchema(s).selectFrom('checkpoint').select('last_seq').where('projection', '=', 'search').executeTakeFirst();
  return r ? Number(r.last_seq) : 0;
}

/** Seqs of the live messages whose text matches `words` (the index query query-api builds on). */
async function matches(words: string, schema?: string): Promise<number[]> {
  const s = schema ?? (await activeReadModelSchema(env.db));
  const r = await sql<{ seq: string }>`select seq from ${sql.table(`${s}.search_messages`)}
    where tsv @@ websearch_to_tsquery('english', ${words}) and not deleted order by seq`.execute(env.db);
  return r.rows.map((x) => Number(x.seq));
}

/** A logger whose lines the test can read (pino JSON). */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _e, cb) { for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l)); cb(); } });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('search projection', () => {
  it('added to a running deployment, back-fills from history with progress in the log; edits re-index, deletes remove; a rebuild equals it', async () => {
    // A deployment running the chat projection only, with history.
    const chatOnly = await startProjectors(loadConfig({ ...process.env, NATS_URL: env.nats.url, DATABASE_URL: env.pg.url, PROJECTORS_PORT: '0', PROJECTOR_LOCK_RETRY_MS: '100', PROJECTOR_PROJECTIONS: 'chat' }), silent);
    const seqs = await appendAll(env.js, [ev.register('u1', 'ada'), ev.register('u2', 'bob'), ev.room('r1', 'general', 'u1'), ev.join('r1', 'u1', 'owner'), ev.join('r1', 'u2')]);
    const deploy = await append(env.js, ...say('r1', 'u1', 1, 'The deploy went fine, see https://example.com/run/1'));
    const lunch = await append(env.js, ...say('r1', 'u2', 2, 'lunch at noon?'));
    // Enough history that the back-fill is far behind when it starts (over 2,000 events).
    const filler: Promise<unknown>[] = [];
    for (let i = 0; i < 2600; i++) filler.push(append(env.js, ...say('r1', i % 2 ? 'u1' : 'u2', 100 + i, `filler message number ${i} about weather`)));
    const fillerSeqs = (await Promise.all(filler)) as number[];
    const head = Math.max(...fillerSeqs);
    await waitCheckpoint(env.db, head, 60_000);
    expect(await searchCheckpoint()).toBe(0);
    expect(seqs.length).toBe(5);

    // Adding search: a second projectors process that runs it; the chat projection is not touched.
    const { log, lines } = capture();
    const withSearch = await startProjectors(loadConfig({ ...process.env, NATS_URL: env.nats.url, DATABASE_URL: env.pg.url, PROJECTORS_PORT: '0', PROJECTOR_LOCK_RETRY_MS: '100', PROJECTOR_PROJECTIONS: 'search', PROJECTOR_BATCH_MAX_EVENTS: '100' }), log);
    try {
      await waitFor('search back-filled', async () => (await searchCheckpoint()) >= head, 60_000, 50);
      expect(lines.some((l) => l.msg === 'projection catching up (back-fill)' && l.projection === 'search')).toBe(true);
      await waitFor('caught-up line', async () => lines.some((l) => l.msg === 'projection caught up' && l.projection === 'search'), 10_000, 50);
      expect(await matches('deploy')).toEqual([deploy]);
      expect(await matches('deployed')).toEqual([deploy]); // stemmed
      expect(await matches('lunch')).toEqual([lunch]);
      expect((await matches('weather')).length).toBe(2600);
      const linkRows = await sql<{ seq: string }>`select seq from ${sql.table(`${await activeReadModelSchema(env.db)}.search_messages`)} where has_link`.execute(env.db);
      expect(linkRows.rows.map((r) => Number(r.seq))).toEqual([deploy]);

      // Live: an edit re-indexes (old words gone, new words found), a delete removes.
      const edit = await append(env.js, ...ev.edit('r1', lunch, 'dinner at eight instead'));
      await waitFor('edit indexed', async () => (await searchCheckpoint()) >= edit, 10_000, 25);
      expect(await matches('lunch')).toEqual([]);
      expect(await matches('dinner')).toEqual([lunch]);
      const del = await append(env.js, ...ev.del('r1', deploy, 'u1'));
      const editAfterDelete = await append(env.js, ...ev.edit('r1', deploy, 'deploy resurrected?'));
      await waitFor('delete indexed', async () => (await searchCheckpoint()) >= editAfterDelete, 10_000, 25);
      expect(del).toBeLessThan(editAfterDelete);
      expect(await matches('deploy')).toEqual([]);
      expect(await matches('resurrected')).toEqual([]);

      // The chat projection's own checkpoint was never reset by adding search.
      expect(chatOnly.runner.role).toBe('active');

      // A rebuild (other batch sizes) replays search too and equals the live tables, search_messages included.
      await waitCheckpoint(env.db, editAfterDelete);
      const r = await rebuildReadModel(env.nc, env.db, env.pg.url, silent, { verify: true, swap: true, batch: { maxEvents: 37, lingerMs: 0 } });
      expect(r.equal).toBe(true);
      const searchTable = r.comparison!.find((t) => t.table === 'search_messages')!;
      expect(searchTable.newRows).toBe(2602);
      expect(searchTable.differing).toBe(0);
      expect(await matches('dinner', r.schema)).toEqual([lunch]);
      // Both projections continue on the new schema.
      const after = await append(env.js, ...say('r1', 'u1', 9999, 'after the swap, a kiwi'));
      await waitFor('search continues on the new schema', async () => (await matches('kiwi')).includes(after), 15_000, 50);
    } finally {
      await withSearch.close();
      await chatOnly.close();
    }
  }, 180_000);
});
