import type { Attachment } from '@natter/contracts/browser';
import type { OutboxEntry, OutboxStore, ReplyTo } from './types';

type Listener = () => void;

/**
 * Messages written but not yet acknowledged, in the order they were written. Each mutation is written
 * through to the store (IndexedDB in the app) before it is visible to the next page load, so a reload keeps
 * them with their clientMsgId. Sending is the RealtimeClient's job; this class only keeps the list.
 */
export class Outbox {
  private entries: OutboxEntry[] = [];
  private readonly listeners = new Set<Listener>();
  private lastOrder = 0;

  constructor(
    private readonly store: OutboxStore,
    private readonly newId: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<void> {
    this.entries = (await this.store.loadAll()).sort((a, b) => a.order - b.order);
    this.lastOrder = this.entries.reduce((m, e) => Math.max(m, e.order), 0);
    this.emit();
  }

  /** Every entry, in send order. The array is replaced on change (stable for React between changes). */
  all(): readonly OutboxEntry[] {
    return this.entries;
  }

  get(clientMsgId: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.clientMsgId === clientMsgId);
  }

  /** The first pending entry of a room: the next one to send there. */
  nextPending(roomId: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.roomId === roomId && e.status === 'pending');
  }

  roomsWithPending(): string[] {
    return [...new Set(this.entries.filter((e) => e.status === 'pending').map((e) => e.roomId))];
  }

  add(roomId: string, text: string, reply?: ReplyTo, attachments?: Attachment[]): OutboxEntry {
    const order = Math.max(this.now(), this.lastOrder + 1);
    this.lastOrder = order;
    const entry: OutboxEntry = {
      clientMsgId: this.newId(),
      roomId,
      text,
      ...(reply ? { reply } : {}),
      ...(attachments?.length ? { attachments } : {}),
      order,
      createdAt: new Date(this.now()).toISOString(),
      status: 'pending',
      attempts: 0,
    };
    this.replace([...this.entries, entry]);
    void this.store.put(entry);
    return entry;
  }

  update(clientMsgId: string, patch: Partial<Pick<OutboxEntry, 'status' | 'attempts' | 'error'>>): void {
    const i = this.entries.findIndex((e) => e.clientMsgId === clientMsgId);
    if (i < 0) return;
    const next = { ...this.entries[i], ...patch };
    if (patch.status === 'pending') delete next.error;
    const list = this.entries.slice();
    list[i] = next;
    this.replace(list);
    void this.store.put(next);
  }

  /** Acknowledged (or seen in the room): it is stored on the server, forget it. */
  remove(clientMsgId: string): boolean {
    if (!this.get(clientMsgId)) return false;
    this.replace(this.entries.filter((e) => e.clientMsgId !== clientMsgId));
    void this.store.delete(clientMsgId);
    return true;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private replace(list: OutboxEntry[]): void {
    this.entries = list;
    this.emit();
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }
}
