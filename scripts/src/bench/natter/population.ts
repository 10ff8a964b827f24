import type { ConnSpec, SenderSpec } from '../generator/protocol';
import { NatterApi, pool, type BenchUser } from './api';

/**
 * Users and rooms for the scenarios: a pool of registered users reused by every scenario (registration is
 * argon2id and slow by design), fresh rooms per scenario. Joins to one room run one after another (each is an
 * append with an expected sequence on the room's meta subject, so concurrent joins would only conflict).
 */
export class Population {
  readonly users: BenchUser[] = [];
  private roomSeq = 0;

  constructor(readonly api: NatterApi, readonly runId: string, private readonly log: (m: string) => void) {}

  async ensureUsers(n: number): Promise<BenchUser[]> {
    const start = this.users.length;
    if (n > start) {
      const t0 = Date.now();
      const made = await pool(Array.from({ length: n - start }, (_, i) => start + i), 8, (i) => this.api.register(i, this.runId));
      this.users.push(...made);
      this.log(`registered ${made.length} users in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    // Access tokens live 15 minutes: refresh the ones older than 10.
    const stale = this.users.slice(0, n).filter((u) => Date.now() - u.tokenAt > 10 * 60_000);
    await pool(stale, 8, (u) => this.api.refresh(u));
    return this.users.slice(0, n);
  }

  /** Creates `rooms` public rooms of `members` users each (users [r*members, (r+1)*members)). */
  async rooms(rooms: number, members: number): Promise<{ id: string; members: BenchUser[] }[]> {
    const users = await this.ensureUsers(rooms * members);
    const t0 = Date.now();
    const out = await pool(Array.from({ length: rooms }, (_, r) => r), 8, async (r) => {
      const m = users.slice(r * members, (r + 1) * members);
      const id = await this.api.createRoom(m[0], `bench ${this.runId} ${++this.roomSeq}`);
      for (const u of m.slice(1)) await this.api.join(u, id);
      return { id, members: m };
    });
    this.log(`created ${rooms} rooms x ${members} members in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return out;
  }
}

export interface Layout {
  conns: ConnSpec[];
  receivers: Map<string, number>;
  /** Connection indices per room, in member order. */
  byRoom: { roomId: string; conns: number[] }[];
}

/** One connection per member; `url(roomId, memberIdx)` builds the socket URL. */
export function layout(rooms: { id: string; size: number }[], url: (roomId: string, r: number, m: number) => string): Layout {
  const conns: ConnSpec[] = [];
  const byRoom: Layout['byRoom'] = [];
  rooms.forEach((room, r) => {
    const idxs: number[] = [];
    for (let m = 0; m < room.size; m++) {
      idxs.push(conns.length);
      conns.push({ idx: conns.length, url: url(room.id, r, m), rooms: [room.id] });
    }
    byRoom.push({ roomId: room.id, conns: idxs });
  });
  return { conns, byRoom, receivers: new Map(rooms.map((r) => [r.id, r.size])) };
}

/**
 * Senders for a total rate: per room, the fewest members that keep each sender at or under `maxPerSender`
 * msg/s (Natter's command-api allows 10 msg/s per user), never more than the room has.
 */
export function planSenders(l: Layout, totalRate: number, maxPerSender: number): SenderSpec[] {
  const perRoom = totalRate / l.byRoom.length;
  const out: SenderSpec[] = [];
  for (const room of l.byRoom) {
    const k = Math.min(room.conns.length, Math.max(1, Math.ceil(perRoom / maxPerSender)));
    for (let i = 0; i < k; i++) out.push({ conn: room.conns[i], senderIdx: out.length, roomId: room.roomId, rate: perRoom / k });
  }
  return out;
}
