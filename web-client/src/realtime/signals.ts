/** How long "X is typing…" stays up after the last signal (the edge relays one per 2 s at most). */
export const TYPING_SHOW_MS = 5000;

/**
 * Ephemeral state from the socket: who is typing where, and who is online. Framework-free; the UI reads it
 * through `subscribe` + `version` (useSyncExternalStore). Typing ends by itself after TYPING_SHOW_MS, or at
 * once when that user's message arrives. Presence holds only users followed with `followPresence`.
 */
export class LiveSignals {
  private readonly typing = new Map<string, Map<string, number>>();
  private readonly online = new Map<string, boolean>();
  private readonly listeners = new Set<() => void>();
  private versionValue = 0;

  constructor(
    private readonly showMs = TYPING_SHOW_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Changes with every update: a cheap snapshot for useSyncExternalStore. */
  get version(): number {
    return this.versionValue;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  typingStarted(roomId: string, userId: string): void {
    let room = this.typing.get(roomId);
    if (!room) this.typing.set(roomId, (room = new Map()));
    const until = this.now() + this.showMs;
    room.set(userId, until);
    setTimeout(() => {
      if (this.typing.get(roomId)?.get(userId) === until) this.typingStopped(roomId, userId);
    }, this.showMs);
    this.emit();
  }

  typingStopped(roomId: string, userId: string): void {
    const room = this.typing.get(roomId);
    if (!room?.delete(userId)) return;
    if (room.size === 0) this.typing.delete(roomId);
    this.emit();
  }

  /** Users typing in the room now, sorted. */
  typingIn(roomId: string): string[] {
    const now = this.now();
    return [...(this.typing.get(roomId) ?? [])].filter(([, until]) => until > now).map(([u]) => u).sort();
  }

  setOnline(userId: string, online: boolean): void {
    if (this.online.get(userId) === online) return;
    this.online.set(userId, online);
    this.emit();
  }

  /** true/false for followed users, undefined when unknown. */
  isOnline(userId: string): boolean | undefined {
    return this.online.get(userId);
  }

  /** The socket is gone: nobody is known to be typing any more, presence becomes unknown. */
  reset(): void {
    if (this.typing.size === 0 && this.online.size === 0) return;
    this.typing.clear();
    this.online.clear();
    this.emit();
  }

  private emit(): void {
    this.versionValue++;
    for (const fn of this.listeners) fn();
  }
}

/** "Ann is typing…", "Ann and Bob are typing…", "Several people are typing…", or null. */
export function typingLine(names: string[]): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
