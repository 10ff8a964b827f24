import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { activeReadModelSchema, createKysely } from '@natter/infra/runtime';
import { recountRooms } from '@natter/projectors';
import { Histogram, type LatencySummary } from '../histogram';
import type { BenchUser, NatterApi } from '../natter/api';

/**
 * `GET /api/me/rooms` with exact unread counts (issue 12) for a user in `rooms` rooms holding `messages` messages
 * in total. The read model is SEEDED DIRECTLY (one INSERT ... SELECT per chunk of rooms into the live schema),
 * not through the stream: appending and projecting a million messages is the history scenario's job, and the
 * rows written here are what the projector writes (ordinals and mention rows included), followed by the
 * `vacuum analyze` autovacuum would run after such a load; the counts kept at each marker are computed by the
 * projection's own code (`recountRooms`). Per room, from another sender: every
 * 40th message mentions the user, every 150th is deleted; the user's marker is at the start, a quarter, half,
 * nine tenths or the end of the room (so counts range from 0 to the whole room). The rows are removed after.
 * Measured one request at a time, interleaved with two same-run references: `GET /api/me` (the read path with a
 * small answer) and the transport floor, the very bytes of a room-list answer served as a fixed string by a bare
 * Node HTTP server in the bench process, fetched and parsed the same way (what any server pays, on this box, to
 * hand this many bytes to this client).
 */
export interface UnreadResult {
  rooms: number;
  messages: number;
  seedSeconds: number;
  requests: number;
  /** From one answer: what the user sees in total (a sanity check that the counts are not trivial). */
  totalUnread: number;
  totalMentions: number;
  myRooms: LatencySummary & { reqPerSec: number };
  baseline: LatencySummary;
  /** The answer's size, and the same bytes from a bare Node HTTP server (no database, no framework). */
  answerBytes: number;
  transportFloor: LatencySummary;
}

const BASE_SEQ = 1_000_000_000; // far above the bench's own stream: the seeded rooms' seqs never meet real ones

export async function unreadScenario(o: { api: NatterApi; user: BenchUser; databaseUrl: string; rooms: number; messages: number; requests: number }, log: (m: string) => void): Promise<UnreadResult> {
  const db = createKysely<any>(o.databaseUrl, 2);
  const tag = `bu${Date.now().toString(36)}`;
  const perRoom = Math.max(1, Math.floor(o.messages / o.rooms));
  const schema = await activeReadModelSchema(db);
  if (!schema) throw new Error('no live read model');
  const s = sql.id(schema);
  const t0 = performance.now();
  // Numbers inlined as literals (they are ours, not input): bound parameters have no type to add with.
  const base = sql.lit(BASE_SEQ);
  const per = sql.lit(perRoom);
  try {
    const chunk = 25;
    for (let from = 0; from < o.rooms; from += chunk) {
      const to = Math.min(o.rooms, from + chunk) - 1;
      await db.transaction().execute(async (trx) => {
        await sql`insert into ${s}.rooms (id, name, topic, visibility, created_by, created_at, created_seq, member_count, last_seq, msg_ord)
          select ${tag} || '-' || r, 'unread bench ' || r, '', 'private', ${o.user.id}, now(), ${base}, 2, ${base} + ${per}, ${per}
          from generate_series(${from}::int, ${to}::int) r`.execute(trx);
        await sql`insert into ${s}.room_members (room_id, user_id, role, joined_seq)
          select ${tag} || '-' || r, ${o.user.id}, 'member', ${base} from generate_series(${from}::int, ${to}::int) r`.execute(trx);
        await sql`insert into ${s}.messages (room_id, seq, id, sender_id, client_msg_id, text, sent_at, in_room, mentions, deleted, ord)
          select ${tag} || '-' || r, ${base} + k, ${tag} || '-' || r || '-' || k, 'bench-other', 'c' || k,
                 case when k % 150 = 0 then '' else 'message ' || k end, now(), true,
                 case when k % 40 = 0 then jsonb_build_object('userIds', jsonb_build_array(${o.user.id}::text), 'room', false, 'here', false)
                      else '{"userIds": [], "room": false, "here": false}'::jsonb end,
                 k % 150 = 0, k
          from generate_series(${from}::int, ${to}::int) r, generate_series(1, ${per}) k`.execute(trx);
        // What the projection derives from those: one mention row per live message that mentions the user.
        await sql`insert into ${s}.message_mentions (user_id, room_id, seq)
          select ${o.user.id}, ${tag} || '-' || r, ${base} + k
          from generate_series(${from}::int, ${to}::int) r, generate_series(1, ${per}) k where k % 40 = 0 and k % 150 <> 0`.execute(trx);
        // Markers at 0, 1/4, 1/2, 9/10 or all of the room, by room number.
        await sql`insert into ${s}.read_markers (user_id, room_id, thread_root_seq, seq)
          select ${o.user.id}, ${tag} || '-' || r, 0, ${base} + (${per} * (array[0, 25, 50, 90, 100])[1 + r % 5] / 100)
          from generate_series(${from}::int, ${to}::int) r`.execute(trx);
        const ids = Array.from({ length: to - from + 1 }, (_, i) => `${tag}-${from + i}`);
        await recountRooms(trx, schema, ids);
      });
      if ((to + 1) % 100 === 0) log(`unread: seeded ${to + 1} of ${o.rooms} rooms`);
    }
    // What autovacuum does after a bulk load (statistics, and the visibility map index-only scans rely on).
    for (const t of ['messages', 'read_markers', 'message_mentions', 'rooms', 'room_members']) await sql`vacuum analyze ${s}.${sql.id(t)}`.execute(db);
    const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;
    log(`unread: ${o.rooms} rooms, ${perRoom * o.rooms} messages seeded in ${seedSeconds} s`);

    const mine = () => o.api.myRooms(o.user);
    for (let i = 0; i < 20; i++) await (i % 2 ? o.api.me(o.user) : mine()); // warm-up
    const first = await mine();
    const seeded = first.items.filter((r) => r.id.startsWith(`${tag}-`));
    if (seeded.length !== o.rooms) throw new Error(`GET /api/me/rooms answered ${seeded.length} of the ${o.rooms} seeded rooms`);
    const answer = JSON.stringify(first);
    const floorServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer));
    await new Promise<void>((resolve) => floorServer.listen(0, '127.0.0.1', resolve));
    const floorUrl = `http://127.0.0.1:${(floorServer.address() as AddressInfo).port}/`;
    const floorFetch = async () => JSON.parse(await (await fetch(floorUrl, { signal: AbortSignal.timeout(30_000) })).text()) as unknown;
    const rooms = new Histogram();
    const baseline = new Histogram();
    const floor = new Histogram();
    let elapsed = 0;
    try {
      for (let i = 0; i < 20; i++) await floorFetch(); // warm-up
      for (let i = 0; i < o.requests; i++) {
        const t = performance.now();
        await mine();
        rooms.record(performance.now() - t);
        elapsed += performance.now() - t;
        const b = performance.now();
        await o.api.me(o.user);
        baseline.record(performance.now() - b);
        const f = performance.now();
        await floorFetch();
        floor.record(performance.now() - f);
      }
    } finally {
      floorServer.closeAllConnections();
      floorServer.close();
    }
    return {
      rooms: o.rooms,
      messages: perRoom * o.rooms,
      seedSeconds,
      requests: o.requests,
      totalUnread: seeded.reduce((n, r) => n + r.unread.unread, 0),
      totalMentions: seeded.reduce((n, r) => n + r.unread.mentions, 0),
      myRooms: { ...rooms.summary(), reqPerSec: Math.round((o.requests * 1000) / elapsed) },
      baseline: baseline.summary(),
      answerBytes: Buffer.byteLength(answer),
      transportFloor: floor.summary(),
    };
  } finally {
    // The seeded rooms are not in the stream: take them out again, so a rebuild compares equal.
    for (const t of ['messages', 'read_markers', 'message_mentions', 'room_members'] as const) {
      await sql`delete from ${s}.${sql.id(t)} where room_id like ${`${tag}-%`}`.execute(db).catch(() => {});
    }
    await sql`delete from ${s}.rooms where id like ${`${tag}-%`}`.execute(db).catch(() => {});
    await db.destroy();
  }
}
