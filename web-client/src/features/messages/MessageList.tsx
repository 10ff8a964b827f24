import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * The scrolling list. Sticks to the bottom while new items arrive if the reader was at the bottom; keeps
 * the reader's place when older items are added above; asks for older items near the top.
 */
export function MessageList({
  label,
  children,
  count,
  firstKey,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  status,
}: {
  label: string;
  children: ReactNode;
  /** Number of rows and the key of the first one: tell "appended below" from "prepended above". */
  count: number;
  firstKey: string | number | undefined;
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  status?: ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const prev = useRef<{ count: number; firstKey: unknown; height: number; top: number }>({ count: 0, firstKey: undefined, height: 0, top: 0 });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const p = prev.current;
    if (p.count > 0 && firstKey !== p.firstKey && count > p.count && !atBottom.current) {
      // Older rows were added above: keep what the reader was looking at in place.
      el.scrollTop = p.top + (el.scrollHeight - p.height);
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    prev.current = { count, firstKey, height: el.scrollHeight, top: el.scrollTop };
  }, [count, firstKey]);

  // Rows also grow without new items (the "new messages" line placed once the counts arrive, an image or a
  // preview loading): a reader at the bottom stays there, so the newest message is what is on screen (and
  // what the read marker says was read).
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = scroller.current;
    if (!el || !list.current || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      if (!atBottom.current) return;
      el.scrollTop = el.scrollHeight;
      prev.current = { ...prev.current, top: el.scrollTop, height: el.scrollHeight };
    });
    ro.observe(list.current);
    return () => ro.disconnect();
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    prev.current = { ...prev.current, top: el.scrollTop, height: el.scrollHeight };
    if (el.scrollTop < 120 && hasOlder && !loadingOlder) onLoadOlder();
  };

  return (
    <div className="timeline" ref={scroller} onScroll={onScroll}>
      <div className="timeline__top">
        {hasOlder ? (
          <button type="button" className="btn btn--ghost btn--small" onClick={onLoadOlder} disabled={loadingOlder}>
            {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
          </button>
        ) : (
          count > 0 && <p className="timeline__start">This is the beginning of the room.</p>
        )}
      </div>
      {status}
      <ol ref={list} className="timeline__list" role="log" aria-label={label} aria-live="polite" aria-relevant="additions">
        {children}
      </ol>
    </div>
  );
}
