import { NatterError, parseSearchQuery, SearchSyntaxError, snippetSegments, type ParsedSearchQuery, type SearchHit, type SearchQuery, type SearchResponse } from '@natter/contracts';
import type { Caller } from '../http/auth';
import { CheckpointRepository } from '../read-model/checkpoint.repository';
import { untilOwnCheckpoint } from '../read-model/own-checkpoint';
import type { ReadModelReader } from '../read-model/reader';
import { decodeCursor, encodeCursor } from './search-cursor';
import { SearchRepository, type SearchPage, type SearchRow } from './search.repository';

/** Search answers once its index is within `readyLag` events of the chat checkpoint (and has run at all). */
export function searchReadiness(indexed: number, chat: number, readyLag: number): { ready: boolean; percent: number } {
  return { ready: indexed > 0 && indexed >= chat - readyLag, percent: chat > 0 ? Math.min(100, Math.floor((indexed / chat) * 1000) / 10) : 0 };
}

/**
 * `GET /api/search`: full-text search over the messages the caller can read now. The index is the search
 * projection's, which has its own checkpoint: until it has caught up with the chat projection (within
 * `readyLag` events) it is still back-filling and the answer is `503 search_not_ready` with its progress,
 * never a partial result that looks complete. `asOfSeq` is the search checkpoint.
 */
export class SearchService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly readyLag: number,
    /** Seqs in the newest band (search-bands.ts); the cursor carries it, so it holds for all of a query's pages. */
    private readonly bandWidth: number,
    private readonly repo = new SearchRepository(),
    private readonly checkpoints = new CheckpointRepository(),
  ) {}

  async search(caller: Caller, query: SearchQuery): Promise<SearchResponse> {
    const parsed = parse(query.q);
    const cursor = query.cursor !== undefined ? decodeCursor(query.cursor) : null;
    // minSeq: the reader waits for the chat checkpoint (memberships); the index has its own, a batch or so
    // behind the chat tables, waited for here.
    const found = await untilOwnCheckpoint(query.minSeq, async () => {
      const snap = await this.reader.read({ callerId: caller.userId, minSeq: query.minSeq }, async (q) => {
        const [indexed, chat] = await Promise.all([this.repo.checkpoint(q), this.checkpoints.lastSeq(q)]);
        const readiness = searchReadiness(indexed, chat, this.readyLag);
        if (!readiness.ready) throw new NatterError('search_not_ready', undefined, { appliedSeq: indexed, targetSeq: chat, percent: readiness.percent });
        if (query.minSeq !== undefined && indexed < query.minSeq) return { asOfSeq: indexed, value: undefined };
        // The first page fixes the bands: below this snapshot's checkpoint, at this query-api's width.
        const page = cursor ? { head: cursor.head, width: cursor.width, after: { rank: cursor.rank, seq: cursor.seq } } : { head: indexed, width: this.bandWidth, after: null };
        return { asOfSeq: indexed, value: { indexed, page, rows: await this.repo.search(q, caller.userId, parsed, page, query.limit) } };
      });
      return snap.value;
    });
    return this.page(found.rows, found.indexed, found.page, query.limit);
  }

  private page(rows: SearchRow[], indexed: number, bands: SearchPage, limit: number): SearchResponse {
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map(toHit),
      nextCursor: more && last ? encodeCursor({ head: bands.head, width: bands.width, rank: Number(last.rank), seq: Number(last.seq) }) : null,
      asOfSeq: indexed,
    };
  }
}

function parse(q: string): ParsedSearchQuery {
  try {
    return parseSearchQuery(q);
  } catch (err) {
    if (err instanceof SearchSyntaxError) throw new NatterError('validation_failed', undefined, [{ path: 'q', message: err.message }]);
    throw err;
  }
}

function toHit(r: SearchRow): SearchHit {
  return {
    roomId: r.room_id,
    roomName: r.room_name,
    roomKind: r.room_kind,
    seq: Number(r.seq),
    threadRootSeq: r.thread_root_seq === null ? null : Number(r.thread_root_seq),
    senderId: r.sender_id,
    senderUsername: r.username ?? '',
    senderDisplayName: r.display_name ?? '',
    sentAt: new Date(r.sent_at).toISOString(),
    edited: r.edited,
    snippet: snippetSegments(r.snippet),
    rank: Number(r.rank),
  };
}
