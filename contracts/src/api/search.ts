import { z } from 'zod';
import { Text } from '../text';

/** Results per page of a message search. */
export const SearchPageMax = 50;

/**
 * `GET /api/search?q=…&cursor=…&limit=…`: full-text search over every message the caller can read now (the
 * rooms and direct messages they are a member of, judged at query time). Syntax of `q`: contracts'
 * `parseSearchQuery` (words, `"phrases"`, `-word`, `in:#room`, `from:@user`, `before:`/`after:` YYYY-MM-DD,
 * `has:link`, `is:thread`). The best matches among the newest messages first, then older ones (spans of the
 * event log from the newest back, best match first within each: query-api search-bands.ts); `nextCursor`
 * continues the same query over the same spans.
 */
export const SearchQuery = z.strictObject({
  q: Text({ max: 256 }),
  /** Opaque; up to 128 characters (the largest query-api writes is ~80: bands, rank and seq, base64url). */
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'a nextCursor of this query').optional(),
  limit: z.coerce.number().int().min(1).max(SearchPageMax).default(20),
  /** Wait (at most Limits.minSeqWaitMsMax) until both the index and the memberships are current to this seq. */
  minSeq: z.coerce.number().int().nonnegative().optional(),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/** A piece of a snippet: `hit` marks the words that matched. Text, never markup. */
export const SnippetSegment = z.object({ text: z.string(), hit: z.boolean() });
export type SnippetSegment = z.infer<typeof SnippetSegment>;

export const SearchHit = z.object({
  roomId: z.string(),
  roomName: z.string(),
  /** 'room' or 'dm' (a direct message's name is its people's). */
  roomKind: z.string(),
  /** The message's seq: open the room at it (or its thread, when threadRootSeq is set). */
  seq: z.number().int(),
  threadRootSeq: z.number().int().nullable(),
  senderId: z.string(),
  senderUsername: z.string(),
  senderDisplayName: z.string(),
  sentAt: z.string(),
  edited: z.boolean(),
  snippet: z.array(SnippetSegment),
  rank: z.number(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResponse = z.object({
  items: z.array(SearchHit),
  /** Pass as `cursor` (with the same q) for the next page; null: no more. */
  nextCursor: z.string().nullable(),
  /** The search projection's checkpoint: messages up to this seq are indexed. */
  asOfSeq: z.number().int(),
});
export type SearchResponse = z.infer<typeof SearchResponse>;
