import { contentOf, redactContent, type StoredEvent } from '@natter/contracts';
import type { DeletedMessages, RawEvent } from './ports';

/** Events read per question: bounded memory, and one request for a typical resume. */
export const REDACTION_CHUNK = 256;

/**
 * A backfill's events with the content of deleted messages blanked. Deleted text is never served again, but
 * the stream still holds it: a client resuming from before a message was sent would otherwise be replayed its
 * MessageSent (and edits) with the text, then the MessageDeleted. So the events are read in chunks of at most
 * REDACTION_CHUNK; for each chunk that carries content (contracts' contentOf), query-api is asked which of those
 * messages are deleted as of at least `minSeq` (the round's head: every delete this backfill will replay is in
 * the read model), and their content is blanked (redactContent). The MessageDeleted itself follows in the
 * backfill, or live, as always. Live events are not redacted: a message deleted after it was delivered live
 * was delivered before it was deleted.
 *
 * Cost: nothing for a range without messages; otherwise one request per chunk, which waits for the projection
 * to reach the head (milliseconds, bounded by Limits.minSeqWaitMsMax; a failure fails the cursor: close 4002
 * and the client resumes).
 */
export async function* redactDeleted(
  events: AsyncIterable<RawEvent>,
  decode: (raw: RawEvent) => StoredEvent | null,
  roomId: string,
  minSeq: number,
  deleted: DeletedMessages,
  onRedacted: () => void,
): AsyncGenerator<StoredEvent | null> {
  let chunk: (StoredEvent | null)[] = [];
  const flush = async function* (): AsyncGenerator<StoredEvent | null> {
    const targets = [...new Set(chunk.flatMap((ev) => (ev ? (contentOf(ev.seq, ev) ?? []) : [])))];
    const gone = new Set(targets.length ? await deleted.deletedAmong(roomId, targets, minSeq) : []);
    const out = chunk;
    chunk = [];
    for (const ev of out) {
      const target = ev && contentOf(ev.seq, ev);
      if (ev && target !== null && gone.has(target)) {
        onRedacted();
        yield redactContent(ev);
      } else yield ev;
    }
  };
  for await (const raw of events) {
    chunk.push(decode(raw));
    if (chunk.length >= REDACTION_CHUNK) yield* flush();
  }
  if (chunk.length) yield* flush();
}
