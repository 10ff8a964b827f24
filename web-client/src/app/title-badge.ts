import { useEffect } from 'react';
import { useUnread } from './realtime';

const BASE_TITLE = 'Natter';
const BASE_ICON = '/icons/icon.svg';

/** The favicon with a red count (or "@" for mentions) in the corner: an SVG data URL, no canvas needed. */
export function badgeIcon(label: string, mention: boolean): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><image href="${location.origin}${BASE_ICON}" width="64" height="64"/><circle cx="44" cy="20" r="20" fill="${mention ? '#d93f0b' : '#c62828'}"/><text x="44" y="28" font-family="sans-serif" font-size="${label.length > 2 ? 16 : 22}" font-weight="700" text-anchor="middle" fill="#fff">${label}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * The window title and favicon say how much is unread over all rooms (issue 12): "(3) Natter", "(@2) Natter"
 * when some of it mentions you, and a badge on the icon; back to plain when all is read.
 */
export function useTitleBadge(): void {
  const unread = useUnread();
  const { unread: total, mentions } = unread.totals();
  useEffect(() => {
    const label = total > 99 ? '99+' : String(total);
    document.title = total > 0 ? `(${mentions > 0 ? '@' : ''}${label}) ${BASE_TITLE}` : BASE_TITLE;
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (link) link.href = total > 0 ? badgeIcon(label, mentions > 0) : BASE_ICON;
  }, [total, mentions]);
  useEffect(
    () => () => {
      document.title = BASE_TITLE;
      const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
      if (link) link.href = BASE_ICON;
    },
    [],
  );
}
