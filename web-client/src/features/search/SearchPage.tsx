import type { SearchHit, SnippetSegment } from '@natter/contracts/browser';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ApiError, describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { useVisibilityOf } from '../../app/queries';
import { roomName } from '../rooms/room-name';

/**
 * Search results in the API's order (the best matches among the newest messages first, then older ones), each
 * with its room, sender, time and a snippet whose matched words are marked (segments from the API, rendered as
 * text: never markup). A result opens its room at the message (`?m=<seq>`, and the thread for a reply), where
 * it is brought into view and marked.
 */
export function SearchPage() {
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const { api } = useAuth();
  const results = useInfiniteQuery({
    queryKey: ['search', q],
    queryFn: ({ pageParam }) => api.search(q, { cursor: pageParam ?? undefined, limit: 20 }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: q !== '',
    staleTime: 0,
    // Still being built from history (503 search_not_ready): worth asking again in a while.
    retry: (n, e) => e instanceof ApiError && e.code === 'search_not_ready' && n < 3,
    retryDelay: 3000,
  });
  const hits = results.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="page search" aria-labelledby="search-title">
      <div className="page__head">
        <h1 id="search-title">Search</h1>
      </div>
      <p className="search__help">
        Words, <code>"a phrase"</code>, <code>-without</code>; filters <code>in:#room</code>, <code>from:@user</code>, <code>before:2026-01-31</code>, <code>after:2026-01-01</code>,{' '}
        <code>has:link</code>, <code>is:thread</code>.
      </p>
      {q === '' ? (
        <p className="notice">Type in the search box above.</p>
      ) : results.isPending ? (
        <p className="notice" role="status">Searching…</p>
      ) : results.isError ? (
        <p className="notice" role="alert">{searchError(results.error)}</p>
      ) : hits.length === 0 ? (
        <p className="notice" role="status">No messages match “{q}”.</p>
      ) : (
        <>
          <p className="search__count" role="status">
            {hits.length}
            {results.hasNextPage ? '+' : ''} {hits.length === 1 ? 'message' : 'messages'}
          </p>
          <ol className="search__results" aria-label="Search results">
            {hits.map((h) => (
              <SearchResult key={`${h.roomId}:${h.seq}`} hit={h} />
            ))}
          </ol>
          {results.hasNextPage && (
            <button type="button" className="btn btn--small" disabled={results.isFetchingNextPage} onClick={() => void results.fetchNextPage()}>
              {results.isFetchingNextPage ? 'Loading…' : 'More results'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function searchError(e: unknown): string {
  if (e instanceof ApiError && e.code === 'search_not_ready') {
    const percent = (e.details as { percent?: number } | undefined)?.percent;
    return `Search is still being built from the message history${typeof percent === 'number' ? ` (${percent}% done)` : ''}. Try again in a moment.`;
  }
  if (e instanceof ApiError && e.code === 'validation_failed') {
    const problem = (e.details as { path: string; message: string }[] | undefined)?.find((d) => d.path === 'q');
    if (problem) return `That search does not work: ${problem.message}.`;
  }
  return describeError(e);
}

/** Where a hit opens: its room at the message; a thread reply opens its thread beside the root. */
export function hitLink(h: SearchHit): string {
  const room = `/rooms/${encodeURIComponent(h.roomId)}`;
  return h.threadRootSeq !== null ? `${room}?m=${h.threadRootSeq}&thread=${h.threadRootSeq}&r=${h.seq}` : `${room}?m=${h.seq}`;
}

function SearchResult({ hit }: { hit: SearchHit }) {
  // Every hit is from a room the reader is in now, so the rooms list knows whether it is private.
  const visibilityOf = useVisibilityOf();
  const where = hit.roomKind === 'dm' ? hit.roomName || 'Direct message' : roomName(hit.roomName, visibilityOf(hit.roomId));
  const when = new Date(hit.sentAt);
  return (
    <li className="search-hit" data-testid="search-hit" data-seq={hit.seq}>
      <Link className="search-hit__link" to={hitLink(hit)}>
        <span className="search-hit__meta">
          <span className="search-hit__room">{where}</span>
          <span className="search-hit__sender">{hit.senderDisplayName || hit.senderUsername}</span>
          <time dateTime={hit.sentAt} title={when.toLocaleString()}>
            {when.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}
          </time>
          {hit.threadRootSeq !== null && <span className="search-hit__tag">in a thread</span>}
          {hit.edited && <span className="search-hit__tag">edited</span>}
        </span>
        <span className="search-hit__snippet">
          <Snippet segments={hit.snippet} />
        </span>
      </Link>
    </li>
  );
}

function Snippet({ segments }: { segments: SnippetSegment[] }) {
  return (
    <>
      {segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </>
  );
}
