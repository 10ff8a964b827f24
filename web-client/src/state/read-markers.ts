/**
 * The last sequence the person has seen in each room, per user in localStorage. A room whose latest
 * sequence is above its marker has news. A room seen for the first time starts as read, so a new device
 * does not light up every room.
 */
export class ReadMarkers {
  private marks: Record<string, number>;
  private readonly listeners = new Set<() => void>();
  private readonly key: string;

  constructor(
    userId: string,
    private readonly storage: Storage = localStorage,
  ) {
    this.key = `natter.read.${userId}`;
    try {
      this.marks = JSON.parse(this.storage.getItem(this.key) ?? '{}') as Record<string, number>;
    } catch {
      this.marks = {};
    }
  }

  get(roomId: string): number | undefined {
    return this.marks[roomId];
  }

  /** Rooms never seen before start as read up to `seq`. */
  initialise(roomId: string, seq: number): void {
    if (this.marks[roomId] === undefined) this.set(roomId, seq);
  }

  markRead(roomId: string, seq: number): void {
    if ((this.marks[roomId] ?? -1) < seq) this.set(roomId, seq);
  }

  isUnread(roomId: string, latestSeq: number): boolean {
    const m = this.marks[roomId];
    return m !== undefined && latestSeq > m;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A counter that changes on every update, for useSyncExternalStore. */
  version = 0;

  clear(): void {
    this.marks = {};
    this.storage.removeItem(this.key);
    this.bump();
  }

  private set(roomId: string, seq: number): void {
    this.marks = { ...this.marks, [roomId]: seq };
    this.storage.setItem(this.key, JSON.stringify(this.marks));
    this.bump();
  }

  private bump(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }
}
