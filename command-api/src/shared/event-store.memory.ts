import { encodeEvent, decodeEvent, type NewEvent, type StoredEvent } from '@natter/contracts';
import { AppendConflict, type Appended, type EventStore } from './event-store';

/**
 * An EventStore in memory with the same rules as JetStream (one global sequence, expected last subject
 * sequence, msgID duplicates), for unit specs. `beforeAppend` lets a spec inject a competing writer.
 */
export class MemoryEventStore implements EventStore {
  readonly log: StoredEvent[] = [];
  private readonly msgIds = new Map<string, number>();
  beforeAppend?: (subject: string) => void;

  async *readAfter(subject: string, afterSeq: number): AsyncIterable<StoredEvent> {
    for (const e of this.log) if (e.subject === subject && e.seq > afterSeq) yield e;
  }

  async readAt(seq: number): Promise<StoredEvent | null> {
    return this.log.find((e) => e.seq === seq) ?? null;
  }

  async lastSeqOf(subject: string): Promise<number> {
    return this.log.filter((e) => e.subject === subject).at(-1)?.seq ?? 0;
  }

  async appendExpected(subject: string, expectedSeq: number, event: NewEvent, actor: string | null): Promise<Appended> {
    this.beforeAppend?.(subject);
    const last = this.log.filter((e) => e.subject === subject).at(-1)?.seq ?? 0;
    const msgID = `${subject}:${expectedSeq + 1}`;
    if (last !== expectedSeq || this.msgIds.has(msgID)) throw new AppendConflict(subject, expectedSeq);
    return this.push(subject, msgID, event, actor);
  }

  async appendIdempotent(subject: string, msgID: string, event: NewEvent, actor: string | null): Promise<Appended & { duplicate: boolean }> {
    const seen = this.msgIds.get(msgID);
    if (seen !== undefined) {
      const e = this.log.find((x) => x.seq === seen)!;
      return { seq: seen, envelope: { id: e.id, type: e.type, v: e.v, at: e.at, actor: e.actor, data: e.data }, duplicate: true };
    }
    return { ...this.push(subject, msgID, event, actor), duplicate: false };
  }

  /** Append without any expectation, as another writer would. */
  appendRaw(subject: string, event: NewEvent): void {
    this.push(subject, `raw:${this.log.length + 1}`, event, null);
  }

  private push(subject: string, msgID: string, event: NewEvent, actor: string | null): Appended {
    const seq = this.log.length + 1;
    const { body, envelope } = encodeEvent(event, actor);
    this.log.push(decodeEvent(seq, subject, body));
    this.msgIds.set(msgID, seq);
    return { seq, envelope };
  }
}
